/**
 * Turns a drawing into an image like MNIST's, the way MNIST itself was made (LeCun et al.): the digit's
 * bounding box is scaled, keeping its aspect ratio, to fit a 20×20 box (with area averaging, which gives the
 * grey anti-aliased edges the training images have), then placed in a 28×28 field so that its centre of mass
 * sits at the field's centre. Values are in [0, 255/256], like the training data (byte / 256).
 * A network trained on MNIST only recognises digits presented this way: size and position matter to it.
 */

export const SIDE = 28;
const BOX = 20;
const MAX_VALUE = 255 / 256;
/** Ink below this is treated as background when finding the bounding box. */
const INK_THRESHOLD = 0.1;

export interface Box { x0: number; y0: number; x1: number; y1: number }

/** The smallest box (x1, y1 exclusive) holding every pixel with ink, or null for an empty drawing. */
export function inkBox(ink: Float32Array, width: number, height: number): Box | null {
  let x0 = width, y0 = height, x1 = -1, y1 = -1;
  for (let y = 0; y < height; y++) {
    for (let x = 0; x < width; x++) {
      if (ink[y * width + x] > INK_THRESHOLD) {
        if (x < x0) x0 = x;
        if (x > x1) x1 = x;
        if (y < y0) y0 = y;
        if (y > y1) y1 = y;
      }
    }
  }
  return x1 < 0 ? null : { x0, y0, x1: x1 + 1, y1: y1 + 1 };
}

/**
 * Area-averaging resample of `box` of the source into a (outW, outH) image: each output pixel is the mean of
 * the source area it covers (fractional edges weighted by their overlap).
 */
export function resampleArea(ink: Float32Array, width: number, box: Box, outW: number, outH: number): Float32Array {
  const out = new Float32Array(outW * outH);
  const sx = (box.x1 - box.x0) / outW;
  const sy = (box.y1 - box.y0) / outH;
  for (let oy = 0; oy < outH; oy++) {
    const top = box.y0 + oy * sy, bottom = top + sy;
    for (let ox = 0; ox < outW; ox++) {
      const left = box.x0 + ox * sx, right = left + sx;
      let sum = 0;
      // Bounds clamped to the box: rounding in top/bottom must never step outside the source.
      for (let y = Math.floor(top); y < Math.min(Math.ceil(bottom), box.y1); y++) {
        const wy = Math.min(bottom, y + 1) - Math.max(top, y);
        for (let x = Math.floor(left); x < Math.min(Math.ceil(right), box.x1); x++) {
          const wx = Math.min(right, x + 1) - Math.max(left, x);
          sum += wx * wy * ink[y * width + x];
        }
      }
      out[oy * outW + ox] = sum / (sx * sy);
    }
  }
  return out;
}

/** Centre of mass (x, y) in continuous pixel coordinates (pixel i covers [i, i + 1)). */
export function centreOfMass(img: Float32Array, width: number, height: number): [number, number] {
  let m = 0, mx = 0, my = 0;
  for (let y = 0; y < height; y++) {
    for (let x = 0; x < width; x++) {
      const v = img[y * width + x];
      m += v; mx += v * (x + 0.5); my += v * (y + 0.5);
    }
  }
  return m > 0 ? [mx / m, my / m] : [width / 2, height / 2];
}

/**
 * `ink`: the drawing, (height, width) row-major, 0 = background, 1 = full ink.
 * Returns the 28×28 MNIST-like image, or null when nothing is drawn.
 */
export function toMnistImage(ink: Float32Array, width: number, height: number): Float32Array | null {
  const box = inkBox(ink, width, height);
  if (box === null) return null;
  const bw = box.x1 - box.x0, bh = box.y1 - box.y0;
  const scale = BOX / Math.max(bw, bh);
  const w = Math.max(1, Math.round(bw * scale)), h = Math.max(1, Math.round(bh * scale));
  const small = resampleArea(ink, width, box, w, h);
  const [cx, cy] = centreOfMass(small, w, h);
  // Integer shift that brings the centre of mass to (14, 14), kept inside the field.
  const dx = Math.min(Math.max(Math.round(SIDE / 2 - cx), 0), SIDE - w);
  const dy = Math.min(Math.max(Math.round(SIDE / 2 - cy), 0), SIDE - h);
  const out = new Float32Array(SIDE * SIDE);
  for (let y = 0; y < h; y++) {
    for (let x = 0; x < w; x++) out[(y + dy) * SIDE + x + dx] = Math.min(MAX_VALUE, Math.max(0, small[y * w + x]));
  }
  return out;
}
