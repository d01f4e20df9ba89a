/**
 * The convolution kernels the ops and the graph call. Geometry comes from convInfo (shape.ts);
 * x NHWC, w (kh, kw, inC, outC), y NHWC. Outputs are overwritten, never accumulated into.
 *
 * Two implementations, chosen per layer by conv2dStrategy (both tested against conv2d-reference.ts):
 *   conv2d-direct.ts  row-wise direct loops: few output channels (the spec's 3×3×1×2 layer)
 *   conv2d-gemm.ts    im2col + packed GEMM: enough output channels to fill 4×4 register tiles
 * Both work on Float64Array only; this file is the dtype boundary: the batch is processed in chunks
 * of whole images, and float32 chunks are converted to and from float64 scratch (float64-views.ts),
 * which also bounds the scratch memory (~8 MB per buffer) for any batch size.
 */
import type { FloatArray } from '../tensor/dtype.js';
import type { Conv2DInfo } from './shape.js';
import { commitFloat64, imagesPerChunk, outputAsFloat64, readAsFloat64 } from './float64-views.js';
import { conv2dForwardDirect, conv2dBackpropInputDirect, conv2dBackpropFilterDirectAdd } from './conv2d-direct.js';
import { conv2dForwardGemm, conv2dBackpropInputGemm, conv2dBackpropFilterGemmAdd } from './conv2d-gemm.js';

// scratch slots (float64-views.ts); conv2d-gemm.ts uses 5 for its columns
const SLOT_W = 0, SLOT_BIAS = 1, SLOT_IN = 2, SLOT_OUT = 3, SLOT_GRAD = 4;

/**
 * 'direct' below 4 output channels, where a 4-wide GEMM tile would be mostly padding.
 * Measured here (float64, one thread, a busy 2-core machine; forward / backprop input / backprop filter, ms):
 *   3×3×1×2 valid on 5000×28×28×1:   direct 275 / 269 / 298    gemm 476 / 453 / 750
 *   5×5×6×16 valid on 32×14×14×6:    direct  57 /  60 /  30    gemm  22 /  13 /  21
 *   5×5×1×6 same on 32×28×28×1:      direct  23 /  23 /  21    gemm  17 /  11 /  26
 */
export function conv2dStrategy(info: Conv2DInfo): 'direct' | 'gemm' {
  return info.outC < 4 ? 'direct' : 'gemm';
}

interface Sizes { inImage: number; outImage: number; k: number; step: number }
function sizes(info: Conv2DInfo): Sizes {
  const inImage = info.inH * info.inW * info.inC;
  const outImage = info.outH * info.outW * info.outC;
  return { inImage, outImage, k: info.kh * info.kw * info.inC, step: imagesPerChunk(inImage + outImage, info.batch) };
}

export function conv2dForward(x: FloatArray, w: FloatArray, bias: FloatArray | null, info: Conv2DInfo, y: FloatArray): void {
  const { inImage, outImage, k, step } = sizes(info);
  const w64 = readAsFloat64(w, 0, k * info.outC, SLOT_W);
  const bias64 = bias === null ? null : readAsFloat64(bias, 0, info.outC, SLOT_BIAS);
  const core = conv2dStrategy(info) === 'direct' ? conv2dForwardDirect : conv2dForwardGemm;
  for (let b0 = 0; b0 < info.batch; b0 += step) {
    const nb = Math.min(step, info.batch - b0);
    const x64 = readAsFloat64(x, b0 * inImage, nb * inImage, SLOT_IN);
    const y64 = outputAsFloat64(y, b0 * outImage, nb * outImage, SLOT_OUT);
    core(x64, w64, bias64, { ...info, batch: nb }, y64);
    commitFloat64(y, b0 * outImage, y64);
  }
}

export function conv2dBackpropInput(dy: FloatArray, w: FloatArray, info: Conv2DInfo, dx: FloatArray): void {
  const { inImage, outImage, k, step } = sizes(info);
  const w64 = readAsFloat64(w, 0, k * info.outC, SLOT_W);
  const core = conv2dStrategy(info) === 'direct' ? conv2dBackpropInputDirect : conv2dBackpropInputGemm;
  for (let b0 = 0; b0 < info.batch; b0 += step) {
    const nb = Math.min(step, info.batch - b0);
    const dy64 = readAsFloat64(dy, b0 * outImage, nb * outImage, SLOT_GRAD);
    const dx64 = outputAsFloat64(dx, b0 * inImage, nb * inImage, SLOT_OUT);
    core(dy64, w64, { ...info, batch: nb }, dx64);
    commitFloat64(dx, b0 * inImage, dx64);
  }
}

export function conv2dBackpropFilter(x: FloatArray, dy: FloatArray, info: Conv2DInfo, dw: FloatArray): void {
  const { inImage, outImage, k, step } = sizes(info);
  const dw64 = outputAsFloat64(dw, 0, k * info.outC, SLOT_W);
  dw64.fill(0);
  const core = conv2dStrategy(info) === 'direct' ? conv2dBackpropFilterDirectAdd : conv2dBackpropFilterGemmAdd;
  for (let b0 = 0; b0 < info.batch; b0 += step) {
    const nb = Math.min(step, info.batch - b0);
    const x64 = readAsFloat64(x, b0 * inImage, nb * inImage, SLOT_IN);
    const dy64 = readAsFloat64(dy, b0 * outImage, nb * outImage, SLOT_GRAD);
    core(x64, dy64, { ...info, batch: nb }, dw64);
  }
  commitFloat64(dw, 0, dw64);
}

/** db[c] = sum of dy over all but the last axis (channels), summed in doubles. */
export function biasGradNHWC(dy: FloatArray, channels: number, db: FloatArray): void {
  if (channels === 0) return;
  const acc = outputAsFloat64(db, 0, channels, SLOT_W);
  acc.fill(0);
  const rowsPerChunk = Math.max(1, Math.floor((1 << 20) / channels));
  for (let start = 0; start < dy.length; start += rowsPerChunk * channels) {
    const len = Math.min(rowsPerChunk * channels, dy.length - start);
    const d = readAsFloat64(dy, start, len, SLOT_GRAD);
    for (let i = 0; i < len; i += channels) {
      for (let c = 0; c < channels; c++) acc[c] += d[i + c];
    }
  }
  commitFloat64(db, 0, acc);
}
