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
import { commitFloat64, imagesPerChunk, outputAsFloat64, readAsFloat64 } from './float64-views.js';

// scratch slots of float64-views.ts
const SLOT_IN = 2, SLOT_OUT = 3, SLOT_GRAD = 4;

/**
 * The public kernels below are the dtype boundary (see float64-views.ts): they walk the batch in
 * chunks of whole images and hand the Float64Array-only loops further down float64 views or
 * converted copies, so those loops stay monomorphic whichever dtypes the process uses.
 */
function chunks(info: Pool2DInfo): { inImage: number; outImage: number; step: number } {
  const inImage = info.inH * info.inW * info.channels;
  const outImage = info.outH * info.outW * info.channels;
  return { inImage, outImage, step: imagesPerChunk(2 * inImage + outImage, info.batch) };
}

export function maxPoolForward(x: FloatArray, info: Pool2DInfo, y: FloatArray): void {
  forwardChunks(x, info, y, maxPoolForward64);
}

export function avgPoolForward(x: FloatArray, info: Pool2DInfo, y: FloatArray): void {
  forwardChunks(x, info, y, avgPoolForward64);
}

function forwardChunks(
  x: FloatArray, info: Pool2DInfo, y: FloatArray,
  core: (x: Float64Array, info: Pool2DInfo, y: Float64Array) => void,
): void {
  const { inImage, outImage, step } = chunks(info);
  for (let b0 = 0; b0 < info.batch; b0 += step) {
    const nb = Math.min(step, info.batch - b0);
    const x64 = readAsFloat64(x, b0 * inImage, nb * inImage, SLOT_IN);
    const y64 = outputAsFloat64(y, b0 * outImage, nb * outImage, SLOT_OUT);
    core(x64, { ...info, batch: nb }, y64);
    commitFloat64(y, b0 * outImage, y64);
  }
}

export function maxPoolBackward(
  dy: FloatArray, x: FloatArray, info: Pool2DInfo, ties: 'all' | 'first', dx: FloatArray,
): void {
  const { inImage, outImage, step } = chunks(info);
  for (let b0 = 0; b0 < info.batch; b0 += step) {
    const nb = Math.min(step, info.batch - b0);
    const dy64 = readAsFloat64(dy, b0 * outImage, nb * outImage, SLOT_GRAD);
    const x64 = readAsFloat64(x, b0 * inImage, nb * inImage, SLOT_IN);
    const dx64 = outputAsFloat64(dx, b0 * inImage, nb * inImage, SLOT_OUT);
    maxPoolBackward64(dy64, x64, { ...info, batch: nb }, ties, dx64);
    commitFloat64(dx, b0 * inImage, dx64);
  }
}

export function avgPoolBackward(dy: FloatArray, info: Pool2DInfo, dx: FloatArray): void {
  const { inImage, outImage, step } = chunks(info);
  for (let b0 = 0; b0 < info.batch; b0 += step) {
    const nb = Math.min(step, info.batch - b0);
    const dy64 = readAsFloat64(dy, b0 * outImage, nb * outImage, SLOT_GRAD);
    const dx64 = outputAsFloat64(dx, b0 * inImage, nb * inImage, SLOT_OUT);
    avgPoolBackward64(dy64, { ...info, batch: nb }, dx64);
    commitFloat64(dx, b0 * inImage, dx64);
  }
}

/** Offsets of a window's kh·kw cells from its top-left cell, in row-major order. */
function windowOffsets(info: Pool2DInfo): Int32Array {
  const { inW, channels: C, kh, kw } = info;
  const offs = new Int32Array(kh * kw);
  for (let i = 0, q = 0; i < kh; i++) for (let j = 0; j < kw; j++) offs[q++] = (i * inW + j) * C;
  return offs;
}

/** True when window (oh, ow) lies wholly inside the image (always, with 'valid' padding). */
function interior(info: Pool2DInfo, h0: number, w0: number): boolean {
  return h0 >= 0 && w0 >= 0 && h0 + info.kh <= info.inH && w0 + info.kw <= info.inW;
}

function maxPoolForward64(x: Float64Array, info: Pool2DInfo, y: Float64Array): void {
  const { batch, inH, inW, channels: C, kh, kw, strideH, strideW, padTop, padLeft, outH, outW } = info;
  const rowStride = inW * C;
  const offs = windowOffsets(info);
  const cells = kh * kw;
  const is2x2 = kh === 2 && kw === 2;
  let yi = 0;
  for (let b = 0; b < batch; b++) {
    const imageBase = b * inH * rowStride;
    for (let oh = 0; oh < outH; oh++) {
      const h0 = oh * strideH - padTop;
      const hLo = Math.max(h0, 0), hHi = Math.min(h0 + kh, inH);
      for (let ow = 0; ow < outW; ow++) {
        const w0 = ow * strideW - padLeft;
        if (interior(info, h0, w0)) {
          // whole window inside: one flat loop over precomputed cell offsets (fully unrolled for 2×2)
          const corner = imageBase + h0 * rowStride + w0 * C;
          for (let c = 0, s = corner; c < C; c++, s++) {
            let m = x[s];
            if (is2x2) {
              let v = x[s + C];
              if (v > m || v !== v) m = v;
              v = x[s + rowStride];
              if (v > m || v !== v) m = v;
              v = x[s + rowStride + C];
              if (v > m || v !== v) m = v;
            } else {
              for (let q = 1; q < cells; q++) {
                const v = x[s + offs[q]];
                if (v > m || v !== v) m = v;
              }
            }
            y[yi++] = m;
          }
          continue;
        }
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

function avgPoolForward64(x: Float64Array, info: Pool2DInfo, y: Float64Array): void {
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

function maxPoolBackward64(
  dy: Float64Array, x: Float64Array, info: Pool2DInfo, ties: 'all' | 'first', dx: Float64Array,
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

function avgPoolBackward64(dy: Float64Array, info: Pool2DInfo, dx: Float64Array): void {
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
