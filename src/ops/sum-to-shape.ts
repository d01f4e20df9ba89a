/**
 * sumToShapeOf(g, ref): sums g over the axes along which `ref` was broadcast, giving ref's shape.
 * The gradient of every broadcasting op goes through it. `ref` is read for its shape only.
 */
import type { OpDef, TensorSpec } from '../graph/op-def.js';
import { sizeOf } from '../tensor/shape-util.js';
import { broadcastIndexMap, sumThroughMap } from './index-map.js';
import { kernels } from '../kernels/backend.js';
import type { FloatArray } from '../tensor/dtype.js';

type Mode = 'copy' | 'rows' | 'general';
interface State { mode: Mode; row: number; map: Int32Array | null }

export const sumToShapeOp: OpDef<null, State> = {
  name: 'SumToShape',
  infer: (inputs) => ({ shape: inputs[1].shape, dtype: inputs[0].dtype }),
  prepare(inputs: readonly TensorSpec[], out) {
    const g = inputs[0].shape as number[];
    const r = out!.shape as number[];
    const n = sizeOf(r);
    if (n === sizeOf(g)) return { mode: 'copy', row: 0, map: null };
    const row = g.length > 0 ? g[g.length - 1] : 1;
    if (r.length >= 1 && n === row && r[r.length - 1] === row) return { mode: 'rows', row, map: null };
    return { mode: 'general', row, map: broadcastIndexMap(g, r) };
  },
  compute(inputs, out, _attrs, s) {
    const g = inputs[0].data, o = out!.data;
    if (s.mode === 'copy') { o.set(g); return; }
    if (s.mode === 'rows') {
      // bias gradient: column sums of a (rows × row) matrix
      const row = s.row;
      if (inputs[0].dtype !== 'int32') { kernels().biasGrad(g as FloatArray, row, o as FloatArray); return; }
      o.fill(0);
      for (let i = 0; i < g.length; i += row) for (let j = 0; j < row; j++) o[j] += g[i + j];
      return;
    }
    sumThroughMap(g, s.map!, o);
  },
};
