/**
 * `convnet train` run as a user runs it (a child process) on a small slice of MNIST: its outputs,
 * resuming (after an epoch, after Ctrl-C mid-epoch, after SIGKILL mid-epoch) to bit-identical weights,
 * and its errors (one line on stderr, exit code 2 for usage, 1 for a failed run).
 */
import { after, test } from 'node:test';
import assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { decodePng } from '../src/io/png.js';
import { saveNpz } from '../src/io/npz.js';
import { loadMnist } from '../src/data/mnist.js';
import { Tensor } from '../src/tensor/tensor.js';
import { sliceRows } from '../src/tensor/indexing.js';
import * as layers from '../src/layers/index.js';
import { input, model } from '../src/models/index.js';
import { spawnSync } from 'node:child_process';
import { BIN, chromiumPath, convnet, startConvnet, tempDir } from './cli-helpers.js';

const LIMIT = '2000';
const root = tempDir('train');
const straight = path.join(root, 'straight');
after(() => fs.rmSync(root, { recursive: true, force: true }));
const weights = (dir: string) => fs.readFileSync(path.join(dir, 'weights.bin'));
const history = (dir: string) => JSON.parse(fs.readFileSync(path.join(dir, 'history.json'), 'utf8')).history;
const checkpointPath = (dir: string) => JSON.parse(fs.readFileSync(path.join(dir, 'checkpoint.json'), 'utf8')).path as string;

test('train: writes the model, history.json, report.html and its pictures; prints test accuracy and the report path', () => {
  const r = convnet(['train', '--limit', LIMIT, '--epochs', '2', '--out', straight]);
  assert.equal(r.code, 0, r.stderr);
  const acc = /Test accuracy: (\d+\.\d+)%/.exec(r.stdout);
  assert.ok(acc, r.stdout);
  assert.ok(Number(acc[1]) > 75, `test accuracy ${acc[1]}% after 2 epochs on ${LIMIT} images`);
  assert.match(r.stdout, new RegExp(`Report: ${path.join(straight, 'report.html').replace(/[/.]/g, '\\$&')}`));
  assert.match(r.stdout, /Epoch 2\/2\n2000\/2000 \[=+\] - .* - loss: \d\.\d{4} - acc: \d\.\d{4} - val_loss: \d\.\d{4} - val_acc: \d\.\d{4}/);

  const h = history(straight);
  assert.deepEqual(Object.keys(h).sort(), ['acc', 'loss', 'val_acc', 'val_loss']);
  for (const k of Object.keys(h)) assert.equal(h[k].length, 2);
  assert.ok(h.loss[1] < h.loss[0], 'training loss falls');
  assert.equal(weights(straight).length, 61706 * 4, 'LeNet-5 has 61,706 float32 weights');

  const pngs = ['filters-conv2d', 'feature-maps-input', 'feature-maps-conv2d', 'feature-maps-max_pooling2d', 'confusion-matrix', 'mistakes'];
  const files = fs.readdirSync(straight);
  for (const p of pngs) {
    const f = files.find((x) => x.startsWith(p) && x.endsWith('.png'));
    assert.ok(f, `${p}*.png in ${files.join(', ')}`);
    const img = decodePng(fs.readFileSync(path.join(straight, f)));
    assert.ok(img.width > 20 && img.height > 20, `${f}: ${img.width}×${img.height}`);
  }
  assert.equal(files.filter((f) => f.startsWith('filters-')).length, 2, 'both conv layers');
  assert.equal(files.filter((f) => f.startsWith('feature-maps-')).length, 5, 'input + 2 conv + 2 pool');

  const html = fs.readFileSync(path.join(straight, 'report.html'), 'utf8');
  assert.doesNotMatch(html, /<script|<link|@import|url\(|src="(?!data:)/, 'self-contained: nothing fetched');
  const uris = [...html.matchAll(/src="data:image\/png;base64,([^"]+)"/g)].map((m) => m[1]);
  assert.equal(uris.length, 2 + 5 + 1 + 25, 'filters, feature maps, confusion matrix, 25 mistakes');
  for (const u of uris) decodePng(Buffer.from(u, 'base64'));
  assert.equal((html.match(/<svg /g) ?? []).length, 2, 'loss and accuracy charts');
  assert.equal((html.match(/<polyline class="series"/g) ?? []).length, 4, 'train and validation curve in each');
  assert.match(html, new RegExp(`id="test-accuracy">${acc[1]}%`));
  assert.match(html, /Total params: 61,706/);
  assert.equal((html.match(/class="mistake"/g) ?? []).length, 25);
  assert.match(html, /<table class="cm">/);
});

test('resume after a completed epoch ends with the weights and history of the uninterrupted run', () => {
  const dir = path.join(root, 'resumed');
  assert.equal(convnet(['train', '--limit', LIMIT, '--epochs', '1', '--out', dir]).code, 0);
  const r = convnet(['train', '--resume', dir, '--epochs', '2']);
  assert.equal(r.code, 0, r.stderr);
  assert.match(r.stdout, /Resuming .* at epoch 2\/2/);
  assert.ok(weights(dir).equals(weights(straight)), 'weights differ from the uninterrupted run');
  assert.deepEqual(history(dir), history(straight));
});

test('Ctrl-C mid-epoch: exit 130 after a consistent checkpoint; resume ends bit-identical', async () => {
  const dir = path.join(root, 'sigint');
  const run = startConvnet(['train', '--limit', LIMIT, '--epochs', '2', '--out', dir]);
  await run.waitFor('Epoch 1/2');
  run.child.kill('SIGINT');
  const r = await run.done;
  assert.equal(r.code, 130, r.stderr);
  assert.match(r.stderr, /Continue with: convnet train --resume/);
  assert.match(checkpointPath(dir), /^checkpoints\/epoch0-batch[1-9]\d*-/, 'stopped inside epoch 1');
  assert.ok(!fs.existsSync(path.join(dir, 'report.html')));
  const resumed = convnet(['train', '--resume', dir]);
  assert.equal(resumed.code, 0, resumed.stderr);
  assert.match(resumed.stdout, /Resuming .* at batch \d+ of epoch 1\/2/);
  assert.ok(weights(dir).equals(weights(straight)), 'weights differ from the uninterrupted run');
  assert.deepEqual(history(dir), history(straight));
});

test('SIGKILL mid-epoch: resume continues from the last complete epoch and ends bit-identical', async () => {
  const dir = path.join(root, 'sigkill');
  const run = startConvnet(['train', '--limit', LIMIT, '--epochs', '2', '--out', dir]);
  await run.waitFor('Epoch 2/2'); // printed after epoch 1's checkpoint
  run.child.kill('SIGKILL');
  const r = await run.done;
  assert.equal(r.signal, 'SIGKILL');
  assert.match(checkpointPath(dir), /^checkpoints\/epoch1-batch0-/);
  const resumed = convnet(['train', '--resume', dir]);
  assert.equal(resumed.code, 0, resumed.stderr);
  assert.ok(weights(dir).equals(weights(straight)), 'weights differ from the uninterrupted run');
});

test("train --data: a Keras-style .npz (integer pixels) trains and reports", async () => {
  const { xTrain, yTrain, xTest, yTest } = await loadMnist();
  const bytes = (t: Tensor) => new Tensor(Int32Array.from(t.data, (v) => Math.round(v * 256)), t.shape);
  const file = path.join(root, 'small.npz');
  await saveNpz(file, {
    x_train: bytes(sliceRows(xTrain, 0, 600)), y_train: sliceRows(yTrain, 0, 600),
    x_test: bytes(sliceRows(xTest, 0, 200)), y_test: sliceRows(yTest, 0, 200),
  });
  const out = path.join(root, 'npz');
  const r = convnet(['train', '--data', file, '--epochs', '1', '--out', out]);
  assert.equal(r.code, 0, r.stderr);
  assert.match(r.stdout, /on 500 images of .*small\.npz, validating on 100/);
  assert.match(r.stdout, /Test accuracy: .*200 test images/);
  assert.ok(fs.existsSync(path.join(out, 'report.html')));
});

test('train errors: one line on stderr, exit 2 for the command line, 1 for the run; stack only with --verbose', async () => {
  const oneLine = (s: string) => { assert.equal(s.trim().split('\n').length, 1, s); assert.doesNotMatch(s, /^\s+at /m); };
  let r = convnet(['train', '--epoch', '3']);
  assert.equal(r.code, 2);
  assert.match(r.stderr, /^convnet train: unknown option '--epoch' \(did you mean '--epochs'\?\)/);
  oneLine(r.stderr);
  r = convnet(['train', '--batch-size', 'many']);
  assert.equal(r.code, 2);
  oneLine(r.stderr);
  r = convnet(['train', '--resume', path.join(root, 'no-such-run')]);
  assert.equal(r.code, 1);
  assert.match(r.stderr, /--resume: no such directory/);
  oneLine(r.stderr);
  r = convnet(['train', '--out', straight, '--limit', '10']);
  assert.equal(r.code, 1);
  assert.match(r.stderr, /already holds a training run/);
  r = convnet(['train', '--data', path.join(root, 'missing.npz')]);
  assert.equal(r.code, 1);
  assert.match(r.stderr, /--data: no such file/);
  r = convnet(['frobnicate']);
  assert.equal(r.code, 2);
  assert.match(r.stderr, /unknown command 'frobnicate'/);

  // A model whose input does not fit MNIST's 28×28 digits.
  const x = input({ shape: [8, 8, 1] });
  const y = layers.dense({ units: 10, activation: 'softmax' }).apply(layers.flatten().apply(x));
  const m = model({ inputs: x, outputs: y });
  const small = path.join(root, 'small-model');
  await m.save(small);
  r = convnet(['train', '--model', small, '--limit', '50', '--out', path.join(root, 'misfit')]);
  assert.equal(r.code, 1);
  assert.match(r.stderr, /^convnet train: --data: the model takes images of shape \[8, 8, 1\], the data has \[28, 28\]/);
  oneLine(r.stderr);
  r = convnet(['train', '--model', small, '--limit', '50', '--out', path.join(root, 'misfit2'), '--verbose']);
  assert.equal(r.code, 1);
  assert.match(r.stderr, /^\s+at /m, 'stack trace with --verbose');
});

// .ci/run installs Debian's chromium; a developer machine without it skips this one test and says so.
test('report.html renders in headless Chromium: charts, every picture decoded, no console errors', { skip: chromiumPath() === null ? 'no /usr/bin/chromium here (Debian package chromium; .ci/run installs it)' : false }, async () => {
  const { chromium } = await import('playwright-core');
  const browser = await chromium.launch({
    executablePath: chromiumPath()!,
    args: ['--no-sandbox', '--disable-gpu', '--disable-background-networking', '--disable-component-update', '--disable-sync', '--no-first-run'],
  });
  try {
    const page = await browser.newPage({ viewport: { width: 1100, height: 900 } });
    const errors: string[] = [];
    page.on('console', (m) => { if (m.type() === 'error') errors.push(m.text()); });
    page.on('pageerror', (e) => errors.push(String(e)));
    page.on('requestfailed', (r) => errors.push(`request failed: ${r.url()}`));
    await page.goto(`file://${path.join(straight, 'report.html')}`);
    assert.match(await page.locator('#test-accuracy').innerText(), /\d+\.\d+%/);
    // Both curves drawn: each SVG chart has polylines/paths with points in it.
    const charts = page.locator('svg');
    assert.equal(await charts.count(), 2);
    for (let i = 0; i < 2; i++) assert.ok((await charts.nth(i).locator('polyline, path').count()) > 0, `chart ${i} has no lines`);
    // Every inline picture decoded to a real image.
    const sizes = await page.$$eval('img', (imgs) => imgs.map((img) => [(img as HTMLImageElement).complete, (img as HTMLImageElement).naturalWidth]));
    assert.ok(sizes.length >= 30, `only ${sizes.length} pictures`);
    sizes.forEach(([complete, width], i) => assert.ok(complete && (width as number) > 0, `picture ${i} did not decode`));
    await page.screenshot({ path: path.join(straight, 'report-screenshot.png'), fullPage: true });
    assert.deepEqual(errors, []);
  } finally {
    await browser.close();
  }
});

/** `convnet ...args` with the file-size limit at `kb` KB: every write past it fails (EFBIG), as on a full disk. */
function convnetOnFullDisk(kb: number, args: string[]): { code: number | null; stdout: string; stderr: string } {
  const r = spawnSync('sh', ['-c', `ulimit -f ${kb}; exec "$0" "$@"`, process.execPath, BIN, ...args], { encoding: 'utf8', timeout: 60_000 });
  return { code: r.status, stdout: r.stdout, stderr: r.stderr };
}

test('an output directory that cannot be written fails at start, before the data is loaded, with the path named', () => {
  // Nothing here may print the "Training … on N images" line, which comes after the data is loaded.
  const atStart = (r: { code: number | null; stdout: string; stderr: string }, pattern: RegExp, label: string) => {
    assert.equal(r.code, 1, `${label}: ${r.stderr}`);
    assert.match(r.stderr, pattern, label);
    assert.doesNotMatch(r.stdout, /Training /, label);
  };
  const file = path.join(root, 'a-file');
  fs.writeFileSync(file, 'not a directory');
  atStart(convnet(['train', '--limit', '50', '--out', path.join(file, 'run')]), /^convnet train: --out: cannot write to .*a-file\/run: ENOTDIR/, 'under a file');
  // Read-only: a chmod 555 directory, unless we are root (root writes there anyway); then sysfs, which refuses even root.
  const readOnly = path.join(root, 'read-only');
  fs.mkdirSync(readOnly);
  fs.chmodSync(readOnly, 0o555);
  const rootUser = process.getuid?.() === 0;
  if (!rootUser || fs.existsSync('/sys/kernel')) {
    const out = rootUser ? '/sys/kernel/convnet-run' : path.join(readOnly, 'run');
    atStart(convnet(['train', '--limit', '50', '--out', out]), /^convnet train: --out: cannot write to .*: E(ACCES|PERM|ROFS)/, 'read-only');
  }
  // A full disk, simulated by the file-size limit (RLIMIT_FSIZE): the probe is as large as a checkpoint.
  const full = path.join(root, 'full-disk');
  atStart(convnetOnFullDisk(64, ['train', '--limit', '50', '--out', full]), /^convnet train: --out: cannot write to .*full-disk: EFBIG/, 'full disk');
  assert.deepEqual(fs.readdirSync(full), [], 'the probe file is removed');
  // Resuming into a directory that has since filled up fails before training too, and leaves the checkpoint alone.
  const resumed = path.join(root, 'resumed');
  const before = checkpointPath(resumed);
  atStart(convnetOnFullDisk(64, ['train', '--resume', resumed, '--epochs', '3']), /^convnet train: --resume: cannot write to .*resumed: EFBIG/, 'resume, full disk');
  assert.equal(checkpointPath(resumed), before);
  assert.ok(!fs.readdirSync(resumed).some((f) => f.startsWith('.write-probe')), 'no probe file left behind');
});
