/**
 * im2col / col2im over a range of output pixels, for convolutions as matrix products.
 *
 * Output pixels are numbered row-major over (batch, outH, outW); pixel r's patch is row r of the
 * column matrix, K = kh·kw·inC wide, ordered (i, j, c) — the same order as w's first three axes,
 * so col · w (w seen as K × outC) is the convolution. In NHWC the kw·inC values of one window row
 * are contiguous in x, so each (pixel, i) is a single block copy plus zeros where it overhangs padding.
 */
import type { Conv2DInfo } from './shape.js';

/** Writes patches of pixels [rowStart, rowStart + rowCount) into col (rowCount × K, row-major). */
export function im2colRows(x: Float64Array, info: Conv2DInfo, rowStart: number, rowCount: number, col: Float64Array): void {
  const { inH, inW, inC, kh, kw, strideH, strideW, padTop, padLeft, outH, outW } = info;
  const rowLen = kw * inC;
  let b = Math.floor(rowStart / (outH * outW));
  let oh = Math.floor(rowStart / outW) % outH;
  let ow = rowStart % outW;
  let d = 0;
  for (let r = 0; r < rowCount; r++) {
    const ih0 = oh * strideH - padTop;
    const iw0 = ow * strideW - padLeft;
    // the window's columns that fall inside the image: j in [jLo, jHi)
    const jLo = iw0 < 0 ? -iw0 : 0;
    const jHi = Math.min(kw, inW - iw0);
    const imageBase = b * inH * inW * inC;
    for (let i = 0; i < kh; i++) {
      const ih = ih0 + i;
      if (ih < 0 || ih >= inH || jHi <= jLo) {
        col.fill(0, d, d + rowLen);
        d += rowLen;
        continue;
      }
      const lead = jLo * inC;
      const copy = (jHi - jLo) * inC;
      for (let t = 0; t < lead; t++) col[d + t] = 0;
      let s = imageBase + (ih * inW + iw0 + jLo) * inC;
      const end = d + lead + copy;
      for (let t = d + lead; t < end; t++, s++) col[t] = x[s];
      for (let t = end; t < d + rowLen; t++) col[t] = 0;
      d += rowLen;
    }
    if (++ow === outW) {
      ow = 0;
      if (++oh === outH) { oh = 0; b++; }
    }
  }
}

/** Adds each patch row of col (rowCount × K) back onto dx at the positions im2colRows read from. */
export function col2imRowsAdd(col: Float64Array, info: Conv2DInfo, rowStart: number, rowCount: number, dx: Float64Array): void {
  const { inH, inW, inC, kh, kw, strideH, strideW, padTop, padLeft, outH, outW } = info;
  const rowLen = kw * inC;
  let b = Math.floor(rowStart / (outH * outW));
  let oh = Math.floor(rowStart / outW) % outH;
  let ow = rowStart % outW;
  let d = 0;
  for (let r = 0; r < rowCount; r++) {
    const ih0 = oh * strideH - padTop;
    const iw0 = ow * strideW - padLeft;
    const jLo = iw0 < 0 ? -iw0 : 0;
    const jHi = Math.min(kw, inW - iw0);
    const imageBase = b * inH * inW * inC;
    for (let i = 0; i < kh; i++, d += rowLen) {
      const ih = ih0 + i;
      if (ih < 0 || ih >= inH || jHi <= jLo) continue;
      let s = imageBase + (ih * inW + iw0 + jLo) * inC;
      const end = d + jHi * inC;
      for (let t = d + jLo * inC; t < end; t++, s++) dx[s] += col[t];
    }
    if (++ow === outW) {
      ow = 0;
      if (++oh === outH) { oh = 0; b++; }
    }
  }
}
