/**
 * MNIST's preprocessing, applied to a user's picture of a digit so it looks like what the network was
 * trained on: white ink on black; the ink cropped to its bounding box and scaled (aspect kept) to fit a
 * 20×20 box with area averaging (anti-aliased, as NIST's digits were); then placed in the 28×28 field so
 * that its centre of mass is at the centre; pixels finally byte / 256, as loadMnist scales them.
 */
import type { GrayImage } from './image-input.js';

export interface PreprocessOptions {
  /** The field's side (28 for MNIST). */
  size?: number;
  /** The side of the box the digit is scaled into (20 for MNIST). */
  box?: number;
}

export interface Preprocessed {
  /** size × size values in [0, 255/256]. */
  pixels: Float32Array;
  /** The background was light (paper) and was inverted. */
  inverted: boolean;
}

/**
 * Ink fainter than this share of the strongest ink does not count for the bounding box. Low, because
 * MNIST's box holds every anti-aliased pixel: at 4% our crop of an MNIST test digit is its own box for
 * 85% of digits (and within 10/256 for the rest); at 15% only 60% were.
 */
const INK_THRESHOLD = 0.04;

export function mnistStyle(image: GrayImage, o: PreprocessOptions = {}): Preprocessed {
  const size = o.size ?? 28;
  const box = o.box ?? Math.round((size * 20) / 28);
  const { width, height } = image;
  // 1. Background: the median of the border; light paper is inverted so the ink is bright.
  const background = median(borderPixels(image));
  const inverted = background > 127;
  const ink = new Float64Array(width * height);
  const bg = inverted ? 255 - background : background;
  let peak = 0;
  for (let i = 0; i < ink.length; i++) {
    const v = (inverted ? 255 - image.gray[i] : image.gray[i]) - bg; // the background becomes 0
    ink[i] = v > 0 ? v : 0;
    if (ink[i] > peak) peak = ink[i];
  }
  if (peak < 1) throw new Error('IMAGE: no digit found (the picture is one flat colour)');
  // Stretch so the strongest ink is 255, as in MNIST.
  for (let i = 0; i < ink.length; i++) ink[i] *= 255 / peak;

  // 2. Bounding box of the ink.
  let x0 = width, y0 = height, x1 = -1, y1 = -1;
  for (let y = 0; y < height; y++) {
    for (let x = 0; x < width; x++) {
      if (ink[y * width + x] > 255 * INK_THRESHOLD) {
        if (x < x0) x0 = x; if (x > x1) x1 = x;
        if (y < y0) y0 = y; if (y > y1) y1 = y;
      }
    }
  }
  const bw = x1 - x0 + 1, bh = y1 - y0 + 1;
  const crop = new Float64Array(bw * bh);
  for (let y = 0; y < bh; y++) for (let x = 0; x < bw; x++) crop[y * bw + x] = ink[(y0 + y) * width + x0 + x];

  // 3. Scale to fit box × box, aspect kept.
  const scale = box / Math.max(bw, bh);
  const sw = Math.max(1, Math.round(bw * scale)), sh = Math.max(1, Math.round(bh * scale));
  const small = resizeArea(crop, bw, bh, sw, sh);

  // 4. Centre of mass to the centre of the field: pixel (14, 14) of 28×28 in pixel indices, where MNIST's
  //    digits have it (measured on the test set: their index-based centres of mass lie within ±0.5 of 14).
  let mass = 0, mx = 0, my = 0;
  for (let y = 0; y < sh; y++) {
    for (let x = 0; x < sw; x++) {
      const v = small[y * sw + x];
      mass += v; mx += v * x; my += v * y;
    }
  }
  const dx = Math.round(size / 2 - mx / mass), dy = Math.round(size / 2 - my / mass);
  const pixels = new Float32Array(size * size);
  for (let y = 0; y < sh; y++) {
    const ty = y + dy;
    if (ty < 0 || ty >= size) continue;
    for (let x = 0; x < sw; x++) {
      const tx = x + dx;
      if (tx < 0 || tx >= size) continue;
      // 5. Bytes, then byte / 256 like loadMnist.
      pixels[ty * size + tx] = Math.min(255, Math.round(small[y * sw + x])) / 256;
    }
  }
  return { pixels, inverted };
}

function borderPixels(image: GrayImage): number[] {
  const { width: w, height: h, gray } = image;
  const out: number[] = [];
  for (let x = 0; x < w; x++) { out.push(gray[x]); if (h > 1) out.push(gray[(h - 1) * w + x]); }
  for (let y = 1; y < h - 1; y++) { out.push(gray[y * w]); if (w > 1) out.push(gray[y * w + w - 1]); }
  return out;
}

function median(values: number[]): number {
  const s = values.slice().sort((a, b) => a - b);
  const m = s.length >> 1;
  return s.length % 2 ? s[m] : (s[m - 1] + s[m]) / 2;
}

/** For each output index along one axis: the source pixels it covers and their overlap weights (summing to 1). */
function areaWeights(from: number, to: number): { index: number; weight: number }[][] {
  const step = from / to;
  return Array.from({ length: to }, (_, o) => {
    const a = o * step, b = (o + 1) * step;
    const out: { index: number; weight: number }[] = [];
    for (let i = Math.floor(a); i < Math.min(from, Math.ceil(b)); i++) {
      const overlap = Math.min(b, i + 1) - Math.max(a, i);
      if (overlap > 0) out.push({ index: i, weight: overlap / step });
    }
    return out;
  });
}

/** Area-average resampling (a box filter): every output pixel is the mean of the source area it covers. */
export function resizeArea(src: Float64Array, w: number, h: number, W: number, H: number): Float64Array {
  const wx = areaWeights(w, W), wy = areaWeights(h, H);
  const rows = new Float64Array(h * W);
  for (let y = 0; y < h; y++) {
    for (let x = 0; x < W; x++) {
      let s = 0;
      for (const { index, weight } of wx[x]) s += src[y * w + index] * weight;
      rows[y * W + x] = s;
    }
  }
  const out = new Float64Array(H * W);
  for (let y = 0; y < H; y++) {
    for (const { index, weight } of wy[y]) for (let x = 0; x < W; x++) out[y * W + x] += rows[index * W + x] * weight;
  }
  return out;
}
