// The WebAssembly kernels against the TypeScript reference twins (and naive loops where there is no
// twin) on random shapes: odd sizes, strides 1–3, both paddings, batch 1, transposes; 1 and 2 threads,
// with the serial threshold at 0 so that even small shapes are split across the pool.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { convInfo, poolInfo, type Padding } from '../src/kernels/shape.js';
import {
  conv2dForwardReference, conv2dBackpropInputReference, conv2dBackpropFilterReference, biasGradReference,
} from '../src/kernels/conv2d-reference.js';
import {
  maxPoolForwardReference, avgPoolForwardReference, maxPoolBackwardReference, avgPoolBackwardReference,
} from '../src/kernels/pool2d-reference.js';
import * as wasm from '../src/wasm/kernels.js';
import { setThreads, whenReady } from '../src/wasm/pool.js';
import { wasmAlloc, wasmFree } from '../src/wasm/heap.js';
import { wasmAvailable } from '../src/kernels/backend.js';
import { rng } from './test-random.js';

const skip = wasmAvailable() ? false : 'wasm module not built or no WebAssembly SIMD here';


/** |actual − expected| ≤ 1e-4 · max(1, max |expected|), elementwise. */
function assertClose(actual: ArrayLike<number>, expected: ArrayLike<number>, what: string): void {
  assert.equal(actual.length, expected.length, `${what}: length`);
  let scale = 1;
  for (let i = 0; i < expected.length; i++) scale = Math.max(scale, Math.abs(expected[i]));
  for (let i = 0; i < expected.length; i++) {
    const err = Math.abs(actual[i] - expected[i]);
    if (!(err <= 1e-4 * scale)) assert.fail(`${what}: element ${i} is ${actual[i]}, expected ${expected[i]} (scale ${scale})`);
  }
}

function naiveMatmul(a: Float32Array, b: Float32Array, c0: Float32Array, m: number, k: number, n: number,
  transA: boolean, transB: boolean, accumulate: boolean): Float64Array {
  const c = new Float64Array(m * n);
  for (let i = 0; i < m; i++) {
    for (let j = 0; j < n; j++) {
      let s = accumulate ? c0[i * n + j] : 0;
      for (let p = 0; p < k; p++) s += (transA ? a[p * m + i] : a[i * k + p]) * (transB ? b[j * k + p] : b[p * n + j]);
      c[i * n + j] = s;
    }
  }
  return c;
}

async function withThreads(body: (threads: number) => void): Promise<void> {
  const previous = wasm.setSerialThresholds({ flops: 0, elements: 0 });
  try {
    for (const threads of [1, 2]) {
      setThreads(threads);
      assert.equal(await whenReady(), threads - 1, 'workers started');
      body(threads);
    }
  } finally {
    wasm.setSerialThresholds(previous);
    setThreads(2);
  }
}

test('matmul matches a naive loop: edge sizes, transposes, accumulate, resident and copied buffers', { skip }, async () => {
  const r = rng(1);
  const shapes: [number, number, number][] = [[1, 1, 1], [3, 2, 17], [5, 7, 9], [4, 8, 8], [37, 300, 19], [64, 513, 70], [17, 1, 33], [2, 600, 5]];
  await withThreads((threads) => {
    for (const [m, k, n] of shapes) {
      for (const transA of [false, true]) {
        for (const transB of [false, true]) {
          const accumulate = r.int(0, 1) === 1;
          const a = r.array(m * k), b = r.array(k * n), c0 = r.array(m * n);
          const expected = naiveMatmul(a, b, c0, m, k, n, transA, transB, accumulate);
          const c = c0.slice();
          wasm.matmul(a, b, c, m, k, n, transA, transB, accumulate);
          assertClose(c, expected, `matmul ${m}x${k}x${n} tA=${transA} tB=${transB} acc=${accumulate} threads=${threads}`);
        }
      }
    }
    // The same through buffers resident in wasm memory (no copies).
    const [m, k, n] = [29, 45, 31];
    const a = wasmAlloc(m * k), b = wasmAlloc(k * n), c = wasmAlloc(m * n);
    a.set(r.array(m * k)); b.set(r.array(k * n));
    wasm.matmul(a, b, c, m, k, n, false, true, false);
    assertClose(c, naiveMatmul(a, b, c, m, k, n, false, true, false), `resident matmul threads=${threads}`);
    wasmFree(a); wasmFree(b); wasmFree(c);
  });
});

// The GEMM's paths for short, wide products (batch-32 dense layers): B read in place up to 32 rows,
// partial last panels of 4/8/12 columns (narrow kernels) or with a partial vector, K cut into two
// slices (k > 256), and on 2 threads the column split of dy·Wᵀ (transB, m ≤ 32), with ragged pieces.
test('matmul matches a naive loop on short wide shapes: in-place B, narrow panels, column split', { skip }, async () => {
  const r = rng(5);
  const shapes: [number, number, number][] = [
    [32, 120, 84], [32, 84, 10], [32, 10, 84], [31, 300, 120], [32, 33, 400], [17, 5, 44], [30, 7, 13], [2, 260, 36], [33, 9, 20],
  ];
  await withThreads((threads) => {
    for (const [m, k, n] of shapes) {
      for (const transA of [false, true]) {
        for (const transB of [false, true]) {
          for (const accumulate of [false, true]) {
            const a = r.array(m * k), b = r.array(k * n), c0 = r.array(m * n);
            const expected = naiveMatmul(a, b, c0, m, k, n, transA, transB, accumulate);
            const c = c0.slice();
            wasm.matmul(a, b, c, m, k, n, transA, transB, accumulate);
            assertClose(c, expected, `matmul ${m}x${k}x${n} tA=${transA} tB=${transB} acc=${accumulate} threads=${threads}`);
          }
        }
      }
    }
  });
});

interface ConvCase { x: number[]; w: number[]; strides: [number, number]; padding: Padding }

function randomConvCases(count: number, seed: number): ConvCase[] {
  const r = rng(seed);
  const cases: ConvCase[] = [
    // LeNet's two convolutions, at a small batch.
    { x: [2, 28, 28, 1], w: [5, 5, 1, 6], strides: [1, 1], padding: 'same' },
    { x: [3, 14, 14, 6], w: [5, 5, 6, 16], strides: [1, 1], padding: 'valid' },
    // The direct kernels: 2×16 tiles (outC a multiple of 16, odd output widths, strides, padding),
    // 4×8 tiles with a channel tail, the GEMM path for outC 20, the direct input gradient ('same').
    { x: [2, 9, 7, 16], w: [3, 3, 16, 32], strides: [1, 1], padding: 'same' },
    { x: [1, 8, 8, 8], w: [3, 3, 8, 20], strides: [1, 1], padding: 'same' },
    { x: [2, 11, 10, 3], w: [3, 2, 3, 16], strides: [2, 3], padding: 'same' },
    { x: [1, 7, 9, 5], w: [4, 3, 5, 7], strides: [2, 1], padding: 'same' },
    // Single-channel kernels with pixels on the lanes (conv-single-channel.ts): overlapping last
    // tile, channel tails 1..5, row stride 2, kw past one group of 5, widths below 8 (other path).
    { x: [2, 9, 13, 1], w: [3, 5, 1, 4], strides: [1, 1], padding: 'same' },
    { x: [1, 12, 11, 1], w: [4, 7, 1, 5], strides: [1, 1], padding: 'valid' },
    { x: [2, 10, 17, 1], w: [2, 3, 1, 3], strides: [2, 1], padding: 'same' },
    { x: [1, 8, 8, 1], w: [1, 1, 1, 1], strides: [1, 1], padding: 'valid' },
    { x: [1, 6, 21, 1], w: [2, 2, 1, 2], strides: [1, 1], padding: 'valid' },
    { x: [1, 5, 7, 1], w: [3, 3, 1, 8], strides: [1, 1], padding: 'same' },
    // Two-pass forward rows: 16-pixel tiles of channels 4, 5 with outC 5, then an overlapping 4-pixel
    // tail; 8-pixel tiles of channels 4, 5 with outC 6 and a tail overlapping the 8-pixel tile;
    // 16 + 8 pixels with outC 5 and two overlapping tail tiles.
    { x: [1, 7, 19, 1], w: [3, 4, 1, 5], strides: [1, 1], padding: 'same' },
    { x: [1, 6, 12, 1], w: [2, 3, 1, 6], strides: [1, 1], padding: 'valid' },
    { x: [2, 5, 30, 1], w: [3, 3, 1, 5], strides: [1, 1], padding: 'same' },
    // Channels 4, 5 of a row's last outW mod 16 pixels: 13 past 16 (an overlapping 16-pixel tile),
    // 9 past 16 (a 12-pixel tile), 13 pixels alone (8 + an overlapping 12).
    { x: [1, 4, 29, 1], w: [3, 3, 1, 6], strides: [1, 1], padding: 'same' },
    { x: [1, 5, 27, 1], w: [2, 3, 1, 6], strides: [1, 1], padding: 'valid' },
    { x: [2, 5, 13, 1], w: [3, 5, 1, 5], strides: [1, 1], padding: 'same' },
    // Direct multi-channel filter gradient (conv-filter-grad.ts): LeNet conv2's taps (30 = 10 tiles
    // of 3), tap tails of 1 and 2, a 4-channel tail after 8, windows past the image (framed), strides.
    { x: [2, 9, 8, 6], w: [5, 5, 6, 16], strides: [1, 1], padding: 'valid' },
    { x: [1, 7, 9, 3], w: [3, 2, 3, 12], strides: [2, 1], padding: 'same' },
    { x: [2, 6, 6, 5], w: [2, 3, 5, 8], strides: [1, 1], padding: 'same' },
    { x: [1, 8, 7, 2], w: [3, 2, 2, 4], strides: [1, 2], padding: 'valid' },
    { x: [1, 6, 7, 3], w: [3, 3, 3, 24], strides: [1, 1], padding: 'same' }, // 16 + 8 channels, odd taps
    // Tiles summed over several images read in place ('valid'): 12 taps = 5 + 5 + a 2 × 16 tail;
    // outC 12 (3 × 8 and 1 × 4 tiles); 9 taps = 5 + 4 at stride 2.
    { x: [3, 8, 9, 4], w: [3, 3, 4, 16], strides: [1, 1], padding: 'valid' },
    { x: [2, 7, 8, 3], w: [2, 3, 3, 12], strides: [1, 1], padding: 'valid' },
    { x: [2, 9, 9, 3], w: [3, 3, 3, 8], strides: [2, 2], padding: 'valid' },
    // Direct input gradient (conv-input-grad.ts): 'same' with an even kernel and an odd row (last
    // pixel alone), 30 taps padded to 32, 15 taps padded to 16, batch 3.
    { x: [1, 7, 9, 4], w: [3, 4, 4, 5], strides: [1, 1], padding: 'same' },
    { x: [3, 8, 11, 6], w: [4, 5, 6, 3], strides: [1, 1], padding: 'valid' },
    { x: [2, 5, 6, 3], w: [2, 5, 3, 7], strides: [1, 1], padding: 'same' },
    // Split filter gradients run in pieces of images with a partial each: 9 images on 2 threads are
    // pieces of 2 and a last piece of 1 (single-channel, direct and GEMM paths).
    { x: [9, 6, 7, 1], w: [3, 3, 1, 5], strides: [1, 1], padding: 'same' },
    { x: [9, 7, 6, 4], w: [3, 2, 4, 8], strides: [1, 1], padding: 'valid' },
    { x: [9, 6, 6, 2], w: [2, 2, 2, 3], strides: [2, 1], padding: 'same' },
  ];
  while (cases.length < count) {
    const kh = r.int(1, 5), kw = r.int(1, 5);
    const padding = r.pick(['same', 'valid'] as const);
    const inH = r.int(padding === 'valid' ? kh : 1, 13), inW = r.int(padding === 'valid' ? kw : 1, 13);
    cases.push({
      x: [r.pick([1, 1, 2, 3]), inH, inW, r.int(1, 5)], w: [kh, kw, 0, r.int(1, 9)],
      strides: [r.int(1, 3), r.int(1, 3)], padding,
    });
    const last = cases[cases.length - 1];
    last.w[2] = last.x[3];
  }
  return cases;
}

test('conv2d forward (with bias, with and without relu), backprop input and filter match the reference', { skip }, async () => {
  const cases = randomConvCases(36, 2);
  await withThreads((threads) => {
    const r = rng(3 + threads);
    for (const { x: xs, w: ws, strides, padding } of cases) {
      const info = convInfo(xs, ws, strides, padding);
      const label = `x=${xs} w=${ws} s=${strides} ${padding} threads=${threads}`;
      const x = r.array(xs.reduce((p, v) => p * v)), w = r.array(ws.reduce((p, v) => p * v)), bias = r.array(info.outC);
      const ySize = info.batch * info.outH * info.outW * info.outC;
      const expected = new Float32Array(ySize), y = new Float32Array(ySize);
      conv2dForwardReference(x, w, bias, info, expected);
      wasm.conv2dForward(x, w, bias, info, y);
      assertClose(y, expected, `forward ${label}`);
      wasm.conv2dForward(x, w, bias, info, y, true);
      assertClose(y, expected.map((v) => Math.max(v, 0)), `forward+relu ${label}`);
      wasm.conv2dForward(x, w, null, info, y);
      conv2dForwardReference(x, w, null, info, expected);
      assertClose(y, expected, `forward no bias ${label}`);

      const dy = r.array(ySize);
      const dxExpected = new Float32Array(x.length), dx = r.array(x.length); // garbage in dx: must be overwritten
      conv2dBackpropInputReference(dy, w, info, dxExpected);
      wasm.conv2dBackpropInput(dy, w, info, dx);
      assertClose(dx, dxExpected, `backprop input ${label}`);

      const dwExpected = new Float32Array(w.length), dw = r.array(w.length);
      conv2dBackpropFilterReference(x, dy, info, dwExpected);
      wasm.conv2dBackpropFilter(x, dy, info, dw);
      assertClose(dw, dwExpected, `backprop filter ${label}`);

      const dbExpected = new Float32Array(info.outC), db = new Float32Array(info.outC);
      biasGradReference(dy, info.outC, dbExpected);
      wasm.biasGrad(dy, info.outC, db);
      assertClose(db, dbExpected, `bias grad ${label}`);
    }
  });
});

test('max/avg pooling forward and backward match the reference, ties and NaN included', { skip }, async () => {
  const r = rng(5);
  const cases: { x: number[]; k: [number, number]; s: [number, number]; padding: Padding }[] = [
    { x: [2, 28, 28, 6], k: [2, 2], s: [2, 2], padding: 'valid' },
    { x: [1, 10, 10, 16], k: [2, 2], s: [2, 2], padding: 'valid' },
    // Non-overlapping windows with uncovered gaps and odd channel counts (the tiled max backward).
    { x: [2, 9, 11, 5], k: [2, 2], s: [3, 3], padding: 'valid' },
    { x: [1, 8, 9, 7], k: [2, 3], s: [2, 3], padding: 'valid' },
    { x: [1, 7, 7, 6], k: [2, 2], s: [2, 2], padding: 'same' },
    // 2×2/2 with an odd last row and column (no window covers them: they must be zeroed).
    { x: [2, 9, 7, 5], k: [2, 2], s: [2, 2], padding: 'valid' },
    // 2×2/2 fast paths: c = 6 two output pixels at a time with a one-pixel tail (odd outW) and odd
    // input sizes; aligned 4-channel blocks (c = 4, 16); overlapping channel tails (c = 5, 7).
    { x: [2, 6, 10, 6], k: [2, 2], s: [2, 2], padding: 'valid' },
    { x: [1, 7, 11, 6], k: [2, 2], s: [2, 2], padding: 'valid' },
    { x: [2, 4, 6, 4], k: [2, 2], s: [2, 2], padding: 'valid' },
    { x: [1, 6, 5, 7], k: [2, 2], s: [2, 2], padding: 'valid' },
    { x: [2, 5, 6, 16], k: [2, 2], s: [2, 2], padding: 'valid' },
    { x: [1, 4, 6, 12], k: [2, 2], s: [2, 2], padding: 'valid' },
  ];
  while (cases.length < 26) {
    const padding = r.pick(['same', 'valid'] as const);
    const kh = r.int(1, 4), kw = r.int(1, 4);
    cases.push({
      x: [r.pick([1, 2, 3]), r.int(kh, 11), r.int(kw, 11), r.int(1, 9)], k: [kh, kw], s: [r.int(1, 3), r.int(1, 3)], padding,
    });
  }
  await withThreads((threads) => {
    for (const { x: xs, k, s, padding } of cases) {
      const info = poolInfo(xs, k, s, padding);
      const label = `x=${xs} k=${k} s=${s} ${padding} threads=${threads}`;
      // Values on a coarse grid so windows have tied maxima; one NaN.
      const x = r.array(xs.reduce((p, v) => p * v)).map((v) => Math.round(v * 3) / 3);
      x[r.int(0, x.length - 1)] = NaN;
      // Two NaNs side by side in one row (the same channel): the gradient goes to the first.
      const nanAt = r.int(0, x.length - 1 - xs[3]);
      x[nanAt] = NaN; x[nanAt + xs[3]] = NaN;
      const ySize = info.batch * info.outH * info.outW * info.channels;
      for (const mode of ['max', 'avg'] as const) {
        const expected = new Float32Array(ySize), y = new Float32Array(ySize);
        (mode === 'max' ? maxPoolForwardReference : avgPoolForwardReference)(x, info, expected);
        (mode === 'max' ? wasm.maxPoolForward : wasm.avgPoolForward)(x, info, y);
        for (let i = 0; i < ySize; i++) {
          if (Number.isNaN(expected[i])) assert.ok(Number.isNaN(y[i]), `${mode} forward ${label}: NaN at ${i}`);
        }
        assertClose(y.map((v) => (Number.isNaN(v) ? 0 : v)), expected.map((v) => (Number.isNaN(v) ? 0 : v)), `${mode} forward ${label}`);
      }
      const dy = r.array(ySize);
      for (const ties of ['all', 'first'] as const) {
        const expected = new Float32Array(x.length), dx = r.array(x.length);
        maxPoolBackwardReference(dy, x, info, ties, expected);
        wasm.maxPoolBackward(dy, x, info, ties, dx);
        assertClose(dx, expected, `max backward ties=${ties} ${label}`);
        // The fused relu gradient: the same, zero where x <= 0 (x being the relu's output).
        wasm.maxPoolBackward(dy, x, info, ties, dx, true);
        assertClose(dx, expected.map((v, i) => (x[i] > 0 ? v : 0)), `max backward+relu ties=${ties} ${label}`);
      }
      const expected = new Float32Array(x.length), dx = r.array(x.length);
      avgPoolBackwardReference(dy, info, expected);
      wasm.avgPoolBackward(dy, info, dx);
      assertClose(dx, expected, `avg backward ${label}`);
    }
  });
});

test('conv + bias + relu with a fused 2×2/2 max pool matches conv, relu and pool of the reference', { skip }, async () => {
  const r = rng(13);
  // The pooling of two conv rows at a time: c = 6 two pooled pixels at a time with an odd pooled
  // width; overlapping channel tails (5, 7); scalar channels (3); whole blocks (16, 20); odd sides.
  const cases: { x: number[]; w: number[]; padding: Padding }[] = [
    { x: [2, 10, 22, 1], w: [5, 5, 1, 6], padding: 'same' },
    { x: [1, 9, 9, 3], w: [3, 3, 3, 6], padding: 'valid' },
    { x: [2, 8, 12, 2], w: [3, 3, 2, 5], padding: 'same' },
    { x: [1, 8, 8, 2], w: [2, 2, 2, 7], padding: 'valid' },
    { x: [1, 6, 6, 2], w: [3, 3, 2, 3], padding: 'same' },
    { x: [2, 14, 14, 6], w: [5, 5, 6, 16], padding: 'valid' },
    { x: [1, 11, 9, 3], w: [3, 3, 3, 20], padding: 'valid' },
  ];
  await withThreads((threads) => {
    for (const { x: xs, w: ws, padding } of cases) {
      const info = convInfo(xs, ws, [1, 1], padding);
      const label = `x=${xs} w=${ws} ${padding} threads=${threads}`;
      const x = r.array(xs.reduce((p, v) => p * v)), w = r.array(ws.reduce((p, v) => p * v)), bias = r.array(info.outC);
      // One NaN input, mid-image in the last image: its windows' outputs must stay NaN through relu
      // and pool (the pmax re-pool); the other images pool without it.
      x[(((xs[0] - 1) * xs[1] + (xs[1] >> 1)) * xs[2] + (xs[2] >> 1)) * xs[3]] = NaN;
      const conv = new Float32Array(info.batch * info.outH * info.outW * info.outC);
      conv2dForwardReference(x, w, bias, info, conv);
      const pool = poolInfo([info.batch, info.outH, info.outW, info.outC], [2, 2], [2, 2], 'valid');
      const expected = new Float32Array(info.batch * pool.outH * pool.outW * info.outC);
      maxPoolForwardReference(conv.map((v) => Math.max(v, 0)), pool, expected);
      const y = r.array(expected.length);
      wasm.conv2dForward(x, w, bias, info, y, true, true);
      const nans = expected.reduce((n, v) => n + (Number.isNaN(v) ? 1 : 0), 0);
      assert.ok(nans > 0, `fused conv+pool ${label}: the NaN reaches the output`);
      for (let i = 0; i < y.length; i++) assert.equal(Number.isNaN(y[i]), Number.isNaN(expected[i]), `fused conv+pool ${label}: NaN at ${i}`);
      assertClose(y.map((v) => (Number.isNaN(v) ? 0 : v)), expected.map((v) => (Number.isNaN(v) ? 0 : v)), `fused conv+pool ${label}`);
    }
  });
});

test('relu, relu grad, softmax cross-entropy and Adam match naive loops', { skip }, async () => {
  const r = rng(7);
  await withThreads((threads) => {
    for (const n of [1, 7, 64, 1001]) {
      const x = r.array(n), dy = r.array(n);
      const y = new Float32Array(n), dx = new Float32Array(n);
      wasm.relu(x, y);
      assertClose(y, x.map((v) => Math.max(v, 0)), `relu n=${n} threads=${threads}`);
      wasm.reluGrad(dy, x, dx);
      assertClose(dx, dy.map((g, i) => (x[i] > 0 ? g : 0)), `relu grad n=${n}`);

      // Adam, three steps from zero moments, against the textbook formulas in float64.
      const param = r.array(n), expectedParam = Float64Array.from(param);
      const m = new Float32Array(n), v = new Float32Array(n);
      const em = new Float64Array(n), ev = new Float64Array(n);
      for (let step = 1; step <= 3; step++) {
        const g = r.array(n);
        wasm.adamUpdate(param, g, m, v, 0.01, 0.9, 0.999, 1e-7, step);
        for (let i = 0; i < n; i++) {
          em[i] = 0.9 * em[i] + 0.1 * g[i];
          ev[i] = 0.999 * ev[i] + 0.001 * g[i] * g[i];
          const alpha = 0.01 * Math.sqrt(1 - 0.999 ** step) / (1 - 0.9 ** step);
          expectedParam[i] -= alpha * em[i] / (Math.sqrt(ev[i]) + 1e-7);
        }
      }
      assertClose(param, expectedParam, `adam n=${n} threads=${threads}`);
    }
    // Adam over a list of variables in one call (sizes around the 4-lane and thread-split edges, and
    // more variables than one parameter block holds) equals one call per variable.
    const sizes = [1, 7, 64, 1001, 3, 0, 5000, 2, ...Array.from({ length: 20 }, (_, i) => i + 9)];
    const make = () => sizes.map((n) => r.array(n));
    const params = make(), grads = make(), ms = make().map((a) => a.map(Math.abs)), vs = make().map((a) => a.map(Math.abs));
    const copy = (list: Float32Array[]) => list.map((a) => a.slice());
    const eachParam = copy(params), eachM = copy(ms), eachV = copy(vs);
    sizes.forEach((_, k) => wasm.adamStep(eachParam[k], grads[k], eachM[k], eachV[k], 0.003, 0.9, 0.999, 1e-7));
    wasm.adamStepList(params, grads, ms, vs, 0.003, 0.9, 0.999, 1e-7);
    sizes.forEach((n, k) => {
      assert.deepEqual(params[k], eachParam[k], `adam list: variable ${k} (${n}) threads=${threads}`);
      assert.deepEqual(ms[k], eachM[k]);
      assert.deepEqual(vs[k], eachV[k]);
    });
    for (const [rows, classes] of [[1, 1], [3, 10], [32, 10], [5, 7]]) {
      const logits = r.array(rows * classes).map((v) => v * 20);
      const labels = new Float32Array(rows * classes);
      for (let i = 0; i < rows; i++) labels[i * classes + r.int(0, classes - 1)] = 1;
      const grad = new Float32Array(rows * classes);
      const loss = wasm.softmaxCrossEntropy(logits, labels, rows, classes, grad);
      let expectedLoss = 0;
      const expectedGrad = new Float64Array(rows * classes);
      for (let i = 0; i < rows; i++) {
        const row = Array.from(logits.subarray(i * classes, (i + 1) * classes));
        const top = Math.max(...row);
        const logSum = Math.log(row.reduce((s, z) => s + Math.exp(z - top), 0));
        for (let j = 0; j < classes; j++) {
          const logP = row[j] - top - logSum;
          expectedLoss -= labels[i * classes + j] * logP / rows;
          expectedGrad[i * classes + j] = (Math.exp(logP) - labels[i * classes + j]) / rows;
        }
      }
      assert.ok(Math.abs(loss - expectedLoss) <= 1e-4 * Math.max(1, Math.abs(expectedLoss)), `loss ${loss} vs ${expectedLoss}`);
      assertClose(grad, expectedGrad, `softmax CE grad ${rows}x${classes} threads=${threads}`);
    }
  });
});
