/**
 * Pictures of a network as PNG images: tiles (filters, feature maps, digits) laid out in a grid,
 * each tile drawn through viridis (like plt.imshow) or in gray, separated by white gutters.
 */
import { applyColormap, upscaleNearest } from '../../io/colormap.js';
import { encodePng, type PngImage } from '../../io/png.js';

export interface GridOptions {
  /** Tiles per row. */
  columns: number;
  /** Nearest-neighbour magnification of every pixel. */
  scale: number;
  /** Pixels (before scaling) between tiles. Default 1. */
  gap?: number;
  /**
   * How values map to colours: 'tile' stretches each tile's own range, 'grid' one range for all tiles
   * (so magnitudes compare), or a fixed [vmin, vmax].
   */
  range?: 'tile' | 'grid' | [number, number];
  /** 'viridis' (default) or 'gray' (black → white). */
  colormap?: 'viridis' | 'gray';
}

/** Tiles of `height × width` values each, row-major; drawn left to right, top to bottom. */
export function tileGrid(tiles: readonly ArrayLike<number>[], width: number, height: number, o: GridOptions): PngImage {
  const gap = o.gap ?? 1;
  const cols = Math.max(1, Math.min(o.columns, tiles.length));
  const rows = Math.max(1, Math.ceil(tiles.length / cols));
  const W = cols * width + (cols - 1) * gap;
  const H = rows * height + (rows - 1) * gap;
  // NaN marks the gutters: the colormap draws NaN white.
  const canvas = new Float64Array(W * H).fill(NaN);
  const range = o.range ?? 'tile';
  const [glo, ghi] = Array.isArray(range) ? range : valueRange(tiles);
  tiles.forEach((tile, t) => {
    const [lo, hi] = range === 'tile' ? valueRange([tile]) : [glo, ghi];
    const span = hi - lo;
    const ox = (t % cols) * (width + gap), oy = Math.floor(t / cols) * (height + gap);
    for (let y = 0; y < height; y++) {
      for (let x = 0; x < width; x++) {
        const v = tile[y * width + x];
        canvas[(oy + y) * W + ox + x] = span > 0 ? Math.min(1, Math.max(0, (v - lo) / span)) : 0;
      }
    }
  });
  const image = o.colormap === 'gray' ? grayImage(canvas, W, H) : applyColormap(canvas, W, H, { vmin: 0, vmax: 1 });
  return o.scale === 1 ? image : upscaleNearest(image, o.scale);
}

/** [0, 1] values to gray RGB (NaN white), so gray and viridis grids share the same gutters. */
function grayImage(values: Float64Array, width: number, height: number): PngImage {
  const data = new Uint8Array(width * height * 3);
  for (let i = 0; i < values.length; i++) {
    const v = values[i];
    data.fill(Number.isNaN(v) ? 255 : Math.round(v * 255), 3 * i, 3 * i + 3);
  }
  return { width, height, channels: 3, data };
}

function valueRange(tiles: readonly ArrayLike<number>[]): [number, number] {
  let lo = Infinity, hi = -Infinity;
  for (const t of tiles) {
    for (let i = 0; i < t.length; i++) {
      const v = t[i];
      if (v < lo) lo = v;
      if (v > hi) hi = v;
    }
  }
  return lo <= hi ? [lo, hi] : [0, 0];
}

/** Channel c of an (h, w, channels) block stored row-major (NHWC without the batch). */
export function channelOf(data: ArrayLike<number>, h: number, w: number, channels: number, c: number, offset = 0): Float32Array {
  const out = new Float32Array(h * w);
  for (let i = 0; i < h * w; i++) out[i] = data[offset + i * channels + c];
  return out;
}

export function pngDataUri(image: PngImage): string {
  return `data:image/png;base64,${Buffer.from(encodePng(image)).toString('base64')}`;
}
