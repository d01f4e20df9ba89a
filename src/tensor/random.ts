/**
 * NumPy's legacy random generator (np.random / RandomState on MT19937), reproduced bit for bit:
 * the same seed gives the same rand, randn, permutation, shuffle, randint, uniform and normal values as NumPy.
 *
 * Our results are the same on every JS engine (plain IEEE arithmetic). They equal NumPy's everywhere for the
 * integer and uniform streams. NumPy's gaussians call the C library's log(); glibcLog reproduces glibc's
 * (>= 2.28 on x86-64 with FMA, the usual Linux machine, where test/fixtures/random was recorded), so randn and
 * normal match NumPy there; NumPy on another libm (macOS, Windows, CPUs without FMA) may differ in a last bit.
 * Seeding, checked against NumPy's get_state(): an int uses init_genrand, an array init_by_array.
 */
import { Tensor } from './tensor.js';
import { assertValidShape, describe, formatShape, sizeOf } from './shape-util.js';
import { MT19937, MT_STATE_WORDS, TWO_POW_MINUS_53, maskFor } from './mt19937.js';
import { glibcLog } from './glibc-log.js';

/** A seed: an integer in [0, 2^32 - 1], or a non-empty list of them; undefined means "fresh entropy". */
export type Seed = number | ArrayLike<number> | undefined;
/** An output size: undefined for a plain number, an integer for a vector, or a shape. */
export type Size = number | readonly number[] | undefined;

/** The whole generator state, plain JSON: NumPy's get_state() tuple as named fields. */
export interface RandomStateSnapshot {
  algorithm: 'MT19937';
  key: number[];
  pos: number;
  has_gauss: 0 | 1;
  cached_gaussian: number;
}

const UINT32_MAX = 0xffffffff;
const TWO_POW_MINUS_52 = 2 ** -52;
const INT32_MIN = -(2 ** 31);
const INT32_MAX_EXCLUSIVE = 2 ** 31;

/** A private random stream with NumPy's legacy RandomState behaviour. */
export class RandomState {
  private readonly mt = new MT19937();
  private hasGauss = false;
  private cachedGauss = 0;

  constructor(seed?: Seed) {
    this.seed(seed);
  }

  /** np.random.seed: an integer uses init_genrand, an array init_by_array; both clear the cached gaussian. */
  seed(seed?: Seed): void {
    if (seed === undefined) {
      const words = new Uint32Array(MT_STATE_WORDS);
      globalThis.crypto.getRandomValues(words);
      this.mt.seedArray(words);
    } else if (typeof seed === 'number') {
      checkSeedWord(seed, 'seed');
      this.mt.seedInt(seed);
    } else if (isArrayLike(seed)) {
      if (seed.length === 0) throw new Error('seed: expected a non-empty array of integers, got an empty one');
      for (let i = 0; i < seed.length; i++) checkSeedWord(seed[i], `seed[${i}]`);
      this.mt.seedArray(seed);
    } else {
      throw new Error(`seed: expected an integer in [0, 2^32 - 1] or an array of them, got ${describe(seed)}`);
    }
    this.hasGauss = false;
    this.cachedGauss = 0;
  }

  /** np.random.rand(*dims): uniform doubles in [0, 1); a plain number when called without dims. */
  rand(): number;
  rand(...dims: number[]): Tensor;
  rand(...dims: number[]): number | Tensor {
    if (dims.length === 0) return this.mt.nextDouble();
    const out = new Float64Array(checkedSize(dims, 'dims'));
    this.fillUniform(out);
    return new Tensor(out, dims);
  }

  /** np.random.randn(*dims): standard normal doubles; a plain number when called without dims. */
  randn(): number;
  randn(...dims: number[]): Tensor;
  randn(...dims: number[]): number | Tensor {
    if (dims.length === 0) return this.gauss();
    const out = new Float64Array(checkedSize(dims, 'dims'));
    this.fillNormal(out);
    return new Tensor(out, dims);
  }

  /** np.random.uniform(low, high, size): low + (high - low) * random_sample(). */
  uniform(low = 0, high = 1, size?: Size): number | Tensor {
    checkFinite(low, 'low');
    checkFinite(high, 'high');
    const range = high - low;
    if (!Number.isFinite(range)) throw new Error(`high: high - low must be finite, got ${high} - ${low}`);
    if (size === undefined) return low + range * this.mt.nextDouble();
    const shape = sizeToShape(size);
    const out = new Float64Array(sizeOf(shape));
    for (let i = 0; i < out.length; i++) out[i] = low + range * this.mt.nextDouble();
    return new Tensor(out, shape);
  }

  /** np.random.normal(loc, scale, size): loc + scale * gauss. */
  normal(loc = 0, scale = 1, size?: Size): number | Tensor {
    checkFinite(loc, 'loc');
    checkFinite(scale, 'scale');
    if (scale < 0) throw new Error(`scale: expected a value >= 0, got ${scale}`);
    if (size === undefined) return loc + scale * this.gauss();
    const shape = sizeToShape(size);
    const out = new Float64Array(sizeOf(shape));
    this.fillNormal(out, loc, scale);
    return new Tensor(out, shape);
  }

  /**
   * np.random.randint(low, high, size): integers in [low, high) (or [0, low) without high), int32.
   * Masked rejection sampling on 32-bit draws, as the legacy generator does.
   */
  randint(low: number, high?: number, size?: Size): number | Tensor {
    if (high === undefined) {
      high = low;
      low = 0;
    }
    if (!Number.isInteger(low) || low < INT32_MIN || low >= INT32_MAX_EXCLUSIVE) {
      throw new Error(`low: expected an int32 integer, got ${describe(low)}`);
    }
    if (!Number.isInteger(high) || high <= INT32_MIN || high > INT32_MAX_EXCLUSIVE) {
      throw new Error(`high: expected an integer in (-2^31, 2^31], got ${describe(high)}`);
    }
    if (low >= high) throw new Error(`high: expected high > low, got low=${low}, high=${high}`);
    const span = high - low - 1; // largest offset, as NumPy's closed range
    if (size === undefined) return low + this.boundedOffset(span);
    const shape = sizeToShape(size);
    const out = new Int32Array(sizeOf(shape));
    for (let i = 0; i < out.length; i++) out[i] = low + this.boundedOffset(span);
    return new Tensor(out, shape);
  }

  /** np.random.permutation(n): a shuffled arange(n) as int32; given a tensor, a shuffled copy along axis 0. */
  permutation(n: number | Tensor): Tensor {
    if (n instanceof Tensor) {
      const copy = n.clone();
      this.shuffle(copy);
      return copy;
    }
    if (!Number.isInteger(n) || n < 0 || n >= INT32_MAX_EXCLUSIVE) {
      throw new Error(`n: expected a non-negative int32 integer or a Tensor, got ${describe(n)}`);
    }
    const out = new Int32Array(n);
    for (let i = 0; i < n; i++) out[i] = i;
    this.shuffleRows(out, n, 1);
    return new Tensor(out, [n]);
  }

  /** np.random.shuffle(x): shuffles a tensor in place along axis 0 (Fisher-Yates from the end). */
  shuffle(x: Tensor): void {
    if (!(x instanceof Tensor)) throw new Error(`x: expected a Tensor, got ${describe(x)}`);
    if (x.rank === 0) throw new Error('x: expected a tensor of rank >= 1, got a scalar (shape [])');
    const n = x.shape[0];
    this.shuffleRows(x.data, n, n === 0 ? 0 : x.size / n);
  }

  /**
   * Normal values with |z| <= 2 (values beyond two standard deviations are drawn again), scaled to
   * mean + stddev * z, like Keras' TruncatedNormal. Deterministic given the seed; not a NumPy function.
   */
  truncatedNormal(shape: readonly number[], mean = 0, stddev = 1, dtype: 'float32' | 'float64' = 'float64'): Tensor {
    assertValidShape(shape as number[], 'shape');
    checkFinite(mean, 'mean');
    checkFinite(stddev, 'stddev');
    if (stddev < 0) throw new Error(`stddev: expected a value >= 0, got ${stddev}`);
    const out = dtype === 'float32' ? new Float32Array(sizeOf(shape)) : new Float64Array(sizeOf(shape));
    for (let i = 0; i < out.length; i++) {
      let z: number;
      do z = this.gauss(); while (z > 2 || z < -2);
      out[i] = mean + stddev * z;
    }
    return new Tensor(out, shape);
  }

  /** Fills `out` with uniform [0, 1) values (the rand stream), without allocating. */
  fillUniform(out: Float64Array | Float32Array): void {
    const mt = this.mt;
    const words = mt.tempered;
    let p = mt.pos;
    for (let i = 0; i < out.length; i++) {
      if (p <= MT_STATE_WORDS - 2) {
        out[i] = ((words[p] >>> 5) * 67108864 + (words[p + 1] >>> 6)) * TWO_POW_MINUS_53;
        p += 2;
      } else {
        mt.pos = p;
        out[i] = mt.nextDouble();
        p = mt.pos;
      }
    }
    mt.pos = p;
  }

  /** Fills `out` with loc + scale * gauss (the randn stream), without allocating. */
  fillNormal(out: Float64Array | Float32Array, loc = 0, scale = 1): void {
    const n = out.length;
    let i = 0;
    if (n > 0 && this.hasGauss) out[i++] = loc + scale * this.gauss();
    // Pairs straight from the polar method, skipping the cache round trip. The uniforms are read from the
    // tempered block with a local position (the hot loop of randn); near the block's end, the generator's
    // own nextDouble crosses the twist.
    const mt = this.mt;
    const words = mt.tempered;
    let p = mt.pos;
    for (; i + 1 < n; i += 2) {
      let x1: number, x2: number, r2: number;
      do {
        if (p <= MT_STATE_WORDS - 4) {
          // 2u - 1 with u = (a * 2^26 + b) * 2^-53, computed exactly as one scaling.
          x1 = ((words[p] >>> 5) * 67108864 + (words[p + 1] >>> 6)) * TWO_POW_MINUS_52 - 1;
          x2 = ((words[p + 2] >>> 5) * 67108864 + (words[p + 3] >>> 6)) * TWO_POW_MINUS_52 - 1;
          p += 4;
        } else {
          mt.pos = p;
          x1 = 2 * mt.nextDouble() - 1;
          x2 = 2 * mt.nextDouble() - 1;
          p = mt.pos;
        }
        r2 = x1 * x1 + x2 * x2;
      } while (r2 >= 1 || r2 === 0);
      const f = Math.sqrt((-2 * glibcLog(r2)) / r2);
      out[i] = loc + scale * (f * x2);
      out[i + 1] = loc + scale * (f * x1);
    }
    mt.pos = p;
    if (i < n) out[i] = loc + scale * this.gauss();
  }

  /** NumPy's get_state() as a plain, JSON-serialisable object. */
  getState(): RandomStateSnapshot {
    return {
      algorithm: 'MT19937',
      key: this.mt.keyWords(),
      pos: this.mt.pos,
      has_gauss: this.hasGauss ? 1 : 0,
      cached_gaussian: this.cachedGauss,
    };
  }

  /** Restores a state from getState() (or NumPy's get_state() tuple fields). */
  setState(state: RandomStateSnapshot): void {
    if (state === null || typeof state !== 'object') {
      throw new Error(`state: expected an object from getState(), got ${describe(state)}`);
    }
    if (state.algorithm !== 'MT19937') {
      throw new Error(`state.algorithm: expected 'MT19937', got ${describe(state.algorithm)}`);
    }
    const key = state.key;
    if (!isArrayLike(key) || key.length !== MT_STATE_WORDS) {
      throw new Error(`state.key: expected ${MT_STATE_WORDS} uint32 words, got ${describe(key)}`);
    }
    for (let i = 0; i < MT_STATE_WORDS; i++) checkSeedWord(key[i], `state.key[${i}]`);
    if (!Number.isInteger(state.pos) || state.pos < 0 || state.pos > MT_STATE_WORDS) {
      throw new Error(`state.pos: expected an integer in [0, ${MT_STATE_WORDS}], got ${describe(state.pos)}`);
    }
    const hasGauss = state.has_gauss as unknown;
    if (hasGauss !== 0 && hasGauss !== 1 && hasGauss !== true && hasGauss !== false) {
      throw new Error(`state.has_gauss: expected 0 or 1, got ${describe(hasGauss)}`);
    }
    if (typeof state.cached_gaussian !== 'number' || !Number.isFinite(state.cached_gaussian)) {
      throw new Error(`state.cached_gaussian: expected a finite number, got ${describe(state.cached_gaussian)}`);
    }
    this.mt.setKey(key, state.pos);
    this.hasGauss = hasGauss === 1 || hasGauss === true;
    this.cachedGauss = state.cached_gaussian;
  }

  /** NumPy's legacy_gauss: polar Box-Muller; the second value of each pair is cached for the next call. */
  private gauss(): number {
    if (this.hasGauss) {
      const g = this.cachedGauss;
      this.hasGauss = false;
      this.cachedGauss = 0;
      return g;
    }
    const mt = this.mt;
    let x1: number, x2: number, r2: number;
    do {
      x1 = 2 * mt.nextDouble() - 1;
      x2 = 2 * mt.nextDouble() - 1;
      r2 = x1 * x1 + x2 * x2;
    } while (r2 >= 1 || r2 === 0);
    const f = Math.sqrt((-2 * glibcLog(r2)) / r2);
    this.cachedGauss = f * x1;
    this.hasGauss = true;
    return f * x2;
  }

  /** A uniform integer in [0, span] (span < 2^32) as random_bounded_uint64_fill does with masking. */
  private boundedOffset(span: number): number {
    if (span === 0) return 0;
    const mt = this.mt;
    if (span === UINT32_MAX) return mt.next32();
    const mask = maskFor(span);
    let value: number;
    while ((value = (mt.nextInt32() & mask) >>> 0) > span);
    return value;
  }

  /** Fisher-Yates over n rows of rowLength elements, drawing j = interval(i) for i = n-1 .. 1. */
  private shuffleRows(data: Float32Array | Float64Array | Int32Array, n: number, rowLength: number): void {
    const mt = this.mt;
    if (rowLength === 1) {
      for (let i = n - 1; i > 0; i--) {
        const j = mt.interval(i);
        const t = data[i];
        data[i] = data[j];
        data[j] = t;
      }
      return;
    }
    const row = data.slice(0, rowLength);
    for (let i = n - 1; i > 0; i--) {
      const j = mt.interval(i);
      if (i === j) continue;
      row.set(data.subarray(j * rowLength, (j + 1) * rowLength));
      data.copyWithin(j * rowLength, i * rowLength, (i + 1) * rowLength);
      data.set(row, i * rowLength);
    }
  }
}

function isArrayLike(x: unknown): x is ArrayLike<number> {
  return Array.isArray(x) || (ArrayBuffer.isView(x) && !(x instanceof DataView));
}

function checkSeedWord(x: unknown, argName: string): void {
  if (typeof x !== 'number' || !Number.isInteger(x) || x < 0 || x > UINT32_MAX) {
    throw new Error(`${argName}: expected an integer in [0, 2^32 - 1], got ${describe(x)}`);
  }
}

function checkFinite(x: unknown, argName: string): void {
  if (typeof x !== 'number' || !Number.isFinite(x)) throw new Error(`${argName}: expected a finite number, got ${describe(x)}`);
}

function checkedSize(dims: number[], argName: string): number {
  for (const d of dims) {
    if (typeof d !== 'number' || !Number.isInteger(d) || d < 0) {
      throw new Error(`${argName}: expected non-negative integers, got ${formatShape(dims.map((v) => (typeof v === 'number' ? v : NaN)))}`);
    }
  }
  assertValidShape(dims, argName);
  return sizeOf(dims);
}

function sizeToShape(size: number | readonly number[]): number[] {
  const shape = typeof size === 'number' ? [size] : Array.isArray(size) ? size.slice() : null;
  if (shape === null) throw new Error(`size: expected an integer or a shape, got ${describe(size)}`);
  checkedSize(shape, 'size');
  return shape;
}

// ---- the module's default stream: np.random.* ----

/** The stream behind the module-level functions, seeded from entropy like NumPy's until seed() is called. */
export const defaultStream = new RandomState();

export function seed(s?: Seed): void { defaultStream.seed(s); }
export function rand(): number;
export function rand(...dims: number[]): Tensor;
export function rand(...dims: number[]): number | Tensor { return defaultStream.rand(...dims); }
export function randn(): number;
export function randn(...dims: number[]): Tensor;
export function randn(...dims: number[]): number | Tensor { return defaultStream.randn(...dims); }
export function uniform(low = 0, high = 1, size?: Size): number | Tensor { return defaultStream.uniform(low, high, size); }
export function normal(loc = 0, scale = 1, size?: Size): number | Tensor { return defaultStream.normal(loc, scale, size); }
export function randint(low: number, high?: number, size?: Size): number | Tensor { return defaultStream.randint(low, high, size); }
export function permutation(n: number | Tensor): Tensor { return defaultStream.permutation(n); }
export function shuffle(x: Tensor): void { defaultStream.shuffle(x); }
export function truncatedNormal(shape: readonly number[], mean = 0, stddev = 1, dtype: 'float32' | 'float64' = 'float64'): Tensor {
  return defaultStream.truncatedNormal(shape, mean, stddev, dtype);
}
export function getState(): RandomStateSnapshot { return defaultStream.getState(); }
export function setState(state: RandomStateSnapshot): void { defaultStream.setState(state); }
