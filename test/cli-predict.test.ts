/**
 * `convnet predict / evaluate / inspect / bench` run as a user runs them, with a LeNet-5 trained here
 * (seeded, 2 epochs on 10,000 MNIST images) on PNG and JPEG files made from MNIST test digits. The model
 * reads digits well (a 3,000-image one was right on ~12 of the 20), so a label that moves between a
 * tensor and its JPEG shows the preprocessing, not a barely trained model's indecision.
 */
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as path from 'node:path';
import jpeg from 'jpeg-js';
import { encodePng } from '../src/io/png.js';
import { loadMnist } from '../src/data/mnist.js';
import { Tensor } from '../src/tensor/tensor.js';
import { sliceRows } from '../src/tensor/indexing.js';
import * as random from '../src/tensor/random.js';
import { lenet5 } from '../src/models/zoo.js';
import type { LayersModel } from '../src/models/model.js';
import { toCategorical } from '../src/utils/index.js';
import { convnet, tempDir } from './cli-helpers.js';

const root = tempDir('predict');
const modelDir = path.join(root, 'model');
/** Test digits far from the training slice. */
const FIRST = 9000, COUNT = 20, TRAIN = 10000;
let trained: LayersModel;
let xTest: Tensor, yTest: Tensor;

before(async () => {
  const d = await loadMnist();
  random.seed(1);
  trained = lenet5();
  await trained.fit(sliceRows(d.xTrain, 0, TRAIN).reshape([-1, 28, 28, 1]), toCategorical(sliceRows(d.yTrain, 0, TRAIN), 10), { epochs: 2, batchSize: 32, verbose: 0 });
  await trained.save(modelDir);
  xTest = d.xTest;
  yTest = d.yTest;
});
after(() => fs.rmSync(root, { recursive: true, force: true }));

/** Test digit i as bytes (white ink on black). */
const digitBytes = (i: number) => Uint8Array.from(xTest.data.subarray(i * 784, (i + 1) * 784), (v) => Math.round(v * 256));

/** The digit drawn dark on a light W×H RGB canvas, magnified `f` times by pixel replication, at (ox, oy). */
function onPaper(bytes: Uint8Array, f: number, W: number, H: number, ox: number, oy: number): Uint8Array {
  const rgb = new Uint8Array(W * H * 3).fill(235);
  for (let y = 0; y < 28 * f; y++) {
    for (let x = 0; x < 28 * f; x++) {
      const ink = bytes[Math.floor(y / f) * 28 + Math.floor(x / f)];
      rgb.fill(Math.round(235 * (1 - ink / 255)), ((oy + y) * W + ox + x) * 3, ((oy + y) * W + ox + x) * 3 + 3);
    }
  }
  return rgb;
}

function writeImages(): { plain: string[]; inverted: string[]; enlarged: string[]; jpegs: string[] } {
  const out = { plain: [] as string[], inverted: [] as string[], enlarged: [] as string[], jpegs: [] as string[] };
  for (let k = 0; k < COUNT; k++) {
    const i = FIRST + k;
    const b = digitBytes(i);
    const file = (name: string) => path.join(root, `${i}-${name}`);
    fs.writeFileSync(file('plain.png'), encodePng({ width: 28, height: 28, channels: 1, data: b }));
    out.plain.push(file('plain.png'));
    fs.writeFileSync(file('inverted.png'), encodePng({ width: 28, height: 28, channels: 1, data: b.map((v) => 255 - v) }));
    out.inverted.push(file('inverted.png'));
    fs.writeFileSync(file('enlarged.png'), encodePng({ width: 160, height: 140, channels: 3, data: onPaper(b, 4, 160, 140, 20, 17) }));
    out.enlarged.push(file('enlarged.png'));
    const rgb = onPaper(b, 3, 120, 100, 11, 6);
    const rgba = new Uint8Array(120 * 100 * 4).fill(255);
    for (let p = 0; p < 120 * 100; p++) rgba.set(rgb.subarray(3 * p, 3 * p + 3), 4 * p);
    fs.writeFileSync(file('photo.jpg'), jpeg.encode({ width: 120, height: 100, data: rgba }, 85).data);
    out.jpegs.push(file('photo.jpg'));
  }
  return out;
}

interface Prediction { file: string; label: number; top: { label: number; probability: number }[]; inverted: boolean }

test('predict: PNG and JPEG digits of any size and polarity get the labels the model gives the MNIST tensors', () => {
  const files = writeImages();
  const r = convnet(['predict', modelDir, ...files.plain, ...files.inverted, ...files.enlarged, ...files.jpegs, '--json']);
  assert.equal(r.code, 0, r.stderr);
  const results: Prediction[] = JSON.parse(r.stdout);
  assert.equal(results.length, 4 * COUNT);
  const labels = (list: string[]) => list.map((f) => results.find((p) => p.file === f)!.label);
  const probs = trained.predict(sliceRows(xTest, FIRST, COUNT).reshape([-1, 28, 28, 1]));
  const direct = Array.from({ length: COUNT }, (_, k) => {
    const row = Array.from(probs.data.subarray(k * 10, k * 10 + 10));
    return row.indexOf(Math.max(...row));
  });
  const truth = Array.from(yTest.data.subarray(FIRST, FIRST + COUNT));
  const agree = (a: number[], b: number[]) => a.filter((v, k) => v === b[k]).length;
  const plain = labels(files.plain);
  assert.ok(agree(plain, direct) >= COUNT - 1, `plain PNGs: ${plain} vs the model on the tensors: ${direct}`);
  // The preprocessing must not cost accuracy: right as often as the model on the tensors, give or take one.
  assert.ok(agree(plain, truth) >= agree(direct, truth) - 1, `plain PNGs: ${plain} vs the true labels ${truth}`);
  assert.ok(agree(direct, truth) >= COUNT / 2, `the model itself: ${direct} vs ${truth}`);
  assert.deepEqual(labels(files.inverted), plain, 'dark on light is inverted into the same picture');
  assert.deepEqual(labels(files.enlarged), plain, 'a ×4 enlarged digit on a larger canvas is scaled back');
  const jpegs = labels(files.jpegs);
  assert.ok(agree(jpegs, direct) >= COUNT - 3, `JPEGs ${jpegs} vs ${direct}`);
  for (const p of results) {
    assert.equal(p.top.length, 3);
    assert.equal(p.top[0].label, p.label);
    assert.ok(p.top[0].probability >= p.top[1].probability && p.top[1].probability >= p.top[2].probability);
    assert.ok(p.top.reduce((s, t) => s + t.probability, 0) <= 1 + 1e-6);
  }
  assert.equal(results.filter((p) => p.inverted).length, 3 * COUNT, 'light backgrounds detected');

  const text = convnet(['predict', modelDir, files.plain[0], '--save-input', path.join(root, 'seen')]);
  assert.equal(text.code, 0, text.stderr);
  assert.match(text.stdout, new RegExp(`${path.basename(files.plain[0])}  ${plain[0]}   \\(${plain[0]}: \\d+\\.\\d%  \\d: \\d+\\.\\d%  \\d: \\d+\\.\\d%\\)`));
  assert.ok(fs.existsSync(path.join(root, 'seen', `${path.parse(files.plain[0]).name}.png`)));
});

test('predict errors: missing image or model, a file that is no image, no arguments', () => {
  const notImage = path.join(root, 'notes.txt');
  fs.writeFileSync(notImage, 'hello');
  const cases: [string[], number, RegExp][] = [
    [['predict', modelDir, path.join(root, 'nope.png')], 1, /^convnet predict: IMAGE: no such file .*nope\.png\n$/],
    [['predict', path.join(root, 'no-model'), notImage], 1, /^convnet predict: MODEL: no such file or directory/],
    [['predict', modelDir, notImage], 1, /^convnet predict: IMAGE: .*notes\.txt is neither a PNG nor a JPEG file\n$/],
    [['predict'], 2, /^convnet predict: expected MODEL .* and at least one IMAGE, got nothing \(see convnet predict --help\)\n$/],
    [['predict', modelDir, path.join(root, `${FIRST}-plain.png`), '--top', '11'], 2, /^convnet predict: --top: the model has 10 classes, got 11 \(see convnet predict --help\)\n$/],
    [['predict', modelDir, path.join(root, `${FIRST}-plain.png`), '--top', 'three'], 2, /^convnet predict: --top: expected an integer >= 1, got 'three'/],
  ];
  for (const [args, code, message] of cases) {
    const r = convnet(args);
    assert.equal(r.code, code, `${args.join(' ')}: ${r.stderr}`);
    assert.match(r.stderr, message);
  }
});

test('evaluate: loss, accuracy, per-class precision/recall and the confusion matrix', () => {
  const r = convnet(['evaluate', modelDir, '--limit', '500']);
  assert.equal(r.code, 0, r.stderr);
  const [loss, acc] = trained.evaluate(sliceRows(xTest, 0, 500).reshape([-1, 28, 28, 1]), toCategorical(sliceRows(yTest, 0, 500), 10));
  assert.match(r.stdout, new RegExp(`loss: ${loss.toFixed(4)}\\n`));
  assert.match(r.stdout, new RegExp(`accuracy: ${(acc * 100).toFixed(2)}%\\n`));
  assert.match(r.stdout, /class  precision  recall  support\n(\s+\d  +\d+\.\d\d%  +\d+\.\d\d%  +\d+\n){10}/);
  assert.match(r.stdout, /confusion matrix/);
  const j = convnet(['evaluate', modelDir, '--limit', '500', '--json']);
  const out = JSON.parse(j.stdout);
  assert.equal(out.confusionMatrix.flat().reduce((a: number, b: number) => a + b, 0), 500);
  assert.equal(out.classes.reduce((a: number, c: { support: number }) => a + c.support, 0), 500);
  assert.ok(Math.abs(out.accuracy - acc) < 1e-9);
});

test('inspect: the summary and per-weight statistics', () => {
  const r = convnet(['inspect', modelDir]);
  assert.equal(r.code, 0, r.stderr);
  assert.match(r.stdout, /Total params: 61,706/);
  assert.match(r.stdout, /weight +shape +mean +std +min +max/);
  const j = JSON.parse(convnet(['inspect', modelDir, '--json']).stdout);
  assert.equal(j.weights.length, 10);
  const kernel = trained.layers[0].weights[0].value;
  let sum = 0;
  for (let i = 0; i < kernel.size; i++) sum += kernel.data[i];
  const mean = sum / kernel.size;
  assert.deepEqual(j.weights[0].shape, [5, 5, 1, 6]);
  assert.ok(Math.abs(j.weights[0].mean - mean) < 1e-9);
  assert.equal(j.weights[0].max, Math.max(...kernel.data));
});

test('every subcommand has --help (exit 0); bench says where its script is', () => {
  for (const name of ['train', 'predict', 'evaluate', 'inspect', 'bench']) {
    const r = convnet([name, '--help']);
    assert.equal(r.code, 0, r.stderr);
    assert.match(r.stdout, new RegExp(`^Usage: convnet ${name} `));
  }
  const top = convnet(['--help']);
  assert.equal(top.code, 0);
  assert.match(top.stdout, /Commands:\n {2}train/);
  assert.match(convnet(['bench', '--help']).stdout, /dist\/bench\/index\.js/);
  // Arguments reach the benchmark script: a filter that matches no benchmark runs none.
  const bench = convnet(['bench', 'no-such-benchmark']);
  assert.equal(bench.code, 0, bench.stderr);
  assert.match(bench.stdout, /^machine: /);
  assert.doesNotMatch(bench.stdout, /## /);
});
