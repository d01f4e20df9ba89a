/**
 * NumPy's legacy np.random, bit for bit: replays the call sequences recorded by scripts/gen_random_fixtures.py
 * and compares every double with Object.is (no tolerance), long arrays by SHA-256 of their bytes.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { createHash } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import * as random from '../src/tensor/random.js';
import { RandomState, RandomStateSnapshot } from '../src/tensor/random.js';
import { glibcLog, fmaExact } from '../src/tensor/glibc-log.js';
import { Tensor } from '../src/tensor/tensor.js';

// dist/test/random.test.js -> the fixtures in the source tree.
const FIXTURE = fileURLToPath(new URL('../../test/fixtures/random/numpy_random.json', import.meta.url));

interface Summary { n: number; sha256: string; first: number[]; last: number[]; sum: number }
interface Encoded { scalar?: number; shape?: number[]; kind?: 'int' | 'float'; values?: number[]; summary?: Summary }
interface StateDigest { key_sha256: string; key_head: number[]; pos: number; has_gauss: number; cached_gaussian: number }
interface Op { op: string; args: unknown[]; result?: Encoded; state?: StateDigest }
interface Fixture {
  numpy: string;
  libc: string;
  sequences: Record<string, Op[]>;
  set_state: { state: RandomStateSnapshot; randn4: number[]; rand2: number[] };
  log: { seed: number; count: number; sha256: string; first: number[]; inputs_first: number[] };
}

const fixture: Fixture = JSON.parse(readFileSync(FIXTURE, 'utf8'));

function sha256(data: Float64Array | Int32Array | Uint32Array): string {
  return createHash('sha256').update(new Uint8Array(data.buffer, data.byteOffset, data.byteLength)).digest('hex');
}

function sameBits(actual: number, expected: number, where: string): void {
  assert.ok(Object.is(actual, expected), `${where}: got ${actual}, NumPy gave ${expected}`);
}

function checkResult(actual: number | Tensor, expected: Encoded, where: string): void {
  if (expected.scalar !== undefined) {
    assert.equal(typeof actual, 'number', `${where}: expected a plain number`);
    sameBits(actual as number, expected.scalar, where);
    return;
  }
  assert.ok(actual instanceof Tensor, `${where}: expected a Tensor`);
  assert.deepEqual(actual.shape, expected.shape, `${where}: shape`);
  assert.equal(actual.dtype, expected.kind === 'int' ? 'int32' : 'float64', `${where}: dtype`);
  const data = actual.data as Float64Array | Int32Array;
  if (expected.values) {
    assert.equal(data.length, expected.values.length, `${where}: length`);
    for (let i = 0; i < data.length; i++) sameBits(data[i], expected.values[i], `${where}[${i}]`);
    return;
  }
  const s = expected.summary!;
  assert.equal(data.length, s.n, `${where}: length`);
  for (let i = 0; i < s.first.length; i++) sameBits(data[i], s.first[i], `${where}[${i}]`);
  for (let i = 0; i < s.last.length; i++) sameBits(data[s.n - s.last.length + i], s.last[i], `${where}[-${s.last.length - i}]`);
  let sum = 0;
  for (let i = 0; i < data.length; i++) sum += data[i];
  sameBits(sum, s.sum, `${where}: left-to-right sum`);
  assert.equal(sha256(data), s.sha256, `${where}: SHA-256 of all ${s.n} values`);
}

function checkState(rs: RandomState, expected: StateDigest, where: string): void {
  const st = rs.getState();
  assert.deepEqual(st.key.slice(0, 4), expected.key_head, `${where}: first key words`);
  assert.equal(sha256(Uint32Array.from(st.key)), expected.key_sha256, `${where}: key`);
  assert.equal(st.pos, expected.pos, `${where}: pos`);
  assert.equal(st.has_gauss, expected.has_gauss, `${where}: has_gauss`);
  sameBits(st.cached_gaussian, expected.cached_gaussian, `${where}: cached gaussian`);
}

/** Applies one recorded NumPy call to `rs` and checks its result. */
function replay(rs: RandomState, op: Op, where: string): void {
  const a = op.args as any[];
  switch (op.op) {
    case 'seed': rs.seed(a[0]); return;
    case 'state': checkState(rs, op.state!, where); return;
    case 'rand': checkResult(rs.rand(...a), op.result!, where); return;
    case 'randn': checkResult(rs.randn(...a), op.result!, where); return;
    case 'randint': checkResult(rs.randint(a[0], a[1], a[2] ?? undefined), op.result!, where); return;
    case 'uniform': checkResult(rs.uniform(a[0], a[1], a[2] ?? undefined), op.result!, where); return;
    case 'normal': checkResult(rs.normal(a[0], a[1], a[2] ?? undefined), op.result!, where); return;
    case 'permutation': checkResult(rs.permutation(a[0]), op.result!, where); return;
    case 'shuffle': {
      const shape = a[0] as number[];
      const x = new Tensor(Float64Array.from({ length: shape.reduce((p, d) => p * d, 1) }, (_, i) => i), shape);
      rs.shuffle(x);
      checkResult(x, op.result!, where);
      return;
    }
    default: throw new Error(`unknown op ${op.op}`);
  }
}

const LARGE = 'large: seed(0); randn(50000*784)';

for (const [name, ops] of Object.entries(fixture.sequences)) {
  if (name === LARGE) continue;
  test(`matches NumPy ${fixture.numpy}: ${name}`, () => {
    const rs = new RandomState(12345);
    ops.forEach((op, i) => replay(rs, op, `${name} #${i} ${op.op}(${JSON.stringify(op.args).slice(1, -1).slice(0, 40)})`));
  });
}

test('matches NumPy: randn(50000*784) from seed 0, all 39.2 M values', () => {
  const ops = fixture.sequences[LARGE];
  const rs = new RandomState(0);
  const t0 = performance.now();
  const x = rs.randn(50000 * 784);
  const ms = performance.now() - t0;
  checkResult(x, ops[1].result!, 'randn(39200000)');
  checkState(rs, ops[2].state!, 'state after');
  console.log(`# randn(50000*784): ${ms.toFixed(0)} ms`);
  assert.ok(ms < 20000, `randn(39.2 M) took ${ms.toFixed(0)} ms`);
});

test('module-level functions drive one default stream, like np.random.*', () => {
  const ops = fixture.sequences['2-main: seed(0); randn(3,3,1,2); randn(1,1,1,2); randn(10,26,26,2)'];
  random.seed(0);
  checkResult(random.randn(3, 3, 1, 2), ops[1].result!, 'randn(3,3,1,2)');
  checkResult(random.randn(1, 1, 1, 2), ops[2].result!, 'randn(1,1,1,2)');
  checkResult(random.randn(10, 26, 26, 2), ops[3].result!, 'randn(10,26,26,2)');
  const perm = fixture.sequences['permutations'];
  random.seed(0);
  checkResult(random.permutation(1), perm[1].result!, 'permutation(1)');
  checkResult(random.permutation(0), perm[2].result!, 'permutation(0)');
  assert.equal(typeof random.rand(), 'number');
});

test('setState accepts a mid-stream NumPy state (cached gaussian included) and continues like NumPy', () => {
  const { state, randn4, rand2 } = fixture.set_state;
  const rs = new RandomState(1);
  rs.setState(state);
  const a = rs.randn(4).data;
  randn4.forEach((v, i) => sameBits(a[i], v, `randn4[${i}]`));
  const b = rs.rand(2).data;
  rand2.forEach((v, i) => sameBits(b[i], v, `rand2[${i}]`));
});

test('getState survives JSON and resumes the exact stream', () => {
  const rs = new RandomState(2024);
  rs.randn(5); // leaves a cached gaussian
  rs.rand(700); // crosses a twist
  const saved = JSON.parse(JSON.stringify(rs.getState()));
  const expected = rs.randn(9).data;
  const resumed = new RandomState(0);
  resumed.setState(saved);
  assert.deepEqual(resumed.randn(9).data, expected);
  assert.deepEqual(resumed.getState(), rs.getState());
});

test('glibcLog equals glibc log() on 300 000 inputs across every exponent and both code paths', () => {
  const { seed, count, sha256: expectedHash, first, inputs_first } = fixture.log;
  const u = new RandomState(seed).rand(300000).data as Float64Array;
  const ys = new Float64Array(count);
  let k = 0;
  for (let i = 0, j = 0; i < u.length; i++) {
    const v = u[i];
    if (!(v > 0)) continue;
    const kind = j % 4;
    const x = kind === 0 ? v
      : kind === 1 ? 0.9375 + v * 0.1272
      : kind === 2 ? v * 2 ** ((j % 2040) - 1020)
      : 1 + v * 2 ** -((j % 50) + 1);
    if (j < inputs_first.length) sameBits(x, inputs_first[j], `input ${j}`);
    ys[k++] = glibcLog(x);
    j++;
  }
  assert.equal(k, count);
  first.forEach((v, i) => sameBits(ys[i], v, `log #${i}`));
  assert.equal(sha256(ys), expectedHash);
  assert.equal(glibcLog(1), 0);
  assert.equal(glibcLog(0), -Infinity);
  assert.equal(glibcLog(Infinity), Infinity);
  assert.ok(Number.isNaN(glibcLog(-1)) && Number.isNaN(glibcLog(NaN)));
});

/** a * b + c rounded once, computed with BigInt (exact) then one rounding by Number(). */
function fmaReference(a: number, b: number, c: number): number {
  const parts = (x: number): [bigint, number] => {
    const view = new DataView(new ArrayBuffer(8));
    view.setFloat64(0, x);
    const bits = view.getBigUint64(0);
    const exp = Number((bits >> 52n) & 0x7ffn);
    let mant = bits & ((1n << 52n) - 1n);
    if (exp !== 0) mant |= 1n << 52n;
    const sign = bits >> 63n ? -1n : 1n;
    return [sign * mant, (exp === 0 ? 1 : exp) - 1075];
  };
  const [ma, ea] = parts(a), [mb, eb] = parts(b), [mc, ec] = parts(c);
  const eab = ea + eb;
  const e = Math.min(eab, ec);
  const n = (ma * mb << BigInt(eab - e)) + (mc << BigInt(ec - e));
  // Number(n) rounds once to nearest-even; the power of two is exact for the moderate exponents used here.
  return Number(n) * 2 ** e;
}

test('fmaExact rounds a * b + c once, including near-ties', () => {
  const rs = new RandomState(77);
  const u = rs.rand(60000).data as Float64Array;
  let checked = 0;
  for (let i = 0; i + 3 <= u.length; i += 3) {
    const a = (u[i] - 0.5) * 2 ** ((i % 40) - 20);
    const b = (u[i + 1] - 0.5) * 2 ** ((i % 23) - 11);
    const variant = i % 3;
    // Random c, c cancelling a*b (to catch the error term), and c a half-ulp away from a*b's product.
    const c = variant === 0 ? (u[i + 2] - 0.5) * 2 ** ((i % 30) - 15)
      : variant === 1 ? -(a * b) * (1 + (u[i + 2] - 0.5) * 2 ** -40)
      : -(a * b) + Math.abs(a * b) * 2 ** -53;
    sameBits(fmaExact(a, b, c), fmaReference(a, b, c), `fma(${a}, ${b}, ${c})`);
    checked++;
  }
  assert.ok(checked > 19000);
});

test('truncatedNormal keeps the gaussians within two stddev and is the filtered randn stream', () => {
  const t = new RandomState(4).truncatedNormal([40, 25], 1, 0.5);
  assert.deepEqual(t.shape, [40, 25]);
  assert.equal(t.dtype, 'float64');
  const z = new RandomState(4).randn(3000).data as Float64Array;
  const kept = Array.from(z).filter((v) => v >= -2 && v <= 2);
  assert.ok(kept.length < 3000 && z.length - kept.length > 50, 'some values must be redrawn');
  for (let i = 0; i < t.size; i++) sameBits(t.data[i], 1 + 0.5 * kept[i], `truncatedNormal[${i}]`);
  const f32 = random.truncatedNormal([10], 0, 1, 'float32');
  assert.equal(f32.dtype, 'float32');
});

test('shuffle keeps the rows of any dtype; permutation of a tensor shuffles a copy', () => {
  const rs = new RandomState(8);
  const x = new Tensor(Int32Array.from({ length: 20 }, (_, i) => i), [10, 2]);
  rs.shuffle(x);
  const rows = (x.toArray() as number[][]).map(([p, q]) => { assert.equal(q, p + 1); return p / 2; });
  assert.deepEqual([...rows].sort((p, q) => p - q), [0, 1, 2, 3, 4, 5, 6, 7, 8, 9]);
  assert.notDeepEqual(rows, [0, 1, 2, 3, 4, 5, 6, 7, 8, 9]);
  const original = new Tensor(new Float32Array([1, 2, 3, 4, 5]), [5]);
  const copy = rs.permutation(original);
  assert.deepEqual(Array.from(original.data), [1, 2, 3, 4, 5]);
  assert.deepEqual(Array.from(copy.data).sort(), [1, 2, 3, 4, 5]);
});

test('bad arguments throw errors that name the argument', () => {
  const rs = new RandomState(0);
  for (const bad of [-1, 2 ** 32, 1.5, NaN, [], [1, -2], 'seven' as unknown as number]) {
    assert.throws(() => rs.seed(bad as number), /^Error: seed/, `seed(${JSON.stringify(bad)})`);
  }
  assert.throws(() => rs.rand(2, -1), /^Error: dims/);
  assert.throws(() => rs.randn(1.5), /^Error: dims/);
  assert.throws(() => rs.randint(5, 5), /^Error: high: expected high > low/);
  assert.throws(() => rs.randint(0), /^Error: high/);
  assert.throws(() => rs.randint(0, 2 ** 31 + 1), /^Error: high/);
  assert.throws(() => rs.randint(0.5, 3), /^Error: low/);
  assert.throws(() => rs.normal(0, -1, 3), /^Error: scale/);
  assert.throws(() => rs.uniform(-Number.MAX_VALUE, Number.MAX_VALUE), /^Error: high/);
  assert.throws(() => rs.uniform(0, 1, [2, -2]), /^Error: size/);
  assert.throws(() => rs.permutation(-3), /^Error: n/);
  assert.throws(() => rs.shuffle(new Tensor(new Float64Array(1), [])), /^Error: x/);
  const good = rs.getState();
  assert.throws(() => rs.setState({ ...good, key: good.key.slice(1) }), /^Error: state.key/);
  assert.throws(() => rs.setState({ ...good, pos: 625 }), /^Error: state.pos/);
  assert.throws(() => rs.setState({ ...good, algorithm: 'PCG64' as 'MT19937' }), /^Error: state.algorithm/);
  // A failed setState leaves the stream untouched.
  assert.deepEqual(rs.getState(), good);
});
