// Direct filter gradient for multi-channel convolutions (LeNet conv2: 5×5×6×16 on 14×14), with no
// im2col matrix and no GEMM:
//   dW[ky, kx, ci, co] = Σ_{oy, ox} xp[oy·sh + ky, ox·sw + kx, ci] · dy[oy, ox, co]
// For one filter row ky and one output pixel, the (kx, ci) taps are kw·inC consecutive floats of the
// framed image xp, so a tile takes 2 consecutive taps × 16 output channels (8 accumulators; 3 taps
// × 8 channels where outC is not a multiple of 16) and sums over all output pixels of the image in
// registers. Measured on LeNet conv2, 1 thread: 5 taps × 8 (10 accumulators + 2 dy vectors + 1
// splat) ran 1.4× slower than the GEMM path it replaces (V8 spilled), 3 × 8 ran 0.69×, 2 × 16 0.6×.
// The partial dW[K, co] is read and written once per tile per image. The im2col + GEMM version wrote a 100×150 column matrix per image and ran
// the GEMM on 16 rows of C, which left its micro-kernel mostly idle.
import { madd } from './simd';

/** Taps per 8-channel tile (consecutive (kx, ci) positions of one filter row). */
const TAPS = 3;

/** Geometry of one call; the framed image has fh × fw pixels of inC floats. */
@unmanaged
export class FilterGradGeometry {
  inC: i32; outC: i32; kh: i32; kw: i32;
  strideH: i32; strideW: i32; outH: i32; outW: i32;
  fw: i32; // framed row length in pixels
}

/** Whether this kernel handles the shape: whole vectors of output channels, more than one input channel. */
export function filterGradDirectApplies(inC: i32, outC: i32): bool {
  return inC > 1 && outC % 4 == 0;
}

/**
 * partial[K, outC] += the filter gradient of one framed image xp with its dy [outH, outW, outC].
 * Tiles of 2 taps × 16 channels, then of 3 taps × 8 for channels left over, then 4-channel tiles;
 * a row's leftover taps go one at a time.
 */
export function filterGradImage(g: FilterGradGeometry, xp: usize, dy: usize, partial: usize): void {
  const rowTaps = g.kw * g.inC;
  const outC = g.outC;
  for (let ky = 0; ky < g.kh; ky++) {
    const k0 = ky * rowTaps;
    let co = 0;
    for (; co + 16 <= outC; co += 16) {
      let j = 0;
      for (; j + 2 <= rowTaps; j += 2) tile2x16(g, xp, dy, partial, ky, j, k0 + j, co);
      for (; j < rowTaps; j++) tile1x4(g, xp, dy, partial, ky, j, k0 + j, co, 4);
    }
    for (; co + 8 <= outC; co += 8) {
      let j = 0;
      for (; j + TAPS <= rowTaps; j += TAPS) tile3x8(g, xp, dy, partial, ky, j, k0 + j, co);
      for (; j < rowTaps; j++) tile1x4(g, xp, dy, partial, ky, j, k0 + j, co, 2);
    }
    if (co < outC) {
      for (let j = 0; j < rowTaps; j++) tile1x4(g, xp, dy, partial, ky, j, k0 + j, co, 1);
    }
  }
}

/** Taps j … j+2 of filter row ky × channels co … co+7, summed over the image's output pixels. */
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
  let xRow = xp + <usize>ky * rowBytes + (<usize>j << 2);
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
    for (let oy = 0; oy < g.outH; oy++) {
      let xr = xp + <usize>(oy * g.strideH + ky) * rowBytes + (<usize>j << 2);
      for (let ox = 0; ox < g.outW; ox++) {
        a = madd(v128.load32_splat(xr), v128.load(d), a);
        xr += pixelStep; d += dyPixel;
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
  let xRow = xp + <usize>ky * rowBytes + (<usize>j << 2);
  for (let oy = 0; oy < outH; oy++, xRow += rowStep) {
    let xr = xRow;
    for (let ox = 0; ox < outW; ox++) {
      const d0 = v128.load(d), d1 = v128.load(d, 16), d2 = v128.load(d, 32), d3 = v128.load(d, 48);
      let xv = v128.load32_splat(xr); a0 = madd(xv, d0, a0); a1 = madd(xv, d1, a1); a2 = madd(xv, d2, a2); a3 = madd(xv, d3, a3);
      xv = v128.load32_splat(xr, 4); b0 = madd(xv, d0, b0); b1 = madd(xv, d1, b1); b2 = madd(xv, d2, b2); b3 = madd(xv, d3, b3);
      xr += pixelStep; d += dyPixel;
    }
  }
  v128.store(out, a0); v128.store(out, a1, 16); v128.store(out, a2, 32); v128.store(out, a3, 48);
  v128.store(out + kStride, b0); v128.store(out + kStride, b1, 16); v128.store(out + kStride, b2, 32); v128.store(out + kStride, b3, 48);
}
