/** maxPool / avgPool (NHWC) and their gradient ops; geometry from poolInfo once per plan. */
import type { OpDef, TensorSpec } from '../graph/op-def.js';
import type { FloatArray } from '../tensor/dtype.js';
import { assertFloat, assertRank } from '../graph/shape-rules.js';
import { formatShape } from '../tensor/shape-util.js';
import { Padding, Pool2DInfo, axisGeometry, poolInfo } from '../kernels/shape.js';
import { kernels } from '../kernels/backend.js';

export interface PoolAttrs { filterSize: [number, number]; strides: [number, number]; pad: Padding }

function poolOutput(x: TensorSpec, attrs: PoolAttrs): TensorSpec {
  assertRank('x', x, 4, '(batch, height, width, channels)');
  assertFloat('x', x);
  const outDim = (inSize: number | null, k: number, s: number): number | null =>
    inSize === null ? null : axisGeometry(inSize, k, s, attrs.pad).out;
  const outH = outDim(x.shape[1], attrs.filterSize[0], attrs.strides[0]);
  const outW = outDim(x.shape[2], attrs.filterSize[1], attrs.strides[1]);
  if (outH === 0 || outW === 0) {
    throw new Error(`filterSize: pooling window [${attrs.filterSize.join(', ')}] ('${attrs.pad}') leaves no output for x ${formatShape(x.shape)}`);
  }
  return { shape: [x.shape[0], outH, outW, x.shape[3]], dtype: x.dtype };
}

const infoOf = (x: TensorSpec, attrs: PoolAttrs): Pool2DInfo =>
  poolInfo(x.shape as number[], attrs.filterSize, attrs.strides, attrs.pad);

export const maxPoolOp: OpDef<PoolAttrs, Pool2DInfo> = {
  name: 'MaxPool',
  infer: (inputs, attrs) => poolOutput(inputs[0], attrs),
  prepare: (inputs, _out, attrs) => infoOf(inputs[0], attrs),
  compute(inputs, out, _attrs, info) { kernels().maxPoolForward(inputs[0].data as FloatArray, info, out!.data as FloatArray); },
};

export const avgPoolOp: OpDef<PoolAttrs, Pool2DInfo> = {
  name: 'AvgPool',
  infer: (inputs, attrs) => poolOutput(inputs[0], attrs),
  prepare: (inputs, _out, attrs) => infoOf(inputs[0], attrs),
  compute(inputs, out, _attrs, info) { kernels().avgPoolForward(inputs[0].data as FloatArray, info, out!.data as FloatArray); },
};

/** (dy, x) → dx: each window's gradient goes to its first maximum, as TensorFlow does when training. */
export const maxPoolGradOp: OpDef<PoolAttrs, Pool2DInfo> = {
  name: 'MaxPoolGrad',
  infer: (inputs) => ({ shape: inputs[1].shape, dtype: inputs[0].dtype }),
  prepare: (inputs, _out, attrs) => infoOf(inputs[1], attrs),
  compute(inputs, out, _attrs, info) {
    kernels().maxPoolBackward(inputs[0].data as FloatArray, inputs[1].data as FloatArray, info, 'first', out!.data as FloatArray);
  },
};

/**
 * (dy, a) → ReluGrad(MaxPoolGrad(dy, a), a) in one pass, for a = relu(z) pooled: the pool's gradient
 * where a > 0, else 0. Plans substitute it for that chain (fusion.ts); never built by users.
 */
export const maxPoolGradReluOp: OpDef<PoolAttrs, Pool2DInfo> = {
  name: 'MaxPoolGradRelu',
  infer: (inputs) => ({ shape: inputs[1].shape, dtype: inputs[0].dtype }),
  prepare: (inputs, _out, attrs) => infoOf(inputs[1], attrs),
  compute(inputs, out, _attrs, info) {
    kernels().maxPoolBackward(inputs[0].data as FloatArray, inputs[1].data as FloatArray, info, 'first', out!.data as FloatArray, true);
  },
};

/** (dy, x) → dx = dy spread evenly over each window; x is read for its shape only. */
export const avgPoolGradOp: OpDef<PoolAttrs, Pool2DInfo> = {
  name: 'AvgPoolGrad',
  infer: (inputs) => ({ shape: inputs[1].shape, dtype: inputs[0].dtype }),
  prepare: (inputs, _out, attrs) => infoOf(inputs[1], attrs),
  compute(inputs, out, _attrs, info) { kernels().avgPoolBackward(inputs[0].data as FloatArray, info, out!.data as FloatArray); },
};
