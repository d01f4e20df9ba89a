/** Wall-clock time per step: `warmup` untimed steps, then at least `steps` steps and at least `minMs`. */
export function timeSteps(opts: { warmup: number; steps: number; minMs: number }, step: (i: number) => void): { msPerStep: number; steps: number } {
  let i = 0;
  for (; i < opts.warmup; i++) step(i);
  const t0 = performance.now();
  let n = 0;
  while (n < opts.steps || performance.now() - t0 < opts.minMs) { step(i++); n++; }
  return { msPerStep: (performance.now() - t0) / n, steps: n };
}
