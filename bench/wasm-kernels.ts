// WebAssembly kernel benchmark: GEMM GFLOP/s (LeNet conv2's im2col shapes and 512³) on 1 and 2
// threads, and LeNet's conv/pool layers (batch 32) against the plain TypeScript kernels.
// Run: node dist/bench/wasm-kernels.js   (after tsc and node scripts/build-wasm.mjs)
import { availableParallelism, cpus } from 'node:os';
import { convInfo, poolInfo, type Padding } from '../src/kernels/shape.js';
import * as ts from '../src/kernels/conv2d.js';
import * as tsPool from '../src/kernels/pool2d.js';
import { matmul as tsMatmul } from '../src/kernels/gemm.js';
import * as wasm from '../src/wasm/kernels.js';
import { setThreads, whenReady } from '../src/wasm/pool.js';
import { wasmAlloc } from '../src/wasm/heap.js';
import { tryRuntime } from '../src/wasm/runtime.js';

/** Median seconds per call over 5 batches, each batch running for at least ~minSeconds/5. */
function time(fn: () => void, minSeconds = 0.4): number {
  fn();
  let reps = 1;
  for (;;) {
    const t0 = performance.now();
    for (let i = 0; i < reps; i++) fn();
    const dt = (performance.now() - t0) / 1000;
    if (dt >= minSeconds / 5) break;
    reps = Math.max(reps * 2, Math.ceil(reps * (minSeconds / 5) / Math.max(dt, 1e-6)));
  }
  const samples: number[] = [];
  for (let s = 0; s < 5; s++) {
    const t0 = performance.now();
    for (let i = 0; i < reps; i++) fn();
    samples.push((performance.now() - t0) / 1000 / reps);
  }
  return samples.sort((a, b) => a - b)[2];
}

const random = (n: number, resident: boolean) => {
  const a = resident ? wasmAlloc(n) : new Float32Array(n);
  let s = 12345;
  for (let i = 0; i < n; i++) { s = (s * 16807) % 2147483647; a[i] = s / 2147483647 - 0.5; }
  return a;
};

const rows: string[][] = [];
const fmt = (x: number, digits = 1) => x.toFixed(digits);

async function threads(n: number): Promise<void> {
  setThreads(n);
  await whenReady();
}

async function gemmRow(label: string, m: number, k: number, n: number, transA = false, transB = false): Promise<void> {
  const a = random(m * k, true), b = random(k * n, true), c = wasmAlloc(m * n);
  const flops = 2 * m * n * k;
  const gflops: number[] = [];
  for (const t of [1, 2]) {
    await threads(t);
    gflops.push(flops / time(() => wasm.matmul(a, b, c, m, k, n, transA, transB, false)) / 1e9);
  }
  const ta = random(m * k, false), tb = random(k * n, false), tc = new Float32Array(m * n);
  const tsGflops = flops / time(() => tsMatmul(ta, tb, tc, m, k, n, transA, transB, false), 0.2) / 1e9;
  rows.push([label, fmt(gflops[0]), fmt(gflops[1]), fmt(gflops[1] / gflops[0], 2), fmt(tsGflops), fmt(gflops[1] / tsGflops)]);
}

type Layer = { label: string; flops: number; wasm: () => void; ts: () => void };

function convLayers(name: string, xShape: number[], wShape: number[], padding: Padding, withInputGrad: boolean): Layer[] {
  const info = convInfo(xShape, wShape, [1, 1], padding);
  const xn = xShape.reduce((p, v) => p * v), wn = wShape.reduce((p, v) => p * v);
  const yn = info.batch * info.outH * info.outW * info.outC;
  const flops = 2 * yn * info.kh * info.kw * info.inC;
  const [x, w, b, y, dy, dx, dw] = [xn, wn, info.outC, yn, yn, xn, wn].map((n) => random(n, true));
  const [tx, tw, tb, ty, tdy, tdx, tdw] = [xn, wn, info.outC, yn, yn, xn, wn].map((n) => random(n, false));
  const layers: Layer[] = [
    { label: `${name} forward+bias+relu`, flops, wasm: () => wasm.conv2dForward(x, w, b, info, y, true), ts: () => ts.conv2dForward(tx, tw, tb, info, ty) },
    { label: `${name} backprop filter`, flops, wasm: () => wasm.conv2dBackpropFilter(x, dy, info, dw), ts: () => ts.conv2dBackpropFilter(tx, tdy, info, tdw) },
  ];
  if (withInputGrad) {
    layers.push({ label: `${name} backprop input`, flops, wasm: () => wasm.conv2dBackpropInput(dy, w, info, dx), ts: () => ts.conv2dBackpropInput(tdy, tw, info, tdx) });
  }
  return layers;
}

function poolLayers(name: string, xShape: number[]): Layer[] {
  const info = poolInfo(xShape, [2, 2], [2, 2], 'valid');
  const xn = xShape.reduce((p, v) => p * v), yn = info.batch * info.outH * info.outW * info.channels;
  const [x, y, dy, dx] = [xn, yn, yn, xn].map((n) => random(n, true));
  const [tx, ty, tdy, tdx] = [xn, yn, yn, xn].map((n) => random(n, false));
  return [
    { label: `${name} maxpool forward`, flops: 0, wasm: () => wasm.maxPoolForward(x, info, y), ts: () => tsPool.maxPoolForward(tx, info, ty) },
    { label: `${name} maxpool backward`, flops: 0, wasm: () => wasm.maxPoolBackward(dy, x, info, 'all', dx), ts: () => tsPool.maxPoolBackward(tdy, tx, info, 'all', tdx) },
  ];
}

async function layerRows(layers: Layer[]): Promise<void> {
  for (const layer of layers) {
    const seconds: number[] = [];
    for (const t of [1, 2]) {
      await threads(t);
      seconds.push(time(layer.wasm, 0.3));
    }
    const tsSeconds = time(layer.ts, 0.3);
    const rate = (s: number) => (layer.flops ? `${fmt(s * 1e6, 0)} µs ${fmt(layer.flops / s / 1e9)}` : `${fmt(s * 1e6, 0)} µs`);
    rows.push([layer.label, rate(seconds[0]), rate(seconds[1]), fmt(seconds[0] / seconds[1], 2), rate(tsSeconds), fmt(tsSeconds / seconds[1])]);
  }
}

function printTable(title: string, header: string[]): void {
  const all = [header, ...rows];
  const widths = header.map((_, i) => Math.max(...all.map((r) => r[i].length)));
  console.log(`\n${title}`);
  all.forEach((r, i) => {
    console.log(r.map((cell, j) => (j === 0 ? cell.padEnd(widths[j]) : cell.padStart(widths[j]))).join('  '));
    if (i === 0) console.log(widths.map((w) => '-'.repeat(w)).join('  '));
  });
  rows.length = 0;
}

const rt = tryRuntime();
if (!rt) {
  console.log('wasm-kernels bench: no kernel module (run node scripts/build-wasm.mjs) or no WebAssembly SIMD; skipped');
} else {
  console.log(`wasm kernels (${rt.variant}), ${availableParallelism()} cores: ${cpus()[0]?.model ?? 'unknown CPU'}, Node ${process.version}`);
  await gemmRow('512 x 512 x 512', 512, 512, 512);
  await gemmRow('conv2 im2col 3200x150 · 150x16', 3200, 150, 16);
  await gemmRow('conv2 Wt·colT 16x150 · 150x3200', 16, 150, 3200, true);
  await gemmRow('conv2 dW 150x3200 · 3200x16', 150, 3200, 16, true);
  await gemmRow('dense 32x400 · 400x120', 32, 400, 120);
  printTable('GEMM, GFLOP/s (resident buffers)', ['shape', '1 thread', '2 threads', 'speedup', 'TS kernel', 'wasm2/TS']);
  await layerRows([
    ...convLayers('conv1 5x5x1x6 same 32x28x28x1', [32, 28, 28, 1], [5, 5, 1, 6], 'same', false),
    ...poolLayers('pool1 32x28x28x6', [32, 28, 28, 6]),
    ...convLayers('conv2 5x5x6x16 valid 32x14x14x6', [32, 14, 14, 6], [5, 5, 6, 16], 'valid', true),
    ...poolLayers('pool2 32x10x10x16', [32, 10, 10, 16]),
  ]);
  printTable('LeNet-5 layers, batch 32: time per call and GFLOP/s', ['layer', 'wasm 1 thread', 'wasm 2 threads', 'speedup', 'TS kernel', 'TS/wasm2']);
  if (!process.argv.includes('--quick')) {
    await layerRows(convLayers('conv 3x3x64x64 same 32x56x56x64', [32, 56, 56, 64], [3, 3, 64, 64], 'same', false).slice(0, 1));
    printTable('The issue\'s big convolution', ['layer', 'wasm 1 thread', 'wasm 2 threads', 'speedup', 'TS kernel', 'TS/wasm2']);
  }
}
console.log(`RSS at the end: ${(process.memoryUsage().rss / 2 ** 20).toFixed(0)} MB`);
process.exit(0);
