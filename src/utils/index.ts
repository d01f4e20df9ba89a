/** cn.utils: Keras' to_categorical. */
import { Tensor, isTensor } from '../tensor/tensor.js';
import { assertFitsTensor, describe } from '../tensor/shape-util.js';

/**
 * Class indices (any shape, integer values) → float32 one-hot rows, shape [...y.shape, numClasses]
 * (a trailing axis of 1 is dropped first, as Keras does). numClasses defaults to max(y) + 1.
 */
export function toCategorical(y: Tensor, numClasses?: number): Tensor {
  if (!isTensor(y)) throw new Error(`y: expected a Tensor of class indices, got ${describe(y)}`);
  const data = y.data;
  let max = -1;
  for (let i = 0; i < data.length; i++) {
    const v = data[i];
    if (!(Number.isInteger(v) && v >= 0)) throw new Error(`y: expected non-negative integer class indices, got ${v} at index ${i}`);
    if (v > max) max = v;
  }
  const n = numClasses ?? max + 1;
  if (!Number.isInteger(n) || n < 1) throw new Error(`numClasses: expected a positive integer, got ${describe(numClasses)}`);
  if (max >= n) throw new Error(`y: class index ${max} does not fit numClasses ${n} (expected indices in [0, ${n - 1}])`);
  const shape = y.shape.length > 1 && y.shape[y.shape.length - 1] === 1 ? y.shape.slice(0, -1) : y.shape.slice();
  assertFitsTensor([...shape, n], 'numClasses', 'the one-hot result of shape');
  const out = new Float32Array(data.length * n);
  for (let i = 0; i < data.length; i++) out[i * n + data[i]] = 1;
  return new Tensor(out, [...shape, n]);
}

