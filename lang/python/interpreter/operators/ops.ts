/**
 * Python's semantics for the value model of objects.ts: truthiness, repr/str,
 * arithmetic with the int/float rules, comparisons, containers, indexing and
 * slicing, iteration, attributes. Host objects and instances of script classes
 * take part through their hooks and dunder methods.
 */
import {
  IndexError,
  PyError,
  StopIteration,
  keyError,
  pyError,
  HostObject,
  type BinaryOp,
  type CompareOp,
  type HostContext,
  type UnaryOp,
  ExceptionObject,
  NOT_IMPLEMENTED,
  PyBoundMethod,
  PyBuiltin,
  PyDict,
  PyDictView,
  PyFunction,
  PyInstance,
  PyIterator,
  PyList,
  PyModule,
  PyRange,
  PySet,
  PySlice,
  PyTuple,
  PyType,
  hashKey,
  objectId,
  singletonName,
  type PyValue,
  exceptionText,
  chargeChars,
  chargeItems,
  checkDecimalDigits,
  checkIntBits,
  checkIntDigits,
  bitLength,
  intToDecimal,
  setOrder,
  typeName,
  typeOf,
} from '../values';
import {
  formatFloat,
  formatInt,
  formatString,
  percentFormat,
  type FormatHost,
  floatDivmod,
  floatRepr,
  intFloorDiv,
  intMod,
} from '../formatting';
import { getMethod } from './methods';
import { libm } from '../../../../runtime/core';

// ---------------------------------------------------------------- helpers

export function isInt(v: PyValue): v is bigint | boolean {
  return typeof v === 'bigint' || typeof v === 'boolean';
}

export function isNumber(v: PyValue): v is bigint | boolean | number {
  return typeof v === 'bigint' || typeof v === 'number' || typeof v === 'boolean';
}

function asBig(v: bigint | boolean): bigint {
  return typeof v === 'boolean' ? (v ? 1n : 0n) : v;
}

/** int -> float, as Python: OverflowError past the float range. */
export function intToFloat(v: bigint): number {
  const f = Number(v);
  if (!Number.isFinite(f)) throw pyError('OverflowError', 'int too large to convert to float');
  return f;
}

function fakeAddress(o: object): string {
  return `0x${(0x7f3a10000000 + objectId(o) * 48).toString(16)}`;
}

/** The dunder method of a script-defined class, bound to the instance; undefined when absent. */
export function instanceMethod(obj: PyInstance | ExceptionObject, name: string, ctx: HostContext): PyValue | undefined {
  const cls = obj instanceof PyInstance ? obj.cls : obj.type;
  if (!cls.userDefined && !(obj instanceof PyInstance)) return undefined;
  const f = cls.lookup(name);
  if (f === undefined) return undefined;
  return bindAttribute(f, obj, ctx);
}

/** What `instance.attr` gives for a class attribute: functions bind to the instance, properties run their getter. */
export function bindAttribute(attr: PyValue, self: PyValue, ctx: HostContext): PyValue {
  if (attr instanceof PyFunction || attr instanceof PyBuiltin) return new PyBoundMethod(attr, self);
  if (attr instanceof StaticMethod) return attr.fn;
  if (attr instanceof ClassMethod) return new PyBoundMethod(attr.fn, typeOf(self));
  if (attr instanceof Property) {
    if (attr.fget === null) throw pyError('AttributeError', `property of '${typeName(self)}' object has no getter`);
    return ctx.call(attr.fget, [self]);
  }
  return attr;
}

/** `@staticmethod` and `@classmethod` wrappers in a class body. */
export class StaticMethod extends PyInstance {
  constructor(readonly fn: PyValue) {
    super(new PyType('staticmethod'));
  }
}
export class ClassMethod extends PyInstance {
  constructor(readonly fn: PyValue) {
    super(new PyType('classmethod'));
  }
}
/** `@property`, with `.setter`. */
export class Property extends PyInstance {
  constructor(
    readonly fget: PyValue | null,
    readonly fset: PyValue | null = null,
  ) {
    super(new PyType('property'));
  }
}

function callDunder(obj: PyValue, name: string, args: PyValue[], ctx: HostContext): PyValue | undefined {
  if (!(obj instanceof PyInstance) && !(obj instanceof ExceptionObject)) return undefined;
  const m = instanceMethod(obj, name, ctx);
  if (m === undefined) return undefined;
  return ctx.call(m, args);
}

// ---------------------------------------------------------------- truth, str, repr

export function truthy(v: PyValue, ctx: HostContext): boolean {
  switch (typeof v) {
    case 'boolean':
      return v;
    case 'bigint':
      return v !== 0n;
    case 'number':
      return v !== 0;
    case 'string':
      return v.length > 0;
  }
  if (v === null) return false;
  if (v instanceof PyList) return v.items.length > 0;
  if (v instanceof PyTuple) return v.items.length > 0;
  if (v instanceof PyDict || v instanceof PySet) return v.size > 0;
  if (v instanceof HostObject) return v.bool(ctx);
  if (v instanceof PyRange) return v.length > 0n;
  if (v instanceof PyDictView) return v.dict.size > 0;
  if (v instanceof PyInstance) {
    const b = callDunder(v, '__bool__', [], ctx);
    if (b !== undefined) {
      if (typeof b !== 'boolean') throw pyError('TypeError', `__bool__ should return bool, returned ${typeName(b)}`);
      return b;
    }
    const n = callDunder(v, '__len__', [], ctx);
    if (n !== undefined) return truthy(n, ctx);
  }
  return true;
}

/** Python's repr of a str: single quotes unless the text has one and no double quote. */
export function strRepr(s: string): string {
  const q = s.includes("'") && !s.includes('"') ? '"' : "'";
  let out = q;
  for (const ch of s) {
    const c = ch.codePointAt(0)!;
    if (ch === '\\') out += '\\\\';
    else if (ch === q) out += '\\' + q;
    else if (ch === '\n') out += '\\n';
    else if (ch === '\r') out += '\\r';
    else if (ch === '\t') out += '\\t';
    else if (c < 0x20 || c === 0x7f) out += '\\x' + c.toString(16).padStart(2, '0');
    else if (c >= 0x80 && c <= 0xa0) out += '\\x' + c.toString(16).padStart(2, '0');
    else out += ch;
  }
  return out + q;
}

const reprStack = new Set<object>();

function reprGuarded(o: object, open: string, close: string, body: () => string): string {
  if (reprStack.has(o)) return `${open}...${close}`;
  reprStack.add(o);
  try {
    return body();
  } finally {
    reprStack.delete(o);
  }
}

export function repr(v: PyValue, ctx: HostContext): string {
  switch (typeof v) {
    case 'boolean':
      return v ? 'True' : 'False';
    case 'bigint':
      return intToDecimal(v);
    case 'number':
      return floatRepr(v);
    case 'string':
      chargeChars(ctx, v.length);
      return strRepr(v);
  }
  if (v === null) return 'None';
  if (v instanceof PyList || v instanceof PyTuple || v instanceof PyDict || v instanceof PySet) chargeItems(ctx, len(v, ctx));
  if (v instanceof PyList) return reprGuarded(v, '[', ']', () => `[${v.items.map((x) => repr(x, ctx)).join(', ')}]`);
  if (v instanceof PyTuple) {
    return reprGuarded(v, '(', ')', () => (v.items.length === 1 ? `(${repr(v.items[0], ctx)},)` : `(${v.items.map((x) => repr(x, ctx)).join(', ')})`));
  }
  if (v instanceof PyDict) {
    return reprGuarded(v, '{', '}', () => `{${[...v.entries()].map(([k, x]) => `${repr(k, ctx)}: ${repr(x, ctx)}`).join(', ')}}`);
  }
  if (v instanceof PySet) {
    if (v.size === 0) return v.frozen ? 'frozenset()' : 'set()';
    const body = `{${setOrder([...v.map.values()]).map((x) => repr(x, ctx)).join(', ')}}`;
    return v.frozen ? `frozenset(${body})` : body;
  }
  if (v instanceof HostObject) return v.repr(ctx);
  if (v instanceof ExceptionObject) {
    const custom = callDunder(v, '__repr__', [], ctx);
    if (typeof custom === 'string') return custom;
    return `${v.type.name}(${v.args.map((a) => repr(a, ctx)).join(', ')})`;
  }
  if (v instanceof PyInstance) {
    const custom = callDunder(v, '__repr__', [], ctx);
    if (custom !== undefined) {
      if (typeof custom !== 'string') throw pyError('TypeError', `__repr__ returned non-string (type ${typeName(custom)})`);
      return custom;
    }
    return `<${v.cls.qualifiedName} object at ${fakeAddress(v)}>`;
  }
  if (v instanceof PyFunction) return `<function ${qualnameOf(v)} at ${fakeAddress(v)}>`;
  if (v instanceof PyBuiltin) {
    return v.self !== undefined
      ? `<built-in method ${v.name} of ${typeName(v.self)} object at ${fakeAddress(v.self as object)}>`
      : `<built-in function ${v.name}>`;
  }
  if (v instanceof PyBoundMethod) {
    const name = v.fn instanceof PyFunction ? v.fn.qualname : repr(v.fn, ctx);
    return `<bound method ${name} of ${repr(v.self, ctx)}>`;
  }
  if (v instanceof PyType) return `<class '${v.qualifiedName}'>`;
  if (v instanceof PyModule) return `<module '${v.name}' (built-in)>`;
  if (v instanceof PyRange) return v.step === 1n ? `range(${v.start}, ${v.stop})` : `range(${v.start}, ${v.stop}, ${v.step})`;
  if (v instanceof PySlice) return `slice(${repr(v.start, ctx)}, ${repr(v.stop, ctx)}, ${repr(v.step, ctx)})`;
  if (v instanceof PyDictView) {
    const items = v.view === 'keys' ? [...v.dict.keys()] : v.view === 'values' ? [...v.dict.values()] : [...v.dict.entries()].map((e) => new PyTuple(e));
    return `dict_${v.view}([${items.map((x) => repr(x, ctx)).join(', ')}])`;
  }
  if (v instanceof PyIterator) return `<${v.typeName} object at ${fakeAddress(v)}>`;
  return singletonName(v) ?? '<object>';
}

export function str(v: PyValue, ctx: HostContext): string {
  if (typeof v === 'string') return v;
  if (v instanceof HostObject) return v.str(ctx);
  if (v instanceof ExceptionObject) {
    const custom = callDunder(v, '__str__', [], ctx);
    if (typeof custom === 'string') return custom;
    return exceptionText(v, (x) => str(x, ctx), (x) => repr(x, ctx));
  }
  if (v instanceof PyInstance) {
    const custom = callDunder(v, '__str__', [], ctx);
    if (custom !== undefined) {
      if (typeof custom !== 'string') throw pyError('TypeError', `__str__ returned non-string (type ${typeName(custom)})`);
      return custom;
    }
  }
  return repr(v, ctx);
}

export function ascii(v: PyValue, ctx: HostContext): string {
  return repr(v, ctx).replace(/[^\x00-\x7f]/gu, (ch) => {
    const c = ch.codePointAt(0)!;
    if (c <= 0xff) return '\\x' + c.toString(16).padStart(2, '0');
    if (c <= 0xffff) return '\\u' + c.toString(16).padStart(4, '0');
    return '\\U' + c.toString(16).padStart(8, '0');
  });
}

/** `format(v, spec)`, the f-string `{v:spec}`. */
export function formatValue(v: PyValue, spec: string, ctx: HostContext): string {
  const width = /^(?:.?[<>=^])?[-+ ]?z?#?0?(\d+)/.exec(spec);
  if (width) chargeChars(ctx, Number(width[1]));
  switch (typeof v) {
    case 'boolean':
      return spec === '' ? (v ? 'True' : 'False') : formatInt(v ? 1n : 0n, spec);
    case 'bigint':
      // CPython's digit limit holds for every decimal presentation; hex, octal and binary have none.
      if (!/[xXobc]$/.test(spec)) checkIntDigits(v);
      return formatInt(v, spec);
    case 'number':
      return formatFloat(v, spec);
    case 'string':
      return formatString(v, spec);
  }
  if (v instanceof HostObject) return v.format(spec, ctx);
  if (v instanceof PyInstance) {
    const custom = callDunder(v, '__format__', [spec], ctx);
    if (custom !== undefined) return str(custom, ctx);
  }
  if (spec === '') return str(v, ctx);
  throw pyError('TypeError', `unsupported format string passed to ${typeName(v)}.__format__`);
}

export function formatHost(ctx: HostContext): FormatHost {
  return {
    str: (v) => str(v, ctx),
    repr: (v) => repr(v, ctx),
    ascii: (v) => ascii(v, ctx),
    format: (v, spec) => formatValue(v, spec, ctx),
    getattr: (v, name) => getattr(v, name, ctx),
    getitem: (v, key) => getitem(v, key, ctx),
    toInt: (v, conv) => {
      if (isNumber(v) || v instanceof HostObject) {
        if (conv === 'x' || conv === 'X' || conv === 'o' || conv === 'c' || conv === '*') {
          if (typeof v === 'number') throw pyError('TypeError', `%${conv} format: an integer is required, not float`);
          return toIndex(v, ctx);
        }
        return toInt(v, ctx);
      }
      throw pyError('TypeError', `%${conv} format: a real number is required, not ${typeName(v)}`);
    },
    toFloat: (v, conv) => {
      if (isNumber(v) || v instanceof HostObject) return toFloat(v, ctx);
      throw pyError('TypeError', `must be real number, not ${typeName(v)}`);
      void conv;
    },
    isMapping: (v) => v instanceof PyDict,
    tupleItems: (v) => (v instanceof PyTuple ? v.items : null),
  };
}

// ---------------------------------------------------------------- conversions

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
  }
  throw pyError('TypeError', `float() argument must be a string or a real number, not '${typeName(v)}'`);
}

export function parseFloatLiteral(text: string): number {
  const s = text.trim().toLowerCase();
  const m = /^([+-]?)(inf|infinity|nan|(?:\d(?:_?\d)*)?(?:\.(?:\d(?:_?\d)*)?)?(?:e[+-]?\d(?:_?\d)*)?)$/.exec(s);
  if (m && m[2] !== '' && m[2] !== '.' && !/^\.?e/.test(m[2])) {
    const sign = m[1] === '-' ? -1 : 1;
    if (m[2] === 'inf' || m[2] === 'infinity') return sign * Infinity;
    if (m[2] === 'nan') return NaN;
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

/** The key a dict or set stores `v` under; TypeError for unhashable values. */
export function dictKey(v: PyValue): string {
  const k = hashKey(v);
  if (k === null) throw pyError('TypeError', `unhashable type: '${typeName(v)}'`);
  return k;
}

// ---------------------------------------------------------------- arithmetic

const OP_NAMES: Record<BinaryOp, string> = {
  '+': 'add', '-': 'sub', '*': 'mul', '/': 'truediv', '//': 'floordiv', '%': 'mod', '**': 'pow',
  '@': 'matmul', '&': 'and', '|': 'or', '^': 'xor', '<<': 'lshift', '>>': 'rshift',
};

function unsupported(op: BinaryOp, a: PyValue, b: PyValue): never {
  const shown = op === '**' ? '** or pow()' : op;
  throw pyError('TypeError', `unsupported operand type(s) for ${shown}: '${typeName(a)}' and '${typeName(b)}'`);
}

/** Past it an int product is checked against the int size limit. */
const BIG = 1n << 4096n;

export function intOp(op: BinaryOp, a: bigint, b: bigint): PyValue {
  switch (op) {
    case '+':
      return a + b;
    case '-':
      return a - b;
    case '*':
      if ((a > BIG || a < -BIG) && (b > BIG || b < -BIG)) checkIntBits(bitLength(a) + bitLength(b), 'the product');
      return a * b;
    case '/': {
      if (b === 0n) throw pyError('ZeroDivisionError', 'division by zero');
      const q = Number(a) / Number(b);
      if (Number.isFinite(q)) return q;
      throw pyError('OverflowError', 'integer division result too large for a float');
    }
    case '//':
      if (b === 0n) throw pyError('ZeroDivisionError', 'integer division or modulo by zero');
      return intFloorDiv(a, b);
    case '%':
      if (b === 0n) throw pyError('ZeroDivisionError', 'integer modulo by zero');
      return intMod(a, b);
    case '**':
      if (b < 0n) {
        if (a === 0n) throw pyError('ZeroDivisionError', '0.0 cannot be raised to a negative power');
        return floatOp('**', intToFloat(a), Number(b));
      }
      if (a !== 0n && a !== 1n && a !== -1n) checkIntBits(Number(b) * (bitLength(a) - 1) + 1, b > BIG || a > BIG || a < -BIG ? 'the power' : `${a} ** ${b}`);
      return a ** b;
    case '<<':
      if (b < 0n) throw pyError('ValueError', 'negative shift count');
      if (a !== 0n) checkIntBits(bitLength(a) + Number(b), 'the shifted int');
      return a << b;
    case '>>':
      if (b < 0n) throw pyError('ValueError', 'negative shift count');
      return a >> b;
    case '&':
      return a & b;
    case '|':
      return a | b;
    case '^':
      return a ^ b;
    case '@':
      return unsupported(op, a, b);
  }
}

export function floatOp(op: BinaryOp, a: number, b: number): PyValue {
  switch (op) {
    case '+':
      return a + b;
    case '-':
      return a - b;
    case '*':
      return a * b;
    case '/':
      if (b === 0) throw pyError('ZeroDivisionError', 'float division by zero');
      return a / b;
    case '//':
      if (b === 0) throw pyError('ZeroDivisionError', 'float floor division by zero');
      return floatDivmod(a, b)[0];
    case '%':
      if (b === 0) throw pyError('ZeroDivisionError', 'float modulo');
      return floatDivmod(a, b)[1];
    case '**':
      return floatPow(a, b);
    default:
      return unsupported(op, a, b);
  }
}

export function floatPow(a: number, b: number): number {
  if (b === 0) return 1;
  if (a === 1) return 1;
  if (Number.isNaN(a) || Number.isNaN(b)) return NaN;
  if (a === 0 && b < 0) throw pyError('ZeroDivisionError', '0.0 cannot be raised to a negative power');
  if (a === -1 && !Number.isFinite(b)) return 1;
  if (a < 0 && Number.isFinite(a) && Number.isFinite(b) && !Number.isInteger(b)) {
    throw pyError('ValueError', `complex numbers are not supported by Gradlens (${floatRepr(a)} ** ${floatRepr(b)} is complex)`);
  }
  const r = libm.pow(a, b);
  if (!Number.isFinite(r) && Number.isFinite(a) && Number.isFinite(b)) throw pyError('OverflowError', "(34, 'Numerical result out of range')");
  return r;
}

function numericOp(op: BinaryOp, a: bigint | boolean | number, b: bigint | boolean | number): PyValue {
  if (typeof a === 'number' || typeof b === 'number') {
    if (op === '&' || op === '|' || op === '^' || op === '<<' || op === '>>' || op === '@') return unsupported(op, a, b);
    const x = typeof a === 'number' ? a : intToFloat(asBig(a));
    const y = typeof b === 'number' ? b : intToFloat(asBig(b));
    return floatOp(op, x, y);
  }
  if (typeof a === 'boolean' && typeof b === 'boolean' && (op === '&' || op === '|' || op === '^')) {
    return op === '&' ? a && b : op === '|' ? a || b : a !== b;
  }
  return intOp(op, asBig(a), asBig(b));
}

function repeatCount(n: PyValue, ctx: HostContext): number {
  return Math.max(0, Number(toIndex(n, ctx, `can't multiply sequence by non-int of type '${typeName(n)}'`)));
}

/** `items * n`, charged one step per item made before any is. */
function repeat<T>(items: readonly T[], n: PyValue, ctx: HostContext): T[] {
  const count = repeatCount(n, ctx);
  chargeItems(ctx, count * items.length);
  const out: T[] = [];
  for (let i = 0; i < count; i++) for (const x of items) out.push(x);
  return out;
}

function repeatStr(s: string, n: PyValue, ctx: HostContext): string {
  const count = repeatCount(n, ctx);
  chargeChars(ctx, count * s.length);
  return s.repeat(count);
}

/** `a + b` for strs: ropes make it cheap, but not past the longest str. */
function concat(a: string, b: string, ctx: HostContext): string {
  if (a.length + b.length > MAX_CONCAT) chargeChars(ctx, a.length + b.length);
  return a + b;
}
const MAX_CONCAT = 1 << 24;

function sequenceOp(op: BinaryOp, a: PyValue, b: PyValue, ctx: HostContext): PyValue {
  if (op === '+') {
    if (typeof a === 'string') {
      if (typeof b === 'string') return concat(a, b, ctx);
      throw pyError('TypeError', `can only concatenate str (not "${typeName(b)}") to str`);
    }
    if (a instanceof PyList) {
      if (b instanceof PyList) {
        chargeItems(ctx, a.items.length + b.items.length);
        return new PyList(a.items.concat(b.items));
      }
      throw pyError('TypeError', `can only concatenate list (not "${typeName(b)}") to list`);
    }
    if (a instanceof PyTuple) {
      if (b instanceof PyTuple) {
        chargeItems(ctx, a.items.length + b.items.length);
        return new PyTuple(a.items.concat(b.items));
      }
      throw pyError('TypeError', `can only concatenate tuple (not "${typeName(b)}") to tuple`);
    }
  }
  if (op === '*') {
    const isSeq = (v: PyValue) => typeof v === 'string' || v instanceof PyList || v instanceof PyTuple;
    const [seq, n] = isSeq(a) && !isSeq(b) ? [a, b] : isSeq(b) && !isSeq(a) ? [b, a] : [null, null];
    if (seq !== null && (isInt(n) || n instanceof HostObject || n instanceof PyInstance || typeof n === 'number')) {
      if (typeof seq === 'string') return repeatStr(seq, n, ctx);
      if (seq instanceof PyList) return new PyList(repeat(seq.items, n, ctx));
      if (seq instanceof PyTuple) return new PyTuple(repeat(seq.items, n, ctx));
    }
  }
  if (op === '%' && typeof a === 'string') return percentFormat(a, b, formatHost(ctx));
  if (a instanceof PySet && b instanceof PySet && (op === '|' || op === '&' || op === '-' || op === '^')) {
    chargeItems(ctx, a.size + b.size);
    return setOp(op, a, b);
  }
  if (op === '|' && a instanceof PyDict && b instanceof PyDict) {
    chargeItems(ctx, a.size + b.size);
    const out = new PyDict();
    for (const [k, v] of a.entries()) out.setByKey(dictKey(k), k, v);
    for (const [k, v] of b.entries()) out.setByKey(dictKey(k), k, v);
    return out;
  }
  return NOT_IMPLEMENTED;
}

/** Set algebra, inserting in the order CPython's setobject.c does (which decides how the result prints). */
export function setOp(op: '|' | '&' | '-' | '^', a: PySet, b: PySet): PySet {
  const out = new PySet(a.frozen);
  const put = (v: PyValue) => out.map.set(hashKey(v)!, v);
  switch (op) {
    case '|':
      for (const [k, v] of a.map) out.map.set(k, v);
      for (const v of setOrder([...b.map.values()])) put(v);
      break;
    case '-':
      for (const v of setOrder([...a.map.values()])) if (!b.map.has(hashKey(v)!)) put(v);
      break;
    case '&': {
      const [small, big] = b.size > a.size ? [a, b] : [b, a];
      for (const v of setOrder([...small.map.values()])) if (big.map.has(hashKey(v)!)) put(v);
      break;
    }
    case '^':
      for (const [k, v] of b.map) out.map.set(k, v);
      for (const v of setOrder([...a.map.values()])) {
        const k = hashKey(v)!;
        if (out.map.has(k)) out.map.delete(k);
        else out.map.set(k, v);
      }
      break;
  }
  return out;
}

/** `a op b`. */
export function binary(op: BinaryOp, a: PyValue, b: PyValue, ctx: HostContext): PyValue {
  if (typeof a === 'number' && typeof b === 'number') return floatOp(op, a, b);
  if (typeof a === 'bigint' && typeof b === 'bigint') return intOp(op, a, b);
  if (a instanceof HostObject) {
    const r = a.binary(op, b, false, ctx);
    if (r !== NOT_IMPLEMENTED) return r;
  }
  if (b instanceof HostObject) {
    const r = b.binary(op, a, true, ctx);
    if (r !== NOT_IMPLEMENTED) return r;
  }
  if (a instanceof PyInstance) {
    const r = callDunder(a, `__${OP_NAMES[op]}__`, [b], ctx);
    if (r !== undefined && r !== NOT_IMPLEMENTED) return r;
  }
  if (b instanceof PyInstance) {
    const r = callDunder(b, `__r${OP_NAMES[op]}__`, [a], ctx);
    if (r !== undefined && r !== NOT_IMPLEMENTED) return r;
  }
  if (isNumber(a) && isNumber(b)) return numericOp(op, a, b);
  const r = sequenceOp(op, a, b, ctx);
  if (r !== NOT_IMPLEMENTED) return r;
  return unsupported(op, a, b);
}

/** `a op= b`: lists extend in place, host objects may update in place, everything else rebinds. */
export function inplace(op: BinaryOp, a: PyValue, b: PyValue, ctx: HostContext): PyValue {
  if (a instanceof PyList) {
    if (op === '+') {
      extendList(a, b, ctx);
      return a;
    }
    if (op === '*') {
      a.items = repeat(a.items, b, ctx);
      return a;
    }
  }
  if (a instanceof HostObject) {
    const r = a.inplace(op, b, ctx);
    if (r !== NOT_IMPLEMENTED) return r;
  }
  if (a instanceof PyInstance) {
    const r = callDunder(a, `__i${OP_NAMES[op]}__`, [b], ctx);
    if (r !== undefined && r !== NOT_IMPLEMENTED) return r;
  }
  if (a instanceof PySet && b instanceof PySet && (op === '|' || op === '&' || op === '-' || op === '^')) {
    chargeItems(ctx, a.size + b.size);
    const r = setOp(op, a, b);
    a.map.clear();
    for (const [k, v] of r.map) a.map.set(k, v);
    return a;
  }
  return binary(op, a, b, ctx);
}

export function unary(op: UnaryOp | 'not', v: PyValue, ctx: HostContext): PyValue {
  if (op === 'not') return !truthy(v, ctx);
  switch (typeof v) {
    case 'number':
      if (op === '~') break;
      return op === '-' ? -v : v;
    case 'bigint':
      return op === '-' ? -v : op === '~' ? ~v : v;
    case 'boolean': {
      const n = v ? 1n : 0n;
      return op === '-' ? -n : op === '~' ? ~n : n;
    }
  }
  if (v instanceof HostObject) return v.unary(op, ctx);
  if (v instanceof PyInstance) {
    const r = callDunder(v, op === '-' ? '__neg__' : op === '+' ? '__pos__' : '__invert__', [], ctx);
    if (r !== undefined) return r;
  }
  throw pyError('TypeError', `bad operand type for unary ${op}: '${typeName(v)}'`);
}

// ---------------------------------------------------------------- comparison

const REFLECTED: Record<CompareOp, CompareOp> = { '<': '>', '>': '<', '<=': '>=', '>=': '<=', '==': '==', '!=': '!=' };
const CMP_DUNDER: Record<CompareOp, string> = { '<': '__lt__', '<=': '__le__', '>': '__gt__', '>=': '__ge__', '==': '__eq__', '!=': '__ne__' };

function ordered(op: CompareOp, c: number): boolean {
  switch (op) {
    case '<':
      return c < 0;
    case '<=':
      return c <= 0;
    case '>':
      return c > 0;
    case '>=':
      return c >= 0;
    case '==':
      return c === 0;
    case '!=':
      return c !== 0;
  }
}

function compareSequences(op: CompareOp, a: readonly PyValue[], b: readonly PyValue[], ctx: HostContext): boolean {
  const n = Math.min(a.length, b.length);
  for (let i = 0; i < n; i++) {
    ctx.tick();
    // NB: identity first, as CPython: `x = float('nan'); [x] == [x]` is True.
    if (!Object.is(a[i], b[i]) && !eq(a[i], b[i], ctx)) {
      if (op === '==') return false;
      if (op === '!=') return true;
      return truthy(compare(op, a[i], b[i], ctx), ctx);
    }
  }
  return ordered(op, a.length - b.length);
}

/** `a op b` for the six rich comparisons; may return a non-bool (a host tensor of booleans). */
export function compare(op: CompareOp, a: PyValue, b: PyValue, ctx: HostContext): PyValue {
  if (isNumber(a) && isNumber(b)) {
    const x = typeof a === 'boolean' ? (a ? 1 : 0) : a;
    const y = typeof b === 'boolean' ? (b ? 1 : 0) : b;
    switch (op) {
      case '<':
        return x < y;
      case '<=':
        return x <= y;
      case '>':
        return x > y;
      case '>=':
        return x >= y;
      case '==':
        // eslint-disable-next-line eqeqeq
        return x == y;
      case '!=':
        // eslint-disable-next-line eqeqeq
        return x != y;
    }
  }
  if (typeof a === 'string' && typeof b === 'string') return ordered(op, a < b ? -1 : a > b ? 1 : 0);
  if (a instanceof HostObject) {
    const r = a.compare(op, b, ctx);
    if (r !== NOT_IMPLEMENTED) return r;
  }
  if (b instanceof HostObject) {
    const r = b.compare(REFLECTED[op], a, ctx);
    if (r !== NOT_IMPLEMENTED) return r;
  }
  if (a instanceof PyInstance) {
    const r = callDunder(a, CMP_DUNDER[op], [b], ctx);
    if (r !== undefined && r !== NOT_IMPLEMENTED) return r;
  }
  if (b instanceof PyInstance) {
    const r = callDunder(b, CMP_DUNDER[REFLECTED[op]], [a], ctx);
    if (r !== undefined && r !== NOT_IMPLEMENTED) return r;
  }
  if (a instanceof PyList && b instanceof PyList) return compareSequences(op, a.items, b.items, ctx);
  if (a instanceof PyTuple && b instanceof PyTuple) return compareSequences(op, a.items, b.items, ctx);
  if (op === '==' || op === '!=') {
    const same = structuralEq(a, b, ctx);
    return op === '==' ? same : !same;
  }
  if (a instanceof PySet && b instanceof PySet) {
    const sub = [...a.map.keys()].every((k) => b.map.has(k));
    const sup = [...b.map.keys()].every((k) => a.map.has(k));
    if (op === '<=') return sub;
    if (op === '>=') return sup;
    if (op === '<') return sub && a.size < b.size;
    return sup && a.size > b.size;
  }
  throw pyError('TypeError', `'${op}' not supported between instances of '${typeName(a)}' and '${typeName(b)}'`);
}

function structuralEq(a: PyValue, b: PyValue, ctx: HostContext): boolean {
  if (a === b) return true;
  if (a instanceof PyDict && b instanceof PyDict) {
    if (a.size !== b.size) return false;
    for (const [k, [, v]] of a.map) {
      ctx.tick();
      const w = b.getByKey(k);
      if (w === undefined || !eq(v, w, ctx)) return false;
    }
    return true;
  }
  if (a instanceof PySet && b instanceof PySet) {
    chargeItems(ctx, a.size);
    return a.size === b.size && [...a.map.keys()].every((k) => b.map.has(k));
  }
  if (a instanceof PyRange && b instanceof PyRange) {
    const n = a.length;
    return n === b.length && (n === 0n || (a.start === b.start && (n === 1n || a.step === b.step)));
  }
  if (a instanceof PySlice && b instanceof PySlice) return eq(new PyTuple([a.start, a.stop, a.step]), new PyTuple([b.start, b.stop, b.step]), ctx);
  if (a instanceof PyBoundMethod && b instanceof PyBoundMethod) return a.fn === b.fn && a.self === b.self;
  return false;
}

/** Python `==` as a JS boolean (a host comparison's result goes through its truth value). */
export function eq(a: PyValue, b: PyValue, ctx: HostContext): boolean {
  if (a === b && typeof a !== 'number') return true;
  const r = compare('==', a, b, ctx);
  return typeof r === 'boolean' ? r : truthy(r, ctx);
}

/** `item in container`. */
export function contains(container: PyValue, item: PyValue, ctx: HostContext): boolean {
  if (typeof container === 'string') {
    if (typeof item !== 'string') throw pyError('TypeError', `'in <string>' requires string as left operand, not ${typeName(item)}`);
    chargeChars(ctx, container.length);
    return container.includes(item);
  }
  if (container instanceof PyDict) return container.map.has(dictKey(item));
  if (container instanceof PySet) return container.map.has(dictKey(item));
  if (container instanceof PyDictView && container.view === 'keys') return container.dict.map.has(dictKey(item));
  if (container instanceof PyRange && isInt(item)) {
    const i = asBig(item);
    const { start, step } = container;
    const off = i - start;
    if (off % step !== 0n) return false;
    const k = off / step;
    return k >= 0n && k < container.length;
  }
  if (container instanceof HostObject) {
    const r = container.contains(item, ctx);
    if (r !== NOT_IMPLEMENTED) return truthy(r, ctx);
  }
  if (container instanceof PyInstance) {
    const r = callDunder(container, '__contains__', [item], ctx);
    if (r !== undefined) return truthy(r, ctx);
  }
  for (const x of iterate(container, ctx, `argument of type '${typeName(container)}' is not iterable`)) {
    // NB: identity first, as CPython: `x = float('nan'); x in [x]` is True.
    if (Object.is(x, item) || x === item || eq(x, item, ctx)) return true;
  }
  return false;
}

// ---------------------------------------------------------------- containers

const SURROGATE = /[\uD800-\uDFFF]/;

/** A string's code points when it has any outside the BMP (Python indexes by code point, JS by UTF-16 unit). */
function astral(s: string): string[] | null {
  return SURROGATE.test(s) ? Array.from(s) : null;
}

export function len(v: PyValue, ctx: HostContext): number {
  if (typeof v === 'string') return astral(v)?.length ?? v.length;
  if (v instanceof PyList || v instanceof PyTuple) return v.items.length;
  if (v instanceof PyDict || v instanceof PySet) return v.size;
  if (v instanceof PyRange) return Number(v.length);
  if (v instanceof PyDictView) return v.dict.size;
  if (v instanceof HostObject) return v.len(ctx);
  if (v instanceof PyInstance) {
    const n = callDunder(v, '__len__', [], ctx);
    if (n !== undefined) return Number(toIndex(n, ctx));
  }
  throw pyError('TypeError', `object of type '${typeName(v)}' has no len()`);
}

function* listIterator(list: PyList): IterableIterator<PyValue> {
  // Index-based, as CPython's: appending while iterating sees the new items.
  for (let i = 0; i < list.items.length; i++) yield list.items[i];
}

function* rangeIterator(r: PyRange): IterableIterator<PyValue> {
  const { start, stop, step } = r;
  if (step > 0n) for (let i = start; i < stop; i += step) yield i;
  else for (let i = start; i > stop; i += step) yield i;
}

function* instanceIterator(it: PyValue, ctx: HostContext): IterableIterator<PyValue> {
  if (!(it instanceof PyInstance)) {
    yield* iterate(it, ctx);
    return;
  }
  const next = instanceMethod(it, '__next__', ctx);
  if (next === undefined) throw pyError('TypeError', `iter() returned non-iterator of type '${typeName(it)}'`);
  for (;;) {
    try {
      yield ctx.call(next, []);
    } catch (e) {
      if (e instanceof PyError && e.exc.type.isSubtypeOf(StopIteration)) return;
      throw e;
    }
  }
}

/** A JS iterable over a Python iterable, charging one step per item (see limits.ts). */
export function iterate(v: PyValue, ctx: HostContext, message?: string): Iterable<PyValue> {
  return charged(items(v, ctx, message), ctx);
}

function* charged(items: Iterable<PyValue>, ctx: HostContext): IterableIterator<PyValue> {
  for (const x of items) {
    ctx.tick();
    yield x;
  }
}

/**
 * A Python iterable's items in a new array, charged before they are copied when the iterable's
 * size is known: `list(range(10**9))` stops at once at the step budget.
 */
export function materialize(v: PyValue, ctx: HostContext, message?: string): PyValue[] {
  const n = knownLength(v);
  if (n === null) return [...iterate(v, ctx, message)];
  chargeItems(ctx, n);
  return [...items(v, ctx, message)];
}

function knownLength(v: PyValue): number | null {
  if (v instanceof PyList || v instanceof PyTuple) return v.items.length;
  if (v instanceof PyRange) return Number(v.length);
  if (typeof v === 'string') return v.length;
  if (v instanceof PyDict || v instanceof PySet) return v.size;
  if (v instanceof PyDictView) return v.dict.size;
  return null;
}

/** `list.extend`, `list += it`. */
export function extendList(list: PyList, it: PyValue, ctx: HostContext): void {
  // NB: no push(...items): spreading a million arguments overflows the JS stack.
  for (const x of it === list ? [...list.items] : materialize(it, ctx)) list.items.push(x);
}

function items(v: PyValue, ctx: HostContext, message?: string): Iterable<PyValue> {
  if (v instanceof PyList) return listIterator(v);
  if (v instanceof PyTuple) return v.items;
  // NB: for-of walks code points, as Python does, without an array of them all.
  if (typeof v === 'string') return v[Symbol.iterator]();
  if (v instanceof PyRange) return rangeIterator(v);
  if (v instanceof PyDict) return [...v.keys()];
  if (v instanceof PySet) return setOrder([...v.map.values()]);
  if (v instanceof PyIterator) return v;
  if (v instanceof PyDictView) {
    if (v.view === 'keys') return [...v.dict.keys()];
    if (v.view === 'values') return [...v.dict.values()];
    return [...v.dict.entries()].map((e) => new PyTuple(e));
  }
  if (v instanceof HostObject) return v.iter(ctx);
  if (v instanceof PyInstance) {
    const it = callDunder(v, '__iter__', [], ctx);
    if (it !== undefined) return instanceIterator(it, ctx);
    if (instanceMethod(v, '__getitem__', ctx) !== undefined) {
      return (function* () {
        for (let i = 0n; ; i++) {
          try {
            yield getitem(v, i, ctx);
          } catch (e) {
            if (e instanceof PyError && e.exc.type.isSubtypeOf(IndexError)) return;
            throw e;
          }
        }
      })();
    }
  }
  throw pyError('TypeError', message ?? `'${typeName(v)}' object is not iterable`);
}

/** Python's slice.indices: start, stop, step and count for a sequence of length n. */
export function sliceIndices(s: PySlice, n: number, ctx: HostContext): { start: number; stop: number; step: number; count: number } {
  const msg = 'slice indices must be integers or None or have an __index__ method';
  const step = s.step === null ? 1 : Number(toIndex(s.step, ctx, msg));
  if (step === 0) throw pyError('ValueError', 'slice step cannot be zero');
  const norm = (v: PyValue, dflt: number, lo: number, hi: number): number => {
    if (v === null) return dflt;
    let i = Number(toIndex(v, ctx, msg));
    if (i < 0) i += n;
    return Math.min(Math.max(i, lo), hi);
  };
  const start = step > 0 ? norm(s.start, 0, 0, n) : norm(s.start, n - 1, -1, n - 1);
  const stop = step > 0 ? norm(s.stop, n, 0, n) : norm(s.stop, -1, -1, n - 1);
  let count = 0;
  if (step > 0 && stop > start) count = Math.floor((stop - start - 1) / step) + 1;
  else if (step < 0 && stop < start) count = Math.floor((start - stop - 1) / -step) + 1;
  return { start, stop, step, count };
}

function sliceItems<T>(items: readonly T[], s: PySlice, ctx: HostContext): T[] {
  const { start, step, count } = sliceIndices(s, items.length, ctx);
  chargeItems(ctx, count);
  if (step === 1) return items.slice(start, start + count);
  const out: T[] = [];
  for (let i = 0, j = start; i < count; i++, j += step) out.push(items[j]);
  return out;
}

function seqIndex(index: PyValue, n: number, what: string, ctx: HostContext): number {
  const i = Number(toIndex(index, ctx, `${what} indices must be integers or slices, not ${typeName(index)}`));
  const j = i < 0 ? i + n : i;
  if (j < 0 || j >= n) throw pyError('IndexError', `${what} index out of range`);
  return j;
}

/** `obj[index]`. */
export function getitem(obj: PyValue, index: PyValue, ctx: HostContext): PyValue {
  if (obj instanceof PyList) {
    if (index instanceof PySlice) return new PyList(sliceItems(obj.items, index, ctx));
    return obj.items[seqIndex(index, obj.items.length, 'list', ctx)];
  }
  if (obj instanceof PyTuple) {
    if (index instanceof PySlice) return new PyTuple(sliceItems(obj.items, index, ctx));
    return obj.items[seqIndex(index, obj.items.length, 'tuple', ctx)];
  }
  if (obj instanceof PyDict) {
    const v = obj.getByKey(dictKey(index));
    if (v !== undefined) return v;
    throw keyError(index);
  }
  if (typeof obj === 'string') {
    const chars = astral(obj) ?? obj;
    if (index instanceof PySlice) {
      if (typeof chars === 'string') {
        const { start, step, count } = sliceIndices(index, chars.length, ctx);
        chargeChars(ctx, count);
        if (step === 1) return chars.slice(start, start + count);
      }
      return sliceItems(typeof chars === 'string' ? chars.split('') : chars, index, ctx).join('');
    }
    const n = Number(toIndex(index, ctx, `string indices must be integers, not '${typeName(index)}'`));
    const j = n < 0 ? n + chars.length : n;
    if (j < 0 || j >= chars.length) throw pyError('IndexError', 'string index out of range');
    return chars[j];
  }
  if (obj instanceof HostObject) return obj.getitem(index, ctx);
  if (obj instanceof PyRange) {
    const n = Number(obj.length);
    if (index instanceof PySlice) {
      const { start, step, count } = sliceIndices(index, n, ctx);
      const s = obj.at(BigInt(start));
      return new PyRange(s, s + BigInt(count) * obj.step * BigInt(step), obj.step * BigInt(step));
    }
    // NB: in bigints: `range(10**30)[10**29]` is past a double's 2**53.
    const i = toIndex(index, ctx, `range indices must be integers or slices, not ${typeName(index)}`);
    const j = i < 0n ? i + obj.length : i;
    if (j < 0n || j >= obj.length) throw pyError('IndexError', 'range object index out of range');
    return obj.at(j);
  }
  if (obj instanceof PyInstance) {
    const r = callDunder(obj, '__getitem__', [index], ctx);
    if (r !== undefined) return r;
  }
  if (obj instanceof PyType) return obj; // `list[int]` in annotations
  throw pyError('TypeError', `'${typeName(obj)}' object is not subscriptable`);
}

export function setitem(obj: PyValue, index: PyValue, value: PyValue, ctx: HostContext): void {
  if (obj instanceof PyList) {
    if (index instanceof PySlice) {
      const items = materialize(value, ctx, 'can only assign an iterable');
      const { start, step, count } = sliceIndices(index, obj.items.length, ctx);
      if (step === 1) {
        // NB: not splice(start, count, ...items), which overflows the JS stack for long assignments.
        chargeItems(ctx, obj.items.length);
        obj.items = [...obj.items.slice(0, start), ...items, ...obj.items.slice(start + count)];
        return;
      }
      if (items.length !== count) {
        throw pyError('ValueError', `attempt to assign sequence of size ${items.length} to extended slice of size ${count}`);
      }
      for (let i = 0, j = start; i < count; i++, j += step) obj.items[j] = items[i];
      return;
    }
    obj.items[seqIndex(index, obj.items.length, 'list assignment', ctx)] = value;
    return;
  }
  if (obj instanceof PyDict) {
    obj.setByKey(dictKey(index), index, value);
    return;
  }
  if (obj instanceof HostObject) {
    obj.setitem(index, value, ctx);
    return;
  }
  if (obj instanceof PyInstance && callDunder(obj, '__setitem__', [index, value], ctx) !== undefined) return;
  throw pyError('TypeError', `'${typeName(obj)}' object does not support item assignment`);
}

export function delitem(obj: PyValue, index: PyValue, ctx: HostContext): void {
  if (obj instanceof PyList) {
    if (index instanceof PySlice) {
      const { start, step, count } = sliceIndices(index, obj.items.length, ctx);
      chargeItems(ctx, obj.items.length);
      const drop = new Set<number>();
      for (let i = 0, j = start; i < count; i++, j += step) drop.add(j);
      obj.items = obj.items.filter((_, i) => !drop.has(i));
      return;
    }
    obj.items.splice(seqIndex(index, obj.items.length, 'list assignment', ctx), 1);
    return;
  }
  if (obj instanceof PyDict) {
    const k = dictKey(index);
    if (!obj.map.delete(k)) throw keyError(index);
    return;
  }
  if (obj instanceof PyInstance && callDunder(obj, '__delitem__', [index], ctx) !== undefined) return;
  throw pyError('TypeError', `'${typeName(obj)}' object does not support item deletion`);
}

// ---------------------------------------------------------------- attributes

/** `obj.name`. */
export function getattr(obj: PyValue, name: string, ctx: HostContext): PyValue {
  const v = getattrOrUndefined(obj, name, ctx);
  if (v !== undefined) return v;
  if (obj instanceof PyModule) {
    const lacking = obj.isShim ? ` (${obj.name}.${name} is not supported by Gradlens)` : '';
    throw pyError('AttributeError', `module '${obj.name}' has no attribute '${name}'${lacking}`);
  }
  if (obj instanceof PyType) throw pyError('AttributeError', `type object '${obj.name}' has no attribute '${name}'`);
  throw pyError('AttributeError', `'${typeName(obj)}' object has no attribute '${name}'`);
}

export function getattrOrUndefined(obj: PyValue, name: string, ctx: HostContext): PyValue | undefined {
  if (obj instanceof HostObject) {
    const v = obj.getattr(name, ctx);
    if (v !== undefined) return v;
    if (name === '__class__') return obj.pyType;
    return undefined;
  }
  if (obj instanceof PyModule) {
    if (name === '__name__') return obj.name;
    return obj.attrs.get(name);
  }
  if (obj instanceof PyInstance || obj instanceof ExceptionObject) {
    const own = obj.dict.get(name);
    if (own !== undefined) return own;
    const cls = obj instanceof PyInstance ? obj.cls : obj.type;
    if (name === '__class__') return cls;
    if (name === '__dict__' && obj instanceof PyInstance) {
      const d = new PyDict();
      for (const [k, v] of obj.dict) d.setByKey(dictKey(k), k, v);
      return d;
    }
    if (obj instanceof ExceptionObject) {
      if (name === 'args') return new PyTuple(obj.args);
      if (name === '__cause__') return obj.cause;
      if (name === '__context__') return obj.context;
      if (name === '__traceback__') return null;
    }
    if (obj instanceof ExceptionObject && name === '__cause__') return obj.cause;
    if (obj instanceof ExceptionObject && name === '__context__') return obj.context;
    if (obj instanceof Property && (name === 'setter' || name === 'getter')) {
      return new PyBuiltin(name, (args) => (name === 'setter' ? new Property(obj.fget, args[0]) : new Property(args[0], obj.fset)));
    }
    const attr = cls.lookup(name);
    if (attr !== undefined) return bindAttribute(attr, obj, ctx);
    if (obj instanceof ExceptionObject) return undefined;
    const ga = cls.lookup('__getattr__');
    if (ga !== undefined) return ctx.call(bindAttribute(ga, obj, ctx), [name]);
    return undefined;
  }
  if (obj instanceof PyType) {
    if (name === '__name__') return obj.name;
    if (name === '__qualname__') return obj.name;
    if (name === '__module__') return obj.module;
    const attr = obj.lookup(name);
    if (attr !== undefined) {
      if (attr instanceof StaticMethod) return attr.fn;
      if (attr instanceof ClassMethod) return new PyBoundMethod(attr.fn, obj);
      return attr;
    }
    if (obj.name === 'dict' && obj.module === 'builtins' && name === 'fromkeys') return DICT_FROMKEYS;
    return unboundMethod(obj, name, ctx);
  }
  if (obj instanceof PyFunction) {
    // Assigned names win (functools.wraps copies the wrapped function's onto its wrapper).
    if (name === '__name__') return obj.dict.get(name) ?? obj.name;
    if (name === '__qualname__') return qualnameOf(obj);
    if (name === '__module__') return obj.dict.get(name) ?? '__main__';
    if (name === '__doc__') return obj.dict.get(name) ?? docstring(obj);
    return obj.dict.get(name);
  }
  if (obj instanceof PyBuiltin && name === '__name__') return obj.name;
  if (obj instanceof PyBoundMethod) {
    if (name === '__self__') return obj.self;
    if (name === '__func__') return obj.fn;
    return getattrOrUndefined(obj.fn, name, ctx);
  }
  if (name === '__class__') return typeOf(obj);
  return getMethod(obj, name, ctx);
}

/** `str.lower`, `list.append`: a builtin type's method taking the instance first. */
function unboundMethod(t: PyType, name: string, ctx: HostContext): PyValue | undefined {
  const sample = SAMPLES.get(t.name)?.();
  if (sample === undefined || getMethod(sample, name, ctx) === undefined) return undefined;
  return new PyBuiltin(`${t.name}.${name}`, (args, kwargs, c) => {
    if (args.length === 0 || !isInstance(args[0], t)) {
      throw pyError('TypeError', `descriptor '${name}' for '${t.name}' objects doesn't apply to a '${args.length ? typeName(args[0]) : 'NoneType'}' object`);
    }
    return c.call(getattr(args[0], name, c), args.slice(1), kwargs);
  });
}

/** `dict.fromkeys(keys, value=None)`. */
const DICT_FROMKEYS = new PyBuiltin('fromkeys', (args, _kwargs, ctx) => {
  if (args.length < 1 || args.length > 2) throw pyError('TypeError', `fromkeys expected at most 2 arguments, got ${args.length}`);
  const d = new PyDict();
  for (const k of iterate(args[0], ctx)) d.setByKey(dictKey(k), k, args[1] ?? null);
  return d;
});

const SAMPLES = new Map<string, () => PyValue>([
  ['str', () => ''],
  ['list', () => new PyList([])],
  ['tuple', () => new PyTuple([])],
  ['dict', () => new PyDict()],
  ['set', () => new PySet()],
  ['int', () => 0n],
  ['float', () => 0],
]);

/** A function's `__qualname__`: the one assigned to it, else its definition's. */
function qualnameOf(f: PyFunction): string {
  const assigned = f.dict.get('__qualname__');
  return typeof assigned === 'string' ? assigned : f.qualname;
}

function docstring(f: PyFunction): PyValue {
  const first = f.node.kind === 'FunctionDef' ? f.node.body[0] : undefined;
  return first?.kind === 'ExprStmt' && first.value.kind === 'Str' ? first.value.value : null;
}

export function setattr(obj: PyValue, name: string, value: PyValue, ctx: HostContext): void {
  if (obj instanceof HostObject) return obj.setattr(name, value, ctx);
  if (obj instanceof PyInstance) {
    const prop = obj.cls.lookup(name);
    if (prop instanceof Property) {
      if (prop.fset === null) throw pyError('AttributeError', `property '${name}' of '${obj.cls.name}' object has no setter`);
      ctx.call(prop.fset, [obj, value]);
      return;
    }
    const sa = obj.cls.lookup('__setattr__');
    if (sa !== undefined) {
      ctx.call(bindAttribute(sa, obj, ctx), [name, value]);
      return;
    }
    obj.dict.set(name, value);
    return;
  }
  if (obj instanceof PyFunction && (name === '__name__' || name === '__qualname__') && typeof value !== 'string') {
    throw pyError('TypeError', `${name} must be set to a string object`);
  }
  if (obj instanceof ExceptionObject || obj instanceof PyFunction) {
    obj.dict.set(name, value);
    return;
  }
  if (obj instanceof PyModule) {
    obj.attrs.set(name, value);
    return;
  }
  if (obj instanceof PyType && obj.userDefined) {
    obj.attrs.set(name, value);
    return;
  }
  if (obj instanceof PyType) throw pyError('TypeError', `cannot set '${name}' attribute of immutable type '${obj.name}'`);
  throw pyError('AttributeError', `'${typeName(obj)}' object has no attribute '${name}'`);
}

export function delattr(obj: PyValue, name: string): void {
  if ((obj instanceof PyInstance || obj instanceof ExceptionObject || obj instanceof PyFunction) && obj.dict.delete(name)) return;
  throw pyError('AttributeError', `'${typeName(obj)}' object has no attribute '${name}'`);
}

/** `isinstance(v, t)`. */
export function isInstance(v: PyValue, t: PyType): boolean {
  return typeOf(v).isSubtypeOf(t);
}
