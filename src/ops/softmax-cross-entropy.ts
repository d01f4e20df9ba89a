/**
 * Softmax cross-entropy fused with its softmax: loss = mean over rows of −Σ_j labels_j · log softmax(logits)_j,
 * computed with log-sum-exp (max subtracted) so large logits neither overflow nor lose precision.
 * The gradient op gives, per row, dy · (softmax · Σ labels − labels) / rows for the logits
 * (the familiar (softmax − onehot)/batch when labels are one-hot) and −dy · log softmax / rows for the labels.
 */
import type { OpDef } from '../graph/op-def.js';
import { assertFloat, assertSameDType, dimsAgree } from '../graph/shape-rules.js';
import { formatShape } from '../tensor/shape-util.js';

export const softmaxCrossEntropyOp: OpDef<null> = {
  name: 'SoftmaxCrossEntropy',
  infer(inputs) {
    const [labels, logits] = inputs;
    assertFloat('logits', logits);
    assertSameDType('softmaxCrossEntropy', labels, logits);
    const ok = labels.shape.length === logits.shape.length && logits.shape.length >= 1 &&
      labels.shape.every((d, i) => dimsAgree(d, logits.shape[i]));
    if (!ok) {
      throw new Error(`logits: softmaxCrossEntropy expects onehotLabels and logits of one shape (…, classes), got onehotLabels ${formatShape(labels.shape)} and logits ${formatShape(logits.shape)}`);
    }
    return { shape: [], dtype: logits.dtype };
  },
  compute(inputs, out) {
    const y = inputs[0].data, z = inputs[1].data;
    const shape = inputs[1].shape;
    const row = shape[shape.length - 1];
    const rows = row === 0 ? 0 : z.length / row;
    let total = 0;
    for (let base = 0; base < z.length; base += row) {
      let max = -Infinity;
      for (let j = 0; j < row; j++) if (z[base + j] > max) max = z[base + j];
      let sum = 0;
      for (let j = 0; j < row; j++) sum += Math.exp(z[base + j] - max);
      const logSum = max + Math.log(sum);
      for (let j = 0; j < row; j++) { const l = y[base + j]; if (l !== 0) total -= l * (z[base + j] - logSum); }
    }
    out!.data[0] = rows === 0 ? NaN : total / rows;
  },
};

export interface SceGradAttrs { wrt: 'logits' | 'labels' }

/** (dy scalar, labels, logits) → gradient with respect to `attrs.wrt`. */
export const softmaxCrossEntropyGradOp: OpDef<SceGradAttrs> = {
  name: 'SoftmaxCrossEntropyGrad',
  infer: (inputs) => ({ shape: inputs[2].shape, dtype: inputs[2].dtype }),
  compute(inputs, out, attrs) {
    const dy = inputs[0].data[0], y = inputs[1].data, z = inputs[2].data, o = out!.data;
    const shape = inputs[2].shape;
    const row = shape[shape.length - 1];
    const rows = z.length / row;
    const scale = dy / rows;
    for (let base = 0; base < z.length; base += row) {
      let max = -Infinity;
      for (let j = 0; j < row; j++) if (z[base + j] > max) max = z[base + j];
      let sum = 0;
      for (let j = 0; j < row; j++) sum += Math.exp(z[base + j] - max);
      if (attrs.wrt === 'labels') {
        const logSum = max + Math.log(sum);
        for (let j = 0; j < row; j++) o[base + j] = -scale * (z[base + j] - logSum);
        continue;
      }
      let labelSum = 0;
      for (let j = 0; j < row; j++) labelSum += y[base + j];
      const inv = 1 / sum;
      for (let j = 0; j < row; j++) o[base + j] = scale * (Math.exp(z[base + j] - max) * inv * labelSum - y[base + j]);
    }
  },
};
