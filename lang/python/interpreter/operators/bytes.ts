/**
 * Python's `bytes` and `bytearray`: literals, `str.encode`/`bytes.decode` (codecs.ts), indexing to
 * ints, slicing, concatenation and repetition, comparisons, hashing (bytes only), repr as CPython
 * writes it (`b'\x00ab\n'`, `bytearray(b'...')`), `hex`/`fromhex`, `int.to_bytes`/`from_bytes`, and
 * the methods ML code uses (split, join, find, replace, count, strip, startswith, ...: the str
 * methods over the bytes read as latin-1 text, where that is what CPython computes; ASCII-only
 * where bytes differ from str: whitespace, case, the is* tests).
 *
 * Every bytes value made or scanned is charged as a str of its length (values/limits.ts), so
 * `bytes(10**9)` stops with the budget's error before it is allocated.
 */
import {
  chargeChars,
  type CompareOp,
  type BinaryOp,
  type HostContext,
  HostObject,
  hostType,
  type Kwargs,
  NOT_IMPLEMENTED,
  PyBuiltin,
  PyError,
  pyError,
  PyList,
  PySlice,
  PyTuple,
  type PyType,
  type PyValue,
  typeName,
} from '../values';
import { type BytesPercent, percentFormat } from '../formatting';
import { decode, encode, latin1 } from './codecs';
import { iterate, sliceIndices } from './containers';
import { toIndex } from './conversions';
import { callDunder } from './dunders';
import { formatHost } from './format_host';

export class PyBytes extends HostObject {
  constructor(
    public data: Uint8Array,
    readonly mutable = false,
  ) {
    super();
  }

  get pyType(): PyType {
    return this.mutable ? bytearrayType : bytesType;
  }

  /** A bytearray's room to grow: `data` is a view of its start, so appends cost what they add. */
  private store: Uint8Array | null = null;

  /** Appends to a bytearray in amortized constant time per byte, charging the bytes added. */
  appendBytes(more: Uint8Array, ctx: HostContext): void {
    chargeChars(ctx, more.length);
    const n = this.data.length;
    if (this.store === null || this.data.buffer !== this.store.buffer || this.data.byteOffset !== 0 || n + more.length > this.store.length) {
      chargeChars(ctx, n);
      const grown = new Uint8Array(Math.max(16, (n + more.length) * 2));
      grown.set(this.data);
      this.store = grown;
    }
    this.store.set(more, n);
    this.data = this.store.subarray(0, n + more.length);
  }

  /** A value of this one's type holding `data`. */
  private same(data: Uint8Array): PyBytes {
    return new PyBytes(data, this.mutable);
  }

  override getattr(name: string, ctx: HostContext): PyValue | undefined {
    const m = BYTES_METHODS[name] ?? (this.mutable ? BYTEARRAY_METHODS[name] : undefined);
    if (m) return new PyBuiltin(name, (args, kwargs) => m(this, args, kwargs, ctx), this);
    // copy.copy/deepcopy: bytes are immutable (the value itself), a bytearray is copied.
    if (name === '__copy__' || name === '__deepcopy__') return new PyBuiltin(name, () => (this.mutable ? new PyBytes(this.data.slice(), true) : this), this);
    if (!STR_SHAPED.has(name)) return undefined;
    return new PyBuiltin(name, (args, kwargs) => this.throughStr(name, args, kwargs, ctx), this);
  }

  /** A str method over the bytes as latin-1 text: arguments in, results out, converted. */
  private throughStr(name: string, args: PyValue[], kwargs: Kwargs, ctx: HostContext): PyValue {
    const text = latin1(this.data);
    chargeChars(ctx, text.length);
    const strArgs = args.map((a, i) => (typeof a === 'bigint' && i === 0 && SUBSEQUENCE_FIRST.has(name) ? String.fromCharCode(byteValue(a)) : bytesArg(a, name, i)));
    try {
      return this.fromStrResult(ctx.call(ctx.getattr(text, name), strArgs, kwargs));
    } catch (e) {
      // bytes.index words its miss as CPython's bytes do.
      if (e instanceof PyError && e.exc.args[0] === 'substring not found') throw pyError('ValueError', 'subsection not found');
      throw e;
    }
  }

  private fromStrResult(r: PyValue): PyValue {
    if (typeof r === 'string') return this.same(fromLatin1(r));
    if (r instanceof PyList) return new PyList(r.items.map((x) => this.fromStrResult(x)));
    if (r instanceof PyTuple) return new PyTuple(r.items.map((x) => this.fromStrResult(x)));
    return r;
  }

  override getitem(index: PyValue, ctx: HostContext): PyValue {
    if (index instanceof PySlice) {
      const { start, step, count } = sliceIndices(index, this.data.length, ctx);
      chargeChars(ctx, count);
      const out = new Uint8Array(count);
      for (let i = 0; i < count; i++) out[i] = this.data[start + i * step];
      return this.same(out);
    }
    const i = this.position(index, ctx);
    return BigInt(this.data[i]);
  }

  private position(index: PyValue, ctx: HostContext): number {
    if (typeof index !== 'bigint' && typeof index !== 'boolean' && !(index instanceof HostObject)) {
      throw pyError('TypeError', `${this.mutable ? 'bytearray' : 'byte'} indices must be integers or slices, not ${typeName(index)}`);
    }
    let i = Number(toIndex(index, ctx));
    if (i < 0) i += this.data.length;
    if (i < 0 || i >= this.data.length) throw pyError('IndexError', `${this.mutable ? 'bytearray ' : ''}index out of range`);
    return i;
  }

  override setitem(index: PyValue, value: PyValue, ctx: HostContext): void {
    if (!this.mutable) throw pyError('TypeError', "'bytes' object does not support item assignment");
    if (index instanceof PySlice) {
      const replacement = bytesOf(value, ctx, 'bytearray');
      const { start, stop, step, count } = sliceIndices(index, this.data.length, ctx);
      if (step === 1) {
        const end = Math.max(start, stop);
        chargeChars(ctx, this.data.length + replacement.length);
        this.data = concat([this.data.subarray(0, start), replacement, this.data.subarray(end)]);
        return;
      }
      if (replacement.length !== count) throw pyError('ValueError', `attempt to assign bytes of size ${replacement.length} to extended slice of size ${count}`);
      for (let i = 0; i < count; i++) this.data[start + i * step] = replacement[i];
      return;
    }
    this.data[this.position(index, ctx)] = byteValue(value, ctx);
  }

  override len(): number {
    return this.data.length;
  }

  override *iter(ctx: HostContext): Iterable<PyValue> {
    for (let i = 0; i < this.data.length; i++) {
      if ((i & 1023) === 1023) ctx.tick(64);
      yield BigInt(this.data[i]);
    }
  }

  override contains(item: PyValue, ctx: HostContext): PyValue {
    if (typeof item === 'bigint' || typeof item === 'boolean') return this.data.includes(byteValue(item, ctx));
    const sub = bytesLike(item);
    if (sub === null) throw pyError('TypeError', `a bytes-like object is required, not '${typeName(item)}'`);
    chargeChars(ctx, this.data.length);
    return latin1(this.data).includes(latin1(sub));
  }

  override bool(): boolean {
    return this.data.length > 0;
  }

  override binary(op: BinaryOp, other: PyValue, reflected: boolean, ctx: HostContext): PyValue {
    if (op === '+') {
      const o = bytesLike(other);
      if (o === null) {
        if (reflected) return NOT_IMPLEMENTED;
        throw pyError('TypeError', `can't concat ${typeName(other)} to ${this.pyType.name}`);
      }
      chargeChars(ctx, this.data.length + o.length);
      return this.same(reflected ? concat([o, this.data]) : concat([this.data, o]));
    }
    if (op === '*' && (typeof other === 'bigint' || typeof other === 'boolean')) {
      const n = Math.max(0, Number(other));
      chargeChars(ctx, n * this.data.length);
      const out = new Uint8Array(n * this.data.length);
      for (let i = 0; i < n; i++) out.set(this.data, i * this.data.length);
      return this.same(out);
    }
    if (op === '%' && !reflected) {
      const text = percentFormat(latin1(this.data), other, formatHost(ctx), bytesPercent(ctx));
      chargeChars(ctx, text.length);
      return this.same(fromLatin1(text));
    }
    return NOT_IMPLEMENTED;
  }

  override inplace(op: BinaryOp, other: PyValue, ctx: HostContext): PyValue {
    if (!this.mutable) return NOT_IMPLEMENTED;
    if (op === '+') {
      const o = bytesLike(other);
      if (o === null) throw pyError('TypeError', `can't concat ${typeName(other)} to bytearray`);
      this.appendBytes(o.slice(), ctx);
      return this;
    }
    if (op === '*') {
      const r = this.binary(op, other, false, ctx);
      if (r instanceof PyBytes) this.data = r.data;
      return r === NOT_IMPLEMENTED ? r : this;
    }
    return NOT_IMPLEMENTED;
  }

  override compare(op: CompareOp, other: PyValue, ctx: HostContext): PyValue {
    const o = bytesLike(other);
    if (o === null) {
      if (op === '==') return false;
      if (op === '!=') return true;
      return NOT_IMPLEMENTED;
    }
    chargeChars(ctx, Math.min(this.data.length, o.length));
    const c = compareBytes(this.data, o);
    switch (op) {
      case '==': return c === 0;
      case '!=': return c !== 0;
      case '<': return c < 0;
      case '<=': return c <= 0;
      case '>': return c > 0;
      case '>=': return c >= 0;
    }
  }

  override valueKey(): string | null {
    return this.mutable ? null : `b${latin1(this.data)}`;
  }

  override repr(): string {
    const text = bytesRepr(this.data);
    return this.mutable ? `bytearray(${text})` : text;
  }
}

/** `%` formatting's rules for a bytes template (PEP 461), with CPython's messages. */
function bytesPercent(ctx: HostContext): BytesPercent {
  return {
    bytes: (v) => {
      const b = bytesLike(v) ?? bytesLike(callDunder(v, '__bytes__', [], ctx) ?? null);
      if (b === null) throw pyError('TypeError', `%b requires a bytes-like object, or an object that implements __bytes__, not '${typeName(v)}'`);
      return latin1(b);
    },
    char: (v) => {
      const b = bytesLike(v);
      if (b !== null && b.length === 1) return String.fromCharCode(b[0]);
      if (typeof v === 'bigint' || typeof v === 'boolean') {
        const n = Number(v);
        if (n >= 0 && n < 256) return String.fromCharCode(n);
        throw pyError('OverflowError', '%c arg not in range(256)');
      }
      throw pyError('TypeError', '%c requires an integer in range(256) or a single byte');
    },
    key: (name) => new PyBytes(fromLatin1(name)),
  };
}

/** The bytes of a bytes-like value (bytes, bytearray), null for anything else. */
export function bytesLike(v: PyValue): Uint8Array | null {
  return v instanceof PyBytes ? v.data : null;
}

function bytesArg(v: PyValue, method: string, _at: number): PyValue {
  const b = bytesLike(v);
  if (b !== null) return latin1(b);
  if (v instanceof PyTuple && (method === 'startswith' || method === 'endswith')) return new PyTuple(v.items.map((x) => bytesArg(x, method, 0)));
  if (typeof v === 'string') {
    if (method === 'startswith' || method === 'endswith') throw pyError('TypeError', `${method} first arg must be bytes or a tuple of bytes, not str`);
    throw pyError('TypeError', `a bytes-like object is required, not 'str'`);
  }
  return v;
}

/** Methods whose first argument may be one byte's int value (`b.find(0x0a)`, `b.count(32)`). */
const SUBSEQUENCE_FIRST = new Set(['count', 'find', 'rfind', 'index', 'rindex']);

/** The str methods CPython's bytes share, computed on the latin-1 text (same bytes, same result). */
const STR_SHAPED = new Set([
  'count', 'find', 'rfind', 'index', 'rindex', 'startswith', 'endswith', 'replace', 'partition', 'rpartition',
  'removeprefix', 'removesuffix', 'center', 'ljust', 'rjust', 'zfill', 'expandtabs',
]);

function byteValue(v: PyValue, ctx?: HostContext): number {
  if (typeof v !== 'bigint' && typeof v !== 'boolean' && !(v instanceof HostObject && ctx)) {
    throw pyError('TypeError', `'${typeName(v)}' object cannot be interpreted as an integer`);
  }
  const n = typeof v === 'bigint' ? v : typeof v === 'boolean' ? (v ? 1n : 0n) : toIndex(v, ctx!);
  if (n < 0n || n > 255n) throw pyError('ValueError', 'byte must be in range(0, 256)');
  return Number(n);
}

function concat(parts: readonly Uint8Array[]): Uint8Array {
  const out = new Uint8Array(parts.reduce((n, p) => n + p.length, 0));
  let at = 0;
  for (const p of parts) {
    out.set(p, at);
    at += p.length;
  }
  return out;
}

function compareBytes(a: Uint8Array, b: Uint8Array): number {
  const n = Math.min(a.length, b.length);
  for (let i = 0; i < n; i++) if (a[i] !== b[i]) return a[i] - b[i];
  return a.length - b.length;
}

export function fromLatin1(s: string): Uint8Array {
  const out = new Uint8Array(s.length);
  for (let i = 0; i < s.length; i++) out[i] = s.charCodeAt(i);
  return out;
}

/** `b'...'` as CPython's bytes_repr writes it: single quotes unless the bytes hold ' and no ". */
export function bytesRepr(data: Uint8Array): string {
  const quote = data.includes(0x27) && !data.includes(0x22) ? '"' : "'";
  let body = '';
  for (const b of data) {
    if (b === 0x27 && quote === "'") body += "\\'";
    else if (b === 0x5c) body += '\\\\';
    else if (b === 0x09) body += '\\t';
    else if (b === 0x0a) body += '\\n';
    else if (b === 0x0d) body += '\\r';
    else if (b < 0x20 || b >= 0x7f) body += `\\x${b.toString(16).padStart(2, '0')}`;
    else body += String.fromCharCode(b);
  }
  return `b${quote}${body}${quote}`;
}

/** The bytes of `bytes(x)` / `bytearray(x)` / `b.join`'s items: a bytes-like value, an int count, or an iterable of ints. */
function bytesOf(v: PyValue, ctx: HostContext, what: 'bytes' | 'bytearray'): Uint8Array {
  const b = bytesLike(v);
  if (b !== null) return b.slice();
  if (typeof v === 'string') throw pyError('TypeError', 'string argument without an encoding');
  if (typeof v === 'bigint' || typeof v === 'boolean') {
    const n = Number(typeof v === 'boolean' ? (v ? 1n : 0n) : v);
    if (n < 0) throw pyError('ValueError', 'negative count');
    chargeChars(ctx, n);
    return new Uint8Array(n);
  }
  if (v === null || typeof v === 'number') throw pyError('TypeError', `cannot convert '${typeName(v)}' object to ${what}`);
  let items: Iterable<PyValue>;
  try {
    items = iterate(v, ctx);
  } catch {
    throw pyError('TypeError', `cannot convert '${typeName(v)}' object to ${what}`);
  }
  const out: number[] = [];
  for (const x of items) {
    if (typeof x !== 'bigint' && typeof x !== 'boolean') throw pyError('TypeError', `'${typeName(x)}' object cannot be interpreted as an integer`);
    const n = typeof x === 'boolean' ? (x ? 1 : 0) : Number(x);
    if (n < 0 || n > 255) throw pyError('ValueError', what === 'bytes' ? 'bytes must be in range(0, 256)' : 'byte must be in range(0, 256)');
    out.push(n);
  }
  return Uint8Array.from(out);
}


const ASCII_SPACE = ' \t\n\r\x0b\x0c';

function asciiSplit(data: Uint8Array, maxsplit: number): Uint8Array[] {
  const out: Uint8Array[] = [];
  let i = 0;
  const n = data.length;
  const space = (b: number) => ASCII_SPACE.includes(String.fromCharCode(b));
  while (i < n) {
    while (i < n && space(data[i])) i++;
    if (i >= n) break;
    if (maxsplit >= 0 && out.length === maxsplit) {
      let end = n;
      while (end > i && space(data[end - 1])) end--;
      out.push(data.slice(i, end));
      break;
    }
    const start = i;
    while (i < n && !space(data[i])) i++;
    out.push(data.slice(start, i));
  }
  return out;
}

function strip(data: Uint8Array, chars: Uint8Array | null, left: boolean, right: boolean): Uint8Array {
  const drop = (b: number) => (chars === null ? ASCII_SPACE.includes(String.fromCharCode(b)) : chars.includes(b));
  let start = 0;
  let end = data.length;
  if (left) while (start < end && drop(data[start])) start++;
  if (right) while (end > start && drop(data[end - 1])) end--;
  return data.slice(start, end);
}

function mapAscii(data: Uint8Array, f: (b: number) => number): Uint8Array {
  return data.map(f);
}

const upper = (b: number) => (b >= 0x61 && b <= 0x7a ? b - 32 : b);
const lower = (b: number) => (b >= 0x41 && b <= 0x5a ? b + 32 : b);

function asciiTest(data: Uint8Array, re: RegExp): boolean {
  return data.length > 0 && re.test(latin1(data));
}

type BytesMethod = (self: PyBytes, args: PyValue[], kwargs: Kwargs, ctx: HostContext) => PyValue;

function args(name: string, spec: readonly string[], a: PyValue[], kwargs: Kwargs): (PyValue | undefined)[] {
  if (a.length > spec.length) throw pyError('TypeError', `${name}() takes at most ${spec.length} argument${spec.length === 1 ? '' : 's'} (${a.length} given)`);
  return spec.map((p, i) => (i < a.length ? a[i] : kwargs.get(p)));
}

function sepArg(v: PyValue | undefined): Uint8Array | null {
  if (v === undefined || v === null) return null;
  const b = bytesLike(v);
  if (b === null) throw pyError('TypeError', `a bytes-like object is required, not '${typeName(v)}'`);
  return b;
}

const BYTES_METHODS: Readonly<Record<string, BytesMethod>> = Object.assign(Object.create(null) as Record<string, BytesMethod>, {
  decode: (self: PyBytes, a: PyValue[], kw: Kwargs, ctx: HostContext) => {
    const [encoding, errors] = args('decode', ['encoding', 'errors'], a, kw);
    return decode(self.data, typeof encoding === 'string' ? encoding : 'utf-8', typeof errors === 'string' ? errors : 'strict', ctx);
  },
  hex: (self: PyBytes, a: PyValue[], kw: Kwargs, ctx: HostContext) => {
    const [sep, per] = args('hex', ['sep', 'bytes_per_sep'], a, kw);
    chargeChars(ctx, self.data.length * 3);
    const digits = [...self.data].map((b) => b.toString(16).padStart(2, '0'));
    if (sep === undefined) return digits.join('');
    const s = typeof sep === 'string' ? sep : latin1(sepArg(sep) ?? new Uint8Array());
    if (s.length !== 1) throw pyError('ValueError', 'sep must be length 1.');
    const every = per === undefined ? 1 : Number(per);
    if (every === 0) return digits.join('');
    const step = Math.abs(every);
    const groups: string[] = [];
    // A positive bytes_per_sep counts groups from the right, a negative one from the left.
    if (every > 0) for (let end = digits.length; end > 0; end -= step) groups.unshift(digits.slice(Math.max(0, end - step), end).join(''));
    else for (let start = 0; start < digits.length; start += step) groups.push(digits.slice(start, start + step).join(''));
    return groups.join(s);
  },
  join: (self: PyBytes, a: PyValue[], _kw: Kwargs, ctx: HostContext) => {
    if (a.length !== 1) throw pyError('TypeError', `join() takes exactly one argument (${a.length} given)`);
    const parts: Uint8Array[] = [];
    let i = 0;
    for (const item of iterate(a[0], ctx)) {
      const b = bytesLike(item);
      if (b === null) throw pyError('TypeError', `sequence item ${i}: expected a bytes-like object, ${typeName(item)} found`);
      if (parts.length) parts.push(self.data);
      parts.push(b);
      i++;
    }
    const out = concat(parts);
    chargeChars(ctx, out.length);
    return new PyBytes(out, self.mutable);
  },
  split: (self: PyBytes, a: PyValue[], kw: Kwargs, ctx: HostContext) => splitMethod(self, a, kw, ctx, false),
  rsplit: (self: PyBytes, a: PyValue[], kw: Kwargs, ctx: HostContext) => splitMethod(self, a, kw, ctx, true),
  strip: (self: PyBytes, a: PyValue[]) => new PyBytes(strip(self.data, sepArg(a[0]), true, true), self.mutable),
  lstrip: (self: PyBytes, a: PyValue[]) => new PyBytes(strip(self.data, sepArg(a[0]), true, false), self.mutable),
  rstrip: (self: PyBytes, a: PyValue[]) => new PyBytes(strip(self.data, sepArg(a[0]), false, true), self.mutable),
  upper: (self: PyBytes) => new PyBytes(mapAscii(self.data, upper), self.mutable),
  lower: (self: PyBytes) => new PyBytes(mapAscii(self.data, lower), self.mutable),
  isdigit: (self: PyBytes) => asciiTest(self.data, /^[0-9]+$/),
  isalpha: (self: PyBytes) => asciiTest(self.data, /^[A-Za-z]+$/),
  isalnum: (self: PyBytes) => asciiTest(self.data, /^[A-Za-z0-9]+$/),
  isspace: (self: PyBytes) => asciiTest(self.data, /^[ \t\n\r\x0b\x0c]+$/),
  isupper: (self: PyBytes) => /[A-Z]/.test(latin1(self.data)) && !/[a-z]/.test(latin1(self.data)),
  islower: (self: PyBytes) => /[a-z]/.test(latin1(self.data)) && !/[A-Z]/.test(latin1(self.data)),
  isascii: (self: PyBytes) => self.data.every((b) => b < 0x80),
  splitlines: (self: PyBytes, a: PyValue[], kw: Kwargs) => {
    const [keepends] = args('splitlines', ['keepends'], a, kw);
    const text = latin1(self.data);
    const out: PyBytes[] = [];
    const re = /\r\n|\r|\n/g;
    let at = 0;
    for (let m = re.exec(text); m; m = re.exec(text)) {
      out.push(new PyBytes(fromLatin1(text.slice(at, keepends === true ? m.index + m[0].length : m.index)), self.mutable));
      at = m.index + m[0].length;
    }
    if (at < text.length) out.push(new PyBytes(fromLatin1(text.slice(at)), self.mutable));
    return new PyList(out);
  },
});

function splitMethod(self: PyBytes, a: PyValue[], kw: Kwargs, ctx: HostContext, reverse: boolean): PyValue {
  const [sep, maxsplitArg] = args(reverse ? 'rsplit' : 'split', ['sep', 'maxsplit'], a, kw);
  const maxsplit = maxsplitArg === undefined ? -1 : Number(toIndex(maxsplitArg, ctx));
  chargeChars(ctx, self.data.length);
  const s = sepArg(sep);
  if (s === null) {
    if (reverse && maxsplit >= 0) {
      const parts = asciiSplit(self.data.slice().reverse(), maxsplit).map((p) => p.reverse()).reverse();
      return new PyList(parts.map((p) => new PyBytes(p, self.mutable)));
    }
    return new PyList(asciiSplit(self.data, maxsplit).map((p) => new PyBytes(p, self.mutable)));
  }
  if (s.length === 0) throw pyError('ValueError', 'empty separator');
  const r = ctx.call(ctx.getattr(latin1(self.data), reverse ? 'rsplit' : 'split'), [latin1(s), BigInt(maxsplit)]);
  return new PyList((r as PyList).items.map((x) => new PyBytes(fromLatin1(x as string), self.mutable)));
}

const BYTEARRAY_METHODS: Readonly<Record<string, BytesMethod>> = Object.assign(Object.create(null) as Record<string, BytesMethod>, {
  append: (self: PyBytes, a: PyValue[], _kw: Kwargs, ctx: HostContext) => {
    if (a.length !== 1) throw pyError('TypeError', `bytearray.append() takes exactly one argument (${a.length} given)`);
    self.appendBytes(Uint8Array.of(byteValue(a[0], ctx)), ctx);
    return null;
  },
  extend: (self: PyBytes, a: PyValue[], _kw: Kwargs, ctx: HostContext) => {
    if (typeof a[0] === 'string') throw pyError('TypeError', "'str' object cannot be interpreted as an integer");
    self.appendBytes(bytesOf(a[0], ctx, 'bytearray'), ctx);
    return null;
  },
  pop: (self: PyBytes, a: PyValue[], _kw: Kwargs, ctx: HostContext) => {
    if (self.data.length === 0) throw pyError('IndexError', 'pop from empty bytearray');
    let i = a.length ? Number(toIndex(a[0], ctx)) : -1;
    if (i < 0) i += self.data.length;
    if (i < 0 || i >= self.data.length) throw pyError('IndexError', 'pop index out of range');
    const v = self.data[i];
    self.data = concat([self.data.subarray(0, i), self.data.subarray(i + 1)]);
    return BigInt(v);
  },
  clear: (self: PyBytes) => {
    self.data = new Uint8Array();
    return null;
  },
  copy: (self: PyBytes) => new PyBytes(self.data.slice(), true),
  reverse: (self: PyBytes) => {
    self.data.reverse();
    return null;
  },
});

function construct(mutable: boolean) {
  const what = mutable ? 'bytearray' : 'bytes';
  return (a: PyValue[], kwargs: Kwargs, ctx: HostContext): PyValue => {
    const [source, encoding, errors] = args(what, ['source', 'encoding', 'errors'], a, kwargs);
    if (source === undefined) return new PyBytes(new Uint8Array(), mutable);
    if (typeof source === 'string') {
      if (typeof encoding !== 'string') throw pyError('TypeError', encoding === undefined ? 'string argument without an encoding' : `${what}() argument 'encoding' must be str, not ${typeName(encoding)}`);
      return new PyBytes(encode(source, encoding, typeof errors === 'string' ? errors : 'strict', ctx), mutable);
    }
    if (encoding !== undefined) throw pyError('TypeError', 'encoding without a string argument');
    if (!mutable && source instanceof PyBytes && !source.mutable) return source;
    return new PyBytes(bytesOf(source, ctx, what), mutable);
  };
}

export const bytesType = hostType('bytes', 'builtins', construct(false));
export const bytearrayType = hostType('bytearray', 'builtins', construct(true));

/** `bytes.fromhex('de ad')`: hex digit pairs, spaces between pairs allowed, as CPython reads them. */
function fromhex(mutable: boolean) {
  return new PyBuiltin('fromhex', (a, _kw, ctx) => {
    const s = a[0];
    if (typeof s !== 'string') throw pyError('TypeError', `fromhex() argument must be str, not ${typeName(s ?? null)}`);
    chargeChars(ctx, s.length);
    const out: number[] = [];
    let i = 0;
    while (i < s.length) {
      if (/\s/.test(s[i]) && s[i] !== '\u00a0') {
        i++;
        continue;
      }
      const pair = s.slice(i, i + 2);
      if (!/^[0-9a-fA-F]{2}$/.test(pair)) {
        const at = /^[0-9a-fA-F]$/.test(s[i]) ? i + 1 : i;
        throw pyError('ValueError', `non-hexadecimal number found in fromhex() arg at position ${at}`);
      }
      out.push(parseInt(pair, 16));
      i += 2;
    }
    return new PyBytes(Uint8Array.from(out), mutable);
  });
}
bytesType.attrs.set('fromhex', fromhex(false));
bytearrayType.attrs.set('fromhex', fromhex(true));

