import { test } from 'node:test';
import assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { spawnSync } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { deflateRawSync } from 'node:zlib';
import fc from 'fast-check';
import { encodeNpz, loadNpz, parseNpz, saveNpz } from '../src/io/npz.js';
import { readZip, writeZip } from '../src/io/zip.js';
import { crc32 } from '../src/io/crc32.js';
import { encodeNpy } from '../src/io/npy.js';
import { Tensor, tensor } from '../src/tensor/tensor.js';

const ROOT = fileURLToPath(new URL('../../', import.meta.url));
const FIXTURES = path.join(ROOT, 'test/fixtures/npy');

interface Spec { descr: string; shape: number[]; values: (number | string)[] }
const expected: Record<string, Record<string, Spec>> = JSON.parse(fs.readFileSync(path.join(FIXTURES, 'expected.json'), 'utf8'));

function assertMatches(t: Tensor, spec: Spec, where: string): void {
  const code = spec.descr.slice(1);
  assert.equal(t.dtype, code === 'f4' ? 'float32' : code === 'f8' ? 'float64' : 'int32', `${where}: dtype`);
  assert.deepEqual(t.shape, spec.shape, `${where}: shape`);
  const number = (v: number | string): number => (typeof v === 'number' ? v : Number(v.replace('inf', 'Infinity').replace('nan', 'NaN')));
  const want = spec.values.map((v) => (t.dtype === 'float32' ? Math.fround(number(v)) : number(v)));
  assert.deepEqual(Array.from(t.data), want, `${where}: values`);
}

function toSpec(t: Tensor): Spec {
  const descr = t.dtype === 'float32' ? '<f4' : t.dtype === 'float64' ? '<f8' : '<i4';
  const values = Array.from(t.data, (v) => (Object.is(v, -0) ? '-0' : Number.isFinite(v) ? v : Number.isNaN(v) ? 'nan' : v > 0 ? 'inf' : '-inf'));
  return { descr, shape: t.shape, values };
}

test('reads np.savez, np.savez_compressed and ZIP64 archives exactly; keys lose .npy', async () => {
  for (const name of ['stored.npz', 'compressed.npz', 'zip64.npz', 'zip64_compressed.npz']) {
    const arrays = await loadNpz(path.join(FIXTURES, name));
    assert.deepEqual(Object.keys(arrays).sort(), ['labels', 'w', 'x'], name);
    for (const [key, spec] of Object.entries(expected[name])) assertMatches(arrays[key], spec, `${name}[${key}]`);
  }
});

test('an entry name with .. is refused', async () => {
  const file = path.join(FIXTURES, 'traversal.npz');
  await assert.rejects(loadNpz(file), (e: Error) => e.message.startsWith(file) && e.message.includes("contains '..'"));
});

test('saveNpz (stored and compressed) round-trips, and NumPy reads it back exactly', async () => {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'convnet-npz-'));
  try {
    const arrays = {
      X_train: tensor(new Float32Array([0, 0.5, 1, 0.25, -0, 1e-7]), [1, 2, 3]),
      Y_train: tensor(new Int32Array([5, 0, 4]), [3]),
      W: tensor(new Float64Array([Math.PI, NaN, -Infinity, 2 ** -1074]), [2, 2]),
      empty: tensor(new Float32Array(0), [0]),
      s: tensor(new Float64Array([1]), []),
    };
    const manifest: Record<string, Record<string, Spec>> = {};
    for (const [name, compress] of [['stored.npz', false], ['compressed.npz', true]] as const) {
      await saveNpz(path.join(dir, name), arrays, { compress });
      manifest[name] = Object.fromEntries(Object.entries(arrays).map(([k, t]) => [k, toSpec(t)]));
      const back = await loadNpz(path.join(dir, name));
      assert.deepEqual(Object.keys(back), Object.keys(arrays));
      for (const [k, t] of Object.entries(arrays)) assertMatches(back[k], manifest[name][k], `${name}[${k}]`);
    }
    // Our writer's ZIP64 records, which Python's zipfile must accept too.
    fs.writeFileSync(path.join(dir, 'zip64.npz'), writeZip([{ name: 'a.npy', data: encodeNpy(arrays.W) }], { forceZip64: true }));
    manifest['zip64.npz'] = { a: toSpec(arrays.W) };
    assert.deepEqual(Array.from(parseNpz(fs.readFileSync(path.join(dir, 'zip64.npz'))).a.data), Array.from(arrays.W.data));
    fs.writeFileSync(path.join(dir, 'manifest.json'), JSON.stringify(manifest));
    const run = spawnSync('python3', [path.join(ROOT, 'scripts/check_npy_written.py'), dir], { encoding: 'utf8' });
    assert.equal(run.status, 0, `check_npy_written.py failed:\n${run.stdout}\n${run.stderr}`);
    assert.match(run.stdout, /all 3 files read back exactly/);
  } finally {
    fs.rmSync(dir, { recursive: true, force: true });
  }
});

test('compressed archives are smaller for compressible data; stored ones hold the .npy bytes verbatim', () => {
  const arrays = { z: tensor(new Float32Array(10000), [100, 100]) };
  const stored = encodeNpz(arrays);
  const compressed = encodeNpz(arrays, { compress: true });
  assert.ok(compressed.length < stored.length / 20, `${compressed.length} vs ${stored.length}`);
  assert.deepEqual(readZip(stored)[0].data, encodeNpy(arrays.z));
});

test('bad keys and arguments are refused when writing', () => {
  const t = tensor([1]);
  assert.throws(() => encodeNpz({ '../up': t }), /contains '\.\.'/);
  assert.throws(() => encodeNpz({ 'a\\b': t }), /backslash/);
  assert.throws(() => encodeNpz({ '/abs': t }), /absolute path/);
  assert.throws(() => encodeNpz({ a: [1] as unknown as Tensor }), /^Error: arrays\.a: expected a Tensor/);
  assert.throws(() => encodeNpz(null as unknown as Record<string, Tensor>), /^Error: arrays: expected a Record/);
});

/** A one-entry deflated archive whose header declares `declared` uncompressed bytes. */
function deflatedZipDeclaring(content: Uint8Array, declared: number): Uint8Array {
  const zip = writeZip([{ name: 'a.npy', data: content }], { compress: true });
  const view = new DataView(zip.buffer);
  const central = zip.length - 22 - (46 + 5);
  view.setUint32(22, declared, true); // local header
  view.setUint32(central + 24, declared, true); // central directory
  return zip;
}

test('corrupt archives: bad CRC, truncation, lying sizes and zip bombs are clean Errors', () => {
  const bytes = encodeNpz({ a: tensor([1, 2, 3]) });
  const flipped = new Uint8Array(bytes);
  flipped[30 + 5 + 100] ^= 0x01; // a byte inside a.npy's data
  assert.throws(() => parseNpz(flipped, 'f.npz'), /^Error: f\.npz: corrupt zip: CRC-32 mismatch in entry "a\.npy"/);
  assert.throws(() => parseNpz(bytes.subarray(0, bytes.length - 30), 'f.npz'), /^Error: f\.npz: corrupt zip: no end-of-central-directory/);
  assert.throws(() => parseNpz(new Uint8Array(10), 'f.npz'), /too short for a zip file/);
  // A bomb: 1 MiB of zeros deflates to ~1 KiB; a header admitting 1000 bytes must stop inflation at 1000.
  const zeros = new Uint8Array(1 << 20);
  assert.throws(() => parseNpz(deflatedZipDeclaring(zeros, 1000), 'bomb.npz'), /does not inflate to its declared 1000 bytes/);
  // A declared size no deflate stream of that length could produce is refused before inflating.
  assert.throws(() => parseNpz(deflatedZipDeclaring(new Uint8Array(10), 0xfffffff0), 'bomb.npz'), /declares 4294967280 uncompressed bytes/);
  assert.throws(() => parseNpz(deflatedZipDeclaring(zeros, 200_000_000), 'bomb.npz'), /impossible for deflate/);
  // Fewer bytes than declared.
  assert.throws(() => parseNpz(deflatedZipDeclaring(new Uint8Array(100), 101), 'short.npz'), /inflates to 100 bytes, header declares 101/);
  // Overlapping entries (the same data referenced twice) are refused.
  const twice = writeZip([{ name: 'a.npy', data: new Uint8Array(50) }, { name: 'b.npy', data: new Uint8Array(50) }]);
  const v = new DataView(twice.buffer);
  const secondCentral = twice.length - 22 - (46 + 5);
  v.setUint32(secondCentral + 42, 0, true); // b.npy points at a.npy's local header
  assert.throws(() => readZip(twice, 't.npz'), /entries "a\.npy" and "b\.npy" overlap/);
  assert.equal(crc32(new TextEncoder().encode('123456789')), 0xcbf43926); // the standard check value
});

test('fuzz: truncations and bit flips of stored, compressed and ZIP64 archives never escape as anything but clean Errors', () => {
  const seeds = ['stored.npz', 'compressed.npz', 'zip64_compressed.npz'].map((n) => fs.readFileSync(path.join(FIXTURES, n)));
  seeds.push(Buffer.from(deflateRawSync(new Uint8Array(0)))); // not a zip at all
  let parsed = 0;
  let rejected = 0;
  fc.assert(
    fc.property(
      fc.nat({ max: seeds.length - 1 }),
      fc.option(fc.nat({ max: 1200 })),
      fc.array(fc.record({ at: fc.nat(), bit: fc.nat({ max: 7 }) }), { maxLength: 3 }),
      (seed, cut, flips) => {
        const bytes = new Uint8Array(seeds[seed]);
        for (const { at, bit } of flips) bytes[at % bytes.length] ^= 1 << bit;
        const input = cut === null ? bytes : bytes.subarray(0, Math.min(cut, bytes.length));
        try {
          parseNpz(input, 'fuzz.npz');
          parsed++;
        } catch (e) {
          if (!(e instanceof Error) || e.constructor !== Error || !e.message.startsWith('fuzz.npz')) throw e;
          rejected++;
        }
      },
    ),
    { numRuns: 2500, seed: 7 },
  );
  assert.ok(parsed > 100 && rejected > 500, `parsed ${parsed}, rejected ${rejected}`);
});
