/**
 * Element formatters for array printing, after NumPy's FloatingFormat and IntegerFormat with default print
 * options (precision 8, floatmode 'maxprec', sign '-', suppress False): one pass over the elements that will be
 * shown fixes notation and padding, so that every element then prints at the same width.
 */
import type { DType } from './dtype.js';
import type { FloatWidth } from './print-dragon4.js';
import { Trim, formatPositional, formatScientific } from './print-float.js';

export const PRECISION = 8;

export type ElementFormatter = (x: number) => string;

/** NumPy's print-compatibility level as a number (2.2 -> 202); Infinity means current behaviour. */
export type LegacyLevel = number;

export function elementFormatter(shown: ArrayLike<number>, dtype: DType, legacy: LegacyLevel): ElementFormatter {
  return dtype === 'int32' ? integerFormatter(shown) : floatFormatter(shown, dtype === 'float32' ? 32 : 64, legacy);
}

/** Integers right-aligned to the widest of the largest and smallest shown value. */
function integerFormatter(shown: ArrayLike<number>): ElementFormatter {
  let max = -Infinity;
  let min = Infinity;
  for (let i = 0; i < shown.length; i++) {
    max = Math.max(max, shown[i]);
    min = Math.min(min, shown[i]);
  }
  const width = shown.length > 0 ? Math.max(String(max).length, String(min).length) : 0;
  return (x) => String(x).padStart(width, ' ');
}

/** Notation and padding chosen from the shown values, as NumPy's FloatingFormat.fillFormat does. */
function floatFormatter(shown: ArrayLike<number>, width: FloatWidth, legacy: LegacyLevel): ElementFormatter {
  const finite: number[] = [];
  let hasNegInf = false;
  for (let i = 0; i < shown.length; i++) {
    const x = shown[i];
    if (Number.isFinite(x)) finite.push(x);
    else if (x === -Infinity) hasNegInf = true;
  }

  let maxAbs = 0;
  let minAbs = Infinity;
  for (const x of finite) {
    if (x === 0) continue;
    maxAbs = Math.max(maxAbs, Math.abs(x));
    minAbs = Math.min(minAbs, Math.abs(x));
  }
  // Since NumPy 2.3 the upper cut-off follows the type's decimal precision (6 digits for float32, 15 for float64).
  const cutoffMax = legacy <= 202 ? 1e8 : 10 ** Math.min(8, width === 32 ? 6 : 15);
  // NumPy compares float32 data in float32: the cut-off 1e-4 and the ratio max/min are float32 values.
  const round = width === 32 ? Math.fround : (v: number) => v;
  const scientific = maxAbs > 0 &&
    (maxAbs >= cutoffMax || minAbs < round(1e-4) || round(maxAbs / minAbs) > 1e3);

  let precision = PRECISION;
  let minDigits = -1;
  let trim: Trim = '.';
  let padLeft = 0;
  let padRight = 0;
  let expDigits = -1;
  if (finite.length > 0 && scientific) {
    // First pass: shortest digits (at most 8 after the point) fix the common precision and exponent width.
    let intWidth = 0;
    let fracWidth = 0;
    for (const x of finite) {
      const [mantissa, exponent] = formatScientific(x, width, { precision: PRECISION, trim: '.' }).split('e');
      const [intPart, fracPart] = mantissa.split('.');
      intWidth = Math.max(intWidth, intPart.length);
      fracWidth = Math.max(fracWidth, fracPart.length);
      expDigits = Math.max(expDigits, exponent.length - 1);
    }
    // Then every element gets exactly that many fraction digits (true digits, not zero padding).
    precision = minDigits = fracWidth;
    trim = 'k';
    padLeft = intWidth;
    padRight = expDigits + 2 + fracWidth;
  } else if (finite.length > 0) {
    for (const x of finite) {
      const [intPart, fracPart] = formatPositional(x, width, { precision: PRECISION, trim: '.' }).split('.');
      padLeft = Math.max(padLeft, intPart.length);
      padRight = Math.max(padRight, fracPart.length);
    }
    minDigits = 0;
  }
  if (finite.length !== shown.length) {
    // Room for 'nan' / 'inf' / '-inf' right-aligned with the numbers.
    const offset = padRight + 1;
    padLeft = Math.max(padLeft, 3 - offset, 3 + (hasNegInf ? 1 : 0) - offset);
  }

  return (x) => {
    if (!Number.isFinite(x)) {
      const text = Number.isNaN(x) ? 'nan' : x < 0 ? '-inf' : 'inf';
      return ' '.repeat(Math.max(0, padLeft + padRight + 1 - text.length)) + text;
    }
    return scientific
      ? formatScientific(x, width, { precision, minDigits, trim, padLeft, expDigits })
      : formatPositional(x, width, { precision, minDigits, trim, padLeft, padRight });
  };
}

/**
 * str() of a NumPy scalar, which is what str() of a 0-d array prints: all shortest digits, positional from
 * 1e-4 up to 1e16 (`1.5`, `0.0`), scientific outside it (`1e-05`, `1.5e+16`). Since NumPy 2.3 a float32
 * already turns scientific at 1e6, like its arrays.
 */
export function formatScalar(x: number, dtype: DType, legacy: LegacyLevel): string {
  if (dtype === 'int32') return String(x);
  if (Number.isNaN(x)) return 'nan';
  if (!Number.isFinite(x)) return x < 0 ? '-inf' : 'inf';
  const width: FloatWidth = dtype === 'float32' ? 32 : 64;
  const upper = width === 32 && legacy > 202 ? 1e6 : 1e16;
  const abs = Math.abs(x);
  if (abs === 0 || (abs >= 1e-4 && abs < upper)) return formatPositional(x, width, { trim: '0' });
  return formatScientific(x, width, { trim: '-' });
}
