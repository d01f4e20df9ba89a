import { test } from 'node:test';
import assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { spawnSync } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import fc from 'fast-check';
import { encodeNpy, loadNpy, parseNpy, saveNpy } from '../src/io/npy.js';
import { Tensor, tensor } from '../src/tensor/tensor.js';

const ROOT = fileURLToPath(new URL('../../', import.meta.url));
const FIXTURES = path.join(ROOT, 'test/fixtures/npy');

interface Spec { descr: string; shape: number[]; values: (number | string)[] }
const expected: Record<string, Spec> = JSON.parse(fs.readFileSync(path.join(FIXTURES, 'expected.json'), 'utf8'));

function specValue(v: number | string): number {
  return typeof v === 'string' ? Number(v.replace('inf', 'Infinity').replace('nan', 'NaN')) : v;
}

function dtypeFor(descr: string): string {
  const code = descr.slice(1);
  if (code === 'f4' || code === 'f2') return 'float32';
  if (code === 'f8') return 'float64';
  return 'int32';
}

function assertMatches(t: Tensor, spec: Spec, where: string): void {
  assert.equal(t.dtype, dtypeFor(spec.descr), `${where}: dtype`);
  assert.deepEqual(t.shape, spec.shape, `${where}: shape`);
  assert.equal(t.data.length, spec.values.length, `${where}: size`);
  for (let i = 0; i < spec.values.length; i++) {
    const want = specValue(spec.values[i]);
    // Object.is: NaN equals NaN, and -0 must stay -0.
    assert.ok(Object.is(t.data[i], t.dtype === 'float32' ? Math.fround(want) : want), `${where}[${i}]: got ${t.data[i]}, expected ${want}`);
  }
}

const npyFixtures = Object.keys(expected).filter((n) => n.endsWith('.npy') && !n.includes('overflow'));

test('reads every NumPy-written .npy fixture exactly (all dtypes, both byte orders, v1/v2/v3, fortran, 0-d, empty)', () => {
  assert.ok(npyFixtures.length >= 25, `only ${npyFixtures.length} fixtures found`);
  for (const name of npyFixtures) assertMatches(loadNpy(path.join(FIXTURES, name)), expected[name], name);
});

test('fortran-order arrays come back in C order', () => {
  const t = loadNpy(path.join(FIXTURES, 'fortran_3d.npy'));
  assert.deepEqual(t.shape, [2, 3, 4]);
  // The C-order values in expected.json come from np.ascontiguousarray, independent of the file layout.
  assert.deepEqual(Array.from(t.data), expected['fortran_3d.npy'].values);
});

test('integers that do not fit int32 are an Error naming the file and element', () => {
  for (const name of ['i8_overflow.npy', 'u4_overflow.npy']) {
    const file = path.join(FIXTURES, name);
    assert.throws(() => loadNpy(file), (e: Error) => e.message.startsWith(file) && /element 1 .*does not fit in int32/.test(e.message));
  }
});

test('encodeNpy → parseNpy round-trips float32, float64, int32, 0-d and empty tensors', () => {
  const cases = [
    tensor(new Float32Array([1.5, -2, NaN, Infinity, -0, 3.4e38]), [2, 3]),
    tensor(new Float64Array([Math.PI, -1e-300, 5e-324]), [3]),
    tensor(new Int32Array([-(2 ** 31), 2 ** 31 - 1, 0, 7]), [1, 2, 2]),
    tensor(new Float64Array([2.5]), []),
    tensor(new Float32Array(0), [0, 3]),
    tensor(new Int32Array(0), [2, 0, 1]),
  ];
  for (const t of cases) {
    const bytes = encodeNpy(t);
    const dataOffset = bytes.length - t.data.byteLength;
    assert.equal(dataOffset % 64, 0, `header of ${t.dtype} ${t.shape} not padded to 64`);
    assert.equal(bytes[6], 1, 'version 1.0');
    assert.equal(bytes[dataOffset - 1], 0x0a, 'header ends with a newline');
    const back = parseNpy(bytes);
    assert.equal(back.dtype, t.dtype);
    assert.deepEqual(back.shape, t.shape);
    for (let i = 0; i < t.size; i++) assert.ok(Object.is(back.data[i], t.data[i]));
  }
});

test('NumPy reads our saveNpy files back exactly (scripts/check_npy_written.py)', () => {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'convnet-npy-'));
  try {
    const items: Record<string, Tensor> = {
      'f32.npy': tensor(new Float32Array([0.1, -2.5, 1e-8, 65504.25, -0, Infinity]), [2, 3]),
      'f64.npy': tensor(new Float64Array([Math.E, 1 / 3, -1e300, NaN]), [2, 1, 2]),
      'i32.npy': tensor(new Int32Array([-(2 ** 31), -1, 0, 2 ** 31 - 1]), [4]),
      'scalar.npy': tensor(new Float64Array([-4.75]), []),
      'empty.npy': tensor(new Float32Array(0), [3, 0]),
    };
    const manifest: Record<string, Spec> = {};
    for (const [name, t] of Object.entries(items)) {
      saveNpy(path.join(dir, name), t);
      manifest[name] = toSpec(t);
    }
    fs.writeFileSync(path.join(dir, 'manifest.json'), JSON.stringify(manifest));
    // No temporary files may be left behind by the atomic writes.
    assert.deepEqual(fs.readdirSync(dir).sort(), [...Object.keys(items), 'manifest.json'].sort());
    const run = spawnSync('python3', [path.join(ROOT, 'scripts/check_npy_written.py'), dir], { encoding: 'utf8' });
    assert.equal(run.status, 0, `check_npy_written.py failed:\n${run.stdout}\n${run.stderr}`);
    assert.match(run.stdout, /all 5 files read back exactly/);
  } finally {
    fs.rmSync(dir, { recursive: true, force: true });
  }
});

function toSpec(t: Tensor): Spec {
  const descr = t.dtype === 'float32' ? '<f4' : t.dtype === 'float64' ? '<f8' : '<i4';
  const values = Array.from(t.data, (v) => (Object.is(v, -0) ? '-0' : Number.isFinite(v) ? v : Number.isNaN(v) ? 'nan' : v > 0 ? 'inf' : '-inf'));
  return { descr, shape: t.shape, values };
}

/** A .npy file with a hand-written header dict (padded like NumPy's) and `data` after it. */
function makeNpy(dict: string, data: Uint8Array = new Uint8Array(0), major = 1): Uint8Array {
  const prefix = major === 1 ? 10 : 12;
  const total = Math.ceil((prefix + dict.length + 1) / 64) * 64;
  const header = dict.padEnd(total - prefix - 1, ' ') + '\n';
  const out = new Uint8Array(total + data.length);
  out.set([0x93, 0x4e, 0x55, 0x4d, 0x50, 0x59, major, 0]);
  const view = new DataView(out.buffer);
  if (major === 1) view.setUint16(8, header.length, true);
  else view.setUint32(8, header.length, true);
  for (let i = 0; i < header.length; i++) out[prefix + i] = header.charCodeAt(i);
  out.set(data, total);
  return out;
}

function throwsWith(bytes: Uint8Array, pattern: RegExp): void {
  assert.throws(() => parseNpy(bytes, 'some.npy'), (e: Error) => e instanceof Error && e.message.startsWith('some.npy: ') && pattern.test(e.message));
}

test('malformed files are clear Errors naming the source, checked before allocating', () => {
  const f8 = (shape: string): string => `{'descr': '<f8', 'fortran_order': False, 'shape': ${shape}, }`;
  throwsWith(new Uint8Array([1, 2, 3]), /truncated/);
  throwsWith(new TextEncoder().encode('PK\x03\x04 not numpy at all'), /bad magic/);
  throwsWith(makeNpy(f8('(2,)'), new Uint8Array(16), 4), /unsupported .npy version 4.0/);
  throwsWith(makeNpy(f8('(2,)'), new Uint8Array(15)), /truncated .npy: header declares <f8 \[2\] = 16 bytes of data, file holds 15/);
  throwsWith(makeNpy(f8('(2,)'), new Uint8Array(17)), /1 unexpected bytes after/);
  // 2^28 float64 = 2 GiB claimed by a 64-byte file: refused without allocating it.
  throwsWith(makeNpy(f8('(268435456,)')), /header declares .* = 2147483648 bytes of data, file holds 0/);
  throwsWith(makeNpy(f8('(-1, 2)')), /not a non-negative integer/);
  throwsWith(makeNpy(f8('(65536, 65536)')), /4294967296 elements, more than the 2147483647/);
  throwsWith(makeNpy(f8('(2.5,)')), /corrupt .npy header/);
  throwsWith(makeNpy(f8('(99999999999999999999,)')), /not a non-negative integer/);
  throwsWith(makeNpy("{'descr': '<c16', 'fortran_order': False, 'shape': (1,), }", new Uint8Array(16)), /unsupported .npy dtype '<c16'/);
  throwsWith(makeNpy("{'descr': '<U3', 'fortran_order': False, 'shape': (1,), }", new Uint8Array(12)), /unsupported .npy dtype '<U3'/);
  throwsWith(makeNpy("{'descr': '|O', 'fortran_order': False, 'shape': (1,), }", new Uint8Array(8)), /unsupported .npy dtype '\|O'/);
  throwsWith(makeNpy("{'descr': [('a', '<f4')], 'fortran_order': False, 'shape': (1,), }", new Uint8Array(4)), /structured dtypes/);
  throwsWith(makeNpy("{'descr': '<f8', 'shape': (1,), }", new Uint8Array(8)), /'fortran_order' must be True or False/);
  throwsWith(makeNpy("{'descr': '<f8', 'fortran_order': False, 'shape': (1,)", new Uint8Array(8)), /corrupt .npy header/);
  // A header length pointing past the end of the file.
  const bad = makeNpy(f8('(1,)'), new Uint8Array(8));
  new DataView(bad.buffer).setUint16(8, 60000, true);
  throwsWith(bad, /truncated .npy: header declares 60000 bytes/);
  // Version 2.0 headers parse like 1.0.
  assert.deepEqual(parseNpy(makeNpy(f8('(1,)'), new Uint8Array(8), 2)).shape, [1]);
});

test('loadNpy names the path in its errors; encodeNpy/saveNpy validate arguments', () => {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'convnet-npy-'));
  try {
    const file = path.join(dir, 'broken.npy');
    fs.writeFileSync(file, encodeNpy(tensor([1, 2, 3])).subarray(0, 70));
    assert.throws(() => loadNpy(file), (e: Error) => e.message.startsWith(`${file}: truncated .npy`));
    assert.throws(() => encodeNpy([1, 2] as unknown as Tensor), /^Error: t: expected a Tensor/);
    assert.throws(() => saveNpy(42 as unknown as string, tensor([1])), /^Error: path: expected a string/);
  } finally {
    fs.rmSync(dir, { recursive: true, force: true });
  }
});

test('fuzz: truncations and bit flips of valid files give a Tensor or a clean Error, never anything else', () => {
  const seeds = ['f4.npy', 'f8_be.npy', 'i8.npy', 'fortran_3d.npy', 'v3.npy', 'b1.npy', 'f2.npy', 'scalar.npy'].map((n) => fs.readFileSync(path.join(FIXTURES, n)));
  const mutation = fc.record({
    seed: fc.nat({ max: seeds.length - 1 }),
    cut: fc.option(fc.nat({ max: 400 })),
    flips: fc.array(fc.record({ at: fc.nat({ max: 399 }), bit: fc.nat({ max: 7 }) }), { maxLength: 4 }),
  });
  let parsed = 0;
  let rejected = 0;
  fc.assert(
    fc.property(mutation, ({ seed, cut, flips }) => {
      const bytes = new Uint8Array(seeds[seed]);
      for (const { at, bit } of flips) if (at < bytes.length) bytes[at] ^= 1 << bit;
      const input = cut === null ? bytes : bytes.subarray(0, Math.min(cut, bytes.length));
      try {
        const t = parseNpy(input, 'fuzz.npy');
        assert.ok(t instanceof Tensor);
        parsed++;
      } catch (e) {
        if (!(e instanceof Error) || e.constructor !== Error || !e.message.startsWith('fuzz.npy: ')) throw e;
        rejected++;
      }
    }),
    { numRuns: 3000, seed: 42 },
  );
  assert.ok(parsed > 50 && rejected > 500, `parsed ${parsed}, rejected ${rejected}`);
});

test('saves are atomic: a file is replaced whole, and a failed write leaves no temporary file behind', async () => {
  const { writeFileAtomic, writeFileAtomicSync } = await import('../src/io/atomic-write.js');
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'convnet-atomic-'));
  try {
    const file = path.join(dir, 'a.npy');
    saveNpy(file, tensor([1, 2, 3]));
    saveNpy(file, tensor(new Float64Array([4, 5])));
    assert.deepEqual(Array.from(loadNpy(file).data), [4, 5]);
    // Renaming onto a directory fails: the error surfaces and the temporary file is removed.
    fs.mkdirSync(path.join(dir, 'sub'));
    assert.throws(() => writeFileAtomicSync(path.join(dir, 'sub'), new Uint8Array(3)), /EISDIR|EEXIST|ENOTEMPTY|EPERM/);
    await assert.rejects(writeFileAtomic(path.join(dir, 'sub'), new Uint8Array(3)), /EISDIR|EEXIST|ENOTEMPTY|EPERM/);
    assert.throws(() => saveNpy(path.join(dir, 'missing', 'b.npy'), tensor([1])), /ENOENT/);
    assert.deepEqual(fs.readdirSync(dir).sort(), ['a.npy', 'sub']);
    assert.deepEqual(fs.readdirSync(path.join(dir, 'sub')), []);
    await writeFileAtomic(path.join(dir, 'c.bin'), Uint8Array.from([7, 8]));
    assert.deepEqual(Array.from(fs.readFileSync(path.join(dir, 'c.bin'))), [7, 8]);
  } finally {
    fs.rmSync(dir, { recursive: true, force: true });
  }
});

test("a write removes the temporary files dead writers of the same target left, never a live writer's", async () => {
  const { writeFileAtomic, writeFileAtomicSync } = await import('../src/io/atomic-write.js');
  const { spawnSync } = await import('node:child_process');
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'convnet-stale-'));
  try {
    const dead = spawnSync(process.execPath, ['-e', '0']).pid!;
    const live = process.ppid;
    const leftovers = [`.m.bin.${dead}.0123456789ab.tmp`, `.m.bin.${live}.0123456789ab.tmp`, `.other.bin.${dead}.0123456789ab.tmp`];
    for (const name of leftovers) fs.writeFileSync(path.join(dir, name), 'partial');
    writeFileAtomicSync(path.join(dir, 'm.bin'), Uint8Array.from([1]));
    // Only the dead writer's file for this very target goes; another target's leftovers wait for its own write.
    assert.deepEqual(fs.readdirSync(dir).sort(), [leftovers[1], leftovers[2], 'm.bin'].sort());
    await writeFileAtomic(path.join(dir, 'other.bin'), Uint8Array.from([2]));
    assert.deepEqual(fs.readdirSync(dir).sort(), [leftovers[1], 'm.bin', 'other.bin'].sort());
  } finally {
    fs.rmSync(dir, { recursive: true, force: true });
  }
});
