/**
 * The Mersenne Twister MT19937 as NumPy's legacy RandomState drives it: 624 words of state, a position,
 * seeding by one 32-bit integer (init_genrand) or by an array of them (init_by_array).
 */
export const MT_STATE_WORDS = 624;
const SHIFT_M = 397;
const MATRIX_A = 0x9908b0df | 0;
const UPPER_MASK = 0x80000000 | 0;
const LOWER_MASK = 0x7fffffff;
/** Multiplying by 2^-53 is exact, so it equals NumPy's division by 9007199254740992. */
export const TWO_POW_MINUS_53 = 2 ** -53;
const TEMPER_B = 0x9d2c5680 | 0;
const TEMPER_C = 0xefc60000 | 0;

export class MT19937 {
  /**
   * The state words (as int32 bit patterns: V8 keeps int32 unboxed, uint32 above 2^31 would become doubles);
   * `pos` is the next word to hand out, MT_STATE_WORDS means "twist first".
   */
  readonly key = new Int32Array(MT_STATE_WORDS);
  pos = MT_STATE_WORDS;
  /**
   * key[i] tempered, computed for the whole block at once after each twist (or when the key is set).
   * Hot loops may read tempered[pos], tempered[pos + 1] directly while pos + 1 < MT_STATE_WORDS, then store pos:
   * the array object never changes.
   */
  readonly tempered = new Int32Array(MT_STATE_WORDS);

  /** NumPy's mt19937_seed: what np.random.seed(int) uses. */
  seedInt(seed: number): void {
    const key = this.key;
    let s = seed | 0;
    for (let i = 0; i < MT_STATE_WORDS; i++) {
      key[i] = s;
      s = (Math.imul(1812433253, s ^ (s >>> 30)) + i + 1) | 0;
    }
    this.pos = MT_STATE_WORDS;
  }

  /** NumPy's mt19937_init_by_array: what np.random.seed(array) uses. */
  seedArray(initKey: ArrayLike<number>): void {
    const mt = this.key;
    const n = MT_STATE_WORDS;
    const len = initKey.length;
    this.seedInt(19650218);
    let i = 1;
    let j = 0;
    for (let k = Math.max(n, len); k > 0; k--) {
      const prev = mt[i - 1];
      mt[i] = ((mt[i] ^ Math.imul(prev ^ (prev >>> 30), 1664525)) + (initKey[j] | 0) + j) | 0;
      i++;
      j++;
      if (i >= n) {
        mt[0] = mt[n - 1];
        i = 1;
      }
      if (j >= len) j = 0;
    }
    for (let k = n - 1; k > 0; k--) {
      const prev = mt[i - 1];
      mt[i] = ((mt[i] ^ Math.imul(prev ^ (prev >>> 30), 1566083941)) - i) | 0;
      i++;
      if (i >= n) {
        mt[0] = mt[n - 1];
        i = 1;
      }
    }
    mt[0] = 0x80000000 | 0; // guarantees a non-zero state
  }

  /** Sets the raw state (NumPy's get_state key and pos). */
  setKey(words: ArrayLike<number>, pos: number): void {
    for (let i = 0; i < MT_STATE_WORDS; i++) this.key[i] = words[i] | 0;
    this.pos = pos;
    this.temperAll();
  }

  /** The state words as unsigned integers, as NumPy shows them. */
  keyWords(): number[] {
    return Array.from(this.key, (w) => w >>> 0);
  }

  /** Regenerates all 624 words (the "twist") and tempers each new word in the same pass. */
  private twist(): void {
    const key = this.key;
    const out = this.tempered;
    const n = MT_STATE_WORDS;
    let i = 0;
    for (; i < n - SHIFT_M; i++) {
      const y = (key[i] & UPPER_MASK) | (key[i + 1] & LOWER_MASK);
      const k = key[i + SHIFT_M] ^ (y >>> 1) ^ ((0 - (y & 1)) & MATRIX_A);
      key[i] = k;
      out[i] = temper(k);
    }
    for (; i < n - 1; i++) {
      const y = (key[i] & UPPER_MASK) | (key[i + 1] & LOWER_MASK);
      const k = key[i + SHIFT_M - n] ^ (y >>> 1) ^ ((0 - (y & 1)) & MATRIX_A);
      key[i] = k;
      out[i] = temper(k);
    }
    const y = (key[n - 1] & UPPER_MASK) | (key[0] & LOWER_MASK);
    const k = key[SHIFT_M - 1] ^ (y >>> 1) ^ ((0 - (y & 1)) & MATRIX_A);
    key[n - 1] = k;
    out[n - 1] = temper(k);
    this.pos = 0;
  }

  private temperAll(): void {
    for (let i = 0; i < MT_STATE_WORDS; i++) this.tempered[i] = temper(this.key[i]);
  }

  /** The next tempered 32-bit output as an int32 bit pattern (cheapest form; `>>> 0` gives NumPy's value). */
  nextInt32(): number {
    if (this.pos >= MT_STATE_WORDS) this.twist();
    return this.tempered[this.pos++];
  }

  /** The next tempered 32-bit output, as a non-negative number. */
  next32(): number {
    return this.nextInt32() >>> 0;
  }

  /** A double in [0, 1) from 53 random bits: 27 from one draw, 26 from the next (random_sample). */
  nextDouble(): number {
    const p = this.pos;
    if (p < MT_STATE_WORDS - 1) {
      // Both words are in the current block: the common case, kept small so callers inline it.
      const t = this.tempered;
      this.pos = p + 2;
      return ((t[p] >>> 5) * 67108864 + (t[p + 1] >>> 6)) * TWO_POW_MINUS_53;
    }
    const a = this.nextInt32() >>> 5;
    const b = this.nextInt32() >>> 6;
    return (a * 67108864 + b) * TWO_POW_MINUS_53;
  }

  /** A uniform integer in [0, max] (max < 2^32) by masked rejection (NumPy's random_interval, used by shuffle). */
  interval(max: number): number {
    if (max === 0) return 0;
    const mask = maskFor(max);
    let value: number;
    while ((value = (this.nextInt32() & mask) >>> 0) > max);
    return value;
  }
}

/** MT19937's output tempering of one state word (int32 in, int32 out). */
function temper(y: number): number {
  y ^= y >>> 11;
  y ^= (y << 7) & TEMPER_B;
  y ^= (y << 15) & TEMPER_C;
  return y ^ (y >>> 18);
}

/** The smallest 2^k - 1 that is >= n (n < 2^32). */
export function maskFor(n: number): number {
  let m = n >>> 0;
  m |= m >>> 1;
  m |= m >>> 2;
  m |= m >>> 4;
  m |= m >>> 8;
  m |= m >>> 16;
  return m >>> 0;
}
