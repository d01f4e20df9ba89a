/**
 * Session.run(fetches, feeds), TensorFlow 1.x style. Each distinct signature (which fetches, which
 * placeholders with which shapes and dtypes) compiles once into a Plan; later runs reuse the plan and
 * its buffers, so a training step allocates almost nothing beyond the copies of what it returns.
 */
import { Tensor, isTensor } from '../tensor/tensor.js';
import { describe, formatShape } from '../tensor/shape-util.js';
import { Operation, Placeholder, SymbolicTensor } from './symbolic.js';
import { Fetch, Plan } from './plan.js';

export type Feeds = ReadonlyMap<SymbolicTensor, Tensor> | readonly (readonly [SymbolicTensor, Tensor])[];

export class Session {
  private readonly plans = new Map<string, Plan>();
  /** Number of plans compiled so far (a run that reuses a plan does not add one). */
  compiledPlans = 0;
  /** The plan the last run used. */
  lastPlan: Plan | null = null;

  run(fetches: Fetch, feeds?: Feeds): Tensor | null;
  run(fetches: readonly Fetch[], feeds?: Feeds): (Tensor | null)[];
  run(fetches: Fetch | readonly Fetch[], feeds?: Feeds): Tensor | null | (Tensor | null)[] {
    const list: readonly Fetch[] = Array.isArray(fetches) ? fetches : [fetches as Fetch];
    for (let i = 0; i < list.length; i++) {
      const f = list[i];
      if (!(f instanceof SymbolicTensor) && !(f instanceof Operation)) {
        throw new Error(`fetches: expected graph tensors or operations, got ${describe(f)} at index ${i}`);
      }
    }
    const feedMap = normalizeFeeds(feeds);
    let key = '';
    for (let i = 0; i < list.length; i++) key += (list[i] instanceof Operation ? 'o' : 't') + list[i].id + ',';
    key += '|';
    for (const [ph, t] of feedMap) key += `${ph.id}:${t.dtype}:${t.shape.join('x')};`;
    let plan = this.plans.get(key);
    if (plan === undefined) {
      plan = new Plan(list, feedMap);
      this.plans.set(key, plan);
      this.compiledPlans++;
    } else {
      const phs = plan.placeholders;
      for (let i = 0; i < phs.length; i++) plan.bindFeed(i, feedMap.get(phs[i])!);
    }
    this.lastPlan = plan;
    plan.execute();
    const results = plan.results();
    return Array.isArray(fetches) ? results : results[0];
  }

  /** Drops the compiled plans and their buffers. */
  close(): void {
    this.plans.clear();
    this.lastPlan = null;
  }
}

/** Checks every feed against its placeholder: dtype exactly, rank, and every known dimension. */
function normalizeFeeds(feeds: Feeds | undefined): Map<Placeholder, Tensor> {
  const out = new Map<Placeholder, Tensor>();
  if (feeds === undefined) return out;
  const entries: Iterable<readonly [SymbolicTensor, Tensor]> =
    feeds instanceof Map ? feeds.entries() : (feeds as readonly (readonly [SymbolicTensor, Tensor])[]);
  if (!(feeds instanceof Map) && !Array.isArray(feeds)) {
    throw new Error(`feeds: expected a Map or an array of [placeholder, Tensor] pairs, got ${describe(feeds)}`);
  }
  for (const pair of entries) {
    const [ph, t] = pair;
    if (!(ph instanceof Placeholder)) {
      throw new Error(`feeds: only placeholders can be fed, got ${describe(ph)}`);
    }
    if (!isTensor(t)) throw new Error(`feeds: placeholder '${ph.name}' was fed ${describe(t)}, expected a Tensor`);
    if (t.dtype !== ph.dtype) {
      const hint = t.dtype !== 'int32' && ph.dtype !== 'int32' ? ` (convert it with .astype('${ph.dtype}'))` : '';
      throw new Error(`feeds: placeholder '${ph.name}' expects dtype ${ph.dtype}, was fed ${t.dtype} ${formatShape(t.shape)}${hint}`);
    }
    let fits = t.shape.length === ph.shape.length;
    for (let i = 0; fits && i < t.shape.length; i++) fits = ph.shape[i] === null || ph.shape[i] === t.shape[i];
    if (!fits) {
      throw new Error(`feeds: placeholder '${ph.name}' expects shape ${formatShape(ph.shape)}, was fed ${formatShape(t.shape)}`);
    }
    out.set(ph, t);
  }
  return out;
}
