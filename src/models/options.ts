/** Option checks shared by the models (checkOptions lives in utils so the layers use it too). */
import { describe } from '../tensor/shape-util.js';

export { checkOptions } from '../utils/check-options.js';

export function intOption(arg: string, v: unknown, fallback: number, min: number): number {
  if (v === undefined) return fallback;
  if (typeof v !== 'number' || !Number.isInteger(v) || v < min) throw new Error(`${arg}: expected an integer >= ${min}, got ${describe(v)}`);
  return v;
}
