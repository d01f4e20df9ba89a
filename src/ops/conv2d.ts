/**
 * conv2d(x NHWC, filter (kh, kw, inC, outC), strides, pad) and the two gradient ops its backward pass
 * is made of. Geometry comes from convInfo once per plan (prepare), never recomputed here. Kernels come
 * from the active backend (WebAssembly SIMD for float32 when available, TypeScript otherwise).
 */
import type { OpDef, TensorSpec } from '../graph/op-def.js';
import type { FloatArray } from '../tensor/dtype.js';
import { assertFloat, assertRank, assertSameDType, dimsAgree } from '../graph/shape-rules.js';
import { formatShape } from '../tensor/shape-util.js';
import { Conv2DInfo, Padding, axisGeometry, convInfo } from '../kernels/shape.js';
import { kernels } from '../kernels/backend.js';

export interface Conv2DAttrs { strides: [number, number]; pad: Padding }

/** Output spec of a convolution; dims may be null at build time. */
function convOutput(x: TensorSpec, filter: TensorSpec, attrs: Conv2DAttrs): TensorSpec {
  assertRank('x', x, 4, '(batch, height, width, channels)');
  assertRank('filter', filter, 4, '(kh, kw, c_in, c_out)');
  assertFloat('x', x);
  assertSameDType('conv2d', x, filter);
  if (!dimsAgree(x.shape[3], filter.shape[2])) {
    throw new Error(`filter: conv2d expects filter in-channels ${filter.shape[2]} to equal x channels ${x.shape[3]}: x ${formatShape(x.shape)}, filter ${formatShape(filter.shape)}`);
  }
  const outDim = (inSize: number | null, k: number | null, s: number): number | null =>
    inSize === null || k === null ? null : axisGeometry(inSize, k, s, attrs.pad).out;
  const outH = outDim(x.shape[1], filter.shape[0], attrs.strides[0]);
  const outW = outDim(x.shape[2], filter.shape[1], attrs.strides[1]);
  if (outH === 0 || outW === 0) {
    throw new Error(`filter: conv2d '${attrs.pad}' with filter ${formatShape(filter.shape)} leaves no output for x ${formatShape(x.shape)}`);
  }
  return { shape: [x.shape[0], outH, outW, filter.shape[3]], dtype: x.dtype };
}

const infoOf = (x: TensorSpec, filter: TensorSpec, attrs: Conv2DAttrs): Conv2DInfo =>
  convInfo(x.shape as number[], filter.shape as number[], attrs.strides, attrs.pad);

export const conv2dOp: OpDef<Conv2DAttrs, Conv2DInfo> = {
  name: 'Conv2D',
  infer: (inputs, attrs) => convOutput(inputs[0], inputs[1], attrs),
  prepare: (inputs, _out, attrs) => infoOf(inputs[0], inputs[1], attrs),
  compute(inputs, out, _attrs, info) {
    kernels().conv2dForward(inputs[0].data as FloatArray, inputs[1].data as FloatArray, null, info, out!.data as FloatArray);
  },
};

/** (dy, filter, x) → dx; x is read for its shape only. */
export const conv2dBackpropInputOp: OpDef<Conv2DAttrs, Conv2DInfo> = {
  name: 'Conv2DBackpropInput',
  infer: (inputs) => ({ shape: inputs[2].shape, dtype: inputs[0].dtype }),
  prepare: (inputs, _out, attrs) => infoOf(inputs[2], inputs[1], attrs),
  compute(inputs, out, _attrs, info) {
    kernels().conv2dBackpropInput(inputs[0].data as FloatArray, inputs[1].data as FloatArray, info, out!.data as FloatArray);
  },
};

/** (x, dy, filter) → dfilter; filter is read for its shape only. */
export const conv2dBackpropFilterOp: OpDef<Conv2DAttrs, Conv2DInfo> = {
  name: 'Conv2DBackpropFilter',
  infer: (inputs) => ({ shape: inputs[2].shape, dtype: inputs[0].dtype }),
  prepare: (inputs, _out, attrs) => infoOf(inputs[0], inputs[2], attrs),
  compute(inputs, out, _attrs, info) {
    kernels().conv2dBackpropFilter(inputs[0].data as FloatArray, inputs[1].data as FloatArray, info, out!.data as FloatArray);
  },
};
