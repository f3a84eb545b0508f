/**
 * NumPy's bit generators as its distributions see them (next_uint32, next_uint64, next_double):
 * MT19937 under the legacy `RandomState`, and PCG64 seeded through a `SeedSequence` under
 * `default_rng`. Sources: numpy/random/_mt19937.pyx, _pcg64.pyx, src/pcg64/pcg64.h,
 * bit_generator.pyx (NumPy 1.24).
 */
import { MT19937 } from '../mt19937';

export interface NumpyBitGenerator {
  nextUint32(): number;
  nextUint64(): bigint;
  /** 53 random bits in [0, 1). */
  nextDouble(): number;
}

/** `RandomState`'s MT19937: next_uint64 is two words, the first the high half. */
export class NumpyMT19937 implements NumpyBitGenerator {
  constructor(public engine: MT19937) {}

  /** `RandomState(seed)` for an int seed below 2^32: mt19937ar's init_genrand. */
  static fromSeed(seed: number): NumpyMT19937 {
    return new NumpyMT19937(MT19937.fromSeed(seed));
  }

  /** A seed given as a 1-d array of 32-bit words: init_by_array. */
  static fromKey(key: readonly number[]): NumpyMT19937 {
    return new NumpyMT19937(MT19937.fromKey(key));
  }

  nextUint32(): number {
    return this.engine.next32();
  }

  nextUint64(): bigint {
    const hi = this.engine.next32();
    return (BigInt(hi) << 32n) | BigInt(this.engine.next32());
  }

  nextDouble(): number {
    return this.engine.nextDouble53();
  }
}

const INIT_A = 0x43b0d7e5;
const MULT_A = 0x931e8875;
const INIT_B = 0x8b51f9dd;
const MULT_B = 0x58f38ded;
const MIX_MULT_L = 0xca01f9dd;
const MIX_MULT_R = 0x4973f715;
const POOL_SIZE = 4;

/** A non-negative int as 32-bit words, lowest first (0 is one word). */
export function uint32Words(n: bigint): number[] {
  if (n < 0n) throw new RangeError('expected non-negative integer');
  if (n === 0n) return [0];
  const words: number[] = [];
  for (; n > 0n; n >>= 32n) words.push(Number(n & 0xffffffffn));
  return words;
}

/**
 * `SeedSequence(entropy)`: the entropy words hashed into a pool of four, from which
 * `generateState` draws as many words as a bit generator needs.
 */
export class SeedSequence {
  private readonly pool: number[];

  constructor(entropy: readonly number[]) {
    const pool = new Array<number>(POOL_SIZE).fill(0);
    let hashConst = INIT_A;
    const hashmix = (value: number): number => {
      value = (value ^ hashConst) >>> 0;
      hashConst = Math.imul(hashConst, MULT_A) >>> 0;
      value = Math.imul(value, hashConst) >>> 0;
      return (value ^ (value >>> 16)) >>> 0;
    };
    const mix = (x: number, y: number): number => {
      const r = (Math.imul(MIX_MULT_L, x) - Math.imul(MIX_MULT_R, y)) >>> 0;
      return (r ^ (r >>> 16)) >>> 0;
    };
    for (let i = 0; i < POOL_SIZE; i++) pool[i] = hashmix(i < entropy.length ? entropy[i]! : 0);
    for (let src = 0; src < POOL_SIZE; src++) {
      for (let dst = 0; dst < POOL_SIZE; dst++) if (src !== dst) pool[dst] = mix(pool[dst]!, hashmix(pool[src]!));
    }
    for (let src = POOL_SIZE; src < entropy.length; src++) {
      for (let dst = 0; dst < POOL_SIZE; dst++) pool[dst] = mix(pool[dst]!, hashmix(entropy[src]!));
    }
    this.pool = pool;
  }

  /** `generate_state(n, np.uint32)`. */
  generateState32(n: number): number[] {
    let hashConst = INIT_B;
    const out: number[] = [];
    for (let i = 0; i < n; i++) {
      let v = (this.pool[i % POOL_SIZE]! ^ hashConst) >>> 0;
      hashConst = Math.imul(hashConst, MULT_B) >>> 0;
      v = Math.imul(v, hashConst) >>> 0;
      out.push((v ^ (v >>> 16)) >>> 0);
    }
    return out;
  }

  /** `generate_state(n, np.uint64)`: pairs of words, little-endian. */
  generateState64(n: number): bigint[] {
    const words = this.generateState32(2 * n);
    return Array.from({ length: n }, (_, i) => (BigInt(words[2 * i + 1]!) << 32n) | BigInt(words[2 * i]!));
  }
}

const MASK64 = (1n << 64n) - 1n;
const MASK128 = (1n << 128n) - 1n;
const PCG_MULTIPLIER = 0x2360ed051fc65da44385df649fccf645n;

/** PCG64 (XSL-RR 128/64), with NumPy's half-word buffer for next_uint32. */
export class PCG64 implements NumpyBitGenerator {
  private state = 0n;
  private inc = 0n;
  private hasUint32 = false;
  private uinteger = 0;

  /** `PCG64(seed_sequence)`: four 64-bit words, the state's halves then the increment's (high first). */
  constructor(seq: SeedSequence) {
    const v = seq.generateState64(4);
    const initState = (v[0]! << 64n) | v[1]!;
    const initSeq = (v[2]! << 64n) | v[3]!;
    this.inc = ((initSeq << 1n) | 1n) & MASK128;
    this.step();
    this.state = (this.state + initState) & MASK128;
    this.step();
  }

  private step(): void {
    this.state = (this.state * PCG_MULTIPLIER + this.inc) & MASK128;
  }

  nextUint64(): bigint {
    this.step();
    const s = this.state;
    const value = ((s >> 64n) ^ s) & MASK64;
    const rot = s >> 122n;
    return ((value >> rot) | (value << ((64n - rot) & 63n))) & MASK64;
  }

  nextUint32(): number {
    if (this.hasUint32) {
      this.hasUint32 = false;
      return this.uinteger;
    }
    const next = this.nextUint64();
    this.hasUint32 = true;
    this.uinteger = Number(next >> 32n);
    return Number(next & 0xffffffffn);
  }

  nextDouble(): number {
    return Number(this.nextUint64() >> 11n) / 9007199254740992;
  }
}
