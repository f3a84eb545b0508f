/**
 * Python's `complex`, as CPython 3.11's Objects/complexobject.c computes it: an int or float
 * operand becomes `complex(x, 0.0)` first (so `(1+2j) * 2.0` multiplies as two complexes),
 * division by Smith's algorithm (`_Py_c_quot`), `**` by repeated squaring for integral exponents
 * up to 100 and by polar form past them (`c_powi`, `_Py_c_pow`), `abs` by glibc's hypot;
 * `repr` drops a `+0` real part and a float's `.0` (`1j`, `(1+2j)`, `(-0-0j)`); hashes as
 * `hash(real) + 1000003 * hash(imag)`, so `1+0j` is the dict key `1` is.
 *
 * A host value (values/host.ts): the interpreter's number paths stay as they are, and a complex
 * reaches only the hooks it defines.
 */
import { libm } from '../../../../runtime/core';
import { floatRepr, formatFloat } from '../formatting';
import { pyHash } from './hashing';
import { intToFloat } from './conversions';
import {
  type BinaryOp,
  type CompareOp,
  HaltError,
  hashKey,
  type HostContext,
  HostObject,
  hostType,
  type Kwargs,
  NOT_IMPLEMENTED,
  PyBuiltin,
  pyError,
  PyInstance,
  type PyValue,
  typeName,
  type UnaryOp,
} from '../values';

export class PyComplex extends HostObject {
  constructor(
    readonly re: number,
    readonly im: number,
  ) {
    super();
  }

  get pyType() {
    return complexType;
  }

  override getattr(name: string): PyValue | undefined {
    switch (name) {
      case 'real':
        return this.re;
      case 'imag':
        return this.im;
      case 'conjugate':
        return new PyBuiltin('conjugate', () => new PyComplex(this.re, -this.im));
      case '__abs__':
        return new PyBuiltin('__abs__', () => complexAbs(this));
      case '__complex__':
      case '__copy__':
      case '__deepcopy__':
        // Immutable: copy.copy and copy.deepcopy give the value itself, as CPython's.
        return new PyBuiltin(name, () => this);
      default:
        return undefined;
    }
  }

  override binary(op: BinaryOp, other: PyValue, reflected: boolean, ctx: HostContext): PyValue {
    const o = asComplex(other);
    if (o === null) {
      if (isArray(other) && !(other as HostObject).takesComplex) complexRefusal(ctx);
      return NOT_IMPLEMENTED;
    }
    const [a, b] = reflected ? [o, this as C] : [this as C, o];
    switch (op) {
      case '+':
        return new PyComplex(a.re + b.re, a.im + b.im);
      case '-':
        return new PyComplex(a.re - b.re, a.im - b.im);
      case '*':
        return product(a, b);
      case '/': {
        const q = quotient(a, b);
        if (q === null) throw pyError('ZeroDivisionError', 'complex division by zero');
        return q;
      }
      case '**':
        return power(a, b);
      default:
        return NOT_IMPLEMENTED;
    }
  }

  override unary(op: UnaryOp): PyValue {
    if (op === '-') return new PyComplex(-this.re, -this.im);
    if (op === '+') return new PyComplex(this.re, this.im);
    throw pyError('TypeError', "bad operand type for unary ~: 'complex'");
  }

  override compare(op: CompareOp, other: PyValue): PyValue {
    if (op !== '==' && op !== '!=') return NOT_IMPLEMENTED;
    let equal: boolean;
    if (typeof other === 'bigint') equal = this.im === 0 && Number.isInteger(this.re) && BigInt(this.re) === other;
    else {
      const o = asComplex(other);
      if (o === null) return NOT_IMPLEMENTED;
      equal = this.re === o.re && this.im === o.im;
    }
    return op === '==' ? equal : !equal;
  }

  override bool(): boolean {
    return this.re !== 0 || this.im !== 0;
  }

  /** The dict key: a complex with a zero imaginary part is the key of its real part (`d[1+0j]` finds `d[1]`). */
  override valueKey(): string {
    return this.im === 0 ? hashKey(this.re)! : `c${this.re}|${this.im}`;
  }

  /** CPython's complex_hash. */
  override hashValue(ctx: HostContext): bigint {
    const combined = BigInt.asUintN(64, BigInt.asUintN(64, pyHash(this.re, ctx)) + 1000003n * BigInt.asUintN(64, pyHash(this.im, ctx)));
    const h = BigInt.asIntN(64, combined);
    return h === -1n ? -2n : h;
  }

  override repr(): string {
    if (this.re === 0 && !Object.is(this.re, -0)) return `${shortRepr(this.im)}j`;
    return `(${shortRepr(this.re)}${signed(shortRepr(this.im))}j)`;
  }

  override format(spec: string): string {
    return formatComplex(this, spec);
  }
}

type C = { readonly re: number; readonly im: number };

/** A float's repr without the `.0` CPython's complex repr leaves out (`1`, `2.5`, `1e+16`, `inf`). */
function shortRepr(x: number): string {
  const r = floatRepr(x);
  return r.endsWith('.0') ? r.slice(0, -2) : r;
}

function signed(text: string): string {
  return text.startsWith('-') ? text : `+${text}`;
}

/** An int, bool, float or complex operand as a complex; null for anything else. */
function asComplex(v: PyValue): C | null {
  switch (typeof v) {
    case 'number':
      return { re: v, im: 0 };
    case 'bigint':
      return { re: intToFloat(v), im: 0 };
    case 'boolean':
      return { re: v ? 1 : 0, im: 0 };
  }
  return v instanceof PyComplex ? v : null;
}

function product(a: C, b: C): PyComplex {
  return new PyComplex(a.re * b.re - a.im * b.im, a.re * b.im + a.im * b.re);
}

/** `_Py_c_quot`: Smith's division; null for division by zero. */
function quotient(a: C, b: C): PyComplex | null {
  const absRe = Math.abs(b.re);
  const absIm = Math.abs(b.im);
  if (absRe >= absIm) {
    if (absRe === 0) return null;
    const ratio = b.im / b.re;
    const denom = b.re + b.im * ratio;
    return new PyComplex((a.re + a.im * ratio) / denom, (a.im - a.re * ratio) / denom);
  }
  if (absIm >= absRe) {
    const ratio = b.re / b.im;
    const denom = b.re * ratio + b.im;
    return new PyComplex((a.re * ratio + a.im) / denom, (a.im * ratio - a.re) / denom);
  }
  return new PyComplex(NaN, NaN);
}

const ONE: C = { re: 1, im: 0 };

/** `c_powu`: x**n by binary powering, n >= 0. */
function powUnsigned(x: C, n: number): C {
  let r: C = ONE;
  let p: C = x;
  for (let mask = 1; mask > 0 && n >= mask; mask *= 2) {
    if (Math.floor(n / mask) % 2 === 1) r = product(r, p);
    p = product(p, p);
  }
  return r;
}

/** `complex_pow`: CPython's errors for 0 to a negative or complex power and for an overflow. */
function power(a: C, b: C): PyComplex {
  let r: C | null;
  if (b.im === 0 && b.re === Math.floor(b.re) && Math.abs(b.re) <= 100) {
    const n = b.re;
    r = n > 0 ? powUnsigned(a, n) : quotient(ONE, powUnsigned(a, -n));
  } else r = polarPower(a, b);
  if (r === null) throw pyError('ZeroDivisionError', '0.0 to a negative or complex power');
  if (Math.abs(r.re) === Infinity || Math.abs(r.im) === Infinity) throw pyError('OverflowError', 'complex exponentiation');
  return r instanceof PyComplex ? r : new PyComplex(r.re, r.im);
}

/** `a ** b` of two floats whose result is complex (a negative base, a fractional exponent). */
export function complexPower(a: number, b: number): PyComplex {
  return power({ re: a, im: 0 }, { re: b, im: 0 });
}

/** `_Py_c_pow`; null where CPython sets EDOM (0 to a negative or complex power). */
function polarPower(a: C, b: C): C | null {
  if (b.re === 0 && b.im === 0) return ONE;
  if (a.re === 0 && a.im === 0) return b.im !== 0 || b.re < 0 ? null : { re: 0, im: 0 };
  const vabs = libm.hypot(a.re, a.im);
  let len = libm.pow(vabs, b.re);
  const at = libm.atan2(a.im, a.re);
  let phase = at * b.re;
  if (b.im !== 0) {
    len /= libm.exp(at * b.im);
    phase += b.im * libm.log(vabs);
  }
  return { re: len * libm.cos(phase), im: len * libm.sin(phase) };
}

/** `_Py_c_abs` as `abs(z)` raises it. */
export function complexAbs(z: C): number {
  if (!Number.isFinite(z.re) || !Number.isFinite(z.im)) {
    if (Math.abs(z.re) === Infinity) return Infinity;
    if (Math.abs(z.im) === Infinity) return Infinity;
    return NaN;
  }
  const r = libm.hypot(z.re, z.im);
  if (!Number.isFinite(r)) throw pyError('OverflowError', 'absolute value too large');
  return r;
}

/** `format(z, spec)`: CPython's format_complex_internal, for the float presentation types. */
function formatComplex(z: PyComplex, specText: string): string {
  if (specText === '') return z.repr();
  const m = /^(?:(.)?([<>=^]))?([+\- ])?(#)?(0)?(\d+)?([,_])?(?:\.(\d+))?([eEfFgGn])?$/su.exec(specText);
  if (!m) throw pyError('ValueError', `Unknown format code '${specText.slice(-1)}' for object of type 'complex'`);
  const [, fill = ' ', align = '>', sign = '', alt = '', zero, width = '0', grouping = '', precision, typeCode] = m;
  if (zero) throw pyError('ValueError', 'Zero padding is not allowed in complex format specifier');
  if (align === '=') throw pyError('ValueError', "'=' alignment flag is not allowed in complex format specifier");
  let type = typeCode ?? '';
  let skipRe = false;
  let parens = false;
  if (type === '') {
    if (z.re === 0 && !Object.is(z.re, -0)) skipRe = true;
    else parens = true;
  }
  if (type === 'n') type = 'g';
  const part = (x: number, partSign: string) => {
    if (type === '' && precision === undefined) return (x < 0 || Object.is(x, -0) ? '' : partSign) + shortRepr(x);
    return formatFloat(x, `${partSign}${alt}${grouping}${precision !== undefined ? `.${precision}` : ''}${type || 'g'}`);
  };
  const re = skipRe ? '' : part(z.re, sign);
  const im = part(z.im, skipRe ? sign : '+');
  const body = `${parens ? '(' : ''}${re}${im}j${parens ? ')' : ''}`;
  const n = Math.max(0, Number(width) - [...body].length);
  if (align === '<') return body + fill.repeat(n);
  if (align === '^') return fill.repeat(n >> 1) + body + fill.repeat(n - (n >> 1));
  return fill.repeat(n) + body;
}

// ---------------------------------------------------------------- complex(...)

const NUMBER = String.raw`(?:(?:\d(?:_?\d)*(?:\.(?:\d(?:_?\d)*)?)?|\.\d(?:_?\d)*)(?:e[+-]?\d(?:_?\d)*)?|inf(?:inity)?|nan)`;
const REAL_TEXT = new RegExp(String.raw`^[+-]?${NUMBER}$`, 'i');
const IMAG_TEXT = new RegExp(String.raw`^([+-]?)(${NUMBER})?j$`, 'i');
const BOTH_TEXT = new RegExp(String.raw`^([+-]?${NUMBER})([+-])(${NUMBER})?j$`, 'i');

function parseNumber(sign: string, digits: string | undefined): number {
  const u = (digits ?? '1').replace(/_/g, '').toLowerCase();
  const x = u.startsWith('inf') ? Infinity : u === 'nan' ? NaN : Number(u);
  return sign === '-' ? -x : x;
}

/** `complex('1+2j')`, as complex_from_string reads it (spaces and one pair of parentheses around it). */
export function parseComplex(text: string): PyComplex {
  let s = text.trim();
  if (s.startsWith('(') && s.endsWith(')')) s = s.slice(1, -1).trim();
  if (REAL_TEXT.test(s)) return new PyComplex(parseNumber(s[0] === '-' ? '-' : '', s.replace(/^[+-]/, '')), 0);
  let m = IMAG_TEXT.exec(s);
  if (m) return new PyComplex(0, parseNumber(m[1]!, m[2]));
  m = BOTH_TEXT.exec(s);
  if (m) return new PyComplex(parseNumber(m[1]![0] === '-' ? '-' : '', m[1]!.replace(/^[+-]/, '')), parseNumber(m[2]!, m[3]));
  throw pyError('ValueError', 'complex() arg is a malformed string');
}

/** The real or imaginary argument of `complex(...)`: a number, or an object with `__complex__`/`__float__`/`__index__`. */
function operand(v: PyValue, ctx: HostContext, which: 'first' | 'second'): { readonly c: C; readonly isComplex: boolean } {
  const c = asComplex(v);
  if (c !== null) return { c, isComplex: v instanceof PyComplex };
  if (v instanceof PyInstance || v instanceof HostObject) {
    for (const name of ['__complex__', '__float__', '__index__']) {
      const f = ctx.getattr(v, name);
      if (f === undefined) continue;
      const r = ctx.call(f, []);
      if (name === '__complex__' && !(r instanceof PyComplex)) throw pyError('TypeError', `__complex__ returned non-complex (type ${typeName(r)})`);
      const got = asComplex(r);
      if (got !== null) return { c: got, isComplex: name === '__complex__' };
    }
  }
  throw pyError('TypeError', which === 'first'
    ? `complex() first argument must be a string or a number, not '${typeName(v)}'`
    : `complex() second argument must be a number, not '${typeName(v)}'`);
}

function construct(args: PyValue[], kwargs: Kwargs, ctx: HostContext): PyValue {
  if (args.length > 2) throw pyError('TypeError', `complex() takes at most 2 arguments (${args.length} given)`);
  const real = args[0] ?? kwargs.get('real');
  const imag = args[1] ?? kwargs.get('imag');
  for (const k of kwargs.keys()) if (k !== 'real' && k !== 'imag') throw pyError('TypeError', `complex() got an unexpected keyword argument '${k}'`);
  if (typeof real === 'string') {
    if (imag !== undefined) throw pyError('TypeError', "complex() can't take second arg if first is a string");
    return parseComplex(real);
  }
  if (typeof imag === 'string') throw pyError('TypeError', "complex() second arg can't be a string");
  if (real instanceof PyComplex && imag === undefined) return real;
  const r = real === undefined ? { c: { re: 0, im: 0 }, isComplex: false } : operand(real, ctx, 'first');
  if (imag === undefined) return new PyComplex(r.c.re, r.c.im);
  const i = operand(imag, ctx, 'second');
  // complex(a, b) is a + b*1j, also for complex a and b; as complex_new, a part is added only where
  // an argument was complex, so complex(-0.0, -0.0) keeps both signs.
  return new PyComplex(i.isComplex ? r.c.re - i.c.im : r.c.re, r.isComplex ? i.c.re + r.c.im : i.c.re);
}

export const complexType = hostType('complex', 'builtins', construct);

/**
 * What Gradlens's tensor libraries say to a complex value: they hold real dtypes only, so
 * `torch.tensor(1j)` and `x * 1j` are refused at the line rather than losing the imaginary part.
 */
export function complexRefusal(ctx: HostContext): never {
  throw new HaltError(
    'unsupported',
    "Gradlens does not support complex tensors or arrays (its tensors and arrays hold real dtypes only); keep complex values in Python's complex and cmath, or carry real and imaginary parts as two real tensors",
    ctx.span,
  );
}

/** A tensor or array of a library shim: a host value whose class gives its data (`arrayData`). */
function isArray(v: PyValue): boolean {
  return v instanceof HostObject && v.arrayData !== HostObject.prototype.arrayData;
}

