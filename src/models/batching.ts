/** Row-wise views and copies used to cut arrays into batches (axis 0 is the sample axis). */
import { Tensor } from '../tensor/tensor.js';
import type { DType, TypedArray } from '../tensor/dtype.js';
import { allocArray } from '../tensor/dtype.js';

export function rowSize(t: Tensor): number {
  return t.shape[0] === 0 ? 0 : t.size / t.shape[0];
}

/** Rows start … start + count − 1 of t as a view (no copy); converted (copied) when dtype differs. */
export function rowsView(t: Tensor, start: number, count: number, dtype: DType = t.dtype): Tensor {
  const r = rowSize(t);
  const view = new Tensor(t.data.subarray(start * r, (start + count) * r) as TypedArray, [count, ...t.shape.slice(1)]);
  return view.dtype === dtype ? view : view.astype(dtype);
}

/** Copies rows indices[start … start + count − 1] of src into the first rows of dst (same row size). */
export function gatherRows(src: Tensor, indices: Int32Array, start: number, count: number, dst: TypedArray): void {
  const r = rowSize(src);
  const data = src.data;
  for (let i = 0; i < count; i++) {
    const from = indices[start + i] * r;
    if (r === 1) dst[i] = data[from];
    else dst.set(data.subarray(from, from + r), i * r);
  }
}

/** A reusable batch buffer: `view(count)` is a tensor over its first `count` rows. */
export class BatchBuffer {
  readonly data: TypedArray;
  private readonly full: Tensor;
  private partial: Tensor | null = null;

  constructor(dtype: DType, readonly batchSize: number, readonly rowShape: readonly number[]) {
    const r = rowShape.reduce((p, d) => p * d, 1);
    this.data = allocArray(dtype, batchSize * r);
    this.full = new Tensor(this.data, [batchSize, ...rowShape]);
  }

  view(count: number): Tensor {
    if (count === this.batchSize) return this.full;
    // the last partial batch has the same size every epoch, so its view is kept too
    if (this.partial === null || this.partial.shape[0] !== count) {
      const r = this.data.length / this.batchSize;
      this.partial = new Tensor(this.data.subarray(0, count * r) as TypedArray, [count, ...this.rowShape]);
    }
    return this.partial;
  }
}
