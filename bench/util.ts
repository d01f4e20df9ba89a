/** Small timing helpers shared by the benchmarks. */

export interface Timing { medianMs: number; minMs: number; reps: number }

/**
 * Runs fn `warmup` times untimed (JIT, caches, scratch growth), then `reps` timed runs;
 * returns the median (robust to GC pauses) and the minimum. When the warm-up shows one run takes
 * long, fewer reps are made so that the timed runs stay within about `budgetMs` (at least one);
 * a warm-up longer than the budget is itself reported as the single run.
 */
export async function timeIt(
  fn: () => unknown | Promise<unknown>, reps = 5, warmup = 1, budgetMs = 30_000,
): Promise<Timing> {
  let warmupMs = 0;
  for (let i = 0; i < warmup; i++) {
    const t0 = process.hrtime.bigint();
    await fn();
    warmupMs = Number(process.hrtime.bigint() - t0) / 1e6;
  }
  // a single run longer than the whole budget: JIT warm-up is noise at that scale, so count the warm-up as the one run
  if (warmup > 0 && warmupMs > budgetMs) return { medianMs: warmupMs, minMs: warmupMs, reps: 1 };
  if (warmup > 0) reps = Math.max(1, Math.min(reps, Math.floor(budgetMs / Math.max(warmupMs, 1e-3))));
  const times: number[] = [];
  for (let i = 0; i < reps; i++) {
    const t0 = process.hrtime.bigint();
    await fn();
    times.push(Number(process.hrtime.bigint() - t0) / 1e6);
  }
  times.sort((a, b) => a - b);
  const mid = times.length >> 1;
  const medianMs = times.length % 2 ? times[mid] : (times[mid - 1] + times[mid]) / 2;
  return { medianMs, minMs: times[0], reps };
}

/** Pads columns to a fixed-width plain-text table. */
export function formatTable(header: string[], rows: string[][]): string {
  const widths = header.map((h, c) => Math.max(h.length, ...rows.map((r) => r[c].length)));
  const line = (cells: string[]) => cells.map((s, c) => (c === 0 ? s.padEnd(widths[c]) : s.padStart(widths[c]))).join('  ');
  return [line(header), widths.map((w) => '-'.repeat(w)).join('  '), ...rows.map(line)].join('\n');
}

/** Uniform [-1, 1) values from a seeded generator, so runs are repeatable. */
export function filledRandom<T extends Float32Array | Float64Array>(out: T, seed = 1): T {
  let s = seed >>> 0;
  for (let i = 0; i < out.length; i++) {
    s = (Math.imul(s, 1664525) + 1013904223) >>> 0;
    out[i] = s / 2147483648 - 1;
  }
  return out;
}

export const fmtMs = (ms: number): string => (ms >= 100 ? ms.toFixed(0) : ms >= 10 ? ms.toFixed(1) : ms.toFixed(2));
