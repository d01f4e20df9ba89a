// The browser's loadMnist({ url }) (src/data/mnist-fetch.ts), run here against a local http server: plain and
// gzip'd IDX files give exactly the tensors Node's loadMnist reads from disk; progress is reported; bad answers are
// Errors naming the URL.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as http from 'node:http';
import * as path from 'node:path';
import { gzipSync } from 'node:zlib';
import { loadMnist as loadFromDisk, mnistDataDir } from '../src/data/mnist.js';
import { loadMnist as fetchMnist } from '../src/data/mnist-fetch.js';

async function withServer(run: (base: string) => Promise<void>): Promise<void> {
  const dir = mnistDataDir();
  const gzipped = new Map<string, Buffer>();
  const server = http.createServer((req, res) => {
    const name = path.basename(req.url ?? '');
    // A gzip header followed by garbage.
    if (req.url?.includes('/damaged/')) { res.end(Buffer.from([0x1f, 0x8b, 8, 0, 1, 2, 3, 4, 5, 6])); return; }
    const plain = name.replace(/\.gz$/, '');
    const file = path.join(dir, plain);
    if (!fs.existsSync(file)) { res.writeHead(404, 'Not Found'); res.end(); return; }
    let body: Buffer = fs.readFileSync(file);
    if (name.endsWith('.gz')) {
      if (!gzipped.has(plain)) gzipped.set(plain, gzipSync(body, { level: 1 }));
      body = gzipped.get(plain)!;
    }
    res.writeHead(200, { 'Content-Length': body.length });
    res.end(body);
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  try {
    await run(`http://127.0.0.1:${(server.address() as { port: number }).port}/mnist/`);
  } finally {
    server.close();
  }
}

test('loadMnist({ url }) fetches plain or gzip\'d IDX files into the same split as the Node loader', { timeout: 60000 }, async () => {
  const disk = await loadFromDisk();
  await withServer(async (base) => {
    for (const suffix of ['', '.gz']) {
      let calls = 0;
      let last = [0, 0];
      const m = await fetchMnist({ url: base, suffix, onProgress: (loaded, total) => { calls++; last = [loaded, total]; } });
      for (const key of ['xTrain', 'yTrain', 'xValid', 'yValid', 'xTest', 'yTest'] as const) {
        assert.deepEqual(m[key].shape, disk[key].shape, `${key} shape (${suffix || 'plain'})`);
        assert.equal(Buffer.compare(Buffer.from(m[key].data.buffer), Buffer.from(disk[key].data.buffer)), 0, `${key} data (${suffix || 'plain'})`);
      }
      assert.ok(calls > 4, 'progress reported as bytes arrive');
      assert.equal(last[0], last[1], 'the last report has every byte of the known total');
    }
  });
});

test('loadMnist({ url }) names the URL on a 404 or a damaged file, and its options', async () => {
  await withServer(async (base) => {
    await assert.rejects(fetchMnist({ url: `${base}missing/`, suffix: '.none' }), /^Error: url: cannot fetch .*train-images-idx3-ubyte\.none: HTTP 404/);
    await assert.rejects(fetchMnist({ url: `${base}damaged/` }), /^Error: url: .*\/damaged\/\S+ is a damaged gzip file/);
  });
  assert.throws(() => fetchMnist({ url: 3 } as never), /^Error: url: expected a URL prefix string, got number 3/);
  assert.throws(() => fetchMnist({ prefix: 'x' } as never), /^Error: options: unknown option 'prefix'/);
});

test('fetchBytes refuses a body past maxBytes as it arrives, naming the caller\'s argument', async () => {
  const { fetchBytes } = await import('../src/io/fetch-bytes.js');
  await withServer(async (base) => {
    const url = `${base}t10k-labels-idx1-ubyte`;
    const whole = await fetchBytes(url, 'path');
    assert.equal(whole.length, 10008);
    await assert.rejects(fetchBytes(url, 'path', { maxBytes: 10007 }), /^Error: path: \S+t10k-labels-idx1-ubyte is larger than the 10007 bytes expected/);
  });
});
