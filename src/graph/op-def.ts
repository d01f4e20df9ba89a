import type { DType } from '../tensor/dtype.js';
import type { Tensor } from '../tensor/tensor.js';

/** A dimension that is unknown until the graph runs (a placeholder's `null`). */
export type Dim = number | null;
export type Shape = Dim[];

/** What shape inference knows about a tensor: at build time dims may be null, in a plan they are all numbers. */
export interface TensorSpec {
  readonly shape: readonly Dim[];
  readonly dtype: DType;
}

/**
 * One definition per op, shared by eager calls and by graph plans:
 *  - `infer` checks the inputs and gives the output's spec; it runs on shapes with nulls when a node is
 *    built, and again on concrete shapes when a plan is compiled, so a mismatch is caught at both times.
 *  - `prepare` (optional) precomputes, once per plan, what `compute` needs beyond the buffers
 *    (geometry, strides, scratch), so the run loop allocates nothing.
 *  - `compute` writes the result into `out`, a buffer the caller owns (and reuses between runs).
 * Ops without an output (variable updates) return null from `infer` and get `out === null`.
 */
export interface OpDef<A = any, S = any> {
  readonly name: string;
  infer(inputs: readonly TensorSpec[], attrs: A): TensorSpec | null;
  prepare?(inputs: readonly TensorSpec[], out: TensorSpec | null, attrs: A): S;
  compute(inputs: readonly Tensor[], out: Tensor | null, attrs: A, state: S): void;
}

export function isFloatDType(dtype: DType): boolean {
  return dtype === 'float32' || dtype === 'float64';
}
