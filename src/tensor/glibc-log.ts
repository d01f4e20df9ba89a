/**
 * The natural logarithm exactly as glibc (>= 2.28) computes it on x86-64 CPUs with FMA.
 *
 * Why: NumPy's legacy gauss (np.random.randn) calls the C library's log(), and V8's Math.log (fdlibm) disagrees
 * with glibc in the last bit for ~7% of inputs, which would break bit-for-bit agreement with NumPy.
 * glibc's log is table driven (128 intervals, Arm optimized-routines); its FMA build fuses most multiply-adds.
 * The order of operations below follows that machine code (`__ieee754_log_fma`), fused operation for fused
 * operation. JS has no FMA, so each run first evaluates the small correction terms with ordinary (twice-rounded)
 * arithmetic, which moves them by far less than an ulp of the result; only when that could change the final
 * rounding (about 1 call in 100) is the value recomputed with exactly emulated FMAs.
 */
import { GLIBC_LOG_DATA_HEX } from './glibc-log-data.js';

// ---- bit access to a double (module-level scratch so the hot path allocates nothing) ----
const scratchF64 = new Float64Array(1);
const scratchU32 = new Uint32Array(scratchF64.buffer);
const LITTLE_ENDIAN = new Uint8Array(new Uint16Array([1]).buffer)[0] === 1;
const HI = LITTLE_ENDIAN ? 1 : 0;
const LO = LITTLE_ENDIAN ? 0 : 1;

function fromWords(hi: number, lo: number): number {
  scratchU32[HI] = hi;
  scratchU32[LO] = lo;
  return scratchF64[0];
}

function fromHex(hex: string): number {
  return fromWords(parseInt(hex.slice(0, 8), 16), parseInt(hex.slice(8), 16));
}

// ---- constants (see glibc-log-data.ts for the layout) ----
const DATA = GLIBC_LOG_DATA_HEX.map(fromHex);
const LN2HI = DATA[0];
const LN2LO = DATA[1];
const A0 = DATA[2], A1 = DATA[3], A2 = DATA[4], A3 = DATA[5], A4 = DATA[6];
const B0 = DATA[7], B1 = DATA[8], B2 = DATA[9], B3 = DATA[10], B4 = DATA[11], B5 = DATA[12];
const B6 = DATA[13], B7 = DATA[14], B8 = DATA[15], B9 = DATA[16], B10 = DATA[17];
const TABLE_SIZE = 128;
const INVC = new Float64Array(TABLE_SIZE);
const LOGC = new Float64Array(TABLE_SIZE);
/** invc split into 26-bit halves once, for the exact product z * invc. */
const INVC_HI = new Float64Array(TABLE_SIZE);
const INVC_LO = new Float64Array(TABLE_SIZE);
const SPLITTER = 134217729; // 2^27 + 1: Veltkamp's constant for binary64
for (let i = 0; i < TABLE_SIZE; i++) {
  INVC[i] = DATA[18 + 2 * i];
  LOGC[i] = DATA[19 + 2 * i];
  const c = SPLITTER * INVC[i];
  INVC_HI[i] = c - (c - INVC[i]);
  INVC_LO[i] = INVC[i] - INVC_HI[i];
}
/** Inputs in [NEAR_ONE_LO, NEAR_ONE_HI) take the polynomial path around 1 (glibc's LO and HI). */
const NEAR_ONE_LO = 1 - 2 ** -4;
const NEAR_ONE_HI = 1 + 0x109 / 4096;
const TWO_POW_27 = 2 ** 27;
const TWO_POW_52 = 2 ** 52;
/** Relative size of the slack allowed for the unfused evaluation (each fused op differs by < 2^-52 relative). */
const SLACK = 2 ** -46;

/**
 * fma(a, b, c) = a * b + c rounded once, emulated exactly (Boldo & Melquiond, "Emulation of FMA and correctly
 * rounded sums: proved algorithms using rounding to odd", 2008). Valid while a * b neither overflows nor
 * underflows, which holds for every call in this file.
 */
export function fmaExact(a: number, b: number, c: number): number {
  // a * b = ph + pl exactly (Dekker's product with Veltkamp's splitting).
  const ph = a * b;
  let t = SPLITTER * a;
  const ah = t - (t - a);
  const al = a - ah;
  t = SPLITTER * b;
  const bh = t - (t - b);
  const bl = b - bh;
  const pl = ((ah * bh - ph) + ah * bl + al * bh) + al * bl;
  // c + ph = sh + sl exactly (Knuth's TwoSum).
  const sh = c + ph;
  const bv = sh - c;
  const sl = (c - (sh - bv)) + (ph - bv);
  return sh + addRoundToOdd(sl, pl);
}

/** x + y rounded to odd: when inexact, the neighbour of the two bracketing doubles whose last bit is 1. */
function addRoundToOdd(x: number, y: number): number {
  const s = x + y;
  const bv = s - x;
  const err = (x - (s - bv)) + (y - bv);
  if (err === 0) return s;
  scratchF64[0] = s;
  let lo = scratchU32[LO];
  if ((lo & 1) === 1) return s;
  let hi = scratchU32[HI];
  // s is even and inexact: step one ulp toward the exact value s + err (magnitude up if same sign).
  if ((s > 0) === (err > 0)) {
    lo = (lo + 1) >>> 0;
    if (lo === 0) hi = (hi + 1) >>> 0;
  } else {
    if (lo === 0) hi = (hi - 1) >>> 0;
    lo = (lo - 1) >>> 0;
  }
  return fromWords(hi, lo);
}

/** 2^j for j in [-POW2_BIAS, POW2_BIAS]: scaling by it is exact, cheaper than rebuilding z from its bits. */
const POW2_BIAS = 1100;
const POW2 = Float64Array.from({ length: 2 * POW2_BIAS + 1 }, (_, j) => 2 ** (j - POW2_BIAS));

/**
 * log(x) as glibc computes it, bit for bit. The common path (x away from 1) is kept small enough for V8 to inline
 * into hot loops; x near 1, special values and the exact recomputations are separate functions.
 */
export function glibcLog(x: number): number {
  if (x >= NEAR_ONE_LO && x < NEAR_ONE_HI) return logNearOne(x);
  if (!(x >= 2.2250738585072014e-308 && x < Infinity)) return logSpecial(x);
  // x = 2^k z with z in [0.6875, 1.375); log(x) = log1p(z / c - 1) + log(c) + k ln2, c from the table.
  scratchF64[0] = x;
  const tmpHi = (scratchU32[HI] - 0x3fe60000) | 0; // high word of ix - OFF (OFF's low word is 0)
  const i = (tmpHi >>> 13) & (TABLE_SIZE - 1);
  const kd = tmpHi >> 20;
  return logTable(x * POW2[POW2_BIAS - kd], kd, i);
}

/** Zero, subnormal, negative, infinite or NaN input. */
function logSpecial(x: number): number {
  if (x === 0) return -Infinity;
  if (x === Infinity) return Infinity;
  if (!(x > 0)) return NaN;
  // Subnormal: glibc scales by 2^52 and takes 52 off the exponent.
  const scaled = x * TWO_POW_52;
  scratchF64[0] = scaled;
  const tmpHi = ((scratchU32[HI] - (52 << 20)) - 0x3fe60000) | 0;
  const i = (tmpHi >>> 13) & (TABLE_SIZE - 1);
  const kd = tmpHi >> 20;
  return logTable(scaled * POW2[POW2_BIAS - kd - 52], kd, i); // 2^-kd alone would overflow
}

/** log(x) for x near 1: r = x - 1, log(x) = r - r^2/2 + r^3 * poly(r), with r^2/2 split exactly. */
function logNearOne(x: number): number {
  if (x === 1) return 0;
  const r = x - 1;
  const r2 = r * r;
  const r3 = r * r2;
  // rhi: r rounded to 26 bits, so rhi * rhi is exact; the products with 2^27 and B0 = -0.5 are exact too,
  // so glibc's fused operations on them equal the plain ones.
  const rw = r * TWO_POW_27;
  const rhi = (r + rw) - rw;
  const rhi2 = rhi * rhi;
  const hi = r + rhi2 * B0;
  const lo = (r - hi) + rhi2 * B0;
  const m = B0 * (r - rhi);
  const rs = rhi + r;
  // Unfused evaluation of the fused tail.
  const a1 = r2 * B3 + (r * B2 + B1);
  const a2 = r2 * B6 + (r * B5 + B4);
  const a3 = r3 * B10 + (r2 * B9 + (r * B8 + B7));
  const mrs = m * rs;
  const pr = ((a3 * r3 + a2) * r3 + a1) * r3;
  const tail = pr + (mrs + lo);
  const y = hi + tail;
  const slack = (Math.abs(mrs) + Math.abs(lo) + Math.abs(pr)) * SLACK;
  if (hi + (tail + slack) === y && hi + (tail - slack) === y) return y;
  return nearOneExactTail(r, r2, r3, m, rs, lo) + hi;
}

/** The main path for z = x / 2^k in table interval i. */
function logTable(z: number, kd: number, i: number): number {
  const invc = INVC[i];
  // r = fma(z, invc, -1): z * invc = p + e exactly, and p - 1 is exact (p is within 1% of 1).
  const p = z * invc;
  const c = SPLITTER * z;
  const zh = c - (c - z);
  const zl = z - zh;
  const e = ((zh * INVC_HI[i] - p) + zh * INVC_LO[i] + zl * INVC_HI[i]) + zl * INVC_LO[i];
  const r = (p - 1) + e;
  const w = kd * LN2HI + LOGC[i]; // kd * LN2HI is exact (LN2HI ends in 11 zero bits), so fused == unfused
  const hi = w + r;
  const base = (w - hi) + r;
  const r2 = r * r;
  const r3 = r * r2;
  // Unfused evaluation of glibc's fused tail: lo, then t = r2*A0 + lo + r3*((r*A4 + A3)*r2 + (r*A2 + A1)).
  const kl = kd * LN2LO;
  const lo = kl + base;
  const rq = r3 * ((r * A4 + A3) * r2 + (r * A2 + A1));
  const t = rq + (r2 * A0 + lo);
  const y = t + hi;
  const slack = (Math.abs(kl) + Math.abs(lo) + r2 + Math.abs(rq)) * SLACK;
  if ((t + slack) + hi === y && (t - slack) + hi === y) return y;
  return mainExactTail(kd, base, r, r2, r3) + hi;
}

/** glibc's fused tail of the main path, with exact FMAs in its order: near a rounding boundary only. */
function mainExactTail(kd: number, base: number, r: number, r2: number, r3: number): number {
  const lo = fmaExact(kd, LN2LO, base);
  const p1 = fmaExact(r, A2, A1);
  const p2 = fmaExact(r, A4, A3);
  const s = fmaExact(r2, A0, lo);
  const q = fmaExact(p2, r2, p1);
  return fmaExact(r3, q, s);
}

/** glibc's fused tail of the near-one path, with exact FMAs in its order. */
function nearOneExactTail(r: number, r2: number, r3: number, m: number, rs: number, lo: number): number {
  const a1 = fmaExact(r2, B3, fmaExact(r, B2, B1));
  const a2 = fmaExact(r2, B6, fmaExact(r, B5, B4));
  const a3 = fmaExact(r3, B10, fmaExact(r2, B9, fmaExact(r, B8, B7)));
  const poly = fmaExact(fmaExact(a3, r3, a2), r3, a1);
  return fmaExact(poly, r3, fmaExact(m, rs, lo));
}
