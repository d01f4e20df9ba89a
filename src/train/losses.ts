/** Losses: the softmax cross-entropy of TensorFlow (mean over the batch), fused with its softmax. */
import { softmaxCrossEntropyOp } from '../ops/softmax-cross-entropy.js';
import { Tensor, isTensor } from '../tensor/tensor.js';
import { describe } from '../tensor/shape-util.js';
import { SymbolicTensor, addTensorNode, constant, isSymbolic } from '../graph/symbolic.js';
import { runEager } from '../graph/eager.js';
import '../ops/grads.js';

/** mean over the batch of −Σ onehotLabels · log softmax(logits); stable for large logits. */
export function softmaxCrossEntropy(onehotLabels: Tensor, logits: Tensor): Tensor;
export function softmaxCrossEntropy(onehotLabels: Tensor | SymbolicTensor, logits: Tensor | SymbolicTensor): SymbolicTensor;
export function softmaxCrossEntropy(onehotLabels: Tensor | SymbolicTensor, logits: Tensor | SymbolicTensor): Tensor | SymbolicTensor {
  for (const [arg, v] of [['onehotLabels', onehotLabels], ['logits', logits]] as const) {
    if (!isTensor(v) && !isSymbolic(v)) throw new Error(`${arg}: expected a Tensor or a graph tensor, got ${describe(v)}`);
  }
  if (isSymbolic(onehotLabels) || isSymbolic(logits)) {
    const sym = (t: Tensor | SymbolicTensor) => (isSymbolic(t) ? t : constant(t));
    return addTensorNode(softmaxCrossEntropyOp, [sym(onehotLabels), sym(logits)], null);
  }
  return runEager(softmaxCrossEntropyOp, [onehotLabels as Tensor, logits as Tensor], null);
}
