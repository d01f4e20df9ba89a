/**
 * conv_backward from the spec: given dZ (gradient of the loss w.r.t. the pre-activation output),
 * returns [dAPrev, dW, db] with db shaped (1, 1, 1, c_new). b is only checked: the gradients do not depend on it.
 */
import { Tensor } from '../../tensor/tensor.js';
import { allocArray, FloatArray } from '../../tensor/dtype.js';
import { formatShape } from '../../tensor/shape-util.js';
import { convInfo, Padding } from '../../kernels/shape.js';
import { conv2dBackpropInput, conv2dBackpropFilter, biasGradNHWC } from '../../kernels/conv2d.js';
import {
  assertBias, assertFloatTensor4, assertGradShape, assertKernelMatchesInput, assertNonEmptyOutput,
  assertPadding, assertSameDtype, parsePositivePair,
} from './validate.js';

export function convBackward(
  dZ: Tensor, aPrev: Tensor, W: Tensor, b: Tensor, padding: Padding = 'same', stride: [number, number] = [1, 1],
): [dAPrev: Tensor, dW: Tensor, db: Tensor] {
  assertFloatTensor4(dZ, 'dZ', '(m, h_new, w_new, c_new)');
  assertFloatTensor4(aPrev, 'aPrev', '(m, h_prev, w_prev, c_prev)');
  assertFloatTensor4(W, 'W', '(kh, kw, c_prev, c_new)');
  assertSameDtype(aPrev, 'aPrev', dZ, 'dZ');
  assertSameDtype(W, 'W', dZ, 'dZ');
  assertKernelMatchesInput(W, aPrev);
  assertBias(b, W.shape[3], W);
  assertPadding(padding);
  const strides = parsePositivePair(stride, 'stride', '(sh, sw)');
  const info = convInfo(aPrev.shape, W.shape, strides, padding);
  assertNonEmptyOutput(info.outH, info.outW, 'W', [info.kh, info.kw], aPrev, padding);
  assertGradShape(dZ, 'dZ', [info.batch, info.outH, info.outW, info.outC],
    `aPrev ${formatShape(aPrev.shape)} and W ${formatShape(W.shape)}`);

  const dtype = dZ.dtype;
  const dA = allocArray(dtype, aPrev.size) as FloatArray;
  const dW = allocArray(dtype, W.size) as FloatArray;
  const db = allocArray(dtype, info.outC) as FloatArray;
  conv2dBackpropInput(dZ.data, W.data, info, dA);
  conv2dBackpropFilter(aPrev.data, dZ.data, info, dW);
  biasGradNHWC(dZ.data, info.outC, db);
  return [new Tensor(dA, aPrev.shape), new Tensor(dW, W.shape), new Tensor(db, [1, 1, 1, info.outC])];
}
