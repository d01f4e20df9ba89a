/**
 * `npm run bench`: every benchmark, each in its own process so one engine's warm state or heap does not
 * colour the next. Each prints its own table of ratios against the peer measured in the same run.
 * `npm run bench -- lenet` runs only the benches whose name contains "lenet".
 * BENCH_SCALE (e.g. 0.1) shrinks the workloads for a quick look.
 */
import { spawnSync } from 'node:child_process';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { cpus, totalmem } from 'node:os';

const here = dirname(fileURLToPath(import.meta.url));
const benches = [
  { name: 'lenet-graph', what: 'LeNet-5 training epoch and 10,000-image inference: ours (wasm 2/1 threads, reference) vs TensorFlow.js CPU and WASM, and PyTorch where installed' },
  { name: 'conv-gemm', what: "conv2d (32,56,56,64)x(3,3,64,64) 'same' and 512^3 GEMM, GFLOP/s: ours vs TensorFlow.js WASM and CPU" },
  { name: 'wasm-kernels', what: 'WebAssembly GEMM/conv kernels: GFLOP/s, 1 vs 2 threads, vs the TypeScript kernels' },
  { name: 'primitives', what: "The spec's workloads (0-main, 1-main, 2-main) and LeNet conv layers: ours vs TensorFlow.js CPU" },
];

const filter = process.argv[2];
console.log(`machine: ${cpus().length} × ${cpus()[0]?.model ?? 'unknown CPU'}, ${(totalmem() / 2 ** 30).toFixed(0)} GiB, Node ${process.version}`);
let failed = 0;
for (const b of benches) {
  if (filter && !b.name.includes(filter)) continue;
  console.log(`\n## ${b.name}: ${b.what}`);
  // wasm-kernels' big-conv section would time the TypeScript kernel on 3.7 GFLOP; conv-gemm covers that conv.
  const args = b.name === 'wasm-kernels' ? ['--quick'] : [];
  const r = spawnSync(process.execPath, [join(here, `${b.name}.js`), ...args], { stdio: 'inherit' });
  if (r.status !== 0) { console.error(`${b.name} failed (exit ${r.status ?? r.signal})`); failed++; }
}
process.exit(failed === 0 ? 0 : 1);
