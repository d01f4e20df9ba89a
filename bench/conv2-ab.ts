// In-process A/B of LeNet conv2's kernels (x (32,14,14,6), W (5,5,6,16), 'valid'), one thread:
// A = a baseline module, B = the module this build made. Make the baseline from the committed kernels
// before editing them: `git archive HEAD assembly | tar -x -C /tmp/base`, then compile
// /tmp/base/assembly/index.ts with asc and the flags of scripts/build-wasm.mjs plus
// `--enable relaxed-simd --outFile dist/wasm-base/kernels-relaxed.wasm` (or pass another .wasm path).
// A/A runs (baseline = current) read 0.92-1.04 here: count only ratios past that noise. Both are instantiated on the one shared memory and called on the
// same resident buffers; the kernel wrappers are reused by swapping the runtime's exports.
// 20 rounds of (20 calls A, 20 calls B); prints median-of-round µs per call and A/B.
// Run: node --no-liftoff dist/bench/conv2-ab.js [fwd|bin|bfil|gemm ...] [baseline.wasm]
import { readFileSync } from 'node:fs';
import { convInfo } from '../src/kernels/shape.js';
import * as wasm from '../src/wasm/kernels.js';
import { setThreads, whenReady } from '../src/wasm/pool.js';
import { wasmAlloc } from '../src/wasm/heap.js';
import { getRuntime } from '../src/wasm/runtime.js';
import { moduleImports, type KernelExports } from '../src/wasm/kernel-names.js';

setThreads(1);
await whenReady();
const args = process.argv.slice(2);
const basePath = args.find((a) => a.endsWith('.wasm')) ?? new URL('../wasm-base/kernels-relaxed.wasm', import.meta.url).pathname;
const which = args.filter((a) => !a.endsWith('.wasm'));
const kernels = which.length ? which : ['fwd', 'bin', 'bfil'];

const rt = getRuntime();
const newExports = rt.exports;
const baseExports = new WebAssembly.Instance(new WebAssembly.Module(readFileSync(basePath)), moduleImports(rt.memory)).exports as unknown as KernelExports;
const use = (e: KernelExports) => { (rt as { exports: KernelExports }).exports = e; };

const filled = (n: number, seed: number) => { const a = wasmAlloc(n); let s = seed; for (let i = 0; i < n; i++) { s = (s * 16807) % 2147483647; a[i] = s / 2147483647 - 0.5; } return a; };
const info = convInfo([32, 14, 14, 6], [5, 5, 6, 16], [1, 1], 'valid');
const x = filled(32 * 14 * 14 * 6, 7), w = filled(5 * 5 * 6 * 16, 11), bias = filled(16, 13);
const dy = filled(32 * 10 * 10 * 16, 17);
const outs = { a: { y: filled(dy.length, 1), dx: filled(x.length, 1), dw: filled(w.length, 1) },
  b: { y: filled(dy.length, 2), dx: filled(x.length, 2), dw: filled(w.length, 2) } };
const gflop = 2 * 32 * 10 * 10 * 16 * 5 * 5 * 6 / 1e9;
type Out = typeof outs.a;
const calls: Record<string, [string, (o: Out) => void, (o: Out) => Float32Array]> = {
  fwd: ['forward+bias+relu', (o) => wasm.conv2dForward(x, w, bias, info, o.y, true), (o) => o.y],
  bin: ['backprop input', (o) => wasm.conv2dBackpropInput(dy, w, info, o.dx), (o) => o.dx],
  bfil: ['backprop filter', (o) => wasm.conv2dBackpropFilter(x, dy, info, o.dw), (o) => o.dw],
};
// A reference point for the machine's state: the 256³ GEMM (same code in both modules: an A/A).
const ga = filled(256 * 256, 19), gb = filled(256 * 256, 23);
const gemmOut = { a: filled(256 * 256, 1), b: filled(256 * 256, 2) };
calls.gemm = ['gemm 256³ (GFLOP/s column: ×2.18)', (o) => wasm.matmul(ga, gb, o === outs.a ? gemmOut.a : gemmOut.b, 256, 256, 256, false, false, false),
  (o) => (o === outs.a ? gemmOut.a : gemmOut.b)];
const median = (v: number[]) => { const s = [...v].sort((p, q) => p - q); return s[s.length >> 1]; };
console.log(`variant ${rt.variant}; A = ${basePath}`);
for (const k of kernels) {
  const [name, run, result] = calls[k];
  use(baseExports); run(outs.a); use(newExports); run(outs.b);
  const ra = result(outs.a), rb = result(outs.b);
  let diff = 0, scale = 0;
  for (let i = 0; i < ra.length; i++) { diff = Math.max(diff, Math.abs(ra[i] - rb[i])); scale = Math.max(scale, Math.abs(ra[i])); }
  // Warm-up: V8 compiles wasm functions with Liftoff first and tiers hot ones up to TurboFan in the
  // background, at a moment that differs between the two modules (late on a loaded machine); an A/A
  // run without this read 0.83 and 1.21. Run with `node --no-liftoff` to compile optimized up front.
  for (let i = 0; i < 100; i++) { use(baseExports); run(outs.a); use(newExports); run(outs.b); }
  const ta: number[] = [], tb: number[] = [];
  for (let round = 0; round < 20; round++) {
    use(baseExports);
    let t0 = performance.now();
    for (let i = 0; i < 20; i++) run(outs.a);
    ta.push((performance.now() - t0) * 1000 / 20);
    use(newExports);
    t0 = performance.now();
    for (let i = 0; i < 20; i++) run(outs.b);
    tb.push((performance.now() - t0) * 1000 / 20);
  }
  const ma = median(ta), mb = median(tb);
  console.log(`${name}: A ${ma.toFixed(0)} µs (${(gflop / ma * 1e6).toFixed(1)} GFLOP/s), B ${mb.toFixed(0)} µs (${(gflop / mb * 1e6).toFixed(1)} GFLOP/s), A/B ${(ma / mb).toFixed(3)}; max |A-B| ${diff.toExponential(2)} of max |A| ${scale.toFixed(2)}`);
}
use(newExports);
process.exit(0);
