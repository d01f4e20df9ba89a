// Direct filter gradient for multi-channel convolutions (LeNet conv2: 5×5×6×16 on 14×14), with no
// im2col matrix and no GEMM:
//   dW[ky, kx, ci, co] = Σ_{oy, ox} xp[oy·sh + ky, ox·sw + kx, ci] · dy[oy, ox, co]
// For one filter row ky and one output pixel, the (kx, ci) taps are kw·inC consecutive floats of the
// framed image xp. Where outC is a multiple of 8, a tile takes 5 consecutive taps × 8 output channels:
// one vector load gives taps 0-3 (each lane splatted by a shuffle), one splat load tap 4, 2 dy
// vectors: 4 loads and 10 accumulator chains per pixel (V8 keeps all 14 vectors in registers; the
// loads are all issued first, so only loads and accumulators count). Then 4 × 8 for a row's
// leftover taps, 2 taps × 16 / 3 × 8 / 1 × 4 for the rest. Each tile sums over every output pixel of
// all the call's images (read in place) in registers, so partial dW[K, co] is read and written once
// per tile per call. Measured on LeNet conv2 (30 taps = 6 tiles of 5), 1 thread, in-process A/B
// against the 2 × 16 tiles of one image at a time: 1.14-1.22× with the other core busy, 1.04× on
// a quiet machine; 4 × 8 with shuffles (8 chains) 0.98-1.02×, unrolled over 2 pixels 0.74-0.81×
// (V8 spilled). Earlier: 5 taps × 8 from 5 splat loads ran 1.4× slower than the GEMM path (spills).
// The im2col + GEMM version wrote a 100×150 column matrix per image and ran the GEMM on 16 rows of
// C, which left its micro-kernel mostly idle.
import { madd } from './simd';

/** Taps per 8-channel tile (consecutive (kx, ci) positions of one filter row). */
const TAPS = 3;

/** Geometry of one call; the framed image has fh × fw pixels of inC floats. */
@unmanaged
export class FilterGradGeometry {
  inC: i32; outC: i32; kh: i32; kw: i32;
  strideH: i32; strideW: i32; outH: i32; outW: i32;
  fw: i32; // framed row length in pixels
  images: i32;      // images per pass: each tile sums over all of them with its accumulators in registers
  xImageBytes: i32; // between consecutive framed images (their dy images are contiguous)
}

/** Whether this kernel handles the shape: whole vectors of output channels, more than one input channel. */
export function filterGradDirectApplies(inC: i32, outC: i32): bool {
  return inC > 1 && outC % 4 == 0;
}

/**
 * partial[K, outC] += the filter gradient of g.images framed images from xp (g.xImageBytes apart)
 * with their dy [images, outH, outW, outC]. Tiles run over every image before storing their sums.
 * Tiles of 5 then 4 taps × 8 channels (outC a multiple of 8); the remaining taps in tiles of 2 taps
 * × 16 channels, then of 3 taps × 8 for channels left over, then 4-channel tiles, one tap at a time.
 */
export function filterGradImages(g: FilterGradGeometry, xp: usize, dy: usize, partial: usize): void {
  const rowTaps = g.kw * g.inC;
  const outC = g.outC;
  for (let ky = 0; ky < g.kh; ky++) {
    const k0 = ky * rowTaps;
    // Groups of 5, then 4 taps (one input vector per pixel, its lanes splatted by shuffles).
    let j0 = 0;
    if (outC % 8 == 0) {
      for (; j0 + 5 <= rowTaps; j0 += 5) {
        for (let co = 0; co < outC; co += 8) tile5x8(g, xp, dy, partial, ky, j0, k0 + j0, co);
      }
      for (; j0 + 4 <= rowTaps; j0 += 4) {
        for (let co = 0; co < outC; co += 8) tile4x8(g, xp, dy, partial, ky, j0, k0 + j0, co);
      }
    }
    let co = 0;
    for (; co + 16 <= outC; co += 16) {
      let j = j0;
      for (; j + 2 <= rowTaps; j += 2) tile2x16(g, xp, dy, partial, ky, j, k0 + j, co);
      for (; j < rowTaps; j++) tile1x4(g, xp, dy, partial, ky, j, k0 + j, co, 4);
    }
    for (; co + 8 <= outC; co += 8) {
      let j = j0;
      for (; j + TAPS <= rowTaps; j += TAPS) tile3x8(g, xp, dy, partial, ky, j, k0 + j, co);
      for (; j < rowTaps; j++) tile1x4(g, xp, dy, partial, ky, j, k0 + j, co, 2);
    }
    if (co < outC) {
      for (let j = j0; j < rowTaps; j++) tile1x4(g, xp, dy, partial, ky, j, k0 + j, co, 1);
    }
  }
}

/** Taps j … j+2 of filter row ky × channels co … co+7, summed over the images' output pixels. */
function tile3x8(g: FilterGradGeometry, xp: usize, dy: usize, partial: usize, ky: i32, j: i32, k: i32, co: i32): void {
  const outC = g.outC;
  const rowBytes = <usize>(g.fw * g.inC) << 2;
  const pixelStep = <usize>(g.strideW * g.inC) << 2;
  const dyPixel = <usize>outC << 2;
  const out = partial + ((<usize>(k * outC + co)) << 2);
  const kStride = dyPixel; // partial rows are outC floats
  let a0 = v128.load(out), b0 = v128.load(out, 16);
  let a1 = v128.load(out + kStride), b1 = v128.load(out + kStride, 16);
  let a2 = v128.load(out + 2 * kStride), b2 = v128.load(out + 2 * kStride, 16);
  let d = dy + (<usize>co << 2);
  const outH = g.outH, outW = g.outW;
  const rowStep = <usize>g.strideH * rowBytes;
  const xFirst = xp + <usize>ky * rowBytes + (<usize>j << 2);
  for (let n = 0, xImage = xFirst; n < g.images; n++, xImage += <usize>g.xImageBytes) {
    let xRow = xImage;
    for (let oy = 0; oy < outH; oy++, xRow += rowStep) {
      let xr = xRow;
      for (let ox = 0; ox < outW; ox++) {
        const d0 = v128.load(d), d1 = v128.load(d, 16);
        let xv = v128.load32_splat(xr); a0 = madd(xv, d0, a0); b0 = madd(xv, d1, b0);
        xv = v128.load32_splat(xr, 4); a1 = madd(xv, d0, a1); b1 = madd(xv, d1, b1);
        xv = v128.load32_splat(xr, 8); a2 = madd(xv, d0, a2); b2 = madd(xv, d1, b2);
        xr += pixelStep; d += dyPixel;
      }
    }
  }
  v128.store(out, a0); v128.store(out, b0, 16);
  v128.store(out + kStride, a1); v128.store(out + kStride, b1, 16);
  v128.store(out + 2 * kStride, a2); v128.store(out + 2 * kStride, b2, 16);
}

/** One tap j of filter row ky × `vectors` (1 or 2) vectors of channels from co (the leftovers). */
function tile1x4(g: FilterGradGeometry, xp: usize, dy: usize, partial: usize, ky: i32, j: i32, k: i32, co: i32, vectors: i32): void {
  const outC = g.outC;
  const rowBytes = <usize>(g.fw * g.inC) << 2;
  const pixelStep = <usize>(g.strideW * g.inC) << 2;
  const dyPixel = <usize>outC << 2;
  for (let v = 0; v < vectors; v++) {
    const out = partial + ((<usize>(k * outC + co + 4 * v)) << 2);
    let a = v128.load(out);
    let d = dy + ((<usize>(co + 4 * v)) << 2);
    for (let n = 0, xImage = xp; n < g.images; n++, xImage += <usize>g.xImageBytes) {
      for (let oy = 0; oy < g.outH; oy++) {
        let xr = xImage + <usize>(oy * g.strideH + ky) * rowBytes + (<usize>j << 2);
        for (let ox = 0; ox < g.outW; ox++) {
          a = madd(v128.load32_splat(xr), v128.load(d), a);
          xr += pixelStep; d += dyPixel;
        }
      }
    }
    v128.store(out, a);
  }
}

/** Taps j, j+1 of filter row ky × channels co … co+15. */
function tile2x16(g: FilterGradGeometry, xp: usize, dy: usize, partial: usize, ky: i32, j: i32, k: i32, co: i32): void {
  const outC = g.outC;
  const rowBytes = <usize>(g.fw * g.inC) << 2;
  const pixelStep = <usize>(g.strideW * g.inC) << 2;
  const dyPixel = <usize>outC << 2;
  const out = partial + ((<usize>(k * outC + co)) << 2);
  const kStride = dyPixel;
  let a0 = v128.load(out), a1 = v128.load(out, 16), a2 = v128.load(out, 32), a3 = v128.load(out, 48);
  let b0 = v128.load(out + kStride), b1 = v128.load(out + kStride, 16), b2 = v128.load(out + kStride, 32), b3 = v128.load(out + kStride, 48);
  let d = dy + (<usize>co << 2);
  const outH = g.outH, outW = g.outW;
  const rowStep = <usize>g.strideH * rowBytes;
  const xFirst = xp + <usize>ky * rowBytes + (<usize>j << 2);
  for (let n = 0, xImage = xFirst; n < g.images; n++, xImage += <usize>g.xImageBytes) {
    let xRow = xImage;
    for (let oy = 0; oy < outH; oy++, xRow += rowStep) {
      let xr = xRow;
      for (let ox = 0; ox < outW; ox++) {
        const d0 = v128.load(d), d1 = v128.load(d, 16), d2 = v128.load(d, 32), d3 = v128.load(d, 48);
        let xv = v128.load32_splat(xr); a0 = madd(xv, d0, a0); a1 = madd(xv, d1, a1); a2 = madd(xv, d2, a2); a3 = madd(xv, d3, a3);
        xv = v128.load32_splat(xr, 4); b0 = madd(xv, d0, b0); b1 = madd(xv, d1, b1); b2 = madd(xv, d2, b2); b3 = madd(xv, d3, b3);
        xr += pixelStep; d += dyPixel;
      }
    }
  }
  v128.store(out, a0); v128.store(out, a1, 16); v128.store(out, a2, 32); v128.store(out, a3, 48);
  v128.store(out + kStride, b0); v128.store(out + kStride, b1, 16); v128.store(out + kStride, b2, 32); v128.store(out + kStride, b3, 48);
}

/**
 * Taps j … j+3 of filter row ky × channels co … co+7: one vector load of the 4 taps per pixel, each
 * lane splatted by a shuffle (not 4 splat loads), 2 dy vectors: 3 loads per 8 multiply-adds.
 */
function tile4x8(g: FilterGradGeometry, xp: usize, dy: usize, partial: usize, ky: i32, j: i32, k: i32, co: i32): void {
  tileTapsX8(g, xp, dy, partial, ky, j, k, co, false);
}

/** As tile4x8 with a fifth tap (splat from memory): 10 accumulator chains; rows of 30 taps split in 6. */
function tile5x8(g: FilterGradGeometry, xp: usize, dy: usize, partial: usize, ky: i32, j: i32, k: i32, co: i32): void {
  tileTapsX8(g, xp, dy, partial, ky, j, k, co, true);
}

/** tile4x8's body, and tile5x8's with `fifth` (a constant at each call site, so each gets its own loop). */
@inline function tileTapsX8(g: FilterGradGeometry, xp: usize, dy: usize, partial: usize, ky: i32, j: i32, k: i32, co: i32, fifth: bool): void {
  const outC = g.outC;
  const rowBytes = <usize>(g.fw * g.inC) << 2;
  const pixelStep = <usize>(g.strideW * g.inC) << 2;
  const dyPixel = <usize>outC << 2;
  const out = partial + ((<usize>(k * outC + co)) << 2);
  const kStride = dyPixel;
  let a0 = v128.load(out), b0 = v128.load(out, 16);
  let a1 = v128.load(out + kStride), b1 = v128.load(out + kStride, 16);
  let a2 = v128.load(out + 2 * kStride), b2 = v128.load(out + 2 * kStride, 16);
  let a3 = v128.load(out + 3 * kStride), b3 = v128.load(out + 3 * kStride, 16);
  let a4 = a0, b4 = b0;
  if (fifth) { a4 = v128.load(out + 4 * kStride); b4 = v128.load(out + 4 * kStride, 16); }
  let d = dy + (<usize>co << 2);
  const outH = g.outH, outW = g.outW;
  const rowStep = <usize>g.strideH * rowBytes;
  const xFirst = xp + <usize>ky * rowBytes + (<usize>j << 2);
  for (let n = 0, xImage = xFirst; n < g.images; n++, xImage += <usize>g.xImageBytes) {
    let xRow = xImage;
    for (let oy = 0; oy < outH; oy++, xRow += rowStep) {
      let xr = xRow;
      const dRowEnd = d + <usize>outW * dyPixel;
      while (d < dRowEnd) {
        const xv = v128.load(xr);
        const d0 = v128.load(d), d1 = v128.load(d, 16);
        let s = v128.shuffle<f32>(xv, xv, 0, 0, 0, 0); a0 = madd(s, d0, a0); b0 = madd(s, d1, b0);
        s = v128.shuffle<f32>(xv, xv, 1, 1, 1, 1); a1 = madd(s, d0, a1); b1 = madd(s, d1, b1);
        s = v128.shuffle<f32>(xv, xv, 2, 2, 2, 2); a2 = madd(s, d0, a2); b2 = madd(s, d1, b2);
        s = v128.shuffle<f32>(xv, xv, 3, 3, 3, 3); a3 = madd(s, d0, a3); b3 = madd(s, d1, b3);
        if (fifth) { s = v128.load32_splat(xr, 16); a4 = madd(s, d0, a4); b4 = madd(s, d1, b4); }
        xr += pixelStep; d += dyPixel;
      }
    }
  }
  v128.store(out, a0); v128.store(out, b0, 16);
  v128.store(out + kStride, a1); v128.store(out + kStride, b1, 16);
  v128.store(out + 2 * kStride, a2); v128.store(out + 2 * kStride, b2, 16);
  v128.store(out + 3 * kStride, a3); v128.store(out + 3 * kStride, b3, 16);
  if (fifth) { v128.store(out + 4 * kStride, a4); v128.store(out + 4 * kStride, b4, 16); }
}
