/**
 * Direct convolution loops (Float64Array only; conv2d.ts handles dtypes), for layers with few output
 * channels: there a 4×4-tiled GEMM wastes most of each tile and the im2col + packing copies cost
 * more than the arithmetic (the spec's 3×3×1×2 convolution has K = 9, outC = 2).
 *
 * The loops run along a whole output row: for each (output row, kernel cell (i, j), in-channel,
 * out-channel) the innermost loop walks ow over the range where the input column
 * ow·strideW − padLeft + j is inside the image (computed once per j), so there are no bounds tests
 * inside it and it is long (outW) rather than tiny (kw·inC).
 * The forward adds terms in the reference's (i, j, c) order, so float64 results match it exactly.
 */
import type { Conv2DInfo } from './shape.js';

/** For each kernel column j, the output columns [lo[j], hi[j]) whose input column is inside the image. */
function validColumns(info: Conv2DInfo): { lo: Int32Array; hi: Int32Array } {
  const { inW, kw, strideW, padLeft, outW } = info;
  const lo = new Int32Array(kw), hi = new Int32Array(kw);
  for (let j = 0; j < kw; j++) {
    lo[j] = Math.max(0, Math.ceil((padLeft - j) / strideW));
    hi[j] = Math.max(lo[j], Math.min(outW, Math.floor((inW - 1 + padLeft - j) / strideW) + 1));
  }
  return { lo, hi };
}

export function conv2dForwardDirect(x: Float64Array, w: Float64Array, bias: Float64Array | null, info: Conv2DInfo, y: Float64Array): void {
  const { batch, inH, inW, inC, kh, kw, outC, strideH, strideW, padTop, padLeft, outH, outW } = info;
  const { lo, hi } = validColumns(info);
  const yRowLen = outW * outC, xStep = strideW * inC;
  y.fill(0, 0, batch * outH * yRowLen);
  for (let b = 0; b < batch; b++) {
    for (let oh = 0; oh < outH; oh++) {
      const yRow = (b * outH + oh) * yRowLen;
      for (let i = 0; i < kh; i++) {
        const ih = oh * strideH - padTop + i;
        if (ih < 0 || ih >= inH) continue;
        const xRow = (b * inH + ih) * inW * inC;
        for (let j = 0; j < kw; j++) {
          const owLo = lo[j], owHi = hi[j];
          for (let c = 0; c < inC; c++) {
            const xStart = xRow + (owLo * strideW - padLeft + j) * inC + c;
            const wBase = ((i * kw + j) * inC + c) * outC;
            const yEnd = yRow + owHi * outC;
            if (outC === 2) {
              // the spec's layer: both output channels from one load of x
              const w0 = w[wBase], w1 = w[wBase + 1];
              for (let yo = yRow + owLo * 2, xs = xStart; yo < yEnd; yo += 2, xs += xStep) {
                const xv = x[xs];
                y[yo] += w0 * xv;
                y[yo + 1] += w1 * xv;
              }
              continue;
            }
            for (let oc = 0; oc < outC; oc++) {
              const wv = w[wBase + oc];
              for (let yo = yRow + owLo * outC + oc, xs = xStart; yo < yEnd; yo += outC, xs += xStep) y[yo] += wv * x[xs];
            }
          }
        }
      }
      if (bias !== null) {
        for (let o = yRow; o < yRow + yRowLen; o += outC) {
          for (let oc = 0; oc < outC; oc++) y[o + oc] += bias[oc];
        }
      }
    }
  }
}

/** Overwrites dx. */
export function conv2dBackpropInputDirect(dy: Float64Array, w: Float64Array, info: Conv2DInfo, dx: Float64Array): void {
  const { batch, inH, inW, inC, kh, kw, outC, strideH, strideW, padTop, padLeft, outH, outW } = info;
  const { lo, hi } = validColumns(info);
  const yRowLen = outW * outC, xStep = strideW * inC;
  dx.fill(0, 0, batch * inH * inW * inC);
  for (let b = 0; b < batch; b++) {
    for (let oh = 0; oh < outH; oh++) {
      const yRow = (b * outH + oh) * yRowLen;
      for (let i = 0; i < kh; i++) {
        const ih = oh * strideH - padTop + i;
        if (ih < 0 || ih >= inH) continue;
        const xRow = (b * inH + ih) * inW * inC;
        for (let j = 0; j < kw; j++) {
          const owLo = lo[j], owHi = hi[j];
          for (let c = 0; c < inC; c++) {
            const xStart = xRow + (owLo * strideW - padLeft + j) * inC + c;
            const wBase = ((i * kw + j) * inC + c) * outC;
            for (let oc = 0; oc < outC; oc++) {
              const wv = w[wBase + oc];
              const yEnd = yRow + owHi * outC;
              for (let yo = yRow + owLo * outC + oc, xs = xStart; yo < yEnd; yo += outC, xs += xStep) dx[xs] += wv * dy[yo];
            }
          }
        }
      }
    }
  }
}

/** Adds this batch's filter gradient onto dw (the caller zeroes it once). */
export function conv2dBackpropFilterDirectAdd(x: Float64Array, dy: Float64Array, info: Conv2DInfo, dw: Float64Array): void {
  const { batch, inH, inW, inC, kh, kw, outC, strideH, strideW, padTop, padLeft, outH, outW } = info;
  const { lo, hi } = validColumns(info);
  const yRowLen = outW * outC, xStep = strideW * inC;
  for (let b = 0; b < batch; b++) {
    for (let oh = 0; oh < outH; oh++) {
      const yRow = (b * outH + oh) * yRowLen;
      for (let i = 0; i < kh; i++) {
        const ih = oh * strideH - padTop + i;
        if (ih < 0 || ih >= inH) continue;
        const xRow = (b * inH + ih) * inW * inC;
        for (let j = 0; j < kw; j++) {
          const owLo = lo[j], owHi = hi[j];
          for (let c = 0; c < inC; c++) {
            const xStart = xRow + (owLo * strideW - padLeft + j) * inC + c;
            const wBase = ((i * kw + j) * inC + c) * outC;
            for (let oc = 0; oc < outC; oc++) {
              const yEnd = yRow + owHi * outC;
              let sum = 0;
              for (let yo = yRow + owLo * outC + oc, xs = xStart; yo < yEnd; yo += outC, xs += xStep) sum += x[xs] * dy[yo];
              dw[wBase + oc] += sum;
            }
          }
        }
      }
    }
  }
}
