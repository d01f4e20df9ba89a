// Direct NHWC convolution as register-blocked tiles, no im2col matrix:
//   Y[pixel, co] = act(bias[co] + Σ_{ky, kx, ci} X[oy·s + ky, ox·s + kx, ci] · W[ky, kx, ci, co])
// X is a zero-padded copy of one image (scratch), so every window lies inside it. The K = kh·kw·inC
// reduction runs as kh contiguous segments of kw·inC floats per pixel (one image row each), read in
// place: a pixel's window is its im2col row, without writing that row. W is packed once per call into
// NR-column panels [K, NR] (zero-padded), so the output tile is NHWC already and bias + relu go in
// the epilogue. Tiles: 2 pixels × 16 channels when outC is a multiple of 16 (LeNet conv2: 16), else
// 4 pixels × 8 channels (LeNet conv1: 6 of 8 lanes used); both keep 8 f32x4 accumulators.
// Backprop input at stride 1 is the same computation on dy (padded for a 'full' convolution) with
// the filter flipped and its channel axes swapped: only the packing differs.
import { madd } from './simd';
import { rowSingleChannel, SINGLE_CHANNEL_MAX_OUT } from './conv-single-channel';
import { maxPool2x2RowExact, maxPool2x2RowFast } from './pool';

/** Geometry of one direct convolution over padded images. */
@unmanaged
export class DirectGeometry {
  c: i32;          // input channels
  hp: i32; wp: i32; // padded image size
  kh: i32; kw: i32; strideH: i32; strideW: i32;
  outH: i32; outW: i32; outC: i32;
  nr: i32;         // panel width: 16 (2×16 tiles) or 8 (4×8 tiles)
  panels: i32;     // ceil(outC / nr)
  pixelsOnLanes: i32; // 1: single-channel stride-1 rows with pixels on the lanes (conv-single-channel.ts)
}

/** Panel width for outC output channels. */
export function directPanelWidth(outC: i32): i32 {
  return outC % 16 == 0 ? 16 : 8;
}

/** Floats of packed filter (all panels) plus packed bias. */
export function directPackedFloats(kDim: i32, outC: i32): i32 {
  const nr = directPanelWidth(outC);
  const panels = (outC + nr - 1) / nr;
  return panels * nr * (kDim + 1);
}

/**
 * The rows and columns of an NHWC image [h, w, c] that fall inside the frame [hp, wp, c] at (top,
 * left), copied there; the rest of the frame is not touched: callers zero it once per call, as
 * every image writes the same interior. Rows are short: vector copies (memory.copy on a shared
 * memory is a call into the runtime, which costs more than such a row).
 */
export function copyIntoFrame(x: usize, h: i32, w: i32, c: i32, frame: usize, hp: i32, wp: i32, top: i32, left: i32): void {
  const x0 = max(0, -left), x1 = min(w, wp - left);
  const run = (x1 - x0) * c;
  if (run <= 0) return;
  for (let y = max(0, -top); y < min(h, hp - top); y++) {
    const dst = frame + ((<usize>(((y + top) * wp + x0 + left) * c)) << 2);
    const src = x + ((<usize>((y * w + x0) * c)) << 2);
    let i = 0;
    for (; i + 4 <= run; i += 4) v128.store(dst + (<usize>i << 2), v128.load(src + (<usize>i << 2)));
    for (; i < run; i++) store<f32>(dst + (<usize>i << 2), load<f32>(src + (<usize>i << 2)));
  }
}

/**
 * Packs filter w [kh, kw, inC, outC] into panels [K, nr] (K in (ky, kx, ci) order), then the bias
 * (or zeros) as one more row per panel. flip: pack the filter of the input gradient instead,
 * W'[ky, kx, co, ci] = w[kh-1-ky, kw-1-kx, ci, co], whose input channels are the forward's outC.
 */
export function packFilter(w: usize, bias: usize, kh: i32, kw: i32, inC: i32, outC: i32, flip: bool, dst: usize): void {
  // Channels of the packed filter: (input, output) of the computation it serves.
  const cIn = flip ? outC : inC, cOut = flip ? inC : outC;
  const kDim = kh * kw * cIn;
  const nr = directPanelWidth(cOut);
  const panels = (cOut + nr - 1) / nr;
  const panelFloats = (kDim + 1) * nr;
  memory.fill(dst, 0, (<usize>panels * panelFloats) << 2);
  for (let ky = 0; ky < kh; ky++) {
    for (let kx = 0; kx < kw; kx++) {
      for (let ci = 0; ci < cIn; ci++) {
        const k = (ky * kw + kx) * cIn + ci;
        for (let co = 0; co < cOut; co++) {
          const v = flip
            ? load<f32>(w + ((<usize>((((kh - 1 - ky) * kw + (kw - 1 - kx)) * inC + co) * outC + ci)) << 2))
            : load<f32>(w + ((<usize>(k * outC + co)) << 2));
          const panel = co / nr;
          store<f32>(dst + ((<usize>(panel * panelFloats + k * nr + co - panel * nr)) << 2), v);
        }
      }
    }
  }
  if (bias != 0) {
    for (let co = 0; co < cOut; co++) {
      const panel = co / nr;
      store<f32>(dst + ((<usize>(panel * panelFloats + kDim * nr + co - panel * nr)) << 2), load<f32>(bias + (<usize>co << 2)));
    }
  }
}

/** Stores the first `cols` (1..8) lanes of lo:hi at y (one pixel's channels of a panel). */
@inline function storeCols8(y: usize, lo: v128, hi: v128, cols: i32): void {
  if (cols == 8) { v128.store(y, lo); v128.store(y, hi, 16); return; }
  if (cols >= 4) {
    v128.store(y, lo);
    if (cols > 4) store<f32>(y, f32x4.extract_lane(hi, 0), 16);
    if (cols > 5) store<f32>(y, f32x4.extract_lane(hi, 1), 20);
    if (cols > 6) store<f32>(y, f32x4.extract_lane(hi, 2), 24);
    return;
  }
  store<f32>(y, f32x4.extract_lane(lo, 0));
  if (cols > 1) store<f32>(y, f32x4.extract_lane(lo, 1), 4);
  if (cols > 2) store<f32>(y, f32x4.extract_lane(lo, 2), 8);
}

/**
 * One output row oy of the image in xp (padded) into yRow (that row of the NHWC output), panel by panel.
 * 4 pixels × 8 channels per tile; a row's last 1-3 pixels repeat the last pixel's pointer for the
 * missing rows of the tile (computed, not stored).
 */
function row4x8(g: DirectGeometry, xp: usize, packed: usize, yRow: usize, oy: i32, relu: bool): void {
  const c = g.c;
  const seg = g.kw * c;                       // floats per (pixel, ky) segment
  const rowBytes = <usize>(g.wp * c) << 2;     // one padded image row
  const pixStep = <usize>(g.strideW * c) << 2; // between neighbouring output pixels
  const kDim = g.kh * seg;
  const panelFloats = (kDim + 1) * 8;
  const zero = f32x4.splat(0);
  const rowBase = xp + <usize>(oy * g.strideH) * rowBytes;
  for (let jp = 0; jp < g.panels; jp++) {
    const panel = packed + ((<usize>jp * panelFloats) << 2);
    const cols = min(8, g.outC - jp * 8);
    const biasLo = v128.load(panel + ((<usize>kDim * 8) << 2)), biasHi = v128.load(panel + ((<usize>kDim * 8) << 2), 16);
    for (let ox = 0; ox < g.outW; ox += 4) {
      const rows = min(4, g.outW - ox);
      const p0 = rowBase + <usize>ox * pixStep;
      const p1 = rows > 1 ? p0 + pixStep : p0;
      const p2 = rows > 2 ? p0 + 2 * pixStep : p0;
      const p3 = rows > 3 ? p0 + 3 * pixStep : p0;
      let c00 = biasLo, c01 = biasHi, c10 = biasLo, c11 = biasHi;
      let c20 = biasLo, c21 = biasHi, c30 = biasLo, c31 = biasHi;
      let bp = panel;
      for (let ky = 0; ky < g.kh; ky++) {
        const off = <usize>ky * rowBytes;
        let a0p = p0 + off, a1p = p1 + off, a2p = p2 + off, a3p = p3 + off;
        for (let t = 0; t < seg; t++) {
          const b0 = v128.load(bp), b1 = v128.load(bp, 16);
          const a0 = v128.load32_splat(a0p), a1 = v128.load32_splat(a1p);
          const a2 = v128.load32_splat(a2p), a3 = v128.load32_splat(a3p);
          c00 = madd(a0, b0, c00); c01 = madd(a0, b1, c01);
          c10 = madd(a1, b0, c10); c11 = madd(a1, b1, c11);
          c20 = madd(a2, b0, c20); c21 = madd(a2, b1, c21);
          c30 = madd(a3, b0, c30); c31 = madd(a3, b1, c31);
          bp += 32; a0p += 4; a1p += 4; a2p += 4; a3p += 4;
        }
      }
      if (relu) {
        c00 = f32x4.pmax(c00, zero); c01 = f32x4.pmax(c01, zero); c10 = f32x4.pmax(c10, zero); c11 = f32x4.pmax(c11, zero);
        c20 = f32x4.pmax(c20, zero); c21 = f32x4.pmax(c21, zero); c30 = f32x4.pmax(c30, zero); c31 = f32x4.pmax(c31, zero);
      }
      const pixelBytes = <usize>g.outC << 2;
      const out = yRow + ((<usize>(ox * g.outC + jp * 8)) << 2);
      storeCols8(out, c00, c01, cols);
      if (rows > 1) storeCols8(out + pixelBytes, c10, c11, cols);
      if (rows > 2) storeCols8(out + 2 * pixelBytes, c20, c21, cols);
      if (rows > 3) storeCols8(out + 3 * pixelBytes, c30, c31, cols);
    }
  }
}

/** As row4x8 with 2 pixels × 16 channels per tile (outC a multiple of 16: every lane is used). */
function row2x16(g: DirectGeometry, xp: usize, packed: usize, yRow: usize, oy: i32, relu: bool): void {
  const c = g.c;
  const seg = g.kw * c;
  const rowBytes = <usize>(g.wp * c) << 2;
  const pixStep = <usize>(g.strideW * c) << 2;
  const kDim = g.kh * seg;
  const panelFloats = (kDim + 1) * 16;
  const zero = f32x4.splat(0);
  const rowBase = xp + <usize>(oy * g.strideH) * rowBytes;
  const pixelBytes = <usize>g.outC << 2;
  for (let jp = 0; jp < g.panels; jp++) {
    const panel = packed + ((<usize>jp * panelFloats) << 2);
    const biasAt = panel + ((<usize>kDim * 16) << 2);
    for (let ox = 0; ox < g.outW; ox += 2) {
      const two = ox + 1 < g.outW;
      const p0 = rowBase + <usize>ox * pixStep;
      const p1 = two ? p0 + pixStep : p0;
      let c00 = v128.load(biasAt), c01 = v128.load(biasAt, 16), c02 = v128.load(biasAt, 32), c03 = v128.load(biasAt, 48);
      let c10 = c00, c11 = c01, c12 = c02, c13 = c03;
      let bp = panel;
      for (let ky = 0; ky < g.kh; ky++) {
        const off = <usize>ky * rowBytes;
        let a0p = p0 + off, a1p = p1 + off;
        for (let t = 0; t < seg; t++) {
          const b0 = v128.load(bp), b1 = v128.load(bp, 16), b2 = v128.load(bp, 32), b3 = v128.load(bp, 48);
          const a0 = v128.load32_splat(a0p), a1 = v128.load32_splat(a1p);
          c00 = madd(a0, b0, c00); c01 = madd(a0, b1, c01); c02 = madd(a0, b2, c02); c03 = madd(a0, b3, c03);
          c10 = madd(a1, b0, c10); c11 = madd(a1, b1, c11); c12 = madd(a1, b2, c12); c13 = madd(a1, b3, c13);
          bp += 64; a0p += 4; a1p += 4;
        }
      }
      if (relu) {
        c00 = f32x4.pmax(c00, zero); c01 = f32x4.pmax(c01, zero); c02 = f32x4.pmax(c02, zero); c03 = f32x4.pmax(c03, zero);
        c10 = f32x4.pmax(c10, zero); c11 = f32x4.pmax(c11, zero); c12 = f32x4.pmax(c12, zero); c13 = f32x4.pmax(c13, zero);
      }
      const out = yRow + ((<usize>(ox * g.outC + jp * 16)) << 2);
      v128.store(out, c00); v128.store(out, c01, 16); v128.store(out, c02, 32); v128.store(out, c03, 48);
      if (two) {
        v128.store(out + pixelBytes, c10); v128.store(out + pixelBytes, c11, 16);
        v128.store(out + pixelBytes, c12, 32); v128.store(out + pixelBytes, c13, 48);
      }
    }
  }
}

/** Output row oy of one padded image xp, written at yRow. */
@inline function convRow(g: DirectGeometry, xp: usize, packed: usize, yRow: usize, oy: i32, relu: bool): void {
  if (g.pixelsOnLanes != 0) rowSingleChannel(g, xp, packed, yRow, oy, relu);
  else if (g.nr == 16) row2x16(g, xp, packed, yRow, oy, relu);
  else row4x8(g, xp, packed, yRow, oy, relu);
}

/** All output rows of one padded image xp into y (NHWC). */
export function convDirectImage(g: DirectGeometry, xp: usize, packed: usize, y: usize, relu: bool): void {
  const rowBytes = <usize>(g.outW * g.outC) << 2;
  for (let oy = 0; oy < g.outH; oy++) convRow(g, xp, packed, y + <usize>oy * rowBytes, oy, relu);
}

/**
 * The same followed by a 2×2 stride-2 max pool (a fused inference chain conv → bias → relu → pool):
 * two conv rows at a time go to `rows` (scratch), and only the pooled image is written to y.
 */
export function convDirectImagePooled(g: DirectGeometry, xp: usize, packed: usize, y: usize, relu: bool, rows: usize): void {
  const rowBytes = <usize>(g.outW * g.outC) << 2;
  const ph = g.outH >> 1, pw = g.outW >> 1;
  for (let py = 0; py < ph; py++) {
    convRow(g, xp, packed, rows, 2 * py, relu);
    convRow(g, xp, packed, rows + rowBytes, 2 * py + 1, relu);
    maxPoolRows(rows, rowBytes, y + <usize>py * (<usize>(pw * g.outC) << 2), pw, g.outC);
  }
}

/**
 * out[px, c] = max of the 2×2 window at (2px) of two rows [width, c] `rowBytes` apart. c >= 4 goes
 * through pool.ts's row kernel (pmax, then f32x4.max again if the rows hold a NaN); fewer channels
 * one at a time.
 */
export function maxPoolRows(top: usize, rowBytes: usize, out: usize, pw: i32, c: i32): void {
  if (c >= 4) {
    if (v128.any_true(maxPool2x2RowFast(top, rowBytes, out, pw, c))) maxPool2x2RowExact(top, rowBytes, out, pw, c);
    return;
  }
  const pixel = <usize>c << 2;
  for (let px = 0; px < pw; px++) {
    const at = top + <usize>(2 * px) * pixel;
    for (let ch = 0; ch < c; ch++) {
      const o = <usize>ch << 2;
      const m = max(max(load<f32>(at + o), load<f32>(at + pixel + o)), max(load<f32>(at + rowBytes + o), load<f32>(at + rowBytes + pixel + o)));
      store<f32>(out + <usize>px * pixel + o, m);
    }
  }
}

/** Floats of scratch one thread needs: geometry block, packed filter + bias, one padded image, two output rows. */
export function directScratchFloats(kDim: i32, outC: i32, paddedImageFloats: i32, rowFloats: i32): i32 {
  return 16 + directPackedFloats(kDim, outC) + paddedImageFloats + 2 * rowFloats;
}

/**
 * Images [begin, end) of a direct convolution. src: NHWC images [h, w, c]; framed into [hp, wp, c]
 * at (top, left) unless they already fit (no padding needed: read in place). w/bias/flip as in
 * packFilter (wInC/wOutC are the filter's own axes). dst: NHWC images [outH, outW, outC].
 */
export function convDirect(
  src: usize, h: i32, w: i32, c: i32, top: i32, left: i32,
  filter: usize, bias: usize, kh: i32, kw: i32, wInC: i32, wOutC: i32, flip: bool,
  strideH: i32, strideW: i32, outH: i32, outW: i32, outC: i32, relu: bool,
  dst: usize, begin: i32, end: i32, scratch: usize, pool: bool = false,
): void {
  const g = changetype<DirectGeometry>(scratch);
  const kDim = kh * kw * c;
  const packed = scratch + 64;
  const frame = packed + (<usize>directPackedFloats(kDim, outC) << 2);
  const hp = (outH - 1) * strideH + kh, wp = (outW - 1) * strideW + kw;
  const inPlace = top == 0 && left == 0 && hp <= h && wp <= w;
  g.c = c; g.hp = inPlace ? h : hp; g.wp = inPlace ? w : wp;
  g.kh = kh; g.kw = kw; g.strideH = strideH; g.strideW = strideW;
  g.outH = outH; g.outW = outW; g.outC = outC;
  g.nr = directPanelWidth(outC);
  g.panels = (outC + g.nr - 1) / g.nr;
  // One input channel, stride 1 along rows, few output channels: 4 pixels per vector use every lane.
  g.pixelsOnLanes = c == 1 && strideW == 1 && outC <= SINGLE_CHANNEL_MAX_OUT && outW >= 8 ? 1 : 0;
  packFilter(filter, bias, kh, kw, wInC, wOutC, flip, packed);
  const inImage = <usize>(h * w * c) << 2;
  // With pool, dst holds the pooled images and two conv rows go to scratch after the frame.
  const outImage = <usize>(pool ? (outH >> 1) * (outW >> 1) * outC : outH * outW * outC) << 2;
  const rows = frame + ((<usize>hp * wp * c) << 2);
  if (!inPlace) memory.fill(frame, 0, (<usize>hp * wp * c) << 2);
  for (let n = begin; n < end; n++) {
    let xp = src + <usize>n * inImage;
    if (!inPlace) { copyIntoFrame(xp, h, w, c, frame, hp, wp, top, left); xp = frame; }
    if (pool) convDirectImagePooled(g, xp, packed, dst + <usize>n * outImage, relu, rows);
    else convDirectImage(g, xp, packed, dst + <usize>n * outImage, relu);
  }
}
