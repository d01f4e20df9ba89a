/** The element types a Tensor can hold, and the TypedArray behind each. */
export type DType = 'float32' | 'float64' | 'int32';
export type TypedArray = Float32Array | Float64Array | Int32Array;
export type FloatArray = Float32Array | Float64Array;

export const DTYPES: readonly DType[] = ['float32', 'float64', 'int32'];

export function isDType(x: unknown): x is DType {
  return typeof x === 'string' && (DTYPES as readonly string[]).includes(x);
}

/** The most elements any array may hold (kept in sync with shape-util's MAX_ELEMENTS: kernels index with int32). */
const MAX_ARRAY_ELEMENTS = 2 ** 31 - 1;

/**
 * A zero-filled TypedArray of the given dtype. The size check is a last line of defence: a caller that let a
 * shape overflow int32 indexing gets an Error here instead of a 16 GB allocation and a kernel that never ends.
 */
export function allocArray(dtype: DType, size: number): TypedArray {
  if (!(Number.isInteger(size) && size >= 0 && size <= MAX_ARRAY_ELEMENTS)) {
    throw new Error(`size: cannot allocate ${size} ${dtype} elements; a tensor holds at most ${MAX_ARRAY_ELEMENTS} (2^31 - 1)`);
  }
  switch (dtype) {
    case 'float32': return new Float32Array(size);
    case 'float64': return new Float64Array(size);
    case 'int32': return new Int32Array(size);
  }
}

export function dtypeOfArray(a: TypedArray): DType {
  if (a instanceof Float32Array) return 'float32';
  if (a instanceof Float64Array) return 'float64';
  return 'int32';
}

/** Converting copy of `values` into a new array of `dtype` (int32 truncates toward zero like NumPy's astype). */
export function toTypedArray(values: ArrayLike<number>, dtype: DType): TypedArray {
  const out = allocArray(dtype, values.length);
  for (let i = 0; i < values.length; i++) out[i] = values[i];
  return out;
}
