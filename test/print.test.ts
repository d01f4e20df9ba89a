import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import type { DType, TypedArray } from '../src/tensor/dtype.js';
import { formatArray, formatTuple } from '../src/tensor/print.js';
import { formatPositional, formatScientific } from '../src/tensor/print-float.js';

interface Case {
  name: string;
  shape: number[];
  dtype: DType;
  values?: (string | number)[];
  b64?: string;
  legacy?: '2.2';
  str: string;
  repr: string;
}

// Written by scripts/gen_print_fixtures.py from NumPy; the test runs from dist/test, the fixtures stay in test/.
const fixturePath = fileURLToPath(new URL('../../test/fixtures/print/cases.json', import.meta.url));
interface ScalarList {
  name: string;
  dtype: 'float32' | 'float64';
  values: string[];
  str: string[];
}
const fixture = JSON.parse(readFileSync(fixturePath, 'utf8')) as { numpy: string; cases: Case[]; scalars: ScalarList[] };

function parsePythonFloat(text: string): number {
  if (text === 'nan') return NaN;
  if (text === 'inf') return Infinity;
  if (text === '-inf') return -Infinity;
  return Number(text);
}

function dataOf(c: Case): TypedArray {
  const make = (n: number | ArrayBuffer): TypedArray =>
    c.dtype === 'float64' ? new Float64Array(n as number) : c.dtype === 'float32' ? new Float32Array(n as number) : new Int32Array(n as number);
  if (c.values) {
    const out = make(c.values.length);
    c.values.forEach((v, i) => { out[i] = typeof v === 'number' ? v : parsePythonFloat(v); });
    return out;
  }
  // Little-endian bytes, as the fixture script wrote them (Node runs little-endian here).
  const bytes = Buffer.from(c.b64 ?? '', 'base64');
  const copy = new Uint8Array(bytes).buffer;
  return c.dtype === 'float64' ? new Float64Array(copy) : c.dtype === 'float32' ? new Float32Array(copy) : new Int32Array(copy);
}

test(`fixtures cover what the brief asks for (NumPy ${fixture.numpy})`, () => {
  const cases = fixture.cases;
  assert.ok(cases.length > 200, `only ${cases.length} cases`);
  for (const dtype of ['float32', 'float64', 'int32']) assert.ok(cases.some((c) => c.dtype === dtype), dtype);
  for (let rank = 0; rank <= 5; rank++) assert.ok(cases.some((c) => c.shape.length === rank), `rank ${rank}`);
  assert.ok(cases.some((c) => c.str.includes('...')), 'a summarised case');
  assert.ok(cases.some((c) => c.str.includes('e-')), 'a scientific case');
  assert.ok(cases.some((c) => c.shape.includes(0)), 'an empty case');
});

test('str and repr equal NumPy byte for byte on every fixture case', () => {
  const failures: string[] = [];
  for (const c of fixture.cases) {
    const data = dataOf(c);
    const options = { legacy: c.legacy ?? false } as const;
    for (const style of ['str', 'repr'] as const) {
      const got = formatArray(data, c.shape, c.dtype, style, options);
      if (got !== c[style]) failures.push(`${c.name} ${c.dtype} [${c.shape}] ${style}:\nexpected\n${c[style]}\ngot\n${got}`);
    }
  }
  assert.equal(failures.length, 0, `${failures.length} mismatches; first ones:\n${failures.slice(0, 3).join('\n\n')}`);
});

test('str of 0-d arrays equals NumPy on random bit patterns, powers of two and half-ulp ties', () => {
  const failures: string[] = [];
  let count = 0;
  for (const list of fixture.scalars) {
    const data = list.dtype === 'float32' ? new Float32Array(1) : new Float64Array(1);
    list.values.forEach((text, i) => {
      data[0] = parsePythonFloat(text);
      const got = formatArray(data, [], list.dtype, 'str');
      if (got !== list.str[i]) failures.push(`${list.name} ${text}: expected ${list.str[i]}, got ${got}`);
      count++;
    });
  }
  assert.ok(count > 1000, `only ${count} scalars`);
  assert.deepEqual(failures, []);
});

test("the spec's 4-main output: print(Y_pred[0]) of a float32 vector", () => {
  const yPred = new Float32Array([2.3144582e-16, 9.3501662e-10, 1.5114866e-11, 1.0, 4.1006549e-14,
    3.0734011e-09, 5.3557121e-11, 4.1970327e-11, 1.2145798e-09, 5.1159105e-10]);
  assert.equal(formatArray(yPred, [10], 'float32', 'str'),
    '[2.3144582e-16 9.3501662e-10 1.5114866e-11 1.0000000e+00 4.1006549e-14\n' +
    ' 3.0734011e-09 5.3557121e-11 4.1970327e-11 1.2145798e-09 5.1159105e-10]');
});

test("the spec's 2-main output: a tuple of reprs, summarised like NumPy 2.2 and earlier", () => {
  const db = new Float64Array([-113.18404846, -121.902714]);
  assert.equal(formatTuple([formatArray(db, [1, 1, 1, 2], 'float64', 'repr')]), '(array([[[[-113.18404846, -121.902714  ]]]]),)');
  const big = new Float64Array(10 * 28 * 28).map((_, i) => 1 + (i % 97) / 7);
  const legacy = formatArray(big, [10, 28, 28, 1], 'float64', 'repr', { legacy: '2.2' });
  const current = formatArray(big, [10, 28, 28, 1], 'float64', 'repr');
  assert.ok(legacy.startsWith('array([[[[ 1.        ],\n         [ 1.14285714],'), legacy.slice(0, 60));
  assert.ok(legacy.endsWith(']]]])'));
  assert.ok(current.endsWith(']]]], shape=(10, 28, 28, 1))'));
  assert.equal(formatTuple(['a', 'b', 'c']), '(a, b, c)');
});

test('Dragon4 digits: shortest for the float width, cut-offs round half to even on the exact value', () => {
  assert.equal(formatScientific(Math.fround(0.1), 32, {}), '1.e-01');
  assert.equal(formatScientific(Math.fround(0.1), 64, {}), '1.0000000149011612e-01');
  assert.equal(formatPositional(0.001953125, 64, { precision: 8, trim: '.' }), '0.00195312');
  assert.equal(formatPositional(3 / 512, 64, { precision: 8, trim: '.' }), '0.00585938');
  assert.equal(formatPositional(9.999999999, 64, { precision: 8, trim: '.' }), '10.');
  assert.equal(formatPositional(-0, 64, { trim: '.', padLeft: 3, padRight: 2 }), ' -0.  ');
  assert.equal(formatScientific(1e-5, 64, { precision: 3, minDigits: 3, trim: 'k', expDigits: 3 }), '1.000e-005');
  // Below the last printed fraction digit (NumPy: np.format_float_positional(v, precision=8, trim='.')).
  const fixed8 = (v: number): string => formatPositional(v, 64, { precision: 8, trim: '.' });
  assert.deepEqual([1e-12, 6e-9, 4e-9, 5e-9, 0.999999996].map(fixed8), ['0.', '0.00000001', '0.', '0.00000001', '1.']);
  // Digits past the shortest ones are true digits of the float32 (np.format_float_scientific(..., min_digits=9)).
  assert.equal(formatScientific(Math.fround(0.1), 32, { precision: 9, minDigits: 9, trim: 'k' }), '1.000000015e-01');
});

test('random doubles: scalar str equals JavaScript shortest round-trip digits where both are positional', () => {
  // Independent check of the digit generator: JS Number#toString also prints shortest round-trip digits.
  let seed = 12345;
  const next = (): number => { seed = (Math.imul(seed, 1103515245) + 12345) >>> 0; return seed / 2 ** 32; };
  for (let i = 0; i < 2000; i++) {
    const x = (next() - 0.5) * 10 ** Math.floor(next() * 12 - 3);
    if (Math.abs(x) < 1e-4 || Math.abs(x) >= 1e16) continue;
    const js = String(x);
    const ours = formatArray(new Float64Array([x]), [], 'float64', 'str');
    assert.equal(ours, js.includes('.') ? js : js + '.0', `x = ${js}`);
  }
});
