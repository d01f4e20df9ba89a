// In-process A/B of LeNet's convolution kernels, one thread: A = the kernels of a git revision
// (default HEAD), B = this build's (dist/wasm), in the runtime's variant (relaxed or plain SIMD), both
// instantiated on the one shared memory and called on the same resident buffers; the kernel wrappers
// are reused by swapping the runtime's exports. Timing: interleaved calls (kernel-ab.ts); prints
// median µs per call, GFLOP/s, A/B (> 1: B is faster) and max |A - B|. A/A runs (HEAD against an
// unchanged tree) read 0.92-1.04 here: count only ratios past that noise.
// Run: node --no-liftoff dist/bench/conv-ab.js [c1fwd|c1fil|fwd|bin|bfil|gemm ...] [git-rev]
// (--no-liftoff compiles both modules optimised up front, so neither waits to tier up.)
import { convInfo, type Conv2DInfo } from '../src/kernels/shape.js';
import * as wasm from '../src/wasm/kernels.js';
import { setThreads, whenReady } from '../src/wasm/pool.js';
import { wasmAlloc } from '../src/wasm/heap.js';
import { getRuntime } from '../src/wasm/runtime.js';
import { moduleImports, type KernelExports } from '../src/wasm/kernel-names.js';
import { buildKernels, interleaved } from './kernel-ab.js';

setThreads(1);
await whenReady();
const names = ['c1fwd', 'c1fil', 'fwd', 'bin', 'bfil', 'gemm'];
const args = process.argv.slice(2);
const which = args.filter((a) => names.includes(a));
const rev = args.find((a) => !names.includes(a)) ?? 'HEAD';
const kernels = which.length ? which : ['c1fwd', 'c1fil', 'fwd', 'bin', 'bfil'];

const rt = getRuntime();
const newExports = rt.exports;
const baseExports = new WebAssembly.Instance(new WebAssembly.Module(buildKernels(rev, rt.variant)), moduleImports(rt.memory)).exports as unknown as KernelExports;
const use = (e: KernelExports) => { (rt as { exports: KernelExports }).exports = e; };

const filled = (n: number, seed: number) => { const a = wasmAlloc(n); let s = seed; for (let i = 0; i < n; i++) { s = (s * 16807) % 2147483647; a[i] = s / 2147483647 - 0.5; } return a; };
const size = (shape: number[]) => shape.reduce((p, d) => p * d, 1);

/** One layer's buffers, with an output per side so A's and B's results can be compared. */
function layer(xShape: number[], wShape: number[], pad: 'same' | 'valid', seed: number) {
  const info = convInfo(xShape, wShape, [1, 1], pad);
  const ySize = info.batch * info.outH * info.outW * info.outC;
  return {
    info, x: filled(size(xShape), seed), w: filled(size(wShape), seed + 1), bias: filled(info.outC, seed + 2), dy: filled(ySize, seed + 3),
    out: { a: { y: filled(ySize, 1), dx: filled(size(xShape), 1), dw: filled(size(wShape), 1) },
      b: { y: filled(ySize, 2), dx: filled(size(xShape), 2), dw: filled(size(wShape), 2) } },
    gflop: (2 * ySize * wShape[0] * wShape[1] * wShape[2]) / 1e9,
  };
}
const conv1 = layer([32, 28, 28, 1], [5, 5, 1, 6], 'same', 7);
const conv2 = layer([32, 14, 14, 6], [5, 5, 6, 16], 'valid', 17);
type Layer = typeof conv1;
type Out = Layer['out']['a'];
const gemmIn = [filled(256 * 256, 19), filled(256 * 256, 23)];
const gemmOut = { a: filled(256 * 256, 1), b: filled(256 * 256, 2) };

const calls: Record<string, [string, Layer | null, (o: Out, side: 'a' | 'b') => Float32Array]> = {
  c1fwd: ['conv1 forward+bias+relu', conv1, (o) => { wasm.conv2dForward(conv1.x, conv1.w, conv1.bias, conv1.info, o.y, true); return o.y; }],
  c1fil: ['conv1 backprop filter', conv1, (o) => { wasm.conv2dBackpropFilter(conv1.x, conv1.dy, conv1.info, o.dw); return o.dw; }],
  fwd: ['conv2 forward+bias+relu', conv2, (o) => { wasm.conv2dForward(conv2.x, conv2.w, conv2.bias, conv2.info, o.y, true); return o.y; }],
  bin: ['conv2 backprop input', conv2, (o) => { wasm.conv2dBackpropInput(conv2.dy, conv2.w, conv2.info, o.dx); return o.dx; }],
  bfil: ['conv2 backprop filter', conv2, (o) => { wasm.conv2dBackpropFilter(conv2.x, conv2.dy, conv2.info, o.dw); return o.dw; }],
  // A reference point for the machine's state: the 256³ GEMM (the same code in both modules unless it changed).
  gemm: ['gemm 256³', null, (_o, side) => { wasm.matmul(gemmIn[0], gemmIn[1], gemmOut[side], 256, 256, 256, false, false, false); return gemmOut[side]; }],
};

console.log(`variant ${rt.variant}; A = kernels of ${rev}, B = dist/wasm`);
for (const k of kernels) {
  const [name, l, run] = calls[k];
  const outA = l ? l.out.a : conv1.out.a, outB = l ? l.out.b : conv1.out.b;
  use(baseExports); const ra = run(outA, 'a');
  use(newExports); const rb = run(outB, 'b');
  let diff = 0, scale = 0;
  for (let i = 0; i < ra.length; i++) { diff = Math.max(diff, Math.abs(ra[i] - rb[i])); scale = Math.max(scale, Math.abs(ra[i])); }
  const t = interleaved(() => { use(baseExports); run(outA, 'a'); }, () => { use(newExports); run(outB, 'b'); });
  const gflop = l ? l.gflop : (2 * 256 ** 3) / 1e9;
  const rate = (us: number) => (gflop / us * 1e6).toFixed(1);
  console.log(`${name}: A ${t.a.toFixed(0)} µs (${rate(t.a)} GFLOP/s), B ${t.b.toFixed(0)} µs (${rate(t.b)} GFLOP/s), A/B ${(t.a / t.b).toFixed(3)}; max |A-B| ${diff.toExponential(2)} of max |A| ${scale.toFixed(2)}`);
}
use(newExports);
process.exit(0);
