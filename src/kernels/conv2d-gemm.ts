/**
 * Convolution as matrix products (Float64Array only; conv2d.ts handles dtypes): im2col over bounded
 * chunks of output pixels, then the packed GEMM of gemm.ts. Best when there are enough output
 * channels to fill the GEMM's 4×4 register tiles.
 *
 *   forward:         y[rows × outC]  = col[rows × K] · w[K × outC]           (+ bias)
 *   backprop input:  dcol[rows × K]  = dy[rows × outC] · wᵀ, scattered back by col2im
 *   backprop filter: dw[K × outC]   += colᵀ[K × rows] · dy[rows × outC]
 *
 * The column scratch is capped at COL_BUDGET elements (8 MB) and reused between calls.
 */
import type { Conv2DInfo } from './shape.js';
import { gemm64 } from './gemm.js';
import { im2colRows, col2imRowsAdd } from './im2col.js';
import { scratch64 } from './float64-views.js';

const COL_BUDGET = 1 << 20;
const SLOT_COL = 5;

/** Pixels per chunk so that chunk × K fits the budget (at least one pixel), and the scratch to use. */
function chunkPlan(k: number, totalRows: number): { rows: number; col: Float64Array } {
  const rows = Math.max(1, Math.min(totalRows, Math.floor(COL_BUDGET / Math.max(k, 1))));
  return { rows, col: scratch64(SLOT_COL, rows * k) };
}

export function conv2dForwardGemm(x: Float64Array, w: Float64Array, bias: Float64Array | null, info: Conv2DInfo, y: Float64Array): void {
  const { batch, kh, kw, inC, outC, outH, outW } = info;
  const k = kh * kw * inC;
  const total = batch * outH * outW;
  const { rows, col } = chunkPlan(k, total);
  for (let r0 = 0; r0 < total; r0 += rows) {
    const rc = Math.min(rows, total - r0);
    im2colRows(x, info, r0, rc, col);
    gemm64(col, 0, w, 0, y, r0 * outC, rc, k, outC, false, false, false);
  }
  if (bias !== null) {
    for (let i = 0; i < total * outC; i += outC) {
      for (let c = 0; c < outC; c++) y[i + c] += bias[c];
    }
  }
}

/** Overwrites dx. */
export function conv2dBackpropInputGemm(dy: Float64Array, w: Float64Array, info: Conv2DInfo, dx: Float64Array): void {
  const { batch, inH, inW, kh, kw, inC, outC, outH, outW } = info;
  dx.fill(0, 0, batch * inH * inW * inC);
  const k = kh * kw * inC;
  const total = batch * outH * outW;
  const { rows, col } = chunkPlan(k, total);
  for (let r0 = 0; r0 < total; r0 += rows) {
    const rc = Math.min(rows, total - r0);
    gemm64(dy, r0 * outC, w, 0, col, 0, rc, outC, k, false, true, false);
    col2imRowsAdd(col, info, r0, rc, dx);
  }
}

/** Adds this batch's filter gradient onto dw (the caller zeroes it once). */
export function conv2dBackpropFilterGemmAdd(x: Float64Array, dy: Float64Array, info: Conv2DInfo, dw: Float64Array): void {
  const { batch, kh, kw, inC, outC, outH, outW } = info;
  const k = kh * kw * inC;
  const total = batch * outH * outW;
  const { rows, col } = chunkPlan(k, total);
  for (let r0 = 0; r0 < total; r0 += rows) {
    const rc = Math.min(rows, total - r0);
    im2colRows(x, info, r0, rc, col);
    gemm64(col, 0, dy, r0 * outC, dw, 0, k, rc, outC, true, false, true);
  }
}
