/** Shape checks shared by op definitions; they accept `null` (unknown) dimensions. */
import { formatShape } from '../tensor/shape-util.js';
import type { Dim, TensorSpec } from './op-def.js';
import type { DType } from '../tensor/dtype.js';

/** Two dims agree unless both are known and differ. */
export function dimsAgree(a: Dim, b: Dim): boolean {
  return a === null || b === null || a === b;
}

/** The more informative of two agreeing dims. */
export function mergeDim(a: Dim, b: Dim): Dim {
  return a === null ? b : a;
}

export function assertRank(arg: string, spec: TensorSpec, rank: number, layout?: string): void {
  if (spec.shape.length !== rank) {
    throw new Error(`${arg}: expected rank ${rank}${layout ? ` ${layout}` : ''}, got shape ${formatShape(spec.shape)}`);
  }
}

export function assertFloat(arg: string, spec: TensorSpec): void {
  if (spec.dtype !== 'float32' && spec.dtype !== 'float64') {
    throw new Error(`${arg}: expected dtype float32 or float64, got ${spec.dtype}`);
  }
}

export function assertDType(arg: string, spec: TensorSpec, dtype: DType): void {
  if (spec.dtype !== dtype) throw new Error(`${arg}: expected dtype ${dtype}, got ${spec.dtype}`);
}

export function assertSameDType(op: string, a: TensorSpec, b: TensorSpec): void {
  if (a.dtype !== b.dtype) {
    throw new Error(`b: ${op} needs both inputs of one dtype, got a ${a.dtype} ${formatShape(a.shape)} and b ${b.dtype} ${formatShape(b.shape)}`);
  }
}

/** NumPy broadcasting of two shapes, dims aligned from the right; throws naming both shapes. */
export function broadcastShapes(op: string, a: readonly Dim[], b: readonly Dim[]): Dim[] {
  const rank = Math.max(a.length, b.length);
  const out: Dim[] = new Array(rank);
  for (let i = 0; i < rank; i++) {
    const da = i < rank - a.length ? 1 : a[i - (rank - a.length)];
    const db = i < rank - b.length ? 1 : b[i - (rank - b.length)];
    if (da === 1) out[i] = db;
    else if (db === 1) out[i] = da;
    else if (dimsAgree(da, db)) out[i] = mergeDim(da, db);
    else {
      throw new Error(`b: ${op} cannot broadcast shapes a ${formatShape(a)} and b ${formatShape(b)}`);
    }
  }
  return out;
}

/** Normalises a possibly negative axis against `rank`; throws naming `arg`. */
export function normalizeAxis(arg: string, axis: number, rank: number): number {
  if (!Number.isInteger(axis) || axis < -rank || axis >= rank) {
    throw new Error(`${arg}: expected an integer axis in [${-rank}, ${rank - 1}], got ${axis}`);
  }
  return axis < 0 ? axis + rank : axis;
}

/** All dims known (a plan's shapes); used where a concrete number is required. */
export function concrete(shape: readonly Dim[]): number[] {
  return shape as number[];
}
