export const DTYPES = ['float32', 'float64', 'int32', 'bool'] as const;
export type DType = (typeof DTYPES)[number];

export type AnyTypedArray = Float32Array | Float64Array | Int32Array | Uint8Array;

/** Short names as jaxprs print them (`f32[3]`). */
export const DTYPE_SHORT: { [D in DType]: string } = {
  float32: 'f32',
  float64: 'f64',
  int32: 'i32',
  bool: 'bool',
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

export function isFloat(dtype: DType): boolean {
  return dtype === 'float32' || dtype === 'float64';
}

export function allocate(dtype: DType, size: number): AnyTypedArray {
  switch (dtype) {
    case 'float32': return new Float32Array(size);
    case 'float64': return new Float64Array(size);
    case 'int32': return new Int32Array(size);
    case 'bool': return new Uint8Array(size);
  }
}

/** Copies `values` into a fresh array of `dtype`, rounding as a cast would (ints truncate, bools test non-zero). */
export function typedArrayFrom(dtype: DType, values: ArrayLike<number>): AnyTypedArray {
  const out = allocate(dtype, values.length);
  if (dtype === 'bool') {
    for (let i = 0; i < values.length; i++) out[i] = values[i] !== 0 ? 1 : 0;
  } else if (dtype === 'int32') {
    for (let i = 0; i < values.length; i++) out[i] = Math.trunc(values[i]);
  } else {
    out.set(values);
  }
  return out;
}

/**
 * Below this, PyTorch's sigmoid, 1 / (1 + exp(-x)) in the dtype, is exactly 0: exp(-x) overflows
 * to inf (float32: exp(88.72283172607422) is the largest finite; float64: exp(709.782712893384)).
 * Every logistic kernel returns 0 there, and the stable form (no overflow on either side) above.
 */
export const LOGISTIC_ZERO_BELOW = { float32: -88.72283172607422, float64: -709.782712893384 } as const;

const RANK: { [D in DType]: number } = { bool: 0, int32: 1, float32: 2, float64: 3 };

/** NumPy/PyTorch type promotion between two tensor dtypes. */
export function promoteTypes(a: DType, b: DType): DType {
  return RANK[a] >= RANK[b] ? a : b;
}
