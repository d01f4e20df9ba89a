/**
 * Reference convolution kernels: the obvious nested loops over the output, like the course's NumPy
 * solution. Slow, but easy to trust; the fast kernels in conv2d.ts are tested against these.
 * Layouts: x NHWC, w (kh, kw, inC, outC), y/dy NHWC (batch, outH, outW, outC). Padded cells read as 0.
 */
import type { FloatArray } from '../tensor/dtype.js';
import type { Conv2DInfo } from './shape.js';

export function conv2dForwardReference(
  x: FloatArray, w: FloatArray, bias: FloatArray | null, info: Conv2DInfo, y: FloatArray,
): void {
  const { batch, inH, inW, inC, kh, kw, outC, strideH, strideW, padTop, padLeft, outH, outW } = info;
  for (let b = 0; b < batch; b++) {
    for (let oh = 0; oh < outH; oh++) {
      for (let ow = 0; ow < outW; ow++) {
        for (let oc = 0; oc < outC; oc++) {
          let sum = 0;
          for (let i = 0; i < kh; i++) {
            const ih = oh * strideH - padTop + i;
            if (ih < 0 || ih >= inH) continue;
            for (let j = 0; j < kw; j++) {
              const iw = ow * strideW - padLeft + j;
              if (iw < 0 || iw >= inW) continue;
              for (let c = 0; c < inC; c++) {
                sum += x[((b * inH + ih) * inW + iw) * inC + c] * w[((i * kw + j) * inC + c) * outC + oc];
              }
            }
          }
          y[((b * outH + oh) * outW + ow) * outC + oc] = bias === null ? sum : sum + bias[oc];
        }
      }
    }
  }
}

export function conv2dBackpropInputReference(dy: FloatArray, w: FloatArray, info: Conv2DInfo, dx: FloatArray): void {
  const { batch, inH, inW, inC, kh, kw, outC, strideH, strideW, padTop, padLeft, outH, outW } = info;
  dx.fill(0, 0, batch * inH * inW * inC);
  for (let b = 0; b < batch; b++) {
    for (let oh = 0; oh < outH; oh++) {
      for (let ow = 0; ow < outW; ow++) {
        for (let oc = 0; oc < outC; oc++) {
          const g = dy[((b * outH + oh) * outW + ow) * outC + oc];
          for (let i = 0; i < kh; i++) {
            const ih = oh * strideH - padTop + i;
            if (ih < 0 || ih >= inH) continue;
            for (let j = 0; j < kw; j++) {
              const iw = ow * strideW - padLeft + j;
              if (iw < 0 || iw >= inW) continue;
              for (let c = 0; c < inC; c++) {
                dx[((b * inH + ih) * inW + iw) * inC + c] += g * w[((i * kw + j) * inC + c) * outC + oc];
              }
            }
          }
        }
      }
    }
  }
}

export function conv2dBackpropFilterReference(x: FloatArray, dy: FloatArray, info: Conv2DInfo, dw: FloatArray): void {
  const { batch, inH, inW, inC, kh, kw, outC, strideH, strideW, padTop, padLeft, outH, outW } = info;
  dw.fill(0, 0, kh * kw * inC * outC);
  for (let b = 0; b < batch; b++) {
    for (let oh = 0; oh < outH; oh++) {
      for (let ow = 0; ow < outW; ow++) {
        for (let oc = 0; oc < outC; oc++) {
          const g = dy[((b * outH + oh) * outW + ow) * outC + oc];
          for (let i = 0; i < kh; i++) {
            const ih = oh * strideH - padTop + i;
            if (ih < 0 || ih >= inH) continue;
            for (let j = 0; j < kw; j++) {
              const iw = ow * strideW - padLeft + j;
              if (iw < 0 || iw >= inW) continue;
              for (let c = 0; c < inC; c++) {
                dw[((i * kw + j) * inC + c) * outC + oc] += g * x[((b * inH + ih) * inW + iw) * inC + c];
              }
            }
          }
        }
      }
    }
  }
}

/** db[c] = sum of dy over every axis but the last; the obvious loop. */
export function biasGradReference(dy: FloatArray, channels: number, db: FloatArray): void {
  for (let c = 0; c < channels; c++) {
    let sum = 0;
    for (let i = c; i < dy.length; i += channels) sum += dy[i];
    db[c] = sum;
  }
}
