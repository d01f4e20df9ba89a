import { registerGradient } from '../graph/gradients.js';
import { castOp, onesLikeOp } from './misc.js';
import { sumToShapeOp } from './sum-to-shape.js';
import { node } from './build.js';

// float → float casts pass the gradient through, converted back to the input's dtype
registerGradient(castOp, (dy, n) => [node(castOp, [dy], { dtype: n.inputs[0].dtype })]);
registerGradient(onesLikeOp, () => [null]);
// second-order use (gradient of a gradient) of the broadcast reduction: broadcast back is another sumToShape's adjoint
registerGradient(sumToShapeOp, () => { throw new Error('gradients: second-order gradients through a broadcast are not supported'); });
