/**
 * loadMnist() in browsers: fetches the four IDX files (plain or gzip'd, told apart by their first
 * bytes) from a URL prefix and splits them as the specification's MNIST.npz (see mnist-split.ts).
 */
import { gunzipSync } from 'fflate';
import { MNIST_FILES, mnistFromIdx, type Mnist } from './mnist-split.js';
import { checkOptions } from '../utils/check-options.js';
import { describe } from '../tensor/shape-util.js';
import { fetchBytes } from '../io/fetch-bytes.js';

export interface FetchMnistOptions {
  /** URL prefix of the files, e.g. '/mnist/' (relative to the page). Default 'mnist/'. */
  url?: string;
  /** Appended to each file name, e.g. '.gz' when the server holds gzip'd files. Default ''. */
  suffix?: string;
  /** Called as bytes arrive, with the bytes so far and the total when the server says it (else 0). */
  onProgress?: (loaded: number, total: number) => void;
}

const GZIP_MAGIC = [0x1f, 0x8b];
/** The largest MNIST file is 47 MB; nothing bigger is a real one, so a larger body is refused as it arrives. */
const MAX_FILE_BYTES = 64 * 2 ** 20;

async function fetchFile(url: string, progress: (delta: number, total: number) => void): Promise<Uint8Array> {
  const bytes = await fetchBytes(url, 'url', { maxBytes: MAX_FILE_BYTES, onProgress: progress });
  if (bytes[0] !== GZIP_MAGIC[0] || bytes[1] !== GZIP_MAGIC[1]) return bytes;
  try {
    return gunzipSync(bytes);
  } catch (e) {
    throw new Error(`url: ${url} is a damaged gzip file: ${(e as Error).message}`);
  }
}

let cached: { key: string; mnist: Promise<Mnist> } | undefined;

/** Fetches MNIST once per URL (later calls return the same tensors). */
export function loadMnist(options: FetchMnistOptions = {}): Promise<Mnist> {
  const o = checkOptions('options', options, ['url', 'suffix', 'onProgress']);
  const url = o.url ?? 'mnist/';
  const suffix = o.suffix ?? '';
  if (typeof url !== 'string') throw new Error(`url: expected a URL prefix string, got ${describe(url)}`);
  if (typeof suffix !== 'string') throw new Error(`suffix: expected a string, got ${describe(suffix)}`);
  if (o.onProgress !== undefined && typeof o.onProgress !== 'function') throw new Error(`onProgress: expected a function, got ${describe(o.onProgress)}`);
  const key = url + '\n' + suffix;
  if (cached?.key === key) return cached.mnist;
  const mnist = fetchAll(url, suffix, o.onProgress as FetchMnistOptions['onProgress']);
  cached = { key, mnist };
  // A failed load must not be cached: a later call retries.
  mnist.catch(() => { if (cached?.mnist === mnist) cached = undefined; });
  return mnist;
}

async function fetchAll(url: string, suffix: string, onProgress?: (loaded: number, total: number) => void): Promise<Mnist> {
  const keys = Object.keys(MNIST_FILES) as (keyof typeof MNIST_FILES)[];
  const sources = Object.fromEntries(keys.map((k) => [k, `${url}${MNIST_FILES[k]}${suffix}`])) as Record<keyof typeof MNIST_FILES, string>;
  const totals = new Map<string, number>();
  let loaded = 0;
  const progress = (k: string) => (delta: number, total: number) => {
    totals.set(k, total);
    loaded += delta;
    const all = [...totals.values()];
    onProgress?.(loaded, all.length === keys.length && all.every((t) => t > 0) ? all.reduce((a, b) => a + b, 0) : 0);
  };
  const [trainImages, trainLabels, testImages, testLabels] = await Promise.all(keys.map((k) => fetchFile(sources[k], progress(k))));
  return mnistFromIdx({ trainImages, trainLabels, testImages, testLabels }, sources);
}
