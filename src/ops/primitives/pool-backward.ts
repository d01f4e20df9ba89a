/**
 * pool_backward from the spec: routes dA back through the pooling windows. 'max' gives dA to every
 * element equal to its window's maximum (the spec's 3-main output shows ties all receiving it);
 * 'avg' spreads dA / (kh·kw). Overlapping windows accumulate.
 */
import { Tensor } from '../../tensor/tensor.js';
import { allocArray, FloatArray } from '../../tensor/dtype.js';
import { formatShape } from '../../tensor/shape-util.js';
import { poolInfo } from '../../kernels/shape.js';
import { maxPoolBackward, avgPoolBackward } from '../../kernels/pool2d.js';
import {
  assertFloatTensor4, assertGradShape, assertNonEmptyOutput, assertPoolMode, assertSameDtype, parsePositivePair,
} from './validate.js';

export function poolBackward(
  dA: Tensor, aPrev: Tensor, kernelShape: [number, number], stride: [number, number] = [1, 1],
  mode: 'max' | 'avg' = 'max',
): Tensor {
  assertFloatTensor4(dA, 'dA', '(m, h_new, w_new, c)');
  assertFloatTensor4(aPrev, 'aPrev', '(m, h_prev, w_prev, c)');
  assertSameDtype(aPrev, 'aPrev', dA, 'dA');
  const kernel = parsePositivePair(kernelShape, 'kernelShape', '(kh, kw)');
  const strides = parsePositivePair(stride, 'stride', '(sh, sw)');
  assertPoolMode(mode);
  const info = poolInfo(aPrev.shape, kernel, strides, 'valid');
  assertNonEmptyOutput(info.outH, info.outW, 'kernelShape', kernel, aPrev, 'valid');
  assertGradShape(dA, 'dA', [info.batch, info.outH, info.outW, info.channels],
    `aPrev ${formatShape(aPrev.shape)} with kernelShape [${kernel.join(', ')}] and stride [${strides.join(', ')}]`);

  const dx = allocArray(dA.dtype, aPrev.size) as FloatArray;
  if (mode === 'max') maxPoolBackward(dA.data, aPrev.data, info, 'all', dx);
  else avgPoolBackward(dA.data, info, dx);
  return new Tensor(dx, aPrev.shape);
}
