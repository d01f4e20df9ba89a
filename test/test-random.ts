/** Park–Miller: a tiny deterministic, seeded generator for test inputs (shared by the kernel and backend tests). */
export function rng(seed: number) {
  let s = seed;
  const next = () => (s = (s * 16807) % 2147483647) / 2147483647;
  return {
    int: (lo: number, hi: number) => lo + Math.floor(next() * (hi - lo + 1)),
    array: (n: number) => Float32Array.from({ length: n }, () => next() * 2 - 1),
    pick: <T>(xs: readonly T[]) => xs[Math.floor(next() * xs.length)],
  };
}
