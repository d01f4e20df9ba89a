import type { DType, TypedArray } from './dtype.js';

// Temporary minimal formatter; replaced by the NumPy-exact printer.
export function formatArray(data: TypedArray, shape: readonly number[], _dtype: DType, _style: 'str' | 'repr'): string {
  return `${JSON.stringify(shape)} ${Array.from(data.slice(0, 10)).join(' ')}`;
}
