/**
 * Fast convolution kernels (plain TypeScript): im2col over bounded chunks of output pixels, then the
 * packed GEMM of gemm.ts. Geometry always comes from convInfo (shape.ts).
 *
 *   forward:         y[rows × outC]  = col[rows × K] · w[K × outC]           (+ bias)
 *   backprop input:  dcol[rows × K]  = dy[rows × outC] · wᵀ, scattered back by col2im
 *   backprop filter: dw[K × outC]   += colᵀ[K × rows] · dy[rows × outC], summed over chunks
 *
 * The column scratch is one Float64Array reused between calls and capped at COL_BUDGET elements
 * (8 MB), so memory stays bounded for any batch size.
 */
import type { FloatArray } from '../tensor/dtype.js';
import type { Conv2DInfo } from './shape.js';
import { gemmStrided } from './gemm.js';
import { im2colRows, col2imRowsAdd } from './im2col.js';

const COL_BUDGET = 1 << 20; // elements of the Float64Array column scratch (8 MB)
let colScratch = new Float64Array(1 << 14);

/** Pixels per chunk so that chunk × K fits the budget (at least one pixel), and the scratch to use. */
function chunkPlan(k: number, totalRows: number): { rows: number; col: Float64Array } {
  const rows = Math.max(1, Math.min(totalRows, Math.floor(COL_BUDGET / Math.max(k, 1))));
  if (colScratch.length < rows * k) colScratch = new Float64Array(rows * k);
  return { rows, col: colScratch };
}

export function conv2dForward(x: FloatArray, w: FloatArray, bias: FloatArray | null, info: Conv2DInfo, y: FloatArray): void {
  const { batch, kh, kw, inC, outC, outH, outW } = info;
  const k = kh * kw * inC;
  const total = batch * outH * outW;
  if (total === 0 || outC === 0) return;
  const { rows, col } = chunkPlan(k, total);
  for (let r0 = 0; r0 < total; r0 += rows) {
    const rc = Math.min(rows, total - r0);
    im2colRows(x, info, r0, rc, col);
    gemmStrided(col, 0, w, 0, y, r0 * outC, rc, k, outC, false, false, false);
  }
  if (bias !== null) addBiasNHWC(y, total * outC, bias, outC);
}

export function conv2dBackpropInput(dy: FloatArray, w: FloatArray, info: Conv2DInfo, dx: FloatArray): void {
  const { batch, inH, inW, kh, kw, inC, outC, outH, outW } = info;
  dx.fill(0, 0, batch * inH * inW * inC);
  const k = kh * kw * inC;
  const total = batch * outH * outW;
  if (total === 0 || k === 0) return;
  const { rows, col } = chunkPlan(k, total);
  for (let r0 = 0; r0 < total; r0 += rows) {
    const rc = Math.min(rows, total - r0);
    gemmStrided(dy, r0 * outC, w, 0, col, 0, rc, outC, k, false, true, false);
    col2imRowsAdd(col, info, r0, rc, dx);
  }
}

export function conv2dBackpropFilter(x: FloatArray, dy: FloatArray, info: Conv2DInfo, dw: FloatArray): void {
  const { batch, kh, kw, inC, outC, outH, outW } = info;
  const k = kh * kw * inC;
  const total = batch * outH * outW;
  if (total === 0) {
    dw.fill(0, 0, k * outC);
    return;
  }
  const { rows, col } = chunkPlan(k, total);
  for (let r0 = 0; r0 < total; r0 += rows) {
    const rc = Math.min(rows, total - r0);
    im2colRows(x, info, r0, rc, col);
    gemmStrided(col, 0, dy, r0 * outC, dw, 0, k, rc, outC, true, false, r0 > 0);
  }
}

/** db[c] = sum of dy over all but the last axis (channels). Sums in doubles, one pass over dy. */
export function biasGradNHWC(dy: FloatArray, channels: number, db: FloatArray): void {
  if (channels === 0) return;
  const acc = new Float64Array(channels);
  const n = dy.length;
  for (let i = 0; i < n; i += channels) {
    for (let c = 0; c < channels; c++) acc[c] += dy[i + c];
  }
  for (let c = 0; c < channels; c++) db[c] = acc[c];
}

function addBiasNHWC(y: FloatArray, length: number, bias: FloatArray, channels: number): void {
  for (let i = 0; i < length; i += channels) {
    for (let c = 0; c < channels; c++) y[i + c] += bias[c];
  }
}
