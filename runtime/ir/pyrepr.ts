import type { DType } from '../core';

/** A parameter value as Python would hold it, so it prints as Python's `str` does. */
export type PyValue =
  | number
  | boolean
  | null
  | { readonly name: string }
  | { readonly tuple: readonly PyValue[] }
  | { readonly list: readonly PyValue[] };

export const pyName = (name: string): PyValue => ({ name });
export const pyTuple = (items: readonly PyValue[]): PyValue => ({ tuple: items });
export const pyInts = (items: readonly number[]): PyValue => ({ tuple: items });
export const pyList = (items: readonly PyValue[]): PyValue => ({ list: items });

export function pyRepr(v: PyValue): string {
  if (v === null) return 'None';
  if (typeof v === 'boolean') return v ? 'True' : 'False';
  if (typeof v === 'number') return Number.isInteger(v) ? String(v) : pyFloat(v);
  if ('name' in v) return v.name;
  if ('list' in v) return `[${v.list.map(pyRepr).join(', ')}]`;
  return v.tuple.length === 1 ? `(${pyRepr(v.tuple[0])},)` : `(${v.tuple.map(pyRepr).join(', ')})`;
}

/** Python's `repr(float)`: shortest round-trip digits, positional for 1e-4 <= |x| < 1e16. */
export function pyFloat(x: number): string {
  if (Number.isNaN(x)) return 'nan';
  if (!Number.isFinite(x)) return x > 0 ? 'inf' : '-inf';
  if (x === 0) return Object.is(x, -0) ? '-0.0' : '0.0';
  const [mantissa, exp] = x.toExponential().split('e');
  const sign = mantissa.startsWith('-') ? '-' : '';
  const digits = mantissa.replace('-', '').replace('.', '');
  const e = Number(exp);
  if (e < -4 || e >= 16) {
    const m = digits.length === 1 ? digits : `${digits[0]}.${digits.slice(1)}`;
    return `${sign}${m}e${e < 0 ? '-' : '+'}${String(Math.abs(e)).padStart(2, '0')}`;
  }
  if (e < 0) return `${sign}0.${'0'.repeat(-e - 1)}${digits}`;
  const whole = digits.slice(0, e + 1).padEnd(e + 1, '0');
  const frac = digits.slice(e + 1);
  return `${sign}${whole}.${frac || '0'}`;
}

/** The shortest decimal that reads back as the same float32, as NumPy prints `np.float32`. */
function shortestFloat32(x: number): number {
  if (!Number.isFinite(x) || x === 0) return x;
  for (let p = 1; p < 9; p++) {
    const candidate = Number(x.toPrecision(p));
    if (Math.fround(candidate) === x) return candidate;
  }
  return Number(x.toPrecision(9));
}

/** A scalar of `dtype` as NumPy's `str` prints it (`3.0`, `2`, `True`). */
export function formatScalar(value: number, dtype: DType): string {
  switch (dtype) {
    case 'bool': return value !== 0 ? 'True' : 'False';
    case 'int32':
    case 'int64':
    case 'uint64':
    case 'uint32':
    case 'uint8':
    case 'int8':
    case 'int16':
    case 'uint16': return String(value);
    case 'float32': return pyFloat(shortestFloat32(value));
    case 'float64': return pyFloat(value);
    case 'key<fry>': throw new Error('formatScalar: a key has no scalar form (its words print as key data)');
    // NB: a scalar here has no imaginary part (a literal of a complex dtype): NumPy's str gives `(2+0j)`.
    case 'complex64':
    case 'complex128': return `(${formatScalar(value, dtype === 'complex64' ? 'float32' : 'float64').replace(/\.0$/, '')}+0j)`;
  }
}
