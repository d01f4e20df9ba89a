/** The public ops computed eagerly on Tensors: values by hand, broadcasting, dtypes, argument errors. */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import * as ops from '../src/api/ops.js';
import { softmaxCrossEntropy } from '../src/train/losses.js';
import { tensor, Tensor } from '../src/tensor/tensor.js';
import { isSymbolic, placeholder } from '../src/graph/symbolic.js';

const arr = (t: Tensor) => t.toArray();

test('binary ops broadcast NumPy-style and accept plain numbers', () => {
  const a = tensor([[1, 2, 3], [4, 5, 6]]);
  assert.deepEqual(arr(ops.add(a, tensor([10, 20, 30]))), [[11, 22, 33], [14, 25, 36]]);
  assert.deepEqual(arr(ops.sub(a, tensor([[1], [2]]))), [[0, 1, 2], [2, 3, 4]]);
  assert.deepEqual(arr(ops.mul(a, 2)), [[2, 4, 6], [8, 10, 12]]);
  assert.deepEqual(arr(ops.div(6, tensor([1, 2, 3]))), [6, 3, 2]);
  assert.deepEqual(arr(ops.add(tensor([[1], [2]]), tensor([10, 20]))), [[11, 21], [12, 22]]);
  const eq = ops.equal(tensor([1, 2, 3], [3], 'int32'), tensor([1, 0, 3], [3], 'int32'));
  assert.equal(eq.dtype, 'int32');
  assert.deepEqual(arr(eq), [1, 0, 1]);
  assert.throws(() => ops.add(a, tensor([1, 2])), /b: add cannot broadcast shapes a \[2, 3\] and b \[2\]/);
  assert.throws(() => ops.add(a, 'x' as never), /b: expected a Tensor or a graph tensor, got "x"/);
});

test('matMul with transposes, reshape with -1, reductions with axes and keepDims', () => {
  const a = tensor([[1, 2], [3, 4], [5, 6]]);
  const b = tensor([[1, 0, 2], [0, 1, 3]]);
  assert.deepEqual(arr(ops.matMul(a, b)), [[1, 2, 8], [3, 4, 18], [5, 6, 28]]);
  assert.deepEqual(arr(ops.matMul(b, a, true, true)), [[1, 3, 5], [2, 4, 6], [8, 18, 28]]);
  assert.throws(() => ops.matMul(a, a), /b: matMul inner dimensions differ: a \[3, 2\] has 2 columns, b \[3, 2\] has 3 rows/);
  assert.deepEqual(ops.reshape(a, [-1]).shape, [6]);
  assert.deepEqual(ops.reshape(a, [2, -1]).shape, [2, 3]);
  assert.equal(ops.sum(a).data[0], 21);
  assert.deepEqual(arr(ops.sum(a, 0)), [9, 12]);
  assert.deepEqual(arr(ops.mean(a, -1, true)), [[1.5], [3.5], [5.5]]);
  assert.deepEqual(arr(ops.mean(a, [0, 1])), 3.5);
  assert.throws(() => ops.sum(a, 2), /axis: expected an integer axis in \[-2, 1\], got 2/);
});

test('activations, softmax (stable for large logits), argMax, cast, oneHot', () => {
  assert.deepEqual(arr(ops.relu(tensor([-1, 0, 2]))), [0, 0, 2]);
  assert.ok(Math.abs(ops.sigmoid(tensor([0])).data[0] - 0.5) < 1e-7);
  assert.ok(Math.abs(ops.tanh(tensor(new Float64Array([1]))).data[0] - Math.tanh(1)) < 1e-15);
  const s = ops.softmax(tensor(new Float64Array([1000, 1000, 1000 + Math.log(2)]), [1, 3]));
  assert.deepEqual(Array.from(s.data).map((v) => +v.toFixed(12)), [0.25, 0.25, 0.5]);
  const am = ops.argMax(tensor([[1, 9, 3], [7, 2, 7]]), 1);
  assert.equal(am.dtype, 'int32');
  assert.deepEqual(arr(am), [1, 0]); // ties go to the first
  assert.deepEqual(arr(ops.argMax(tensor([[1, 9], [7, 2]]))), [1, 0]); // default axis 0
  assert.deepEqual(arr(ops.cast(tensor([1.7, -1.7]), 'int32')), [1, -1]);
  const oh = ops.oneHot(tensor([2, 0, 5], [3], 'int32'), 3);
  assert.equal(oh.dtype, 'float32');
  assert.deepEqual(arr(oh), [[0, 0, 1], [1, 0, 0], [0, 0, 0]]);
  assert.throws(() => ops.oneHot(tensor([1.5]), 3), /indices: expected dtype int32, got float32/);
  assert.throws(() => ops.relu(tensor([1], [1], 'int32')), /x: expected dtype float32 or float64, got int32/);
});

test('conv2d and pooling eagerly: hand-computed values, TensorFlow "same" padding', () => {
  // 3×3 image of 1..9, 2×2 filter of ones, 'same' → pads bottom/right only
  const x = tensor([1, 2, 3, 4, 5, 6, 7, 8, 9], [1, 3, 3, 1]);
  const f = tensor([1, 1, 1, 1], [2, 2, 1, 1]);
  assert.deepEqual(Array.from(ops.conv2d(x, f, 1, 'same').data), [12, 16, 9, 24, 28, 15, 15, 17, 9]);
  assert.deepEqual(Array.from(ops.conv2d(x, f, 1, 'valid').data), [12, 16, 24, 28]);
  assert.deepEqual(Array.from(ops.maxPool(x, 2, 1, 'valid').data), [5, 6, 8, 9]);
  assert.deepEqual(Array.from(ops.avgPool(x, 2, 2, 'valid').data), [3]);
  assert.throws(() => ops.conv2d(x, f, 0 as never, 'same'), /strides: expected a positive integer or a pair of them, got number 0/);
  assert.throws(() => ops.conv2d(tensor([1, 2, 3]), f, 1, 'same'), /x: expected rank 4 \(batch, height, width, channels\), got shape \[3\]/);
});

test('softmaxCrossEntropy is the mean over rows and stays finite for huge logits', () => {
  const labels = tensor(new Float64Array([0, 1, 1, 0]), [2, 2]);
  const logits = tensor(new Float64Array([0, 0, 1e4, 0]), [2, 2]);
  const loss = softmaxCrossEntropy(labels, logits).data[0];
  assert.ok(Math.abs(loss - (Math.log(2) + 0) / 2) < 1e-12, String(loss));
});

test('a graph tensor among the inputs builds a node instead of computing', () => {
  const x = placeholder('float32', [null, 3]);
  const y = ops.add(x, tensor([1, 2, 3]));
  assert.ok(isSymbolic(y));
  assert.deepEqual(y.shape, [null, 3]);
  assert.ok(isSymbolic(ops.mul(2, x)));
});
