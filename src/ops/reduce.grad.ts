import { registerGradient } from '../graph/gradients.js';
import { reduceGradOp, reduceOp } from './reduce.js';
import { node } from './build.js';

registerGradient(reduceOp, (dy, n) => [node(reduceGradOp, [dy, n.inputs[0]], n.attrs)]);
