/** Loads every op's gradient and gives the graph layer the two ops autodiff itself needs. */
import './binary.grad.js';
import './unary.grad.js';
import './softmax.grad.js';
import './matmul.grad.js';
import './reshape.grad.js';
import './reduce.grad.js';
import './misc.grad.js';
import './conv2d.grad.js';
import './pool.grad.js';
import './softmax-cross-entropy.grad.js';
import { installGradSupport } from '../graph/gradients.js';
import { addOp } from './binary.js';
import { onesLikeOp } from './misc.js';
import { node } from './build.js';

installGradSupport({
  onesLike: (y) => node(onesLikeOp, [y]),
  add: (a, b) => node(addOp, [a, b]),
});
