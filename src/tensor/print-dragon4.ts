/**
 * Decimal digits of binary floats, the way NumPy's Dragon4 produces them (Steele & White / Burger & Dybvig,
 * in Ryan Juckett's formulation as adapted by NumPy), computed exactly with BigInt.
 *
 * "Unique" mode: the shortest digit string that reads back as the same float of the given width (so a float32
 * gets float32 digits, e.g. 2.3144582e-16), optionally cut off after `cutoffMax` digits or padded to at least
 * `cutoffMin` digits with further true digits of the exact value. Ties round to the even digit, like NumPy.
 */

export type FloatWidth = 32 | 64;

/** Digits d0 d1 d2 … meaning 0.d0d1d2… × 10^(exponent + 1), i.e. `exponent` is the power of ten of d0. */
export interface DecimalDigits {
  digits: string;
  exponent: number;
}

/** How the digit cut-offs count: all significant digits, or digits after the decimal point. */
export type CutoffMode = 'total' | 'fraction';

/** value = mantissa · 2^exponent, with the facts Dragon4 needs about the neighbouring floats. */
interface BinaryFloat {
  mantissa: bigint;
  exponent: number;
  /** Index of the highest set bit of the mantissa. */
  mantissaBit: number;
  /** True at a power of two (not the smallest normal): the float below is half as far as the float above. */
  unequalMargins: boolean;
}

const view = new DataView(new ArrayBuffer(8));

/** Splits |x| (finite, nonzero) into mantissa and exponent for the given float width. */
function decompose(x: number, width: FloatWidth): BinaryFloat {
  let fraction: number;
  let biased: number;
  let fractionBits: number;
  let bias: number;
  if (width === 32) {
    view.setFloat32(0, x);
    const bits = view.getUint32(0);
    fraction = bits & 0x7fffff;
    biased = (bits >>> 23) & 0xff;
    fractionBits = 23;
    bias = 127;
  } else {
    view.setFloat64(0, x);
    const hi = view.getUint32(0);
    const lo = view.getUint32(4);
    fraction = (hi & 0xfffff) * 2 ** 32 + lo; // exact: 52 bits fit in a double
    biased = (hi >>> 20) & 0x7ff;
    fractionBits = 52;
    bias = 1023;
  }
  if (biased === 0) {
    // Subnormal: no hidden bit, the exponent of the smallest normal.
    const mantissa = BigInt(fraction);
    return { mantissa, exponent: 1 - bias - fractionBits, mantissaBit: mantissa.toString(2).length - 1, unequalMargins: false };
  }
  return {
    mantissa: BigInt(fraction) + (1n << BigInt(fractionBits)),
    exponent: biased - bias - fractionBits,
    mantissaBit: fractionBits,
    unequalMargins: biased !== 1 && fraction === 0,
  };
}

const LOG10_2 = 0.30102999566398119521373889472449;
/** Stands in for NumPy's output buffer length, which bounds the digits of any one number. */
const MAX_DIGITS = 16384;

/**
 * Digits of |x| (finite) in unique mode. `cutoffMax` < 0 means no cut-off, `cutoffMin` < 0 no minimum;
 * both count per `mode`.
 */
export function dragon4(x: number, width: FloatWidth, mode: CutoffMode, cutoffMax: number, cutoffMin: number): DecimalDigits {
  if (x === 0) return { digits: '0', exponent: 0 };
  const f = decompose(Math.abs(x), width);
  const isEven = (f.mantissa & 1n) === 0n;

  // Value = r / s; the half-gaps to the neighbouring floats are mLow / s and mHigh / s.
  const up = BigInt(Math.max(f.exponent, 0));
  const down = BigInt(Math.max(-f.exponent, 0));
  const extra = f.unequalMargins ? 2n : 1n;
  let r = (f.mantissa << up) << extra;
  let s = (1n << down) << extra;
  let mLow = 1n << up;
  const highFactor = f.unequalMargins ? 2n : 1n;

  // Estimate of floor(log10 v) + 1, low by at most one; same formula as NumPy so the clamp below agrees.
  let digitExponent = Math.ceil((f.mantissaBit + f.exponent) * LOG10_2 - 0.69);
  if (cutoffMax >= 0 && mode === 'fraction' && digitExponent <= -cutoffMax) digitExponent = -cutoffMax + 1;
  if (digitExponent > 0) s *= 10n ** BigInt(digitExponent);
  else if (digitExponent < 0) {
    const p = 10n ** BigInt(-digitExponent);
    r *= p;
    mLow *= p;
  }
  if (r >= s) digitExponent += 1;
  else {
    r *= 10n;
    mLow *= 10n;
  }

  let cutoffMaxExponent = digitExponent - MAX_DIGITS;
  if (cutoffMax >= 0) {
    const desired = mode === 'total' ? digitExponent - cutoffMax : -cutoffMax;
    if (desired > cutoffMaxExponent) cutoffMaxExponent = desired;
  }
  let cutoffMinExponent = digitExponent;
  if (cutoffMin >= 0) {
    const desired = mode === 'total' ? digitExponent - cutoffMin : -cutoffMin;
    if (desired < cutoffMinExponent) cutoffMinExponent = desired;
  }
  let outExponent = digitExponent - 1;

  const out: number[] = [];
  let digit: number;
  let low: boolean;
  let high: boolean;
  for (;;) {
    digitExponent -= 1;
    digit = Number(r / s);
    r %= s;
    const mHigh = mLow * highFactor;
    // On an even mantissa the interval's ends round back to x too (round-half-even reading).
    low = isEven ? r <= mLow : r < mLow;
    high = isEven ? r + mHigh >= s : r + mHigh > s;
    if (((low || high) && digitExponent <= cutoffMinExponent) || digitExponent === cutoffMaxExponent) break;
    out.push(digit);
    r *= 10n;
    mLow *= 10n;
  }

  // Round the last digit: down if only rounding down stays unique, else to nearest (ties to even).
  let roundDown = low;
  if (low === high) {
    const twice = r * 2n;
    roundDown = twice < s || (twice === s && (digit & 1) === 0);
  }
  if (roundDown) out.push(digit);
  else if (digit < 9) out.push(digit + 1);
  else {
    // Carry through trailing nines; all nines become a single 1 one decade up.
    while (out.length > 0 && out[out.length - 1] === 9) out.pop();
    if (out.length === 0) {
      out.push(1);
      outExponent += 1;
    } else out[out.length - 1] += 1;
  }
  return { digits: out.join(''), exponent: outExponent };
}
