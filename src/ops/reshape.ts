/**
 * reshape(x, shape) with one -1 allowed, and reshapeLike(g, ref) (its gradient: back to ref's runtime
 * shape). Both copy into their own buffer: a plan's buffers never alias, which keeps reuse simple.
 */
import type { Dim, OpDef } from '../graph/op-def.js';
import { formatShape } from '../tensor/shape-util.js';

export interface ReshapeAttrs { shape: number[] }

/** Resolves -1 when the input size is known; otherwise keeps it as null (unknown until run). */
function inferTarget(inShape: readonly Dim[], target: readonly number[]): Dim[] {
  const known = inShape.every((d) => d !== null);
  const size = known ? (inShape as number[]).reduce((p, d) => p * d, 1) : null;
  const free = target.indexOf(-1);
  target.forEach((d, i) => {
    if (!Number.isInteger(d) || d < -1 || (d === -1 && i !== free)) {
      throw new Error(`shape: expected non-negative integers and at most one -1, got ${formatShape(target)}`);
    }
  });
  const rest = target.reduce((p, d) => (d === -1 ? p : p * d), 1);
  if (free < 0) {
    if (size !== null && size !== rest) {
      throw new Error(`shape: cannot reshape x ${formatShape(inShape)} (${size} elements) into ${formatShape(target)}`);
    }
    return target.slice();
  }
  const out: Dim[] = target.slice();
  if (size === null) {
    // e.g. [null, 5, 5, 16] → [-1, 400]: the known dims must still divide evenly
    const knownPart = (inShape.filter((d) => d !== null) as number[]).reduce((p, d) => p * d, 1);
    if (rest !== 0 && knownPart % rest !== 0 && rest % knownPart !== 0) {
      throw new Error(`shape: cannot reshape x ${formatShape(inShape)} into ${formatShape(target)}`);
    }
    out[free] = null;
    return out;
  }
  if (rest === 0 || size % rest !== 0) {
    throw new Error(`shape: cannot reshape x ${formatShape(inShape)} (${size} elements) into ${formatShape(target)}`);
  }
  out[free] = size / rest;
  return out;
}

export const reshapeOp: OpDef<ReshapeAttrs> = {
  name: 'Reshape',
  infer: (inputs, attrs) => ({ shape: inferTarget(inputs[0].shape, attrs.shape), dtype: inputs[0].dtype }),
  compute(inputs, out) { out!.data.set(inputs[0].data); },
};

/** (g, ref) → g with ref's shape; ref is read for its shape only. */
export const reshapeLikeOp: OpDef<null> = {
  name: 'ReshapeLike',
  infer: (inputs) => ({ shape: inputs[1].shape, dtype: inputs[0].dtype }),
  compute(inputs, out) { out!.data.set(inputs[0].data); },
};
