/** softmax over the last axis (max-subtracted, so large logits do not overflow) and its gradient op. */
import type { OpDef } from '../graph/op-def.js';
import { assertFloat } from '../graph/shape-rules.js';
import { formatShape } from '../tensor/shape-util.js';

/** Row-wise softmax of `a` (rows of length `row`) into `o`. Shared with the fused cross-entropy. */
export function softmaxRows(a: ArrayLike<number>, o: { [i: number]: number; length: number }, row: number): void {
  for (let base = 0; base < o.length; base += row) {
    let max = -Infinity;
    for (let j = 0; j < row; j++) if (a[base + j] > max) max = a[base + j];
    let sum = 0;
    for (let j = 0; j < row; j++) { const e = Math.exp(a[base + j] - max); o[base + j] = e; sum += e; }
    const inv = 1 / sum;
    for (let j = 0; j < row; j++) o[base + j] *= inv;
  }
}

function lastDim(shape: readonly (number | null)[]): number { return shape[shape.length - 1] as number; }

export const softmaxOp: OpDef<null> = {
  name: 'Softmax',
  infer(inputs) {
    assertFloat('logits', inputs[0]);
    if (inputs[0].shape.length < 1) throw new Error(`logits: expected rank >= 1, got shape ${formatShape(inputs[0].shape)}`);
    return { shape: inputs[0].shape, dtype: inputs[0].dtype };
  },
  compute(inputs, out) { softmaxRows(inputs[0].data, out!.data, lastDim(out!.shape)); },
};

/** (dy, y) → dx = y ⊙ (dy − Σ_j dy_j y_j), row by row. */
export const softmaxGradOp: OpDef<null> = {
  name: 'SoftmaxGrad',
  infer: (inputs) => ({ shape: inputs[1].shape, dtype: inputs[1].dtype }),
  compute(inputs, out) {
    const dy = inputs[0].data, y = inputs[1].data, o = out!.data;
    const row = lastDim(out!.shape);
    for (let base = 0; base < o.length; base += row) {
      let dot = 0;
      for (let j = 0; j < row; j++) dot += dy[base + j] * y[base + j];
      for (let j = 0; j < row; j++) o[base + j] = y[base + j] * (dy[base + j] - dot);
    }
  },
};
