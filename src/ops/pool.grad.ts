import { registerGradient } from '../graph/gradients.js';
import { avgPoolGradOp, avgPoolOp, maxPoolGradOp, maxPoolOp } from './pool.js';
import { node } from './build.js';

registerGradient(maxPoolOp, (dy, n) => [node(maxPoolGradOp, [dy, n.inputs[0]], n.attrs)]);
registerGradient(avgPoolOp, (dy, n) => [node(avgPoolGradOp, [dy, n.inputs[0]], n.attrs)]);
