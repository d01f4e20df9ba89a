/**
 * NumPy's format_float_positional / format_float_scientific (unique digit mode, sign '-') on top of Dragon4:
 * trimming of trailing zeros, padding to align decimal points, exponents of at least two digits.
 */
import { CutoffMode, FloatWidth, dragon4 } from './print-dragon4.js';

/**
 * What happens to trailing zeros:
 * 'k' keep them (and pad with zeros up to minDigits), '.' trim zeros but keep the point (`1.`),
 * '0' trim but leave one zero (`1.0`), '-' trim zeros and the point (`1`).
 */
export type Trim = 'k' | '.' | '0' | '-';

export interface FloatFormatOptions {
  /** Maximum digits after the point (positional) or of the mantissa's fraction (scientific); -1: no limit. */
  precision: number;
  /** Minimum digits, counted like `precision`; -1: none. */
  minDigits: number;
  trim: Trim;
  /** Pad with spaces on the left until this many characters precede the decimal point (sign included). */
  padLeft: number;
  /** Positional only: pad with spaces on the right until this many characters follow the point. */
  padRight: number;
  /** Scientific only: pad the exponent with zeros to at least this many digits (-1: 2). */
  expDigits: number;
}

const DEFAULTS: FloatFormatOptions = { precision: -1, minDigits: -1, trim: 'k', padLeft: -1, padRight: -1, expDigits: -1 };

function signOf(x: number): string {
  return x < 0 || Object.is(x, -0) ? '-' : '';
}

/** After rounding, zeros may trail: drop them as the trim mode says. Returns [text, fraction digit count]. */
function trimFraction(text: string, fractionDigits: number, trim: Trim): [string, number] {
  if (trim === 'k' || fractionDigits === 0) return [text, fractionDigits];
  while (text.endsWith('0')) {
    text = text.slice(0, -1);
    fractionDigits--;
  }
  if (text.endsWith('.')) {
    if (trim === '0') {
      text += '0';
      fractionDigits++;
    } else if (trim === '-') text = text.slice(0, -1);
  }
  return [text, fractionDigits];
}

/** Positional notation `ddd.ddd`; `precision` and `minDigits` count digits after the point. */
export function formatPositional(x: number, width: FloatWidth, options: Partial<FloatFormatOptions> = {}): string {
  const o = { ...DEFAULTS, ...options };
  const sign = signOf(x);
  const mode: CutoffMode = 'fraction';
  const { digits, exponent } = dragon4(x, width, mode, o.precision, o.minDigits);

  let body: string;
  let wholeDigits: number;
  let fractionDigits: number;
  if (exponent >= 0) {
    wholeDigits = exponent + 1;
    if (digits.length <= wholeDigits) {
      body = digits + '0'.repeat(wholeDigits - digits.length);
      fractionDigits = 0;
    } else {
      body = digits.slice(0, wholeDigits) + '.' + digits.slice(wholeDigits);
      fractionDigits = digits.length - wholeDigits;
    }
  } else {
    wholeDigits = 1;
    const zeros = -(exponent + 1);
    body = '0.' + '0'.repeat(zeros) + digits;
    fractionDigits = zeros + digits.length;
  }
  if (o.trim !== '-' && fractionDigits === 0) body += '.';

  const wanted = Math.max(o.minDigits, 0);
  if (o.trim === '0' && fractionDigits === 0) {
    body += '0';
    fractionDigits = 1;
  } else if (o.trim === 'k' && wanted > fractionDigits) {
    body += '0'.repeat(wanted - fractionDigits);
    fractionDigits = wanted;
  }
  [body, fractionDigits] = trimFraction(body, fractionDigits, o.trim);

  if (o.padRight >= fractionDigits) {
    // With the point trimmed away, a space holds its place.
    if (o.trim === '-' && fractionDigits === 0) body += ' ';
    body += ' '.repeat(o.padRight - fractionDigits);
  }
  const text = sign + body;
  const left = wholeDigits + sign.length;
  return o.padLeft > left ? ' '.repeat(o.padLeft - left) + text : text;
}

/** Scientific notation `d.ddde+XX`; `precision` and `minDigits` count the mantissa's fraction digits. */
export function formatScientific(x: number, width: FloatWidth, options: Partial<FloatFormatOptions> = {}): string {
  const o = { ...DEFAULTS, ...options };
  const sign = signOf(x);
  const { digits, exponent } = dragon4(
    x, width, 'total', o.precision < 0 ? -1 : o.precision + 1, o.minDigits < 0 ? -1 : o.minDigits + 1);

  let body = digits[0];
  let fractionDigits = digits.length - 1;
  if (fractionDigits > 0) body += '.' + digits.slice(1);
  else if (o.trim !== '-') body += '.';

  const wanted = Math.max(o.minDigits, 0);
  if (o.trim === '0' && fractionDigits === 0) {
    body += '0';
    fractionDigits = 1;
  } else if (o.trim === 'k' && wanted > fractionDigits) {
    body += '0'.repeat(wanted - fractionDigits);
    fractionDigits = wanted;
  }
  // NumPy keeps the point here even in '-' mode once fraction digits were printed and trimmed.
  [body, fractionDigits] = trimFraction(body, fractionDigits, o.trim === '-' ? '.' : o.trim);

  const expDigits = o.expDigits < 0 ? 2 : Math.min(o.expDigits, 5);
  const expText = String(Math.abs(exponent)).padStart(expDigits, '0');
  const text = sign + body + 'e' + (exponent >= 0 ? '+' : '-') + expText;
  const left = 1 + sign.length;
  return o.padLeft > left ? ' '.repeat(o.padLeft - left) + text : text;
}
