/**
 * Validation of the arrays given to fit / evaluate / predict, done before any work so a mistake is an
 * Error naming the argument, never a failure halfway through an epoch.
 */
import { Tensor, isTensor } from '../tensor/tensor.js';
import { describe, formatShape } from '../tensor/shape-util.js';
import type { Placeholder } from '../graph/symbolic.js';
import type { TrainingGraph } from './compile.js';

/** The model side of the checks (the model's input placeholder, built on demand from the data's shape). */
export interface HasInput { readonly input: Placeholder }

/** x must be (n, …sample shape of the input); its dtype is converted per batch later. */
export function prepareInputs(model: HasInput & { ensureBuiltFor?(shape: readonly number[]): void }, x: unknown, arg: string): Tensor {
  if (!isTensor(x)) throw new Error(`${arg}: expected a Tensor of samples, got ${describe(x)}`);
  model.ensureBuiltFor?.(x.shape);
  const ph = model.input;
  const fits = x.shape.length === ph.shape.length && x.shape.every((d, i) => ph.shape[i] === null || ph.shape[i] === d);
  if (!fits) {
    const hint = x.shape.length === ph.shape.length - 1 ? `; add the channel axis with ${arg}.reshape([-1, ${ph.shape.slice(1).join(', ')}])` : '';
    throw new Error(`${arg}: the model expects samples of shape ${formatShape(ph.shape)}, got ${formatShape(x.shape)}${hint}`);
  }
  if (x.dtype === 'int32') throw new Error(`${arg}: expected float samples, got int32 ${formatShape(x.shape)}; convert with .astype('float32')`);
  return x;
}

/**
 * Labels ready to feed: one-hot floats (n, classes) for categorical cross-entropy, int32 indices (n)
 * in [0, classes) for the sparse loss ((n, 1) is accepted and viewed as (n)).
 */
export function prepareLabels(g: TrainingGraph, y: unknown, n: number, arg: string): Tensor {
  if (!isTensor(y)) throw new Error(`${arg}: expected a Tensor of labels, got ${describe(y)}`);
  if (y.shape[0] !== n) {
    throw new Error(`${arg}: expected as many labels as samples (${n}), got ${y.shape.length === 0 ? 'a scalar' : y.shape[0]} (shape ${formatShape(y.shape)})`);
  }
  const c = g.classes;
  if (!g.sparse) {
    if (y.shape.length !== 2 || y.shape[1] !== c) {
      const hint = y.shape.length === 1 ? `; one-hot encode them with cn.utils.toCategorical(${arg}, ${c}) or compile with loss 'sparseCategoricalCrossentropy'` : '';
      throw new Error(`${arg}: categoricalCrossentropy expects one-hot labels of shape [${n}, ${c}], got ${y.dtype} ${formatShape(y.shape)}${hint}`);
    }
    return y.dtype === g.labels.dtype ? y : y.astype(g.labels.dtype);
  }
  const flat = y.shape.length === 2 && y.shape[1] === 1 ? y.reshape([n]) : y;
  if (flat.shape.length !== 1) {
    const hint = y.shape.length === 2 && y.shape[1] === c ? "; these look one-hot: compile with loss 'categoricalCrossentropy'" : '';
    throw new Error(`${arg}: sparseCategoricalCrossentropy expects class indices of shape [${n}] or [${n}, 1], got ${formatShape(y.shape)}${hint}`);
  }
  const data = flat.data;
  for (let i = 0; i < data.length; i++) {
    const v = data[i];
    if (!(Number.isInteger(v) && v >= 0 && v < c)) {
      throw new Error(`${arg}: sparseCategoricalCrossentropy expects integer class indices in [0, ${c - 1}], got ${v} at index ${i}`);
    }
  }
  return flat.dtype === 'int32' ? flat : flat.astype('int32');
}
