// 2-D max and average pooling over NHWC images, forward and backward. Windows are clipped to the
// input: padded positions never win a max, and an average divides by the number of real inputs in
// its window (TensorFlow's rule; with 'valid' pooling that is always kh·kw).
// Work items are images, so threads never write the same dx element.

@unmanaged
class PoolParams {
  x: u32;     // forward: x; backward: dy
  aux: u32;   // max backward: x (to find the winners); otherwise unused
  out: u32;   // forward: y; backward: dx
  batch: i32; inH: i32; inW: i32; channels: i32;
  kh: i32; kw: i32; strideH: i32; strideW: i32; padTop: i32; padLeft: i32;
  outH: i32; outW: i32;
  tiesAll: i32; // max backward: 1 = every input equal to the max gets dy, 0 = only the first
  reluMask: i32; // max backward: 1 = dx also zero where x <= 0 (the pool's input is a relu's output: fused ReluGrad)
}

@inline function f32At(base: usize, i: i32): f32 { return load<f32>(base + (<usize>i << 2)); }

/**
 * Max pooling 2×2, stride 2, no padding, c >= 4 (LeNet's pools): the four inputs of a window are
 * loaded without any clipping arithmetic. c = 6 (LeNet's pool1) goes two output pixels at a time
 * through aligned vectors (maxPool2x2PairC6); other channel counts go 4 at a time (two blocks per
 * step where c is a multiple of 8), the channel tail as one overlapping block.
 * Each image is pooled with f32x4.pmax (one maxps on x64; f32x4.max's NaN and ±0 rules cost ~8
 * instructions in V8) while its windows' sums are checked for NaN; pmax may drop a NaN, so an
 * image holding one is pooled again with f32x4.max.
 */
function maxPool2x2(g: PoolParams, begin: i32, end: i32): void {
  for (let n = begin; n < end; n++) {
    if (v128.any_true(maxPool2x2Image(g, n, false))) maxPool2x2Image(g, n, true);
  }
}

/** Window max of a and b: exact = f32x4.max (NaN wins), otherwise pmax (b only where a < b). */
@inline function vmax(a: v128, b: v128, exact: bool): v128 {
  return exact ? f32x4.max(a, b) : f32x4.pmax(a, b);
}

/** Lanes where a + b + c + d is NaN (a NaN among them, or +inf and -inf); none if exact. */
@inline function nanSum(a: v128, b: v128, c: v128, d: v128, exact: bool): v128 {
  if (exact) return i32x4.splat(0);
  const sum = f32x4.add(f32x4.add(a, b), f32x4.add(c, d));
  return f32x4.ne(sum, sum);
}

/** One 4-channel block: `at` the window's top-left input, y its output; returns nanSum's lanes. */
@inline function maxPoolBlock(at: usize, pixel: usize, rowBytes: usize, y: usize, exact: bool): v128 {
  const tl = v128.load(at), tr = v128.load(at + pixel), bl = v128.load(at + rowBytes), br = v128.load(at + rowBytes + pixel);
  v128.store(y, vmax(vmax(tl, tr, exact), vmax(bl, br, exact), exact));
  return nanSum(tl, tr, bl, br, exact);
}

/** Image n of maxPool2x2; returns lanes flagged by nanSum (none if exact). */
@inline function maxPool2x2Image(g: PoolParams, n: i32, exact: bool): v128 {
  const c = g.channels;
  const x = <usize>g.x + ((<usize>n * (g.inH * g.inW * c)) << 2);
  const y = <usize>g.out + ((<usize>n * (g.outH * g.outW * c)) << 2);
  return maxPool2x2Rows(x, <usize>(g.inW * c) << 2, y, g.outH, g.outW, c, exact);
}

/** maxPool2x2Rows for the fused conv + pool inference path (conv-direct.ts maxPoolRows): one row each. */
export function maxPool2x2RowFast(src: usize, rowBytes: usize, y: usize, outW: i32, c: i32): v128 {
  return maxPool2x2Rows(src, rowBytes, y, 1, outW, c, false);
}
export function maxPool2x2RowExact(src: usize, rowBytes: usize, y: usize, outW: i32, c: i32): void {
  maxPool2x2Rows(src, rowBytes, y, 1, outW, c, true);
}

/**
 * outH rows of 2×2/2 windows, c >= 4: src the first input row (input rows `rowBytes` apart), y the
 * first of outH output rows of outW pixels (contiguous). Returns lanes flagged by nanSum (none if exact).
 */
@inline function maxPool2x2Rows(x: usize, rowBytes: usize, y: usize, outH: i32, outW: i32, c: i32, exact: bool): v128 {
  const pixel = <usize>c << 2;
  const pairs = c == 6 ? outW >> 1 : 0;
  let nan = i32x4.splat(0);
  for (let oy = 0; oy < outH; oy++) {
    let src = x + <usize>(2 * oy) * rowBytes;
    for (let p = 0; p < pairs; p++) {
      nan = v128.or(nan, maxPool2x2PairC6(src, rowBytes, y, exact));
      src += 4 * pixel;
      y += 2 * pixel;
    }
    if ((c & 3) == 0) {
      // Whole 4-channel blocks: no tail test.
      for (let ox = 0; ox < outW; ox++) {
        let o: usize = 0;
        for (; o + 32 <= pixel; o += 32) {
          nan = v128.or(nan, maxPoolBlock(src + o, pixel, rowBytes, y + o, exact));
          nan = v128.or(nan, maxPoolBlock(src + o + 16, pixel, rowBytes, y + o + 16, exact));
        }
        if (o < pixel) nan = v128.or(nan, maxPoolBlock(src + o, pixel, rowBytes, y + o, exact));
        src += 2 * pixel;
        y += pixel;
      }
      continue;
    }
    for (let ox = pairs << 1; ox < outW; ox++) {
      for (let ch = 0; ch < c; ch += 4) {
        if (ch + 4 > c) ch = c - 4;
        nan = v128.or(nan, maxPoolBlock(src + (<usize>ch << 2), pixel, rowBytes, y + (<usize>ch << 2), exact));
      }
      src += 2 * pixel;
      y += pixel;
    }
  }
  return nan;
}

/**
 * Two output pixels of a 6-channel 2×2/2 max pool. Their 2 × 4 input pixels are 24 floats per row =
 * 6 vectors a..f, each loaded once (aligned in LeNet's layouts: pixel pairs start at multiples of
 * 48 bytes), instead of 4-channel blocks at channels 0 and 2 of every pixel (a third of the work
 * twice, half the loads straddling 16 bytes). Per row pixel p holds lanes
 * a = p0[0..3], b = p0[4,5] p1[0,1], c = p1[2..5], d = p2[0..3], e = p2[4,5] p3[0,1], f = p3[2..5];
 * the column max is taken on them directly, then the two columns of each window are paired up by
 * lane shuffles (two-source 32-bit patterns: one shufps/punpck each on x64).
 * exact: f32x4.max; otherwise pmax, and the result flags lanes whose inputs may hold a NaN.
 */
@inline function maxPool2x2PairC6(at: usize, rowBytes: usize, y: usize, exact: bool): v128 {
  const bot = at + rowBytes;
  const ta = v128.load(at), tb = v128.load(at, 16), tc = v128.load(at, 32), td = v128.load(at, 48), te = v128.load(at, 64), tf = v128.load(at, 80);
  const ba = v128.load(bot), bb = v128.load(bot, 16), bc = v128.load(bot, 32), bd = v128.load(bot, 48), be = v128.load(bot, 64), bf = v128.load(bot, 80);
  const a = vmax(ta, ba, exact), b = vmax(tb, bb, exact), c = vmax(tc, bc, exact);
  const d = vmax(td, bd, exact), e = vmax(te, be, exact), f = vmax(tf, bf, exact);
  const q0 = vmax(a, v128.shuffle<f32>(b, c, 2, 3, 4, 5), exact); // output pixel 0, channels 0..3
  const q1 = vmax(d, v128.shuffle<f32>(e, f, 2, 3, 4, 5), exact); // output pixel 1, channels 0..3
  // Channels 4, 5 of both output pixels.
  const hi = vmax(v128.shuffle<f32>(b, e, 0, 1, 4, 5), v128.shuffle<f32>(c, f, 2, 3, 6, 7), exact);
  v128.store(y, q0);
  v128.store(y, v128.shuffle<f32>(hi, q1, 0, 1, 4, 5), 16);
  v128.store(y, v128.shuffle<f32>(q1, hi, 2, 3, 6, 7), 32);
  if (exact) return i32x4.splat(0);
  // Any NaN among the 12 vectors makes its lane of this sum NaN.
  const sum = f32x4.add(f32x4.add(f32x4.add(ta, ba), f32x4.add(tb, bb)), f32x4.add(f32x4.add(tc, bc), f32x4.add(td, bd)));
  return nanSum(sum, f32x4.add(te, be), tf, bf, false);
}

/** Pool entry: images [begin, end); mode 0 = max, 1 = avg. */
function poolForward(params: usize, begin: i32, end: i32, mode: i32): void {
  const g = changetype<PoolParams>(params);
  const c = g.channels;
  if (mode == 0 && c >= 4 && g.kh == 2 && g.kw == 2 && g.strideH == 2 && g.strideW == 2 && g.padTop == 0 && g.padLeft == 0 &&
    2 * g.outH <= g.inH && 2 * g.outW <= g.inW) {
    maxPool2x2(g, begin, end);
    return;
  }
  const inImage = g.inH * g.inW * c;
  const outImage = g.outH * g.outW * c;
  for (let n = begin; n < end; n++) {
    const x = <usize>g.x + ((<usize>n * inImage) << 2);
    let y = <usize>g.out + ((<usize>n * outImage) << 2);
    for (let oy = 0; oy < g.outH; oy++) {
      const y0 = max(0, oy * g.strideH - g.padTop);
      const y1 = min(g.inH, oy * g.strideH - g.padTop + g.kh);
      for (let ox = 0; ox < g.outW; ox++) {
        const x0 = max(0, ox * g.strideW - g.padLeft);
        const x1 = min(g.inW, ox * g.strideW - g.padLeft + g.kw);
        const count = <f32>((y1 - y0) * (x1 - x0));
        let ch = 0;
        // Four channels at a time; with c >= 4 the last block overlaps the previous one (rewriting a
        // few outputs with the same values) instead of falling back to one channel at a time.
        for (; ch < c && c >= 4; ch += 4) {
          if (ch + 4 > c) ch = c - 4;
          let acc = mode == 0 ? f32x4.splat(-Infinity) : f32x4.splat(0);
          for (let iy = y0; iy < y1; iy++) {
            for (let ix = x0; ix < x1; ix++) {
              const v = v128.load(x + ((<usize>((iy * g.inW + ix) * c + ch)) << 2));
              acc = mode == 0 ? f32x4.max(acc, v) : f32x4.add(acc, v);
            }
          }
          if (mode != 0) acc = f32x4.div(acc, f32x4.splat(count));
          v128.store(y + (<usize>ch << 2), acc);
        }
        for (; ch < c; ch++) {
          let acc: f32 = mode == 0 ? -Infinity : 0;
          for (let iy = y0; iy < y1; iy++) {
            for (let ix = x0; ix < x1; ix++) {
              const v = f32At(x, (iy * g.inW + ix) * c + ch);
              acc = mode == 0 ? max(acc, v) : acc + v;
            }
          }
          store<f32>(y + (<usize>ch << 2), mode == 0 ? acc : acc / count);
        }
        y += <usize>c << 2;
      }
    }
  }
}

/**
 * Max backward for 2×2 stride-2 windows without padding, c >= 4 (LeNet's pools, the fused relu
 * gradient included): the four inputs of a window are loaded once, and each of them is written once
 * (gradient or 0), at fixed offsets. c = 6 goes two output pixels at a time through aligned vectors
 * (maxGradPairC6), other channel counts 4 at a time (the tail one overlapping block).
 * NaNs are checked once per image, not per lane: the fast path's window rule holds without NaN (its
 * maxima are f32x4.pmax, one maxps on x64, where f32x4.max's NaN and ±0 rules cost ~8 instructions;
 * pmax may drop a NaN), and an image holding a NaN is redone by maxPoolBackward2x2NaN.
 */
function maxPoolBackward2x2(g: PoolParams, begin: i32, end: i32): void {
  const tiesAll = g.tiesAll != 0, relu = g.reluMask != 0;
  // Constant flags per call site, so the inlined body carries no tests of them.
  if (tiesAll && relu) maxPoolBackward2x2With(g, begin, end, true, true);
  else if (tiesAll) maxPoolBackward2x2With(g, begin, end, true, false);
  else if (relu) maxPoolBackward2x2With(g, begin, end, false, true);
  else maxPoolBackward2x2With(g, begin, end, false, false);
}

@inline function maxPoolBackward2x2With(g: PoolParams, begin: i32, end: i32, tiesAll: bool, relu: bool): void {
  const c = g.channels;
  const inImage = g.inH * g.inW * c;
  const outImage = g.outH * g.outW * c;
  const pixel = <usize>c << 2;
  const rowBytes = <usize>(g.inW * c) << 2;
  const pairs = c == 6 ? g.outW >> 1 : 0;
  // An odd last row or column belongs to no window: zero it.
  const covered = 2 * g.outH == g.inH && 2 * g.outW == g.inW;
  for (let n = begin; n < end; n++) {
    const x = <usize>g.aux + ((<usize>n * inImage) << 2);
    const dx = <usize>g.out + ((<usize>n * inImage) << 2);
    let dy = <usize>g.x + ((<usize>n * outImage) << 2);
    if (!covered) memory.fill(dx, 0, <usize>inImage << 2);
    let nan = i32x4.splat(0);
    for (let oy = 0; oy < g.outH; oy++) {
      let at = <usize>(2 * oy) * rowBytes;
      for (let p = 0; p < pairs; p++) {
        nan = v128.or(nan, maxGradPairC6(x + at, dx + at, rowBytes, dy, tiesAll, relu));
        at += 4 * pixel;
        dy += 2 * pixel;
      }
      if ((c & 3) == 0) {
        // Whole 4-channel blocks (LeNet's pool2: 16): no tail test, two blocks per step where c allows.
        for (let ox = 0; ox < g.outW; ox++) {
          let o: usize = 0;
          for (; o + 32 <= pixel; o += 32) {
            nan = v128.or(nan, maxGradBlock(x + at + o, dx + at + o, pixel, rowBytes, dy + o, tiesAll, relu));
            nan = v128.or(nan, maxGradBlock(x + at + o + 16, dx + at + o + 16, pixel, rowBytes, dy + o + 16, tiesAll, relu));
          }
          if (o < pixel) nan = v128.or(nan, maxGradBlock(x + at + o, dx + at + o, pixel, rowBytes, dy + o, tiesAll, relu));
          at += 2 * pixel;
          dy += pixel;
        }
        continue;
      }
      for (let ox = pairs << 1; ox < g.outW; ox++) {
        for (let ch = 0; ch < c; ch += 4) {
          if (ch + 4 > c) ch = c - 4;
          const o = at + (<usize>ch << 2);
          nan = v128.or(nan, maxGradBlock(x + o, dx + o, pixel, rowBytes, dy + (<usize>ch << 2), tiesAll, relu));
        }
        at += 2 * pixel;
        dy += pixel;
      }
    }
    if (v128.any_true(nan)) maxPoolBackward2x2NaN(g, n, n + 1, tiesAll, relu);
  }
}

/**
 * The gradient a window input gets, 4 lanes (channels) at a time, from the window's inputs
 * tl, tr (top row), bl, br and the output gradient grad; which: 0 = tl, 1 = tr, 2 = bl, 3 = br.
 * Only the first maximum in row order gets it (every maximum if tiesAll), found as a tournament
 * without comparing against the max itself: the top row wins if its max >= the bottom's, the left
 * input if it is >= the right one. Valid for lanes without NaN (the caller checks them apart).
 * Called for all four inputs of the same window: the shared terms are computed once (CSE).
 */
@inline function maxGradAt(tl: v128, tr: v128, bl: v128, br: v128, grad: v128, which: i32, tiesAll: bool, relu: bool): v128 {
  const top = f32x4.pmax(tl, tr), bottom = f32x4.pmax(bl, br);
  // With the relu mask the winner must be > 0: that is the window max.
  const dy = relu ? v128.and(grad, f32x4.gt(f32x4.pmax(top, bottom), f32x4.splat(0))) : grad;
  const topWins = f32x4.ge(top, bottom);
  if (which == 0) return v128.and(v128.and(dy, topWins), f32x4.ge(tl, tr));
  if (which == 2) {
    const rowDy = tiesAll ? v128.and(dy, f32x4.le(top, bottom)) : v128.andnot(dy, topWins);
    return v128.and(rowDy, f32x4.ge(bl, br));
  }
  if (which == 1) return tiesAll ? v128.and(v128.and(dy, topWins), f32x4.le(tl, tr)) : v128.andnot(v128.and(dy, topWins), f32x4.ge(tl, tr));
  const rowDy = tiesAll ? v128.and(dy, f32x4.le(top, bottom)) : v128.andnot(dy, topWins);
  return tiesAll ? v128.and(rowDy, f32x4.le(bl, br)) : v128.andnot(rowDy, f32x4.ge(bl, br));
}

/**
 * Lanes whose window holds a NaN (as a NaN sum: 3 adds and a compare instead of 4 self-compares and
 * 3 ors; +inf and -inf in one window also flag it, which only sends it to the exact path).
 */
@inline function nanWindows(tl: v128, tr: v128, bl: v128, br: v128): v128 {
  const sum = f32x4.add(f32x4.add(tl, tr), f32x4.add(bl, br));
  return f32x4.ne(sum, sum);
}

/** One 4-channel block of a window: x and dx at its top-left input, dy at its output. */
@inline function maxGradBlock(x: usize, dx: usize, pixel: usize, rowBytes: usize, dy: usize, tiesAll: bool, relu: bool): v128 {
  const tl = v128.load(x), tr = v128.load(x + pixel), bl = v128.load(x + rowBytes), br = v128.load(x + rowBytes + pixel);
  const grad = v128.load(dy);
  v128.store(dx, maxGradAt(tl, tr, bl, br, grad, 0, tiesAll, relu));
  v128.store(dx + pixel, maxGradAt(tl, tr, bl, br, grad, 1, tiesAll, relu));
  v128.store(dx + rowBytes, maxGradAt(tl, tr, bl, br, grad, 2, tiesAll, relu));
  v128.store(dx + rowBytes + pixel, maxGradAt(tl, tr, bl, br, grad, 3, tiesAll, relu));
  return nanWindows(tl, tr, bl, br);
}

/**
 * Two output pixels of a 6-channel 2×2/2 max backward (see maxPool2x2PairC6 for the lanes): each row's
 * 6 vectors are loaded once, rearranged by shuffles into the output pixels' lanes (3 blocks of
 * window inputs tl, tr, bl, br), routed there, and the results shuffled back for 6 stores a row.
 */
@inline function maxGradPairC6(x: usize, dx: usize, rowBytes: usize, dy: usize, tiesAll: bool, relu: bool): v128 {
  let a = v128.load(x), b = v128.load(x, 16), c = v128.load(x, 32), d = v128.load(x, 48), e = v128.load(x, 64), f = v128.load(x, 80);
  const tl0 = a, tl1 = v128.shuffle<f32>(b, d, 0, 1, 4, 5), tl2 = v128.shuffle<f32>(d, e, 2, 3, 4, 5);
  const tr0 = v128.shuffle<f32>(b, c, 2, 3, 4, 5), tr1 = v128.shuffle<f32>(c, e, 2, 3, 6, 7), tr2 = f;
  const xb = x + rowBytes;
  a = v128.load(xb); b = v128.load(xb, 16); c = v128.load(xb, 32); d = v128.load(xb, 48); e = v128.load(xb, 64); f = v128.load(xb, 80);
  const bl0 = a, bl1 = v128.shuffle<f32>(b, d, 0, 1, 4, 5), bl2 = v128.shuffle<f32>(d, e, 2, 3, 4, 5);
  const br0 = v128.shuffle<f32>(b, c, 2, 3, 4, 5), br1 = v128.shuffle<f32>(c, e, 2, 3, 6, 7), br2 = f;
  const g0 = v128.load(dy), g1 = v128.load(dy, 16), g2 = v128.load(dy, 32);
  // Top row: left inputs tl0..2, right inputs tr0..2, back to pixel order.
  let l0 = maxGradAt(tl0, tr0, bl0, br0, g0, 0, tiesAll, relu), r0 = maxGradAt(tl0, tr0, bl0, br0, g0, 1, tiesAll, relu);
  let l1 = maxGradAt(tl1, tr1, bl1, br1, g1, 0, tiesAll, relu), r1 = maxGradAt(tl1, tr1, bl1, br1, g1, 1, tiesAll, relu);
  let l2 = maxGradAt(tl2, tr2, bl2, br2, g2, 0, tiesAll, relu), r2 = maxGradAt(tl2, tr2, bl2, br2, g2, 1, tiesAll, relu);
  storeRowC6(dx, l0, l1, l2, r0, r1, r2);
  l0 = maxGradAt(tl0, tr0, bl0, br0, g0, 2, tiesAll, relu); r0 = maxGradAt(tl0, tr0, bl0, br0, g0, 3, tiesAll, relu);
  l1 = maxGradAt(tl1, tr1, bl1, br1, g1, 2, tiesAll, relu); r1 = maxGradAt(tl1, tr1, bl1, br1, g1, 3, tiesAll, relu);
  l2 = maxGradAt(tl2, tr2, bl2, br2, g2, 2, tiesAll, relu); r2 = maxGradAt(tl2, tr2, bl2, br2, g2, 3, tiesAll, relu);
  storeRowC6(dx + rowBytes, l0, l1, l2, r0, r1, r2);
  return v128.or(v128.or(nanWindows(tl0, tr0, bl0, br0), nanWindows(tl1, tr1, bl1, br1)), nanWindows(tl2, tr2, bl2, br2));
}

/** Inverse of the rearrangement in maxGradPairC6: left/right inputs in output lanes → 4 pixels of 6 channels. */
@inline function storeRowC6(at: usize, l0: v128, l1: v128, l2: v128, r0: v128, r1: v128, r2: v128): void {
  v128.store(at, l0);
  v128.store(at, v128.shuffle<f32>(l1, r0, 0, 1, 4, 5), 16);
  v128.store(at, v128.shuffle<f32>(r0, r1, 2, 3, 4, 5), 32);
  v128.store(at, v128.shuffle<f32>(l1, l2, 2, 3, 4, 5), 48);
  v128.store(at, v128.shuffle<f32>(l2, r1, 2, 3, 6, 7), 64);
  v128.store(at, r2, 80);
}

/**
 * The same for images holding a NaN: every lane carries the NaN rule (a NaN
 * window max sends the gradient to the NaN inputs, the first of them unless tiesAll).
 */
function maxPoolBackward2x2NaN(g: PoolParams, begin: i32, end: i32, tiesAll: bool, relu: bool): void {
  const c = g.channels;
  const inImage = g.inH * g.inW * c;
  const outImage = g.outH * g.outW * c;
  const pixel = <usize>c << 2;
  const rowBytes = <usize>(g.inW * c) << 2;
  // An odd last row or column belongs to no window: zero it.
  const covered = 2 * g.outH == g.inH && 2 * g.outW == g.inW;
  for (let n = begin; n < end; n++) {
    const x = <usize>g.aux + ((<usize>n * inImage) << 2);
    const dx = <usize>g.out + ((<usize>n * inImage) << 2);
    let dy = <usize>g.x + ((<usize>n * outImage) << 2);
    if (!covered) memory.fill(dx, 0, <usize>inImage << 2);
    for (let oy = 0; oy < g.outH; oy++) {
      const rowOff = <usize>(2 * oy) * rowBytes;
      for (let ox = 0; ox < g.outW; ox++) {
        const off = rowOff + <usize>(2 * ox) * pixel;
        for (let ch = 0; ch < c; ch += 4) {
          if (ch + 4 > c) ch = c - 4;
          const at = off + (<usize>ch << 2);
          const xa = x + at, da = dx + at;
          const v0 = v128.load(xa), v1 = v128.load(xa + pixel);
          const v2 = v128.load(xa + rowBytes), v3 = v128.load(xa + rowBytes + pixel);
          const best = f32x4.max(f32x4.max(v0, v1), f32x4.max(v2, v3));
          const grad = v128.load(dy + (<usize>ch << 2));
          const nan = f32x4.ne(best, best);
          let h0 = v128.or(f32x4.eq(v0, best), v128.and(nan, f32x4.ne(v0, v0)));
          let h1 = v128.or(f32x4.eq(v1, best), v128.and(nan, f32x4.ne(v1, v1)));
          let h2 = v128.or(f32x4.eq(v2, best), v128.and(nan, f32x4.ne(v2, v2)));
          let h3 = v128.or(f32x4.eq(v3, best), v128.and(nan, f32x4.ne(v3, v3)));
          if (!tiesAll) {
            // Only the first winner in window order (row by row).
            h1 = v128.andnot(h1, h0);
            h2 = v128.andnot(h2, v128.or(h0, h1));
            h3 = v128.andnot(h3, v128.or(v128.or(h0, h1), h2));
          }
          if (relu) {
            const zero = f32x4.splat(0);
            h0 = v128.and(h0, f32x4.gt(v0, zero)); h1 = v128.and(h1, f32x4.gt(v1, zero));
            h2 = v128.and(h2, f32x4.gt(v2, zero)); h3 = v128.and(h3, f32x4.gt(v3, zero));
          }
          v128.store(da, v128.and(grad, h0));
          v128.store(da + pixel, v128.and(grad, h1));
          v128.store(da + rowBytes, v128.and(grad, h2));
          v128.store(da + rowBytes + pixel, v128.and(grad, h3));
        }
        dy += pixel;
      }
    }
  }
}

/**
 * Max backward when windows do not overlap and lie inside the image (stride >= window, no padding:
 * LeNet's 2×2/2) and c >= 4:
 * every dx element has at most one window, so it is written once (the gradient or 0) instead of
 * zero-filled and accumulated, and the channel tail is one overlapping 4-lane block (it rewrites a
 * few elements with the values they already hold) instead of a scalar search per channel.
 */
function maxPoolBackwardTiled(g: PoolParams, begin: i32, end: i32): void {
  const c = g.channels;
  const inImage = g.inH * g.inW * c;
  const outImage = g.outH * g.outW * c;
  const tiesAll = g.tiesAll != 0;
  const reluMask = g.reluMask != 0;
  const zero = i32x4.splat(0);
  // Rows and columns that no window covers (inH > outH·strideH or strides past the window) stay 0.
  const covered = g.kh == g.strideH && g.kw == g.strideW && g.outH * g.kh == g.inH && g.outW * g.kw == g.inW;
  for (let n = begin; n < end; n++) {
    const x = <usize>g.aux + ((<usize>n * inImage) << 2);
    const dx = <usize>g.out + ((<usize>n * inImage) << 2);
    let dy = <usize>g.x + ((<usize>n * outImage) << 2);
    if (!covered) memory.fill(dx, 0, <usize>inImage << 2);
    for (let oy = 0; oy < g.outH; oy++) {
      const y0 = oy * g.strideH;
      for (let ox = 0; ox < g.outW; ox++) {
        const x0 = ox * g.strideW;
        for (let ch = 0; ch < c; ch += 4) {
          if (ch + 4 > c) ch = c - 4;
          let best = f32x4.splat(-Infinity);
          for (let iy = y0; iy < y0 + g.kh; iy++) {
            for (let ix = x0; ix < x0 + g.kw; ix++) best = f32x4.max(best, v128.load(x + ((<usize>((iy * g.inW + ix) * c + ch)) << 2)));
          }
          const bestIsNaN = f32x4.ne(best, best);
          const grad = v128.load(dy + (<usize>ch << 2));
          let taken = zero;
          for (let iy = y0; iy < y0 + g.kh; iy++) {
            for (let ix = x0; ix < x0 + g.kw; ix++) {
              const off = (<usize>((iy * g.inW + ix) * c + ch)) << 2;
              const v = v128.load(x + off);
              let hit = v128.or(f32x4.eq(v, best), v128.and(bestIsNaN, f32x4.ne(v, v)));
              if (!tiesAll) { hit = v128.andnot(hit, taken); taken = v128.or(taken, hit); }
              if (reluMask) hit = v128.and(hit, f32x4.gt(v, zero));
              v128.store(dx + off, v128.and(grad, hit));
            }
          }
        }
        dy += <usize>c << 2;
      }
    }
  }
}

/** Pool entry: images [begin, end) of dx (fully overwritten); mode 0 = max, 1 = avg. */
function poolBackward(params: usize, begin: i32, end: i32, mode: i32): void {
  const g = changetype<PoolParams>(params);
  const c = g.channels;
  const inside = (g.outH - 1) * g.strideH + g.kh <= g.inH && (g.outW - 1) * g.strideW + g.kw <= g.inW;
  if (mode == 0 && c >= 4 && g.kh == 2 && g.kw == 2 && g.strideH == 2 && g.strideW == 2 && g.padTop == 0 && g.padLeft == 0 && inside) {
    maxPoolBackward2x2(g, begin, end);
    return;
  }
  if (mode == 0 && c >= 4 && g.padTop == 0 && g.padLeft == 0 && g.strideH >= g.kh && g.strideW >= g.kw && inside) {
    maxPoolBackwardTiled(g, begin, end);
    return;
  }
  const inImage = g.inH * g.inW * c;
  const outImage = g.outH * g.outW * c;
  const tiesAll = g.tiesAll != 0;
  for (let n = begin; n < end; n++) {
    const x = <usize>g.aux + ((<usize>n * inImage) << 2);
    const dx = <usize>g.out + ((<usize>n * inImage) << 2);
    let dy = <usize>g.x + ((<usize>n * outImage) << 2);
    memory.fill(dx, 0, <usize>inImage << 2);
    for (let oy = 0; oy < g.outH; oy++) {
      const y0 = max(0, oy * g.strideH - g.padTop);
      const y1 = min(g.inH, oy * g.strideH - g.padTop + g.kh);
      for (let ox = 0; ox < g.outW; ox++) {
        const x0 = max(0, ox * g.strideW - g.padLeft);
        const x1 = min(g.inW, ox * g.strideW - g.padLeft + g.kw);
        let ch0 = 0;
        if (mode == 0) {
          // Four channels at a time: the window max, then each lane's gradient goes to the positions
          // equal to it (a NaN max: to NaN positions), only the first of them unless tiesAll.
          for (; ch0 + 4 <= c; ch0 += 4) {
            let best = f32x4.splat(-Infinity);
            for (let iy = y0; iy < y1; iy++) {
              for (let ix = x0; ix < x1; ix++) best = f32x4.max(best, v128.load(x + ((<usize>((iy * g.inW + ix) * c + ch0)) << 2)));
            }
            const bestIsNaN = f32x4.ne(best, best);
            const grad = v128.load(dy + (<usize>ch0 << 2));
            let taken = i32x4.splat(0);
            for (let iy = y0; iy < y1; iy++) {
              for (let ix = x0; ix < x1; ix++) {
                const off = (<usize>((iy * g.inW + ix) * c + ch0)) << 2;
                const v = v128.load(x + off);
                let hit = v128.or(f32x4.eq(v, best), v128.and(bestIsNaN, f32x4.ne(v, v)));
                if (!tiesAll) { hit = v128.andnot(hit, taken); taken = v128.or(taken, hit); }
                v128.store(dx + off, f32x4.add(v128.load(dx + off), v128.and(grad, hit)));
              }
            }
          }
        }
        for (let ch = ch0; ch < c; ch++) {
          const grad = f32At(dy, ch);
          if (mode != 0) {
            const share = grad / <f32>((y1 - y0) * (x1 - x0));
            for (let iy = y0; iy < y1; iy++) {
              for (let ix = x0; ix < x1; ix++) {
                const at = dx + ((<usize>((iy * g.inW + ix) * c + ch)) << 2);
                store<f32>(at, load<f32>(at) + share);
              }
            }
            continue;
          }
          // Max: find the window's maximum and where it first occurs. A NaN wins and stays, as in
          // the forward pass (f32.max propagates NaN).
          let best: f32 = -Infinity;
          let bestAt = -1;
          for (let iy = y0; iy < y1; iy++) {
            for (let ix = x0; ix < x1; ix++) {
              const i = (iy * g.inW + ix) * c + ch;
              const v = f32At(x, i);
              if (v > best || bestAt < 0 || (v != v && best == best)) { best = v; bestAt = i; }
            }
          }
          if (bestAt < 0) continue;
          const bestIsNaN = best != best;
          if (!tiesAll) {
            const at = dx + (<usize>bestAt << 2);
            store<f32>(at, load<f32>(at) + grad);
            continue;
          }
          for (let iy = y0; iy < y1; iy++) {
            for (let ix = x0; ix < x1; ix++) {
              const i = (iy * g.inW + ix) * c + ch;
              const v = f32At(x, i);
              if (v == best || (bestIsNaN && v != v)) {
                const at = dx + (<usize>i << 2);
                store<f32>(at, load<f32>(at) + grad);
              }
            }
          }
        }
        dy += <usize>c << 2;
      }
    }
    if (mode == 0 && g.reluMask != 0) reluMaskImage(dx, x, inImage);
  }
}

/** dx[i] = 0 where x[i] <= 0, for n floats (a fused ReluGrad after the pool's gradient). */
function reluMaskImage(dx: usize, x: usize, n: i32): void {
  const zero = f32x4.splat(0);
  let i = 0;
  for (; i + 4 <= n; i += 4) {
    const at = <usize>i << 2;
    v128.store(dx + at, v128.and(v128.load(dx + at), f32x4.gt(v128.load(x + at), zero)));
  }
  for (; i < n; i++) {
    const at = <usize>i << 2;
    if (!(load<f32>(x + at) > 0)) store<f32>(dx + at, 0);
  }
}

export function maxPoolForward(params: usize, begin: i32, end: i32, scratch: usize): void { poolForward(params, begin, end, 0); }
export function avgPoolForward(params: usize, begin: i32, end: i32, scratch: usize): void { poolForward(params, begin, end, 1); }
export function maxPoolBackward(params: usize, begin: i32, end: i32, scratch: usize): void { poolBackward(params, begin, end, 0); }
export function avgPoolBackward(params: usize, begin: i32, end: i32, scratch: usize): void { poolBackward(params, begin, end, 1); }
