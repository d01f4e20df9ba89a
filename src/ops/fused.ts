/**
 * Fused forward ops a compiled plan substitutes for common chains (never built by users directly):
 *   Conv2D → Add(bias) [→ Relu]   becomes one conv2dBiasAct step (bias and relu in the GEMM's epilogue)
 *   MatMul → Add(bias) [→ Relu]   becomes one matMulBiasAct step (bias and relu in one pass after the GEMM)
 *   Conv2D → Add(bias) [→ Relu] → MaxPool 2×2/2, where the unpooled tensor has no other reader
 *   (inference): one conv2dBiasActPool step that writes only the pooled tensor
 * The intermediate tensors are never materialised. Gradients are unaffected: they were built on the
 * unfused graph and read only the chain's final output, the inputs, and shapes.
 */
import type { OpDef, TensorSpec } from '../graph/op-def.js';
import type { FloatArray } from '../tensor/dtype.js';
import type { Conv2DInfo } from '../kernels/shape.js';
import { kernels } from '../kernels/backend.js';
import { Conv2DAttrs, conv2dOp } from './conv2d.js';
import { MatMulAttrs, matMulOp } from './matmul.js';
import { maxPoolOp, type PoolAttrs } from './pool.js';

export interface FusedAttrs<A> { inner: A; relu: boolean }

/** (x, filter, bias) → act(conv2d(x, filter) + bias). */
export const conv2dBiasActOp: OpDef<FusedAttrs<Conv2DAttrs>, Conv2DInfo> = {
  name: 'Conv2DBiasAct',
  infer: (inputs, attrs) => conv2dOp.infer(inputs.slice(0, 2), attrs.inner),
  prepare: (inputs, out, attrs) => conv2dOp.prepare!(inputs.slice(0, 2), out, attrs.inner),
  compute(inputs, out, attrs, info) {
    kernels().conv2dForward(inputs[0].data as FloatArray, inputs[1].data as FloatArray, inputs[2].data as FloatArray,
      info, out!.data as FloatArray, attrs.relu);
  },
};

/** (x, filter, bias) → maxPool2×2/2(act(conv2d(x, filter) + bias)). */
export const conv2dBiasActPoolOp: OpDef<FusedAttrs<Conv2DAttrs> & { pool: PoolAttrs }, Conv2DInfo> = {
  name: 'Conv2DBiasActPool',
  infer: (inputs, attrs) => maxPoolOp.infer([conv2dOp.infer(inputs.slice(0, 2), attrs.inner)!], attrs.pool),
  prepare: (inputs, out, attrs) => conv2dOp.prepare!(inputs.slice(0, 2), out, attrs.inner),
  compute(inputs, out, attrs, info) {
    kernels().conv2dForward(inputs[0].data as FloatArray, inputs[1].data as FloatArray, inputs[2].data as FloatArray,
      info, out!.data as FloatArray, attrs.relu, true);
  },
};

/** Whether a max pool is the 2×2 stride-2 one conv2dBiasActPool fuses (no padding in effect). */
export function isPool2x2(attrs: PoolAttrs, input: TensorSpec): boolean {
  const [h, w] = [input.shape[1], input.shape[2]];
  const evenSides = h !== null && w !== null && h % 2 === 0 && w % 2 === 0;
  return attrs.filterSize[0] === 2 && attrs.filterSize[1] === 2 && attrs.strides[0] === 2 && attrs.strides[1] === 2 &&
    (attrs.pad === 'valid' || evenSides);
}

/** (a, b, bias) → act(op(a) × op(b) + bias). */
export const matMulBiasActOp: OpDef<FusedAttrs<MatMulAttrs>> = {
  name: 'MatMulBiasAct',
  infer: (inputs, attrs) => matMulOp.infer(inputs.slice(0, 2), attrs.inner),
  compute(inputs, out, attrs) {
    const [a, b, bias] = inputs;
    const m = out!.shape[0], n = out!.shape[1];
    const k = attrs.inner.transposeA ? a.shape[0] : a.shape[1];
    const ks = kernels();
    const y = out!.data as FloatArray;
    ks.matmul(a.data as FloatArray, b.data as FloatArray, y, m, k, n, attrs.inner.transposeA, attrs.inner.transposeB, false);
    ks.biasActivation(y, bias.data as FloatArray, m, n, attrs.relu);
  },
};

/** True when `bias` is a vector along the last axis of `y` (what Add's 'rowB' loop handles). */
export function isRowBias(y: TensorSpec, bias: TensorSpec): boolean {
  const last = y.shape[y.shape.length - 1];
  return bias.shape.length === 1 && last !== null && bias.shape[0] === last && bias.dtype === y.dtype;
}
