/**
 * `json`: `dumps`/`dump` and `loads`/`load` as CPython 3.11's json package writes and reads
 * (Lib/json/encoder.py, Modules/_json.c): its separators, indentation, key conversion,
 * `sort_keys`, `ensure_ascii` escapes, float repr (`NaN`, `Infinity`), `default`, and the
 * decoder's messages with their line, column and character. Every element counts a step.
 */
import {
  bindArgs,
  bytesLike,
  EXCEPTION_TYPES,
  ExceptionObject,
  floatRepr,
  hashKey,
  type HostContext,
  iterate,
  type Kwargs,
  PyDict,
  PyInstance,
  pyError,
  pyFunction,
  PyList,
  PyModule,
  PyTuple,
  PyType,
  type PyValue,
  compare,
  truthy,
  typeName,
  typeOf,
  type ModuleShim,
} from '../interpreter';

/** How deep a document may nest before RecursionError, as CPython's default recursion limit allows. */
const MAX_DEPTH = 990;

const JSONDecodeError: PyType = new PyType('JSONDecodeError', {
  module: 'json.decoder',
  bases: [EXCEPTION_TYPES.get('ValueError')!],
  isException: true,
  construct: (args) => new ExceptionObject(JSONDecodeError, args),
});

interface EncodeOptions {
  skipkeys: boolean;
  ensureAscii: boolean;
  allowNan: boolean;
  indent: string | null;
  itemSeparator: string;
  keySeparator: string;
  sortKeys: boolean;
  defaultFn: PyValue;
}

const ESCAPES: Record<string, string> = { '"': '\\"', '\\': '\\\\', '\n': '\\n', '\r': '\\r', '\t': '\\t', '\b': '\\b', '\f': '\\f' };

/** A str as a JSON string: ensure_ascii escapes every code unit outside ' '..'~' (non-BMP as its surrogates). */
function encodeString(s: string, ensureAscii: boolean): string {
  let out = '"';
  for (const ch of s.split('')) {
    const code = ch.charCodeAt(0);
    const esc = ESCAPES[ch];
    if (esc) out += esc;
    else if (code < 0x20 || (ensureAscii && code > 0x7e)) out += `\\u${code.toString(16).padStart(4, '0')}`;
    else out += ch;
  }
  return out + '"';
}

function encodeFloat(x: number, allowNan: boolean): string {
  if (Number.isFinite(x)) return floatRepr(x);
  if (!allowNan) throw pyError('ValueError', 'Out of range float values are not JSON compliant');
  return Number.isNaN(x) ? 'NaN' : x > 0 ? 'Infinity' : '-Infinity';
}

/** The Python int or float a value is (an int or float subclass's own value), or undefined. */
function scalarText(v: PyValue, o: EncodeOptions): string | undefined {
  if (v === null) return 'null';
  if (v === true) return 'true';
  if (v === false) return 'false';
  if (typeof v === 'bigint') return v.toString();
  // An IntEnum member is an int (int.__repr__ writes it), a StrEnum member a str.
  if (v instanceof PyInstance && typeof v.standsFor === 'bigint') return v.standsFor.toString();
  if (v instanceof PyInstance && typeof v.standsFor === 'string') return encodeString(v.standsFor, o.ensureAscii);
  // A float subclass's instance writes as its float (float.__repr__).
  if (v instanceof PyInstance && typeof v.standsFor === 'number') return encodeFloat(v.standsFor, o.allowNan);
  if (typeof v === 'number') return encodeFloat(v, o.allowNan);
  if (typeof v === 'string') return encodeString(v, o.ensureAscii);
  return undefined;
}

function encode(v: PyValue, o: EncodeOptions, level: number, markers: Set<object>, ctx: HostContext): string {
  ctx.tick();
  const scalar = scalarText(v, o);
  if (scalar !== undefined) return scalar;
  if (level > MAX_DEPTH) throw pyError('RecursionError', 'maximum recursion depth exceeded while encoding a JSON object');
  const isDict = v instanceof PyDict;
  const isList = v instanceof PyList || v instanceof PyTuple;
  if (!isDict && !isList) {
    if (o.defaultFn === null) throw pyError('TypeError', `Object of type ${typeOf(v).name} is not JSON serializable`);
    const marker = v as object;
    if (markers.has(marker)) throw pyError('ValueError', 'Circular reference detected');
    markers.add(marker);
    try {
      return encode(ctx.call(o.defaultFn, [v]), o, level, markers, ctx);
    } finally {
      markers.delete(marker);
    }
  }
  if (markers.has(v)) throw pyError('ValueError', 'Circular reference detected');
  const parts = isDict ? dictParts(v, o, level, markers, ctx) : null;
  markers.add(v);
  try {
    const open = isDict ? '{' : '[';
    const close = isDict ? '}' : ']';
    const items = parts ?? (v as PyList | PyTuple).items.map((item) => () => encode(item, o, level + 1, markers, ctx));
    if (items.length === 0) return open + close;
    if (o.indent === null) return open + items.map((f) => f()).join(o.itemSeparator) + close;
    const newline = `\n${o.indent.repeat(level + 1)}`;
    return open + newline + items.map((f) => f()).join(o.itemSeparator + newline) + `\n${o.indent.repeat(level)}` + close;
  } finally {
    markers.delete(v);
  }
}

/** A dict's `"key": value` texts, each made when it is joined (CPython encodes in order, so errors come in order). */
function dictParts(d: PyDict, o: EncodeOptions, level: number, markers: Set<object>, ctx: HostContext): (() => string)[] {
  let entries = [...d.entries()];
  if (o.sortKeys) {
    entries = entries.slice();
    // sorted(dct.items()): keys compared as Python compares them (mixed types raise TypeError).
    entries.sort((p, q) => (truthy(compare('<', p[0], q[0], ctx), ctx) ? -1 : truthy(compare('<', q[0], p[0], ctx), ctx) ? 1 : 0));
  }
  const parts: (() => string)[] = [];
  for (const [key, value] of entries) {
    let k: string;
    if (typeof key === 'string') k = key;
    else if (typeof key === 'number') k = encodeFloat(key, o.allowNan);
    else if (key === true || key === false || key === null) k = String(key === null ? 'null' : key);
    else if (typeof key === 'bigint') k = key.toString();
    else if (key instanceof PyInstance && typeof key.standsFor === 'bigint') k = key.standsFor.toString();
    else if (key instanceof PyInstance && typeof key.standsFor === 'string') k = key.standsFor;
    else if (key instanceof PyInstance && typeof key.standsFor === 'number') k = encodeFloat(key.standsFor, o.allowNan);
    else if (o.skipkeys) continue;
    else throw pyError('TypeError', `keys must be str, int, float, bool or None, not ${typeName(key)}`);
    parts.push(() => encodeString(k, o.ensureAscii) + o.keySeparator + encode(value, o, level + 1, markers, ctx));
  }
  return parts;
}

const DUMPS_KEYWORDS = ['*', 'skipkeys?', 'ensure_ascii?', 'check_circular?', 'allow_nan?', 'cls?', 'indent?', 'separators?', 'default?', 'sort_keys?'];

function dumpsText(obj: PyValue, a: ReturnType<typeof bindArgs>, ctx: HostContext): string {
  if (a.opt('cls') !== undefined) throw pyError('NotImplementedError', 'json.dumps(cls=...) is not supported by Gradlens: pass default=a function instead');
  const indentArg = a.opt('indent');
  let indent: string | null = null;
  if (typeof indentArg === 'bigint') indent = ' '.repeat(Math.max(0, Number(indentArg)));
  else if (typeof indentArg === 'string') indent = indentArg;
  else if (indentArg !== undefined) throw pyError('TypeError', `can't multiply sequence by non-int of type '${typeName(indentArg)}'`);
  const sepArg = a.opt('separators');
  let itemSeparator = indent === null ? ', ' : ',';
  let keySeparator = ': ';
  if (sepArg !== undefined) {
    const seps = [...iterate(sepArg, ctx)];
    if (seps.length !== 2 || typeof seps[0] !== 'string' || typeof seps[1] !== 'string') throw pyError('ValueError', 'separators must be a pair of str (item_separator, key_separator)');
    [itemSeparator, keySeparator] = seps as [string, string];
  }
  const options: EncodeOptions = {
    skipkeys: a.bool('skipkeys', false),
    ensureAscii: a.bool('ensure_ascii', true),
    allowNan: a.bool('allow_nan', true),
    indent,
    itemSeparator,
    keySeparator,
    sortKeys: a.bool('sort_keys', false),
    defaultFn: a.opt('default') ?? null,
  };
  return encode(obj, options, 0, new Set(), ctx);
}

// ---- decoding: Modules/_json.c's scanner ----

interface DecodeOptions {
  objectHook: PyValue;
  pairsHook: PyValue;
  parseFloat: PyValue;
  parseInt: PyValue;
  parseConstant: PyValue;
}

/** NUMBER_RE of Lib/json/scanner.py, anchored where the scanner stands. */
const NUMBER = /(-?(?:0|[1-9]\d*))(\.\d+)?([eE][-+]?\d+)?/y;

class Decoder {
  constructor(
    readonly s: string,
    readonly o: DecodeOptions,
    readonly ctx: HostContext,
  ) {}

  fail(message: string, pos: number): never {
    const before = this.s.slice(0, pos);
    const line = before.split('\n').length;
    const codePoints = (t: string) => [...t].length;
    const lastNewline = before.lastIndexOf('\n');
    const col = codePoints(before.slice(lastNewline + 1)) + 1;
    throw pyError(JSONDecodeError, `${message}: line ${line} column ${col} (char ${codePoints(before)})`);
  }

  skip(i: number): number {
    while (i < this.s.length && ' \t\n\r'.includes(this.s[i]!)) i++;
    return i;
  }

  value(i: number, depth: number): [PyValue, number] {
    this.ctx.tick();
    const s = this.s;
    const c = s[i];
    if (c === '"') return this.string(i + 1);
    if (c === '{' || c === '[') {
      if (depth > MAX_DEPTH) throw pyError('RecursionError', `maximum recursion depth exceeded while decoding a JSON ${c === '{' ? 'object' : 'array'} from a unicode string`);
      return c === '{' ? this.object(i + 1, depth + 1) : this.array(i + 1, depth + 1);
    }
    if (s.startsWith('null', i)) return [null, i + 4];
    if (s.startsWith('true', i)) return [true, i + 4];
    if (s.startsWith('false', i)) return [false, i + 5];
    for (const [text, x] of [['NaN', NaN], ['Infinity', Infinity], ['-Infinity', -Infinity]] as const) {
      if (s.startsWith(text, i)) return [this.o.parseConstant === null ? x : this.ctx.call(this.o.parseConstant, [text]), i + text.length];
    }
    NUMBER.lastIndex = i;
    const m = NUMBER.exec(s);
    if (m) {
      const text = m[0];
      if (m[2] !== undefined || m[3] !== undefined) return [this.o.parseFloat === null ? Number(text) : this.ctx.call(this.o.parseFloat, [text]), i + text.length];
      return [this.o.parseInt === null ? BigInt(text) : this.ctx.call(this.o.parseInt, [text]), i + text.length];
    }
    return this.fail('Expecting value', i);
  }

  string(start: number): [string, number] {
    const s = this.s;
    let out = '';
    let i = start;
    for (;;) {
      if (i >= s.length) this.fail('Unterminated string starting at', start - 1);
      const c = s[i]!;
      if (c === '"') return [out, i + 1];
      if (c === '\\') {
        const e = s[i + 1];
        if (e === undefined) this.fail('Unterminated string starting at', start - 1);
        const simple: Record<string, string> = { '"': '"', '\\': '\\', '/': '/', b: '\b', f: '\f', n: '\n', r: '\r', t: '\t' };
        if (e! in simple) {
          out += simple[e!];
          i += 2;
        } else if (e === 'u') {
          const hex = s.slice(i + 2, i + 6);
          if (!/^[0-9a-fA-F]{4}$/.test(hex)) this.fail('Invalid \\uXXXX escape', i + 1);
          out += String.fromCharCode(parseInt(hex, 16));
          i += 6;
        } else {
          this.fail('Invalid \\escape', i);
        }
        continue;
      }
      if (c.charCodeAt(0) < 0x20) this.fail('Invalid control character at', i);
      out += c;
      i++;
    }
  }

  object(i: number, depth: number): [PyValue, number] {
    const pairs: [PyValue, PyValue][] = [];
    i = this.skip(i);
    if (this.s[i] !== '}') {
      for (;;) {
        if (this.s[i] !== '"') this.fail('Expecting property name enclosed in double quotes', i);
        const [key, afterKey] = this.string(i + 1);
        i = this.skip(afterKey);
        if (this.s[i] !== ':') this.fail("Expecting ':' delimiter", i);
        i = this.skip(i + 1);
        const [value, afterValue] = this.value(i, depth);
        pairs.push([key, value]);
        i = this.skip(afterValue);
        if (this.s[i] === '}') break;
        if (this.s[i] !== ',') this.fail("Expecting ',' delimiter", i);
        i = this.skip(i + 1);
      }
    }
    if (this.o.pairsHook !== null) return [this.ctx.call(this.o.pairsHook, [new PyList(pairs.map((p) => new PyTuple(p)))]), i + 1];
    const d = new PyDict();
    for (const [k, v] of pairs) d.setByKey(hashKey(k)!, k, v);
    return [this.o.objectHook === null ? d : this.ctx.call(this.o.objectHook, [d]), i + 1];
  }

  array(i: number, depth: number): [PyValue, number] {
    const items: PyValue[] = [];
    i = this.skip(i);
    if (this.s[i] !== ']') {
      for (;;) {
        const [value, after] = this.value(i, depth);
        items.push(value);
        i = this.skip(after);
        if (this.s[i] === ']') break;
        if (this.s[i] !== ',') this.fail("Expecting ',' delimiter", i);
        i = this.skip(i + 1);
      }
    }
    return [new PyList(items), i + 1];
  }
}

const LOADS_KEYWORDS = ['*', 'cls?', 'object_hook?', 'parse_float?', 'parse_int?', 'parse_constant?', 'object_pairs_hook?'];

function loadsValue(source: PyValue, a: ReturnType<typeof bindArgs>, ctx: HostContext): PyValue {
  let s: string;
  if (typeof source === 'string') s = source;
  else {
    const bytes = bytesLike(source);
    if (bytes === null) throw pyError('TypeError', `the JSON object must be str, bytes or bytearray, not ${typeName(source)}`);
    s = new TextDecoder('utf-8').decode(bytes);
  }
  if (a.opt('cls') !== undefined) throw pyError('NotImplementedError', 'json.loads(cls=...) is not supported by Gradlens: pass object_hook=a function instead');
  if (s.startsWith('\ufeff')) throw pyError(JSONDecodeError, 'Unexpected UTF-8 BOM (decode using utf-8-sig): line 1 column 1 (char 0)');
  const d = new Decoder(s, {
    objectHook: a.opt('object_hook') ?? null,
    pairsHook: a.opt('object_pairs_hook') ?? null,
    parseFloat: a.opt('parse_float') ?? null,
    parseInt: a.opt('parse_int') ?? null,
    parseConstant: a.opt('parse_constant') ?? null,
  }, ctx);
  const [value, end] = d.value(d.skip(0), 0);
  const rest = d.skip(end);
  if (rest !== s.length) d.fail('Extra data', rest);
  return value;
}

function callMethod(obj: PyValue, name: string, args: PyValue[], ctx: HostContext): PyValue {
  return ctx.call(ctx.getattr(obj, name), args);
}

const FUNCTIONS: Record<string, (args: PyValue[], kwargs: Kwargs, ctx: HostContext) => PyValue> = {
  dumps: (args, kwargs, ctx) => {
    const a = bindArgs('dumps', ['obj', ...DUMPS_KEYWORDS], args, kwargs, ctx);
    return dumpsText(a.required('obj'), a, ctx);
  },
  dump: (args, kwargs, ctx) => {
    const a = bindArgs('dump', ['obj', 'fp', ...DUMPS_KEYWORDS], args, kwargs, ctx);
    callMethod(a.required('fp'), 'write', [dumpsText(a.required('obj'), a, ctx)], ctx);
    return null;
  },
  loads: (args, kwargs, ctx) => {
    const a = bindArgs('loads', ['s', ...LOADS_KEYWORDS], args, kwargs, ctx);
    return loadsValue(a.required('s'), a, ctx);
  },
  load: (args, kwargs, ctx) => {
    const a = bindArgs('load', ['fp', ...LOADS_KEYWORDS], args, kwargs, ctx);
    return loadsValue(callMethod(a.required('fp'), 'read', [], ctx), a, ctx);
  },
};

export const jsonModule: ModuleShim = {
  exports: [...Object.keys(FUNCTIONS), 'JSONDecodeError'],
  create() {
    const attrs = new Map<string, PyValue>(Object.entries(FUNCTIONS).map(([name, f]) => [name, pyFunction(name, f)]));
    attrs.set('JSONDecodeError', JSONDecodeError);
    return new PyModule('json', attrs);
  },
};
