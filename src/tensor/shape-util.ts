/** Small helpers on shapes (number[]), shared by tensors, ops and the graph. */

export function sizeOf(shape: readonly number[]): number {
  let n = 1;
  for (const d of shape) n *= d;
  return n;
}

export function shapesEqual(a: readonly number[], b: readonly number[]): boolean {
  if (a.length !== b.length) return false;
  for (let i = 0; i < a.length; i++) if (a[i] !== b[i]) return false;
  return true;
}

export function formatShape(shape: readonly (number | null)[]): string {
  return `[${shape.map((d) => (d === null ? 'null' : String(d))).join(', ')}]`;
}

/** Largest element count we allow: TypedArrays index with 32-bit ints, and kernels use int32 arithmetic. */
export const MAX_ELEMENTS = 2 ** 31 - 1;

/** Product of the known dims (a null, unknown until the graph runs, counts as 1: the smallest batch). */
export function knownSizeOf(shape: readonly (number | null)[]): number {
  let n = 1;
  for (const d of shape) if (d !== null) n *= d;
  return n;
}

/**
 * Throws an Error starting with `argName` when a tensor of `shape` (nulls count as 1) could not be allocated,
 * so the argument that made it too big is named before anything is allocated. `what` says whose shape it is.
 */
export function assertFitsTensor(shape: readonly (number | null)[], argName: string, what = 'shape'): void {
  const n = knownSizeOf(shape);
  if (n > MAX_ELEMENTS) {
    throw new Error(`${argName}: ${what} ${formatShape(shape)} would have ${n} elements, more than the ${MAX_ELEMENTS} a tensor can hold`);
  }
}

/**
 * A size option (units, filters, depth, a window side …): a positive integer that a tensor dimension can hold.
 * Past MAX_ELEMENTS no tensor could have that dimension, and kernels would overflow int32 index arithmetic.
 */
export function isSizeArg(v: unknown): v is number {
  return typeof v === 'number' && Number.isInteger(v) && v >= 1 && v <= MAX_ELEMENTS;
}

export function assertSizeArg(v: unknown, argName: string): asserts v is number {
  if (isSizeArg(v)) return;
  const limit = typeof v === 'number' && v > MAX_ELEMENTS ? ` of at most ${MAX_ELEMENTS}` : '';
  throw new Error(`${argName}: expected a positive integer${limit}, got ${describe(v)}`);
}

/** A window or stride option: one size for both sides, or a pair (each as assertSizeArg). */
export function sizePairArg(v: unknown, argName: string): [number, number] {
  const p = typeof v === 'number' ? [v, v] : v;
  if (Array.isArray(p) && p.length === 2 && p.every(isSizeArg)) return [p[0], p[1]];
  const tooBig = Array.isArray(p) && p.some((d) => typeof d === 'number' && d > MAX_ELEMENTS);
  const limit = tooBig ? ` (each at most ${MAX_ELEMENTS})` : '';
  throw new Error(`${argName}: expected a positive integer or a pair of them${limit}, got ${describe(v)}`);
}

/** Throws unless `shape` is a list of non-negative integers whose product fits MAX_ELEMENTS. */
export function assertValidShape(shape: unknown, argName: string): asserts shape is number[] {
  if (!Array.isArray(shape)) {
    throw new Error(`${argName}: expected a shape (array of non-negative integers), got ${describe(shape)}`);
  }
  let n = 1;
  for (const d of shape) {
    if (typeof d !== 'number' || !Number.isInteger(d) || d < 0) {
      throw new Error(`${argName}: expected a shape of non-negative integers, got ${formatShape(shape as number[])}`);
    }
    n *= d;
  }
  if (n > MAX_ELEMENTS) {
    throw new Error(`${argName}: shape ${formatShape(shape)} has ${n} elements, more than the ${MAX_ELEMENTS} a tensor can hold`);
  }
}

/** A short description of any value, for error messages. */
export function describe(x: unknown): string {
  if (x === null) return 'null';
  if (x === undefined) return 'undefined';
  if (Array.isArray(x)) return `array of length ${x.length}`;
  if (typeof x === 'object') {
    const ctor = (x as object).constructor?.name;
    if (ctor === 'Tensor' || ctor === 'SymbolicTensor') {
      const t = x as { shape: readonly (number | null)[]; dtype: string };
      return `${ctor} ${t.dtype} ${formatShape(t.shape)}`;
    }
    return ctor ? `${ctor} object` : 'object';
  }
  if (typeof x === 'string') return JSON.stringify(x);
  return `${typeof x} ${String(x)}`;
}
