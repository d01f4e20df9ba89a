/**
 * The spec's acceptance examples: the ported 0-main … 3-main run and print what the spec shows.
 * 2-main and 3-main print whole arrays; their text must equal the spec's output byte for byte.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, existsSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

const root = join(dirname(fileURLToPath(import.meta.url)), '..', '..');
const out = mkdtempSync(join(tmpdir(), 'convnet-examples-'));

function runExample(name: string): string {
  const r = spawnSync(process.execPath, [join(root, 'dist', 'examples', `${name}.js`), '--out', out], { encoding: 'utf8' });
  assert.equal(r.status, 0, `${name} failed: ${r.stderr}`);
  return r.stdout;
}

function expected(name: string): string {
  return readFileSync(join(root, 'test', 'fixtures', 'spec', `${name}.txt`), 'utf8');
}

test('0-main prints the conv output shape and saves its pictures', () => {
  const lines = runExample('0-main').trim().split('\n');
  assert.ok(lines.includes('(50000, 26, 26, 2)'), lines.join('\n'));
  for (const f of ['X_train_0.png', 'A_0_channel0.png', 'A_0_channel1.png']) assert.ok(existsSync(join(out, '0-main', f)), f);
});

test('1-main prints the spec\'s shapes', () => {
  const shapes = runExample('1-main').split('\n').filter((l) => l.startsWith('('));
  assert.deepEqual(shapes, ['(50000, 28, 28, 2)', '(50000, 14, 14, 2)']);
});

test('2-main prints the spec\'s (dA_prev, dW, db): dA_prev and db exactly, dW to 1e-6', () => {
  // dA_prev and db depend only on NumPy's random numbers; dW also on the images, and the spec's MNIST.npz
  // (mnist.pkl.gz) differs from the IDX bytes / 256 by float32 rounding, about 1e-7 relative in dW.
  const [ourDA, ourDW, ourDb] = runExample('2-main').split('), array(');
  const [specDA, specDW, specDb] = expected('2-main').split('), array(');
  assert.equal(ourDA, specDA);
  assert.equal(ourDb, specDb);
  const numbers = /-?\d+\.\d*(?:e[-+]\d+)?/g;
  const skeleton = (s: string): string => s.replace(numbers, '#').replace(/ +/g, '');
  assert.equal(skeleton(ourDW), skeleton(specDW), 'dW laid out as the spec prints it');
  const ours = ourDW.match(numbers)!.map(Number);
  const spec = specDW.match(numbers)!.map(Number);
  assert.equal(ours.length, 18);
  ours.forEach((v, i) => assert.ok(Math.abs(v - spec[i]) <= 1e-6 * Math.abs(spec[i]), `dW value ${i}: ${v} vs spec ${spec[i]}`));
});

test('3-main prints the spec\'s dA_prev exactly', () => {
  assert.equal(runExample('3-main'), expected('3-main'));
});
