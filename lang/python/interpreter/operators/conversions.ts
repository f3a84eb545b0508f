/**
 * Numbers between Python's types: `float(v)`, `int(v)`, `operator.index(v)`, the int and float literals
 * `int()` and `float()` parse, and the key a dict or set stores a value under.
 */
import {
  checkDecimalDigits,
  checkIntBits,
  type HostContext,
  HostObject,
  pyError,
  PyInstance,
  type PyValue,
  typeName,
} from '../values';
import { callDunder } from './dunders';
import { strRepr } from './repr';

export function isInt(v: PyValue): v is bigint | boolean {
  return typeof v === 'bigint' || typeof v === 'boolean';
}

export function isNumber(v: PyValue): v is bigint | boolean | number {
  return typeof v === 'bigint' || typeof v === 'number' || typeof v === 'boolean';
}

export function asBig(v: bigint | boolean): bigint {
  return typeof v === 'boolean' ? (v ? 1n : 0n) : v;
}

/** int -> float, as Python: OverflowError past the float range. */
export function intToFloat(v: bigint): number {
  const f = Number(v);
  if (!Number.isFinite(f)) throw pyError('OverflowError', 'int too large to convert to float');
  return f;
}

/** `float(v)`. */
export function toFloat(v: PyValue, ctx: HostContext): number {
  switch (typeof v) {
    case 'number':
      return v;
    case 'bigint':
      return intToFloat(v);
    case 'boolean':
      return v ? 1 : 0;
    case 'string':
      return parseFloatLiteral(v);
  }
  if (v instanceof HostObject) return v.float(ctx);
  if (v instanceof PyInstance) {
    const f = callDunder(v, '__float__', [], ctx);
    if (typeof f === 'number') return f;
    // A str subclass's instance reads as its str.
    if (typeof v.standsFor === 'string') return parseFloatLiteral(v.standsFor);
  }
  throw pyError('TypeError', `float() argument must be a string or a real number, not '${typeName(v)}'`);
}

// float('-nan') is the NaN with its sign bit set, as CPython parses it (math.copysign reads it).
const NEGATIVE_NAN = (() => {
  const word = new Float64Array([NaN]);
  new Uint8Array(word.buffer)[7]! |= 0x80;
  return word[0]!;
})();

export function parseFloatLiteral(text: string): number {
  const s = text.trim().toLowerCase();
  const m = /^([+-]?)(inf|infinity|nan|(?:\d(?:_?\d)*)?(?:\.(?:\d(?:_?\d)*)?)?(?:e[+-]?\d(?:_?\d)*)?)$/.exec(s);
  if (m && m[2] !== '' && m[2] !== '.' && !/^\.?e/.test(m[2])) {
    const sign = m[1] === '-' ? -1 : 1;
    if (m[2] === 'inf' || m[2] === 'infinity') return sign * Infinity;
    if (m[2] === 'nan') return sign < 0 ? NEGATIVE_NAN : NaN;
    return sign * Number(m[2].replace(/_/g, ''));
  }
  throw pyError('ValueError', `could not convert string to float: ${strRepr(text)}`);
}

/** `int(v)`: truncates floats. */
export function toInt(v: PyValue, ctx: HostContext): bigint {
  switch (typeof v) {
    case 'bigint':
      return v;
    case 'boolean':
      return v ? 1n : 0n;
    case 'number':
      if (Number.isNaN(v)) throw pyError('ValueError', 'cannot convert float NaN to integer');
      if (!Number.isFinite(v)) throw pyError('OverflowError', 'cannot convert float infinity to integer');
      return BigInt(Math.trunc(v));
    case 'string':
      return parseIntLiteral(v, 10);
  }
  if (v instanceof HostObject) return v.int(ctx);
  if (v instanceof PyInstance) {
    const i = callDunder(v, '__int__', [], ctx) ?? callDunder(v, '__index__', [], ctx);
    if (typeof i === 'bigint') return i;
    if (typeof v.standsFor === 'string') return parseIntLiteral(v.standsFor, 10);
  }
  throw pyError('TypeError', `int() argument must be a string, a bytes-like object or a real number, not '${typeName(v)}'`);
}

export function parseIntLiteral(text: string, base: number): bigint {
  let s = text.trim().replace(/(?<=[0-9a-zA-Z])_(?=[0-9a-zA-Z])/g, '');
  let neg = false;
  if (s.startsWith('-') || s.startsWith('+')) {
    neg = s[0] === '-';
    s = s.slice(1);
  }
  let b = base;
  const prefix = /^0([xob])/i.exec(s);
  if (prefix && (base === 0 || base === { x: 16, o: 8, b: 2 }[prefix[1].toLowerCase()])) {
    b = { x: 16, o: 8, b: 2 }[prefix[1].toLowerCase() as 'x' | 'o' | 'b'];
    s = s.slice(2);
  } else if (base === 0) b = 10;
  // CPython limits every base but the powers of two; 2, 8 and 16 parse natively, in linear time.
  if (b !== 2 && b !== 8 && b !== 16) checkDecimalDigits(s.length);
  const digits = '0123456789abcdefghijklmnopqrstuvwxyz'.slice(0, b);
  if (s === '' || ![...s.toLowerCase()].every((c) => digits.includes(c)) || (base === 0 && b === 10 && /^0+[1-9]/.test(s))) {
    throw pyError('ValueError', `invalid literal for int() with base ${base}: ${strRepr(text)}`);
  }
  let n = 0n;
  if (b === 2 || b === 8 || b === 16) {
    checkIntBits(s.length * Math.log2(b), `int() of ${s.length} digits`);
    n = BigInt(`0${{ 2: 'b', 8: 'o', 16: 'x' }[b]}${s}`);
  }
  else {
    const B = BigInt(b);
    for (const c of s.toLowerCase()) n = n * B + BigInt(digits.indexOf(c));
  }
  return neg ? -n : n;
}

/** `operator.index(v)`: what may index a sequence or size a range. */
export function toIndex(v: PyValue, ctx: HostContext, message?: string): bigint {
  if (typeof v === 'bigint') return v;
  if (typeof v === 'boolean') return v ? 1n : 0n;
  if (v instanceof HostObject) return v.index(ctx);
  if (v instanceof PyInstance) {
    const i = callDunder(v, '__index__', [], ctx);
    if (typeof i === 'bigint') return i;
  }
  throw pyError('TypeError', message ?? `'${typeName(v)}' object cannot be interpreted as an integer`);
}
