import { registerGradient } from '../graph/gradients.js';
import { conv2dBackpropFilterOp, conv2dBackpropInputOp, conv2dOp } from './conv2d.js';
import { node } from './build.js';

// Built only for the inputs that need it: the first layer of a network gets no dx.
registerGradient(conv2dOp, (dy, n, needs) => {
  const [x, filter] = n.inputs;
  return [
    needs[0] ? node(conv2dBackpropInputOp, [dy, filter, x], n.attrs) : null,
    needs[1] ? node(conv2dBackpropFilterOp, [x, dy, filter], n.attrs) : null,
  ];
});
