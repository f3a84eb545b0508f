/**
 * The 32-bit Mersenne Twister (Matsumoto and Nishimura's mt19937ar): the engine under CPython's
 * `random`, NumPy's legacy `RandomState` and PyTorch's CPU generator. Each seeds it its own way
 * (`init_by_array` for CPython, `init_genrand` for NumPy's and PyTorch's 32-bit seeds) and turns
 * its words into numbers its own way; the word stream itself is the same, bit for bit.
 */
const N = 624;
const M = 397;
const MATRIX_A = 0x9908b0df;
const UPPER_MASK = 0x80000000;
const LOWER_MASK = 0x7fffffff;

export class MT19937 {
  private readonly mt = new Uint32Array(N);
  private index = N + 1;

  /** mt19937ar's `init_genrand`: the seed's low 32 bits. */
  static fromSeed(seed: number): MT19937 {
    const engine = new MT19937();
    engine.initGenrand(seed);
    return engine;
  }

  /** mt19937ar's `init_by_array`: every word of the key counts (CPython seeds so from an int). */
  static fromKey(key: ArrayLike<number>): MT19937 {
    const engine = new MT19937();
    engine.initGenrand(19650218);
    const mt = engine.mt;
    let i = 1;
    let j = 0;
    for (let k = Math.max(N, key.length); k > 0; k--) {
      const prev = mt[i - 1]! ^ (mt[i - 1]! >>> 30);
      mt[i] = ((mt[i]! ^ Math.imul(prev, 1664525)) + key[j]! + j) >>> 0;
      i++;
      j++;
      if (i >= N) { mt[0] = mt[N - 1]!; i = 1; }
      if (j >= key.length) j = 0;
    }
    for (let k = N - 1; k > 0; k--) {
      const prev = mt[i - 1]! ^ (mt[i - 1]! >>> 30);
      mt[i] = ((mt[i]! ^ Math.imul(prev, 1566083941)) - i) >>> 0;
      i++;
      if (i >= N) { mt[0] = mt[N - 1]!; i = 1; }
    }
    mt[0] = 0x80000000; // the key's words never all vanish from the state
    return engine;
  }

  private initGenrand(seed: number): void {
    const mt = this.mt;
    mt[0] = seed >>> 0;
    for (let i = 1; i < N; i++) {
      const prev = mt[i - 1]! ^ (mt[i - 1]! >>> 30);
      mt[i] = (Math.imul(prev, 1812433253) + i) >>> 0;
    }
    this.index = N;
  }

  /** The next 32-bit word, as an unsigned number. */
  next32(): number {
    const mt = this.mt;
    if (this.index >= N) {
      let kk = 0;
      for (; kk < N - M; kk++) {
        const y = (mt[kk]! & UPPER_MASK) | (mt[kk + 1]! & LOWER_MASK);
        mt[kk] = mt[kk + M]! ^ (y >>> 1) ^ (y & 1 ? MATRIX_A : 0);
      }
      for (; kk < N - 1; kk++) {
        const y = (mt[kk]! & UPPER_MASK) | (mt[kk + 1]! & LOWER_MASK);
        mt[kk] = mt[kk + (M - N)]! ^ (y >>> 1) ^ (y & 1 ? MATRIX_A : 0);
      }
      const y = (mt[N - 1]! & UPPER_MASK) | (mt[0]! & LOWER_MASK);
      mt[N - 1] = mt[M - 1]! ^ (y >>> 1) ^ (y & 1 ? MATRIX_A : 0);
      this.index = 0;
    }
    let y = mt[this.index++]!;
    y ^= y >>> 11;
    y ^= (y << 7) & 0x9d2c5680;
    y ^= (y << 15) & 0xefc60000;
    y ^= y >>> 18;
    return y >>> 0;
  }

  /** A double in [0, 1) from two words, 53 random bits (CPython's `random()`, NumPy's `random_sample`). */
  nextDouble53(): number {
    const a = this.next32() >>> 5;
    const b = this.next32() >>> 6;
    return (a * 67108864 + b) / 9007199254740992;
  }

  /** The state as CPython's `getstate()` holds it: 624 words and the position. */
  state(): { readonly words: readonly number[]; readonly position: number } {
    return { words: Array.from(this.mt), position: this.index };
  }

  /** Restores what `state()` returned. */
  restore(state: { readonly words: readonly number[]; readonly position: number }): void {
    if (state.words.length !== N || state.position < 0 || state.position > N) {
      throw new RangeError(`a Mersenne Twister state is ${N} words and a position in [0, ${N}]`);
    }
    this.mt.set(state.words);
    this.index = state.position;
  }

  copy(): MT19937 {
    const twin = new MT19937();
    twin.restore(this.state());
    return twin;
  }
}
