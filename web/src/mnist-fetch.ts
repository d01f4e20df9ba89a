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
  const total = Number(res.headers.get('Content-Length') ?? 0);
  let loaded = 0;
  const counter = new TransformStream<Uint8Array, Uint8Array>({
    transform(chunk, controller) {
      loaded += chunk.byteLength;
      onProgress(url, loaded, total, false);
      controller.enqueue(chunk);
    },
  });
  let body = res.body.pipeThrough(counter);
  // A server that labels the file Content-Encoding: gzip has it inflated by the browser already.
  if (!/gzip/i.test(res.headers.get('Content-Encoding') ?? '')) {
    body = body.pipeThrough(new DecompressionStream('gzip') as unknown as TransformStream<Uint8Array, Uint8Array>);
  }
  const bytes = new Uint8Array(await new Response(body).arrayBuffer());
  onProgress(url, loaded, total || loaded, true);
  return bytes;
}

/** One split (images + labels), checked to be 28×28 images with one label each. */
export async function fetchMnistSplit(base: string, split: 'train' | 'test', onProgress: ProgressFn): Promise<MnistBytes> {
  const [imageBytes, labelBytes] = await Promise.all([
    fetchGunzip(`${base}${split}-images.idx.gz`, onProgress),
    fetchGunzip(`${base}${split}-labels.idx.gz`, onProgress),
  ]);
  const images = cn.parseIdx(imageBytes, `${split}-images`);
  const labels = cn.parseIdx(labelBytes, `${split}-labels`);
  const [n, h, w] = images.shape;
  if (images.shape.length !== 3 || h !== 28 || w !== 28 || labels.shape.length !== 1 || labels.shape[0] !== n) {
    throw new Error(`${split}: expected (N, 28, 28) images and (N,) labels, got [${images.shape}] and [${labels.shape}]`);
  }
  return { images: images.data, labels: labels.data, count: n };
}
