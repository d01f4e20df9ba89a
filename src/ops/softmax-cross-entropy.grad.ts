import { registerGradient } from '../graph/gradients.js';
import { softmaxCrossEntropyGradOp, softmaxCrossEntropyOp } from './softmax-cross-entropy.js';
import { node } from './build.js';

registerGradient(softmaxCrossEntropyOp, (dy, n, needs) => {
  const [labels, logits] = n.inputs;
  return [
    needs[0] ? node(softmaxCrossEntropyGradOp, [dy, labels, logits], { wrt: 'labels' }) : null,
    needs[1] ? node(softmaxCrossEntropyGradOp, [dy, labels, logits], { wrt: 'logits' }) : null,
  ];
});
