import { test } from 'node:test';
import assert from 'node:assert/strict';
import { Tensor, tensor, zeros, ones, inferReshape } from '../src/tensor/tensor.js';

test('tensor() infers shape from nested arrays and defaults to float32', () => {
  const t = tensor([[1, 2, 3], [4, 5, 6]]);
  assert.deepEqual(t.shape, [2, 3]);
  assert.equal(t.dtype, 'float32');
  assert.equal(t.size, 6);
  assert.equal(t.rank, 2);
  assert.deepEqual(t.toArray(), [[1, 2, 3], [4, 5, 6]]);
});

test('a Float64Array stays float64; an explicit dtype converts', () => {
  assert.equal(tensor(new Float64Array([1.5, 2])).dtype, 'float64');
  const t = tensor([1.7, -2.7], [2], 'int32');
  assert.equal(t.dtype, 'int32');
  assert.deepEqual(Array.from(t.data), [1, -2]);
});

test('tensor() rejects ragged arrays, wrong sizes and bad dtypes, naming the argument', () => {
  assert.throws(() => tensor([[1, 2], [3]]), /values: ragged/);
  assert.throws(() => tensor([1, 2, 3], [2, 2]), /shape: \[2, 2\] needs 4 elements, values have 3/);
  assert.throws(() => tensor([1], [1], 'float16' as never), /dtype: expected/);
  assert.throws(() => tensor([1, 'a' as never]), /values: element 1/);
  assert.throws(() => zeros([2, -1]), /shape: expected a shape of non-negative integers/);
  assert.throws(() => zeros([2 ** 20, 2 ** 12]), /more than/);
});

test('reshape infers -1 and shares data; astype copies', () => {
  const t = tensor(new Float64Array(12));
  const r = t.reshape([-1, 3, 2]);
  assert.deepEqual(r.shape, [2, 3, 2]);
  assert.equal(r.data, t.data);
  assert.throws(() => t.reshape([5, -1]), /cannot reshape 12 elements/);
  // NumPy refuses -1 next to a zero dimension too: the free size would be ambiguous.
  assert.throws(() => inferReshape(0, [0, -1, 3]), /cannot reshape 0 elements/);
  const f = t.astype('float32');
  assert.equal(f.dtype, 'float32');
  assert.notEqual(f.data, t.data);
});

test('zeros/ones and rank-0 tensors', () => {
  assert.deepEqual(Array.from(ones([2], 'int32').data), [1, 1]);
  assert.equal(zeros([0, 3]).size, 0);
  const s = tensor(3.5, [], 'float64');
  assert.equal(s.toArray(), 3.5);
  assert.throws(() => new Tensor(new Float32Array(3), [2]), /needs 2 elements, data has 3/);
});
