// Direct input gradient for stride-1 convolutions whose windows overlap little ('valid' LeNet conv2:
// 10×10 dy → 14×14×6 dx), with no dcol matrix and no scatter pass:
//   dxp[r, ox + kx, ci] = Σ_{ky, co} W[ky, kx, ci, co] · dy[r − ky, ox, co]
// dxp is dx framed with its padding. For one output pixel ox and one frame row r, the (kx, ci) taps
// are kw·inC consecutive floats of dxp, so a tile holds 16 taps of 2 neighbouring pixels (8
// accumulators; with 4 filter vectors and 1 splatted dy value, 13 live vectors: more spill in V8)
// and sums over every (ky, co) that reaches row r in registers before adding into the frame.
// The filter is transposed first into Wt[ky, co, taps] with the taps padded with zeros to a multiple
// of 16, so a tile never needs a tail (the frame has 16 floats of slack for the padded taps' zeros).
// The GEMM path (dcol = dY × Wᵀ, then each dcol row added along its window) ran its GEMM with
// K = outC = 16 and wrote and re-read a 150-float row per output pixel.
import { madd } from './simd';

/** Taps per tile and the padding unit of a filter row. */
const TAP_BLOCK = 16;

/** kw·inC rounded up to whole tiles. */
export function paddedTaps(kw: i32, inC: i32): i32 {
  return (kw * inC + TAP_BLOCK - 1) / TAP_BLOCK * TAP_BLOCK;
}

/** Whether the direct input gradient fits: stride 1 and at most 25% of each tile's taps are padding. */
export function inputGradDirectApplies(strideH: i32, strideW: i32, kw: i32, inC: i32): bool {
  return strideH == 1 && strideW == 1 && paddedTaps(kw, inC) * 4 <= kw * inC * 5;
}

/** Scratch floats: Wt, then the frame and its slack, then the geometry. */
export function inputGradDirectFloats(kh: i32, kw: i32, inC: i32, outC: i32, outH: i32, outW: i32): i32 {
  return kh * outC * paddedTaps(kw, inC) + (outH - 1 + kh) * (outW - 1 + kw) * inC + TAP_BLOCK + 8;
}

/** Wt[ky, co, t] = w[ky, kx, ci, co] for t = kx·inC + ci < kw·inC, else 0. */
function transposeFilter(w: usize, kh: i32, kw: i32, inC: i32, outC: i32, wt: usize): void {
  const taps = kw * inC, padded = paddedTaps(kw, inC);
  memory.fill(wt, 0, (<usize>kh * outC * padded) << 2);
  for (let ky = 0; ky < kh; ky++) {
    for (let t = 0; t < taps; t++) {
      const src = w + ((<usize>((ky * taps + t) * outC)) << 2);
      const dst = wt + ((<usize>(ky * outC * padded + t)) << 2);
      for (let co = 0; co < outC; co++) store<f32>(dst + ((<usize>co * padded) << 2), load<f32>(src + (<usize>co << 2)));
    }
  }
}

/** Geometry of one call (kept in scratch so the tiles take few arguments). */
@unmanaged
class InputGradGeometry {
  inC: i32; outC: i32; kh: i32; kw: i32; outH: i32; outW: i32;
  padded: i32; // taps per Wt row
  fw: i32;     // frame row length in pixels
}

/**
 * dx of images [begin, end) (overwritten) from dy [n, outH, outW, outC] and w [kh, kw, inC, outC];
 * stride 1, padding (padTop, padLeft); scratch holds inputGradDirectFloats.
 */
export function inputGradDirect(dy: usize, w: usize, dx: usize, inH: i32, inW: i32, inC: i32, kh: i32, kw: i32, outC: i32,
  padTop: i32, padLeft: i32, outH: i32, outW: i32, begin: i32, end: i32, scratch: usize): void {
  const padded = paddedTaps(kw, inC);
  const wt = scratch;
  const frame = wt + ((<usize>kh * outC * padded) << 2);
  const fh = outH - 1 + kh, fw = outW - 1 + kw;
  const frameFloats = fh * fw * inC + TAP_BLOCK;
  const geo = changetype<InputGradGeometry>(frame + (<usize>frameFloats << 2));
  geo.inC = inC; geo.outC = outC; geo.kh = kh; geo.kw = kw; geo.outH = outH; geo.outW = outW;
  geo.padded = padded; geo.fw = fw;
  transposeFilter(w, kh, kw, inC, outC, wt);
  const inImage = <usize>(inH * inW * inC) << 2;
  const outImage = <usize>(outH * outW * outC) << 2;
  // The part of the frame that lies inside dx (rows/columns no window covers get zeros).
  const y0 = max(0, padTop), y1 = min(fh, inH + padTop);
  const x0 = max(0, padLeft), x1 = min(fw, inW + padLeft);
  const frameRow = <usize>(fw * inC) << 2;
  const dxRow = <usize>(inW * inC) << 2;
  for (let n = begin; n < end; n++) {
    memory.fill(frame, 0, <usize>frameFloats << 2);
    const dyImage = dy + <usize>n * outImage;
    for (let r = 0; r < fh; r++) frameRowGrad(geo, dyImage, wt, frame + <usize>r * frameRow, r);
    const dxImage = dx + <usize>n * inImage;
    const covered = y1 > y0 && x1 > x0;
    if (!covered || y1 - y0 < inH || x1 - x0 < inW) memory.fill(dxImage, 0, inImage);
    if (!covered) continue;
    for (let fy = y0; fy < y1; fy++) {
      memory.copy(dxImage + <usize>(fy - padTop) * dxRow + ((<usize>((x0 - padLeft) * inC)) << 2),
        frame + <usize>fy * frameRow + ((<usize>(x0 * inC)) << 2), (<usize>((x1 - x0) * inC)) << 2);
    }
  }
}

/** Frame row r: every output pixel's taps, two pixels at a time, 16 taps per tile. */
function frameRowGrad(g: InputGradGeometry, dy: usize, wt: usize, row: usize, r: i32): void {
  const kyLo = max(0, r - g.outH + 1), kyHi = min(g.kh - 1, r);
  const pixelBytes = <usize>g.inC << 2;
  let ox = 0;
  for (; ox + 2 <= g.outW; ox += 2) {
    for (let t = 0; t < g.padded; t += TAP_BLOCK) tile2Pixels(g, dy, wt, row + <usize>ox * pixelBytes, r, ox, t, kyLo, kyHi);
  }
  if (ox < g.outW) {
    for (let t = 0; t < g.padded; t += TAP_BLOCK) tile1Pixel(g, dy, wt, row + <usize>ox * pixelBytes, r, ox, t, kyLo, kyHi);
  }
}

/** Taps t … t+15 of pixels ox and ox+1 in frame row r (at dst), summed over ky in [kyLo, kyHi] and co. */
function tile2Pixels(g: InputGradGeometry, dy: usize, wt: usize, dst: usize, r: i32, ox: i32, t: i32, kyLo: i32, kyHi: i32): void {
  const outC = g.outC;
  const wRow = <usize>g.padded << 2; // bytes per co
  let a0 = f32x4.splat(0), a1 = a0, a2 = a0, a3 = a0;
  let b0 = a0, b1 = a0, b2 = a0, b3 = a0;
  for (let ky = kyLo; ky <= kyHi; ky++) {
    let d = dy + ((<usize>(((r - ky) * g.outW + ox) * outC)) << 2);
    let wp = wt + ((<usize>(ky * outC * g.padded + t)) << 2);
    const dEnd = d + (<usize>outC << 2);
    const dNext = <usize>outC << 2;
    for (; d < dEnd; d += 4, wp += wRow) {
      const w0 = v128.load(wp), w1 = v128.load(wp, 16), w2 = v128.load(wp, 32), w3 = v128.load(wp, 48);
      let s = v128.load32_splat(d); a0 = madd(s, w0, a0); a1 = madd(s, w1, a1); a2 = madd(s, w2, a2); a3 = madd(s, w3, a3);
      s = v128.load32_splat(d + dNext); b0 = madd(s, w0, b0); b1 = madd(s, w1, b1); b2 = madd(s, w2, b2); b3 = madd(s, w3, b3);
    }
  }
  // Pixel ox+1's taps start inC floats after pixel ox's: the two sums overlap, added one after the other.
  const at = dst + (<usize>t << 2);
  v128.store(at, f32x4.add(v128.load(at), a0)); v128.store(at, f32x4.add(v128.load(at, 16), a1), 16);
  v128.store(at, f32x4.add(v128.load(at, 32), a2), 32); v128.store(at, f32x4.add(v128.load(at, 48), a3), 48);
  const bt = at + (<usize>g.inC << 2);
  v128.store(bt, f32x4.add(v128.load(bt), b0)); v128.store(bt, f32x4.add(v128.load(bt, 16), b1), 16);
  v128.store(bt, f32x4.add(v128.load(bt, 32), b2), 32); v128.store(bt, f32x4.add(v128.load(bt, 48), b3), 48);
}

/** tile2Pixels for one pixel (an odd row's last). */
function tile1Pixel(g: InputGradGeometry, dy: usize, wt: usize, dst: usize, r: i32, ox: i32, t: i32, kyLo: i32, kyHi: i32): void {
  const outC = g.outC;
  const wRow = <usize>g.padded << 2;
  let a0 = f32x4.splat(0), a1 = a0, a2 = a0, a3 = a0;
  for (let ky = kyLo; ky <= kyHi; ky++) {
    let d = dy + ((<usize>(((r - ky) * g.outW + ox) * outC)) << 2);
    let wp = wt + ((<usize>(ky * outC * g.padded + t)) << 2);
    const dEnd = d + (<usize>outC << 2);
    for (; d < dEnd; d += 4, wp += wRow) {
      const s = v128.load32_splat(d);
      a0 = madd(s, v128.load(wp), a0); a1 = madd(s, v128.load(wp, 16), a1);
      a2 = madd(s, v128.load(wp, 32), a2); a3 = madd(s, v128.load(wp, 48), a3);
    }
  }
  const at = dst + (<usize>t << 2);
  v128.store(at, f32x4.add(v128.load(at), a0)); v128.store(at, f32x4.add(v128.load(at, 16), a1), 16);
  v128.store(at, f32x4.add(v128.load(at, 32), a2), 32); v128.store(at, f32x4.add(v128.load(at, 48), a3), 48);
}
