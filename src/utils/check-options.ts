/** Checks option objects: unknown keys are Errors that name the key, suggest the closest valid one and list all. */
import { describe } from '../tensor/shape-util.js';

/** Levenshtein distance, case-insensitive (a typo like `batchsize` is 0 away from `batchSize`). */
function distance(a: string, b: string): number {
  a = a.toLowerCase();
  b = b.toLowerCase();
  let prev = Array.from({ length: b.length + 1 }, (_, j) => j);
  for (let i = 1; i <= a.length; i++) {
    const cur = [i];
    for (let j = 1; j <= b.length; j++) {
      cur[j] = Math.min(prev[j] + 1, cur[j - 1] + 1, prev[j - 1] + (a[i - 1] === b[j - 1] ? 0 : 1));
    }
    prev = cur;
  }
  return prev[b.length];
}

/** `arg` must be undefined or a plain object whose keys are all in `valid`. */
export function checkOptions(arg: string, options: unknown, valid: readonly string[]): Record<string, unknown> {
  if (options === undefined) return {};
  if (options === null || typeof options !== 'object' || Array.isArray(options)) {
    throw new Error(`${arg}: expected an object of options, got ${describe(options)}`);
  }
  for (const key of Object.keys(options)) {
    if (valid.includes(key)) continue;
    let best = '';
    let bestDistance = Infinity;
    for (const v of valid) {
      const d = distance(key, v);
      if (d < bestDistance) { best = v; bestDistance = d; }
    }
    const hint = bestDistance <= Math.max(2, Math.floor(key.length / 3)) ? ` (did you mean '${best}'?)` : '';
    throw new Error(`${arg}: unknown option '${key}'${hint}; valid options are ${valid.join(', ')}`);
  }
  return options as Record<string, unknown>;
}
