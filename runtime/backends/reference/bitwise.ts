import { isWrappingInt, wrapInteger, type AbstractValue, type DType } from '../../core';
import type { KernelTable } from '../backend';
import type { BitwisePrimitive } from '../../primitives';
import type { ReferenceArray } from './array';
import { binary, unary, type BinaryFn, type UnaryFn } from './elementwise';

type Bits = (a: bigint, b: bigint) => bigint;

/**
 * A bitwise op in the dtype's own width: bool's 0/1 and int32 as JS's 32-bit signed ops,
 * uint32 and the 8- and 16-bit integers wrapped back to their width, int64 (exact doubles) through 64-bit BigInts.
 */
function bitwiseIn(dtype: DType, int32: BinaryFn, bits: Bits): BinaryFn {
  if (isWrappingInt(dtype)) return (a, b) => wrapInteger(dtype, int32(a, b));
  if (dtype === 'int64') return (a, b) => Number(BigInt.asIntN(64, bits(BigInt(a), BigInt(b))));
  if (dtype === 'uint64') return (a, b) => Number(BigInt.asUintN(64, bits(BigInt(a), BigInt(b))));
  return int32;
}

const bin = (int32: BinaryFn, bits: Bits) => ([a, b]: readonly ReferenceArray[], _p: unknown, out: AbstractValue) =>
  binary(a, b, out, bitwiseIn(out.dtype, int32, bits));

function notIn(dtype: DType): UnaryFn {
  if (dtype === 'bool') return (x) => (x !== 0 ? 0 : 1);
  if (isWrappingInt(dtype)) return (x) => wrapInteger(dtype, ~x);
  // NB: ~x is -x - 1 in two's complement, exact for an int64 double (|x| < 2**53) and for int32.
  // NB: uint64's ~x is 2**64 - 1 - x, past what Gradlens stores exactly: the array's check refuses it.
  return dtype === 'int64' ? (x) => -x - 1 : dtype === 'uint64' ? (x) => 2 ** 64 - 1 - x : (x) => ~x;
}

/** lax's not, and, or, xor: logical on bool, bitwise on integers (XLA's). */
export const BITWISE_REFERENCE_KERNELS: Pick<KernelTable<ReferenceArray>, BitwisePrimitive> = {
  not: ([x], _p, out) => unary(x, out, notIn(out.dtype)),
  and: bin((a, b) => a & b, (a, b) => a & b),
  or: bin((a, b) => a | b, (a, b) => a | b),
  xor: bin((a, b) => a ^ b, (a, b) => a ^ b),
};
