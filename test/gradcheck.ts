/**
 * Test helpers shared by kernel, primitive and graph tests: central-difference gradients,
 * closeness assertions with relative + absolute tolerance, and a small seeded RNG.
 */
import assert from 'node:assert/strict';

/** ∂f/∂x by central differences, (f(x + eps·e_i) − f(x − eps·e_i)) / 2eps for each i. x is restored. */
export function numericGradient(f: (x: Float64Array) => number, x: Float64Array, eps = 1e-6): Float64Array {
  const grad = new Float64Array(x.length);
  for (let i = 0; i < x.length; i++) {
    const saved = x[i];
    x[i] = saved + eps;
    const plus = f(x);
    x[i] = saved - eps;
    const minus = f(x);
    x[i] = saved;
    grad[i] = (plus - minus) / (2 * eps);
  }
  return grad;
}

export interface Tolerance { rtol: number; atol: number }

/**
 * Asserts |actual − expected| ≤ atol + rtol·|expected| elementwise (NaN only matches NaN),
 * and reports the worst element with its index when it fails.
 */
export function assertClose(
  actual: ArrayLike<number>, expected: ArrayLike<number>, tol: Tolerance, label: string,
): void {
  assert.equal(actual.length, expected.length, `${label}: length ${actual.length} vs expected ${expected.length}`);
  let worst = -1;
  let worstExcess = 0;
  for (let i = 0; i < actual.length; i++) {
    const a = actual[i], e = expected[i];
    if (Number.isNaN(a) || Number.isNaN(e)) {
      if (Number.isNaN(a) !== Number.isNaN(e)) { worst = i; worstExcess = Infinity; break; }
      continue;
    }
    if (a === e) continue; // covers equal infinities
    const excess = Math.abs(a - e) - (tol.atol + tol.rtol * Math.abs(e));
    if (!(excess <= 0) && (worst < 0 || excess > worstExcess)) { worst = i; worstExcess = excess; }
  }
  if (worst >= 0) {
    assert.fail(`${label}: element ${worst} is ${actual[worst]}, expected ${expected[worst]} ` +
      `(rtol ${tol.rtol}, atol ${tol.atol})`);
  }
}

/** Deterministic uniform [0, 1) generator (mulberry32); enough for test inputs, not NumPy-compatible. */
export function seededRandom(seed: number): () => number {
  let s = seed >>> 0;
  return () => {
    s = (s + 0x6d2b79f5) >>> 0;
    let t = s;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

/** Integer in [lo, hi] inclusive. */
export function randInt(rand: () => number, lo: number, hi: number): number {
  return lo + Math.floor(rand() * (hi - lo + 1));
}

/** An array of `n` values uniform in [-1, 1). */
export type FloatCtor = new (n: number) => Float32Array | Float64Array;

export function randomArray(ctor: FloatCtor, n: number, rand: () => number): Float32Array | Float64Array {
  const out = new ctor(n);
  for (let i = 0; i < n; i++) out[i] = rand() * 2 - 1;
  return out;
}
