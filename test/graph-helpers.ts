/** Shared by the graph tests: float64 central-difference checks of graph gradients through a Session. */
import { Tensor } from '../src/tensor/tensor.js';
import { placeholder, constant, SymbolicTensor, Placeholder } from '../src/graph/symbolic.js';
import { gradients } from '../src/graph/gradients.js';
import { Session } from '../src/graph/session.js';
import { mul, sum } from '../src/api/ops.js';
import { assertClose, numericGradient, randomArray, seededRandom } from './gradcheck.js';

export function randomTensor(shape: number[], rand: () => number, scale = 1): Tensor {
  const data = randomArray(Float64Array, shape.reduce((p, d) => p * d, 1), rand) as Float64Array;
  for (let i = 0; i < data.length; i++) data[i] *= scale;
  return new Tensor(data, shape);
}

/**
 * Builds y = build(placeholders), a scalar loss = Σ y ⊙ r (r fixed random, so every output element
 * matters with a different weight), and compares the graph's gradients with central differences
 * for the inputs listed in `wrt` (all by default).
 */
export function checkGraphGradients(
  label: string, inputs: Tensor[], build: (xs: Placeholder[]) => SymbolicTensor,
  options: { wrt?: number[]; seed?: number; rtol?: number; atol?: number } = {},
): void {
  const rand = seededRandom(options.seed ?? 99);
  const phs = inputs.map((t) => placeholder('float64', t.shape));
  const y = build(phs);
  const r = constant(randomTensor(y.shape as number[], rand));
  const loss = y.shape.length === 0 ? mul(y, r) : sum(mul(y, r));
  const wrt = options.wrt ?? inputs.map((_, i) => i);
  const grads = gradients(loss, wrt.map((i) => phs[i]));
  const sess = new Session();
  const feeds = phs.map((p, i) => [p, inputs[i]] as [Placeholder, Tensor]);
  const analytic = sess.run(grads.map((g, k) => {
    if (g === null) throw new Error(`${label}: no gradient for input ${wrt[k]}`);
    return g;
  }), feeds);
  wrt.forEach((i, k) => {
    const x = inputs[i].data as Float64Array;
    const numeric = numericGradient(() => sess.run(loss, feeds)!.data[0], x, 1e-6);
    assertClose(analytic[k]!.data, numeric, { rtol: options.rtol ?? 1e-5, atol: options.atol ?? 1e-7 }, `${label} d/dinput${i}`);
  });
}
