// Single-precision GEMM: C[m, n] (+)= op(A)[m, k] × op(B)[k, n], all row-major.
// GotoBLAS structure: K is cut into KC-deep slices, the rows of C into MC-row blocks; op(A) is packed
// into MR-row micro-panels and op(B) into NR-column panels, so the micro-kernel streams both
// contiguously. The 2×16 micro-kernel keeps its C tile in eight f32x4 registers (measured here:
// bigger tiles spill; V8 already unrolls the k loop, so unrolling it by hand was slower; 2×16 beat
// 4×8 by ~2% and divides LeNet's 6 and 16 output channels). B is read in place when few rows of C
// share it (packing would cost as much as it saves). Measured on a Zen 3 core, 512³, 1 thread:
// plain SIMD ~28 GFLOP/s (the mul+add peak there is ~38), relaxed SIMD (FMA) ~40.
import { madd, argI, argP } from './simd';

const MR: i32 = 2;
const NR: i32 = 16;
const KC: i32 = 256;
const MC: i32 = 64;
const TILE_BYTES: usize = <usize>(MR * NR) << 2;
/** Up to this many rows of C, a non-transposed B is read in place instead of packed. */
const DIRECT_B_MAX_ROWS: i32 = 16;

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

/** Pack op(B)[p0 .. p0+kc, j0 .. j0+cols] (cols <= NR) as one NR-wide panel, zero-padding missing columns. */
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
  let c0 = 0;
  if (transB) {
    // op(B)(p, j) = b[j * ldb + p]: four columns at a time, 4×4 blocks transposed in registers.
    const rowBytes = <usize>ldb << 2;
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
  }
  for (let c = c0; c < NR; c++) {
    const out = dst + (<usize>c << 2);
    if (c >= cols) {
      for (let p = 0; p < kc; p++) store<f32>(out + (<usize>(p * NR) << 2), 0);
    } else if (transB) {
      // op(B)(p, j) = b[j * ldb + p]: one column of op(B) is contiguous.
      const src = b + ((<usize>(j0 + c) * ldb + p0) << 2);
      for (let p = 0; p < kc; p++) store<f32>(out + (<usize>(p * NR) << 2), load<f32>(src + (<usize>p << 2)));
    } else {
      const src = b + ((<usize>p0 * ldb + j0 + c) << 2);
      const step = <usize>ldb << 2;
      for (let p = 0; p < kc; p++) store<f32>(out + (<usize>(p * NR) << 2), load<f32>(src + <usize>p * step));
    }
  }
}

/**
 * The 2×16 micro-kernel: tile(c, ldc) (+)= Apanel[kc × 2] × Bpanel[kc × 16], eight f32x4 accumulators.
 * Per k step it issues 2 broadcasts, 4 loads and 16 multiply/adds: fewer broadcasts than a 4×8 tile
 * (they compete with the arithmetic for the FP pipes), the same register count (V8 keeps one of the
 * 16 xmm registers for itself, and without fused multiply-add each product needs a temporary).
 * bStep is the byte distance between consecutive k rows of the B panel (64 when packed).
 */
@inline
function kernel2x16(ap: usize, bp: usize, bStep: usize, kc: i32, c: usize, ldc: usize, accumulate: bool): void {
  let c00 = f32x4.splat(0), c01 = f32x4.splat(0), c02 = f32x4.splat(0), c03 = f32x4.splat(0);
  let c10 = f32x4.splat(0), c11 = f32x4.splat(0), c12 = f32x4.splat(0), c13 = f32x4.splat(0);
  for (let p = 0; p < kc; p++) {
    const b0 = v128.load(bp);
    const b1 = v128.load(bp, 16);
    const b2 = v128.load(bp, 32);
    const b3 = v128.load(bp, 48);
    const a0 = v128.load32_splat(ap);
    const a1 = v128.load32_splat(ap, 4);
    c00 = madd(a0, b0, c00); c01 = madd(a0, b1, c01); c02 = madd(a0, b2, c02); c03 = madd(a0, b3, c03);
    c10 = madd(a1, b0, c10); c11 = madd(a1, b1, c11); c12 = madd(a1, b2, c12); c13 = madd(a1, b3, c13);
    ap += 8;
    bp += bStep;
  }
  if (accumulate) {
    c00 = f32x4.add(c00, v128.load(c)); c01 = f32x4.add(c01, v128.load(c, 16));
    c02 = f32x4.add(c02, v128.load(c, 32)); c03 = f32x4.add(c03, v128.load(c, 48));
    c10 = f32x4.add(c10, v128.load(c + ldc)); c11 = f32x4.add(c11, v128.load(c + ldc, 16));
    c12 = f32x4.add(c12, v128.load(c + ldc, 32)); c13 = f32x4.add(c13, v128.load(c + ldc, 48));
  }
  v128.store(c, c00); v128.store(c, c01, 16); v128.store(c, c02, 32); v128.store(c, c03, 48);
  c += ldc;
  v128.store(c, c10); v128.store(c, c11, 16); v128.store(c, c12, 32); v128.store(c, c13, 48);
}

/** Copy the valid rows × cols corner of an MR×NR tile into C, adding when accumulate. */
function storeEdge(tile: usize, c: usize, ldc: i32, rows: i32, cols: i32, accumulate: bool): void {
  for (let r = 0; r < rows; r++) {
    const dst = c + ((<usize>r * ldc) << 2);
    const src = tile + (<usize>(r * NR) << 2);
    for (let j = 0; j < cols; j++) {
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
  if (r1 <= r0 || n <= 0) return;
  if (k <= 0) {
    if (!accumulate) memory.fill(c + ((<usize>r0 * n) << 2), 0, (<usize>(r1 - r0) * n) << 2);
    return;
  }
  const lda = transA ? m : k;
  const ldb = transB ? k : n;
  const direct = !transB && r1 - r0 <= DIRECT_B_MAX_ROWS;
  const panels = (n + NR - 1) / NR;
  const packedA = scratch;
  const packedB = packedA + (<usize>(MC * KC) << 2);
  const tile = packedB + ((<usize>KC * panels * NR) << 2);
  const ldcBytes = <usize>n << 2;
  for (let p0 = 0; p0 < k; p0 += KC) {
    const kc = min(KC, k - p0);
    const acc = accumulate || p0 > 0;
    const panelBytes = <usize>(kc * NR) << 2;
    if (!direct) {
      for (let jp = 0; jp < panels; jp++) {
        const j0 = jp * NR;
        packBPanel(b, ldb, transB, p0, kc, j0, min(NR, n - j0), packedB + <usize>jp * panelBytes);
      }
    } else if (n % NR != 0) {
      // Reading the last, partial panel in place would run past B's rows: pack just that one.
      const j0 = (panels - 1) * NR;
      packBPanel(b, ldb, false, p0, kc, j0, n - j0, packedB);
    }
    for (let i0 = r0; i0 < r1; i0 += MC) {
      const mc = min(MC, r1 - i0);
      packA(a, lda, transA, i0, mc, p0, kc, packedA);
      for (let jp = 0; jp < panels; jp++) {
        const j0 = jp * NR;
        const cols = min(NR, n - j0);
        let bp: usize, bStep: usize;
        if (!direct) { bp = packedB + <usize>jp * panelBytes; bStep = NR << 2; }
        else if (cols == NR) { bp = b + ((<usize>p0 * ldb + j0) << 2); bStep = <usize>ldb << 2; }
        else { bp = packedB; bStep = NR << 2; }
        for (let ir = 0; ir < mc; ir += MR) {
          const rows = min(MR, mc - ir);
          const ap = packedA + ((<usize>ir * kc) << 2);
          const cp = c + ((<usize>(i0 + ir) * n + j0) << 2);
          if (rows == MR && cols == NR) {
            kernel2x16(ap, bp, bStep, kc, cp, ldcBytes, acc);
          } else {
            kernel2x16(ap, bp, bStep, kc, tile, NR << 2, false);
            storeEdge(tile, cp, n, rows, cols, acc);
          }
        }
      }
    }
  }
}

/** Pool entry: params [a, b, c, m, k, n, transA, transB, accumulate]; work items are rows of C. */
export function gemm(params: usize, begin: i32, end: i32, scratch: usize): void {
  gemmRows(
    argP(params, 0), argP(params, 1), argP(params, 2),
    argI(params, 3), argI(params, 4), argI(params, 5),
    argI(params, 6) != 0, argI(params, 7) != 0, argI(params, 8) != 0,
    begin, end, scratch,
  );
}
