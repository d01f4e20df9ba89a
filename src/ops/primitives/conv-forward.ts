/** conv_forward from the spec: activation(conv2d(aPrev, W) + b), NHWC, TensorFlow 'same'/'valid' padding. */
import { Tensor, isTensor } from '../../tensor/tensor.js';
import { allocArray, FloatArray } from '../../tensor/dtype.js';
import { assertFitsTensor, describe, formatShape, shapesEqual } from '../../tensor/shape-util.js';
import { convInfo, Padding } from '../../kernels/shape.js';
import { conv2dForward } from '../../kernels/conv2d.js';
import {
  assertBias, assertFloatTensor4, assertKernelMatchesInput, assertNonEmptyOutput, assertPadding,
  assertSameDtype, parsePositivePair,
} from './validate.js';

export function convForward(
  aPrev: Tensor, W: Tensor, b: Tensor, activation: (z: Tensor) => Tensor,
  padding: Padding = 'same', stride: [number, number] = [1, 1],
): Tensor {
  assertFloatTensor4(aPrev, 'aPrev', '(m, h_prev, w_prev, c_prev)');
  assertFloatTensor4(W, 'W', '(kh, kw, c_prev, c_new)');
  assertSameDtype(W, 'W', aPrev, 'aPrev');
  assertKernelMatchesInput(W, aPrev);
  assertBias(b, W.shape[3], W);
  if (typeof activation !== 'function') {
    throw new Error(`activation: expected a function (z: Tensor) => Tensor, got ${describe(activation)}`);
  }
  assertPadding(padding);
  const strides = parsePositivePair(stride, 'stride', '(sh, sw)');
  const info = convInfo(aPrev.shape, W.shape, strides, padding);
  assertNonEmptyOutput(info.outH, info.outW, 'W', [info.kh, info.kw], aPrev, padding);

  const outShape = [info.batch, info.outH, info.outW, info.outC];
  // Many filters over many positions can exceed what one array holds: name W, whose c_new did it.
  assertFitsTensor(outShape, 'W', `(with aPrev ${formatShape(aPrev.shape)}) the output shape`);
  const z = allocArray(aPrev.dtype, outShape.reduce((p, d) => p * d, 1)) as FloatArray;
  conv2dForward(aPrev.data, W.data, b.data, info, z);
  const a = activation(new Tensor(z, outShape));
  if (!isTensor(a) || !shapesEqual(a.shape, outShape) || a.dtype !== aPrev.dtype) {
    throw new Error(`activation: expected it to return a ${aPrev.dtype} Tensor of shape ${formatShape(outShape)}, ` +
      `got ${describe(a)}`);
  }
  return a;
}
