/**
 * Dense matrix multiply in plain TypeScript: C[m×n] = op(A)[m×k] · op(B)[k×n] (+ C if accumulate).
 *
 * Structure (GotoBLAS in miniature): the k axis is cut into blocks of KC, rows into blocks of MC;
 * each block of op(A) is packed into panels of 4 rows and each block of op(B) into panels of 4
 * columns, laid out so the innermost k loop reads both panels contiguously. The 4×4 micro-kernel
 * keeps its 16 accumulators in locals, so each k step costs 8 loads for 16 multiply-adds.
 * Transposes are absorbed by the packing, so the micro-kernel has one shape.
 *
 * The core (gemm64) sees only Float64Array, so V8 keeps it monomorphic; matmul converts float32
 * operands at the boundary (O(size) work against O(m·n·k) arithmetic), see float64-views.ts.
 */
import type { FloatArray } from '../tensor/dtype.js';
import { commitFloat64, outputAsFloat64, readAsFloat64 } from './float64-views.js';

const KC = 256; // k-block: a 4-wide panel of KC doubles is 8 KB, two of them sit in L1
const MC = 128; // rows of op(A) packed at once: 128·256·8 = 256 KB, sized for L2
const MR = 4;
const NR = 4;

let packA = new Float64Array(MC * KC);
let packB = new Float64Array(NR * KC * 64);
const edgeTile = new Float64Array(MR * NR);
// scratch slots of float64-views.ts used by matmul's conversions (the conv kernels use lower ones)
const SLOT_A = 10, SLOT_B = 11, SLOT_C = 12;

function ensurePackB(size: number): Float64Array {
  if (packB.length < size) packB = new Float64Array(size);
  return packB;
}

function ensurePackA(size: number): Float64Array {
  if (packA.length < size) packA = new Float64Array(size);
  return packA;
}

/** C[m×n] = op(A)·op(B) (+ C). op(A) is A (m×k) or Aᵀ with A stored k×m; likewise B (k×n) or Bᵀ (n×k). */
export function matmul(
  a: FloatArray, b: FloatArray, c: FloatArray, m: number, k: number, n: number,
  transA: boolean, transB: boolean, accumulate: boolean,
): void {
  const a64 = readAsFloat64(a, 0, m * k, SLOT_A);
  const b64 = readAsFloat64(b, 0, k * n, SLOT_B);
  const c64 = accumulate ? readAsFloat64(c, 0, m * n, SLOT_C) : outputAsFloat64(c, 0, m * n, SLOT_C);
  gemm64(a64, 0, b64, 0, c64, 0, m, k, n, transA, transB, accumulate);
  commitFloat64(c, 0, c64);
}

/**
 * matmul on Float64Array sub-matrices starting at element offsets aOff/bOff/cOff (each dense,
 * row-major), so callers working on chunks need no views.
 */
export function gemm64(
  a: Float64Array, aOff: number, b: Float64Array, bOff: number, c: Float64Array, cOff: number,
  m: number, k: number, n: number, transA: boolean, transB: boolean, accumulate: boolean,
): void {
  if (m === 0 || n === 0) return;
  if (k === 0) {
    if (!accumulate) c.fill(0, cOff, cOff + m * n);
    return;
  }
  const nPanels = Math.ceil(n / NR);
  for (let pc = 0; pc < k; pc += KC) {
    const kb = Math.min(KC, k - pc);
    const bp = ensurePackB(nPanels * NR * kb);
    packPanelsB(b, bOff, bp, k, n, pc, kb, transB);
    const add = accumulate || pc > 0;
    for (let ic = 0; ic < m; ic += MC) {
      const mb = Math.min(MC, m - ic);
      const ap = ensurePackA(Math.ceil(mb / MR) * MR * kb);
      packPanelsA(a, aOff, ap, m, k, ic, mb, pc, kb, transA);
      macroKernel(ap, bp, c, cOff + ic * n, mb, n, kb, add);
    }
  }
}

/** Packs rows [i0, i0+mb) × k-range [p0, p0+kb) of op(A) into 4-row panels: ap[panel][p][r]. Rows past mb are zero. */
function packPanelsA(
  a: Float64Array, aOff: number, ap: Float64Array, m: number, k: number,
  i0: number, mb: number, p0: number, kb: number, transA: boolean,
): void {
  let dst = 0;
  for (let r0 = 0; r0 < mb; r0 += MR) {
    const rows = Math.min(MR, mb - r0);
    for (let r = 0; r < MR; r++) {
      let d = dst + r;
      if (r >= rows) {
        for (let p = 0; p < kb; p++, d += MR) ap[d] = 0;
      } else if (transA) {
        // op(A)[i, p] = A[p, i], A stored k×m
        let s = aOff + p0 * m + i0 + r0 + r;
        for (let p = 0; p < kb; p++, d += MR, s += m) ap[d] = a[s];
      } else {
        let s = aOff + (i0 + r0 + r) * k + p0;
        for (let p = 0; p < kb; p++, d += MR) ap[d] = a[s + p];
      }
    }
    dst += MR * kb;
  }
}

/** Packs k-range [p0, p0+kb) × all n columns of op(B) into 4-column panels: bp[panel][p][c]. Columns past n are zero. */
function packPanelsB(
  b: Float64Array, bOff: number, bp: Float64Array, k: number, n: number,
  p0: number, kb: number, transB: boolean,
): void {
  let dst = 0;
  for (let j0 = 0; j0 < n; j0 += NR) {
    const cols = Math.min(NR, n - j0);
    for (let col = 0; col < NR; col++) {
      let d = dst + col;
      if (col >= cols) {
        for (let p = 0; p < kb; p++, d += NR) bp[d] = 0;
      } else if (transB) {
        // op(B)[p, j] = B[j, p], B stored n×k
        const s = bOff + (j0 + col) * k + p0;
        for (let p = 0; p < kb; p++, d += NR) bp[d] = b[s + p];
      } else {
        let s = bOff + p0 * n + j0 + col;
        for (let p = 0; p < kb; p++, d += NR, s += n) bp[d] = b[s];
      }
    }
    dst += NR * kb;
  }
}

/** All 4×4 tiles of a packed mb×kb block of A times a packed kb×n block of B, into C rows starting at cOff. */
function macroKernel(
  ap: Float64Array, bp: Float64Array, c: Float64Array, cOff: number,
  mb: number, n: number, kb: number, add: boolean,
): void {
  for (let j0 = 0, bBase = 0; j0 < n; j0 += NR, bBase += NR * kb) {
    const cols = Math.min(NR, n - j0);
    for (let i0 = 0, aBase = 0; i0 < mb; i0 += MR, aBase += MR * kb) {
      const rows = Math.min(MR, mb - i0);
      let c00 = 0, c01 = 0, c02 = 0, c03 = 0;
      let c10 = 0, c11 = 0, c12 = 0, c13 = 0;
      let c20 = 0, c21 = 0, c22 = 0, c23 = 0;
      let c30 = 0, c31 = 0, c32 = 0, c33 = 0;
      let ai = aBase, bi = bBase;
      for (let p = 0; p < kb; p++, ai += MR, bi += NR) {
        const a0 = ap[ai], a1 = ap[ai + 1], a2 = ap[ai + 2], a3 = ap[ai + 3];
        const b0 = bp[bi], b1 = bp[bi + 1], b2 = bp[bi + 2], b3 = bp[bi + 3];
        c00 += a0 * b0; c01 += a0 * b1; c02 += a0 * b2; c03 += a0 * b3;
        c10 += a1 * b0; c11 += a1 * b1; c12 += a1 * b2; c13 += a1 * b3;
        c20 += a2 * b0; c21 += a2 * b1; c22 += a2 * b2; c23 += a2 * b3;
        c30 += a3 * b0; c31 += a3 * b1; c32 += a3 * b2; c33 += a3 * b3;
      }
      const o = cOff + i0 * n + j0;
      if (rows === MR && cols === NR) {
        if (add) {
          c[o] += c00; c[o + 1] += c01; c[o + 2] += c02; c[o + 3] += c03;
          const o1 = o + n, o2 = o1 + n, o3 = o2 + n;
          c[o1] += c10; c[o1 + 1] += c11; c[o1 + 2] += c12; c[o1 + 3] += c13;
          c[o2] += c20; c[o2 + 1] += c21; c[o2 + 2] += c22; c[o2 + 3] += c23;
          c[o3] += c30; c[o3 + 1] += c31; c[o3 + 2] += c32; c[o3 + 3] += c33;
        } else {
          c[o] = c00; c[o + 1] = c01; c[o + 2] = c02; c[o + 3] = c03;
          const o1 = o + n, o2 = o1 + n, o3 = o2 + n;
          c[o1] = c10; c[o1 + 1] = c11; c[o1 + 2] = c12; c[o1 + 3] = c13;
          c[o2] = c20; c[o2 + 1] = c21; c[o2 + 2] = c22; c[o2 + 3] = c23;
          c[o3] = c30; c[o3 + 1] = c31; c[o3 + 2] = c32; c[o3 + 3] = c33;
        }
      } else {
        const t = edgeTile;
        t[0] = c00; t[1] = c01; t[2] = c02; t[3] = c03;
        t[4] = c10; t[5] = c11; t[6] = c12; t[7] = c13;
        t[8] = c20; t[9] = c21; t[10] = c22; t[11] = c23;
        t[12] = c30; t[13] = c31; t[14] = c32; t[15] = c33;
        storeEdgeTile(c, o, n, rows, cols, add);
      }
    }
  }
}

/** Writes the valid rows×cols corner of a partial tile held in edgeTile (matrix edges only). */
function storeEdgeTile(c: Float64Array, o: number, n: number, rows: number, cols: number, add: boolean): void {
  for (let r = 0; r < rows; r++) {
    for (let j = 0; j < cols; j++) {
      const idx = o + r * n + j;
      c[idx] = add ? c[idx] + edgeTile[r * NR + j] : edgeTile[r * NR + j];
    }
  }
}
