/** Small helpers shared by the ported examples: Python-style printing and imshow-as-PNG. */
import { mkdirSync } from 'node:fs';
import { join } from 'node:path';
import * as cn from '../src/index.js';

/** Python's repr of a shape tuple: (50000, 26, 26, 2), (3,). */
export function pyShape(shape: readonly number[]): string {
  return shape.length === 1 ? `(${shape[0]},)` : `(${shape.join(', ')})`;
}

/** Where the examples write their pictures: argv `--out DIR`, else $CONVNET_OUT, else ./out/examples. */
export function outputDir(name: string): string {
  const flag = process.argv.indexOf('--out');
  const base = flag >= 0 && process.argv[flag + 1] ? process.argv[flag + 1] : process.env.CONVNET_OUT ?? join('out', 'examples');
  const dir = join(base, name);
  mkdirSync(dir, { recursive: true });
  return dir;
}

/**
 * plt.imshow(image) for a 2-D slice: image[i, :, :, c] of a rank-4 tensor, or image[i] of a rank-3 one.
 * Saved as a PNG with matplotlib's default viridis colormap, magnified 10×; returns the path.
 */
export function imshow(dir: string, file: string, t: cn.Tensor, index: number, channel = 0): string {
  const [, h, w] = t.shape;
  const c = t.rank === 4 ? t.shape[3] : 1;
  const values = new Float64Array(h * w);
  const base = index * h * w * c;
  for (let p = 0; p < h * w; p++) values[p] = t.data[base + p * c + channel];
  const path = join(dir, file);
  cn.saveImagePng(path, values, w, h, { scale: 10 });
  return path;
}

/** An integer option `--name N` from argv (as the examples take `--epochs 1`), or its default. */
export function intFlag(name: string, fallback: number): number {
  const at = process.argv.indexOf(`--${name}`);
  if (at < 0) return fallback;
  const value = Number(process.argv[at + 1]);
  if (!Number.isInteger(value) || value < 0) {
    throw new Error(`--${name}: expected a non-negative integer, got ${process.argv[at + 1] ?? 'nothing'}`);
  }
  return value;
}

/**
 * plt.imshow(X_valid[0]); plt.title(f'{label} : {prediction}'): saves the image with the title in its
 * file name (without ':' so the name is valid everywhere) and returns the title and the path.
 */
export function imshowTitled(dir: string, stem: string, t: cn.Tensor, index: number, label: number, prediction: number): string {
  const path = imshow(dir, `${stem}_title_${label}-${prediction}.png`, t, index);
  return `saved ${path} titled "${label} : ${prediction}"`;
}
