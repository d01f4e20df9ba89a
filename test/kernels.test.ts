import { test } from 'node:test';
import assert from 'node:assert/strict';
import { matmul } from '../src/kernels/gemm.js';
import { conv2dForward, conv2dBackpropInput, conv2dBackpropFilter, biasGradNHWC } from '../src/kernels/conv2d.js';
import {
  conv2dForwardReference, conv2dBackpropInputReference, conv2dBackpropFilterReference, biasGradReference,
} from '../src/kernels/conv2d-reference.js';
import { maxPoolForward, avgPoolForward, maxPoolBackward, avgPoolBackward } from '../src/kernels/pool2d.js';
import {
  maxPoolForwardReference, avgPoolForwardReference, maxPoolBackwardReference, avgPoolBackwardReference,
} from '../src/kernels/pool2d-reference.js';
import { conv2dForwardDirect, conv2dBackpropInputDirect, conv2dBackpropFilterDirectAdd } from '../src/kernels/conv2d-direct.js';
import { conv2dForwardGemm, conv2dBackpropInputGemm, conv2dBackpropFilterGemmAdd } from '../src/kernels/conv2d-gemm.js';
import { convInfo, poolInfo, Padding, Conv2DInfo, Pool2DInfo } from '../src/kernels/shape.js';
import { assertClose, seededRandom, randInt, randomArray, FloatCtor } from './gradcheck.js';

type Ctor = FloatCtor;
const DTYPES: { name: string; ctor: Ctor; tol: { rtol: number; atol: number } }[] = [
  { name: 'float64', ctor: Float64Array, tol: { rtol: 1e-12, atol: 1e-12 } },
  { name: 'float32', ctor: Float32Array, tol: { rtol: 1e-5, atol: 1e-5 } },
];

function naiveMatmul(a: ArrayLike<number>, b: ArrayLike<number>, m: number, k: number, n: number,
  transA: boolean, transB: boolean, c0: ArrayLike<number> | null): Float64Array {
  const c = new Float64Array(m * n);
  for (let i = 0; i < m; i++) {
    for (let j = 0; j < n; j++) {
      let s = c0 ? c0[i * n + j] : 0;
      for (let p = 0; p < k; p++) s += (transA ? a[p * m + i] : a[i * k + p]) * (transB ? b[j * k + p] : b[p * n + j]);
      c[i * n + j] = s;
    }
  }
  return c;
}

test('matmul matches the triple loop for every transpose, with and without accumulate, across block edges', () => {
  const rand = seededRandom(1);
  const sizes: [number, number, number][] = [[1, 1, 1], [3, 5, 2], [7, 9, 6], [130, 300, 9], [5, 513, 17], [129, 4, 4]];
  for (const { name, ctor, tol } of DTYPES) {
    for (const [m, k, n] of sizes) {
      for (const transA of [false, true]) {
        for (const transB of [false, true]) {
          for (const accumulate of [false, true]) {
            const a = randomArray(ctor, m * k, rand), b = randomArray(ctor, k * n, rand);
            const c = randomArray(ctor, m * n, rand);
            const expected = naiveMatmul(a, b, m, k, n, transA, transB, accumulate ? c.slice() : null);
            matmul(a, b, c, m, k, n, transA, transB, accumulate);
            assertClose(c, expected, tol, `${name} ${m}x${k}x${n} tA=${transA} tB=${transB} acc=${accumulate}`);
          }
        }
      }
    }
  }
});

test('matmul with k = 0 zeroes C, or leaves it when accumulating', () => {
  const c = new Float64Array([1, 2, 3, 4]);
  matmul(new Float64Array(0), new Float64Array(0), c, 2, 0, 2, false, false, true);
  assert.deepEqual(Array.from(c), [1, 2, 3, 4]);
  matmul(new Float64Array(0), new Float64Array(0), c, 2, 0, 2, false, false, false);
  assert.deepEqual(Array.from(c), [0, 0, 0, 0]);
});

/** A random convolution geometry with a non-empty output: odd sizes, strides 1–3, both paddings, even and odd kernels. */
function randomConv(rand: () => number): { info: Conv2DInfo; padding: Padding } {
  for (;;) {
    const padding: Padding = rand() < 0.5 ? 'same' : 'valid';
    const xShape = [randInt(rand, 1, 3), randInt(rand, 1, 9), randInt(rand, 1, 9), randInt(rand, 1, 7)];
    const wShape = [randInt(rand, 1, 5), randInt(rand, 1, 5), xShape[3], randInt(rand, 1, 7)];
    const info = convInfo(xShape, wShape, [randInt(rand, 1, 3), randInt(rand, 1, 3)], padding);
    if (info.outH > 0 && info.outW > 0) return { info, padding };
  }
}

function describeConv(info: Conv2DInfo, padding: Padding): string {
  return `x[${info.batch},${info.inH},${info.inW},${info.inC}] w[${info.kh},${info.kw},${info.inC},${info.outC}] ` +
    `s[${info.strideH},${info.strideW}] ${padding}`;
}

test('conv2d fast kernels match the reference loops on 120 random geometries, float64 and float32', () => {
  const rand = seededRandom(2);
  for (let trial = 0; trial < 120; trial++) {
    const { info, padding } = randomConv(rand);
    const label = describeConv(info, padding);
    const xLen = info.batch * info.inH * info.inW * info.inC;
    const wLen = info.kh * info.kw * info.inC * info.outC;
    const yLen = info.batch * info.outH * info.outW * info.outC;
    for (const { name, ctor, tol } of DTYPES) {
      const x = randomArray(ctor, xLen, rand), w = randomArray(ctor, wLen, rand);
      const bias = trial % 3 === 0 ? null : randomArray(ctor, info.outC, rand);
      const dy = randomArray(ctor, yLen, rand);
      // outputs start as garbage: kernels must overwrite, not accumulate
      const y = randomArray(ctor, yLen, rand), yRef = new ctor(yLen);
      conv2dForward(x, w, bias, info, y);
      conv2dForwardReference(x, w, bias, info, yRef);
      assertClose(y, yRef, tol, `${name} forward ${label}`);
      const dx = randomArray(ctor, xLen, rand), dxRef = new ctor(xLen);
      conv2dBackpropInput(dy, w, info, dx);
      conv2dBackpropInputReference(dy, w, info, dxRef);
      assertClose(dx, dxRef, tol, `${name} backprop input ${label}`);
      const dw = randomArray(ctor, wLen, rand), dwRef = new ctor(wLen);
      conv2dBackpropFilter(x, dy, info, dw);
      conv2dBackpropFilterReference(x, dy, info, dwRef);
      assertClose(dw, dwRef, tol, `${name} backprop filter ${label}`);
      const db = randomArray(ctor, info.outC, rand), dbRef = new ctor(info.outC);
      biasGradNHWC(dy, info.outC, db);
      biasGradReference(dy, info.outC, dbRef);
      assertClose(db, dbRef, tol, `${name} bias grad ${label}`);
    }
  }
});

test('both conv2d strategies (direct loops and im2col + GEMM) match the reference on 80 random geometries', () => {
  const rand = seededRandom(5);
  const tol = { rtol: 1e-12, atol: 1e-12 };
  const strategies = [
    { name: 'direct', forward: conv2dForwardDirect, input: conv2dBackpropInputDirect, filterAdd: conv2dBackpropFilterDirectAdd },
    { name: 'gemm', forward: conv2dForwardGemm, input: conv2dBackpropInputGemm, filterAdd: conv2dBackpropFilterGemmAdd },
  ];
  for (let trial = 0; trial < 80; trial++) {
    const { info, padding } = randomConv(rand);
    const xLen = info.batch * info.inH * info.inW * info.inC;
    const wLen = info.kh * info.kw * info.inC * info.outC;
    const yLen = info.batch * info.outH * info.outW * info.outC;
    const x = randomArray(Float64Array, xLen, rand) as Float64Array, w = randomArray(Float64Array, wLen, rand) as Float64Array;
    const bias = randomArray(Float64Array, info.outC, rand) as Float64Array;
    const dy = randomArray(Float64Array, yLen, rand) as Float64Array;
    const yRef = new Float64Array(yLen), dxRef = new Float64Array(xLen), dwRef = new Float64Array(wLen);
    conv2dForwardReference(x, w, bias, info, yRef);
    conv2dBackpropInputReference(dy, w, info, dxRef);
    conv2dBackpropFilterReference(x, dy, info, dwRef);
    for (const s of strategies) {
      const label = `${s.name} ${describeConv(info, padding)}`;
      const y = randomArray(Float64Array, yLen, rand) as Float64Array;
      s.forward(x, w, bias, info, y);
      assertClose(y, yRef, tol, `forward ${label}`);
      const dx = randomArray(Float64Array, xLen, rand) as Float64Array;
      s.input(dy, w, info, dx);
      assertClose(dx, dxRef, tol, `backprop input ${label}`);
      // the *Add cores accumulate: start from 1 and subtract it back
      const dw = new Float64Array(wLen).fill(1);
      s.filterAdd(x, dy, info, dw);
      assertClose(dw.map((v) => v - 1), dwRef, { rtol: 1e-12, atol: 1e-12 }, `backprop filter ${label}`);
    }
  }
});

test('conv2d chunks a large batch (more pixels than one im2col chunk) without changing the result', () => {
  const rand = seededRandom(3);
  // 5·5·7 = 175 columns, 1 Mi-element budget → ~5,990 pixels per chunk; 40 images of 24×24 = 23,040 pixels
  const info = convInfo([40, 24, 24, 7], [5, 5, 7, 3], [1, 1], 'same');
  const x = randomArray(Float64Array, 40 * 24 * 24 * 7, rand), w = randomArray(Float64Array, 5 * 5 * 7 * 3, rand);
  const dy = randomArray(Float64Array, 40 * 24 * 24 * 3, rand);
  const y = new Float64Array(dy.length), yRef = new Float64Array(dy.length);
  conv2dForward(x, w, null, info, y);
  conv2dForwardReference(x, w, null, info, yRef);
  assertClose(y, yRef, { rtol: 1e-12, atol: 1e-12 }, 'forward');
  const dw = new Float64Array(w.length), dwRef = new Float64Array(w.length);
  conv2dBackpropFilter(x, dy, info, dw);
  conv2dBackpropFilterReference(x, dy, info, dwRef);
  assertClose(dw, dwRef, { rtol: 1e-12, atol: 1e-11 }, 'backprop filter');
  const dx = new Float64Array(x.length), dxRef = new Float64Array(x.length);
  conv2dBackpropInput(dy, w, info, dx);
  conv2dBackpropInputReference(dy, w, info, dxRef);
  assertClose(dx, dxRef, { rtol: 1e-12, atol: 1e-12 }, 'backprop input');
});

function randomPool(rand: () => number): { info: Pool2DInfo; padding: Padding } {
  for (;;) {
    const padding: Padding = rand() < 0.5 ? 'same' : 'valid';
    const xShape = [randInt(rand, 1, 3), randInt(rand, 1, 9), randInt(rand, 1, 9), randInt(rand, 1, 7)];
    const info = poolInfo(xShape, [randInt(rand, 1, 4), randInt(rand, 1, 4)], [randInt(rand, 1, 3), randInt(rand, 1, 3)], padding);
    if (info.outH > 0 && info.outW > 0) return { info, padding };
  }
}

function describePool(info: Pool2DInfo, padding: Padding): string {
  return `x[${info.batch},${info.inH},${info.inW},${info.channels}] k[${info.kh},${info.kw}] ` +
    `s[${info.strideH},${info.strideW}] ${padding}`;
}

test('pool2d fast kernels match the reference loops on 150 random geometries, including tied maxima', () => {
  const rand = seededRandom(4);
  for (let trial = 0; trial < 150; trial++) {
    const { info, padding } = randomPool(rand);
    const label = describePool(info, padding);
    const xLen = info.batch * info.inH * info.inW * info.channels;
    const yLen = info.batch * info.outH * info.outW * info.channels;
    for (const { name, ctor, tol } of DTYPES) {
      const x = randomArray(ctor, xLen, rand);
      // every other trial: values from {-1, 0, 1} so windows often hold several equal maxima
      if (trial % 2 === 1) for (let i = 0; i < xLen; i++) x[i] = Math.round(x[i]);
      const dy = randomArray(ctor, yLen, rand);
      const y = randomArray(ctor, yLen, rand), yRef = new ctor(yLen);
      maxPoolForward(x, info, y);
      maxPoolForwardReference(x, info, yRef);
      assertClose(y, yRef, { rtol: 0, atol: 0 }, `${name} max forward ${label}`);
      avgPoolForward(x, info, y);
      avgPoolForwardReference(x, info, yRef);
      assertClose(y, yRef, tol, `${name} avg forward ${label}`);
      for (const ties of ['all', 'first'] as const) {
        const dx = randomArray(ctor, xLen, rand), dxRef = new ctor(xLen);
        maxPoolBackward(dy, x, info, ties, dx);
        maxPoolBackwardReference(dy, x, info, ties, dxRef);
        assertClose(dx, dxRef, tol, `${name} max backward ties=${ties} ${label}`);
      }
      const dx = randomArray(ctor, xLen, rand), dxRef = new ctor(xLen);
      avgPoolBackward(dy, info, dx);
      avgPoolBackwardReference(dy, info, dxRef);
      assertClose(dx, dxRef, tol, `${name} avg backward ${label}`);
    }
  }
});

test('max pool ties: "all" gives dy to every maximum, "first" only to the first in row-major order', () => {
  // one 2×2 window [[5, 5], [1, 5]]
  const info = poolInfo([1, 2, 2, 1], [2, 2], [2, 2]);
  const x = new Float64Array([5, 5, 1, 5]);
  const dy = new Float64Array([3]);
  for (const [impl, tag] of [[maxPoolBackward, 'fast'], [maxPoolBackwardReference, 'reference']] as const) {
    const dx = new Float64Array(4);
    impl(dy, x, info, 'all', dx);
    assert.deepEqual(Array.from(dx), [3, 3, 0, 3], tag);
    impl(dy, x, info, 'first', dx);
    assert.deepEqual(Array.from(dx), [3, 0, 0, 0], tag);
  }
});

test('pooling: a NaN in a window makes its max NaN and leaves other windows alone; same-padding avg counts real cells', () => {
  const info = poolInfo([1, 2, 4, 1], [2, 2], [2, 2]);
  const x = new Float64Array([1, NaN, 3, 4, 2, 0, 7, 5]);
  const y = new Float64Array(2);
  maxPoolForward(x, info, y);
  assert.ok(Number.isNaN(y[0]));
  assert.equal(y[1], 7);
  const yRef = new Float64Array(2);
  maxPoolForwardReference(x, info, yRef);
  assert.ok(Number.isNaN(yRef[0]));
  // NaN first then larger numbers still NaN
  const x2 = new Float64Array([NaN, 9, 9, 9]);
  const y2 = new Float64Array(1);
  maxPoolForward(x2, poolInfo([1, 2, 2, 1], [2, 2], [2, 2]), y2);
  assert.ok(Number.isNaN(y2[0]));
  // 3×3 'same' average at a corner covers 4 real cells of a 3×3 image of ones → exactly 1
  const ones = new Float64Array(9).fill(1);
  const sameInfo = poolInfo([1, 3, 3, 1], [3, 3], [1, 1], 'same');
  const avg = new Float64Array(9);
  avgPoolForward(ones, sameInfo, avg);
  assert.deepEqual(Array.from(avg), new Array(9).fill(1));
});
