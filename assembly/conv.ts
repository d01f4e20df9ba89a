// Convolutions (NHWC input, filters [kh, kw, inC, outC]; K = kh·kw·inC in the filter's order,
// HW = outH·outW); each thread works on whole images:
//   forward          direct tiles (conv-direct.ts) when outC <= 16 or a multiple of 16; else
//                    Y_nᵀ[outC, HW] = Wᵀ[outC, K] × colT (im2col, GEMM, then transpose + bias, relu)
//   backprop input   direct on dy framed for a full convolution when that wastes little ('same',
//                    stride 1); else direct tiles of dx taps (conv-input-grad.ts) for stride 1; else dcol[pixels, K] = dY × Wᵀ for a few images (one GEMM),
//                    each dcol row added back along its window
//   backprop filter  direct tiles (conv-filter-grad.ts) when inC > 1 and outC is whole vectors:
//                    dW[K, outC] += Σ_pixels x-taps · dy; else dWᵀ[outC, K] += dY_nᵀ × col
//                    (per-thread partial, summed after)
import { gemmRows, gemmScratchFloats } from './gemm';
import { madd } from './simd';
import { convDirect, directScratchFloats, maxPoolRows } from './conv-direct';
import { filterGradSingleChannel, filterGradSingleChannelFloats } from './conv-single-channel';
import { FilterGradGeometry, filterGradDirectApplies, filterGradImages } from './conv-filter-grad';
import { copyIntoFrame } from './conv-direct';
import { inputGradDirect, inputGradDirectApplies, inputGradDirectFloats } from './conv-input-grad';

/** Geometry and buffers, laid out by the JavaScript wrapper as consecutive 32-bit slots. */
@unmanaged
class ConvParams {
  a: u32;      // forward: x; backprop input: dy; backprop filter: x
  b: u32;      // forward: w; backprop input: w;  backprop filter: dy
  bias: u32;   // forward: bias or 0
  out: u32;    // forward: y; backprop input: dx; backprop filter: unused (partials live in scratch)
  batch: i32; inH: i32; inW: i32; inC: i32;
  kh: i32; kw: i32; outC: i32;
  strideH: i32; strideW: i32; padTop: i32; padLeft: i32;
  outH: i32; outW: i32;
  relu: i32;
  pool: i32;   // forward: 1 = a 2×2 stride-2 max pool follows (fused); out then holds the pooled images
}

/**
 * Scratch floats one thread needs for any of the three conv kernels: K·HW col, outC·max(K,HW) result,
 * GEMM scratch, then one image in channel-major (CHW) order.
 */
export function convScratchFloats(params: usize): i32 {
  const g = changetype<ConvParams>(params);
  // (The GEMM path's forward with a fused pool keeps one unpooled image after its other scratch.)
  const gemmPath = planesOffset(g) + g.inH * g.inW * g.inC + g.outC * g.outH * g.outW + g.outH * g.outW * g.outC;
  const kDim = g.kh * g.kw * g.inC;
  // Direct forward: frame of the padded input; direct backprop input: frame of dy padded for a full conv.
  const forwardFrame = ((g.outH - 1) * g.strideH + g.kh) * ((g.outW - 1) * g.strideW + g.kw) * g.inC;
  const inputGradFrame = (g.inH + g.kh - 1) * (g.inW + g.kw - 1) * g.outC;
  const direct = max(directScratchFloats(kDim, g.outC, forwardFrame, g.outW * g.outC), directScratchFloats(g.kh * g.kw * g.outC, g.inC, inputGradFrame, 0));
  const scatter = scatterImages(g) * g.outH * g.outW * kDim + gemmScratchFloats(kDim);
  const singleChannel = g.outC * max(kDim, g.outH * g.outW) + filterGradSingleChannelFloats(g.outH, g.outW, g.outC, g.kh, g.kw);
  const directFilter = filterFrameOffset(g) + forwardFrame;
  const directInput = inputGradDirectFloats(g.kh, g.kw, g.inC, g.outC, g.outH, g.outW);
  return max(max(max(max(max(gemmPath, direct), scatter), singleChannel), directFilter), directInput);
}

/**
 * Whether the direct kernels (conv-direct.ts) run this convolution. Measured per shape on LeNet's
 * layers and the 3×3×64×64 benchmark conv (see the commit log); the im2col + GEMM path stays for the rest.
 */
function directForward(g: ConvParams): bool {
  return g.outC <= 16 || g.outC % 16 == 0;
}
function directInputGrad(g: ConvParams): bool {
  if (g.strideH != 1 || g.strideW != 1 || g.padTop >= g.kh || g.padLeft >= g.kw) return false;
  // The full convolution also multiplies the frame's zeros and the panels' unused lanes: take it only
  // when that waste is small ('same' convolutions). LeNet conv2 (10×10 dy → 14×14 dx, 6 of 8 lanes)
  // would do 2.6× the useful work: 1136 µs direct vs 969 µs through the GEMM.
  const lanes = <f64>(g.inC % 16 == 0 ? g.inC : (g.inC + 7) / 8 * 8);
  const waste = (<f64>(g.inH * g.inW) * lanes) / (<f64>(g.outH * g.outW) * <f64>g.inC);
  return waste <= 1.5;
}

/** Where the CHW copy of an image starts in a thread's scratch, in floats. */
function planesOffset(g: ConvParams): i32 {
  const kDim = g.kh * g.kw * g.inC;
  const hw = g.outH * g.outW;
  return kDim * hw + g.outC * max(kDim, hw) + gemmScratchFloats(max(kDim, hw));
}

/**
 * dst[i] = src[i] for n floats, four lanes at a time (the runs here are short: memory.copy's call
 * costs more). A run of 4 or more ends with one vector that overlaps the previous one instead of a
 * scalar tail (dst and src never overlap, so rewriting a few floats is harmless).
 */
@inline function copyF32(dst: usize, src: usize, n: i32): void {
  if (n >= 4) {
    let i = 0;
    for (; i + 4 < n; i += 4) v128.store(dst + (<usize>i << 2), v128.load(src + (<usize>i << 2)));
    const last = <usize>(n - 4) << 2;
    v128.store(dst + last, v128.load(src + last));
    return;
  }
  for (let i = 0; i < n; i++) store<f32>(dst + (<usize>i << 2), load<f32>(src + (<usize>i << 2)));
}

/** dst[i] = 0 for n floats (short runs: memory.fill is a call into the runtime). */
@inline function zeroF32(dst: usize, n: i32): void {
  const zero = f32x4.splat(0);
  let i = 0;
  for (; i + 4 <= n; i += 4) v128.store(dst + (<usize>i << 2), zero);
  for (; i < n; i++) store<f32>(dst + (<usize>i << 2), 0);
}

/** dst[i] += src[i] for n floats. */
@inline function addF32(dst: usize, src: usize, n: i32): void {
  let i = 0;
  for (; i + 4 <= n; i += 4) {
    const at = <usize>i << 2;
    v128.store(dst + at, f32x4.add(v128.load(dst + at), v128.load(src + at)));
  }
  for (; i < n; i++) {
    const at = <usize>i << 2;
    store<f32>(dst + at, load<f32>(dst + at) + load<f32>(src + at));
  }
}

/** NHWC image [pixels, c] → CHW planes [c, pixels]. */
function toPlanes(src: usize, dst: usize, pixels: i32, c: i32): void {
  for (let p = 0; p < pixels; p++) {
    const from = src + ((<usize>p * c) << 2);
    for (let ci = 0; ci < c; ci++) store<f32>(dst + ((<usize>(ci * pixels + p)) << 2), load<f32>(from + (<usize>ci << 2)));
  }
}

/** First output index o >= 0 whose input index o·s − pad + k lies inside [0, size), and one past the last. */
@inline function firstInside(pad: i32, k: i32, s: i32): i32 {
  const need = pad - k; // o·s >= need
  return need <= 0 ? 0 : (need + s - 1) / s;
}
@inline function endInside(size: i32, pad: i32, k: i32, s: i32, outSize: i32): i32 {
  const limit = size - 1 + pad - k; // o·s <= limit
  if (limit < 0) return 0;
  return min(outSize, limit / s + 1);
}

/**
 * colT[K, HW] from one NHWC image; padding reads as zero. The image is first laid out as CHW planes
 * (scratch `planes`; a 1-channel image already is), so that with stride 1 every run of a column row
 * is a contiguous copy.
 */
function im2colT(g: ConvParams, x: usize, colT: usize, planes: usize): void {
  const hw = g.outH * g.outW;
  const pixels = g.inH * g.inW;
  let src0 = x;
  if (g.inC != 1) { toPlanes(x, planes, pixels, g.inC); src0 = planes; }
  let row = colT;
  for (let ky = 0; ky < g.kh; ky++) {
    const oyLo = firstInside(g.padTop, ky, g.strideH);
    const oyHi = max(oyLo, endInside(g.inH, g.padTop, ky, g.strideH, g.outH));
    for (let kx = 0; kx < g.kw; kx++) {
      const oxLo = min(g.outW, firstInside(g.padLeft, kx, g.strideW));
      const oxHi = max(oxLo, endInside(g.inW, g.padLeft, kx, g.strideW, g.outW));
      const run = oxHi - oxLo;
      const padded = oyLo > 0 || oyHi < g.outH || oxLo > 0 || oxHi < g.outW;
      for (let ci = 0; ci < g.inC; ci++) {
        if (padded) memory.fill(row, 0, <usize>hw << 2);
        const plane = src0 + ((<usize>ci * pixels) << 2);
        for (let oy = oyLo; oy < oyHi; oy++) {
          const iy = oy * g.strideH - g.padTop + ky;
          const dst = row + (<usize>(oy * g.outW + oxLo) << 2);
          const src = plane + ((<usize>(iy * g.inW + oxLo * g.strideW - g.padLeft + kx)) << 2);
          if (g.strideW == 1) { copyF32(dst, src, run); continue; }
          const step = <usize>g.strideW << 2;
          for (let i = 0; i < run; i++) store<f32>(dst + (<usize>i << 2), load<f32>(src + <usize>i * step));
        }
        row += <usize>hw << 2;
      }
    }
  }
}

/**
 * col[HW, K] from one NHWC image (the untransposed im2col: one row per output pixel, in the filter's
 * (ky, kx, c) order). Each (pixel, ky) is one contiguous run of the image, kw·inC floats long less
 * what falls in the padding, which reads as zero.
 */
function im2colRows(g: ConvParams, x: usize, col: usize): void {
  const kDim = g.kh * g.kw * g.inC;
  const rowRun = g.kw * g.inC;
  let row = col;
  for (let oy = 0; oy < g.outH; oy++) {
    for (let ox = 0; ox < g.outW; ox++) {
      const ix0 = ox * g.strideW - g.padLeft;
      const kxLo = max(0, -ix0);
      const kxHi = min(g.kw, g.inW - ix0);
      const lead = <usize>(kxLo * g.inC) << 2;
      const run = max(0, kxHi - kxLo) * g.inC;
      const tail = rowRun - kxLo * g.inC - run;
      let dst = row;
      for (let ky = 0; ky < g.kh; ky++) {
        const iy = oy * g.strideH - g.padTop + ky;
        if (iy < 0 || iy >= g.inH || run <= 0) {
          zeroF32(dst, rowRun);
        } else {
          zeroF32(dst, kxLo * g.inC);
          copyF32(dst + lead, x + ((<usize>((iy * g.inW + ix0 + kxLo) * g.inC)) << 2), run);
          zeroF32(dst + lead + (<usize>run << 2), tail);
        }
        dst += <usize>rowRun << 2;
      }
      row += <usize>kDim << 2;
    }
  }
}

/** Pool entry: images [begin, end) of y = conv(x, w) + bias, optionally relu'd. */
export function conv2dForward(params: usize, begin: i32, end: i32, scratch: usize): void {
  const g = changetype<ConvParams>(params);
  const pool = g.pool != 0;
  if (directForward(g)) {
    convDirect(<usize>g.a, g.inH, g.inW, g.inC, g.padTop, g.padLeft, <usize>g.b, <usize>g.bias, g.kh, g.kw, g.inC, g.outC, false,
      g.strideH, g.strideW, g.outH, g.outW, g.outC, g.relu != 0, <usize>g.out, begin, end, scratch, pool);
    return;
  }
  const kDim = g.kh * g.kw * g.inC;
  const hw = g.outH * g.outW;
  const outC = g.outC;
  const colT = scratch;
  const yT = colT + ((<usize>kDim * hw) << 2);
  const gemmScratch = yT + ((<usize>outC * max(kDim, hw)) << 2);
  const inImage = <usize>(g.inH * g.inW * g.inC) << 2;
  const outImage = <usize>(hw * outC) << 2;
  const relu = g.relu != 0;
  const planes = scratch + (<usize>planesOffset(g) << 2);
  const unpooled = planes + ((<usize>(g.inH * g.inW * g.inC + g.outC * hw)) << 2);
  const pooledImage = <usize>((g.outH >> 1) * (g.outW >> 1) * outC) << 2;
  for (let n = begin; n < end; n++) {
    im2colT(g, <usize>g.a + <usize>n * inImage, colT, planes);
    gemmRows(<usize>g.b, colT, yT, outC, kDim, hw, true, false, false, 0, outC, gemmScratch);
    // Transpose [outC, HW] into NHWC with the bias and activation fused in (then pool, if fused).
    if (!pool) { transposeBiasAct(yT, <usize>g.out + <usize>n * outImage, outC, hw, <usize>g.bias, relu); continue; }
    transposeBiasAct(yT, unpooled, outC, hw, <usize>g.bias, relu);
    const rowBytes = <usize>(g.outW * outC) << 2;
    for (let py = 0; py < g.outH >> 1; py++) {
      maxPoolRows(unpooled + <usize>(2 * py) * rowBytes, rowBytes, <usize>g.out + <usize>n * pooledImage + <usize>py * (<usize>((g.outW >> 1) * outC) << 2), g.outW >> 1, outC);
    }
  }
}

/**
 * y[i, c] = act(yT[c, i] + bias[c]) for i < hw, c < outC (bias 0: none). Blocks of 4 channels × 4
 * pixels are transposed in registers, so every store writes 4 consecutive channels of one pixel.
 */
function transposeBiasAct(yT: usize, y: usize, outC: i32, hw: i32, bias: usize, relu: bool): void {
  const zero = f32x4.splat(0);
  const rowBytes = <usize>hw << 2;
  const pixelBytes = <usize>outC << 2;
  let co = 0;
  for (; co + 4 <= outC; co += 4) {
    const b = bias != 0 ? v128.load(bias + (<usize>co << 2)) : zero;
    const r0 = yT + ((<usize>co * hw) << 2);
    let i = 0;
    for (; i + 4 <= hw; i += 4) {
      const at = <usize>i << 2;
      const a0 = v128.load(r0 + at), a1 = v128.load(r0 + rowBytes + at);
      const a2 = v128.load(r0 + 2 * rowBytes + at), a3 = v128.load(r0 + 3 * rowBytes + at);
      const t0 = v128.shuffle<f32>(a0, a1, 0, 4, 1, 5), t1 = v128.shuffle<f32>(a2, a3, 0, 4, 1, 5);
      const t2 = v128.shuffle<f32>(a0, a1, 2, 6, 3, 7), t3 = v128.shuffle<f32>(a2, a3, 2, 6, 3, 7);
      let p0 = f32x4.add(v128.shuffle<f32>(t0, t1, 0, 1, 4, 5), b);
      let p1 = f32x4.add(v128.shuffle<f32>(t0, t1, 2, 3, 6, 7), b);
      let p2 = f32x4.add(v128.shuffle<f32>(t2, t3, 0, 1, 4, 5), b);
      let p3 = f32x4.add(v128.shuffle<f32>(t2, t3, 2, 3, 6, 7), b);
      if (relu) { p0 = f32x4.pmax(p0, zero); p1 = f32x4.pmax(p1, zero); p2 = f32x4.pmax(p2, zero); p3 = f32x4.pmax(p3, zero); }
      const dst = y + <usize>i * pixelBytes + (<usize>co << 2);
      v128.store(dst, p0);
      v128.store(dst + pixelBytes, p1);
      v128.store(dst + 2 * pixelBytes, p2);
      v128.store(dst + 3 * pixelBytes, p3);
    }
    for (; i < hw; i++) {
      for (let c = co; c < co + 4; c++) transposeOne(yT, y, outC, hw, bias, relu, c, i);
    }
  }
  for (; co < outC; co++) {
    for (let i = 0; i < hw; i++) transposeOne(yT, y, outC, hw, bias, relu, co, i);
  }
}

@inline function transposeOne(yT: usize, y: usize, outC: i32, hw: i32, bias: usize, relu: bool, c: i32, i: i32): void {
  let v = load<f32>(yT + ((<usize>c * hw + i) << 2));
  if (bias != 0) v += load<f32>(bias + (<usize>c << 2));
  if (relu && v < 0) v = 0;
  store<f32>(y + ((<usize>i * outC + c) << 2), v);
}

/** Pool entry: images [begin, end) of dx from dy and w (dx fully overwritten). */
export function conv2dBackpropInput(params: usize, begin: i32, end: i32, scratch: usize): void {
  const g = changetype<ConvParams>(params);
  if (directInputGrad(g)) {
    // dx = dy (framed for a full convolution) ⋆ the flipped filter, channels swapped; stride 1 only.
    convDirect(<usize>g.a, g.outH, g.outW, g.outC, g.kh - 1 - g.padTop, g.kw - 1 - g.padLeft, <usize>g.b, 0, g.kh, g.kw, g.inC, g.outC, true,
      1, 1, g.inH, g.inW, g.inC, false, <usize>g.out, begin, end, scratch);
    return;
  }
  if (inputGradDirectApplies(g.strideH, g.strideW, g.kw, g.inC)) {
    inputGradDirect(<usize>g.a, <usize>g.b, <usize>g.out, g.inH, g.inW, g.inC, g.kh, g.kw, g.outC, g.padTop, g.padLeft,
      g.outH, g.outW, begin, end, scratch);
    return;
  }
  // dcol[pixel, K] = dY[pixel, outC] × W[K, outC]ᵀ for a few images at a time (one GEMM: W packed once),
  // then every dcol row is added back into dx along its window: kh contiguous runs of kw·inC floats.
  const kDim = g.kh * g.kw * g.inC;
  const hw = g.outH * g.outW;
  const batch = scatterImages(g);
  const dcol = scratch;
  const gemmScratch = dcol + ((<usize>batch * hw * kDim) << 2);
  const inImage = <usize>(g.inH * g.inW * g.inC) << 2;
  const outImage = <usize>(hw * g.outC) << 2;
  for (let n0 = begin; n0 < end; n0 += batch) {
    const count = min(batch, end - n0);
    gemmRows(<usize>g.a + <usize>n0 * outImage, <usize>g.b, dcol, count * hw, g.outC, kDim, false, true, false, 0, count * hw, gemmScratch);
    for (let i = 0; i < count; i++) {
      scatterAddImage(g, dcol + ((<usize>i * hw * kDim) << 2), <usize>g.out + <usize>(n0 + i) * inImage);
    }
  }
}

/** Images per dcol batch of the input gradient: dcol stays around 256 KB (L2). */
function scatterImages(g: ConvParams): i32 {
  const perImage = g.outH * g.outW * g.kh * g.kw * g.inC;
  return max(1, min(8, 65536 / max(1, perImage)));
}

/** dx (one image, overwritten) = Σ over output pixels of their dcol rows added along their windows. */
function scatterAddImage(g: ConvParams, dcol: usize, dx: usize): void {
  const c = g.inC;
  const kDim = g.kh * g.kw * c;
  memory.fill(dx, 0, (<usize>g.inH * g.inW * c) << 2);
  let row = dcol;
  for (let oy = 0; oy < g.outH; oy++) {
    for (let ox = 0; ox < g.outW; ox++) {
      const ix0 = ox * g.strideW - g.padLeft;
      const kxLo = max(0, -ix0), kxHi = min(g.kw, g.inW - ix0);
      if (kxHi > kxLo) {
        const run = (kxHi - kxLo) * c;
        for (let ky = 0; ky < g.kh; ky++) {
          const iy = oy * g.strideH - g.padTop + ky;
          if (iy < 0 || iy >= g.inH) continue;
          addF32(dx + ((<usize>((iy * g.inW + ix0 + kxLo) * c)) << 2), row + ((<usize>((ky * g.kw + kxLo) * c)) << 2), run);
        }
      }
      row += <usize>kDim << 2;
    }
  }
}

/**
 * Pool entry: this thread's partial dWᵀ[outC, K] over images [begin, end), left at the start of
 * scratch; conv2dBackpropFilterReduce sums the partials into dw.
 */
export function conv2dBackpropFilter(params: usize, begin: i32, end: i32, scratch: usize): void {
  const g = changetype<ConvParams>(params);
  const kDim = g.kh * g.kw * g.inC;
  const hw = g.outH * g.outW;
  const partial = scratch;
  if (g.inC == 1 && g.strideH == 1 && g.strideW == 1) {
    // Pixels on the lanes, dW accumulated in registers over whole images (conv-single-channel.ts).
    filterGradSingleChannel(<usize>g.a, g.inH, g.inW, g.padTop, g.padLeft, <usize>g.b, g.outH, g.outW, g.outC, g.kh, g.kw,
      begin, end, partial, partial + ((<usize>g.outC * max(kDim, hw)) << 2));
    return;
  }
  if (filterGradDirectApplies(g.inC, g.outC)) {
    filterGradDirect(g, begin, end, scratch);
    return;
  }
  const colT = partial + ((<usize>g.outC * max(kDim, hw)) << 2);
  const gemmScratch = colT + ((<usize>kDim * hw) << 2);
  const inImage = <usize>(g.inH * g.inW * g.inC) << 2;
  const outImage = <usize>(hw * g.outC) << 2;
  const planes = scratch + (<usize>planesOffset(g) << 2);
  const dyT = planes + ((<usize>g.inH * g.inW * g.inC) << 2);
  if (end <= begin) memory.fill(partial, 0, (<usize>g.outC * kDim) << 2);
  for (let n = begin; n < end; n++) {
    const dy = <usize>g.b + <usize>n * outImage;
    if (g.inC == 1) {
      // One channel: K and outC are small and HW long, so dWᵀ is a few long dot products of rows
      // of dYᵀ with rows of colT (both contiguous), which beats packing colT for the GEMM.
      im2colT(g, <usize>g.a + <usize>n * inImage, colT, planes);
      toPlanes(dy, dyT, hw, g.outC); // [HW, outC] → [outC, HW]
      dotProducts(dyT, colT, partial, g.outC, kDim, hw, n > begin);
    } else {
      // col[HW, K] in its natural layout is read in place as the GEMM's B (no packing: few rows of C).
      im2colRows(g, <usize>g.a + <usize>n * inImage, colT);
      gemmRows(dy, colT, partial, g.outC, hw, kDim, true, false, n > begin, 0, g.outC, gemmScratch);
    }
  }
}

/** Slots of the parameter block after the geometry: conv2dBackpropFilterPieces' partials (address, images per piece). */
const PIECES_SLOT: usize = 24;

/**
 * Pool entry for a shared queue of pieces of images: conv2dBackpropFilter over [begin, end), then its
 * partial (kh·kw·inC·outC floats) copied to the piece's own slot, begin / grain, of the array at slot 24.
 * Partials per piece rather than per thread let any thread take any piece, so a thread the OS
 * descheduled holds up at most one piece of the gradient instead of half of it; the sum does not
 * depend on which thread ran which piece.
 */
export function conv2dBackpropFilterPieces(params: usize, begin: i32, end: i32, scratch: usize): void {
  conv2dBackpropFilter(params, begin, end, scratch);
  const g = changetype<ConvParams>(params);
  const floats = g.kh * g.kw * g.inC * g.outC;
  const base = <usize>load<u32>(params + (PIECES_SLOT << 2)), grain = load<i32>(params + ((PIECES_SLOT + 1) << 2));
  memory.copy(base + ((<usize>(begin / grain) * floats) << 2), scratch, <usize>floats << 2);
}

/** Where the direct filter gradient's frame starts in scratch, in floats: after partial[K, outC] and the geometry. */
function filterFrameOffset(g: ConvParams): i32 {
  return g.kh * g.kw * g.inC * g.outC + 16;
}

/**
 * Direct filter gradient over images [begin, end): partial dW[K, outC] at the start of scratch. Each
 * image is read in place when no window reaches past it, else copied into a zeroed frame first.
 */
function filterGradDirect(g: ConvParams, begin: i32, end: i32, scratch: usize): void {
  const kDim = g.kh * g.kw * g.inC;
  const partial = scratch;
  const geo = changetype<FilterGradGeometry>(scratch + ((<usize>kDim * g.outC) << 2));
  const frame = scratch + (<usize>filterFrameOffset(g) << 2);
  const fh = (g.outH - 1) * g.strideH + g.kh, fw = (g.outW - 1) * g.strideW + g.kw;
  const inPlace = g.padTop == 0 && g.padLeft == 0 && fh <= g.inH && fw <= g.inW;
  geo.inC = g.inC; geo.outC = g.outC; geo.kh = g.kh; geo.kw = g.kw;
  geo.strideH = g.strideH; geo.strideW = g.strideW; geo.outH = g.outH; geo.outW = g.outW;
  geo.fw = inPlace ? g.inW : fw;
  memory.fill(partial, 0, (<usize>kDim * g.outC) << 2);
  if (!inPlace) memory.fill(frame, 0, (<usize>fh * fw * g.inC) << 2);
  const inImage = <usize>(g.inH * g.inW * g.inC) << 2;
  const outImage = <usize>(g.outH * g.outW * g.outC) << 2;
  geo.xImageBytes = <i32>inImage;
  if (inPlace) {
    // All images in one pass: each tile's sums stay in registers across them.
    geo.images = end - begin;
    if (end > begin) filterGradImages(geo, <usize>g.a + <usize>begin * inImage, <usize>g.b + <usize>begin * outImage, partial);
    return;
  }
  geo.images = 1;
  for (let n = begin; n < end; n++) {
    copyIntoFrame(<usize>g.a + <usize>n * inImage, g.inH, g.inW, g.inC, frame, fh, fw, g.padTop, g.padLeft);
    filterGradImages(geo, frame, <usize>g.b + <usize>n * outImage, partial);
  }
}

/** c[i, j] (+)= Σ_p a[i, p] · b[j, p] for a [m, len], b [n, len], c [m, n]; 2 × 4 rows per register block. */
function dotProducts(a: usize, b: usize, c: usize, m: i32, n: i32, len: i32, accumulate: bool): void {
  const rowBytes = <usize>len << 2;
  let i = 0;
  for (; i + 2 <= m; i += 2) {
    const a0 = a + <usize>i * rowBytes, a1 = a0 + rowBytes;
    let j = 0;
    for (; j + 4 <= n; j += 4) {
      const b0 = b + <usize>j * rowBytes, b1 = b0 + rowBytes, b2 = b1 + rowBytes, b3 = b2 + rowBytes;
      let s00 = f32x4.splat(0), s01 = f32x4.splat(0), s02 = f32x4.splat(0), s03 = f32x4.splat(0);
      let s10 = f32x4.splat(0), s11 = f32x4.splat(0), s12 = f32x4.splat(0), s13 = f32x4.splat(0);
      let p = 0;
      for (; p + 4 <= len; p += 4) {
        const at = <usize>p << 2;
        const x0 = v128.load(a0 + at), x1 = v128.load(a1 + at);
        const y0 = v128.load(b0 + at), y1 = v128.load(b1 + at), y2 = v128.load(b2 + at), y3 = v128.load(b3 + at);
        s00 = madd(x0, y0, s00); s01 = madd(x0, y1, s01); s02 = madd(x0, y2, s02); s03 = madd(x0, y3, s03);
        s10 = madd(x1, y0, s10); s11 = madd(x1, y1, s11); s12 = madd(x1, y2, s12); s13 = madd(x1, y3, s13);
      }
      const c0 = c + ((<usize>i * n + j) << 2), c1 = c0 + (<usize>n << 2);
      putDot(c0, s00, a0, b0, p, len, accumulate); putDot(c0 + 4, s01, a0, b1, p, len, accumulate);
      putDot(c0 + 8, s02, a0, b2, p, len, accumulate); putDot(c0 + 12, s03, a0, b3, p, len, accumulate);
      putDot(c1, s10, a1, b0, p, len, accumulate); putDot(c1 + 4, s11, a1, b1, p, len, accumulate);
      putDot(c1 + 8, s12, a1, b2, p, len, accumulate); putDot(c1 + 12, s13, a1, b3, p, len, accumulate);
    }
    for (; j < n; j++) {
      const bj = b + <usize>j * rowBytes;
      singleDot(c + ((<usize>i * n + j) << 2), a0, bj, len, accumulate);
      singleDot(c + ((<usize>(i + 1) * n + j) << 2), a1, bj, len, accumulate);
    }
  }
  for (; i < m; i++) {
    for (let j = 0; j < n; j++) singleDot(c + ((<usize>i * n + j) << 2), a + <usize>i * rowBytes, b + <usize>j * rowBytes, len, accumulate);
  }
}

/** *c (+)= the lanes of s summed, plus the scalar tail a[p..len) · b[p..len). */
@inline function putDot(c: usize, s: v128, a: usize, b: usize, p: i32, len: i32, accumulate: bool): void {
  let sum = f32x4.extract_lane(s, 0) + f32x4.extract_lane(s, 1) + f32x4.extract_lane(s, 2) + f32x4.extract_lane(s, 3);
  for (let q = p; q < len; q++) sum += load<f32>(a + (<usize>q << 2)) * load<f32>(b + (<usize>q << 2));
  store<f32>(c, accumulate ? load<f32>(c) + sum : sum);
}

function singleDot(c: usize, a: usize, b: usize, len: i32, accumulate: bool): void {
  let s = f32x4.splat(0);
  let p = 0;
  for (; p + 4 <= len; p += 4) s = madd(v128.load(a + (<usize>p << 2)), v128.load(b + (<usize>p << 2)), s);
  putDot(c, s, a, b, p, len, accumulate);
}

/** dw[K, outC] = Σ partials[t][outC, K]ᵀ; partials is an array of `count` scratch addresses. */
export function conv2dBackpropFilterReduce(params: usize, partials: usize, count: i32): void {
  const g = changetype<ConvParams>(params);
  const kDim = g.kh * g.kw * g.inC;
  const outC = g.outC;
  const dw = <usize>g.out;
  if (g.inC != 1 && filterGradDirectApplies(g.inC, outC)) {
    // The direct kernel's partials are already dW's layout [K, outC]: a plain vector sum.
    const floats = kDim * outC;
    for (let i = 0; i < floats; i += 4) {
      let sum = f32x4.splat(0);
      for (let t = 0; t < count; t++) sum = f32x4.add(sum, v128.load(<usize>load<u32>(partials + (<usize>t << 2)) + (<usize>i << 2)));
      v128.store(dw + (<usize>i << 2), sum);
    }
    return;
  }
  for (let co = 0; co < outC; co++) {
    for (let kIdx = 0; kIdx < kDim; kIdx++) {
      let sum: f32 = 0;
      for (let t = 0; t < count; t++) {
        const part = <usize>load<u32>(partials + (<usize>t << 2));
        sum += load<f32>(part + ((<usize>(co * kDim + kIdx)) << 2));
      }
      store<f32>(dw + ((<usize>(kIdx * outC + co)) << 2), sum);
    }
  }
}
