/**
 * Fuzzed readers (issue 7): .npy, .npz, IDX, PNG and the layers-model loader get thousands of hostile inputs
 * each: truncations, bit flips (with checksums fixed up so the flip reaches the parser behind them), and
 * headers that lie (shapes larger than the data, negative or huge dimensions, unknown dtypes, zip sizes that
 * lie, zip bombs, entry names with ../). Every case must end in a valid result or a clean Error: an Error
 * that is not a TypeError/RangeError from deep inside (those mean a reader trusted a field it should have
 * checked), with a message, within 200 ms.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { deflateRawSync } from 'node:zlib';
import fc from 'fast-check';
import { encodeNpy, parseNpy } from '../src/io/npy.js';
import { encodeNpz, parseNpz } from '../src/io/npz.js';
import { parseIdx } from '../src/io/idx.js';
import { PngImage, decodePng, encodePng } from '../src/io/png.js';
import { crc32 } from '../src/io/crc32.js';
import { writeZip } from '../src/io/zip.js';
import { Tensor, tensor } from '../src/tensor/tensor.js';
import * as random from '../src/tensor/random.js';
import * as layers from '../src/layers/index.js';
import { sequential } from '../src/models/index.js';
import { loadLayersModel, modelFromArtifacts } from '../src/io/model-load.js';
import { modelArtifacts } from '../src/io/model-save.js';
import type { ModelArtifacts } from '../src/io/model-save.js';

const CASE_LIMIT_MS = 200;

/** Runs one hostile case: a result or a clean Error, in time. Returns the slowest case seen so far. */
function expectCleanOutcome(run: () => unknown, what: string, stats: { slowest: number }): void {
  const started = performance.now();
  try {
    run();
  } catch (e) {
    if (!(e instanceof Error)) throw new Error(`${what}: threw a non-Error ${String(e)}`);
    if (e instanceof TypeError || e instanceof RangeError) throw new Error(`${what}: internal ${e.name}: ${e.message}`);
    if (typeof e.message !== 'string' || e.message.length === 0) throw new Error(`${what}: an Error without a message`);
  }
  const ms = performance.now() - started;
  stats.slowest = Math.max(stats.slowest, ms);
  if (ms > CASE_LIMIT_MS) throw new Error(`${what}: took ${ms.toFixed(0)} ms (limit ${CASE_LIMIT_MS})`);
}

/** Random truncation and bit flips, applied to a copy. `flipsNear` biases flips toward the start (headers). */
const mutation = fc.record({
  cut: fc.option(fc.double({ min: 0, max: 1, noNaN: true })),
  flips: fc.array(fc.record({ at: fc.double({ min: 0, max: 1, noNaN: true }), bit: fc.nat({ max: 7 }), nearStart: fc.boolean() }), { maxLength: 4 }),
  extra: fc.option(fc.uint8Array({ maxLength: 16 })),
});
type Mutation = typeof mutation extends fc.Arbitrary<infer T> ? T : never;

function mutate(seed: Uint8Array, m: Mutation): Uint8Array {
  let bytes = new Uint8Array(seed); // a copy (Buffer.slice would be a view)
  for (const f of m.flips) {
    if (bytes.length === 0) break;
    const span = f.nearStart ? Math.min(bytes.length, 160) : bytes.length;
    bytes[Math.floor(f.at * span) % bytes.length] ^= 1 << f.bit;
  }
  if (m.cut !== null) bytes = bytes.subarray(0, Math.floor(m.cut * bytes.length));
  if (m.extra !== null) {
    const longer = new Uint8Array(bytes.length + m.extra.length);
    longer.set(bytes);
    longer.set(m.extra, bytes.length);
    bytes = longer;
  }
  return bytes;
}

random.seed(2024);
const seedTensors: Tensor[] = [
  tensor([[1.5, -2], [3, 4]], undefined, 'float32'),
  tensor(new Float64Array([Math.PI, -0, Infinity, NaN]), [2, 1, 2]),
  tensor([7], [], 'int32'),
  tensor([], [0, 3], 'float32'),
  random.randn(3, 5),
];

// ------------------------------------------------------------------------------------------------- .npy

/** A .npy file whose header says whatever we like. */
function npyWithHeader(dict: string, dataBytes: number, version = 1): Uint8Array {
  const preamble = version === 1 ? 10 : 12;
  let header = dict;
  const total = Math.ceil((preamble + header.length + 1) / 64) * 64;
  header = header.padEnd(total - preamble - 1, ' ') + '\n';
  const out = new Uint8Array(total + dataBytes);
  out.set([0x93, 0x4e, 0x55, 0x4d, 0x50, 0x59, version, 0]);
  const view = new DataView(out.buffer);
  if (version === 1) view.setUint16(8, header.length, true);
  else view.setUint32(8, header.length, true);
  for (let i = 0; i < header.length; i++) out[preamble + i] = header.charCodeAt(i) & 0xff;
  return out;
}

const lyingNpy = fc.record({
  descr: fc.oneof(fc.constantFrom('<f4', '<f8', '<i4', '>f4', '>f8', '|u1', '<i8', '<u4', '|b1', '<c16', '<U3', 'O', '|V8', '<f2', 'f4', ''), fc.string({ maxLength: 6 })),
  dims: fc.array(fc.oneof(fc.integer({ min: -3, max: 9 }), fc.constantFrom(2 ** 31, 2 ** 32 + 1, 2 ** 53, 1e300, 65536)), { maxLength: 5 }),
  fortran: fc.constantFrom('True', 'False', '0', 'None'),
  dataBytes: fc.nat({ max: 300 }),
  version: fc.constantFrom(1, 2),
  trailingComma: fc.boolean(),
});

test('parseNpy: mutated files and lying headers end in a result or a clean Error', () => {
  const seeds = seedTensors.map((t) => encodeNpy(t));
  const stats = { slowest: 0 };
  let errors = 0;
  const started = performance.now();
  fc.assert(fc.property(fc.nat({ max: seeds.length - 1 }), mutation, (i, m) => {
    expectCleanOutcome(() => { try { parseNpy(mutate(seeds[i], m), 'm.npy'); } catch (e) { errors++; throw e; } }, 'mutated .npy', stats);
  }), { numRuns: 2500, seed: 101 });
  fc.assert(fc.property(lyingNpy, (h) => {
    const shape = h.dims.length === 1 && h.trailingComma ? `(${h.dims[0]},)` : `(${h.dims.join(', ')})`;
    const dict = `{'descr': '${h.descr}', 'fortran_order': ${h.fortran}, 'shape': ${shape}, }`;
    const bytes = npyWithHeader(dict, h.dataBytes, h.version);
    expectCleanOutcome(() => {
      let t: Tensor;
      try { t = parseNpy(bytes, 'lie.npy'); } catch (e) { errors++; throw e; }
      // Accepted: then the data must really be there, element for element.
      assert.equal(t.size * t.data.BYTES_PER_ELEMENT, h.dataBytes, `${dict} with ${h.dataBytes} bytes accepted as ${t.dtype} ${JSON.stringify(t.shape)}`);
    }, `lying .npy ${dict}`, stats);
  }), { numRuns: 2500, seed: 102 });
  assert.ok(errors > 2000, `the fuzzer must actually hit errors, hit ${errors}`);
  assert.ok(performance.now() - started < 5000, `took ${performance.now() - started} ms`);
});

// ------------------------------------------------------------------------------------------------- .npz

/** Rewrites the 16/32-bit little-endian field at each offset (local and central headers alike). */
function patch(bytes: Uint8Array, offsets: number[], value: number, width: 2 | 4): Uint8Array {
  const out = bytes.slice();
  const v = new DataView(out.buffer);
  for (const o of offsets) if (o + width <= out.length) width === 2 ? v.setUint16(o, value & 0xffff, true) : v.setUint32(o, value >>> 0, true);
  return out;
}

/** Offsets of every local (PK\3\4) and central (PK\1\2) header. */
function zipHeaders(bytes: Uint8Array): { local: number[]; central: number[] } {
  const local: number[] = [], central: number[] = [];
  for (let i = 0; i + 4 <= bytes.length; i++) {
    if (bytes[i] !== 0x50 || bytes[i + 1] !== 0x4b) continue;
    if (bytes[i + 2] === 3 && bytes[i + 3] === 4) local.push(i);
    if (bytes[i + 2] === 1 && bytes[i + 3] === 2) central.push(i);
  }
  return { local, central };
}

test('parseNpz: mutated archives, lying sizes, ../ names and a zip bomb end in a result or a clean Error', () => {
  const seeds = [
    encodeNpz({ a: seedTensors[0], b: seedTensors[2] }),
    encodeNpz({ x: seedTensors[4], y: seedTensors[3] }, { compress: true }),
    encodeNpz({ only: seedTensors[1] }, { compress: true }),
  ];
  const stats = { slowest: 0 };
  const started = performance.now();
  fc.assert(fc.property(fc.nat({ max: seeds.length - 1 }), mutation, (i, m) => {
    expectCleanOutcome(() => parseNpz(mutate(seeds[i], m), 'm.npz'), 'mutated .npz', stats);
  }), { numRuns: 2000, seed: 201 });

  // Sizes that lie: compressed size, uncompressed size, CRC and local-header offset, set to hostile values.
  const field = fc.record({
    seed: fc.nat({ max: seeds.length - 1 }),
    which: fc.constantFrom('compressed', 'uncompressed', 'crc', 'offset', 'nameLength', 'method'),
    value: fc.oneof(fc.nat({ max: 4096 }), fc.constantFrom(0, 1, 0xffff, 0x7fffffff, 0xfffffffe, 0xffffffff)),
    inLocal: fc.boolean(), inCentral: fc.boolean(),
  });
  fc.assert(fc.property(field, (f) => {
    const bytes = seeds[f.seed];
    const { local, central } = zipHeaders(bytes);
    const localAt: Record<string, number> = { crc: 14, compressed: 18, uncompressed: 22, nameLength: 26, method: 8 };
    const centralAt: Record<string, number> = { crc: 16, compressed: 20, uncompressed: 24, nameLength: 28, method: 10, offset: 42 };
    let out = bytes;
    const width = f.which === 'nameLength' || f.which === 'method' ? 2 : 4;
    if (f.inLocal && localAt[f.which] !== undefined) out = patch(out, local.map((o) => o + localAt[f.which]), f.value, width);
    if (f.inCentral || !f.inLocal) out = patch(out, central.map((o) => o + centralAt[f.which]), f.value, width);
    expectCleanOutcome(() => parseNpz(out, 'lie.npz'), `.npz with ${f.which} = ${f.value}`, stats);
  }), { numRuns: 1500, seed: 202 });

  // Entry names that escape: rewrite a name of the same length in both headers.
  for (const evil of ['../a.npy', '/tmp/a.npy', 'a/../../b.npy', '..\\a.npy']) {
    const safe = 'z'.repeat(evil.length - 4);
    let bytes = writeZip([{ name: `${safe}.npy`, data: encodeNpy(seedTensors[0]) }]);
    const from = new TextEncoder().encode(`${safe}.npy`), to = new TextEncoder().encode(evil);
    for (let i = 0; i + from.length <= bytes.length; i++) if (from.every((b, k) => bytes[i + k] === b)) { bytes = bytes.slice(); bytes.set(to, i); }
    assert.throws(() => parseNpz(bytes, 'evil.npz'), (e: Error) => !(e instanceof TypeError) && /\.\.|absolute|backslash|unsafe|name/i.test(e.message), evil);
  }

  // A zip bomb: 64 MiB of zeros deflate to ~64 KiB; the header claims 80 bytes (a 20-element float32 array).
  const bomb = deflateRawSync(new Uint8Array(64 << 20));
  const small = writeZip([{ name: 'b.npy', data: encodeNpy(tensor(new Float32Array(20), [20])) }], { compress: true });
  const { local, central } = zipHeaders(small);
  const localNameLen = new DataView(small.buffer).getUint16(local[0] + 26, true);
  const head = small.subarray(0, local[0] + 30 + localNameLen);
  const tail = small.subarray(central[0]);
  const bombed = new Uint8Array(head.length + bomb.length + tail.length);
  bombed.set(head); bombed.set(bomb, head.length); bombed.set(tail, head.length + bomb.length);
  const v = new DataView(bombed.buffer);
  const newCentral = head.length + bomb.length;
  v.setUint32(local[0] + 18, bomb.length, true);
  v.setUint32(newCentral + 20, bomb.length, true);
  // the end-of-central-directory record points at the moved central directory
  for (let i = bombed.length - 22; i >= 0; i--) if (v.getUint32(i, true) === 0x06054b50) { v.setUint32(i + 16, newCentral, true); break; }
  const before = process.memoryUsage().arrayBuffers;
  expectCleanOutcome(() => assert.throws(() => parseNpz(bombed, 'bomb.npz'), /inflate|declare|bytes/), 'zip bomb', stats);
  assert.ok(process.memoryUsage().arrayBuffers - before < 32 << 20, 'the bomb was not inflated');
  assert.ok(performance.now() - started < 6000, `took ${performance.now() - started} ms`);
});

// ------------------------------------------------------------------------------------------------- IDX

test('parseIdx: lying headers and mutated files end in a result or a clean Error, never past the data', () => {
  const stats = { slowest: 0 };
  const started = performance.now();
  const idx = fc.record({
    magic: fc.oneof(fc.constant([0, 0, 8]), fc.tuple(fc.nat({ max: 255 }), fc.nat({ max: 255 }), fc.nat({ max: 255 })).map((t) => [...t])),
    dims: fc.array(fc.oneof(fc.nat({ max: 6 }), fc.constantFrom(0xffffffff, 0x80000000, 65536)), { maxLength: 6 }),
    declaredRank: fc.option(fc.nat({ max: 255 })),
    dataBytes: fc.nat({ max: 200 }),
  });
  fc.assert(fc.property(idx, mutation, (h, m) => {
    const rank = h.declaredRank ?? h.dims.length;
    const bytes = new Uint8Array(4 + 4 * h.dims.length + h.dataBytes);
    bytes.set([...h.magic, rank & 0xff]);
    const v = new DataView(bytes.buffer);
    h.dims.forEach((d, i) => v.setUint32(4 + 4 * i, d, false));
    for (const input of [bytes, mutate(bytes, m)]) {
      expectCleanOutcome(() => {
        const r = parseIdx(input, 'lie.idx');
        assert.equal(r.data.length, r.shape.reduce((p, d) => p * d, 1), 'data length matches the shape');
        assert.ok(r.data.byteOffset + r.data.length <= input.byteOffset + input.length);
      }, `IDX ${JSON.stringify(h)}`, stats);
    }
  }), { numRuns: 3000, seed: 301 });
  assert.ok(performance.now() - started < 5000, `took ${performance.now() - started} ms`);
});

// ------------------------------------------------------------------------------------------------- PNG

/** Flips bits inside one chunk's type or data and recomputes its CRC, so the flip gets past the checksum. */
function mutateChunk(png: Uint8Array, chunkIndex: number, at: number, bit: number, lengthDelta: number): Uint8Array {
  const out = png.slice();
  const v = new DataView(out.buffer);
  let pos = 8;
  for (let k = 0; pos + 12 <= out.length; k++) {
    const len = v.getUint32(pos, false);
    if (k === chunkIndex) {
      if (len > 0) out[pos + 8 + (at % len)] ^= 1 << bit;
      else out[pos + 4 + (at % 4)] ^= 1 << bit;
      if (pos + 12 + len <= out.length) v.setUint32(pos + 8 + len, crc32(out, 0, pos + 4, pos + 8 + len), false);
      if (lengthDelta !== 0) v.setUint32(pos, Math.max(0, len + lengthDelta) >>> 0, false);
      return out;
    }
    pos += 12 + len;
  }
  return out;
}

/** A PNG whose IHDR says width × height (CRC correct) over a tiny IDAT. */
function pngClaiming(width: number, height: number, depth: number, color: number, interlace: number): Uint8Array {
  const real = encodePng({ width: 2, height: 2, channels: 1, data: new Uint8Array([0, 64, 128, 255]) });
  const out = real.slice();
  const v = new DataView(out.buffer);
  v.setUint32(16, width >>> 0, false);
  v.setUint32(20, height >>> 0, false);
  out[24] = depth; out[25] = color; out[28] = interlace;
  v.setUint32(29, crc32(out, 0, 12, 29), false);
  return out;
}

test('decodePng: mutated images, bit flips behind fixed CRCs and lying IHDRs end in a result or a clean Error', () => {
  random.seed(4);
  const pixels = (n: number) => Uint8Array.from(random.rand(n).data, (x) => Math.floor(x * 256));
  const images: PngImage[] = [
    { width: 5, height: 3, channels: 1, data: pixels(15) },
    { width: 4, height: 4, channels: 3, data: pixels(48) },
    { width: 3, height: 2, channels: 4, data: pixels(24) },
    { width: 28, height: 28, channels: 1, data: pixels(784) },
  ];
  const seeds = images.map(encodePng);
  const stats = { slowest: 0 };
  const started = performance.now();
  fc.assert(fc.property(fc.nat({ max: seeds.length - 1 }), mutation, (i, m) => {
    expectCleanOutcome(() => decodePng(mutate(seeds[i], m), 'm.png'), 'mutated PNG', stats);
  }), { numRuns: 1500, seed: 401 });
  fc.assert(fc.property(fc.nat({ max: seeds.length - 1 }), fc.nat({ max: 3 }), fc.nat(), fc.nat({ max: 7 }), fc.constantFrom(0, 0, 0, 1, -1, 1 << 20, -(1 << 30)), (i, chunk, at, bit, delta) => {
    expectCleanOutcome(() => {
      const img = (() => { try { return decodePng(mutateChunk(seeds[i], chunk, at, bit, delta), 'c.png'); } catch (e) { throw e; } })();
      assert.equal(img.data.length, img.width * img.height * img.channels, 'a decoded image holds exactly its pixels');
    }, 'PNG with a flipped chunk', stats);
  }), { numRuns: 1500, seed: 402 });
  fc.assert(fc.property(
    fc.oneof(fc.nat({ max: 64 }), fc.constantFrom(0x7fffffff, 0x80000000, 0xffffffff, 65536, 100000)),
    fc.oneof(fc.nat({ max: 64 }), fc.constantFrom(0x7fffffff, 0x80000000, 0xffffffff, 65536, 100000)),
    fc.constantFrom(0, 1, 2, 3, 4, 5, 8, 16, 32), fc.constantFrom(0, 1, 2, 3, 4, 5, 6, 7), fc.constantFrom(0, 1, 2),
    (w, h, depth, color, interlace) => {
      const before = process.memoryUsage().arrayBuffers;
      expectCleanOutcome(() => decodePng(pngClaiming(w, h, depth, color, interlace), 'lie.png'), `PNG claiming ${w}×${h} depth ${depth} color ${color}`, stats);
      assert.ok(process.memoryUsage().arrayBuffers - before < 64 << 20, `PNG claiming ${w}×${h} allocated for its claim`);
    }), { numRuns: 1500, seed: 403 });
  assert.ok(performance.now() - started < 6000, `took ${performance.now() - started} ms`);
});

// ------------------------------------------------------------------------------------------------- model files

function smallModel() {
  random.seed(9);
  const m = sequential({ layers: [
    layers.conv2d({ filters: 2, kernelSize: 3, activation: 'relu', inputShape: [6, 6, 1] }),
    layers.maxPooling2d({ poolSize: 2 }),
    layers.flatten(),
    layers.dense({ units: 3, activation: 'softmax' }),
  ] });
  m.compile({ optimizer: 'adam', loss: 'categoricalCrossentropy', metrics: ['accuracy'] });
  return m;
}

/** Every path into a JSON value, so a mutation can replace any field. */
function jsonPaths(v: unknown, prefix: (string | number)[] = [], out: (string | number)[][] = []): (string | number)[][] {
  out.push(prefix);
  if (Array.isArray(v)) v.forEach((x, i) => jsonPaths(x, [...prefix, i], out));
  else if (v !== null && typeof v === 'object') for (const [k, x] of Object.entries(v)) jsonPaths(x, [...prefix, k], out);
  return out;
}

function replaceAt(root: unknown, p: (string | number)[], value: unknown): unknown {
  if (p.length === 0) return value;
  const copy = structuredClone(root) as Record<string | number, unknown>;
  let node = copy;
  for (const k of p.slice(0, -1)) node = node[k] as Record<string | number, unknown>;
  node[p[p.length - 1]] = value;
  return copy;
}

const hostileValue = fc.oneof(
  fc.constantFrom(null, undefined, -1, 0, 1.5, 2 ** 31, 2 ** 53, 1e308, NaN, -Infinity, '', '../../etc/passwd', 'Lambda', 'eval', '__proto__', [], {}, [null], [-1, 3], [65536, 65536, 65536]),
  fc.jsonValue({ maxDepth: 2 }),
);

test('modelFromArtifacts: any field of the topology or manifest replaced by a hostile value, and any weight bytes, give a model or a clean Error', () => {
  const good = modelArtifacts(smallModel());
  const topology = good.modelTopology as unknown;
  const topoPaths = jsonPaths(topology);
  const specPaths = jsonPaths(good.weightSpecs);
  const trainingPaths = jsonPaths(good.trainingConfig);
  const weightBytes = new Uint8Array(good.weightData);
  const stats = { slowest: 0 };
  let built = 0;
  const started = performance.now();
  const load = (a: ModelArtifacts, what: string) => expectCleanOutcome(() => {
    const m = modelFromArtifacts(a);
    built++;
    // A model that loads must run on its declared input without a crash.
    const shape = m.input.shape.map((d) => d ?? 1) as number[];
    if (shape.reduce((p, d) => p * d, 1) <= 1 << 16) m.predict(new Tensor(new Float32Array(shape.reduce((p, d) => p * d, 1)), shape));
  }, what, stats);
  // Cases the fuzzer found (each was a TypeError from deep inside before the loader checked the field's type).
  const found: [string, ModelArtifacts][] = [
    ['metrics -Infinity', { ...good, trainingConfig: { ...good.trainingConfig!, metrics: -Infinity as unknown as string[] } }],
    ['dtype an object', { ...good, weightSpecs: good.weightSpecs.map((w, i) => (i === 0 ? { ...w, dtype: { toString: 0 } as unknown as 'float32' } : w)) }],
    ['dtype toString', { ...good, weightSpecs: good.weightSpecs.map((w, i) => (i === 0 ? { ...w, dtype: 'toString' as 'float32' } : w)) }],
    ['learning_rate an object', { ...good, trainingConfig: { ...good.trainingConfig!, optimizer_config: { class_name: 'Adam', config: { learning_rate: { toString: null } } } } as ModelArtifacts['trainingConfig'] }],
  ];
  for (const [what, a] of found) {
    assert.throws(() => modelFromArtifacts(a), (e: Error) => !(e instanceof TypeError) && /^(trainingConfig|weightsManifest):/.test(e.message), what);
  }
  fc.assert(fc.property(fc.nat(), hostileValue, fc.constantFrom('topology', 'specs', 'training'), (pick, value, where) => {
    const paths = where === 'topology' ? topoPaths : where === 'specs' ? specPaths : trainingPaths;
    const p = paths[pick % paths.length];
    const a: ModelArtifacts = { ...good, weightData: good.weightData.slice(0) };
    if (where === 'topology') a.modelTopology = replaceAt(topology, p, value) as ModelArtifacts['modelTopology'];
    else if (where === 'specs') a.weightSpecs = replaceAt(good.weightSpecs, p, value) as ModelArtifacts['weightSpecs'];
    else a.trainingConfig = replaceAt(good.trainingConfig, p, value) as ModelArtifacts['trainingConfig'];
    load(a, `${where} ${JSON.stringify(p)} = ${value === undefined ? 'undefined' : JSON.stringify(value)}`);
  }), { numRuns: 1200, seed: 501 });
  fc.assert(fc.property(mutation, (m) => {
    load({ ...good, weightData: mutate(weightBytes, m).slice().buffer }, 'mutated weight bytes');
  }), { numRuns: 400, seed: 502 });
  assert.ok(built > 100, `some mutations must still load (flips in weights, harmless fields), got ${built}`);
  assert.ok(performance.now() - started < 8000, `took ${performance.now() - started} ms`);
});

test('loadLayersModel: truncated or flipped model.json text and weights.bin are clean Errors; manifest paths never leave the directory', async () => {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'hostile-model-'));
  try {
    const model = smallModel();
    await model.save(path.join(dir, 'good'));
    const jsonText = fs.readFileSync(path.join(dir, 'good', 'model.json'));
    const weights = fs.readFileSync(path.join(dir, 'good', 'weights.bin'));
    const work = path.join(dir, 'work');
    fs.mkdirSync(work);
    const stats = { slowest: 0 };
    const started = performance.now();
    // Each case mutates one of the two files (the other is put back only if the last case had mutated it);
    // reading stays within the case budget. 1,000 cases: the floor issue 7 sets for every reader.
    const cases = fc.sample(fc.tuple(mutation, fc.boolean()), { numRuns: 1000, seed: 601 });
    let mutatedLast: 'model.json' | 'weights.bin' | null = null;
    fs.writeFileSync(path.join(work, 'model.json'), jsonText);
    fs.writeFileSync(path.join(work, 'weights.bin'), weights);
    for (const [m, onJson] of cases) {
      const target = onJson ? 'model.json' : 'weights.bin';
      if (mutatedLast !== null && mutatedLast !== target) fs.writeFileSync(path.join(work, mutatedLast), mutatedLast === 'model.json' ? jsonText : weights);
      fs.writeFileSync(path.join(work, target), mutate(onJson ? jsonText : weights, m));
      mutatedLast = target;
      let error: unknown = null;
      const t0 = performance.now();
      try { await loadLayersModel(work); } catch (e) { error = e; }
      const ms = performance.now() - t0;
      stats.slowest = Math.max(stats.slowest, ms);
      assert.ok(ms < CASE_LIMIT_MS, `took ${ms} ms`);
      if (error !== null) {
        assert.ok(error instanceof Error && !(error instanceof TypeError) && !(error instanceof RangeError), `internal error: ${String(error)}`);
      }
    }
    // A manifest path that climbs out is refused before any read.
    fs.writeFileSync(path.join(dir, 'secret.bin'), weights);
    const json = JSON.parse(jsonText.toString('utf8'));
    for (const evil of ['../secret.bin', path.join(dir, 'secret.bin'), 'sub/../../secret.bin']) {
      json.weightsManifest[0].paths = [evil];
      fs.writeFileSync(path.join(work, 'model.json'), JSON.stringify(json));
      await assert.rejects(loadLayersModel(work), (e: Error) => e.message.startsWith('weightsManifest:') && /unsafe path/.test(e.message), evil);
    }
    assert.deepEqual(fs.readdirSync(work).sort(), ['model.json', 'weights.bin'], 'loading wrote nothing');
    assert.ok(performance.now() - started < 10000, `took ${performance.now() - started} ms`);
  } finally {
    fs.rmSync(dir, { recursive: true, force: true });
  }
});
