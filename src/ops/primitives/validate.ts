/**
 * Argument checks shared by the four spec primitives. Each throws an Error whose message starts
 * with the argument's name and states what was expected and what was given.
 */
import { Tensor, isTensor } from '../../tensor/tensor.js';
import type { FloatArray } from '../../tensor/dtype.js';
import { describe, formatShape, shapesEqual } from '../../tensor/shape-util.js';
import type { Padding } from '../../kernels/shape.js';

/** A Tensor whose data is a Float32Array or Float64Array. */
export type FloatTensor = Tensor & { data: FloatArray; dtype: 'float32' | 'float64' };

/** x must be a float32/float64 Tensor of rank 4; `axes` names the axes for the message, e.g. "(m, h, w, c)". */
export function assertFloatTensor4(x: unknown, name: string, axes: string): asserts x is FloatTensor {
  if (!isTensor(x)) throw new Error(`${name}: expected a Tensor, got ${describe(x)}`);
  if (x.rank !== 4) throw new Error(`${name}: expected rank 4 ${axes}, got shape ${formatShape(x.shape)}`);
  if (x.dtype !== 'float32' && x.dtype !== 'float64') {
    throw new Error(`${name}: expected dtype float32 or float64, got ${x.dtype}`);
  }
}

/** Both tensors must share a dtype; the message names both. */
export function assertSameDtype(t: Tensor, name: string, ref: Tensor, refName: string): void {
  if (t.dtype !== ref.dtype) {
    throw new Error(`${name}: expected dtype ${ref.dtype} (the dtype of ${refName}), got ${t.dtype}; ${name} and ${refName} must match`);
  }
}

/** A pair of positive integers such as stride (sh, sw) or kernel_shape (kh, kw). */
export function parsePositivePair(v: unknown, name: string, what: string): [number, number] {
  const ok = Array.isArray(v) && v.length === 2 &&
    v.every((d) => typeof d === 'number' && Number.isInteger(d) && d > 0);
  if (!ok) {
    const shown = Array.isArray(v) ? `[${v.map((d) => describe(d)).join(', ')}]` : describe(v);
    throw new Error(`${name}: expected a pair of positive integers ${what}, got ${shown}`);
  }
  return [v[0] as number, v[1] as number];
}

export function assertPadding(p: unknown): asserts p is Padding {
  if (p !== 'same' && p !== 'valid') throw new Error(`padding: expected 'same' or 'valid', got ${describe(p)}`);
}

export function assertPoolMode(mode: unknown): asserts mode is 'max' | 'avg' {
  if (mode !== 'max' && mode !== 'avg') throw new Error(`mode: expected 'max' or 'avg', got ${describe(mode)}`);
}

/** W (kh, kw, c_prev, c_new) must agree with aPrev's channel count. */
export function assertKernelMatchesInput(W: FloatTensor, aPrev: FloatTensor): void {
  if (W.shape[2] !== aPrev.shape[3]) {
    throw new Error(`W: expected c_prev = ${aPrev.shape[3]} (the channels of aPrev ${formatShape(aPrev.shape)}) ` +
      `at axis 2, got shape ${formatShape(W.shape)}`);
  }
}

/** b must be a float Tensor of shape (1, 1, 1, c_new) or (c_new,), with W's dtype. */
export function assertBias(b: unknown, cNew: number, W: Tensor): asserts b is FloatTensor {
  if (!isTensor(b)) throw new Error(`b: expected a Tensor, got ${describe(b)}`);
  const okShape = shapesEqual(b.shape, [1, 1, 1, cNew]) || shapesEqual(b.shape, [cNew]);
  if (!okShape) throw new Error(`b: expected shape [1, 1, 1, ${cNew}] or [${cNew}], got ${formatShape(b.shape)}`);
  if (b.dtype !== 'float32' && b.dtype !== 'float64') {
    throw new Error(`b: expected dtype float32 or float64, got ${b.dtype}`);
  }
  assertSameDtype(b, 'b', W, 'W');
}

/** The window must fit the (padded) input: an empty output is an error, naming the window argument. */
export function assertNonEmptyOutput(
  outH: number, outW: number, windowName: string, window: readonly number[], input: Tensor, padding: Padding,
): void {
  if (outH <= 0 || outW <= 0) {
    throw new Error(`${windowName}: window ${window[0]}×${window[1]} does not fit the ${input.shape[1]}×${input.shape[2]} ` +
      `input of aPrev ${formatShape(input.shape)} with padding '${padding}' (output would be ${Math.max(outH, 0)}×${Math.max(outW, 0)})`);
  }
}

/** A gradient (dZ, dA) must have exactly the forward output's shape; the message names both shapes. */
export function assertGradShape(grad: Tensor, name: string, expected: readonly number[], origin: string): void {
  if (!shapesEqual(grad.shape, expected)) {
    throw new Error(`${name}: expected shape ${formatShape(expected)} (the forward output for ${origin}), ` +
      `got ${formatShape(grad.shape)}`);
  }
}
