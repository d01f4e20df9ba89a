/**
 * Reference pooling kernels: the obvious loops over each output window, like the course's NumPy
 * solution. Padded cells (poolInfo with 'same') are skipped: max is over real cells, avg divides by
 * the number of real cells. A NaN in a window makes its max NaN. The fast kernels are tested against these.
 */
import type { FloatArray } from '../tensor/dtype.js';
import type { Pool2DInfo } from './shape.js';

/** Calls visit(xIndex) for every real cell of output window (b, oh, ow, c). */
function forEachCell(info: Pool2DInfo, b: number, oh: number, ow: number, c: number, visit: (xi: number) => void): void {
  const { inH, inW, channels, kh, kw, strideH, strideW, padTop, padLeft } = info;
  for (let i = 0; i < kh; i++) {
    const ih = oh * strideH - padTop + i;
    if (ih < 0 || ih >= inH) continue;
    for (let j = 0; j < kw; j++) {
      const iw = ow * strideW - padLeft + j;
      if (iw < 0 || iw >= inW) continue;
      visit(((b * inH + ih) * inW + iw) * channels + c);
    }
  }
}

function forEachOutput(info: Pool2DInfo, visit: (b: number, oh: number, ow: number, c: number, yi: number) => void): void {
  const { batch, channels, outH, outW } = info;
  let yi = 0;
  for (let b = 0; b < batch; b++)
    for (let oh = 0; oh < outH; oh++)
      for (let ow = 0; ow < outW; ow++)
        for (let c = 0; c < channels; c++) visit(b, oh, ow, c, yi++);
}

/** Max over the window's real cells; NaN if any of them is NaN. */
function windowMax(x: FloatArray, info: Pool2DInfo, b: number, oh: number, ow: number, c: number): number {
  let m = -Infinity;
  forEachCell(info, b, oh, ow, c, (xi) => {
    const v = x[xi];
    if (!Number.isNaN(m) && (Number.isNaN(v) || v > m)) m = v;
  });
  return m;
}

function windowCount(info: Pool2DInfo, b: number, oh: number, ow: number): number {
  let n = 0;
  forEachCell(info, b, oh, ow, 0, () => { n++; });
  return n;
}

export function maxPoolForwardReference(x: FloatArray, info: Pool2DInfo, y: FloatArray): void {
  forEachOutput(info, (b, oh, ow, c, yi) => { y[yi] = windowMax(x, info, b, oh, ow, c); });
}

export function avgPoolForwardReference(x: FloatArray, info: Pool2DInfo, y: FloatArray): void {
  forEachOutput(info, (b, oh, ow, c, yi) => {
    let sum = 0;
    forEachCell(info, b, oh, ow, c, (xi) => { sum += x[xi]; });
    y[yi] = sum / windowCount(info, b, oh, ow);
  });
}

/**
 * 'all': every cell equal to the window's max gets dy (a NaN max goes to the NaN cells);
 * 'first': only the first such cell in row-major window order.
 */
export function maxPoolBackwardReference(
  dy: FloatArray, x: FloatArray, info: Pool2DInfo, ties: 'all' | 'first', dx: FloatArray,
): void {
  dx.fill(0, 0, info.batch * info.inH * info.inW * info.channels);
  forEachOutput(info, (b, oh, ow, c, yi) => {
    const m = windowMax(x, info, b, oh, ow, c);
    let given = false;
    forEachCell(info, b, oh, ow, c, (xi) => {
      const isMax = x[xi] === m || (Number.isNaN(m) && Number.isNaN(x[xi]));
      if (isMax && !(ties === 'first' && given)) {
        dx[xi] += dy[yi];
        given = true;
      }
    });
  });
}

export function avgPoolBackwardReference(dy: FloatArray, info: Pool2DInfo, dx: FloatArray): void {
  dx.fill(0, 0, info.batch * info.inH * info.inW * info.channels);
  forEachOutput(info, (b, oh, ow, c, yi) => {
    const share = dy[yi] / windowCount(info, b, oh, ow);
    forEachCell(info, b, oh, ow, c, (xi) => { dx[xi] += share; });
  });
}
