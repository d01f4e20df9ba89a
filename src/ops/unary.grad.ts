import { registerGradient } from '../graph/gradients.js';
import { negOp, reluGradOp, reluOp, sigmoidGradOp, sigmoidOp, tanhGradOp, tanhOp } from './unary.js';
import { node } from './build.js';

// All three use the saved output y, not the input.
registerGradient(reluOp, (dy, n) => [node(reluGradOp, [dy, n.output!])]);
registerGradient(sigmoidOp, (dy, n) => [node(sigmoidGradOp, [dy, n.output!])]);
registerGradient(tanhOp, (dy, n) => [node(tanhGradOp, [dy, n.output!])]);
registerGradient(negOp, (dy) => [node(negOp, [dy])]);
