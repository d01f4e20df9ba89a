// Stride-1 convolutions of single-channel images (LeNet conv1: 5×5×1×6 on 28×28) with output pixels
// on the SIMD lanes. With one input channel, neighbouring output pixels read neighbouring input
// floats, so 4 pixels' inputs for one filter tap are one (unaligned) load, and every lane is useful:
// the channel-on-lanes tiles of conv-direct.ts fill 6 of 8 lanes here and do K = 25 steps per tile,
// and the im2col + dot-product filter gradient wrote a 25×HW column matrix per image.
//   forward          y[oy, ox, co]  = bias[co] + Σ_{ky, kx} xp[oy + ky, ox + kx] · W[ky, kx, co]
//   filter gradient  dW[ky, kx, co] = Σ_{oy, ox} xp[oy + ky, ox + kx] · dy[oy, ox, co]
// xp is the image framed with its padding (zeros), as in conv-direct.ts.
import { madd } from './simd';
import { DirectGeometry, copyIntoFrame } from './conv-direct';

/** Output channels the forward tiles cover (channels 0..3 in pass 1, 4..5 in pass 2). */
export const SINGLE_CHANNEL_MAX_OUT = 6;

/** a rounded up to a multiple of m. */
@inline function roundUp(a: i32, m: i32): i32 {
  return (a + m - 1) / m * m;
}

/**
 * One output row oy of a single-channel, stride-1 (along rows) convolution, in two passes over the
 * row so that every tile keeps 6 to 8 independent accumulator chains (FMA latency × throughput wants
 * 8; V8 spills past ~8 f32x4 accumulators, so 8 pixels × 6 channels in one tile spilled):
 *   pass 1: channels 0..3, tiles of 8 pixels × 4 channels: per tap 2 input loads + 4 weight splats
 *           per 8 multiply-adds;
 *   pass 2: channels 4, 5 (when outC > 4), tiles of 16 pixels × 2 channels (4 input loads + 2 splats
 *           per 8), the row's last outW mod 16 pixels as a 12- or 8-pixel tile.
 * A pass's last tile ends at the row's end, overlapping pixels already written (recomputed with the
 * same sums in the same order: the same values), so loads never pass the row's end and no tile of
 * fewer pixels waits on the FMA latency with 4 chains. Needs outW >= 8 (the dispatch's condition).
 * packed: filter panels as packFilter lays them out with nr = 8 ([K + 1, 8], bias last; channels
 * past outC are zero). relu is pmax(v, 0) (v < 0 ? 0 : v: one maxps; keeps NaN and -0 as the
 * reference's relu does; f32x4.max costs ~8 instructions in V8).
 * Measured on LeNet conv1 (32 × 28 × 28 × 1, 5 × 5 × 6), in-process A/B: the 8 × 4 / 16 × 2 passes
 * against 4 × 6 tiles 1.21×, 1.19×, 1.35×; pmax and the overlapping tails (instead of a 4 px × 6 ch
 * tile for the last 4 pixels and an 8 × 2 tile) 1.12×, 1.10×, 1.11× on a quiet machine, 1.02×-1.07×
 * (seven runs) with the other core busy.
 */
export function rowSingleChannel(g: DirectGeometry, xp: usize, packed: usize, yRow: usize, oy: i32, relu: bool): void {
  const rowBytes = <usize>g.wp << 2;
  const kh = g.kh, kw = g.kw, outW = g.outW, outC = g.outC;
  const pixelBytes = <usize>outC << 2;
  const biasAt = packed + ((<usize>(kh * kw) * 8) << 2);
  const rowBase = xp + <usize>(oy * g.strideH) * rowBytes;
  for (let ox = 0; ox < outW; ox += 8) {
    if (ox + 8 > outW) ox = outW - 8; // overlaps pixels already written: recomputed, same values
    tile8x4(rowBase + (<usize>ox << 2), rowBytes, kh, kw, packed, biasAt, yRow + <usize>ox * pixelBytes, pixelBytes, outC, relu);
  }
  if (outC <= 4) return;
  let ox = 0;
  for (; ox + 16 <= outW; ox += 16) {
    tile16x2(rowBase + (<usize>ox << 2), rowBytes, kh, kw, packed, biasAt, yRow + <usize>ox * pixelBytes, pixelBytes, outC, relu);
  }
  // The last outW mod 16 pixels: tiles ending at the row's end (overlapping), none with fewer than
  // 6 accumulator chains where the row allows (tile8x2's 4 chains wait on the FMA latency).
  const rest = outW - ox;
  if (rest == 0) return;
  if (rest > 12 && outW >= 16) {
    tile16x2(rowBase + (<usize>(outW - 16) << 2), rowBytes, kh, kw, packed, biasAt, yRow + <usize>(outW - 16) * pixelBytes, pixelBytes, outC, relu);
    return;
  }
  if (rest > 8 && outW >= 12) {
    if (rest > 12) tile8x2(rowBase + (<usize>ox << 2), rowBytes, kh, kw, packed, biasAt, yRow + <usize>ox * pixelBytes, pixelBytes, outC, relu);
    tile12x2(rowBase + (<usize>(outW - 12) << 2), rowBytes, kh, kw, packed, biasAt, yRow + <usize>(outW - 12) * pixelBytes, pixelBytes, outC, relu);
    return;
  }
  if (rest > 8) tile8x2(rowBase + (<usize>ox << 2), rowBytes, kh, kw, packed, biasAt, yRow + <usize>ox * pixelBytes, pixelBytes, outC, relu);
  tile8x2(rowBase + (<usize>(outW - 8) << 2), rowBytes, kh, kw, packed, biasAt, yRow + <usize>(outW - 8) * pixelBytes, pixelBytes, outC, relu);
}

/** Channels 0..3 of 8 pixels starting at input x (row ky = 0, column of the first pixel). */
function tile8x4(x: usize, rowBytes: usize, kh: i32, kw: i32, packed: usize, biasAt: usize, out: usize, pixelBytes: usize, outC: i32, relu: bool): void {
  let a0 = v128.load32_splat(biasAt), a1 = v128.load32_splat(biasAt, 4), a2 = v128.load32_splat(biasAt, 8), a3 = v128.load32_splat(biasAt, 12);
  let b0 = a0, b1 = a1, b2 = a2, b3 = a3;
  let wp = packed;
  for (let ky = 0; ky < kh; ky++) {
    let xr = x + <usize>ky * rowBytes;
    for (let kx = 0; kx < kw; kx++) {
      const x0 = v128.load(xr), x1 = v128.load(xr, 16);
      let wv = v128.load32_splat(wp); a0 = madd(x0, wv, a0); b0 = madd(x1, wv, b0);
      wv = v128.load32_splat(wp, 4); a1 = madd(x0, wv, a1); b1 = madd(x1, wv, b1);
      wv = v128.load32_splat(wp, 8); a2 = madd(x0, wv, a2); b2 = madd(x1, wv, b2);
      wv = v128.load32_splat(wp, 12); a3 = madd(x0, wv, a3); b3 = madd(x1, wv, b3);
      xr += 4; wp += 32;
    }
  }
  if (relu) {
    const zero = f32x4.splat(0);
    a0 = f32x4.pmax(a0, zero); a1 = f32x4.pmax(a1, zero); a2 = f32x4.pmax(a2, zero); a3 = f32x4.pmax(a3, zero);
    b0 = f32x4.pmax(b0, zero); b1 = f32x4.pmax(b1, zero); b2 = f32x4.pmax(b2, zero); b3 = f32x4.pmax(b3, zero);
  }
  storeQuad(out, pixelBytes, outC, a0, a1, a2, a3);
  storeQuad(out + 4 * pixelBytes, pixelBytes, outC, b0, b1, b2, b3);
}

/** Channels 4, 5 of 16 pixels. */
function tile16x2(x: usize, rowBytes: usize, kh: i32, kw: i32, packed: usize, biasAt: usize, out: usize, pixelBytes: usize, outC: i32, relu: bool): void {
  tilePixelsX2(x, rowBytes, kh, kw, packed, biasAt, out, pixelBytes, outC, relu, 4);
}

/** Channels 4, 5 of 12 pixels. */
function tile12x2(x: usize, rowBytes: usize, kh: i32, kw: i32, packed: usize, biasAt: usize, out: usize, pixelBytes: usize, outC: i32, relu: bool): void {
  tilePixelsX2(x, rowBytes, kh, kw, packed, biasAt, out, pixelBytes, outC, relu, 3);
}

/** Channels 4, 5 of 8 pixels. */
function tile8x2(x: usize, rowBytes: usize, kh: i32, kw: i32, packed: usize, biasAt: usize, out: usize, pixelBytes: usize, outC: i32, relu: bool): void {
  tilePixelsX2(x, rowBytes, kh, kw, packed, biasAt, out, pixelBytes, outC, relu, 2);
}

/**
 * Channels 4, 5 of 4·vectors pixels (vectors = 2, 3 or 4, a constant at each call site, so the unused
 * accumulators fold away and each caller gets its own straight-line loop).
 */
@inline function tilePixelsX2(
  x: usize, rowBytes: usize, kh: i32, kw: i32, packed: usize, biasAt: usize, out: usize, pixelBytes: usize, outC: i32, relu: bool, vectors: i32,
): void {
  let p0 = v128.load32_splat(biasAt, 16), q0 = v128.load32_splat(biasAt, 20);
  let p1 = p0, p2 = p0, p3 = p0, q1 = q0, q2 = q0, q3 = q0;
  let wp = packed + 16;
  for (let ky = 0; ky < kh; ky++) {
    let xr = x + <usize>ky * rowBytes;
    for (let kx = 0; kx < kw; kx++) {
      const w4 = v128.load32_splat(wp), w5 = v128.load32_splat(wp, 4);
      let xv = v128.load(xr); p0 = madd(xv, w4, p0); q0 = madd(xv, w5, q0);
      xv = v128.load(xr, 16); p1 = madd(xv, w4, p1); q1 = madd(xv, w5, q1);
      if (vectors > 2) { xv = v128.load(xr, 32); p2 = madd(xv, w4, p2); q2 = madd(xv, w5, q2); }
      if (vectors > 3) { xv = v128.load(xr, 48); p3 = madd(xv, w4, p3); q3 = madd(xv, w5, q3); }
      xr += 4; wp += 32;
    }
  }
  if (relu) {
    const zero = f32x4.splat(0);
    p0 = f32x4.pmax(p0, zero); p1 = f32x4.pmax(p1, zero); q0 = f32x4.pmax(q0, zero); q1 = f32x4.pmax(q1, zero);
    if (vectors > 2) { p2 = f32x4.pmax(p2, zero); q2 = f32x4.pmax(q2, zero); }
    if (vectors > 3) { p3 = f32x4.pmax(p3, zero); q3 = f32x4.pmax(q3, zero); }
  }
  storePair(out, pixelBytes, outC, p0, q0);
  storePair(out + 4 * pixelBytes, pixelBytes, outC, p1, q1);
  if (vectors > 2) storePair(out + 8 * pixelBytes, pixelBytes, outC, p2, q2);
  if (vectors > 3) storePair(out + 12 * pixelBytes, pixelBytes, outC, p3, q3);
}

/** c0..c3 = channels 0..3 of 4 pixels (pixels on lanes): their first min(outC, 4) channels to NHWC out. */
@inline function storeQuad(out: usize, pixelBytes: usize, outC: i32, c0: v128, c1: v128, c2: v128, c3: v128): void {
  const t0 = v128.shuffle<f32>(c0, c1, 0, 4, 1, 5), t1 = v128.shuffle<f32>(c2, c3, 0, 4, 1, 5);
  const t2 = v128.shuffle<f32>(c0, c1, 2, 6, 3, 7), t3 = v128.shuffle<f32>(c2, c3, 2, 6, 3, 7);
  const q0 = v128.shuffle<f32>(t0, t1, 0, 1, 4, 5), q1 = v128.shuffle<f32>(t0, t1, 2, 3, 6, 7);
  const q2 = v128.shuffle<f32>(t2, t3, 0, 1, 4, 5), q3 = v128.shuffle<f32>(t2, t3, 2, 3, 6, 7);
  if (outC >= 4) {
    v128.store(out, q0); v128.store(out + pixelBytes, q1); v128.store(out + 2 * pixelBytes, q2); v128.store(out + 3 * pixelBytes, q3);
    return;
  }
  storeFirstLanes(out, outC, q0); storeFirstLanes(out + pixelBytes, outC, q1);
  storeFirstLanes(out + 2 * pixelBytes, outC, q2); storeFirstLanes(out + 3 * pixelBytes, outC, q3);
}

/** The first n (1..3) lanes of q to at. */
@inline function storeFirstLanes(at: usize, n: i32, q: v128): void {
  store<f32>(at, f32x4.extract_lane(q, 0));
  if (n > 1) store<f32>(at, f32x4.extract_lane(q, 1), 4);
  if (n > 2) store<f32>(at, f32x4.extract_lane(q, 2), 8);
}

/** c4, c5 = channels 4, 5 of 4 pixels: written at channel 4 (and 5 when outC is 6) of each pixel. */
@inline function storePair(out: usize, pixelBytes: usize, outC: i32, c4: v128, c5: v128): void {
  if (outC == 6) {
    const r01 = v128.shuffle<f32>(c4, c5, 0, 4, 1, 5), r23 = v128.shuffle<f32>(c4, c5, 2, 6, 3, 7);
    v128.store64_lane(out, r01, 0, 16); v128.store64_lane(out + pixelBytes, r01, 1, 16);
    v128.store64_lane(out + 2 * pixelBytes, r23, 0, 16); v128.store64_lane(out + 3 * pixelBytes, r23, 1, 16);
    return;
  }
  store<f32>(out, f32x4.extract_lane(c4, 0), 16); store<f32>(out + pixelBytes, f32x4.extract_lane(c4, 1), 16);
  store<f32>(out + 2 * pixelBytes, f32x4.extract_lane(c4, 2), 16); store<f32>(out + 3 * pixelBytes, f32x4.extract_lane(c4, 3), 16);
}

// ---- filter gradient ----------------------------------------------------------------------------
// Accumulators: for each (ky, pair of output channels, group of 5 kx), 10 f32x4 partial sums over
// pixels (lanes = 4 pixel positions), kept in scratch between images and summed across lanes at the
// end. The inner loop streams one image: 1 input load + 2 dy loads per 10 multiply-adds (the inputs
// at kx = 1..3 are lane shifts of those at kx = 0 and 4), and 10 accumulators + 2 dy + 3 inputs fit
// V8's 15 vector registers (3 channels × 5 spilled).

/** Output channels per block of accumulators, and filter columns per group. */
const BLOCK_C = 2, GROUP_X = 5, BLOCK_ACC = BLOCK_C * GROUP_X;

/** Row stride of the transposed dy planes (a multiple of 4; the padding lanes hold zeros). */
@inline function dyStride(outW: i32): i32 { return roundUp(outW, 4); }
/** Width of the input frame: every 4-pixel vector of every kx in a group lies inside it. */
@inline function frameWidth(outW: i32, kw: i32): i32 { return dyStride(outW) + roundUp(kw, GROUP_X) - 1; }

/** Scratch floats filterGradSingleChannel needs after the partial dWᵀ. */
export function filterGradSingleChannelFloats(outH: i32, outW: i32, outC: i32, kh: i32, kw: i32): i32 {
  const accumulators = kh * roundUp(outC, BLOCK_C) * roundUp(kw, GROUP_X) * 4;
  const dyT = roundUp(outC, BLOCK_C) * outH * dyStride(outW);
  const frame = (outH + kh - 1) * frameWidth(outW, kw);
  return accumulators + dyT + frame;
}

/**
 * Images [begin, end) of dWᵀ[outC, K] (K = kh·kw) for single-channel images x [h, w] (padding top,
 * left) and dy [outH, outW, outC], stride 1; written (not added) to partial. work: scratch of
 * filterGradSingleChannelFloats floats.
 */
export function filterGradSingleChannel(
  x: usize, h: i32, w: i32, top: i32, left: i32, dy: usize, outH: i32, outW: i32, outC: i32, kh: i32, kw: i32,
  begin: i32, end: i32, partial: usize, work: usize,
): void {
  const blocks = roundUp(outC, BLOCK_C) / BLOCK_C, groups = roundUp(kw, GROUP_X) / GROUP_X;
  const accFloats = kh * blocks * groups * BLOCK_ACC * 4;
  const stride = dyStride(outW);
  const plane = outH * stride;
  const acc = work;
  const dyT = acc + ((<usize>accFloats) << 2);
  const frame = dyT + ((<usize>blocks * BLOCK_C * plane) << 2);
  const fh = outH + kh - 1, fw = frameWidth(outW, kw);
  memory.fill(acc, 0, <usize>accFloats << 2);
  memory.fill(dyT, 0, (<usize>blocks * BLOCK_C * plane) << 2); // padding lanes and channels stay zero
  memory.fill(frame, 0, (<usize>fh * fw) << 2); // every image writes the same interior: the border stays zero
  for (let n = begin; n < end; n++) {
    copyIntoFrame(x + ((<usize>n * h * w) << 2), h, w, 1, frame, fh, fw, top, left);
    transposeToPlanes(dy + ((<usize>n * outH * outW * outC) << 2), dyT, outH, outW, outC, stride);
    let a = acc;
    for (let ky = 0; ky < kh; ky++) {
      for (let cb = 0; cb < blocks; cb++) {
        const d = dyT + ((<usize>cb * BLOCK_C * plane) << 2);
        for (let kg = 0; kg < groups; kg++) {
          accumulateBlock(frame + ((<usize>(ky * fw + kg * GROUP_X)) << 2), <usize>fw << 2, d, <usize>plane << 2, outH, stride, a);
          a += BLOCK_ACC * 16;
        }
      }
    }
  }
  // Sum each accumulator's lanes into dWᵀ[co, ky·kw + kx].
  const kDim = kh * kw;
  let a = acc;
  for (let ky = 0; ky < kh; ky++) {
    for (let cb = 0; cb < blocks; cb++) {
      for (let kg = 0; kg < groups; kg++) {
        for (let j = 0; j < GROUP_X; j++) {
          for (let c = 0; c < BLOCK_C; c++) {
            const kx = kg * GROUP_X + j, co = cb * BLOCK_C + c;
            const v = v128.load(a + ((<usize>(j * BLOCK_C + c)) << 4));
            if (kx < kw && co < outC) {
              const sum = f32x4.extract_lane(v, 0) + f32x4.extract_lane(v, 1) + f32x4.extract_lane(v, 2) + f32x4.extract_lane(v, 3);
              store<f32>(partial + ((<usize>(co * kDim + ky * kw + kx)) << 2), sum);
            }
          }
        }
        a += BLOCK_ACC * 16;
      }
    }
  }
}

/**
 * dyT[co, oy, ox] = dy[oy, ox, co] (row stride `stride`; lanes past outW are left as they are: zero).
 * Four pixels at a time are transposed in registers when outC is 6 (LeNet) or a multiple of 4.
 */
function transposeToPlanes(dy: usize, dyT: usize, outH: i32, outW: i32, outC: i32, stride: i32): void {
  const plane = <usize>(outH * stride) << 2;
  const pixelBytes = <usize>outC << 2;
  const vectorised = outC == 6 || (outC & 3) == 0;
  for (let oy = 0; oy < outH; oy++) {
    const src = dy + <usize>oy * outW * pixelBytes;
    const dst = dyT + ((<usize>oy * stride) << 2);
    let ox = 0;
    if (vectorised) {
      for (; ox + 4 <= outW; ox += 4) {
        const p = src + <usize>ox * pixelBytes, at = dst + (<usize>ox << 2);
        for (let c = 0; c + 4 <= outC; c += 4) transpose4(p + (<usize>c << 2), pixelBytes, at + <usize>c * plane, plane);
        if (outC == 6) {
          // Channels 4, 5 of 4 pixels: (c4, c5) pairs → two planes.
          const lo = v128.load64_zero(p + 16), l1 = v128.load64_lane(p + pixelBytes + 16, lo, 1);
          const hi = v128.load64_zero(p + 2 * pixelBytes + 16), h1 = v128.load64_lane(p + 3 * pixelBytes + 16, hi, 1);
          v128.store(at + 4 * plane, v128.shuffle<f32>(l1, h1, 0, 2, 4, 6));
          v128.store(at + 5 * plane, v128.shuffle<f32>(l1, h1, 1, 3, 5, 7));
        }
      }
    }
    for (; ox < outW; ox++) {
      const p = src + <usize>ox * pixelBytes;
      for (let co = 0; co < outC; co++) store<f32>(dst + <usize>co * plane + (<usize>ox << 2), load<f32>(p + (<usize>co << 2)));
    }
  }
}

/** 4 rows of 4 floats (`rowBytes` apart) at src → 4 columns stored `colBytes` apart at dst. */
@inline function transpose4(src: usize, rowBytes: usize, dst: usize, colBytes: usize): void {
  const a0 = v128.load(src), a1 = v128.load(src + rowBytes), a2 = v128.load(src + 2 * rowBytes), a3 = v128.load(src + 3 * rowBytes);
  const t0 = v128.shuffle<f32>(a0, a1, 0, 4, 1, 5), t1 = v128.shuffle<f32>(a2, a3, 0, 4, 1, 5);
  const t2 = v128.shuffle<f32>(a0, a1, 2, 6, 3, 7), t3 = v128.shuffle<f32>(a2, a3, 2, 6, 3, 7);
  v128.store(dst, v128.shuffle<f32>(t0, t1, 0, 1, 4, 5));
  v128.store(dst + colBytes, v128.shuffle<f32>(t0, t1, 2, 3, 6, 7));
  v128.store(dst + 2 * colBytes, v128.shuffle<f32>(t2, t3, 0, 1, 4, 5));
  v128.store(dst + 3 * colBytes, v128.shuffle<f32>(t2, t3, 2, 3, 6, 7));
}

/**
 * acc[j·2 + c] += Σ over pixels of x[oy, ox + j] · d[c][oy, ox] for j < 5, c < 2: x starts at the
 * frame row of ky and column kx0 of this group; d at the first of 2 dy planes. One input load per
 * step: the vectors at j = 1, 2, 3 are lane shifts (one palignr each) of those at j = 0 and 4 (xa,
 * xb), and xb is the next step's xa; reading x at j = 1..3 directly (5 unaligned loads per step)
 * was 1.61× and 1.92× slower on LeNet conv1 (in-process A/B).
 */
function accumulateBlock(x: usize, xRowBytes: usize, d: usize, planeBytes: usize, outH: i32, stride: i32, acc: usize): void {
  let s00 = v128.load(acc), s01 = v128.load(acc, 16), s10 = v128.load(acc, 32), s11 = v128.load(acc, 48);
  let s20 = v128.load(acc, 64), s21 = v128.load(acc, 80), s30 = v128.load(acc, 96), s31 = v128.load(acc, 112);
  let s40 = v128.load(acc, 128), s41 = v128.load(acc, 144);
  for (let oy = 0; oy < outH; oy++) {
    let xp = x + <usize>oy * xRowBytes;
    let dp = d + ((<usize>oy * stride) << 2);
    const dEnd = dp + ((<usize>stride) << 2);
    let xa = v128.load(xp);
    while (dp < dEnd) {
      const d0 = v128.load(dp), d1 = v128.load(dp + planeBytes);
      const xb = v128.load(xp, 16);
      s00 = madd(xa, d0, s00); s01 = madd(xa, d1, s01);
      let xv = v128.shuffle<f32>(xa, xb, 1, 2, 3, 4); s10 = madd(xv, d0, s10); s11 = madd(xv, d1, s11);
      xv = v128.shuffle<f32>(xa, xb, 2, 3, 4, 5); s20 = madd(xv, d0, s20); s21 = madd(xv, d1, s21);
      xv = v128.shuffle<f32>(xa, xb, 3, 4, 5, 6); s30 = madd(xv, d0, s30); s31 = madd(xv, d1, s31);
      s40 = madd(xb, d0, s40); s41 = madd(xb, d1, s41);
      xa = xb; xp += 16; dp += 16;
    }
  }
  v128.store(acc, s00); v128.store(acc, s01, 16); v128.store(acc, s10, 32); v128.store(acc, s11, 48);
  v128.store(acc, s20, 64); v128.store(acc, s21, 80); v128.store(acc, s30, 96); v128.store(acc, s31, 112);
  v128.store(acc, s40, 128); v128.store(acc, s41, 144);
}
