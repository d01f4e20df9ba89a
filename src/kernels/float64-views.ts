/**
 * The dtype boundary of the fast kernels. Every hot loop works on Float64Array only: JS arithmetic
 * is double anyway, and V8 compiles a loop that has seen both Float32Array and Float64Array into
 * slower polymorphic code (measured here: 2–2.5× slower for whichever dtype came second).
 * Float64 data is used in place (subarray views, no copy); float32 data is converted chunk by
 * chunk into reused scratch with TypedArray.prototype.set, a native loop, and results are
 * converted back the same way.
 */
import type { FloatArray } from '../tensor/dtype.js';

const scratch: Float64Array[] = [];

/** Reused scratch buffer number `slot`, at least `length` long. */
export function scratch64(slot: number, length: number): Float64Array {
  let s = scratch[slot];
  if (s === undefined || s.length < length) {
    s = new Float64Array(Math.max(length, 1024));
    scratch[slot] = s;
  }
  return s;
}

/** Elements [start, start+length) of `a` as a Float64Array: a view when `a` is float64, else a converted copy in scratch `slot`. */
export function readAsFloat64(a: FloatArray, start: number, length: number, slot: number): Float64Array {
  if (a instanceof Float64Array) return a.subarray(start, start + length);
  const s = scratch64(slot, length).subarray(0, length);
  s.set(a.subarray(start, start + length));
  return s;
}

/** Somewhere to compute elements [start, start+length) of `out`: a view of `out` when it is float64, else scratch `slot`. */
export function outputAsFloat64(out: FloatArray, start: number, length: number, slot: number): Float64Array {
  if (out instanceof Float64Array) return out.subarray(start, start + length);
  return scratch64(slot, length).subarray(0, length);
}

/** Copies a result computed by outputAsFloat64 into `out` (nothing to do when it was a view of `out`). */
export function commitFloat64(out: FloatArray, start: number, result: Float64Array): void {
  if (result.buffer !== out.buffer) out.set(result, start);
}

/**
 * Images per chunk so that one chunk of `perImage` elements stays near `budget` elements (at least 1).
 * The default, 64 K elements (512 KB as float64), keeps a converted float32 chunk in L2 between the
 * conversion and the kernel that reads it.
 */
export function imagesPerChunk(perImage: number, batch: number, budget = 1 << 16): number {
  return Math.max(1, Math.min(batch, Math.floor(budget / Math.max(perImage, 1))));
}
