/** The pieces of the convnet command, in-process: preprocessing, charts, grids, metrics, argument parsing. */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { loadMnist } from '../src/data/mnist.js';
import { Tensor } from '../src/tensor/tensor.js';
import { mnistStyle, resizeArea } from '../src/cli/preprocess.js';
import type { GrayImage } from '../src/cli/image-input.js';
import { lineChart, niceTicks } from '../src/cli/report/svg-chart.js';
import { tileGrid } from '../src/cli/report/images.js';
import { accuracyOf, argmaxRows, confusionMatrix, perClassStats, worstMistakes } from '../src/cli/analysis.js';
import { UsageError, helpText, intOption, parseCommandArgs, type Command } from '../src/cli/args.js';
import { weightStats } from '../src/cli/inspect.js';
import { COMMANDS } from '../src/cli/main.js';

/** Test digit i as a 0..255 gray picture (white ink on black, as MNIST stores it). */
async function digit(i: number): Promise<{ image: GrayImage; pixels: Float32Array }> {
  const { xTest } = await loadMnist();
  const pixels = xTest.data.subarray(i * 784, (i + 1) * 784) as Float32Array;
  return { image: { width: 28, height: 28, gray: Float64Array.from(pixels, (v) => Math.round(v * 256)) }, pixels };
}

const maxDiff = (a: ArrayLike<number>, b: ArrayLike<number>) => {
  let m = 0;
  for (let i = 0; i < a.length; i++) m = Math.max(m, Math.abs(a[i] - b[i]));
  return m;
};

test('preprocess: an MNIST test digit comes back as itself (it already is MNIST-style)', async () => {
  let identical = 0;
  for (let i = 0; i < 100; i++) {
    const { image, pixels } = await digit(i);
    const p = mnistStyle(image);
    assert.equal(p.inverted, false);
    const d = maxDiff(p.pixels, pixels);
    assert.ok(d <= 16 / 256, `digit ${i}: max pixel difference ${d}`);
    if (d === 0) identical++;
  }
  assert.ok(identical >= 75, `${identical}/100 digits identical`);
});

test('preprocess: dark ink on white paper is inverted; an enlarged digit is scaled back', async () => {
  const { image } = await digit(7);
  const plain = mnistStyle(image).pixels;
  const paper = mnistStyle({ ...image, gray: image.gray.map((v) => 255 - v) });
  assert.equal(paper.inverted, true);
  assert.deepEqual(paper.pixels, plain);
  // ×4 by pixel replication, placed off-centre on a larger light canvas
  const W = 150, H = 130, f = 4;
  const gray = new Float64Array(W * H).fill(255);
  for (let y = 0; y < 28 * f; y++) for (let x = 0; x < 28 * f; x++) gray[(y + 9) * W + x + 31] = 255 - image.gray[Math.floor(y / f) * 28 + Math.floor(x / f)];
  const big = mnistStyle({ width: W, height: H, gray });
  assert.equal(big.inverted, true);
  assert.deepEqual(big.pixels, plain);
});

test('preprocess: a flat picture is an error; a thin wide stroke keeps its aspect ratio', () => {
  assert.throws(() => mnistStyle({ width: 10, height: 10, gray: new Float64Array(100).fill(200) }), /IMAGE: no digit found/);
  // A 40×4 black bar on white becomes 20×2 in the middle of the field.
  const gray = new Float64Array(60 * 30).fill(255);
  for (let y = 13; y < 17; y++) for (let x = 10; x < 50; x++) gray[y * 60 + x] = 0;
  const p = mnistStyle({ width: 60, height: 30, gray }).pixels;
  let rows = new Set<number>(), cols = new Set<number>();
  p.forEach((v, i) => { if (v > 0) { rows.add(Math.floor(i / 28)); cols.add(i % 28); } });
  assert.deepEqual([rows.size, cols.size], [2, 20]);
  assert.equal(Math.max(...p), 255 / 256);
});

test('resizeArea: integer downscaling is block means; sizes are kept when equal', () => {
  const src = Float64Array.from({ length: 16 }, (_, i) => i);
  assert.deepEqual(Array.from(resizeArea(src, 4, 4, 2, 2)), [2.5, 4.5, 10.5, 12.5]);
  assert.deepEqual(resizeArea(src, 4, 4, 4, 4), src);
  // 3 → 2: each output covers 1.5 source pixels
  assert.deepEqual(Array.from(resizeArea(Float64Array.from([0, 3, 6]), 3, 1, 2, 1)), [1, 5]);
});

test('svg chart: nice ticks cover the data; one polyline per series with a point per epoch', () => {
  assert.deepEqual(niceTicks(0.12, 0.97), [0, 0.2, 0.4, 0.6, 0.8, 1]);
  const t = niceTicks(2.3, 2.3);
  assert.ok(t[0] <= 2.3 && t[t.length - 1] >= 2.3 && t.length >= 2);
  const svg = lineChart([{ name: 'train', values: [1, 0.5, 0.25], color: '#00f' }, { name: 'validation', values: [1.1, 0.7, 0.6], color: '#f80' }], { title: 'Loss <x>', yLabel: 'loss' });
  assert.match(svg, /^<svg xmlns="http:\/\/www.w3.org\/2000\/svg"/);
  assert.equal((svg.match(/<polyline/g) ?? []).length, 2);
  assert.equal((svg.match(/<circle/g) ?? []).length, 6);
  assert.match(svg, /Loss &lt;x&gt;/);
  assert.doesNotMatch(svg, /NaN/);
});

test('tileGrid: size with gutters and scale; gutters white', () => {
  const tiles = [new Float32Array([0, 1, 2, 3]), new Float32Array([3, 2, 1, 0]), new Float32Array(4)];
  const img = tileGrid(tiles, 2, 2, { columns: 2, scale: 3, gap: 1 });
  assert.deepEqual([img.width, img.height, img.channels], [15, 15, 3]);
  // pixel (x=6, y=0) is in the gutter between the first two tiles
  assert.deepEqual(Array.from(img.data.subarray(6 * 3, 6 * 3 + 3)), [255, 255, 255]);
});

test('analysis: confusion matrix, precision/recall, accuracy, the most confident mistakes', () => {
  const probs = new Tensor(Float32Array.from([0.9, 0.1, 0, 0.2, 0.7, 0.1, 0.6, 0.3, 0.1, 0.05, 0.05, 0.9]), [4, 3]);
  const truth = [0, 1, 1, 2];
  const pred = argmaxRows(probs);
  assert.deepEqual(Array.from(pred), [0, 1, 0, 2]);
  const cm = confusionMatrix(truth, pred, 3);
  assert.deepEqual(cm, [[1, 0, 0], [1, 1, 0], [0, 0, 1]]);
  assert.equal(accuracyOf(cm), 0.75);
  const s = perClassStats(cm);
  assert.deepEqual(s.map((c) => [c.precision, c.recall, c.support]), [[0.5, 1, 1], [1, 0.5, 2], [1, 1, 1]]);
  const m = worstMistakes(probs, truth, 25);
  assert.equal(m.length, 1);
  assert.deepEqual({ ...m[0], probability: +m[0].probability.toFixed(3), trueProbability: +m[0].trueProbability.toFixed(3) }, { index: 2, label: 1, predicted: 0, probability: 0.6, trueProbability: 0.3 });
});

test('args: unknown options suggest the right one; integers are checked; every command has help', () => {
  const cmd = COMMANDS.find((c) => c.name === 'train') as Command;
  assert.throws(() => parseCommandArgs(cmd, ['--epoch', '3']), (e: Error) => e instanceof UsageError && /unknown option '--epoch' \(did you mean '--epochs'\?\)/.test(e.message));
  assert.throws(() => parseCommandArgs(cmd, ['extra']), /unexpected argument 'extra'/);
  assert.throws(() => parseCommandArgs(cmd, ['--epochs']), /'--epochs' needs a value/);
  const { values } = parseCommandArgs(cmd, ['--epochs', '3', '--batch-size=64']);
  assert.equal(intOption(values, 'epochs', 0), 3);
  assert.equal(intOption(values, 'batch-size', 1), 64);
  assert.throws(() => intOption({ limit: '1.5' }, 'limit', 1), /--limit: expected an integer >= 1, got '1.5'/);
  assert.throws(() => intOption({ limit: '0' }, 'limit', 1), UsageError);
  for (const c of COMMANDS) {
    const text = helpText(c);
    assert.match(text, new RegExp(`^Usage: convnet ${c.name} `));
    assert.match(text, /--help/);
  }
});

test('inspect: weight statistics in float64', () => {
  const s = weightStats('k', new Tensor(Float32Array.from([1, 2, 3, 4]), [2, 2]));
  assert.deepEqual({ ...s }, { name: 'k', shape: [2, 2], count: 4, mean: 2.5, std: Math.sqrt(1.25), min: 1, max: 4 });
});
