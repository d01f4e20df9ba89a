/**
 * Optimizer state as named tensors, in TensorFlow.js's naming: Adam saves 'iter' (the step count),
 * then '<weight>/m' for every weight, then '<weight>/v'. SGD has no state. Restoring it makes training
 * resume exactly where a saved run stopped.
 */
import { Tensor, tensor } from '../tensor/tensor.js';
import { formatShape, shapesEqual } from '../tensor/shape-util.js';
import type { Variable } from '../graph/variable.js';
import type { TrainingGraph } from './compile.js';

export interface NamedTensor { name: string; tensor: Tensor }

interface AdamSlots { vars: Variable[]; m: Variable[]; v: Variable[]; step: Variable }

function adamSlots(g: TrainingGraph): AdamSlots | null {
  const attrs = g.trainOp.attrs as Partial<AdamSlots> | null;
  return attrs && attrs.m && attrs.v && attrs.step && attrs.vars ? attrs as AdamSlots : null;
}

/** `nameOf` gives the file name of a model weight (its layer's config name + '/kernel'). */
export function optimizerWeights(g: TrainingGraph, nameOf: (w: Variable) => string): NamedTensor[] {
  const s = adamSlots(g);
  if (s === null) return [];
  const out: NamedTensor[] = [{ name: 'iter', tensor: tensor([s.step.value.data[0]], [], 'float32') }];
  s.vars.forEach((w, i) => out.push({ name: `${nameOf(w)}/m`, tensor: s.m[i].read() }));
  s.vars.forEach((w, i) => out.push({ name: `${nameOf(w)}/v`, tensor: s.v[i].read() }));
  return out;
}

/** Restores what optimizerWeights saved; every slot must be present with its shape. */
export function setOptimizerWeights(g: TrainingGraph, named: ReadonlyMap<string, Tensor>, nameOf: (w: Variable) => string): void {
  const s = adamSlots(g);
  if (s === null) {
    if (named.size > 0) throw new Error(`weightsManifest: the file has optimizer weights (${[...named.keys()].slice(0, 3).join(', ')}…) but the optimizer keeps no state`);
    return;
  }
  const get = (name: string, shape: number[]): Tensor => {
    const t = named.get(name);
    if (t === undefined) throw new Error(`weightsManifest: optimizer weight '${name}' is missing`);
    if (!shapesEqual(t.shape, shape)) throw new Error(`weightsManifest: optimizer weight '${name}' has shape ${formatShape(t.shape)}, expected ${formatShape(shape)}`);
    return t;
  };
  const iter = get('iter', []);
  const updates: [Variable, Tensor][] = [];
  s.vars.forEach((w, i) => {
    updates.push([s.m[i], get(`${nameOf(w)}/m`, w.value.shape)]);
    updates.push([s.v[i], get(`${nameOf(w)}/v`, w.value.shape)]);
  });
  // all checked: now assign
  s.step.value.data[0] = iter.data[0];
  for (const [slot, t] of updates) slot.assign(t.dtype === slot.dtype ? t : t.astype(slot.dtype));
}
