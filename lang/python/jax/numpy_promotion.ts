/**
 * NumPy 1.24's result_type for an operation on NumPy values, value-based casting included: when
 * every operand is a scalar (a Python number, a NumPy scalar, a 0-d array) their own dtypes promote
 * (`np.float32(0.1) * 3` is float64, a Python int being int64 and a float float64); when a scalar is
 * of a higher kind than every array, the dtypes promote too (`int32_array * 2.0` is float64); else
 * each scalar counts as the smallest dtype holding its value (`float32_array * 2.0` stays float32,
 * `float32_array * 100000` is float64: 100000 needs a uint32, which float32 cannot hold).
 * NB: NumPy 2 drops value-based casting (NEP 50); Gradlens follows the 1.24 it checks against.
 */
import { type DType, isComplex, isDType, isFloat } from '../../../runtime/core';
import { pyError } from '../interpreter';
import type { JaxRuntime } from './array';
import { Scalar, type Val } from './values';

/** An operand as lax.ts's Operand carries it: its value, and whether it is a Python scalar. */
interface Operand { readonly v: Val; readonly weak: boolean }

/** A NumPy dtype by kind (bool, signed, unsigned, float) and width; the unsigned and narrow ones arise as a scalar's smallest dtype. */
interface Width { readonly kind: 'b' | 'i' | 'u' | 'f'; readonly bits: number }

const KIND_ORDER = { b: 0, i: 1, u: 1, f: 2 } as const;

function widthOf(d: DType): Width {
  switch (d) {
    case 'bool': return { kind: 'b', bits: 8 };
    case 'int32': return { kind: 'i', bits: 32 };
    case 'int64': return { kind: 'i', bits: 64 };
    case 'uint32': return { kind: 'u', bits: 32 };
    case 'uint8': return { kind: 'u', bits: 8 };
    case 'uint16': return { kind: 'u', bits: 16 };
    case 'uint64': return { kind: 'u', bits: 64 };
    case 'int8': return { kind: 'i', bits: 8 };
    case 'int16': return { kind: 'i', bits: 16 };
    case 'float32': return { kind: 'f', bits: 32 };
    case 'float64': return { kind: 'f', bits: 64 };
    default: throw pyError('NotImplementedError', `dtype ${d} is not supported by Gradlens's NumPy arrays`);
  }
}

function dtypeOf(w: Width): DType {
  const name = w.kind === 'b' ? 'bool' : `${w.kind === 'i' ? 'int' : w.kind === 'u' ? 'uint' : 'float'}${w.bits}`;
  if (!isDType(name)) {
    // NB: float16 stands for a scalar beside an array that decides; alone it has no Gradlens dtype.
    throw pyError('NotImplementedError', `NumPy dtype ${name} is not supported by Gradlens; convert with .astype(np.float64)`);
  }
  return name;
}

/** The narrowest float holding every integer of `w` (NumPy: int8/uint8 -> float16, 16 bits -> float32, wider -> float64). */
const floatFor = (w: Width): number => (w.bits <= 8 ? 16 : w.bits <= 16 ? 32 : 64);

/** numpy.promote_types over kinds and widths. */
function promote(a: Width, b: Width): Width {
  if (a.kind === 'b') return b;
  if (b.kind === 'b') return a;
  if (a.kind === 'f' || b.kind === 'f') {
    const need = Math.max(a.kind === 'f' ? a.bits : floatFor(a), b.kind === 'f' ? b.bits : floatFor(b));
    return { kind: 'f', bits: need };
  }
  if (a.kind === b.kind) return { kind: a.kind, bits: Math.max(a.bits, b.bits) };
  const [signed, unsigned] = a.kind === 'i' ? [a, b] : [b, a];
  if (signed.bits > unsigned.bits) return signed;
  // A signed type twice the unsigned one's width holds both; past 64 bits only float64 does.
  return unsigned.bits >= 64 ? { kind: 'f', bits: 64 } : { kind: 'i', bits: unsigned.bits * 2 };
}

/** A scalar operand's own dtype: a Python int is int64 (C long), a Python float float64. */
function ownWidth(x: Operand): Width {
  if (!x.weak) return widthOf(x.v.dtype);
  return x.v.dtype === 'bool' ? widthOf('bool') : widthOf(isFloat(x.v.dtype) ? 'float64' : 'int64');
}

/**
 * numpy.min_scalar_type: the smallest dtype of the scalar's kind holding its value (a positive int
 * an unsigned one: `uint8_array + 1` stays uint8, `+ 300` is uint16). Beside signed arrays, a positive
 * int that also fits the signed type of that width counts as signed ("small unsigned"), so that
 * `int32_array + 100000` stays int32 while `int32_array + 2**31` is int64.
 */
function minimalWidth(rt: JaxRuntime, x: Operand, signed: boolean): Width {
  const own = ownWidth(x);
  if (own.kind === 'b') return own;
  const value = x.v instanceof Scalar ? x.v.value : rt.read(x.v)[0]!;
  if (own.kind === 'f') {
    // NB: NumPy 1.24 keeps a float scalar in float32 unless its magnitude reaches 3.4e38 (infinities and NaN stay narrow).
    return { kind: 'f', bits: !Number.isFinite(value) || Math.abs(value) < 3.4e38 ? 16 : 64 };
  }
  for (const bits of [8, 16, 32, 64]) {
    if (value >= 0 && value < 2 ** bits) return signed && value < 2 ** (bits - 1) ? { kind: 'i', bits } : { kind: 'u', bits };
    if (value < 0 && value >= -(2 ** (bits - 1))) return { kind: 'i', bits };
  }
  return { kind: 'u', bits: 64 };
}

/**
 * A float64 array beside float64 values and Python bools, ints and floats: float64, whatever their
 * values (no promotion goes past it). NB: decided without the widths below, as most NumPy ops are.
 */
function float64Wins(xs: readonly Operand[]): boolean {
  let array = false;
  for (const x of xs) {
    const d = x.v.dtype;
    if (d === 'float64') array ||= x.v.shape.length > 0;
    else if (!x.weak || isComplex(d)) return false;
  }
  return array;
}

export function numpyResultDtype(rt: JaxRuntime, xs: readonly Operand[]): DType {
  if (float64Wins(xs)) return 'float64';
  if (xs.some((x) => isComplex(x.v.dtype))) {
    throw pyError('NotImplementedError', "complex NumPy arrays are not supported by Gradlens (jax.numpy's complex64 arrays are); carry real and imaginary parts as two real arrays");
  }
  const arrays = xs.filter((x) => x.v.shape.length > 0);
  const scalars = xs.filter((x) => x.v.shape.length === 0);
  const scalarWidths = scalars.map(ownWidth);
  if (arrays.length === 0) return dtypeOf(scalarWidths.reduce(promote));
  const arrayWidth = arrays.map((x) => widthOf(x.v.dtype)).reduce(promote);
  const scalarKind = Math.max(-1, ...scalarWidths.map((w) => KIND_ORDER[w.kind]));
  if (scalarKind > KIND_ORDER[arrayWidth.kind]) return dtypeOf(scalarWidths.reduce(promote, arrayWidth));
  return dtypeOf(scalars.map((x) => minimalWidth(rt, x, arrayWidth.kind === 'i')).reduce(promote, arrayWidth));
}
