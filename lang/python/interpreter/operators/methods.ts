/**
 * Methods and attributes of the builtin types: `str.split`, `list.append`,
 * `dict.items`, `float.is_integer`, ... Each access makes a bound builtin.
 */
import { bindArgs } from './convert';
import {
  keyError,
  pyError,
  type HostContext,
  PyBuiltin,
  nameTable,
  PyDict,
  PyDictView,
  PyInstance,
  PyIterator,
  PyList,
  PyRange,
  PySet,
  PySlice,
  PyTuple,
  type Kwargs,
  type PyValue,
  chargeChars,
  chargeItems,
  chargeMoves,
  setOrder,
  typeName,
} from '../values';
import { strFormat } from '../formatting';
import { PyBytes } from './bytes';
import { encode } from './codecs';
import { bitCount, toBytes } from './int_bytes';
import { numberDunder } from './number_dunders';
import { setOp } from './arithmetic';
import { compares, contains, eq } from './comparison';
import { extendList, iterate, len, sliceIndices } from './containers';
import { toIndex } from './conversions';
import { dictKey } from './hashing';
import { formatHost } from './format_host';
import { truthy } from './repr';

type Method<T> = (self: T, args: PyValue[], kwargs: Kwargs, ctx: HostContext) => PyValue;

function bound<T extends PyValue>(self: T, name: string, m: Method<T>): PyBuiltin {
  return new PyBuiltin(name, (args, kwargs, ctx) => m(self, args, kwargs, ctx), self);
}

function noKwargs(name: string, kwargs: Kwargs): void {
  if (kwargs.size) throw pyError('TypeError', `${name}() takes no keyword arguments`);
}

function arity(name: string, args: PyValue[], min: number, max = min): void {
  if (args.length < min || args.length > max) {
    if (max === 0) throw pyError('TypeError', `${name}() takes no arguments (${args.length} given)`);
    if (min === max) throw pyError('TypeError', `${name}() takes exactly ${min === 1 ? 'one argument' : `${min} arguments`} (${args.length} given)`);
    if (args.length < min) throw pyError('TypeError', `${name} expected at least ${min} argument${min > 1 ? 's' : ''}, got ${args.length}`);
    throw pyError('TypeError', `${name} expected at most ${max} argument${max > 1 ? 's' : ''}, got ${args.length}`);
  }
}

function simple<T extends PyValue>(min: number, max: number, f: (self: T, args: PyValue[], ctx: HostContext) => PyValue, typeLabel: string): (self: T, name: string) => PyBuiltin {
  return (self, name) =>
    bound(self, name, (s, args, kwargs, ctx) => {
      noKwargs(`${typeLabel}.${name}`, kwargs);
      arity(name, args, min, max);
      // Every str method reads its string through once at least.
      if (typeof s === 'string') chargeChars(ctx, s.length);
      return f(s, args, ctx);
    });
}

// ---------------------------------------------------------------- str

function str(v: PyValue, what: string): string {
  if (typeof v !== 'string') throw pyError('TypeError', `${what} must be str, not ${typeName(v)}`);
  return v;
}

function optChars(v: PyValue | undefined): string | null {
  if (v === undefined || v === null) return null;
  return str(v, 'argument');
}

function stripChars(s: string, chars: string | null, left: boolean, right: boolean): string {
  const set = chars ?? ' \t\n\r\f\v';
  let a = 0;
  let b = s.length;
  if (left) while (a < b && set.includes(s[a])) a++;
  if (right) while (b > a && set.includes(s[b - 1])) b--;
  return s.slice(a, b);
}

function splitWhitespace(s: string, maxsplit: number, ctx: HostContext): string[] {
  const out: string[] = [];
  let i = 0;
  const ws = /\s/;
  while (i < s.length) {
    ctx.tick();
    while (i < s.length && ws.test(s[i])) i++;
    if (i >= s.length) break;
    if (maxsplit >= 0 && out.length === maxsplit) {
      out.push(s.slice(i).replace(/\s+$/, ''));
      return out;
    }
    let j = i;
    while (j < s.length && !ws.test(s[j])) j++;
    out.push(s.slice(i, j));
    i = j;
  }
  return out;
}

/** How many pieces `s.split(sep)` makes, charged before they are made. */
function chargeParts(s: string, sep: string, ctx: HostContext): void {
  let n = 1;
  for (let i = s.indexOf(sep); i >= 0; i = s.indexOf(sep, i + sep.length)) n++;
  chargeItems(ctx, n);
}

function strSplit(s: string, sep: string | null, maxsplit: number, ctx: HostContext): string[] {
  chargeChars(ctx, s.length);
  if (sep === null) return splitWhitespace(s, maxsplit, ctx);
  if (sep === '') throw pyError('ValueError', 'empty separator');
  chargeParts(s, sep, ctx);
  const parts = s.split(sep);
  if (maxsplit < 0 || parts.length <= maxsplit + 1) return parts;
  return [...parts.slice(0, maxsplit), parts.slice(maxsplit).join(sep)];
}

function strRsplit(s: string, sep: string | null, maxsplit: number, ctx: HostContext): string[] {
  if (maxsplit < 0) return strSplit(s, sep, -1, ctx);
  chargeChars(ctx, s.length);
  if (sep === null) {
    const rev = splitWhitespace([...s].reverse().join(''), maxsplit, ctx);
    return rev.map((p) => [...p].reverse().join('')).reverse();
  }
  if (sep !== '') chargeParts(s, sep, ctx);
  const parts = s.split(sep);
  if (parts.length <= maxsplit + 1) return parts;
  const keep = parts.length - maxsplit;
  return [parts.slice(0, keep).join(sep), ...parts.slice(keep)];
}

/** Clamped [start, end) from optional Python indices. */
function range(s: string, args: PyValue[], from: number, ctx: HostContext): [number, number] {
  const n = s.length;
  const norm = (v: PyValue | undefined, d: number) => {
    if (v === undefined || v === null) return d;
    let i = Number(toIndex(v, ctx));
    if (i < 0) i = Math.max(0, i + n);
    return Math.min(i, n);
  };
  return [norm(args[from], 0), norm(args[from + 1], n)];
}

function findIn(s: string, args: PyValue[], ctx: HostContext, reverse: boolean): number {
  const sub = str(args[0], 'argument');
  const [a, b] = range(s, args, 1, ctx);
  const hay = s.slice(a, b);
  const i = reverse ? hay.lastIndexOf(sub) : hay.indexOf(sub);
  return i < 0 ? -1 : i + a;
}

function cased(s: string, test: (ch: string) => boolean): boolean {
  let any = false;
  for (const ch of s) {
    if (ch.toLowerCase() !== ch.toUpperCase()) {
      any = true;
      if (!test(ch)) return false;
    }
  }
  return any;
}

function pad(s: string, args: PyValue[], ctx: HostContext, where: 'left' | 'right' | 'center'): string {
  const width = Number(toIndex(args[0], ctx));
  chargeChars(ctx, width);
  const fill = args[1] === undefined ? ' ' : str(args[1], 'The fill character');
  if (fill.length !== 1) throw pyError('TypeError', 'The fill character must be exactly one character long');
  const n = width - s.length;
  if (n <= 0) return s;
  if (where === 'left') return s + fill.repeat(n);
  if (where === 'right') return fill.repeat(n) + s;
  // CPython puts the extra fill on the left when the string's length is odd.
  const left = Math.floor(n / 2) + (n & width & 1);
  return fill.repeat(left) + s + fill.repeat(n - left);
}

const STR_METHODS = nameTable<(self: string, name: string) => PyBuiltin>({
  upper: simple(0, 0, (s) => s.toUpperCase(), 'str'),
  lower: simple(0, 0, (s) => s.toLowerCase(), 'str'),
  casefold: simple(0, 0, (s) => s.toLowerCase(), 'str'),
  swapcase: simple(0, 0, (s) => [...s].map((c) => (c === c.toUpperCase() ? c.toLowerCase() : c.toUpperCase())).join(''), 'str'),
  title: simple(0, 0, (s) => s.toLowerCase().replace(/(^|[^a-zA-Z])([a-z])/g, (_m, p: string, c: string) => p + c.toUpperCase()), 'str'),
  capitalize: simple(0, 0, (s) => s.charAt(0).toUpperCase() + s.slice(1).toLowerCase(), 'str'),
  strip: simple(0, 1, (s, a) => stripChars(s, optChars(a[0]), true, true), 'str'),
  lstrip: simple(0, 1, (s, a) => stripChars(s, optChars(a[0]), true, false), 'str'),
  rstrip: simple(0, 1, (s, a) => stripChars(s, optChars(a[0]), false, true), 'str'),
  removeprefix: simple(1, 1, (s, a) => (s.startsWith(str(a[0], 'argument')) ? s.slice((a[0] as string).length) : s), 'str'),
  removesuffix: simple(1, 1, (s, a) => (a[0] !== '' && s.endsWith(str(a[0], 'argument')) ? s.slice(0, -(a[0] as string).length) : s), 'str'),
  split: (self, name) =>
    bound(self, name, (s, args, kwargs, ctx) => {
      const a = bindArgs(name, ['sep?', 'maxsplit?'], args, kwargs, ctx);
      return new PyList(strSplit(s, optChars(a.get('sep')), a.int('maxsplit', -1), ctx));
    }),
  rsplit: (self, name) =>
    bound(self, name, (s, args, kwargs, ctx) => {
      const a = bindArgs(name, ['sep?', 'maxsplit?'], args, kwargs, ctx);
      return new PyList(strRsplit(s, optChars(a.get('sep')), a.int('maxsplit', -1), ctx));
    }),
  splitlines: simple(0, 1, (s, a, ctx) => {
    const keep = a[0] !== undefined && truthy(a[0], ctx);
    const out: string[] = [];
    const re = /\r\n|[\n\r\v\f\x1c\x1d\x1e\x85\u2028\u2029]/g;
    let last = 0;
    let m: RegExpExecArray | null;
    while ((m = re.exec(s))) {
      ctx.tick();
      out.push(s.slice(last, keep ? re.lastIndex : m.index));
      last = re.lastIndex;
    }
    if (last < s.length) out.push(s.slice(last));
    return new PyList(out);
  }, 'str'),
  join: simple(1, 1, (s, a, ctx) => {
    const parts: string[] = [];
    let i = 0;
    let length = 0;
    for (const item of iterate(a[0], ctx, 'can only join an iterable')) {
      // A str subclass's instance joins as its str.
      const x = item instanceof PyInstance && typeof item.standsFor === 'string' ? item.standsFor : item;
      if (typeof x !== 'string') throw pyError('TypeError', `sequence item ${i}: expected str instance, ${typeName(x)} found`);
      parts.push(x);
      length += x.length + s.length;
      i++;
    }
    chargeChars(ctx, length);
    return parts.join(s);
  }, 'str'),
  replace: simple(2, 3, (s, a, ctx) => {
    const old = str(a[0], 'replace() argument 1');
    const rep = str(a[1], 'replace() argument 2');
    let count = a[2] === undefined ? -1 : Number(toIndex(a[2], ctx));
    let found = old === '' ? s.length + 1 : 0;
    if (old !== '') for (let i = s.indexOf(old); i >= 0 && (count < 0 || found < count); i = s.indexOf(old, i + old.length)) found++;
    chargeChars(ctx, s.length + Math.min(found, count < 0 ? found : count) * Math.max(0, rep.length - old.length));
    if (count < 0) return old === '' ? rep + [...s].join(rep) + rep : s.replaceAll(old, rep);
    let out = '';
    let i = 0;
    while (count-- > 0) {
      const j = s.indexOf(old, i);
      if (j < 0) break;
      out += s.slice(i, j) + rep;
      i = j + old.length;
      if (old === '') {
        if (i < s.length) out += s[i];
        i++;
      }
    }
    return out + s.slice(i);
  }, 'str'),
  startswith: simple(1, 3, (s, a, ctx) => {
    const [from, to] = range(s, a, 1, ctx);
    const seg = s.slice(from, to);
    const pre = a[0] instanceof PyTuple ? a[0].items : [a[0]];
    return pre.some((p) => seg.startsWith(str(p, 'startswith first arg')));
  }, 'str'),
  endswith: simple(1, 3, (s, a, ctx) => {
    const [from, to] = range(s, a, 1, ctx);
    const seg = s.slice(from, to);
    const suf = a[0] instanceof PyTuple ? a[0].items : [a[0]];
    return suf.some((p) => seg.endsWith(str(p, 'endswith first arg')));
  }, 'str'),
  find: simple(1, 3, (s, a, ctx) => BigInt(findIn(s, a, ctx, false)), 'str'),
  rfind: simple(1, 3, (s, a, ctx) => BigInt(findIn(s, a, ctx, true)), 'str'),
  index: simple(1, 3, (s, a, ctx) => {
    const i = findIn(s, a, ctx, false);
    if (i < 0) throw pyError('ValueError', 'substring not found');
    return BigInt(i);
  }, 'str'),
  rindex: simple(1, 3, (s, a, ctx) => {
    const i = findIn(s, a, ctx, true);
    if (i < 0) throw pyError('ValueError', 'substring not found');
    return BigInt(i);
  }, 'str'),
  count: simple(1, 3, (s, a, ctx) => {
    const sub = str(a[0], 'argument');
    const [from, to] = range(s, a, 1, ctx);
    const seg = s.slice(from, to);
    if (sub === '') return BigInt(seg.length + 1);
    let n = 0;
    for (let i = seg.indexOf(sub); i >= 0; i = seg.indexOf(sub, i + sub.length)) n++;
    return BigInt(n);
  }, 'str'),
  partition: simple(1, 1, (s, a) => {
    const sep = str(a[0], 'argument');
    const i = s.indexOf(sep);
    return i < 0 ? new PyTuple([s, '', '']) : new PyTuple([s.slice(0, i), sep, s.slice(i + sep.length)]);
  }, 'str'),
  rpartition: simple(1, 1, (s, a) => {
    const sep = str(a[0], 'argument');
    const i = s.lastIndexOf(sep);
    return i < 0 ? new PyTuple(['', '', s]) : new PyTuple([s.slice(0, i), sep, s.slice(i + sep.length)]);
  }, 'str'),
  center: simple(1, 2, (s, a, ctx) => pad(s, a, ctx, 'center'), 'str'),
  ljust: simple(1, 2, (s, a, ctx) => pad(s, a, ctx, 'left'), 'str'),
  rjust: simple(1, 2, (s, a, ctx) => pad(s, a, ctx, 'right'), 'str'),
  zfill: simple(1, 1, (s, a, ctx) => {
    const width = Number(toIndex(a[0], ctx));
    chargeChars(ctx, width);
    const sign = s[0] === '-' || s[0] === '+' ? s[0] : '';
    const body = sign ? s.slice(1) : s;
    return sign + body.padStart(width - sign.length, '0');
  }, 'str'),
  isdigit: simple(0, 0, (s) => /^\p{Nd}+$/u.test(s), 'str'),
  isdecimal: simple(0, 0, (s) => /^\p{Nd}+$/u.test(s), 'str'),
  isnumeric: simple(0, 0, (s) => /^\p{N}+$/u.test(s), 'str'),
  isalpha: simple(0, 0, (s) => /^\p{L}+$/u.test(s), 'str'),
  isalnum: simple(0, 0, (s) => /^[\p{L}\p{N}]+$/u.test(s), 'str'),
  isspace: simple(0, 0, (s) => /^\s+$/.test(s), 'str'),
  isidentifier: simple(0, 0, (s) => /^[\p{L}_][\p{L}\p{N}_]*$/u.test(s), 'str'),
  isupper: simple(0, 0, (s) => cased(s, (c) => c === c.toUpperCase()), 'str'),
  islower: simple(0, 0, (s) => cased(s, (c) => c === c.toLowerCase()), 'str'),
  istitle: simple(0, 0, (s) => /[A-Za-z]/.test(s) && s === s.toLowerCase().replace(/(^|[^a-zA-Z])([a-z])/g, (_m, p: string, c: string) => p + c.toUpperCase()), 'str'),
  expandtabs: simple(0, 1, (s, a, ctx) => {
    const size = a[0] === undefined ? 8 : Number(toIndex(a[0], ctx));
    let col = 0;
    let out = '';
    for (const ch of s) {
      if (ch === '\t') {
        const n = size > 0 ? size - (col % size) : 0;
        chargeChars(ctx, out.length + n);
        out += ' '.repeat(n);
        col += n;
      } else {
        out += ch;
        col = ch === '\n' || ch === '\r' ? 0 : col + 1;
      }
    }
    return out;
  }, 'str'),
  format: (self, name) => bound(self, name, (s, args, kwargs, ctx) => strFormat(s, args, kwargs, formatHost(ctx))),
  format_map: simple(1, 1, (s, a, ctx) => {
    const m = a[0];
    if (!(m instanceof PyDict)) throw pyError('TypeError', `'${typeName(m)}' object is not a mapping`);
    const kw = new Map<string, PyValue>();
    for (const [k, v] of m.entries()) if (typeof k === 'string') kw.set(k, v);
    return strFormat(s, [], kw, formatHost(ctx));
  }, 'str'),
  encode: (self, name) => bound(self, name, (s, args, kwargs, ctx) => {
    const a = bindArgs('encode', ['encoding?', 'errors?'], args, kwargs, ctx);
    return new PyBytes(encode(s, a.str('encoding', 'utf-8'), a.str('errors', 'strict'), ctx));
  }),
});

// ---------------------------------------------------------------- list / tuple

function sortItems(items: PyValue[], key: PyValue | undefined, reverse: boolean, ctx: HostContext): PyValue[] {
  const keys = key === undefined || key === null ? items : items.map((x) => ctx.call(key, [x]));
  // `sorted(ys, key=lambda t: t.sum())`: the keys go with the statement.
  if (keys !== items) for (const k of keys) ctx.doneWith(k);
  const order = items.map((_, i) => i);
  const lt = (a: PyValue, b: PyValue) => compares('<', a, b, ctx);
  // Array.prototype.sort is stable; Python's reverse=True keeps equal items in their original order too.
  order.sort((i, j) => {
    ctx.tick();
    const [a, b] = reverse ? [keys[j], keys[i]] : [keys[i], keys[j]];
    if (lt(a, b)) return -1;
    if (lt(b, a)) return 1;
    return 0;
  });
  return order.map((i) => items[i]);
}

export function sortedList(items: PyValue[], kwargs: Kwargs, ctx: HostContext, fname: string): PyValue[] {
  const a = bindArgs(fname, ['*', 'key?', 'reverse?'], [], kwargs, ctx);
  return sortItems(items, a.get('key'), a.bool('reverse', false), ctx);
}

function indexOf(items: readonly PyValue[], args: PyValue[], ctx: HostContext, what: string): PyValue {
  const n = items.length;
  const norm = (v: PyValue | undefined, d: number) => {
    if (v === undefined) return d;
    let i = Number(toIndex(v, ctx));
    if (i < 0) i = Math.max(0, i + n);
    return Math.min(i, n);
  };
  const from = norm(args[1], 0);
  const to = norm(args[2], n);
  for (let i = from; i < to; i++) {
    ctx.tick();
    if (items[i] === args[0] || eq(items[i], args[0], ctx)) return BigInt(i);
  }
  throw pyError('ValueError', what === 'list' ? `${ctx.repr(args[0])} is not in list` : 'tuple.index(x): x not in tuple');
}

function countOf(items: readonly PyValue[], x: PyValue, ctx: HostContext): bigint {
  let n = 0n;
  for (const item of items) {
    ctx.tick();
    if (item === x || eq(item, x, ctx)) n++;
  }
  return n;
}

const LIST_METHODS = nameTable<(self: PyList, name: string) => PyBuiltin>({
  append: simple(1, 1, (l, a) => {
    l.items.push(a[0]);
    return null;
  }, 'list'),
  extend: simple(1, 1, (l, a, ctx) => {
    extendList(l, a[0], ctx);
    return null;
  }, 'list'),
  insert: simple(2, 2, (l, a, ctx) => {
    chargeMoves(ctx, l.items.length);
    let i = Number(toIndex(a[0], ctx));
    const n = l.items.length;
    if (i < 0) i = Math.max(0, i + n);
    l.items.splice(Math.min(i, n), 0, a[1]);
    return null;
  }, 'list'),
  pop: simple(0, 1, (l, a, ctx) => {
    if (l.items.length === 0) throw pyError('IndexError', 'pop from empty list');
    let i = a[0] === undefined ? l.items.length - 1 : Number(toIndex(a[0], ctx));
    if (i < 0) i += l.items.length;
    if (i < 0 || i >= l.items.length) throw pyError('IndexError', 'pop index out of range');
    chargeMoves(ctx, l.items.length - i);
    return l.items.splice(i, 1)[0];
  }, 'list'),
  remove: simple(1, 1, (l, a, ctx) => {
    const i = l.items.findIndex((x) => (ctx.tick(), x === a[0] || eq(x, a[0], ctx)));
    if (i < 0) throw pyError('ValueError', 'list.remove(x): x not in list');
    l.items.splice(i, 1);
    return null;
  }, 'list'),
  index: simple(1, 3, (l, a, ctx) => indexOf(l.items, a, ctx, 'list'), 'list'),
  count: simple(1, 1, (l, a, ctx) => countOf(l.items, a[0], ctx), 'list'),
  reverse: simple(0, 0, (l, _a, ctx) => {
    chargeMoves(ctx, l.items.length);
    l.items.reverse();
    return null;
  }, 'list'),
  sort: (self, name) =>
    bound(self, name, (l, args, kwargs, ctx) => {
      if (args.length) throw pyError('TypeError', 'sort() takes no positional arguments');
      const items = l.items;
      l.items = [];
      try {
        l.items = sortedList(items, kwargs, ctx, 'sort');
      } catch (e) {
        l.items = items;
        throw e;
      }
      return null;
    }),
  copy: simple(0, 0, (l, _a, ctx) => {
    chargeItems(ctx, l.items.length);
    return new PyList([...l.items]);
  }, 'list'),
  clear: simple(0, 0, (l) => {
    l.items = [];
    return null;
  }, 'list'),
});

const TUPLE_METHODS = nameTable<(self: PyTuple, name: string) => PyBuiltin>({
  index: simple(1, 3, (t, a, ctx) => indexOf(t.items, a, ctx, 'tuple'), 'tuple'),
  count: simple(1, 1, (t, a, ctx) => countOf(t.items, a[0], ctx), 'tuple'),
});

// ---------------------------------------------------------------- dict

export function dictUpdate(d: PyDict, args: PyValue[], kwargs: Kwargs, ctx: HostContext, fname = 'update'): void {
  if (args.length > 1) throw pyError('TypeError', `${fname} expected at most 1 argument, got ${args.length}`);
  const src = args[0];
  if (src instanceof PyDict) {
    chargeItems(ctx, src.size);
    for (const [hk, [k, v]] of src.map) d.setByKey(hk, k, v);
  } else if (src !== undefined) {
    let i = 0;
    for (const pair of iterate(src, ctx)) {
      const items = pair instanceof PyTuple || pair instanceof PyList ? pair.items : null;
      if (!items) throw pyError('TypeError', `cannot convert dictionary update sequence element #${i} to a sequence`);
      if (items.length !== 2) {
        throw pyError('ValueError', `dictionary update sequence element #${i} has length ${items.length}; 2 is required`);
      }
      d.setByKey(dictKey(items[0], ctx), items[0], items[1]);
      i++;
    }
  }
  for (const [k, v] of kwargs) d.setByKey(dictKey(k, ctx), k, v);
}

const DICT_METHODS = nameTable<(self: PyDict, name: string) => PyBuiltin>({
  get: simple(1, 2, (d, a, ctx) => d.getByKey(dictKey(a[0], ctx)) ?? a[1] ?? null, 'dict'),
  keys: simple(0, 0, (d) => new PyDictView(d, 'keys'), 'dict'),
  values: simple(0, 0, (d) => new PyDictView(d, 'values'), 'dict'),
  items: simple(0, 0, (d) => new PyDictView(d, 'items'), 'dict'),
  update: (self, name) =>
    bound(self, name, (d, args, kwargs, ctx) => {
      dictUpdate(d, args, kwargs, ctx);
      return null;
    }),
  pop: simple(1, 2, (d, a, ctx) => {
    const k = dictKey(a[0], ctx);
    const v = d.getByKey(k);
    if (v === undefined) {
      if (a.length > 1) return a[1];
      throw keyError(a[0]);
    }
    d.map.delete(k);
    return v;
  }, 'dict'),
  popitem: simple(0, 0, (d, _a, ctx) => {
    chargeMoves(ctx, d.size);
    const last = [...d.map.keys()].pop();
    if (last === undefined) throw pyError('KeyError', 'popitem(): dictionary is empty');
    const [k, v] = d.map.get(last)!;
    d.map.delete(last);
    return new PyTuple([k, v]);
  }, 'dict'),
  setdefault: simple(1, 2, (d, a, ctx) => {
    const k = dictKey(a[0], ctx);
    const v = d.getByKey(k);
    if (v !== undefined) return v;
    const dflt = a[1] ?? null;
    d.setByKey(k, a[0], dflt);
    return dflt;
  }, 'dict'),
  copy: simple(0, 0, (d, _a, ctx) => {
    chargeItems(ctx, d.size);
    const out = new PyDict();
    for (const [k, [key, v]] of d.map) out.map.set(k, [key, v]);
    return out;
  }, 'dict'),
  clear: simple(0, 0, (d) => {
    d.map.clear();
    return null;
  }, 'dict'),
});

// ---------------------------------------------------------------- set

function toSet(v: PyValue, ctx: HostContext): PySet {
  if (v instanceof PySet) return v;
  const s = new PySet();
  for (const x of iterate(v, ctx)) s.add(dictKey(x, ctx), x);
  return s;
}

function setCombine(op: '|' | '&' | '-' | '^') {
  return (self: PySet, name: string) =>
    bound(self, name, (s, args, kwargs, ctx) => {
      noKwargs(`set.${name}`, kwargs);
      let out = new PySet(s.frozen);
      chargeItems(ctx, s.size);
      for (const [k, v] of s.map) out.map.set(k, v);
      for (const a of args) {
        const other = toSet(a, ctx);
        chargeItems(ctx, out.size + other.size);
        out = setOp(op, out, other);
      }
      return out;
    });
}

function setUpdate(op: '|' | '&' | '-' | '^') {
  return (self: PySet, name: string) =>
    bound(self, name, (s, args, kwargs, ctx) => {
      noKwargs(`set.${name}`, kwargs);
      let out: PySet = s;
      for (const a of args) {
        const other = toSet(a, ctx);
        chargeItems(ctx, out.size + other.size);
        out = setOp(op, out, other);
      }
      if (out !== s) {
        s.map.clear();
        for (const [k, v] of out.map) s.map.set(k, v);
      }
      return null;
    });
}

const SET_METHODS = nameTable<(self: PySet, name: string) => PyBuiltin>({
  add: simple(1, 1, (s, a, ctx) => {
    s.add(dictKey(a[0], ctx), a[0]);
    return null;
  }, 'set'),
  remove: simple(1, 1, (s, a, ctx) => {
    if (!s.map.delete(dictKey(a[0], ctx))) throw keyError(a[0]);
    return null;
  }, 'set'),
  discard: simple(1, 1, (s, a, ctx) => {
    s.map.delete(dictKey(a[0], ctx));
    return null;
  }, 'set'),
  pop: simple(0, 0, (s) => {
    if (s.size === 0) throw pyError('KeyError', 'pop from an empty set');
    const first = setOrder(s)[0];
    for (const [k, v] of s.map) if (v === first) s.map.delete(k);
    return first;
  }, 'set'),
  clear: simple(0, 0, (s) => {
    s.map.clear();
    return null;
  }, 'set'),
  copy: simple(0, 0, (s, _a, ctx) => {
    chargeItems(ctx, s.size);
    const out = new PySet(s.frozen);
    for (const [k, v] of s.map) out.map.set(k, v);
    return out;
  }, 'set'),
  union: setCombine('|'),
  intersection: setCombine('&'),
  difference: setCombine('-'),
  symmetric_difference: setCombine('^'),
  update: setUpdate('|'),
  intersection_update: setUpdate('&'),
  difference_update: setUpdate('-'),
  symmetric_difference_update: setUpdate('^'),
  issubset: simple(1, 1, (s, a, ctx) => {
    const o = toSet(a[0], ctx);
    chargeItems(ctx, s.size);
    return [...s.map.keys()].every((k) => o.map.has(k));
  }, 'set'),
  issuperset: simple(1, 1, (s, a, ctx) => [...toSet(a[0], ctx).map.keys()].every((k) => s.map.has(k)), 'set'),
  isdisjoint: simple(1, 1, (s, a, ctx) => [...toSet(a[0], ctx).map.keys()].every((k) => !s.map.has(k)), 'set'),
});

// ---------------------------------------------------------------- numbers

function asIntegerRatio(x: number): PyTuple {
  if (!Number.isFinite(x)) {
    throw Number.isNaN(x) ? pyError('ValueError', 'cannot convert NaN to integer ratio') : pyError('OverflowError', 'cannot convert Infinity to integer ratio');
  }
  let num = x;
  let den = 1n;
  while (!Number.isInteger(num)) {
    num *= 2;
    den *= 2n;
  }
  return new PyTuple([BigInt(num), den]);
}

function numberAttr(v: bigint | number | boolean, name: string): PyValue | undefined {
  const asNum = typeof v === 'boolean' ? (v ? 1n : 0n) : v;
  switch (name) {
    case 'real':
      return asNum;
    case 'imag':
      return typeof asNum === 'number' ? 0 : 0n;
    case 'numerator':
      return typeof asNum === 'bigint' ? asNum : undefined;
    case 'denominator':
      return typeof asNum === 'bigint' ? 1n : undefined;
    case 'conjugate':
      return bound(v, name, () => asNum);
    case 'is_integer':
      return bound(v, name, () => (typeof asNum === 'number' ? Number.isInteger(asNum) : true));
    case 'bit_length':
      return typeof asNum === 'bigint' ? bound(v, name, () => BigInt((asNum < 0n ? -asNum : asNum).toString(2).replace(/^0$/, '').length)) : undefined;
    case 'as_integer_ratio':
      return bound(v, name, () => (typeof asNum === 'number' ? asIntegerRatio(asNum) : new PyTuple([asNum, 1n])));
    case 'hex':
      return typeof asNum === 'number' ? bound(v, name, () => floatHex(asNum)) : undefined;
    case 'bit_count':
      return typeof asNum === 'bigint' ? bound(v, name, () => bitCount(asNum)) : undefined;
    case 'to_bytes':
      return typeof asNum === 'bigint' ? bound(v, name, (_self, args, kwargs, ctx) => toBytes(asNum, args, kwargs, ctx)) : undefined;
  }
  const special = numberDunder(asNum, name);
  return special && bound(v, name, (_self, args, _kwargs, ctx) => special(asNum, args, ctx));
}

function floatHex(x: number): string {
  if (Number.isNaN(x)) return 'nan';
  if (!Number.isFinite(x)) return x > 0 ? 'inf' : '-inf';
  if (x === 0) return Object.is(x, -0) ? '-0x0.0p+0' : '0x0.0p+0';
  const sign = x < 0 ? '-' : '';
  let a = Math.abs(x);
  let e = 0;
  while (a >= 2) {
    a /= 2;
    e++;
  }
  while (a < 1 && e > -1022) {
    a *= 2;
    e--;
  }
  const lead = Math.floor(a);
  let frac = a - lead;
  let hex = '';
  for (let i = 0; i < 13; i++) {
    frac *= 16;
    const d = Math.floor(frac);
    hex += d.toString(16);
    frac -= d;
  }
  return `${sign}0x${lead}.${hex}p${e >= 0 ? '+' : ''}${e}`;
}

// ---------------------------------------------------------------- dispatch

/** The method or attribute `name` of a builtin value; `undefined` when it has none. */
export function getMethod(v: PyValue, name: string, ctx: HostContext): PyValue | undefined {
  if (typeof v === 'string') return STR_METHODS[name]?.(v, name);
  if (v instanceof PyList) return LIST_METHODS[name]?.(v, name);
  if (v instanceof PyDict) return DICT_METHODS[name]?.(v, name);
  if (v instanceof PyTuple) return TUPLE_METHODS[name]?.(v, name);
  if (v instanceof PySet) return SET_METHODS[name]?.(v, name);
  if (typeof v === 'bigint' || typeof v === 'number' || typeof v === 'boolean') return numberAttr(v, name);
  if (v instanceof PyRange) {
    if (name === 'start' || name === 'stop' || name === 'step') return v[name];
    if (name === 'index') {
      return bound(v, name, (r, args) => {
        if (!contains(r, args[0], ctx)) throw pyError('ValueError', `${ctx.repr(args[0])} is not in range`);
        return ((args[0] as bigint) - r.start) / r.step;
      });
    }
    if (name === 'count') return bound(v, name, (r, args) => (contains(r, args[0], ctx) ? 1n : 0n));
  }
  if (v instanceof PySlice) {
    if (name === 'start' || name === 'stop' || name === 'step') return v[name];
    if (name === 'indices') {
      return bound(v, name, (s, args) => {
        const { start, stop, step } = sliceIndices(s, Number(toIndex(args[0], ctx)), ctx);
        return new PyTuple([BigInt(start), BigInt(stop), BigInt(step)]);
      });
    }
  }
  if (v instanceof PyIterator) {
    const own = v.attribute(name);
    if (own !== undefined || name !== '__next__') return own;
    return bound(v, name, (it) => {
      const x = it.next();
      if (x === undefined) throw pyError('StopIteration');
      return x;
    });
  }
  if (v instanceof PyDictView && name === 'mapping') return v.dict;
  if (name === '__len__') {
    try {
      len(v, ctx);
    } catch {
      return undefined;
    }
    return bound(v, name, (self) => BigInt(len(self, ctx)));
  }
  return undefined;
}
