/**
 * sum / mean over some axes (all by default), with keepDims, and their gradient op, which spreads dy
 * back over the reduced axes (divided by the count for mean). Both use one index map built per plan.
 */
import type { Dim, OpDef, TensorSpec } from '../graph/op-def.js';
import { assertFloat } from '../graph/shape-rules.js';
import { broadcastIndexMap, sumThroughMap } from './index-map.js';

export interface ReduceAttrs { axes: number[] | null; keepDims: boolean; mean: boolean }

/** Axes already normalised (non-negative, unique) by the public function; null means all. */
function reducedAxes(rank: number, attrs: ReduceAttrs): number[] {
  return attrs.axes ?? Array.from({ length: rank }, (_, i) => i);
}

function reducedShape(shape: readonly Dim[], attrs: ReduceAttrs, keepDims: boolean): Dim[] {
  const axes = reducedAxes(shape.length, attrs);
  const out: Dim[] = [];
  shape.forEach((d, i) => {
    if (!axes.includes(i)) out.push(d);
    else if (keepDims) out.push(1);
  });
  return out;
}

interface ReduceState { map: Int32Array; scale: number }

function prepareReduce(x: readonly number[], attrs: ReduceAttrs): ReduceState {
  const kept = reducedShape(x, attrs, true) as number[];
  const inCount = x.reduce((p, d) => p * d, 1);
  const outCount = kept.reduce((p, d) => p * d, 1);
  const count = outCount === 0 ? 0 : inCount / outCount;
  return { map: broadcastIndexMap(x, kept), scale: attrs.mean ? 1 / count : 1 };
}

export const reduceOp: OpDef<ReduceAttrs, ReduceState> = {
  name: 'Reduce',
  infer(inputs, attrs) {
    if (attrs.mean) assertFloat('x', inputs[0]);
    return { shape: reducedShape(inputs[0].shape, attrs, attrs.keepDims), dtype: inputs[0].dtype };
  },
  prepare: (inputs: readonly TensorSpec[], _out, attrs) => prepareReduce(inputs[0].shape as number[], attrs),
  compute(inputs, out, _attrs, s) {
    const o = out!.data;
    sumThroughMap(inputs[0].data, s.map, o);
    if (s.scale !== 1) for (let i = 0; i < o.length; i++) o[i] *= s.scale;
  },
};

/** (dy, x) → dx of x's shape: dx[i] = dy[reduced(i)] · scale. x is read for its shape only. */
export const reduceGradOp: OpDef<ReduceAttrs, ReduceState> = {
  name: 'ReduceGrad',
  infer: (inputs) => ({ shape: inputs[1].shape, dtype: inputs[0].dtype }),
  prepare: (inputs: readonly TensorSpec[], _out, attrs) => prepareReduce(inputs[1].shape as number[], attrs),
  compute(inputs, out, _attrs, s) {
    const dy = inputs[0].data, o = out!.data, map = s.map, scale = s.scale;
    for (let i = 0; i < o.length; i++) o[i] = dy[map[i]] * scale;
  },
};
