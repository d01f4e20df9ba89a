/**
 * Fast pooling kernels: direct loops with the window clipped to the image once per output row and
 * column (so no per-cell bounds tests), offsets advanced incrementally, and no function calls per
 * element. Semantics match pool2d-reference.ts exactly:
 *   padded cells are ignored (max over real cells, avg divides by the real-cell count);
 *   a NaN in a window makes its max NaN: `v > m || v !== v` replaces m by a NaN, and nothing but
 *   another NaN replaces a NaN afterwards because every comparison with NaN is false.
 */
import type { FloatArray } from '../tensor/dtype.js';
import type { Pool2DInfo } from './shape.js';

export function maxPoolForward(x: FloatArray, info: Pool2DInfo, y: FloatArray): void {
  const { batch, inH, inW, channels: C, kh, kw, strideH, strideW, padTop, padLeft, outH, outW } = info;
  const rowStride = inW * C;
  let yi = 0;
  for (let b = 0; b < batch; b++) {
    const imageBase = b * inH * rowStride;
    for (let oh = 0; oh < outH; oh++) {
      const h0 = oh * strideH - padTop;
      const hLo = Math.max(h0, 0), hHi = Math.min(h0 + kh, inH);
      for (let ow = 0; ow < outW; ow++) {
        const w0 = ow * strideW - padLeft;
        const wLo = Math.max(w0, 0), wHi = Math.min(w0 + kw, inW);
        const start = imageBase + hLo * rowStride + wLo * C;
        const spanW = (wHi - wLo) * C;
        for (let c = 0; c < C; c++) {
          let m = -Infinity;
          for (let h = hLo, rowBase = start + c; h < hHi; h++, rowBase += rowStride) {
            const rowEnd = rowBase + spanW;
            for (let s = rowBase; s < rowEnd; s += C) {
              const v = x[s];
              if (v > m || v !== v) m = v;
            }
          }
          y[yi++] = m;
        }
      }
    }
  }
}

export function avgPoolForward(x: FloatArray, info: Pool2DInfo, y: FloatArray): void {
  const { batch, inH, inW, channels: C, kh, kw, strideH, strideW, padTop, padLeft, outH, outW } = info;
  const rowStride = inW * C;
  let yi = 0;
  for (let b = 0; b < batch; b++) {
    const imageBase = b * inH * rowStride;
    for (let oh = 0; oh < outH; oh++) {
      const h0 = oh * strideH - padTop;
      const hLo = Math.max(h0, 0), hHi = Math.min(h0 + kh, inH);
      for (let ow = 0; ow < outW; ow++) {
        const w0 = ow * strideW - padLeft;
        const wLo = Math.max(w0, 0), wHi = Math.min(w0 + kw, inW);
        const count = (hHi - hLo) * (wHi - wLo);
        const start = imageBase + hLo * rowStride + wLo * C;
        const spanW = (wHi - wLo) * C;
        for (let c = 0; c < C; c++) {
          let sum = 0;
          for (let h = hLo, rowBase = start + c; h < hHi; h++, rowBase += rowStride) {
            const rowEnd = rowBase + spanW;
            for (let s = rowBase; s < rowEnd; s += C) sum += x[s];
          }
          y[yi++] = sum / count;
        }
      }
    }
  }
}

export function maxPoolBackward(
  dy: FloatArray, x: FloatArray, info: Pool2DInfo, ties: 'all' | 'first', dx: FloatArray,
): void {
  const { batch, inH, inW, channels: C, kh, kw, strideH, strideW, padTop, padLeft, outH, outW } = info;
  dx.fill(0, 0, batch * inH * inW * C);
  const rowStride = inW * C;
  const all = ties === 'all';
  let yi = 0;
  for (let b = 0; b < batch; b++) {
    const imageBase = b * inH * rowStride;
    for (let oh = 0; oh < outH; oh++) {
      const h0 = oh * strideH - padTop;
      const hLo = Math.max(h0, 0), hHi = Math.min(h0 + kh, inH);
      for (let ow = 0; ow < outW; ow++) {
        const w0 = ow * strideW - padLeft;
        const wLo = Math.max(w0, 0), wHi = Math.min(w0 + kw, inW);
        const start = imageBase + hLo * rowStride + wLo * C;
        const spanW = (wHi - wLo) * C;
        for (let c = 0; c < C; c++) {
          const g = dy[yi++];
          // first pass: the max and where it first occurs (a NaN wins and stays)
          let m = -Infinity;
          let at = start + c;
          for (let h = hLo, rowBase = start + c; h < hHi; h++, rowBase += rowStride) {
            const rowEnd = rowBase + spanW;
            for (let s = rowBase; s < rowEnd; s += C) {
              const v = x[s];
              if (v > m || (v !== v && m === m)) { m = v; at = s; }
            }
          }
          if (!all) {
            dx[at] += g;
            continue;
          }
          // second pass ('all'): every cell equal to the max (NaN cells when the max is NaN)
          const mIsNaN = m !== m;
          for (let h = hLo, rowBase = start + c; h < hHi; h++, rowBase += rowStride) {
            const rowEnd = rowBase + spanW;
            for (let s = rowBase; s < rowEnd; s += C) {
              const v = x[s];
              if (v === m || (mIsNaN && v !== v)) dx[s] += g;
            }
          }
        }
      }
    }
  }
}

export function avgPoolBackward(dy: FloatArray, info: Pool2DInfo, dx: FloatArray): void {
  const { batch, inH, inW, channels: C, kh, kw, strideH, strideW, padTop, padLeft, outH, outW } = info;
  dx.fill(0, 0, batch * inH * inW * C);
  const rowStride = inW * C;
  let yi = 0;
  for (let b = 0; b < batch; b++) {
    const imageBase = b * inH * rowStride;
    for (let oh = 0; oh < outH; oh++) {
      const h0 = oh * strideH - padTop;
      const hLo = Math.max(h0, 0), hHi = Math.min(h0 + kh, inH);
      for (let ow = 0; ow < outW; ow++) {
        const w0 = ow * strideW - padLeft;
        const wLo = Math.max(w0, 0), wHi = Math.min(w0 + kw, inW);
        const count = (hHi - hLo) * (wHi - wLo);
        const start = imageBase + hLo * rowStride + wLo * C;
        const spanW = (wHi - wLo) * C;
        for (let c = 0; c < C; c++) {
          const share = dy[yi++] / count;
          for (let h = hLo, rowBase = start + c; h < hHi; h++, rowBase += rowStride) {
            const rowEnd = rowBase + spanW;
            for (let s = rowBase; s < rowEnd; s += C) dx[s] += share;
          }
        }
      }
    }
  }
}
