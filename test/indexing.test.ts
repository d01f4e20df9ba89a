import { test } from 'node:test';
import assert from 'node:assert/strict';
import { tensor } from '../src/tensor/tensor.js';
import { concat, sliceRows, takeRows } from '../src/tensor/indexing.js';

test('sliceRows is X[start:start+count], a view clipped at the end', () => {
  const x = tensor([[1, 2], [3, 4], [5, 6]]);
  const s = sliceRows(x, 1, 5);
  assert.deepEqual(s.toArray(), [[3, 4], [5, 6]]);
  s.data[0] = 9;
  assert.equal(x.data[2], 9);
  assert.deepEqual(sliceRows(x, 7).shape, [0, 2]);
  assert.throws(() => sliceRows(x, -1), /start: expected a non-negative integer/);
});

test('takeRows is X[p] (a copy) and rejects out-of-range indices', () => {
  const x = tensor([[1, 2], [3, 4], [5, 6]]);
  assert.deepEqual(takeRows(x, tensor([2, 0], [2], 'int32')).toArray(), [[5, 6], [1, 2]]);
  assert.throws(() => takeRows(x, [3]), /indices: element 0 is 3, outside \[0, 3\)/);
});

test('concat matches np.concatenate along the last and first axes', () => {
  const a = tensor([[[1], [2]]]);           // (1, 2, 1)
  const b = tensor([[[10], [20]]]);
  assert.deepEqual(concat([a, b], 2).toArray(), [[[1, 10], [2, 20]]]);
  assert.deepEqual(concat([a, b], 0).shape, [2, 2, 1]);
  assert.deepEqual(concat([a, b], -1).shape, [1, 2, 2]);
  assert.throws(() => concat([a, tensor([[[1, 2]]])], 0), /tensors\[1\]: shape \[1, 1, 2\] does not fit/);
  assert.throws(() => concat([a, b.astype('float64')], 2), /tensors\[1\]: dtype float64 differs/);
});
