import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { Tensor } from '../src/tensor/tensor.js';
import { convForward } from '../src/ops/primitives/conv-forward.js';
import { poolForward } from '../src/ops/primitives/pool-forward.js';
import { convBackward } from '../src/ops/primitives/conv-backward.js';
import { poolBackward } from '../src/ops/primitives/pool-backward.js';
import type { Padding } from '../src/kernels/shape.js';
import { RandomState } from '../src/tensor/random.js';
import { assertClose, numericGradient, randInt, randomArray, seededRandom } from './gradcheck.js';

interface Arr { shape: number[]; data: number[] }
function loadFixture<T>(name: string): T {
  return JSON.parse(readFileSync(new URL(`../../test/fixtures/primitives/${name}`, import.meta.url), 'utf8')) as T;
}
const f64 = (a: Arr): Tensor => new Tensor(Float64Array.from(a.data), a.shape);
const identity = (z: Tensor): Tensor => z;
const relu = (z: Tensor): Tensor => new Tensor(z.data.map((v) => Math.max(v, 0)), z.shape);
const EXACT = { rtol: 1e-10, atol: 1e-12 };

interface ConvCase { padding: Padding; stride: [number, number]; aPrev: Arr; W: Arr; b: Arr; Z: Arr; dZ: Arr; dAPrev: Arr; dW: Arr; db: Arr }
interface PoolCase { kernelShape: [number, number]; stride: [number, number]; mode: 'max' | 'avg'; aPrev: Arr; A: Arr; dA: Arr; dAPrev: Arr }

test('convForward and convBackward match the NumPy fixtures (same with stride 2, even kernels, valid)', () => {
  const cases = loadFixture<ConvCase[]>('conv.json');
  assert.equal(cases.length, 5);
  for (const c of cases) {
    const label = `aPrev ${c.aPrev.shape} W ${c.W.shape} ${c.padding} stride ${c.stride}`;
    const Z = convForward(f64(c.aPrev), f64(c.W), f64(c.b), identity, c.padding, c.stride);
    assert.deepEqual(Z.shape, c.Z.shape, label);
    assertClose(Z.data, c.Z.data, EXACT, `Z ${label}`);
    const A = convForward(f64(c.aPrev), f64(c.W), f64(c.b), relu, c.padding, c.stride);
    assertClose(A.data, c.Z.data.map((v) => Math.max(v, 0)), EXACT, `relu(Z) ${label}`);
    const [dA, dW, db] = convBackward(f64(c.dZ), f64(c.aPrev), f64(c.W), f64(c.b), c.padding, c.stride);
    assert.deepEqual([dA.shape, dW.shape, db.shape], [c.dAPrev.shape, c.dW.shape, c.db.shape], label);
    assertClose(dA.data, c.dAPrev.data, EXACT, `dAPrev ${label}`);
    assertClose(dW.data, c.dW.data, EXACT, `dW ${label}`);
    assertClose(db.data, c.db.data, EXACT, `db ${label}`);
  }
});

test('poolForward and poolBackward match the NumPy fixtures (max with ties, avg, overlapping windows)', () => {
  const cases = loadFixture<PoolCase[]>('pool.json');
  assert.equal(cases.length, 5);
  for (const c of cases) {
    const label = `${c.mode} aPrev ${c.aPrev.shape} k ${c.kernelShape} s ${c.stride}`;
    const A = poolForward(f64(c.aPrev), c.kernelShape, c.stride, c.mode);
    assert.deepEqual(A.shape, c.A.shape, label);
    assertClose(A.data, c.A.data, EXACT, `A ${label}`);
    const dx = poolBackward(f64(c.dA), f64(c.aPrev), c.kernelShape, c.stride, c.mode);
    assertClose(dx.data, c.dAPrev.data, EXACT, `dAPrev ${label}`);
  }
});

test("the spec's 2-main: db and dA_prev from W, dZ after np.random.seed(0) match the printed output", () => {
  const s = loadFixture<{ W: Arr; b: Arr; dZ: Arr; dAPrev0: Arr; db: Arr }>('spec-2-main.json');
  // dA_prev and db do not depend on the images, so any 10×28×28×1 input reproduces them
  const images = new Tensor(new Float64Array(10 * 28 * 28), [10, 28, 28, 1]);
  const [dA, dW, db] = convBackward(f64(s.dZ), images, f64(s.W), f64(s.b), 'valid');
  assert.deepEqual(dW.shape, [3, 3, 1, 2]);
  assert.deepEqual(db.shape, [1, 1, 1, 2]);
  // the numbers the spec prints
  assertClose(db.data, [-113.18404846, -121.902714], { rtol: 0, atol: 1e-8 }, 'db vs spec');
  assert.ok(Math.abs(dA.data[0] - -4.24205748) < 1e-8, `dA_prev[0,0,0,0] = ${dA.data[0]}`);
  assert.ok(Math.abs(dA.data[1] - 0.19390938) < 1e-8, `dA_prev[0,0,1,0] = ${dA.data[1]}`);
  assert.ok(Math.abs(dA.data[2] - -2.80168847) < 1e-8, `dA_prev[0,0,2,0] = ${dA.data[2]}`);
  // and NumPy's full-precision values for the whole first image
  assertClose(db.data, s.db.data, EXACT, 'db vs NumPy');
  assertClose(dA.data.subarray(0, 784), s.dAPrev0.data, EXACT, 'dA_prev[0] vs NumPy');
});

test("the spec's 2-main with our NumPy-compatible RNG: seed(0), randn W, b, dZ give the printed db and dA_prev", () => {
  const rng = new RandomState(0);
  const W = rng.randn(3, 3, 1, 2), b = rng.randn(1, 1, 1, 2), dZ = rng.randn(10, 26, 26, 2);
  const s = loadFixture<{ W: Arr; dZ: Arr }>('spec-2-main.json');
  assert.deepEqual(Array.from(W.data), s.W.data, 'randn(3,3,1,2) is NumPy\'s');
  assert.deepEqual(Array.from(dZ.data), s.dZ.data, 'randn(10,26,26,2) is NumPy\'s');
  const images = new Tensor(new Float64Array(10 * 28 * 28), [10, 28, 28, 1]);
  const [dA, , db] = convBackward(dZ, images, W, b, 'valid');
  assertClose(db.data, [-113.18404846, -121.902714], { rtol: 0, atol: 1e-8 }, 'db vs spec');
  assertClose(dA.data.subarray(0, 2), [-4.24205748, 0.19390938], { rtol: 0, atol: 1e-8 }, 'dA_prev[0,0,:2,0] vs spec');
});

test('float32 in gives float32 out, close to the float64 result', () => {
  const c = loadFixture<ConvCase[]>('conv.json')[1];
  const f32 = (a: Arr): Tensor => new Tensor(Float32Array.from(a.data), a.shape);
  const Z = convForward(f32(c.aPrev), f32(c.W), f32(c.b), identity, c.padding, c.stride);
  assert.equal(Z.dtype, 'float32');
  assertClose(Z.data, c.Z.data, { rtol: 1e-5, atol: 1e-5 }, 'Z float32');
  const [dA, dW, db] = convBackward(f32(c.dZ), f32(c.aPrev), f32(c.W), f32(c.b), c.padding, c.stride);
  assert.deepEqual([dA.dtype, dW.dtype, db.dtype], ['float32', 'float32', 'float32']);
  assertClose(dW.data, c.dW.data, { rtol: 1e-5, atol: 1e-4 }, 'dW float32');
  const p = poolForward(f32(c.aPrev), [2, 2], [2, 2], 'avg');
  assert.equal(p.dtype, 'float32');
});

test('NaN propagates through every primitive', () => {
  const x = new Float64Array(1 * 4 * 4 * 1).fill(1);
  x[5] = NaN; // row 1, column 1
  const aPrev = new Tensor(x, [1, 4, 4, 1]);
  const W = new Tensor(new Float64Array(4).fill(1), [2, 2, 1, 1]);
  const b = new Tensor(new Float64Array(1), [1, 1, 1, 1]);
  const Z = convForward(aPrev, W, b, identity, 'valid');
  // windows starting at (0,0), (0,1), (1,0), (1,1) contain the NaN; (2,2) does not
  assert.ok(Number.isNaN(Z.data[0]) && Number.isNaN(Z.data[4]));
  assert.equal(Z.data[8], 4);
  const P = poolForward(aPrev, [2, 2], [2, 2], 'max');
  assert.ok(Number.isNaN(P.data[0]));
  assert.equal(P.data[3], 1);
  assert.ok(Number.isNaN(poolForward(aPrev, [2, 2], [2, 2], 'avg').data[0]));
  const dZ = new Tensor(new Float64Array(9).fill(1), [1, 3, 3, 1]);
  const [, dW] = convBackward(dZ, aPrev, W, b, 'valid');
  assert.ok(Array.from(dW.data).every(Number.isNaN), 'every dW entry sees the NaN input');
  const dNaN = new Tensor(new Float64Array(4).fill(NaN), [1, 2, 2, 1]);
  const dx = poolBackward(dNaN, aPrev, [2, 2], [2, 2], 'avg');
  assert.ok(Array.from(dx.data).every(Number.isNaN));
});

test('convBackward equals central differences of L = sum(convForward(x) * G) on random shapes, float64', () => {
  const rand = seededRandom(11);
  let checked = 0;
  while (checked < 10) {
    const padding: Padding = checked % 2 === 0 ? 'same' : 'valid';
    const xShape = [randInt(rand, 1, 2), randInt(rand, 2, 6), randInt(rand, 2, 6), randInt(rand, 1, 3)];
    const wShape = [randInt(rand, 1, 4), randInt(rand, 1, 4), xShape[3], randInt(rand, 1, 3)];
    const stride: [number, number] = [randInt(rand, 1, 3), randInt(rand, 1, 3)];
    if (padding === 'valid' && (wShape[0] > xShape[1] || wShape[1] > xShape[2])) continue;
    const size = (s: number[]) => s.reduce((p, d) => p * d, 1);
    const x = randomArray(Float64Array, size(xShape), rand) as Float64Array;
    const w = randomArray(Float64Array, size(wShape), rand) as Float64Array;
    const bias = randomArray(Float64Array, wShape[3], rand) as Float64Array;
    const forward = (xv: Float64Array, wv: Float64Array, bv: Float64Array) =>
      convForward(new Tensor(xv, xShape), new Tensor(wv, wShape), new Tensor(bv, [1, 1, 1, wShape[3]]), identity, padding, stride);
    const zShape = forward(x, w, bias).shape;
    const G = randomArray(Float64Array, size(zShape), rand) as Float64Array;
    const loss = (z: Tensor) => { let s = 0; for (let i = 0; i < z.size; i++) s += z.data[i] * G[i]; return s; };
    const [dA, dW, db] = convBackward(new Tensor(G, zShape), new Tensor(x, xShape), new Tensor(w, wShape),
      new Tensor(bias, [1, 1, 1, wShape[3]]), padding, stride);
    const label = `x ${xShape} w ${wShape} ${padding} s ${stride}`;
    const tol = { rtol: 1e-6, atol: 1e-7 };
    assertClose(dA.data, numericGradient((v) => loss(forward(v, w, bias)), x), tol, `dAPrev ${label}`);
    assertClose(dW.data, numericGradient((v) => loss(forward(x, v, bias)), w), tol, `dW ${label}`);
    assertClose(db.data, numericGradient((v) => loss(forward(x, w, v)), bias), tol, `db ${label}`);
    checked++;
  }
});

test('poolBackward equals central differences of L = sum(poolForward(x) * G): avg, and max on tie-free inputs', () => {
  const rand = seededRandom(12);
  for (let trial = 0; trial < 12; trial++) {
    const mode = trial % 2 === 0 ? 'avg' : 'max';
    const kernel: [number, number] = [randInt(rand, 1, 3), randInt(rand, 1, 3)];
    const stride: [number, number] = [randInt(rand, 1, 3), randInt(rand, 1, 3)];
    const xShape = [randInt(rand, 1, 2), randInt(rand, kernel[0], 7), randInt(rand, kernel[1], 7), randInt(rand, 1, 3)];
    const n = xShape.reduce((p, d) => p * d, 1);
    // a shuffled ramp with gaps of 0.01: distinct values, so a 1e-6 nudge never changes which cell is the max
    const x = new Float64Array(n);
    for (let i = 0; i < n; i++) x[i] = i * 0.01;
    for (let i = n - 1; i > 0; i--) { const j = randInt(rand, 0, i); [x[i], x[j]] = [x[j], x[i]]; }
    const forward = (v: Float64Array) => poolForward(new Tensor(v, xShape), kernel, stride, mode);
    const yShape = forward(x).shape;
    const G = randomArray(Float64Array, yShape.reduce((p, d) => p * d, 1), rand) as Float64Array;
    const loss = (v: Float64Array) => { const y = forward(v); let s = 0; for (let i = 0; i < y.size; i++) s += y.data[i] * G[i]; return s; };
    const dx = poolBackward(new Tensor(G, yShape), new Tensor(x, xShape), kernel, stride, mode);
    assertClose(dx.data, numericGradient(loss, x), { rtol: 1e-6, atol: 1e-7 }, `${mode} x ${xShape} k ${kernel} s ${stride}`);
  }
});
