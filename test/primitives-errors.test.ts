import { test } from 'node:test';
import assert from 'node:assert/strict';
import { Tensor } from '../src/tensor/tensor.js';
import { convForward } from '../src/ops/primitives/conv-forward.js';
import { poolForward } from '../src/ops/primitives/pool-forward.js';
import { convBackward } from '../src/ops/primitives/conv-backward.js';
import { poolBackward } from '../src/ops/primitives/pool-backward.js';

const f64 = (shape: number[]) => new Tensor(new Float64Array(shape.reduce((p, d) => p * d, 1)), shape);
const f32 = (shape: number[]) => new Tensor(new Float32Array(shape.reduce((p, d) => p * d, 1)), shape);
const i32 = (shape: number[]) => new Tensor(new Int32Array(shape.reduce((p, d) => p * d, 1)), shape);
const id = (z: Tensor) => z;
const aPrev = f64([2, 5, 5, 3]);
const W = f64([3, 3, 3, 4]);
const b = f64([1, 1, 1, 4]);
// untyped handle so tests can pass wrong argument types, as JavaScript callers may
const anyConv = convForward as (...args: unknown[]) => Tensor;
const anyPool = poolForward as (...args: unknown[]) => Tensor;
const anyConvBack = convBackward as (...args: unknown[]) => Tensor[];
const anyPoolBack = poolBackward as (...args: unknown[]) => Tensor;

test('not a Tensor: the message names the argument and what it got', () => {
  assert.throws(() => anyConv([[1]], W, b, id), /^Error: aPrev: expected a Tensor, got array of length 1$/);
  assert.throws(() => anyConv(aPrev, null, b, id), /^Error: W: expected a Tensor, got null$/);
  assert.throws(() => anyConv(aPrev, W, 3, id), /^Error: b: expected a Tensor, got number 3$/);
  assert.throws(() => anyPool({}, [2, 2]), /^Error: aPrev: expected a Tensor, got Object object$/);
  assert.throws(() => anyConvBack(undefined, aPrev, W, b), /^Error: dZ: expected a Tensor, got undefined$/);
  assert.throws(() => anyPoolBack('x', aPrev, [2, 2]), /^Error: dA: expected a Tensor, got "x"$/);
});

test('rank other than 4', () => {
  assert.throws(() => convForward(f64([5, 5, 3]), W, b, id), /^Error: aPrev: expected rank 4 \(m, h_prev, w_prev, c_prev\), got shape \[5, 5, 3\]$/);
  assert.throws(() => convForward(aPrev, f64([3, 3, 3]), b, id), /^Error: W: expected rank 4 \(kh, kw, c_prev, c_new\), got shape \[3, 3, 3\]$/);
  assert.throws(() => poolForward(f64([5, 5]), [2, 2]), /^Error: aPrev: expected rank 4 .*got shape \[5, 5\]$/);
  assert.throws(() => poolBackward(f64([2, 2]), aPrev, [2, 2]), /^Error: dA: expected rank 4 .*got shape \[2, 2\]$/);
});

test('int32 where a float is needed', () => {
  assert.throws(() => convForward(i32([2, 5, 5, 3]), W, b, id), /^Error: aPrev: expected dtype float32 or float64, got int32$/);
  assert.throws(() => convForward(aPrev, W, i32([1, 1, 1, 4]), id), /^Error: b: expected dtype float32 or float64, got int32$/);
  assert.throws(() => poolForward(i32([1, 4, 4, 1]), [2, 2]), /^Error: aPrev: expected dtype float32 or float64, got int32$/);
});

test('mixed dtypes: the message names both arguments', () => {
  assert.throws(() => convForward(aPrev, f32([3, 3, 3, 4]), b, id),
    /^Error: W: expected dtype float64 \(the dtype of aPrev\), got float32; W and aPrev must match$/);
  assert.throws(() => convForward(f32([2, 5, 5, 3]), f32([3, 3, 3, 4]), b, id), /^Error: b: .*float32 \(the dtype of W\), got float64/);
  assert.throws(() => convBackward(f32([2, 5, 5, 4]), aPrev, W, b), /^Error: aPrev: expected dtype float32 \(the dtype of dZ\), got float64/);
  assert.throws(() => poolBackward(f32([2, 2, 2, 3]), aPrev, [2, 2], [2, 2]), /^Error: aPrev: .*dA/);
});

test('channel mismatch between aPrev and W', () => {
  assert.throws(() => convForward(aPrev, f64([3, 3, 2, 4]), b, id),
    /^Error: W: expected c_prev = 3 \(the channels of aPrev \[2, 5, 5, 3\]\) at axis 2, got shape \[3, 3, 2, 4\]$/);
  assert.throws(() => convBackward(f64([2, 5, 5, 4]), aPrev, f64([3, 3, 1, 4]), b), /^Error: W: expected c_prev = 3/);
});

test('b must be (1, 1, 1, c_new) or (c_new,)', () => {
  assert.throws(() => convForward(aPrev, W, f64([1, 1, 4]), id), /^Error: b: expected shape \[1, 1, 1, 4\] or \[4\], got \[1, 1, 4\]$/);
  assert.throws(() => convForward(aPrev, W, f64([1, 1, 1, 3]), id), /^Error: b: expected shape \[1, 1, 1, 4\] or \[4\], got \[1, 1, 1, 3\]$/);
  assert.deepEqual(convForward(aPrev, W, f64([4]), id).shape, [2, 5, 5, 4]);
});

test('kernel larger than the padded input, or an empty output', () => {
  assert.throws(() => convForward(aPrev, f64([6, 3, 3, 4]), b, id, 'valid'),
    /^Error: W: window 6×3 does not fit the 5×5 input of aPrev \[2, 5, 5, 3\] with padding 'valid' \(output would be 0×3\)$/);
  assert.throws(() => convForward(f64([2, 0, 5, 3]), W, b, id, 'same'), /^Error: W: window 3×3 does not fit the 0×5 input/);
  assert.throws(() => poolForward(aPrev, [6, 2]), /^Error: kernelShape: window 6×2 does not fit the 5×5 input .*output would be 0×4/);
  assert.throws(() => poolBackward(f64([2, 1, 1, 3]), aPrev, [2, 6]), /^Error: kernelShape: window 2×6/);
});

test('stride must be a pair of positive integers', () => {
  for (const bad of [[0, 1], [1], [1.5, 1], 2, [1, -1], ['1', 1]]) {
    assert.throws(() => anyConv(aPrev, W, b, id, 'same', bad), /^Error: stride: expected a pair of positive integers \(sh, sw\), got /);
    assert.throws(() => anyPool(aPrev, [2, 2], bad), /^Error: stride: expected a pair of positive integers/);
  }
  assert.throws(() => anyPool(aPrev, [2, 0]), /^Error: kernelShape: expected a pair of positive integers \(kh, kw\), got \[number 2, number 0\]$/);
});

test('unknown padding or mode', () => {
  assert.throws(() => anyConv(aPrev, W, b, id, 'full'), /^Error: padding: expected 'same' or 'valid', got "full"$/);
  assert.throws(() => anyConvBack(f64([2, 5, 5, 4]), aPrev, W, b, 'SAME'), /^Error: padding: expected 'same' or 'valid', got "SAME"$/);
  assert.throws(() => anyPool(aPrev, [2, 2], [2, 2], 'mean'), /^Error: mode: expected 'max' or 'avg', got "mean"$/);
  assert.throws(() => anyPoolBack(f64([2, 2, 2, 3]), aPrev, [2, 2], [2, 2], 'min'), /^Error: mode: expected 'max' or 'avg', got "min"$/);
});

test('activation must be a function returning a Tensor of the output shape', () => {
  assert.throws(() => anyConv(aPrev, W, b, 'relu'), /^Error: activation: expected a function \(z: Tensor\) => Tensor, got "relu"$/);
  assert.throws(() => convForward(aPrev, W, b, (z) => z.reshape([-1])),
    /^Error: activation: expected it to return a float64 Tensor of shape \[2, 5, 5, 4\], got Tensor float64 \[200\]$/);
  assert.throws(() => convForward(aPrev, W, b, () => 0 as unknown as Tensor), /^Error: activation: .*got number 0$/);
});

test('dZ / dA whose shape does not match the forward output: both shapes are named', () => {
  assert.throws(() => convBackward(f64([2, 3, 3, 4]), aPrev, W, b, 'same'),
    /^Error: dZ: expected shape \[2, 5, 5, 4\] \(the forward output for aPrev \[2, 5, 5, 3\] and W \[3, 3, 3, 4\]\), got \[2, 3, 3, 4\]$/);
  assert.throws(() => poolBackward(f64([2, 3, 3, 3]), aPrev, [2, 2], [2, 2]),
    /^Error: dA: expected shape \[2, 2, 2, 3\] \(the forward output for aPrev \[2, 5, 5, 3\] with kernelShape \[2, 2\] and stride \[2, 2\]\), got \[2, 3, 3, 3\]$/);
});

test('an output past 2^31-1 elements names W before anything is allocated', () => {
  // 65,536 images × 65,536 filters of 1×1: each input is small, the output would be 2^32 elements.
  assert.throws(
    () => convForward(f32([65536, 1, 1, 1]), f32([1, 1, 1, 65536]), f32([1, 1, 1, 65536]), (z: Tensor) => z, 'valid'),
    /^Error: W: \(with aPrev \[65536, 1, 1, 1\]\) the output shape \[65536, 1, 1, 65536\] would have 4294967296 elements/,
  );
});
