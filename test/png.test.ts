import { test } from 'node:test';
import assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { fileURLToPath } from 'node:url';
import { inflateSync } from 'node:zlib';
import fc from 'fast-check';
import { PngImage, decodePng, encodePng, savePng } from '../src/io/png.js';
import { VIRIDIS, applyColormap, imageToPng, saveImagePng, upscaleNearest } from '../src/io/colormap.js';
import { loadNpy } from '../src/io/npy.js';

const ROOT = fileURLToPath(new URL('../../', import.meta.url));
const FIXTURES = path.join(ROOT, 'test/fixtures/png');

/** A deterministic pseudo-random generator (mulberry32) so the images are the same on every run. */
function rng(seed: number): () => number {
  let s = seed >>> 0;
  return () => {
    s = (s + 0x6d2b79f5) >>> 0;
    let t = s;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 2 ** 32;
  };
}

function randomImage(width: number, height: number, channels: 1 | 3 | 4, seed: number): PngImage {
  const r = rng(seed);
  const data = new Uint8Array(width * height * channels);
  // Half smooth gradients (which favour the Sub/Up/Average/Paeth filters), half noise.
  for (let i = 0; i < data.length; i++) {
    const x = Math.floor(i / channels) % width;
    const y = Math.floor(i / channels / width);
    data[i] = y % 2 === 0 ? (3 * x + 7 * y + (i % channels) * 40) & 0xff : Math.floor(r() * 256);
  }
  return { width, height, channels, data };
}

test('decodes the reference PNGs written from the specification (all filters, every colour type, 1- to 16-bit)', () => {
  const names = ['gray', 'rgb', 'rgba', 'gray_alpha', 'palette', 'palette_trns', 'one_pixel', 'gray1', 'gray2', 'gray4', 'palette2', 'rgb16', 'gray_alpha16'];
  for (const name of names) {
    const img = decodePng(fs.readFileSync(path.join(FIXTURES, `${name}.png`)), name);
    const want = loadNpy(path.join(FIXTURES, `${name}.npy`));
    assert.deepEqual([img.height, img.width, img.channels], want.shape, name);
    assert.deepEqual(Array.from(img.data), Array.from(want.data), name);
  }
});

test('refuses interlaced, invalid-depth, bad-CRC, truncated and non-PNG input with clear messages', () => {
  const read = (n: string): Uint8Array => fs.readFileSync(path.join(FIXTURES, `${n}.png`));
  const bad = (bytes: Uint8Array, pattern: RegExp): void => {
    assert.throws(() => decodePng(bytes, 'x.png'), (e: Error) => e.message.startsWith('x.png: ') && pattern.test(e.message));
  };
  bad(read('interlaced'), /interlaced \(Adam7\) images are not supported/);
  bad(read('rgb_depth4'), /bit depth 4 is not allowed for colour type 2/);
  bad(read('bad_crc'), /CRC mismatch in "IDAT"/);
  bad(read('rgb').subarray(0, 60), /truncated PNG/);
  bad(new TextEncoder().encode('GIF89a...'), /not a PNG file/);
  // A 60000×60000 RGBA claim from a few bytes of IDAT is refused before inflating anything.
  const huge = encodePng({ width: 1, height: 1, channels: 4, data: new Uint8Array(4) });
  const v = new DataView(huge.buffer);
  v.setUint32(16, 60000, false);
  v.setUint32(20, 60000, false);
  fixCrc(huge, 8);
  bad(huge, /60000×60000 is too large/);
  v.setUint32(16, 3000, false);
  v.setUint32(20, 3000, false);
  fixCrc(huge, 8);
  bad(huge, /impossible from \d+ bytes of IDAT/);
});

/** Recomputes the CRC of the chunk starting at `pos` (after editing its body), independently of ours. */
function fixCrc(bytes: Uint8Array, pos: number): void {
  const v = new DataView(bytes.buffer, bytes.byteOffset);
  const len = v.getUint32(pos, false);
  let c = 0xffffffff;
  for (let i = pos + 4; i < pos + 8 + len; i++) {
    c ^= bytes[i];
    for (let k = 0; k < 8; k++) c = c & 1 ? (c >>> 1) ^ 0xedb88320 : c >>> 1;
  }
  v.setUint32(pos + 8 + len, (c ^ 0xffffffff) >>> 0, false);
}

test('encodePng → decodePng returns the same pixels for gray, RGB and RGBA of many sizes', () => {
  const filtersSeen = new Set<number>();
  let seed = 1;
  for (const channels of [1, 3, 4] as const) {
    for (const [w, h] of [[1, 1], [1, 7], [9, 1], [13, 11], [28, 28], [64, 3]]) {
      const img = randomImage(w, h, channels, seed++);
      const png = encodePng(img);
      const back = decodePng(png);
      assert.deepEqual({ ...back, data: Array.from(back.data) }, { ...img, data: Array.from(img.data) }, `${channels}ch ${w}×${h}`);
      // Which filter each row chose: the first byte of each inflated scanline.
      const idatLength = new DataView(png.buffer).getUint32(33, false);
      const raw = inflateSync(png.subarray(41, 41 + idatLength));
      for (let y = 0; y < h; y++) filtersSeen.add(raw[y * (w * channels + 1)]);
    }
  }
  // The encoder really chooses per row, so every filter type appears somewhere.
  assert.deepEqual([...filtersSeen].sort(), [0, 1, 2, 3, 4]);
});

test('encodePng validates its argument', () => {
  assert.throws(() => encodePng({ width: 2, height: 2, channels: 3, data: new Uint8Array(11) }), /^Error: image\.data: expected 2 × 2 × 3 = 12 bytes, got 11/);
  assert.throws(() => encodePng({ width: 0, height: 2, channels: 1, data: new Uint8Array(0) }), /^Error: image\.width: expected a positive integer, got 0/);
  assert.throws(() => encodePng({ width: 1, height: 1, channels: 2 as 1, data: new Uint8Array(2) }), /^Error: image\.channels: expected 1, 3 or 4, got 2/);
});

test('viridis: 256 smooth entries with the published end points; applyColormap normalises like imshow', () => {
  assert.equal(VIRIDIS.length, 768);
  assert.deepEqual(VIRIDIS.slice(0, 3), [0.267004, 0.004874, 0.329415]);
  assert.deepEqual(VIRIDIS.slice(765), [0.993248, 0.906157, 0.143936]);
  // A mistyped entry would break the colormap's smoothness: neighbours differ by at most ~0.011.
  for (let i = 3; i < 768; i++) assert.ok(Math.abs(VIRIDIS[i] - VIRIDIS[i - 3]) < 0.0125, `entry ${Math.floor(i / 3)}`);
  const img = applyColormap([-1, 0, 1, 3, NaN, 0.999], 6, 1);
  assert.equal(img.channels, 3);
  const px = (i: number): number[] => Array.from(img.data.subarray(3 * i, 3 * i + 3));
  assert.deepEqual(px(0), [68, 1, 84]); // the minimum: first entry, bytes truncated as matplotlib does
  assert.deepEqual(px(3), [253, 231, 36]); // the maximum: last entry
  // 0 → (0 - -1) / 4 = 0.25 → entry 64;  1 → 0.5 → entry 128;  0.999 → 0.49975 → entry 127.
  for (const [i, k] of [[1, 64], [2, 128], [5, 127]]) {
    assert.deepEqual(px(i), [0, 1, 2].map((c) => Math.trunc(VIRIDIS[3 * k + c] * 255)), `value ${i} → entry ${k}`);
  }
  assert.deepEqual(px(4), [255, 255, 255]); // NaN: the 'bad' colour, drawn on white
  // Explicit vmin/vmax clip; a constant image takes the first colour.
  const clipped = applyColormap([5, -5], 2, 1, { vmin: 0, vmax: 1 });
  assert.deepEqual(Array.from(clipped.data), [253, 231, 36, 68, 1, 84]);
  assert.deepEqual(Array.from(applyColormap([2, 2], 2, 1).data), [68, 1, 84, 68, 1, 84]);
  assert.throws(() => applyColormap([1, 2, 3], 2, 2), /^Error: values: expected width × height = 2 × 2 = 4 values, got 3/);
  assert.throws(() => applyColormap([1], 1, 1, { vmin: 2, vmax: 1 }), /^Error: vmin: expected vmin <= vmax/);
});

test('nearest-neighbour upscaling: a 28×28 digit saves as a 280×280 PNG', () => {
  const values = Array.from({ length: 28 * 28 }, (_, i) => (i * 7919) % 255);
  const small = applyColormap(values, 28, 28);
  const big = applyColormap(values, 28, 28, { scale: 10 });
  assert.deepEqual([big.width, big.height], [280, 280]);
  for (let y = 0; y < 280; y += 13) {
    for (let x = 0; x < 280; x += 7) {
      const s = 3 * (Math.floor(y / 10) * 28 + Math.floor(x / 10));
      assert.deepEqual(Array.from(big.data.subarray(3 * (y * 280 + x), 3 * (y * 280 + x) + 3)), Array.from(small.data.subarray(s, s + 3)));
    }
  }
  const decoded = decodePng(imageToPng(values, 28, 28, { scale: 10 }));
  assert.ok(sameBytes(decoded.data, big.data));
  const gray = upscaleNearest({ width: 2, height: 1, channels: 1, data: Uint8Array.from([1, 2]) }, 2);
  assert.deepEqual(Array.from(gray.data), [1, 1, 2, 2, 1, 1, 2, 2]);

  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'convnet-png-'));
  try {
    saveImagePng(path.join(dir, 'digit.png'), values, 28, 28, { scale: 10 });
    savePng(path.join(dir, 'gray.png'), gray);
    assert.ok(sameBytes(decodePng(fs.readFileSync(path.join(dir, 'digit.png'))).data, big.data));
    assert.deepEqual(decodePng(fs.readFileSync(path.join(dir, 'gray.png'))).data, gray.data);
    assert.deepEqual(fs.readdirSync(dir).sort(), ['digit.png', 'gray.png']);
  } finally {
    fs.rmSync(dir, { recursive: true, force: true });
  }
});

function sameBytes(a: Uint8Array, b: Uint8Array): boolean {
  return Buffer.from(a.buffer, a.byteOffset, a.length).equals(Buffer.from(b.buffer, b.byteOffset, b.length));
}

test('fuzz: truncated or bit-flipped PNGs decode or fail with a clean Error', () => {
  const seeds = ['rgb', 'palette_trns', 'gray_alpha'].map((n) => fs.readFileSync(path.join(FIXTURES, `${n}.png`)));
  seeds.push(Buffer.from(encodePng(randomImage(10, 6, 4, 99))));
  let rejected = 0;
  fc.assert(
    fc.property(
      fc.nat({ max: seeds.length - 1 }),
      fc.option(fc.nat({ max: 700 })),
      fc.array(fc.record({ at: fc.nat(), bit: fc.nat({ max: 7 }) }), { minLength: 1, maxLength: 3 }),
      (seed, cut, flips) => {
        const bytes = new Uint8Array(seeds[seed]);
        for (const { at, bit } of flips) bytes[at % bytes.length] ^= 1 << bit;
        try {
          decodePng(cut === null ? bytes : bytes.subarray(0, cut), 'fuzz.png');
        } catch (e) {
          if (!(e instanceof Error) || e.constructor !== Error || !e.message.startsWith('fuzz.png: ')) throw e;
          rejected++;
        }
      },
    ),
    { numRuns: 2000, seed: 11 },
  );
  assert.ok(rejected > 1500, `only ${rejected} of 2000 mutated files rejected`);
});
