/**
 * Arrays printed as NumPy prints them (numpy/core/arrayprint.py with its default options:
 * precision 8, floatmode 'maxprec', linewidth 75, threshold 1000, edgeitems 3), which is also
 * how JAX prints: `str(Array)` is NumPy's `str`, `repr(Array)` wraps `array2string` in `Array(`.
 */
import { COMPLEX_PART, isComplex, isInteger, type DType } from '../../../runtime/core';
import { floatRepr, PyComplex } from '../interpreter';

const PRECISION = 8;
const LINEWIDTH = 75;
const THRESHOLD = 1000;
const EDGEITEMS = 3;

export interface Printable {
  /** Row-major; a complex array's real and imaginary parts one after the other. */
  readonly values: ArrayLike<number>;
  readonly shape: readonly number[];
  readonly dtype: DType;
}

/** The shortest decimal digits that read back as the same value of `dtype`. */
function shortest(x: number, dtype: DType): number {
  if (dtype !== 'float32' || !Number.isFinite(x) || x === 0) return x;
  for (let p = 1; p < 10; p++) {
    const c = Number(x.toPrecision(p));
    if (Math.fround(c) === x) return c;
  }
  return x;
}

/** Dragon4 positional, unique digits, at most `precision` fractional digits, `trim='.'`. */
function positional(x: number, dtype: DType, precision: number): string {
  const v = shortest(x, dtype);
  let s = floatRepr(v);
  if (s.includes('e')) s = v.toFixed(Math.min(100, precision + 20));
  let [int, frac = ''] = s.split('.');
  if (frac.length > precision) {
    [int, frac = ''] = v.toFixed(precision).split('.');
  }
  frac = frac.replace(/0+$/, '');
  if (int === '-0' && frac === '' && !Object.is(x, -0)) int = '0';
  return `${int}.${frac}`;
}

/** Dragon4 scientific, unique digits, `trim='.'`: mantissa and exponent. */
function scientific(x: number, dtype: DType, precision: number): { int: string; frac: string; exp: number } {
  const v = shortest(x, dtype);
  let [m, e] = v.toExponential().split('e');
  // More unique digits than the precision: rounded to it, as Dragon4 rounds (2.718281828459045 -> 2.71828183e+00).
  if ((m.split('.')[1] ?? '').length > precision) [m, e] = v.toExponential(precision).split('e');
  const [int, frac = ''] = m.split('.');
  // NB: toExponential drops the sign of -0; NumPy prints -0.000e+00.
  return { int: Object.is(x, -0) ? `-${int}` : int, frac: frac.replace(/0+$/, ''), exp: Number(e) };
}

type Fmt = (x: number) => string;

/** NumPy's FloatingFormat; `plus`: sign='+' (a complex number's imaginary parts). */
function floatFormatter(values: readonly number[], dtype: DType, digits: number, plus = false): Fmt {
  const finite = values.filter(Number.isFinite);
  const nonzero = finite.filter((v) => v !== 0).map(Math.abs);
  const max = nonzero.length ? Math.max(...nonzero) : 0;
  const min = nonzero.length ? Math.min(...nonzero) : 0;
  const expFormat = nonzero.length > 0 && (max >= 1e8 || min < 1e-4 || max / min > 1000);
  let padLeft = 0;
  let padRight = 0;
  let body: Fmt;
  if (expFormat) {
    const parts = finite.map((v) => scientific(v, dtype, digits));
    const precision = Math.max(...parts.map((p) => p.frac.length));
    const expSize = Math.max(2, ...parts.map((p) => String(Math.abs(p.exp)).length));
    padLeft = Math.max(...parts.map((p) => signed(p.int, plus).length));
    padRight = expSize + 2 + precision;
    body = (x) => {
      let p = scientific(x, dtype, digits);
      // NB: NumPy asks Dragon4 for at least `precision` digits (min_digits): past a value's unique
      // digits come its exact value's (float32 271.1505 prints 2.7115051e+02 beside a longer one), not zeros.
      if (p.frac.length < precision) {
        const [m, exp] = x.toExponential(precision).split('e');
        const [int, frac] = m.split('.');
        p = { int: Object.is(x, -0) ? `-${int}` : int, frac, exp: Number(exp) };
      }
      const e = `${p.exp < 0 ? '-' : '+'}${String(Math.abs(p.exp)).padStart(expSize, '0')}`;
      return `${signed(p.int, plus).padStart(padLeft)}.${p.frac}e${e}`;
    };
  } else {
    const parts = finite.map((v) => positional(v, dtype, digits).split('.'));
    padLeft = Math.max(0, ...parts.map((p) => signed(p[0], plus).length));
    padRight = Math.max(0, ...parts.map((p) => p[1].length));
    body = (x) => {
      const [int, frac] = positional(x, dtype, digits).split('.');
      return `${signed(int, plus).padStart(padLeft)}.${frac.padEnd(padRight)}`;
    };
  }
  if (finite.length !== values.length) {
    const neginf = plus || values.some((v) => v === -Infinity);
    padLeft = Math.max(padLeft, 3 - padRight - 1, 3 + (neginf ? 1 : 0) - padRight - 1);
  }
  return (x) => {
    if (Number.isFinite(x)) return body(x);
    const s = Number.isNaN(x) ? (plus ? '+nan' : 'nan') : x > 0 ? (plus ? '+inf' : 'inf') : '-inf';
    return s.padStart(padLeft + padRight + 1);
  };
}

const signed = (int: string, plus: boolean): string => (plus && !int.startsWith('-') ? `+${int}` : int);

/**
 * NumPy's ComplexFloatingFormat: the real parts as floats, the imaginary parts as floats with
 * their sign always written, `j` before the imaginary part's padding (`1.+2.j`, `-0.5-1.j`).
 */
function complexFormatter(values: readonly number[], dtype: DType, precision: number): (re: number, im: number) => string {
  const part = COMPLEX_PART[dtype as 'complex64'];
  const real = floatFormatter(values.filter((_, i) => i % 2 === 0), part, precision);
  const imag = floatFormatter(values.filter((_, i) => i % 2 === 1), part, precision, true);
  return (re, im) => {
    const i = imag(im);
    const end = i.trimEnd().length;
    return `${real(re)}${i.slice(0, end)}j${i.slice(end)}`;
  };
}

/** Element `offset` of `a` printed: NumPy's formatter for its dtype, made from `values` (the ones printed). */
function elementFormatter(a: Printable, values: readonly number[], precision = PRECISION): (offset: number) => string {
  if (isComplex(a.dtype)) {
    const c = complexFormatter(values, a.dtype, precision);
    return (k) => c(a.values[2 * k], a.values[2 * k + 1]);
  }
  const f = formatter(values, a.dtype, precision);
  return (k) => f(a.values[k]);
}

function formatter(values: readonly number[], dtype: DType, precision = PRECISION): Fmt {
  // NB: NumPy's BoolFormat pads True to False's width in every array but a 0-d one (array2string's own case).
  if (dtype === 'bool') return (x) => (x !== 0 ? ' True' : 'False');
  if (isInteger(dtype)) {
    const width = Math.max(0, ...values.map((v) => String(v).length));
    return (x) => String(x).padStart(width);
  }
  return floatFormatter(values, dtype, precision);
}

function extendLine(s: string, line: string, word: string, width: number, prefix: string): [string, string] {
  if (line.length + word.length > width && line.length > prefix.length) {
    s += line.trimEnd() + '\n';
    line = prefix;
  }
  return [s, line + word];
}

/** NumPy's `_formatArray`: nested brackets, wrapping rows at the line width, `...` when summarized. */
function formatArray(a: Printable, fmt: (offset: number) => string, width: number, prefix: string, separator: string, summarize: boolean): string {
  const strides = a.shape.map((_, i) => a.shape.slice(i + 1).reduce((n, d) => n * d, 1));
  const rec = (offset: number, axis: number, indent: string, currWidth: number): string => {
    if (axis === a.shape.length) return fmt(offset);
    const nextIndent = indent + ' ';
    const nextWidth = currWidth - 1;
    const n = a.shape[axis];
    const summary = summarize && 2 * EDGEITEMS < n;
    const idx = summary ? [...Array(EDGEITEMS).keys(), -1, ...Array.from({ length: EDGEITEMS }, (_, k) => n - EDGEITEMS + k)] : [...Array(n).keys()];
    let s = '';
    if (axis === a.shape.length - 1) {
      const elemWidth = currWidth - Math.max(separator.trimEnd().length, 1);
      let line = indent;
      idx.forEach((i, k) => {
        const word = i < 0 ? '...' : rec(offset + i * strides[axis], axis + 1, nextIndent, nextWidth);
        [s, line] = extendLine(s, line, word, k === idx.length - 1 ? elemWidth : elemWidth, indent);
        if (k < idx.length - 1) line += separator;
      });
      s += line;
    } else {
      const lineSep = separator.trimEnd() + '\n'.repeat(a.shape.length - axis - 1);
      s = idx.map((i) => indent + (i < 0 ? '...' : rec(offset + i * strides[axis], axis + 1, nextIndent, nextWidth))).join(lineSep);
    }
    return '[' + s.slice(indent.length) + ']';
  };
  return rec(0, 0, prefix, width);
}

function summarizedValues(a: Printable, summarize: boolean): number[] {
  if (!summarize) return Array.from(a.values);
  const out: number[] = [];
  const strides = a.shape.map((_, i) => a.shape.slice(i + 1).reduce((n, d) => n * d, 1));
  const words = isComplex(a.dtype) ? 2 : 1;
  const walk = (offset: number, axis: number) => {
    if (axis === a.shape.length) {
      for (let w = 0; w < words; w++) out.push(a.values[words * offset + w]);
      return;
    }
    const n = a.shape[axis];
    const idx = 2 * EDGEITEMS < n ? [0, 1, 2, n - 3, n - 2, n - 1] : [...Array(n).keys()];
    for (const i of idx) walk(offset + i * strides[axis], axis + 1);
  };
  walk(0, 0);
  return out;
}

/** `np.array2string(a, prefix=..., separator=..., precision=...)`. */
export function array2string(a: Printable, options: { prefix?: string; separator?: string; suffix?: string; precision?: number } = {}): string {
  const size = a.shape.reduce((n, d) => n * d, 1);
  if (size === 0) return '[]';
  const summarize = size > THRESHOLD;
  const fmt = elementFormatter(a, summarizedValues(a, summarize), options.precision);
  if (a.shape.length === 0) return a.dtype === 'bool' ? fmt(0).trim() : fmt(0);
  const width = LINEWIDTH - (options.suffix ?? '').length;
  return formatArray(a, fmt, width, ' ' + ' '.repeat((options.prefix ?? '').length), options.separator ?? ' ', summarize);
}

/** A NumPy complex scalar's `str`: Python's complex repr of its parts' shortest digits (`(1+2j)`, `2j`). */
export function complexScalarStr(re: number, im: number, dtype: DType): string {
  const part = COMPLEX_PART[dtype as 'complex64'];
  return new PyComplex(shortest(re, part), shortest(im, part)).repr();
}

/** A NumPy scalar's `str` (`7.0`, `3`, `True`), as `str(x)` of a 0-d array prints. */
export function scalarStr(x: number, dtype: DType): string {
  if (dtype === 'bool') return x !== 0 ? 'True' : 'False';
  if (isInteger(dtype)) return String(x);
  return floatRepr(shortest(x, dtype));
}

/** `str(array)`: NumPy's `array_str`. */
export function arrayStr(a: Printable): string {
  if (a.shape.length === 0) return isComplex(a.dtype) ? complexScalarStr(a.values[0], a.values[1], a.dtype) : scalarStr(a.values[0], a.dtype);
  return array2string(a);
}

/** `repr(jax_array)`: `Array([1., 2.], dtype=float32)`, weak types marked. */
export function jaxRepr(a: Printable, weak: boolean): string {
  const prefix = 'Array(';
  const dtypeStr = `dtype=${a.dtype}${weak ? ', weak_type=True' : ''})`;
  const size = a.shape.reduce((n, d) => n * d, 1);
  if (size === 0) return `${prefix}[], shape=(${a.shape.join(', ')}${a.shape.length === 1 ? ',' : ''}), ${dtypeStr}`;
  const s = array2string(a, { prefix, suffix: ',', separator: ', ' });
  const lastLine = s.length - s.lastIndexOf('\n') + 1;
  const sep = lastLine + dtypeStr.length + 1 > LINEWIDTH ? '\n' + ' '.repeat(prefix.length) : ' ';
  return `${prefix}${s},${sep}${dtypeStr}`;
}

/** `repr(np_array)` (`np.array_repr(a, precision=...)`): `array([1., 2.])`, the dtype named unless it is NumPy's default for its kind. */
export function numpyRepr(a: Printable, precision = PRECISION): string {
  const prefix = 'array(';
  const showDtype = (a.dtype !== 'float64' && a.dtype !== 'int64' && a.dtype !== 'bool') || a.shape.reduce((n, d) => n * d, 1) === 0;
  const suffix = showDtype ? `, dtype=${a.dtype})` : ')';
  const s = array2string(a, { prefix, suffix: showDtype ? ',' : ')', separator: ', ', precision });
  if (!showDtype) return `${prefix}${s})`;
  const lastLine = s.length - s.lastIndexOf('\n') + 1;
  return lastLine + suffix.length > LINEWIDTH ? `${prefix}${s},\n${' '.repeat(prefix.length)}${suffix.slice(2)}` : `${prefix}${s}${suffix}`;
}

/** A key array as JAX prints it: its shape and dtype, then the uint32 words it overlays. */
export function keyRepr(words: ArrayLike<number>, shape: readonly number[]): string {
  const data = arrayStr({ values: Array.from(words), shape: [...shape, 2], dtype: 'uint32' });
  return `Array((${shape.join(', ')}${shape.length === 1 ? ',' : ''}), dtype=key<fry>) overlaying:\n${data}`;
}
