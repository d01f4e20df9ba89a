/** Runs an op definition immediately on Tensors: infer (validates), allocate the output, prepare, compute. */
import { Tensor } from '../tensor/tensor.js';
import { allocArray } from '../tensor/dtype.js';
import { sizeOf } from '../tensor/shape-util.js';
import type { OpDef } from './op-def.js';

export function runEager(def: OpDef, inputs: readonly Tensor[], attrs: unknown): Tensor {
  const spec = def.infer(inputs, attrs);
  if (spec === null) throw new Error(`${def.name}: has no output to compute eagerly`);
  const shape = spec.shape as number[];
  const out = new Tensor(allocArray(spec.dtype, sizeOf(shape)), shape);
  const state = def.prepare ? def.prepare(inputs, out, attrs) : undefined;
  def.compute(inputs, out, attrs, state);
  return out;
}
