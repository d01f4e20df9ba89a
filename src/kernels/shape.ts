/**
 * The one place that knows output sizes and padding. Every conv/pool kernel, op and graph node
 * takes its geometry from convInfo / poolInfo, so forward, backward, reference and fast kernels
 * can never disagree about where a window starts.
 *
 * 'valid': no padding; out = floor((in - k) / s) + 1 (the remainder is dropped).
 * 'same' (TensorFlow's rule): out = ceil(in / s); total = max((out - 1)·s + k - in, 0);
 *         top/left get floor(total / 2), bottom/right the rest (so the extra row goes at the bottom).
 */
export type Padding = 'same' | 'valid';

export interface Conv2DInfo {
  batch: number;
  inH: number; inW: number; inC: number;
  kh: number; kw: number; outC: number;
  strideH: number; strideW: number;
  padTop: number; padLeft: number; padBottom: number; padRight: number;
  outH: number; outW: number;
}

export interface Pool2DInfo {
  batch: number;
  inH: number; inW: number; channels: number;
  kh: number; kw: number;
  strideH: number; strideW: number;
  padTop: number; padLeft: number; padBottom: number; padRight: number;
  outH: number; outW: number;
}

interface Geometry1D { out: number; padBefore: number; padAfter: number }

/** Output length and padding along one axis. Caller has validated k >= 1, s >= 1. */
export function axisGeometry(inSize: number, k: number, s: number, padding: Padding): Geometry1D {
  if (padding === 'valid') {
    const out = inSize >= k ? Math.floor((inSize - k) / s) + 1 : 0;
    return { out, padBefore: 0, padAfter: 0 };
  }
  const out = Math.ceil(inSize / s);
  const total = Math.max((out - 1) * s + k - inSize, 0);
  const padBefore = Math.floor(total / 2);
  return { out, padBefore, padAfter: total - padBefore };
}

/** Geometry of a convolution of x (batch, inH, inW, inC) with W (kh, kw, inC, outC). */
export function convInfo(
  xShape: readonly number[], wShape: readonly number[],
  strides: readonly [number, number], padding: Padding,
): Conv2DInfo {
  const [batch, inH, inW, inC] = xShape;
  const [kh, kw, , outC] = wShape;
  const [strideH, strideW] = strides;
  const h = axisGeometry(inH, kh, strideH, padding);
  const w = axisGeometry(inW, kw, strideW, padding);
  return {
    batch, inH, inW, inC, kh, kw, outC, strideH, strideW,
    padTop: h.padBefore, padBottom: h.padAfter, padLeft: w.padBefore, padRight: w.padAfter,
    outH: h.out, outW: w.out,
  };
}

/** Geometry of a pooling of x (batch, inH, inW, channels) with a (kh, kw) window. */
export function poolInfo(
  xShape: readonly number[], kernel: readonly [number, number],
  strides: readonly [number, number], padding: Padding = 'valid',
): Pool2DInfo {
  const [batch, inH, inW, channels] = xShape;
  const [kh, kw] = kernel;
  const [strideH, strideW] = strides;
  const h = axisGeometry(inH, kh, strideH, padding);
  const w = axisGeometry(inW, kw, strideW, padding);
  return {
    batch, inH, inW, channels, kh, kw, strideH, strideW,
    padTop: h.padBefore, padBottom: h.padAfter, padLeft: w.padBefore, padRight: w.padAfter,
    outH: h.out, outW: w.out,
  };
}
