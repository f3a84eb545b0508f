/**
 * CPython's hashes of ints and floats (Python/pyhash.c, Objects/longobject.c): a number's exact
 * value modulo 2**61 - 1, so equal numbers hash alike (`hash(2) == hash(2.0)`). `hash()` prints
 * them and sets lay out their slots by them (setorder.ts).
 */
import { floatParts } from './float_parts';

const MODULUS = (1n << 61n) - 1n;

/** A Py_hash_t from any int, as CPython reduces an int or `__hash__`'s result: modulo 2**61 - 1, -1 becoming -2. */
export function intHash(n: bigint): bigint {
  const m = (n < 0n ? -n : n) % MODULUS;
  const h = n < 0n ? -m : m;
  return h === -1n ? -2n : h;
}

/** CPython's hash of a finite or infinite float: the exact rational value modulo 2**61 - 1. */
export function floatHash(x: number): bigint {
  if (x === Infinity) return 314159n;
  if (x === -Infinity) return -314159n;
  if (Number.isInteger(x)) return intHash(BigInt(x));
  // x = mantissa * 2**exponent exactly, with an integer mantissa.
  const { mantissa, exponent } = floatParts(x);
  // 2**61 = 1 modulo 2**61 - 1, so a power of two rotates; the exponent here is negative.
  const e = ((exponent % 61) + 61) % 61;
  let h = ((mantissa % MODULUS) * (1n << BigInt(e))) % MODULUS;
  if (x < 0) h = -h;
  return h === -1n ? -2n : h;
}
