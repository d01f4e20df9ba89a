/**
 * add, sub, mul, div, equal with NumPy broadcasting. Plans pick a loop once, in `prepare`:
 * same shapes, a scalar operand, a row vector along the last axis (bias add), or a general index map.
 */
import type { Tensor } from '../tensor/tensor.js';
import type { DType, TypedArray } from '../tensor/dtype.js';
import type { OpDef, TensorSpec } from '../graph/op-def.js';
import { assertSameDType, broadcastShapes } from '../graph/shape-rules.js';
import { broadcastIndexMap } from './index-map.js';
import { sizeOf } from '../tensor/shape-util.js';

export type BinaryKind = 'add' | 'sub' | 'mul' | 'div' | 'equal';

type Mode = 'same' | 'scalarA' | 'scalarB' | 'rowB' | 'general';
interface BinaryState { mode: Mode; row: number; aMap: Int32Array | null; bMap: Int32Array | null }

function prepareBinary(inputs: readonly TensorSpec[], out: TensorSpec | null): BinaryState {
  const a = inputs[0].shape as number[];
  const b = inputs[1].shape as number[];
  const o = out!.shape as number[];
  const n = sizeOf(o), na = sizeOf(a), nb = sizeOf(b);
  const row = o.length > 0 ? o[o.length - 1] : 1;
  if (na === n && nb === n) return { mode: 'same', row, aMap: null, bMap: null };
  if (na === 1 && nb === n) return { mode: 'scalarA', row, aMap: null, bMap: null };
  if (nb === 1 && na === n) return { mode: 'scalarB', row, aMap: null, bMap: null };
  if (na === n && nb === row && b.length >= 1 && b[b.length - 1] === row) return { mode: 'rowB', row, aMap: null, bMap: null };
  return { mode: 'general', row, aMap: broadcastIndexMap(o, a), bMap: broadcastIndexMap(o, b) };
}

/** The scalar function of each kind, used by the generic loops. */
const scalarFns: Record<BinaryKind, (x: number, y: number) => number> = {
  add: (x, y) => x + y,
  sub: (x, y) => x - y,
  mul: (x, y) => x * y,
  div: (x, y) => x / y,
  equal: (x, y) => (x === y ? 1 : 0),
};

function computeBinary(kind: BinaryKind, a: TypedArray, b: TypedArray, o: TypedArray, s: BinaryState): void {
  const n = o.length;
  // The two hot cases of training (bias add, elementwise add/mul) get loops without a function call.
  if (kind === 'add' && s.mode === 'rowB') {
    const row = s.row;
    for (let i = 0; i < n; i += row) for (let j = 0; j < row; j++) o[i + j] = a[i + j] + b[j];
    return;
  }
  if (kind === 'add' && s.mode === 'same') { for (let i = 0; i < n; i++) o[i] = a[i] + b[i]; return; }
  if (kind === 'mul' && s.mode === 'same') { for (let i = 0; i < n; i++) o[i] = a[i] * b[i]; return; }
  const f = scalarFns[kind];
  switch (s.mode) {
    case 'same': for (let i = 0; i < n; i++) o[i] = f(a[i], b[i]); break;
    case 'scalarA': { const x = a[0]; for (let i = 0; i < n; i++) o[i] = f(x, b[i]); break; }
    case 'scalarB': { const y = b[0]; for (let i = 0; i < n; i++) o[i] = f(a[i], y); break; }
    case 'rowB': {
      const row = s.row;
      for (let i = 0; i < n; i += row) for (let j = 0; j < row; j++) o[i + j] = f(a[i + j], b[j]);
      break;
    }
    case 'general': {
      const am = s.aMap!, bm = s.bMap!;
      for (let i = 0; i < n; i++) o[i] = f(a[am[i]], b[bm[i]]);
      break;
    }
  }
}

function binaryOp(kind: BinaryKind, outDType?: DType): OpDef<null, BinaryState> {
  return {
    name: kind === 'equal' ? 'Equal' : kind[0].toUpperCase() + kind.slice(1),
    infer(inputs) {
      assertSameDType(kind, inputs[0], inputs[1]);
      return { shape: broadcastShapes(kind, inputs[0].shape, inputs[1].shape), dtype: outDType ?? inputs[0].dtype };
    },
    prepare: prepareBinary,
    compute(inputs: readonly Tensor[], out, _attrs, state) {
      computeBinary(kind, inputs[0].data, inputs[1].data, out!.data, state);
    },
  };
}

export const addOp = binaryOp('add');
export const subOp = binaryOp('sub');
export const mulOp = binaryOp('mul');
export const divOp = binaryOp('div');
/** 1 where equal, 0 elsewhere, as int32 (this library has no bool dtype). */
export const equalOp = binaryOp('equal', 'int32');
