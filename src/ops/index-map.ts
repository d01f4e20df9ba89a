/**
 * Broadcasting as an index map: for each element of a tensor of shape `outShape`, the flat index of the
 * element of `inShape` it reads (NumPy alignment from the right; dims of size 1 repeat). Built once when
 * a plan is compiled, so broadcasting and its reductions in the run loop are a single indexed pass.
 */
export function broadcastIndexMap(outShape: readonly number[], inShape: readonly number[]): Int32Array {
  const rank = outShape.length;
  const offset = rank - inShape.length;
  const inStrides = new Array<number>(rank).fill(0);
  let stride = 1;
  for (let d = inShape.length - 1; d >= 0; d--) {
    inStrides[d + offset] = inShape[d] === 1 ? 0 : stride;
    stride *= inShape[d];
  }
  let size = 1;
  for (const d of outShape) size *= d;
  const map = new Int32Array(size);
  const counter = new Array<number>(rank).fill(0);
  let inIndex = 0;
  for (let i = 0; i < size; i++) {
    map[i] = inIndex;
    // advance the multi-index like an odometer, keeping inIndex in step
    for (let d = rank - 1; d >= 0; d--) {
      counter[d]++;
      inIndex += inStrides[d];
      if (counter[d] < outShape[d]) break;
      inIndex -= inStrides[d] * counter[d];
      counter[d] = 0;
    }
  }
  return map;
}

/** Sums `src` (of the larger shape) into `dst` through `map` (dst is zeroed first). */
export function sumThroughMap(src: ArrayLike<number>, map: Int32Array, dst: { fill(v: number): unknown; [i: number]: number }): void {
  dst.fill(0);
  for (let i = 0; i < map.length; i++) dst[map[i]] += src[i];
}
