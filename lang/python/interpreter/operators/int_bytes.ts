/**
 * The int and float methods that read or write raw representations: `int.to_bytes`,
 * `int.from_bytes`, `int.bit_count` and `float.fromhex` (correctly rounded, as CPython's
 * float_fromhex), with CPython 3.11's defaults (length=1, byteorder='big') and words.
 */
import { bitLength, chargeChars, type HostContext, type Kwargs, pyError, type PyValue, typeName } from '../values';
import { bytesLike, PyBytes } from './bytes';
import { iterate } from './containers';
import { bindArgs } from './convert';
import { toIndex } from './conversions';

function byteorder(v: PyValue | undefined): 'big' | 'little' {
  if (v === undefined || v === 'big') return 'big';
  if (v === 'little') return 'little';
  if (typeof v !== 'string') throw pyError('TypeError', `to_bytes() argument 'byteorder' must be str, not ${typeName(v)}`);
  throw pyError('ValueError', "byteorder must be either 'little' or 'big'");
}

/** `n.to_bytes(length=1, byteorder='big', *, signed=False)`. */
export function toBytes(n: bigint, args: PyValue[], kwargs: Kwargs, ctx: HostContext): PyValue {
  const a = bindArgs('to_bytes', ['length?', 'byteorder?', '*', 'signed?'], args, kwargs, ctx);
  const length = a.has('length') ? Number(toIndex(a.get('length')!, ctx)) : 1;
  if (length < 0) throw pyError('ValueError', 'length argument must be non-negative');
  const order = byteorder(a.get('byteorder'));
  const signed = a.get('signed') === true;
  if (n < 0n && !signed) throw pyError('OverflowError', "can't convert negative int to unsigned");
  chargeChars(ctx, length);
  const bits = BigInt(length * 8);
  const fits = signed ? n >= -(1n << (bits - 1n)) && n < 1n << (bits - 1n) : n < 1n << bits;
  if (length === 0 ? n !== 0n : !fits) throw pyError('OverflowError', 'int too big to convert');
  let v = BigInt.asUintN(length * 8, n);
  const out = new Uint8Array(length);
  for (let i = length - 1; i >= 0; i--) {
    out[i] = Number(v & 0xffn);
    v >>= 8n;
  }
  if (order === 'little') out.reverse();
  return new PyBytes(out);
}

/** `int.from_bytes(bytes, byteorder='big', *, signed=False)`: bytes-like or an iterable of ints. */
export function fromBytes(args: PyValue[], kwargs: Kwargs, ctx: HostContext): PyValue {
  const a = bindArgs('from_bytes', ['bytes', 'byteorder?', '*', 'signed?'], args, kwargs, ctx);
  const source = a.required('bytes');
  let data = bytesLike(source);
  if (data === null) {
    if (typeof source === 'string') throw pyError('TypeError', 'cannot convert \'str\' object to bytes');
    const items: number[] = [];
    for (const x of iterate(source, ctx)) {
      const b = Number(toIndex(x, ctx));
      if (b < 0 || b > 255) throw pyError('ValueError', 'bytes must be in range(0, 256)');
      items.push(b);
    }
    data = Uint8Array.from(items);
  }
  chargeChars(ctx, data.length * 2);
  const bytes = byteorder(a.get('byteorder')) === 'little' ? data.slice().reverse() : data;
  let hex = '';
  for (const b of bytes) hex += b.toString(16).padStart(2, '0');
  let n = hex === '' ? 0n : BigInt(`0x${hex}`);
  if (a.get('signed') === true && data.length > 0 && n >= 1n << BigInt(data.length * 8 - 1)) n -= 1n << BigInt(data.length * 8);
  return n;
}

/** `n.bit_count()`: the ones in |n|'s binary form. */
export function bitCount(n: bigint): bigint {
  let count = 0n;
  for (const d of (n < 0n ? -n : n).toString(2)) if (d === '1') count++;
  return count;
}

const HEX_FLOAT = /^([+-]?)(?:0x)?([0-9a-f]*)(?:\.([0-9a-f]*))?(?:p([+-]?\d+))?$/i;

/** `float.fromhex(s)`: exact, rounded once to nearest-even, as CPython's float_fromhex. */
export function floatFromHex(text: string): number {
  const s = text.trim();
  const special = /^([+-]?)(inf|infinity|nan)$/i.exec(s);
  if (special) {
    const sign = special[1] === '-' ? -1 : 1;
    return special[2].toLowerCase() === 'nan' ? NaN : sign * Infinity;
  }
  const m = HEX_FLOAT.exec(s);
  if (!m || (m[2] === '' && (m[3] ?? '') === '')) throw pyError('ValueError', 'invalid hexadecimal floating-point string');
  const sign = m[1] === '-' ? -1 : 1;
  const digits = (m[2] + (m[3] ?? '')).replace(/^0+/, '');
  const exponent = (m[4] === undefined ? 0 : Number(m[4])) - 4 * (m[3] ?? '').length;
  if (digits === '') return sign * 0;
  const mantissa = BigInt(`0x${digits}`);
  const bits = bitLength(mantissa);
  const top = exponent + bits - 1;
  if (top > 1023 + 1) throw pyError('OverflowError', 'hexadecimal value too large to represent as a float');
  // Bits the result keeps: 53, fewer where it is subnormal (none or less where it rounds to 0 or 2**-1074).
  const keep = top >= -1022 ? 53 : 53 - (-1022 - top);
  let q = mantissa;
  let e = exponent;
  const shift = bits - keep;
  if (shift > 0) {
    const s = BigInt(shift);
    q = mantissa >> s;
    const rest = mantissa - (q << s);
    const half = 1n << (s - 1n);
    if (rest > half || (rest === half && (q & 1n) === 1n)) q += 1n;
    e += shift;
  }
  const value = scale(Number(q), e);
  if (!Number.isFinite(value)) throw pyError('OverflowError', 'hexadecimal value too large to represent as a float');
  return sign * value;
}

function scale(v: number, n: number): number {
  while (n > 1000) {
    v *= 2 ** 1000;
    n -= 1000;
  }
  while (n < -1000) {
    v *= 2 ** -1000;
    n += 1000;
  }
  return v * 2 ** n;
}
