/** matMul(a, b, transposeA, transposeB) on rank-2 float tensors, through the GEMM kernel. */
import type { OpDef } from '../graph/op-def.js';
import type { FloatArray } from '../tensor/dtype.js';
import { assertFloat, assertRank, assertSameDType, dimsAgree } from '../graph/shape-rules.js';
import { formatShape } from '../tensor/shape-util.js';
import { kernels } from '../kernels/backend.js';

export interface MatMulAttrs { transposeA: boolean; transposeB: boolean }

export const matMulOp: OpDef<MatMulAttrs> = {
  name: 'MatMul',
  infer(inputs, attrs) {
    const [a, b] = inputs;
    assertRank('a', a, 2);
    assertRank('b', b, 2);
    assertFloat('a', a);
    assertSameDType('matMul', a, b);
    const [m, ka] = attrs.transposeA ? [a.shape[1], a.shape[0]] : [a.shape[0], a.shape[1]];
    const [kb, n] = attrs.transposeB ? [b.shape[1], b.shape[0]] : [b.shape[0], b.shape[1]];
    if (!dimsAgree(ka, kb)) {
      throw new Error(`b: matMul inner dimensions differ: a ${formatShape(a.shape)}${attrs.transposeA ? 'ᵀ' : ''} has ${ka} columns, b ${formatShape(b.shape)}${attrs.transposeB ? 'ᵀ' : ''} has ${kb} rows`);
    }
    return { shape: [m, n], dtype: a.dtype };
  },
  compute(inputs, out, attrs) {
    const [a, b] = inputs;
    const m = out!.shape[0], n = out!.shape[1];
    const k = attrs.transposeA ? a.shape[0] : a.shape[1];
    kernels().matmul(a.data as FloatArray, b.data as FloatArray, out!.data as FloatArray, m, k, n, attrs.transposeA, attrs.transposeB, false);
  },
};
