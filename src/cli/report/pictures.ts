/**
 * The pictures of a trained model: its convolution filters, the feature maps its conv and pool layers
 * make of a few digits (computed eagerly, layer by layer, with the current weights), the confusion
 * matrix and the most confident mistakes. Each is a PNG image; the report inlines them.
 */
import { Tensor } from '../../tensor/tensor.js';
import { takeRows } from '../../tensor/indexing.js';
import type { LayersModel } from '../../models/model.js';
import type { Layer } from '../../layers/layer.js';
import { upscaleNearest, applyColormap } from '../../io/colormap.js';
import type { PngImage } from '../../io/png.js';
import type { Mistake } from '../analysis.js';
import { channelOf, tileGrid } from './images.js';

export interface Picture {
  /** File name beside the report, e.g. 'filters-conv2d.png'. */
  file: string;
  title: string;
  caption: string;
  image: PngImage;
}

const MAP_LAYERS = new Set(['Conv2D', 'MaxPooling2D', 'AveragePooling2D']);
/** Feature-map tiles are magnified to about this many pixels. */
const TILE_PIXELS = 72;

const safeName = (s: string) => s.replace(/[^A-Za-z0-9_.-]/g, '_');

/** One grid per conv layer: a column per filter, a row per input channel. */
export function filterPictures(model: LayersModel): Picture[] {
  const out: Picture[] = [];
  for (const layer of model.layers) {
    if (layer.className !== 'Conv2D') continue;
    const kernel = layer.weights[0].value;
    const [kh, kw, cin, cout] = kernel.shape;
    const tiles: Float32Array[] = [];
    // Row r holds every filter's weights on input channel r: one column per filter.
    for (let ci = 0; ci < cin; ci++) {
      for (let co = 0; co < cout; co++) {
        const t = new Float32Array(kh * kw);
        for (let i = 0; i < kh * kw; i++) t[i] = kernel.data[(i * cin + ci) * cout + co];
        tiles.push(t);
      }
    }
    const scale = Math.max(4, Math.ceil(48 / Math.max(kh, kw)));
    out.push({
      file: `filters-${safeName(layer.name)}.png`,
      title: `${layer.name}: ${cout} filters of ${kh}×${kw}×${cin}`,
      caption: cin === 1
        ? `Each tile is one ${kh}×${kw} filter (yellow: large weights, dark blue: small or negative), one colour scale for the layer.`
        : `Column c is filter c; row r its weights on input channel r. One colour scale for the layer.`,
      image: tileGrid(tiles, kw, kh, { columns: cout, scale, range: 'grid' }),
    });
  }
  return out;
}

/** Up to `count` test images of different classes (the first of each), as row indices. */
export function sampleDigits(labels: ArrayLike<number>, count: number): number[] {
  const seen = new Set<number>();
  const picked: number[] = [];
  for (let i = 0; i < labels.length && picked.length < count; i++) {
    if (!seen.has(labels[i])) { seen.add(labels[i]); picked.push(i); }
  }
  for (let i = 0; i < labels.length && picked.length < count; i++) if (!picked.includes(i)) picked.push(i);
  return picked;
}

export interface FeatureMaps { digits: number[]; pictures: Picture[] }

/** The input digits, then one grid per conv/pool layer: a row per digit, a column per channel. */
export function featureMapPictures(model: LayersModel, x: Tensor, digits: number[]): FeatureMaps {
  const pictures: Picture[] = [];
  let a = takeRows(x, digits);
  pictures.push(mapPicture('input', 'the digits', a, 'gray'));
  const layers: Layer[] = model.layers;
  for (const layer of layers) {
    a = layer.apply(a);
    if (MAP_LAYERS.has(layer.className) && a.rank === 4) {
      pictures.push(mapPicture(layer.name, `${layer.name} (${layer.className})`, a, 'viridis'));
    }
  }
  return { digits, pictures };
}

function mapPicture(name: string, title: string, a: Tensor, colormap: 'gray' | 'viridis'): Picture {
  const [n, h, w, c] = a.shape;
  const tiles: Float32Array[] = [];
  for (let i = 0; i < n; i++) for (let ch = 0; ch < c; ch++) tiles.push(channelOf(a.data, h, w, c, ch, i * h * w * c));
  return {
    file: `feature-maps-${safeName(name)}.png`,
    title: `${title}: ${h}×${w}×${c}`,
    caption: colormap === 'gray'
      ? 'The test digits fed to the network, one per row.'
      : `One row per digit, one column per channel; each row on its own colour scale (yellow: strong activation).`,
    image: tileGridRows(tiles, w, h, c, n, colormap),
  };
}

/** A grid whose rows share a colour range (a digit's maps compare with each other). */
function tileGridRows(tiles: Float32Array[], w: number, h: number, columns: number, rows: number, colormap: 'gray' | 'viridis'): PngImage {
  // Normalise each row to [0, 1] here, then draw the whole grid with a fixed range.
  const normalised = tiles.map((t) => t.slice());
  for (let r = 0; r < rows; r++) {
    let lo = Infinity, hi = -Infinity;
    for (let c = 0; c < columns; c++) for (const v of tiles[r * columns + c]) { if (v < lo) lo = v; if (v > hi) hi = v; }
    const span = hi > lo ? hi - lo : 1;
    for (let c = 0; c < columns; c++) {
      const t = normalised[r * columns + c];
      for (let i = 0; i < t.length; i++) t[i] = (t[i] - lo) / span;
    }
  }
  return tileGrid(normalised, w, h, { columns, scale: Math.max(1, Math.ceil(TILE_PIXELS / Math.max(h, w))), range: [0, 1], colormap });
}

/** The confusion matrix as a heat map (each row on its own scale: the share of that class). */
export function confusionPicture(cm: number[][]): Picture {
  const k = cm.length;
  const values = new Float64Array(k * k);
  cm.forEach((row, t) => {
    const total = row.reduce((a, b) => a + b, 0) || 1;
    row.forEach((v, p) => { values[t * k + p] = v / total; });
  });
  return {
    file: 'confusion-matrix.png',
    title: 'Confusion matrix',
    caption: 'Row: true class, column: predicted class; colour: share of the row.',
    image: applyColormap(values, k, k, { vmin: 0, vmax: 1, scale: 24 }),
  };
}

/** One gray 28×28 image of test row `index`, magnified. */
export function digitImage(x: Tensor, index: number, scale = 3): PngImage {
  const [, h, w] = x.shape;
  const c = x.shape[3] ?? 1;
  const tile = channelOf(x.data, h, w, c, 0, index * h * w * c);
  return upscaleNearest(tileGrid([tile], w, h, { columns: 1, scale: 1, range: [0, 1], colormap: 'gray' }), scale);
}

/** The mistakes in one grid (captions are in the report). */
export function mistakesPicture(x: Tensor, mistakes: Mistake[]): Picture | null {
  if (mistakes.length === 0) return null;
  const [, h, w] = x.shape;
  const c = x.shape[3] ?? 1;
  const tiles = mistakes.map((m) => channelOf(x.data, h, w, c, 0, m.index * h * w * c));
  return {
    file: 'mistakes.png',
    title: `The ${mistakes.length} most confident mistakes`,
    caption: 'Left to right, top to bottom, most confident first.',
    image: tileGrid(tiles, w, h, { columns: 5, scale: 3, gap: 2, range: [0, 1], colormap: 'gray' }),
  };
}
