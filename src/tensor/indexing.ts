/**
 * NumPy-style indexing along the first axis and concatenation: what the spec's programs do with
 * `X[:10]`, `X[p]` and `np.concatenate(..., axis=3)`.
 */
import { allocArray, TypedArray } from './dtype.js';
import { describe, formatShape, shapesEqual, sizeOf } from './shape-util.js';
import { Tensor, isTensor } from './tensor.js';

function assertTensor(t: unknown, name: string): asserts t is Tensor {
  if (!isTensor(t)) throw new Error(`${name}: expected a Tensor, got ${describe(t)}`);
}

/** t[start : start + count] along axis 0 (clipped to the end), sharing t's data like a NumPy view. */
export function sliceRows(t: Tensor, start: number, count = Infinity): Tensor {
  assertTensor(t, 't');
  if (t.rank === 0) throw new Error(`t: expected rank >= 1 to slice rows, got a rank-0 tensor`);
  if (!Number.isInteger(start) || start < 0) throw new Error(`start: expected a non-negative integer, got ${describe(start)}`);
  if (count !== Infinity && (!Number.isInteger(count) || count < 0)) {
    throw new Error(`count: expected a non-negative integer, got ${describe(count)}`);
  }
  const rows = t.shape[0];
  const begin = Math.min(start, rows);
  const end = Math.min(rows, begin + count);
  const rowSize = sizeOf(t.shape.slice(1));
  return new Tensor(t.data.subarray(begin * rowSize, end * rowSize) as TypedArray, [end - begin, ...t.shape.slice(1)]);
}

/** t[indices] along axis 0 (a copy): indices is an int32 Tensor or an array of row numbers. */
export function takeRows(t: Tensor, indices: Tensor | readonly number[]): Tensor {
  assertTensor(t, 't');
  if (t.rank === 0) throw new Error(`t: expected rank >= 1 to take rows, got a rank-0 tensor`);
  const idx: ArrayLike<number> = isTensor(indices) ? indices.data : indices;
  if (isTensor(indices) && indices.rank !== 1) {
    throw new Error(`indices: expected a rank-1 tensor, got shape ${formatShape(indices.shape)}`);
  }
  const rows = t.shape[0];
  const rowSize = sizeOf(t.shape.slice(1));
  const out = allocArray(t.dtype, idx.length * rowSize);
  for (let i = 0; i < idx.length; i++) {
    const r = idx[i];
    if (!Number.isInteger(r) || r < 0 || r >= rows) {
      throw new Error(`indices: element ${i} is ${r}, outside [0, ${rows}) for t of shape ${formatShape(t.shape)}`);
    }
    out.set(t.data.subarray(r * rowSize, (r + 1) * rowSize), i * rowSize);
  }
  return new Tensor(out, [idx.length, ...t.shape.slice(1)]);
}

/** np.concatenate(tensors, axis): same dtype and the same shape except along `axis`. */
export function concat(tensors: readonly Tensor[], axis = 0): Tensor {
  if (!Array.isArray(tensors) || tensors.length === 0) {
    throw new Error(`tensors: expected a non-empty array of Tensors, got ${describe(tensors)}`);
  }
  tensors.forEach((t, i) => assertTensor(t, `tensors[${i}]`));
  const first = tensors[0];
  const rank = first.rank;
  if (!Number.isInteger(axis) || axis < -rank || axis >= rank) {
    throw new Error(`axis: expected an integer in [${-rank}, ${rank}), got ${describe(axis)}`);
  }
  const ax = axis < 0 ? axis + rank : axis;
  tensors.forEach((t: Tensor, i: number) => {
    if (t.dtype !== first.dtype) throw new Error(`tensors[${i}]: dtype ${t.dtype} differs from tensors[0]'s ${first.dtype}`);
    const a = t.shape.filter((_: number, d: number) => d !== ax);
    const b = first.shape.filter((_: number, d: number) => d !== ax);
    if (t.rank !== rank || !shapesEqual(a, b)) {
      throw new Error(`tensors[${i}]: shape ${formatShape(t.shape)} does not fit tensors[0]'s ${formatShape(first.shape)} outside axis ${ax}`);
    }
  });
  const outer = sizeOf(first.shape.slice(0, ax));
  const inner = sizeOf(first.shape.slice(ax + 1));
  const total = tensors.reduce((n, t) => n + t.shape[ax], 0);
  const shape = first.shape.slice();
  shape[ax] = total;
  const out = allocArray(first.dtype, outer * total * inner);
  const rowOut = total * inner;
  let offset = 0;
  for (const t of tensors) {
    const block = t.shape[ax] * inner;
    const src = t.data;
    if (block >= 64) {
      for (let o = 0; o < outer; o++) out.set(src.subarray(o * block, (o + 1) * block), o * rowOut + offset);
    } else {
      // Short blocks (e.g. one channel of NHWC): a plain loop beats millions of subarray/set calls.
      for (let o = 0, s = 0; o < outer; o++) {
        const d = o * rowOut + offset;
        for (let j = 0; j < block; j++) out[d + j] = src[s++];
      }
    }
    offset += block;
  }
  return new Tensor(out, shape);
}
