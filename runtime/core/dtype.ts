export const DTYPES = ['float32', 'float64', 'int32', 'int64', 'bool', 'uint32', 'uint8', 'int8', 'int16', 'uint16', 'uint64', 'key<fry>', 'complex64', 'complex128'] as const;
export type DType = (typeof DTYPES)[number];

/**
 * jax.random's typed keys (`jax.random.key`): each element is one threefry2x32 key, stored as its
 * two uint32 words one after the other (so a key<fry>[...S] array's storage is the uint32[...S, 2]
 * that `random_unwrap` and `key_data` give). Only the random primitives read the words; the
 * structural ones move whole keys, and arithmetic refuses them, as JAX's do.
 */
export const KEY_DTYPE = 'key<fry>' as const;

/**
 * Complex numbers (JAX's complex64 and, under jax_enable_x64, complex128): each element is its
 * real and imaginary parts one after the other in the part dtype's array (complex64 in a
 * Float32Array of twice the length), as NumPy lays them out. They live on the host on every
 * backend (tfjs and WGSL have no complex type) and are never fused.
 */
export type ComplexDType = 'complex64' | 'complex128';
export const isComplex = (dtype: DType): dtype is ComplexDType => dtype === 'complex64' || dtype === 'complex128';
/** The dtype of a complex dtype's parts (complex64's are float32), and the complex dtype over a float one. */
export const COMPLEX_PART: { readonly [D in ComplexDType]: 'float32' | 'float64' } = { complex64: 'float32', complex128: 'float64' };
export const complexOf = (dtype: DType): ComplexDType => (dtype === 'float64' || dtype === 'complex128' ? 'complex128' : 'complex64');
/** Floating or complex: the dtypes that carry derivatives (NumPy's np.inexact). */
export const isInexact = (dtype: DType): boolean => isFloat(dtype) || isComplex(dtype);

/** The stored words of a 0-d value of `dtype` whose value is `value` (a complex one's imaginary part 0). */
export const scalarWords = (value: number, dtype: DType): number[] => (isComplex(dtype) ? [value, 0] : [value]);

/** How many stored words (typed-array elements) one element of `dtype` takes. */
export const wordsPerElement = (dtype: DType): number => (dtype === KEY_DTYPE || isComplex(dtype) ? 2 : 1);

export type AnyTypedArray = Float32Array | Float64Array | Int32Array | Uint8Array | Uint32Array | Int8Array | Int16Array | Uint16Array;

/**
 * The integer dtypes that live on the host in a typed array of their own width (no backend has
 * unsigned or sub-32-bit integers: tfjs and WGSL stop at int32), so every store wraps as C's
 * integer arithmetic does (`np.uint8(250) + np.uint8(10)` is 4): uint32 (jax.random's bits) and
 * the image and quantization dtypes uint8, int8, int16, uint16.
 */
export type WrappingIntDType = 'uint32' | 'uint8' | 'int8' | 'int16' | 'uint16';
export const WRAPPING_INT: { readonly [D in WrappingIntDType]: { readonly bits: number; readonly signed: boolean } } = {
  uint32: { bits: 32, signed: false },
  uint8: { bits: 8, signed: false },
  int8: { bits: 8, signed: true },
  int16: { bits: 16, signed: true },
  uint16: { bits: 16, signed: false },
};
export const isWrappingInt = (dtype: DType): dtype is WrappingIntDType => dtype in WRAPPING_INT;

/** The smallest and largest value of an integer dtype that wraps (int8: -128 and 127). */
export function intRange(dtype: WrappingIntDType): { readonly min: number; readonly max: number } {
  const { bits, signed } = WRAPPING_INT[dtype];
  return signed ? { min: -(2 ** (bits - 1)), max: 2 ** (bits - 1) - 1 } : { min: 0, max: 2 ** bits - 1 };
}

/** `value` stored in `dtype`'s typed array: truncated toward zero, then wrapped modulo 2**bits (NaN and infinities as 0). */
export function wrapInteger(dtype: WrappingIntDType, value: number): number {
  switch (dtype) {
    case 'uint32': return value >>> 0;
    case 'uint8': return value & 0xff;
    case 'int8': return (value << 24) >> 24;
    case 'int16': return (value << 16) >> 16;
    case 'uint16': return value & 0xffff;
  }
}

/** Short names as jaxprs print them (`f32[3]`). */
export const DTYPE_SHORT: { [D in DType]: string } = {
  float32: 'f32',
  float64: 'f64',
  int32: 'i32',
  int64: 'i64',
  bool: 'bool',
  uint32: 'u32',
  uint8: 'u8',
  int8: 'i8',
  int16: 'i16',
  uint16: 'u16',
  uint64: 'u64',
  'key<fry>': 'key<fry>',
  complex64: 'c64',
  complex128: 'c128',
};

export function isDType(name: string): name is DType {
  return (DTYPES as readonly string[]).includes(name);
}

export function assertDType(name: string): DType {
  if (!isDType(name)) {
    throw new TypeError(`unknown dtype '${name}'; use one of ${DTYPES.join(', ')}`);
  }
  return name;
}

/** Whether `dtype` holds integers (bool aside). */
export function isInteger(dtype: DType): boolean {
  return dtype === 'int32' || dtype === 'int64' || dtype === 'uint64' || isWrappingInt(dtype);
}

export function isFloat(dtype: DType): boolean {
  return dtype === 'float32' || dtype === 'float64';
}

export function allocate(dtype: DType, size: number): AnyTypedArray {
  switch (dtype) {
    case 'float32': return new Float32Array(size);
    case 'float64': return new Float64Array(size);
    case 'int32': return new Int32Array(size);
    case 'int64':
    case 'uint64': return new Float64Array(size);
    case 'bool': return new Uint8Array(size);
    // NB: uint32 lives on the host on every backend (tfjs and our kernels have no unsigned type):
    // its own typed array makes every store wrap modulo 2**32, as XLA's uint32 arithmetic does.
    case 'uint32': return new Uint32Array(size);
    case 'uint8': return new Uint8Array(size);
    case 'int8': return new Int8Array(size);
    case 'int16': return new Int16Array(size);
    case 'uint16': return new Uint16Array(size);
    case 'key<fry>': return new Uint32Array(2 * size);
    case 'complex64': return new Float32Array(2 * size);
    case 'complex128': return new Float64Array(2 * size);
  }
}

/**
 * The largest magnitude an int64 array holds exactly. int64 is stored in a Float64Array (no
 * backend has 64-bit integers: tfjs and WGSL stop at 32 bits), so its values are exact below
 * 2**53; a value at or past it would already be rounded, and is refused (Int64RangeError)
 * instead of stored: never a rounded or wrapped integer.
 */
export const INT64_EXACT_LIMIT = 2 ** 53;

/** An int64 value Gradlens cannot store exactly (see INT64_EXACT_LIMIT). */
export class Int64RangeError extends RangeError {
  constructor(readonly value: number, dtype: 'int64' | 'uint64' = 'int64') {
    // NB: a double past 2**53 is itself rounded: its digits would claim an exactness it lacks.
    const about = Number.isFinite(value) ? `about ${value.toExponential(3).replace('e+', 'e')}` : value > 0 ? 'inf' : '-inf';
    super(dtype === 'uint64' && value < 0 && value > -INT64_EXACT_LIMIT
      ? `a uint64 value (${value}) is below 0: NumPy would wrap it to 2**64 - ${-value}, and Gradlens stores uint64 exactly only within [0, 2**53); compute in int64 (x.astype(np.int64))`
      : `an ${dtype} value (${about}) is past 2**53: Gradlens stores ${dtype} exactly only within ${dtype === 'int64' ? '±2**53' : '[0, 2**53)'} `
        + '(PyTorch and NumPy would wrap at 2**63); use smaller values or a float64 array');
    this.name = 'Int64RangeError';
  }
}

/**
 * Makes `data` valid int64 storage in place, as an Int32Array stores int32: truncated toward zero
 * (a kernel's integer `div` is C division), NaN as 0 (so an integer 0/0 reads the same in both);
 * a value past ±2**53, or infinite, throws Int64RangeError.
 */
export function checkInt64(data: Float64Array, dtype: 'int64' | 'uint64' = 'int64'): void {
  // NB: uint64 (NumPy's sums of unsigned arrays) holds [0, 2**53): a negative value would wrap to past 2**63.
  const lowest = dtype === 'uint64' ? 0 : -INT64_EXACT_LIMIT + 1;
  for (let i = 0; i < data.length; i++) {
    const v = data[i];
    if (Number.isInteger(v) && v >= lowest && v < INT64_EXACT_LIMIT) continue;
    const t = Math.trunc(v) + 0;
    if (t >= lowest && t < INT64_EXACT_LIMIT) data[i] = t;
    else if (Number.isNaN(v)) data[i] = 0;
    else throw new Int64RangeError(v, dtype);
  }
}

/** Copies `values` into a fresh array of `dtype`, rounding as a cast would (ints truncate, bools test non-zero). */
export function typedArrayFrom(dtype: DType, values: ArrayLike<number>): AnyTypedArray {
  const out = allocate(dtype, values.length / wordsPerElement(dtype));
  if (dtype === 'bool') {
    for (let i = 0; i < values.length; i++) out[i] = values[i] !== 0 ? 1 : 0;
  } else if (dtype === 'int32' || isWrappingInt(dtype)) {
    // NB: an integer typed array's store of an integer double wraps modulo 2**bits, as XLA's integer converts do.
    for (let i = 0; i < values.length; i++) out[i] = Math.trunc(values[i]);
  } else if (dtype === 'int64' || dtype === 'uint64') {
    out.set(values);
    checkInt64(out as Float64Array, dtype);
  } else {
    out.set(values);
  }
  return out;
}

/**
 * A float to an 8- or 16-bit integer as NumPy 1.24 converts it on x86 (C leaves an out-of-range
 * value undefined): truncated to a 32-bit int (cvttsd2si), where a NaN, an infinity or a value
 * outside int32 gives INT_MIN, then its low bits kept (`np.array([300.0]).astype(np.uint8)` is 44,
 * `[1e10]` is 0). `invalid` counts the values that set x86's invalid flag, which NumPy reports
 * as `RuntimeWarning: invalid value encountered in cast`.
 */
export function floatToNarrowInt(dtype: Exclude<WrappingIntDType, 'uint32'>, values: ArrayLike<number>): { readonly data: AnyTypedArray; readonly invalid: number } {
  const out = allocate(dtype, values.length);
  let invalid = 0;
  for (let i = 0; i < values.length; i++) {
    if (truncatesToInt32(values[i])) out[i] = values[i];
    else invalid++;
  }
  return { data: out, invalid };
}

/** Whether x86's cvttsd2si converts `value` to an int32 without setting its invalid flag (NaN, infinities and values outside int32 set it). */
export const truncatesToInt32 = (value: number): boolean => value > -(2 ** 31) - 1 && value < 2 ** 31;

/**
 * Below this, PyTorch's sigmoid, 1 / (1 + exp(-x)) in the dtype, is exactly 0: exp(-x) overflows
 * to inf (float32: exp(88.72283172607422) is the largest finite; float64: exp(709.782712893384)).
 * Every logistic kernel returns 0 there, and the stable form (no overflow on either side) above.
 */
export const LOGISTIC_ZERO_BELOW = { float32: -88.72283172607422, float64: -709.782712893384 } as const;

// NB: keys never promote (the shape rules refuse them in arithmetic).
const RANK: { [D in DType]: number } = {
  'key<fry>': -1, bool: 0, uint8: 1, int8: 1, uint16: 1, int16: 1, uint32: 1, int32: 1, int64: 1, uint64: 1, float32: 4, float64: 5, complex64: 6, complex128: 7,
};

/** An integer dtype's width and signedness (int64 is stored as doubles, but promotes as 64 bits). */
const intWidth = (d: DType): { readonly bits: number; readonly signed: boolean } =>
  (d === 'int32' ? { bits: 32, signed: true } : d === 'int64' ? { bits: 64, signed: true } : d === 'uint64' ? { bits: 64, signed: false } : WRAPPING_INT[d as WrappingIntDType]);

/** The signed or unsigned integer dtype of `bits` that Gradlens has. */
const intOf = (bits: number, signed: boolean): DType => (signed ? (bits <= 8 ? 'int8' : bits <= 16 ? 'int16' : bits <= 32 ? 'int32' : 'int64') : bits <= 8 ? 'uint8' : bits <= 16 ? 'uint16' : 'uint32');

/**
 * Type promotion between two array dtypes as NumPy's promote_types, PyTorch's promoteTypes and
 * JAX's lattice agree on it: integers of one signedness give the wider; a signed and an unsigned one
 * the signed type that holds both (uint8 with int8 is int16, uint16 with int32 is int32, uint32 with
 * int32 int64; uint64 with a signed one float64, as NumPy's); an integer with a float the float (NumPy widens some of these: numpy_promotion.ts);
 * float64 with complex64 complex128.
 */
export function promoteTypes(a: DType, b: DType): DType {
  if (RANK[a] === 1 && RANK[b] === 1 && a !== b) {
    const x = intWidth(a);
    const y = intWidth(b);
    if (x.signed === y.signed) return x.bits >= y.bits ? a : b;
    const [signed, unsigned] = x.signed ? [x, y] : [y, x];
    // NB: no integer holds both uint64 and a signed type: NumPy gives float64.
    if (unsigned.bits === 64) return 'float64';
    return intOf(signed.bits > unsigned.bits ? signed.bits : Math.min(64, 2 * unsigned.bits), true);
  }
  const wider = RANK[a] >= RANK[b] ? a : b;
  return wider === 'complex64' && (a === 'float64' || b === 'float64') ? 'complex128' : wider;
}
