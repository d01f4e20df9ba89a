/** pool_forward from the spec: max or average pooling, 'valid' windows (the remainder is dropped). */
import { Tensor } from '../../tensor/tensor.js';
import { allocArray, FloatArray } from '../../tensor/dtype.js';
import { poolInfo } from '../../kernels/shape.js';
import { maxPoolForward, avgPoolForward } from '../../kernels/pool2d.js';
import { assertFloatTensor4, assertNonEmptyOutput, assertPoolMode, parsePositivePair } from './validate.js';

export function poolForward(
  aPrev: Tensor, kernelShape: [number, number], stride: [number, number] = [1, 1], mode: 'max' | 'avg' = 'max',
): Tensor {
  assertFloatTensor4(aPrev, 'aPrev', '(m, h_prev, w_prev, c_prev)');
  const kernel = parsePositivePair(kernelShape, 'kernelShape', '(kh, kw)');
  const strides = parsePositivePair(stride, 'stride', '(sh, sw)');
  assertPoolMode(mode);
  const info = poolInfo(aPrev.shape, kernel, strides, 'valid');
  assertNonEmptyOutput(info.outH, info.outW, 'kernelShape', kernel, aPrev, 'valid');

  const outShape = [info.batch, info.outH, info.outW, info.channels];
  const y = allocArray(aPrev.dtype, outShape.reduce((p, d) => p * d, 1)) as FloatArray;
  if (mode === 'max') maxPoolForward(aPrev.data, info, y);
  else avgPoolForward(aPrev.data, info, y);
  return new Tensor(y, outShape);
}
