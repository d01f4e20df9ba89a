/**
 * The two throughput benchmarks, every engine in one run: conv2d forward on
 * (32, 56, 56, 64) × (3, 3, 64, 64) 'same' (NHWC, stride 1) and a 512 × 512 × 512 matrix product, in
 * GFLOP/s: ours (WebAssembly kernels on resident buffers, 1 and 2 threads), TensorFlow.js's WASM
 * backend (XNNPACK) and its CPU backend, with each engine's speed relative to ours on 2 threads.
 * Run: node dist/bench/conv-gemm.js   (BENCH_SCALE=0.25 shrinks the conv's batch)
 */
import * as tf from '@tensorflow/tfjs';
import { availableParallelism, loadavg } from 'node:os';
import { convInfo } from '../src/kernels/shape.js';
import * as wasm from '../src/wasm/kernels.js';
import { setThreads, whenReady } from '../src/wasm/pool.js';
import { wasmAlloc } from '../src/wasm/heap.js';
import { tryRuntime } from '../src/wasm/runtime.js';
import { filledRandom, formatTable } from './util.js';

const SCALE = Number(process.env.BENCH_SCALE ?? '1');
const BATCH = Math.max(1, Math.round(32 * SCALE));
const X = [BATCH, 56, 56, 64], W = [3, 3, 64, 64];
const N = 512;
const CONV_FLOPS = 2 * BATCH * 56 * 56 * 64 * 3 * 3 * 64;
const GEMM_FLOPS = 2 * N * N * N;

/** Best seconds per call: one warm-up, then repeated until ~budget seconds (at least `min` calls). */
function bestSeconds(fn: () => void, budget = 1.5, min = 3): number {
  fn();
  let best = Infinity, spent = 0, calls = 0;
  while (calls < min || spent < budget) {
    const t0 = performance.now();
    fn();
    const s = (performance.now() - t0) / 1000;
    best = Math.min(best, s);
    spent += s;
    calls++;
    if (spent > budget * 4) break;
  }
  return best;
}

interface Row { engine: string; conv: number | null; gemm: number | null; note: string }

async function ours(threads: number): Promise<Row> {
  setThreads(threads);
  await whenReady();
  const info = convInfo(X, W, [1, 1], 'same');
  const size = (s: number[]) => s.reduce((p, v) => p * v, 1);
  const x = filledRandom(wasmAlloc(size(X)), 1), w = filledRandom(wasmAlloc(size(W)), 2);
  const y = wasmAlloc(size(X));
  const conv = CONV_FLOPS / bestSeconds(() => wasm.conv2dForward(x, w, null, info, y)) / 1e9;
  const a = filledRandom(wasmAlloc(N * N), 3), b = filledRandom(wasmAlloc(N * N), 4), c = wasmAlloc(N * N);
  const gemm = GEMM_FLOPS / bestSeconds(() => wasm.matmul(a, b, c, N, N, N, false, false, false)) / 1e9;
  return { engine: `ours, wasm ${tryRuntime()!.variant}, ${threads} thread${threads > 1 ? 's' : ''}`, conv, gemm, note: '' };
}

function tfjs(engine: string, budget: number): Row {
  const x = tf.tensor4d(filledRandom(new Float32Array(X.reduce((p, v) => p * v)), 1), X as [number, number, number, number]);
  const w = tf.tensor4d(filledRandom(new Float32Array(W.reduce((p, v) => p * v)), 2), W as [number, number, number, number]);
  const a = tf.tensor2d(filledRandom(new Float32Array(N * N), 3), [N, N]);
  const b = tf.tensor2d(filledRandom(new Float32Array(N * N), 4), [N, N]);
  const run = (f: () => tf.Tensor) => () => { const t = f(); t.dataSync(); t.dispose(); };
  const conv = CONV_FLOPS / bestSeconds(run(() => tf.conv2d(x, w, 1, 'same')), budget, 1) / 1e9;
  const gemm = GEMM_FLOPS / bestSeconds(run(() => tf.matMul(a, b)), budget, 3) / 1e9;
  tf.dispose([x, w, a, b]);
  return { engine, conv, gemm, note: '' };
}

const rows: Row[] = [];
if (tryRuntime()) {
  rows.push(await ours(2));
  rows.push(await ours(1));
  setThreads(2);
} else {
  rows.push({ engine: 'ours, wasm', conv: null, gemm: null, note: 'no kernel module or WebAssembly SIMD here' });
}
try {
  await import('@tensorflow/tfjs-backend-wasm');
  if (!(await tf.setBackend('wasm'))) throw new Error('setBackend("wasm") returned false');
  rows.push(tfjs(`TensorFlow.js ${tf.version.tfjs} wasm`, 1.5));
} catch (e) {
  rows.push({ engine: 'TensorFlow.js wasm', conv: null, gemm: null, note: `unavailable: ${(e as Error).message.split('\n')[0]}` });
}
await tf.setBackend('cpu');
// Its conv runs at ~1 GFLOP/s: one timed call after the warm-up.
rows.push(tfjs(`TensorFlow.js ${tf.version.tfjs} cpu`, 0.1));

const base = rows[0];
const f = (v: number | null) => (v === null ? '-' : v.toFixed(1));
const ratio = (v: number | null, ref: number | null) => (v === null || ref === null ? '-' : `${(ref / v).toFixed(1)}×`);
console.log(`conv2d forward (${X.join(', ')}) × (${W.join(', ')}) 'same', no bias; GEMM ${N}³. GFLOP/s, best of repeated calls; ` +
  `"ours is N× faster" = ours (first row) / engine.`);
console.log(formatTable(['engine', 'conv GFLOP/s', 'ours is N× faster', 'GEMM GFLOP/s', 'ours is N× faster ', 'note'],
  rows.map((r) => [r.engine, f(r.conv), ratio(r.conv, base.conv), f(r.gemm), ratio(r.gemm, base.gemm), r.note])));
console.log(`RSS at the end: ${(process.memoryUsage().rss / 2 ** 20).toFixed(0)} MB; load average (1 min) ${loadavg()[0].toFixed(1)} on ${availableParallelism()} cores`);
process.exit(0);
