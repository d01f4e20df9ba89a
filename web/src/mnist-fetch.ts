/**
 * Fetches the gzip'd MNIST IDX files that scripts/web-data.mjs put beside the page, reporting progress
 * as compressed bytes arrive, and inflates them with the browser's own DecompressionStream('gzip').
 */
import * as cn from 'convnet';

export interface MnistBytes {
  /** (N, 28, 28) unsigned bytes, row-major, 0 = background. */
  images: Uint8Array;
  labels: Uint8Array;
  count: number;
}

export type ProgressFn = (file: string, loaded: number, total: number, done: boolean) => void;

/** The bytes of one gzip'd file at `url`, inflated. */
export async function fetchGunzip(url: string, onProgress: ProgressFn): Promise<Uint8Array> {
  const res = await fetch(url);
  if (!res.ok || res.body === null) throw new Error(`${url}: HTTP ${res.status} ${res.statusText} (run: node scripts/web-data.mjs)`);
  // With a Content-Encoding (a server compressing on the fly, as vite preview does) the browser decodes the
  // transfer and Content-Length no longer counts the bytes we see, so the total is unknown.
  const total = res.headers.has('Content-Encoding') ? 0 : Number(res.headers.get('Content-Length') ?? 0);
  let loaded = 0;
  const counter = new TransformStream<Uint8Array, Uint8Array>({
    transform(chunk, controller) {
      loaded += chunk.byteLength;
      onProgress(url, loaded, total, false);
      controller.enqueue(chunk);
    },
  });
  let bytes = new Uint8Array(await new Response(res.body.pipeThrough(counter)).arrayBuffer());
  onProgress(url, loaded, total || loaded, true);
  // Inflate if what arrived is still gzip (magic 1f 8b): whether a server already decoded it varies.
  if (bytes[0] === 0x1f && bytes[1] === 0x8b) {
    const inflated = new Blob([bytes]).stream().pipeThrough(new DecompressionStream('gzip'));
    bytes = new Uint8Array(await new Response(inflated).arrayBuffer());
  }
  return bytes;
}

/** One split (images + labels), checked to be 28×28 images with one label each. */
export async function fetchMnistSplit(base: string, split: 'train' | 'test', onProgress: ProgressFn): Promise<MnistBytes> {
  const [imageBytes, labelBytes] = await Promise.all([
    fetchGunzip(`${base}${split}-images.idx.gzip`, onProgress),
    fetchGunzip(`${base}${split}-labels.idx.gzip`, onProgress),
  ]);
  const images = cn.parseIdx(imageBytes, `${split}-images`);
  const labels = cn.parseIdx(labelBytes, `${split}-labels`);
  const [n, h, w] = images.shape;
  if (images.shape.length !== 3 || h !== 28 || w !== 28 || labels.shape.length !== 1 || labels.shape[0] !== n) {
    throw new Error(`${split}: expected (N, 28, 28) images and (N,) labels, got [${images.shape}] and [${labels.shape}]`);
  }
  return { images: images.data, labels: labels.data, count: n };
}
