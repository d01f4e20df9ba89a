/** Every op's gradient, built by autodiff and run through a Session, against central differences in float64. */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import * as ops from '../src/api/ops.js';
import { softmaxCrossEntropy } from '../src/train/losses.js';
import { Tensor, tensor } from '../src/tensor/tensor.js';
import { placeholder } from '../src/graph/symbolic.js';
import { gradients } from '../src/graph/gradients.js';
import { Session } from '../src/graph/session.js';
import { seededRandom } from './gradcheck.js';
import { checkGraphGradients, randomTensor } from './graph-helpers.js';

const rand = seededRandom(1234);
const rt = (shape: number[], scale = 1) => randomTensor(shape, rand, scale);
/** Values bounded away from 0 (for division, and for relu's kink). */
const awayFromZero = (shape: number[]) => {
  const t = rt(shape);
  for (let i = 0; i < t.size; i++) t.data[i] = Math.sign(t.data[i] || 1) * (0.5 + Math.abs(t.data[i]));
  return t;
};

test('add, sub, mul, div with broadcasting (same shape, bias row, scalar, general)', () => {
  const cases: [number[], number[]][] = [[[3, 4], [3, 4]], [[2, 3, 4], [4]], [[3, 4], []], [[2, 1, 4], [3, 1]], [[1], [2, 3]]];
  for (const [sa, sb] of cases) {
    for (const name of ['add', 'sub', 'mul', 'div'] as const) {
      checkGraphGradients(`${name} ${JSON.stringify(sa)} ${JSON.stringify(sb)}`, [rt(sa), awayFromZero(sb)], ([a, b]) => ops[name](a, b));
    }
  }
});

test('matMul with every combination of transposes', () => {
  for (const ta of [false, true]) {
    for (const tb of [false, true]) {
      const a = rt(ta ? [4, 3] : [3, 4]);
      const b = rt(tb ? [5, 4] : [4, 5]);
      checkGraphGradients(`matMul ${ta} ${tb}`, [a, b], ([x, y]) => ops.matMul(x, y, ta, tb));
    }
  }
});

test('relu, sigmoid, tanh, neg, softmax', () => {
  checkGraphGradients('relu', [awayFromZero([3, 5])], ([x]) => ops.relu(x));
  checkGraphGradients('sigmoid', [rt([3, 5], 3)], ([x]) => ops.sigmoid(x));
  checkGraphGradients('tanh', [rt([3, 5], 2)], ([x]) => ops.tanh(x));
  checkGraphGradients('neg', [rt([4])], ([x]) => ops.neg(x));
  checkGraphGradients('softmax', [rt([3, 6], 3)], ([x]) => ops.softmax(x));
});

test('reshape, sum and mean (all axes, one axis, keepDims), cast float64 → float64', () => {
  checkGraphGradients('reshape', [rt([2, 3, 4])], ([x]) => ops.reshape(x, [-1, 6]));
  checkGraphGradients('sum all', [rt([2, 3, 4])], ([x]) => ops.sum(x));
  checkGraphGradients('sum axis 1', [rt([2, 3, 4])], ([x]) => ops.sum(x, 1));
  checkGraphGradients('mean all', [rt([2, 3, 4])], ([x]) => ops.mean(x));
  checkGraphGradients('mean axes [0, 2] keepDims', [rt([2, 3, 4])], ([x]) => ops.mean(x, [0, -1], true));
  checkGraphGradients('cast', [rt([5])], ([x]) => ops.cast(x, 'float64'));
});

test('conv2d: same and valid padding, strides 1 and 2, gradients for x and filter', () => {
  const geometries: { x: number[]; f: number[]; s: [number, number]; pad: 'same' | 'valid' }[] = [
    { x: [2, 5, 5, 2], f: [3, 3, 2, 3], s: [1, 1], pad: 'same' },
    { x: [1, 6, 5, 3], f: [2, 3, 3, 2], s: [2, 2], pad: 'same' },
    { x: [2, 6, 6, 1], f: [3, 2, 1, 2], s: [2, 1], pad: 'valid' },
  ];
  for (const g of geometries) {
    checkGraphGradients(`conv2d ${g.pad} ${g.s}`, [rt(g.x), rt(g.f)], ([x, f]) => ops.conv2d(x, f, g.s, g.pad));
  }
});

test('maxPool and avgPool: valid and same, overlapping and not', () => {
  for (const pad of ['valid', 'same'] as const) {
    for (const [k, s] of [[2, 2], [3, 1]] as const) {
      checkGraphGradients(`maxPool ${pad} k${k} s${s}`, [rt([2, 5, 5, 2])], ([x]) => ops.maxPool(x, k, s, pad));
      checkGraphGradients(`avgPool ${pad} k${k} s${s}`, [rt([2, 5, 5, 2])], ([x]) => ops.avgPool(x, k, s, pad));
    }
  }
});

test('softmaxCrossEntropy: gradient for the logits and for the labels', () => {
  const labels = rt([4, 5]);
  for (let i = 0; i < labels.size; i++) labels.data[i] = Math.abs(labels.data[i]);
  checkGraphGradients('softmaxCrossEntropy', [labels, rt([4, 5], 4)], ([y, z]) => softmaxCrossEntropy(y, z));
});

test('a tensor used twice accumulates both gradients; a chain through several ops', () => {
  checkGraphGradients('x*x + x', [rt([3, 3])], ([x]) => ops.add(ops.mul(x, x), x));
  checkGraphGradients('dense chain', [rt([4, 6]), rt([6, 3]), rt([3])],
    ([x, w, b]) => ops.softmax(ops.tanh(ops.add(ops.matMul(x, w), b))));
});

test('gradients are pruned: no input gradient is built for a first conv layer, null for unrelated xs', () => {
  const x = placeholder('float64', [null, 5, 5, 1]);
  const f = placeholder('float64', [3, 3, 1, 2]);
  const other = placeholder('float64', [2]);
  const loss = ops.sum(ops.conv2d(x, f, 1, 'same'));
  const [df, dOther] = gradients(loss, [f, other]);
  assert.ok(df);
  assert.equal(dOther, null);
  const names: string[] = [];
  const walk = (t: typeof df) => { names.push(t!.node.op?.name ?? 'source'); t!.node.inputs.forEach(walk); };
  walk(df);
  assert.ok(names.includes('Conv2DBackpropFilter'));
  assert.ok(!names.includes('Conv2DBackpropInput'), 'no dx for the first layer');
});

test('int32 outputs (argMax, equal) carry no gradient', () => {
  const x = placeholder('float64', [3, 4]);
  const loss = ops.mean(ops.cast(ops.argMax(x, 1), 'float64'));
  assert.deepEqual(gradients(loss, [x]), [null]);
  assert.ok(new Tensor(new Float64Array(1), []));
});

test('float32 graphs (fast kernels where available) give the float64 gradients to float32 precision', () => {
  const shapes = { x: [4, 8, 8, 2], f: [3, 3, 2, 4], b: [4], w: [64, 5] };
  const values = Object.fromEntries(Object.entries(shapes).map(([k, s]) => [k, rt(s)])) as Record<keyof typeof shapes, Tensor>;
  const grads = (dtype: 'float32' | 'float64') => {
    const ph = Object.fromEntries(Object.entries(shapes).map(([k, s]) => [k, placeholder(dtype, s)])) as Record<keyof typeof shapes, ReturnType<typeof placeholder>>;
    let h = ops.relu(ops.add(ops.conv2d(ph.x, ph.f, 1, 'same'), ph.b));
    h = ops.reshape(ops.maxPool(h, 2, 2, 'valid'), [4, 64]);
    const labels = ops.oneHot(tensor([0, 3, 1, 4], [4], 'int32'), 5, 1, 0, dtype);
    const loss = softmaxCrossEntropy(labels, ops.matMul(h, ph.w));
    const keys = ['f', 'b', 'w'] as const;
    const gs = gradients(loss, keys.map((k) => ph[k]));
    const feeds = (Object.keys(shapes) as (keyof typeof shapes)[]).map((k) => [ph[k], values[k].astype(dtype)] as [typeof ph.x, Tensor]);
    return new Session().run(gs as never[], feeds).map((t) => Array.from((t as Tensor).data));
  };
  const g32 = grads('float32'), g64 = grads('float64');
  g32.forEach((g, i) => g.forEach((v, j) => assert.ok(Math.abs(v - g64[i][j]) <= 1e-4 + 1e-3 * Math.abs(g64[i][j]), `grad ${i}[${j}]: ${v} vs ${g64[i][j]}`)));
});

test('gradients with respect to a hidden tensor and to a weight upstream of it', () => {
  const x = placeholder('float64', [2, 3]);
  const w = placeholder('float64', [3, 2]);
  const h = ops.matMul(x, w);
  const loss = ops.sum(ops.mul(h, h));
  const [dh, dw] = gradients(loss, [h, w]);
  const X = tensor(new Float64Array([1, 2, 3, 4, 5, 6]), [2, 3]);
  const W = tensor(new Float64Array([1, 0, 0, 1, 1, 1]), [3, 2]);
  const [H, DH, DW] = new Session().run([h, dh!, dw!], [[x, X], [w, W]]);
  assert.deepEqual(Array.from(DH!.data), Array.from(H!.data, (v) => 2 * v)); // d Σh²/dh = 2h
  // dW = Xᵀ · 2H
  const expected = [0, 1, 2].flatMap((i) => [0, 1].map((j) => 2 * (X.data[i] * H!.data[j] + X.data[3 + i] * H!.data[2 + j])));
  assert.deepEqual(Array.from(DW!.data), expected);
});

test('gradients takes one x or a list, and names a bad xs or dys', () => {
  const x = placeholder('float64', [3], 'x');
  const y = ops.sum(ops.mul(x, x));
  const [gSingle] = gradients(y, x);
  const [gList] = gradients(y, [x]);
  const [a, b] = new Session().run([gSingle!, gList!], [[x, tensor([1, 2, 3]).astype('float64')]]) as Tensor[];
  assert.deepEqual(Array.from(a.data), [2, 4, 6]);
  assert.deepEqual(Array.from(b.data), [2, 4, 6]);
  assert.throws(() => gradients(y, 'x' as never), /^Error: xs: expected graph tensors, got x at index 0/);
  assert.throws(() => gradients(y, [x], [] as never), /^Error: dys: expected an array of 1 graph tensors/);
});
