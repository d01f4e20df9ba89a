import { DType, TypedArray, allocArray, dtypeOfArray, isDType } from './dtype.js';
import { assertValidShape, describe, formatShape, sizeOf } from './shape-util.js';
import { formatArray } from './print.js';

/**
 * An n-dimensional array: a shape, a dtype and a row-major TypedArray that this object owns.
 * The array is ordinary JS memory, so the garbage collector frees it: there is no dispose().
 */
export class Tensor {
  readonly shape: number[];
  readonly dtype: DType;
  readonly data: TypedArray;

  /** Wraps `data` (not copied) as a tensor of `shape`; the dtype follows the array's type. */
  constructor(data: TypedArray, shape: readonly number[]) {
    assertValidShape(shape as number[], 'shape');
    if (data.length !== sizeOf(shape)) {
      throw new Error(`shape: ${formatShape(shape)} needs ${sizeOf(shape)} elements, data has ${data.length}`);
    }
    this.data = data;
    this.shape = shape.slice();
    this.dtype = dtypeOfArray(data);
  }

  get size(): number { return this.data.length; }
  get rank(): number { return this.shape.length; }

  /** Nested JS arrays (a number for a rank-0 tensor). */
  toArray(): unknown {
    if (this.shape.length === 0) return this.data[0];
    const build = (dim: number, offset: number): unknown[] => {
      const n = this.shape[dim];
      const stride = sizeOf(this.shape.slice(dim + 1));
      const out: unknown[] = new Array(n);
      for (let i = 0; i < n; i++) {
        out[i] = dim === this.shape.length - 1 ? this.data[offset + i] : build(dim + 1, offset + i * stride);
      }
      return out;
    };
    return build(0, 0);
  }

  /** The same data viewed with another shape (one dimension may be -1). Shares the array. */
  reshape(shape: readonly number[]): Tensor {
    return new Tensor(this.data, inferReshape(this.size, shape));
  }

  /** A copy converted to `dtype`. */
  astype(dtype: DType): Tensor {
    assertDType(dtype, 'dtype');
    const out = allocArray(dtype, this.size);
    out.set(this.data);
    return new Tensor(out, this.shape);
  }

  clone(): Tensor {
    return new Tensor(this.data.slice() as TypedArray, this.shape);
  }

  /** Like NumPy's str(): `[[1. 2.] [3. 4.]]`, summarised with '...' past 1000 elements. */
  toString(): string { return formatArray(this.data, this.shape, this.dtype, 'str'); }

  /** Like NumPy's repr(): `array([...])`, with `dtype=` where NumPy would show it. */
  repr(): string { return formatArray(this.data, this.shape, this.dtype, 'repr'); }

  [Symbol.for('nodejs.util.inspect.custom')](): string { return this.repr(); }
}

/** Resolves a -1 in a reshape target and checks the element count matches. */
export function inferReshape(size: number, shape: readonly number[]): number[] {
  if (!Array.isArray(shape)) throw new Error(`shape: expected an array of non-negative integers (one may be -1), got ${describe(shape)}`);
  const out = shape.slice();
  const free = out.indexOf(-1);
  if (free >= 0) {
    if (out.indexOf(-1, free + 1) >= 0) throw new Error(`shape: only one dimension may be -1, got ${formatShape(shape)}`);
    const known = sizeOf(out.filter((_, i) => i !== free));
    if (known === 0 || size % known !== 0) {
      throw new Error(`shape: cannot reshape ${size} elements into ${formatShape(shape)}`);
    }
    out[free] = size / known;
  }
  assertValidShape(out, 'shape');
  if (sizeOf(out) !== size) throw new Error(`shape: cannot reshape ${size} elements into ${formatShape(shape)}`);
  return out;
}

function assertDType(dtype: unknown, argName: string): asserts dtype is DType {
  if (!isDType(dtype)) throw new Error(`${argName}: expected 'float32', 'float64' or 'int32', got ${describe(dtype)}`);
}

export function isTensor(x: unknown): x is Tensor {
  return x instanceof Tensor;
}

/**
 * cn.tensor(values, shape?, dtype?): from a flat ArrayLike or nested arrays.
 * dtype defaults to float32 for plain arrays, and to the array's own type for a TypedArray.
 */
export function tensor(values: unknown, shape?: readonly number[], dtype?: DType): Tensor {
  if (dtype !== undefined) assertDType(dtype, 'dtype');
  let flat: ArrayLike<number>;
  let inferred: number[];
  let defaultDtype: DType = 'float32';
  if (values instanceof Float32Array || values instanceof Float64Array || values instanceof Int32Array) {
    flat = values;
    inferred = [values.length];
    defaultDtype = dtypeOfArray(values);
  } else if (ArrayBuffer.isView(values) && !(values instanceof DataView)) {
    flat = values as unknown as ArrayLike<number>;
    inferred = [flat.length];
  } else if (typeof values === 'number') {
    flat = [values];
    inferred = [];
  } else if (Array.isArray(values)) {
    ({ flat, shape: inferred } = flattenNested(values));
  } else {
    throw new Error(`values: expected a number, an array, nested arrays or a TypedArray, got ${describe(values)}`);
  }
  const dt = dtype ?? defaultDtype;
  const target = shape === undefined ? inferred : shape;
  assertValidShape(target as number[], 'shape');
  if (sizeOf(target) !== flat.length) {
    throw new Error(`shape: ${formatShape(target)} needs ${sizeOf(target)} elements, values have ${flat.length}`);
  }
  const data = allocArray(dt, flat.length);
  for (let i = 0; i < flat.length; i++) {
    const v = flat[i];
    if (typeof v !== 'number' && typeof v !== 'boolean') {
      throw new Error(`values: element ${i} is ${describe(v)}, expected a number`);
    }
    data[i] = v as number;
  }
  return new Tensor(data, target);
}

function flattenNested(values: unknown[]): { flat: number[]; shape: number[] } {
  const shape: number[] = [];
  let level: unknown = values;
  while (Array.isArray(level)) {
    shape.push(level.length);
    level = level[0];
  }
  const flat: number[] = [];
  const walk = (v: unknown, dim: number, path: string): void => {
    if (dim === shape.length) {
      if (Array.isArray(v)) throw new Error(`values: ragged nested array at ${path}: deeper than the first element`);
      flat.push(v as number);
      return;
    }
    if (!Array.isArray(v) || v.length !== shape[dim]) {
      throw new Error(`values: ragged nested array at ${path}: expected length ${shape[dim]}, got ${describe(v)}`);
    }
    for (let i = 0; i < v.length; i++) walk(v[i], dim + 1, `${path}[${i}]`);
  };
  walk(values, 0, 'values');
  return { flat, shape };
}

export function zeros(shape: readonly number[], dtype: DType = 'float32'): Tensor {
  assertDType(dtype, 'dtype');
  assertValidShape(shape as number[], 'shape');
  return new Tensor(allocArray(dtype, sizeOf(shape)), shape);
}

export function ones(shape: readonly number[], dtype: DType = 'float32'): Tensor {
  const t = zeros(shape, dtype);
  t.data.fill(1);
  return t;
}
