import { foldInWords, KEY_DTYPE, randomBits, sizeOf, splitWords, type AbstractValue } from '../../core';
import type { Kernel, KernelTable } from '../backend';
import { inFamily, RANDOM_KEYS, type Primitive, type RandomBitsPrimitive } from '../../primitives';
import { ReferenceArray } from './array';
import { binary } from './elementwise';
import { broadcastIndex } from './indexing';

// jax.random's primitives on the host, by JAX's threefry2x32 (runtime/core/rng/threefry.ts), bit for
// bit: a key<fry> array stores each key's two words one after the other.

/** Each key's words from `keys`, `f` making `per` words for it, laid out key after key. */
function perKey(keys: ReferenceArray, out: AbstractValue, per: number, f: (k0: number, k1: number) => ArrayLike<number>): ReferenceArray {
  const words = keys.data;
  const n = words.length / 2;
  const data = new Uint32Array(n * per);
  for (let i = 0; i < n; i++) data.set(f(words[2 * i], words[2 * i + 1]), i * per);
  return new ReferenceArray(out.shape, out.dtype, data);
}

/**
 * `threefry_seed`: [seed >> 32, seed & 0xFFFFFFFF], the shift logical in the seed's own width: an
 * int32 seed's high word is 0 (a shift by its width gives 0), an int64 seed's is its two's complement's.
 */
function seedWords(seed: number, dtype: string): [number, number] {
  if (dtype !== 'int64') return [0, seed >>> 0];
  const u = BigInt.asUintN(64, BigInt(seed));
  return [Number(u >> 32n), Number(u & 0xffffffffn)];
}

/** The same words (or bits) read as another 32-bit dtype. */
function bitcast(x: ReferenceArray, out: AbstractValue): ReferenceArray {
  const bytes = x.data.slice().buffer;
  const data = out.dtype === 'float32' ? new Float32Array(bytes) : out.dtype === 'int32' ? new Int32Array(bytes) : new Uint32Array(bytes);
  return new ReferenceArray(out.shape, out.dtype, data);
}

export const RANDOM_REFERENCE_KERNELS: Pick<KernelTable<ReferenceArray>, RandomBitsPrimitive> = {
  random_seed: ([seeds], _p, out) => {
    const data = new Uint32Array(2 * seeds.data.length);
    seeds.data.forEach((s, i) => data.set(seedWords(s, seeds.dtype), 2 * i));
    return new ReferenceArray(out.shape, KEY_DTYPE, data);
  },
  random_bits: ([keys], { bitWidth, shape, partitionable }, out) =>
    perKey(keys, out, sizeOf(shape), (k0, k1) => randomBits([k0, k1], bitWidth, sizeOf(shape), partitionable)),
  random_split: ([keys], { shape, partitionable }, out) => perKey(keys, out, 2 * sizeOf(shape), (k0, k1) => splitWords([k0, k1], sizeOf(shape), partitionable)),
  random_fold_in: ([keys, msgs], _p, out) => {
    const ik = broadcastIndex(keys.shape, out.shape);
    const im = broadcastIndex(msgs.shape, out.shape);
    const n = sizeOf(out.shape);
    const data = new Uint32Array(2 * n);
    for (let i = 0; i < n; i++) {
      const k = ik ? ik[i] : i;
      data.set(foldInWords([keys.data[2 * k], keys.data[2 * k + 1]], msgs.data[im ? im[i] : i]), 2 * i);
    }
    return new ReferenceArray(out.shape, KEY_DTYPE, data);
  },
  random_wrap: ([x], _p, out) => new ReferenceArray(out.shape, KEY_DTYPE, Uint32Array.from(x.data)),
  random_unwrap: ([keys], _p, out) => new ReferenceArray(out.shape, 'uint32', Uint32Array.from(keys.data)),
  // NB: XLA shifts by a count past the width give 0, where JavaScript's >>> takes the count modulo 32.
  shift_right_logical: ([a, b], _p, out) => binary(a, b, out, (x, s) => (s >= 32 ? 0 : x >>> s)),
  bitcast_convert_type: ([x], _p, out) => bitcast(x, out),
};

/** The uint32 product modulo 2**32 (a double product past 2**53 would lose its low bits). */
export const uint32Mul = (a: ReferenceArray, b: ReferenceArray, out: AbstractValue): ReferenceArray => binary(a, b, out, Math.imul);


/** The words of plane `w` (0 or 1) of a key array: one uint32 per key. */
function plane(keys: ReferenceArray, w: number): ReferenceArray {
  const words = keys.data;
  const data = new Uint32Array(words.length / 2);
  for (let i = 0; i < data.length; i++) data[i] = words[2 * i + w];
  return new ReferenceArray(keys.shape, 'uint32', data);
}

/**
 * `kernel` (a structural one: reshape, slice, gather, select, ...) on key arrays too: it moves
 * whole keys, so it runs once on each word plane as uint32 and the planes interleave again.
 */
function onKeyPlanes<P extends Primitive>(kernel: Kernel<P, ReferenceArray>): Kernel<P, ReferenceArray> {
  return (inputs, params, out) => {
    if (out.dtype !== KEY_DTYPE) return kernel(inputs, params, out);
    const asWords = { shape: out.shape, dtype: 'uint32' as const };
    const [a, b] = [0, 1].map((w) => kernel(inputs.map((x) => (x.dtype === KEY_DTYPE ? plane(x, w) : x)), params, asWords).data);
    const data = new Uint32Array(2 * a.length);
    for (let i = 0; i < a.length; i++) {
      data[2 * i] = a[i];
      data[2 * i + 1] = b[i];
    }
    return new ReferenceArray(out.shape, KEY_DTYPE, data);
  };
}

/** Every kernel of `table` but the random ones' over key arrays as well (see onKeyPlanes). */
export function withKeyPlanes(table: KernelTable<ReferenceArray>): KernelTable<ReferenceArray> {
  const wrapped = Object.fromEntries(Object.entries(table).map(([p, k]) =>
    [p, inFamily(RANDOM_KEYS, p as Primitive) ? k : onKeyPlanes(k as Kernel<Primitive, ReferenceArray>)]));
  return wrapped as unknown as KernelTable<ReferenceArray>;
}
