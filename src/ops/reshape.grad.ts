import { registerGradient } from '../graph/gradients.js';
import { reshapeLikeOp, reshapeOp } from './reshape.js';
import { node } from './build.js';

registerGradient(reshapeOp, (dy, n) => [node(reshapeLikeOp, [dy, n.inputs[0]])]);
registerGradient(reshapeLikeOp, (dy, n, needs) => [needs[0] ? node(reshapeLikeOp, [dy, n.inputs[0]]) : null, null]);
