import { registerGradient } from '../graph/gradients.js';
import { MatMulAttrs, matMulOp } from './matmul.js';
import { node } from './build.js';

/**
 * C = op(A)·op(B). With plain A, B: dA = dC·Bᵀ, dB = Aᵀ·dC. Transposed operands swap roles so that each
 * gradient is again one matMul with transpose flags (no explicit transposes are materialised).
 */
registerGradient(matMulOp, (dy, n, needs) => {
  const [a, b] = n.inputs;
  const { transposeA: ta, transposeB: tb } = n.attrs as MatMulAttrs;
  const mm = (x: typeof a, y: typeof a, transposeA: boolean, transposeB: boolean) => node(matMulOp, [x, y], { transposeA, transposeB });
  let da = null, db = null;
  if (needs[0]) da = ta ? mm(b, dy, tb, true) : mm(dy, b, false, !tb);
  if (needs[1]) db = tb ? mm(dy, a, true, ta) : mm(a, dy, !ta, false);
  return [da, db];
});
