// Single-precision GEMM: C[m, n] (+)= op(A)[m, k] × op(B)[k, n], all row-major.
// GotoBLAS structure: K is cut into KC-deep slices, the rows of C into MC-row blocks; op(A) is packed
// into MR-row micro-panels and op(B) into NR-column panels, so the micro-kernel streams both
// contiguously. The 2×16 micro-kernel keeps its C tile in eight f32x4 registers (measured here:
// bigger tiles spill; V8 already unrolls the k loop, so unrolling it by hand was slower; 2×16 beat
// 4×8 by ~2% and divides LeNet's 6 and 16 output channels); a last panel of 4, 8 or 12 columns runs a
// narrower copy of it. B is read in place when few rows of C share it (packing would cost as much as
// it saves). Measured on a Zen 3 core, 512³, 1 thread:
// plain SIMD ~28 GFLOP/s (the mul+add peak there is ~38), relaxed SIMD (FMA) ~40.
import { madd, argI, argP } from './simd';

const MR: i32 = 2;
const NR: i32 = 16;
const KC: i32 = 256;
const MC: i32 = 64;
const TILE_BYTES: usize = <usize>(MR * NR) << 2;
/**
 * Up to this many rows of C, a non-transposed B is read in place instead of packed: for LeNet's
 * batch-32 forward GEMMs (x·W) packing W cost more than it saved (32×400×120 1.12×, 32×120×84 1.07×
 * faster in place, one thread, bench/gemm-ab.ts); for 400 rows it made no difference.
 */
const DIRECT_B_MAX_ROWS: i32 = 32;

/** Floats of scratch gemmRows needs for n columns. */
export function gemmScratchFloats(n: i32): i32 {
  const panels = (n + NR - 1) / NR;
  return MC * KC + KC * panels * NR + MR * NR;
}

/** Pack op(A)[i0 .. i0+mc, p0 .. p0+kc] as MR-row micro-panels: panel q holds, for each p, MR values. */
function packA(a: usize, lda: i32, transA: bool, i0: i32, mc: i32, p0: i32, kc: i32, dst: usize): void {
  for (let ir = 0; ir < mc; ir += MR) {
    const rows = min(MR, mc - ir);
    const panel = dst + ((<usize>ir * kc) << 2);
    if (transA) {
      // op(A)(i, p) = a[p * lda + i]: MR consecutive rows of op(A) are contiguous in memory.
      for (let p = 0; p < kc; p++) {
        const src = a + ((<usize>(p0 + p) * lda + i0 + ir) << 2);
        const out = panel + (<usize>(p * MR) << 2);
        if (rows == MR) store<u64>(out, load<u64>(src));
        else for (let r = 0; r < MR; r++) store<f32>(out + (<usize>r << 2), r < rows ? load<f32>(src + (<usize>r << 2)) : 0);
      }
    } else if (rows == MR) {
      // Two rows of A side by side: zip four k-steps of each into two vectors.
      const src0 = a + ((<usize>(i0 + ir) * lda + p0) << 2);
      const src1 = src0 + (<usize>lda << 2);
      let p = 0;
      for (; p + 4 <= kc; p += 4) {
        const r0 = v128.load(src0 + (<usize>p << 2)), r1 = v128.load(src1 + (<usize>p << 2));
        const out = panel + (<usize>(p * MR) << 2);
        v128.store(out, v128.shuffle<f32>(r0, r1, 0, 4, 1, 5));
        v128.store(out, v128.shuffle<f32>(r0, r1, 2, 6, 3, 7), 16);
      }
      for (; p < kc; p++) {
        const out = panel + (<usize>(p * MR) << 2);
        store<f32>(out, load<f32>(src0 + (<usize>p << 2)));
        store<f32>(out, load<f32>(src1 + (<usize>p << 2)), 4);
      }
    } else {
      for (let r = 0; r < MR; r++) {
        const out = panel + (<usize>r << 2);
        if (r < rows) {
          const src = a + ((<usize>(i0 + ir + r) * lda + p0) << 2);
          for (let p = 0; p < kc; p++) store<f32>(out + (<usize>(p * MR) << 2), load<f32>(src + (<usize>p << 2)));
        } else {
          for (let p = 0; p < kc; p++) store<f32>(out + (<usize>(p * MR) << 2), 0);
        }
      }
    }
  }
}

/** Pack op(B)[p0 .. p0+kc, j0 .. j0+cols] (cols <= NR) as one NR-wide panel, zero-padding its last partial vector. */
function packBPanel(b: usize, ldb: i32, transB: bool, p0: i32, kc: i32, j0: i32, cols: i32, dst: usize): void {
  if (!transB && cols == NR) {
    for (let p = 0; p < kc; p++) {
      const src = b + ((<usize>(p0 + p) * ldb + j0) << 2);
      const out = dst + (<usize>(p * NR) << 2);
      v128.store(out, v128.load(src));
      v128.store(out, v128.load(src, 16), 16);
      v128.store(out, v128.load(src, 32), 32);
      v128.store(out, v128.load(src, 48), 48);
    }
    return;
  }
  // The kernels read only the first ⌈cols/4⌉ vectors of a panel: zeros only up to there.
  const width = (cols + 3) & ~3;
  if (!transB) {
    // A partial panel row by row: whole vectors copied, the last one's missing lanes zeroed (columns
    // strided down k, as before, cost ~1 µs of the 5 µs of LeNet's 32×84×10).
    for (let p = 0; p < kc; p++) {
      const src = b + ((<usize>(p0 + p) * ldb + j0) << 2);
      const out = dst + (<usize>(p * NR) << 2);
      let c = 0;
      for (; c + 4 <= cols; c += 4) v128.store(out + (<usize>c << 2), v128.load(src + (<usize>c << 2)));
      for (; c < cols; c++) store<f32>(out + (<usize>c << 2), load<f32>(src + (<usize>c << 2)));
      for (; c < width; c++) store<f32>(out + (<usize>c << 2), 0);
    }
    return;
  }
  // op(B)(p, j) = b[j * ldb + p]: four columns at a time, 4×4 blocks transposed in registers.
  const rowBytes = <usize>ldb << 2;
  let c0 = 0;
  for (; c0 + 4 <= cols; c0 += 4) {
    const src = b + ((<usize>(j0 + c0) * ldb + p0) << 2);
    const out = dst + (<usize>c0 << 2);
    let p = 0;
    for (; p + 4 <= kc; p += 4) {
      const at = src + (<usize>p << 2);
      const r0 = v128.load(at), r1 = v128.load(at + rowBytes), r2 = v128.load(at + 2 * rowBytes), r3 = v128.load(at + 3 * rowBytes);
      const t0 = v128.shuffle<f32>(r0, r1, 0, 4, 1, 5), t1 = v128.shuffle<f32>(r2, r3, 0, 4, 1, 5);
      const t2 = v128.shuffle<f32>(r0, r1, 2, 6, 3, 7), t3 = v128.shuffle<f32>(r2, r3, 2, 6, 3, 7);
      const o = out + (<usize>(p * NR) << 2);
      v128.store(o, v128.shuffle<f32>(t0, t1, 0, 1, 4, 5));
      v128.store(o + (NR << 2), v128.shuffle<f32>(t0, t1, 2, 3, 6, 7));
      v128.store(o + (2 * NR << 2), v128.shuffle<f32>(t2, t3, 0, 1, 4, 5));
      v128.store(o + (3 * NR << 2), v128.shuffle<f32>(t2, t3, 2, 3, 6, 7));
    }
    for (; p < kc; p++) {
      for (let c = 0; c < 4; c++) store<f32>(out + (<usize>(p * NR + c) << 2), load<f32>(src + <usize>c * rowBytes + (<usize>p << 2)));
    }
  }
  for (let c = c0; c < width; c++) {
    const out = dst + (<usize>c << 2);
    if (c >= cols) {
      for (let p = 0; p < kc; p++) store<f32>(out + (<usize>(p * NR) << 2), 0);
    } else {
      // op(B)(p, j) = b[j * ldb + p]: one column of op(B) is contiguous.
      const src = b + ((<usize>(j0 + c) * ldb + p0) << 2);
      for (let p = 0; p < kc; p++) store<f32>(out + (<usize>(p * NR) << 2), load<f32>(src + (<usize>p << 2)));
    }
  }
}

/**
 * The 2×16 micro-kernel: tile(c, ldc) (+)= Apanel[kc × 2] × Bpanel[kc × 16], eight f32x4 accumulators.
 * Per k step it issues 2 broadcasts, 4 loads and 16 multiply/adds: fewer broadcasts than a 4×8 tile
 * (they compete with the arithmetic for the FP pipes), the same register count (V8 keeps one of the
 * 16 xmm registers for itself, and without fused multiply-add each product needs a temporary).
 * bStep is the byte distance between consecutive k rows of the B panel (64 when packed).
 * vecs (a constant at each call site, 1-4) narrows it to the first 4·vecs columns, for the last
 * panel of n = 120, 84, 10 (LeNet's dense layers): no work on the padding columns, and stores
 * straight to C instead of through the edge tile when 4·vecs columns remain.
 */
@inline
function kernel2xV(ap: usize, bp: usize, bStep: usize, kc: i32, c: usize, ldc: usize, accumulate: bool, vecs: i32): void {
  let c00 = f32x4.splat(0), c01 = f32x4.splat(0), c02 = f32x4.splat(0), c03 = f32x4.splat(0);
  let c10 = f32x4.splat(0), c11 = f32x4.splat(0), c12 = f32x4.splat(0), c13 = f32x4.splat(0);
  for (let p = 0; p < kc; p++) {
    // The same order as the fixed 2×16 kernel it replaced (loads, broadcasts, row 0, row 1).
    const b0 = v128.load(bp);
    let b1 = b0, b2 = b0, b3 = b0;
    if (vecs > 1) b1 = v128.load(bp, 16);
    if (vecs > 2) b2 = v128.load(bp, 32);
    if (vecs > 3) b3 = v128.load(bp, 48);
    const a0 = v128.load32_splat(ap);
    const a1 = v128.load32_splat(ap, 4);
    c00 = madd(a0, b0, c00);
    if (vecs > 1) c01 = madd(a0, b1, c01);
    if (vecs > 2) c02 = madd(a0, b2, c02);
    if (vecs > 3) c03 = madd(a0, b3, c03);
    c10 = madd(a1, b0, c10);
    if (vecs > 1) c11 = madd(a1, b1, c11);
    if (vecs > 2) c12 = madd(a1, b2, c12);
    if (vecs > 3) c13 = madd(a1, b3, c13);
    ap += 8;
    bp += bStep;
  }
  if (accumulate) {
    c00 = f32x4.add(c00, v128.load(c)); c10 = f32x4.add(c10, v128.load(c + ldc));
    if (vecs > 1) { c01 = f32x4.add(c01, v128.load(c, 16)); c11 = f32x4.add(c11, v128.load(c + ldc, 16)); }
    if (vecs > 2) { c02 = f32x4.add(c02, v128.load(c, 32)); c12 = f32x4.add(c12, v128.load(c + ldc, 32)); }
    if (vecs > 3) { c03 = f32x4.add(c03, v128.load(c, 48)); c13 = f32x4.add(c13, v128.load(c + ldc, 48)); }
  }
  v128.store(c, c00); v128.store(c + ldc, c10);
  if (vecs > 1) { v128.store(c, c01, 16); v128.store(c + ldc, c11, 16); }
  if (vecs > 2) { v128.store(c, c02, 32); v128.store(c + ldc, c12, 32); }
  if (vecs > 3) { v128.store(c, c03, 48); v128.store(c + ldc, c13, 48); }
}

/** kernel2xV for 1-4 vectors, each width its own specialised copy. */
@inline
function kernel2xN(ap: usize, bp: usize, bStep: usize, kc: i32, c: usize, ldc: usize, accumulate: bool, vecs: i32): void {
  if (vecs == 4) kernel2xV(ap, bp, bStep, kc, c, ldc, accumulate, 4);
  else if (vecs == 3) kernel2xV(ap, bp, bStep, kc, c, ldc, accumulate, 3);
  else if (vecs == 2) kernel2xV(ap, bp, bStep, kc, c, ldc, accumulate, 2);
  else kernel2xV(ap, bp, bStep, kc, c, ldc, accumulate, 1);
}

/** Copy the valid rows × cols corner of an MR×NR tile into C, adding when accumulate. */
function storeEdge(tile: usize, c: usize, ldc: i32, rows: i32, cols: i32, accumulate: bool): void {
  for (let r = 0; r < rows; r++) {
    const dst = c + ((<usize>r * ldc) << 2);
    const src = tile + (<usize>(r * NR) << 2);
    let j = 0;
    for (; j + 4 <= cols; j += 4) {
      const v = v128.load(src + (<usize>j << 2));
      const at = dst + (<usize>j << 2);
      v128.store(at, accumulate ? f32x4.add(v128.load(at), v) : v);
    }
    for (; j < cols; j++) {
      const v = load<f32>(src + (<usize>j << 2));
      const at = dst + (<usize>j << 2);
      store<f32>(at, accumulate ? load<f32>(at) + v : v);
    }
  }
}

/**
 * Rows [r0, r1) of C[m, n] (+)= op(A) × op(B). A is stored [m, k] (or [k, m] when transA), B [k, n]
 * (or [n, k] when transB). scratch holds gemmScratchFloats(n) floats private to the calling thread.
 */
export function gemmRows(
  a: usize, b: usize, c: usize, m: i32, k: i32, n: i32,
  transA: bool, transB: bool, accumulate: bool, r0: i32, r1: i32, scratch: usize,
): void {
  gemmBlock(a, b, c, m, k, n, transA, transB, accumulate, r0, r1, 0, n, scratch);
}

/**
 * The block rows [r0, r1) × columns [c0, c1) of C[m, n] (+)= op(A) × op(B); c0 a multiple of 4.
 * Only op(B)'s columns [c0, c1) are read or packed: a thread given a column range of a short, wide
 * product packs its share of B, not all of it.
 */
function gemmBlock(
  a: usize, b: usize, c: usize, m: i32, k: i32, n: i32,
  transA: bool, transB: bool, accumulate: bool, r0: i32, r1: i32, c0: i32, c1: i32, scratch: usize,
): void {
  if (r1 <= r0 || c1 <= c0) return;
  const ldcBytes = <usize>n << 2;
  if (k <= 0) {
    if (!accumulate) for (let i = r0; i < r1; i++) memory.fill(c + <usize>i * ldcBytes + (<usize>c0 << 2), 0, <usize>(c1 - c0) << 2);
    return;
  }
  const lda = transA ? m : k;
  const ldb = transB ? k : n;
  const direct = !transB && r1 - r0 <= DIRECT_B_MAX_ROWS;
  const width = c1 - c0;
  const panels = (width + NR - 1) / NR;
  const packedA = scratch;
  const packedB = packedA + (<usize>(MC * KC) << 2);
  const tile = packedB + ((<usize>KC * panels * NR) << 2);
  for (let p0 = 0; p0 < k; p0 += KC) {
    const kc = min(KC, k - p0);
    const acc = accumulate || p0 > 0;
    const panelBytes = <usize>(kc * NR) << 2;
    if (!direct) {
      for (let jp = 0; jp < panels; jp++) {
        const j0 = c0 + jp * NR;
        packBPanel(b, ldb, transB, p0, kc, j0, min(NR, c1 - j0), packedB + <usize>jp * panelBytes);
      }
    } else if (width % 4 != 0) {
      // Reading the last panel's partial vector in place would run past B's rows: pack just that panel.
      const j0 = c0 + (panels - 1) * NR;
      packBPanel(b, ldb, false, p0, kc, j0, c1 - j0, packedB);
    }
    for (let i0 = r0; i0 < r1; i0 += MC) {
      const mc = min(MC, r1 - i0);
      packA(a, lda, transA, i0, mc, p0, kc, packedA);
      for (let jp = 0; jp < panels; jp++) {
        const j0 = c0 + jp * NR;
        const cols = min(NR, c1 - j0);
        const vecs = (cols + 3) >> 2;
        let bp: usize, bStep: usize;
        if (!direct) { bp = packedB + <usize>jp * panelBytes; bStep = NR << 2; }
        else if ((cols & 3) == 0) { bp = b + ((<usize>p0 * ldb + j0) << 2); bStep = <usize>ldb << 2; }
        else { bp = packedB; bStep = NR << 2; }
        for (let ir = 0; ir < mc; ir += MR) {
          const rows = min(MR, mc - ir);
          const ap = packedA + ((<usize>ir * kc) << 2);
          const cp = c + ((<usize>(i0 + ir) * n + j0) << 2);
          if (rows == MR && (cols & 3) == 0) {
            kernel2xN(ap, bp, bStep, kc, cp, ldcBytes, acc, vecs);
          } else {
            kernel2xN(ap, bp, bStep, kc, tile, NR << 2, false, vecs);
            storeEdge(tile, cp, n, rows, cols, acc);
          }
        }
      }
    }
  }
}

/**
 * Pool entry: params [a, b, c, m, k, n, transA, transB, accumulate, byColumns]; work items are rows
 * of C, or its columns when byColumns (then every piece is all rows × a range of columns).
 */
export function gemm(params: usize, begin: i32, end: i32, scratch: usize): void {
  const m = argI(params, 3), n = argI(params, 5);
  const byColumns = argI(params, 9) != 0;
  gemmBlock(
    argP(params, 0), argP(params, 1), argP(params, 2), m, argI(params, 4), n,
    argI(params, 6) != 0, argI(params, 7) != 0, argI(params, 8) != 0,
    byColumns ? 0 : begin, byColumns ? m : end, byColumns ? begin : 0, byColumns ? end : n, scratch,
  );
}
