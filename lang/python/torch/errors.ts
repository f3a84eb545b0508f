/**
 * How the torch runtime's errors and limits reach the script: what the eager runtime throws
 * becomes the exception PyTorch raises, and integers past what Gradlens stores are refused.
 */
import { AutogradError, ShapeError, formatAval, type AbstractValue } from '../../../runtime/core';
import { HaltError, PyError, pyError } from '../interpreter';

/**
 * Integers that the int32 storage cannot hold exactly are refused, never wrapped: past int64 as
 * PyTorch refuses them, past int32 for an int32 tensor as PyTorch does, and an int64 value past
 * 2**31 because Gradlens stores int64 in 32 bits (tfjs and WebGPU have no 64-bit integers).
 */
export function checkIntegers(values: ArrayLike<number>, dtype: 'int64' | 'int32'): void {
  for (let i = 0; i < values.length; i++) {
    const v = values[i];
    if (v >= -(2 ** 31) && v < 2 ** 31) continue;
    if (!Number.isFinite(v)) continue; // NB: inf and NaN converted to an integer dtype are undefined in PyTorch too.
    if (dtype === 'int32') throw pyError('RuntimeError', 'value cannot be converted to type int32 without overflow');
    if (v >= 2 ** 63 || v < -(2 ** 63)) throw pyError('RuntimeError', 'Overflow when unpacking long');
    throw intRangeError(v);
  }
}

/** Gradlens's own limit on int64 values, said at the line instead of a wrapped number. */
export function intRangeError(v: number | null): Error {
  const what = v === null ? 'this int64 result' : `${BigInt(Math.trunc(v))}`;
  return pyError('RuntimeError',
    `${what} does not fit in 32 bits: Gradlens stores torch.int64 tensors as int32 for now, so integer values must stay within ±2**31; `
      + 'use a float tensor (exact up to 2**24 in float32) or smaller values');
}

/** The array an allocation is for, as the budget error names it: `f32[100000,100000], the result of add`. */
export function describe(aval: AbstractValue, what: string): string {
  return what === 'upload' ? formatAval(aval) : `${formatAval(aval)}, the result of ${what}`;
}

/** What the runtime throws, as the Python exception PyTorch raises for it. */
export function translate(e: unknown): unknown {
  if (e instanceof PyError || e instanceof HaltError) return e;
  if (e instanceof AutogradError || e instanceof ShapeError) return pyError('RuntimeError', e.message);
  if (e instanceof RangeError && !/call stack/i.test(e.message)) return pyError('RuntimeError', e.message);
  if (e instanceof Error && e.constructor === Error) return pyError('RuntimeError', e.message);
  return e;
}
