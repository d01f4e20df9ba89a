// LeNet's two convolutions (batch 32), each kernel timed alone on resident buffers: best of 7 runs
// of CPU time (the machine is shared; CPU time keeps out descheduled time). 1 thread by default.
// Run: node dist/bench/conv-layers.js [threads]
import { convInfo, poolInfo, type Padding } from '../src/kernels/shape.js';
import * as wasm from '../src/wasm/kernels.js';
import { setThreads, whenReady } from '../src/wasm/pool.js';
import { wasmAlloc } from '../src/wasm/heap.js';
import { formatTable } from './util.js';

const threads = Number(process.argv[2] ?? '1');
setThreads(threads);
await whenReady();

const cpuMs = () => { const u = process.cpuUsage(); return (u.user + u.system) / 1000; };
/** Best of 7 batches of µs per call (CPU time of the whole process: meaningful with 1 thread). */
function bestMicros(fn: () => void, reps = 50): number {
  for (let i = 0; i < 5; i++) fn();
  let best = Infinity;
  for (let b = 0; b < 7; b++) {
    const t0 = threads === 1 ? cpuMs() : performance.now();
    for (let i = 0; i < reps; i++) fn();
    best = Math.min(best, ((threads === 1 ? cpuMs() : performance.now()) - t0) * 1000 / reps);
  }
  return best;
}
const filled = (n: number) => { const a = wasmAlloc(n); let s = 7; for (let i = 0; i < n; i++) { s = (s * 16807) % 2147483647; a[i] = s / 2147483647 - 0.5; } return a; };

const layers: { name: string; x: number[]; w: number[]; padding: Padding }[] = [
  { name: 'conv1', x: [32, 28, 28, 1], w: [5, 5, 1, 6], padding: 'same' },
  { name: 'conv2', x: [32, 14, 14, 6], w: [5, 5, 6, 16], padding: 'valid' },
];
const rows: string[][] = [];
for (const l of layers) {
  const info = convInfo(l.x, l.w, [1, 1], l.padding);
  const x = filled(l.x.reduce((a, b) => a * b)), w = filled(l.w.reduce((a, b) => a * b)), bias = filled(info.outC);
  const y = filled(info.batch * info.outH * info.outW * info.outC), dx = filled(x.length), dw = filled(w.length);
  const gflop = 2 * info.batch * info.outH * info.outW * info.outC * info.kh * info.kw * info.inC / 1e9;
  const timed: [string, () => void][] = [
    ['forward+bias+relu', () => wasm.conv2dForward(x, w, bias, info, y, true)],
    ['backprop input', () => wasm.conv2dBackpropInput(y, w, info, dx)],
    ['backprop filter', () => wasm.conv2dBackpropFilter(x, y, info, dw)],
  ];
  for (const [what, fn] of timed) {
    const us = bestMicros(fn);
    rows.push([l.name, what, us.toFixed(0), (gflop / (us / 1e6)).toFixed(1)]);
  }
}
// The pooling layers' fused max-pool + relu gradient, and the forward pools.
for (const [name, shape] of [['pool1', [32, 28, 28, 6]], ['pool2', [32, 10, 10, 16]]] as [string, number[]][]) {
  const info = poolInfo([...shape], [2, 2], [2, 2], 'valid');
  const x = filled(shape.reduce((a, b) => a * b)), dx = filled(x.length), y = filled(x.length / 4);
  rows.push([name, 'max pool', bestMicros(() => wasm.maxPoolForward(x, info, y)).toFixed(0), '']);
  rows.push([name, 'max pool grad+relu', bestMicros(() => wasm.maxPoolBackward(y, x, info, 'all', dx, true)).toFixed(0), '']);
}
console.log(`LeNet convolutions, batch 32, ${threads} thread(s), ${threads === 1 ? 'CPU time' : 'wall clock'}, best of 7`);
console.log(formatTable(['layer', 'kernel', 'µs', 'GFLOP/s'], rows));
process.exit(0);
