/** cn.input({shape}): Keras' Input, a placeholder with a leading batch dimension of any size. */
import type { DType } from '../tensor/dtype.js';
import { MAX_ELEMENTS, describe, formatShape } from '../tensor/shape-util.js';
import type { Dim } from '../graph/op-def.js';
import { Placeholder, placeholder } from '../graph/symbolic.js';
import { checkOptions } from './options.js';

export interface InputArgs { shape?: Dim[]; batchShape?: Dim[]; name?: string; dtype?: DType }

export function input(args: InputArgs): Placeholder {
  const a = checkOptions('args', args, ['shape', 'batchShape', 'name', 'dtype']);
  const shape = a.batchShape ?? (Array.isArray(a.shape) ? [null, ...a.shape] : undefined);
  if (!Array.isArray(shape) || shape.some((d) => d !== null && !(Number.isInteger(d) && d >= 1))) {
    throw new Error(`shape: expected an array of positive integers (the shape of one sample), got ${describe(a.shape ?? a.batchShape)}`);
  }
  // One sample must fit a tensor, or the first batch would fail deep inside a kernel.
  const sampleSize = (shape as Dim[]).slice(1).reduce<number>((p, d) => p * (d ?? 1), 1);
  if (sampleSize > MAX_ELEMENTS) {
    throw new Error(`shape: one sample of ${formatShape(shape as Dim[])} has ${sampleSize} elements, more than the ${MAX_ELEMENTS} a tensor can hold`);
  }
  if (a.name !== undefined && (typeof a.name !== 'string' || a.name === '')) throw new Error(`name: expected a non-empty string, got ${describe(a.name)}`);
  const dtype = (a.dtype ?? 'float32') as DType;
  if (dtype !== 'float32' && dtype !== 'float64') throw new Error(`dtype: expected 'float32' or 'float64', got ${describe(a.dtype)}`);
  return placeholder(dtype, shape as Dim[], (a.name as string | undefined) ?? 'input');
}
