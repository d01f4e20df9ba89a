/** Shorthand used by gradient functions to add graph nodes. */
import type { OpDef } from '../graph/op-def.js';
import { SymbolicTensor, addTensorNode } from '../graph/symbolic.js';

export function node(def: OpDef, inputs: SymbolicTensor[], attrs: unknown = null): SymbolicTensor {
  return addTensorNode(def, inputs, attrs);
}

/** g reduced to t's shape when t was broadcast; g itself when the shapes are known to be equal. */
export function unbroadcast(g: SymbolicTensor, t: SymbolicTensor, sumToShapeOp: OpDef): SymbolicTensor {
  const same = g.shape.length === t.shape.length && g.shape.every((d, i) => d !== null && d === t.shape[i]);
  return same ? g : node(sumToShapeOp, [g, t]);
}
