// Compiles assembly/ with the installed AssemblyScript compiler into dist/wasm/:
//   kernels-simd.wasm     128-bit SIMD (runs wherever WebAssembly SIMD does)
//   kernels-relaxed.wasm  + relaxed SIMD (fused multiply-add), if asc can emit it
// Both import one shared memory (env.memory) so a pool of threads can run them side by side.
// `--assembly DIR --out DIR` build another copy of the kernels (the A/B benches build a git revision's).
import asc from 'assemblyscript/asc';
import { mkdir, readFile } from 'node:fs/promises';
import { fileURLToPath } from 'node:url';
import path from 'node:path';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
const option = (name, fallback) => {
  const i = process.argv.indexOf(name);
  return i >= 0 && process.argv[i + 1] ? path.resolve(process.argv[i + 1]) : fallback;
};
const assemblyDir = option('--assembly', path.join(root, 'assembly'));
const outDir = option('--out', path.join(root, 'dist', 'wasm'));
/** Pages of 64 KiB; shared memories must declare a maximum (reserved, not committed): 2 GiB. */
const MAXIMUM_PAGES = 32768;

const common = [
  path.join(assemblyDir, 'index.ts'),
  '--optimizeLevel', '3', '--shrinkLevel', '0', '--noAssert',
  '--runtime', 'stub', '--importMemory', '--sharedMemory', '--maximumMemory', String(MAXIMUM_PAGES),
  '--initialMemory', '1', '--zeroFilledMemory', '--noExportMemory',
  '--enable', 'simd', '--enable', 'threads',
  '--use', 'abort=',
  // Math.exp/log from the host: the module must carry no static data (see below).
  '--use', 'Math=JSMath',
];

/**
 * Every thread instantiates the module on the same memory, and instantiation writes the data
 * segments: a module with static data would overwrite live memory whenever a worker starts.
 * Returns the number of data segments (section 11) of a binary.
 */
function dataSegmentCount(bytes) {
  let at = 8;
  const leb = () => { let result = 0, shift = 0, byte; do { byte = bytes[at++]; result |= (byte & 0x7f) << shift; shift += 7; } while (byte & 0x80); return result >>> 0; };
  while (at < bytes.length) {
    const id = bytes[at++];
    const size = leb();
    if (id === 11) return leb();
    at += size;
  }
  return 0;
}

const variants = [
  { file: 'kernels-simd.wasm', extra: [] },
  { file: 'kernels-relaxed.wasm', extra: ['--enable', 'relaxed-simd'], optional: true },
];

await mkdir(outDir, { recursive: true });
let failed = false;
for (const { file, extra, optional } of variants) {
  const out = path.join(outDir, file);
  const { error, stderr } = await asc.main([...common, ...extra, '--outFile', out]);
  if (error) {
    console.error(`build-wasm: ${file} failed: ${error.message}\n${stderr.toString()}`);
    if (!optional) failed = true;
  } else if (dataSegmentCount(await readFile(out)) > 0) {
    console.error(`build-wasm: ${file} has static data segments; the kernels must not (each thread's instantiation would rewrite them)`);
    failed = true;
  } else {
    console.log(`build-wasm: wrote ${path.relative(root, out)}`);
  }
}
if (failed) process.exit(1);
