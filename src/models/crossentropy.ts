/**
 * Categorical cross-entropy on probabilities (Keras' rule for outputs that are not a softmax layer):
 *   loss = mean over rows of −Σ_j y_j · log(clip(p_j, ε, 1 − ε)),  ε = 1e-7,
 * whose gradient is −y_j / p_j / rows inside the clip range and 0 where the clip is active.
 * Softmax outputs never come here: the model trains on their logits with the fused, stable op.
 */
import type { OpDef } from '../graph/op-def.js';
import { addTensorNode, type SymbolicTensor } from '../graph/symbolic.js';
import { registerGradient } from '../graph/gradients.js';
import { assertFloat, assertSameDType, dimsAgree } from '../graph/shape-rules.js';
import { formatShape } from '../tensor/shape-util.js';

const EPSILON = 1e-7;

export const probCrossEntropyOp: OpDef<null> = {
  name: 'CategoricalCrossentropy',
  infer(inputs) {
    const [labels, probs] = inputs;
    assertFloat('probs', probs);
    assertSameDType('categoricalCrossentropy', labels, probs);
    const ok = labels.shape.length === probs.shape.length && labels.shape.every((d, i) => dimsAgree(d, probs.shape[i]));
    if (!ok) throw new Error(`y: categoricalCrossentropy expects labels like the output ${formatShape(probs.shape)}, got ${formatShape(labels.shape)}`);
    return { shape: [], dtype: probs.dtype };
  },
  compute(inputs, out) {
    const y = inputs[0].data, p = inputs[1].data;
    const row = inputs[1].shape[inputs[1].shape.length - 1];
    let total = 0;
    for (let i = 0; i < p.length; i++) {
      if (y[i] !== 0) total -= y[i] * Math.log(Math.min(Math.max(p[i], EPSILON), 1 - EPSILON));
    }
    out!.data[0] = total / (p.length / row);
  },
};

/** (dy, labels, probs) → d loss / d probs. */
const probCrossEntropyGradOp: OpDef<null> = {
  name: 'CategoricalCrossentropyGrad',
  infer: (inputs) => ({ shape: inputs[2].shape, dtype: inputs[2].dtype }),
  compute(inputs, out) {
    const dy = inputs[0].data[0], y = inputs[1].data, p = inputs[2].data, o = out!.data;
    const row = inputs[2].shape[inputs[2].shape.length - 1];
    const scale = dy / (p.length / row);
    for (let i = 0; i < p.length; i++) o[i] = p[i] > EPSILON && p[i] < 1 - EPSILON ? -scale * y[i] / p[i] : 0;
  },
};

registerGradient(probCrossEntropyOp, (dy, node, needs) => [
  null,
  needs[1] ? addTensorNode(probCrossEntropyGradOp, [dy, node.inputs[0], node.inputs[1]], null) : null,
]);

export function probCrossEntropy(labels: SymbolicTensor, probs: SymbolicTensor): SymbolicTensor {
  return addTensorNode(probCrossEntropyOp, [labels, probs], null);
}
