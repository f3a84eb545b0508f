/**
 * What building a value costs against the step budget, and how big an int or a str may get.
 *
 * Built-in functions loop in TypeScript, where the interpreter's own per-statement step count does
 * not see them, so they charge for themselves: one step per element they create or visit
 * (`sum`, `sorted`, `list()`, `str.join`, `[0] * n`, ...), charged before allocating where the size
 * is known, so `list(range(10**9))` stops at once with the step budget's error instead of filling
 * memory; characters of a new or scanned str cost one step per CHARS_PER_STEP. Every charge goes
 * through `HostContext.tick`, which also checks the clock and cancellation. Since every element
 * made costs a step, the step budget also bounds the memory a script's containers can take.
 *
 * Ints and strs have size limits of their own, with CPython's words where CPython has one (int <-> str
 * conversion past 4300 digits); past the others Python's MemoryError.
 */
import { pyError } from './exceptions';
import type { HostContext } from './objects';

/** CPython's `sys.int_info.default_max_str_digits`. */
export const INT_MAX_STR_DIGITS = 4300;
/** The largest int Gradlens computes (about 1.2 million decimal digits). */
export const MAX_INT_BITS = 4_000_000;
/** The longest str (V8's own limit is 2**29 - 24 UTF-16 units, past which it throws). */
export const MAX_STR_LENGTH = 2 ** 28;
/** Characters copied or scanned per step. */
export const CHARS_PER_STEP = 16;

/** Charges one step per element a builtin creates or visits. */
export function chargeItems(ctx: HostContext, n: number): void {
  if (n > 0) ctx.tick(n);
}

/** Charges for moving `n` existing elements (`list.insert(0, x)`), at the rate of characters. */
export function chargeMoves(ctx: HostContext, n: number): void {
  if (n >= CHARS_PER_STEP) ctx.tick(Math.floor(n / CHARS_PER_STEP));
}

/** Charges for a str of `length` characters about to be made or scanned; MemoryError past MAX_STR_LENGTH. */
export function chargeChars(ctx: HostContext, length: number): void {
  if (length > MAX_STR_LENGTH) {
    throw pyError('MemoryError', `a str of ${count(length)} characters is longer than Gradlens allows (${count(MAX_STR_LENGTH)})`);
  }
  if (length >= CHARS_PER_STEP) ctx.tick(Math.floor(length / CHARS_PER_STEP));
}

/** The number of bits of |v|; cheap for small ints. */
export function bitLength(v: bigint): number {
  if (v < 0n) v = -v;
  if (v < 0x20000000000000n) return Math.ceil(Math.log2(Number(v) + 1));
  const hex = v.toString(16);
  return (hex.length - 1) * 4 + Math.ceil(Math.log2(parseInt(hex[0], 16) + 1));
}

/** MemoryError when an int result would have more than MAX_INT_BITS bits; `what` names it (`10 ** 10000000000`). */
export function checkIntBits(bits: number, what: string): void {
  if (bits > MAX_INT_BITS) {
    throw pyError('MemoryError', `${what} would have about ${count(Math.ceil(bits))} bits, more than Gradlens computes (${count(MAX_INT_BITS)} bits)`);
  }
}

const DECIMAL_LIMIT = 10n ** BigInt(INT_MAX_STR_DIGITS);

/** Refuses writing an int in decimal past CPython's limit, with CPython's words. */
export function checkIntDigits(v: bigint): void {
  if ((v < 0n ? -v : v) >= DECIMAL_LIMIT) {
    throw pyError('ValueError', `Exceeds the limit (${INT_MAX_STR_DIGITS} digits) for integer string conversion; use sys.set_int_max_str_digits() to increase the limit`);
  }
}

/** An int's decimal digits, refused past CPython's limit. */
export function intToDecimal(v: bigint): string {
  checkIntDigits(v);
  return v.toString();
}

/** Refuses parsing a decimal int of more digits than CPython's limit, with CPython's words. */
export function checkDecimalDigits(digits: number): void {
  if (digits > INT_MAX_STR_DIGITS) {
    throw pyError('ValueError', `Exceeds the limit (${INT_MAX_STR_DIGITS} digits) for integer string conversion: value has ${digits} digits; use sys.set_int_max_str_digits() to increase the limit`);
  }
}

function count(n: number): string {
  return n.toLocaleString('en-US');
}
