import { registerGradient } from '../graph/gradients.js';
import { softmaxGradOp, softmaxOp } from './softmax.js';
import { node } from './build.js';

registerGradient(softmaxOp, (dy, n) => [node(softmaxGradOp, [dy, n.output!])]);
