/**
 * Truth values, `repr`, `str`, `ascii` and `format()` of every value.
 */
import { floatRepr, formatFloat, formatInt, formatString } from '../formatting';
import {
  chargeChars,
  chargeItems,
  checkIntDigits,
  ExceptionObject,
  exceptionText,
  type HostContext,
  HostObject,
  intToDecimal,
  objectId,
  PyBoundMethod,
  PyBuiltin,
  PyDict,
  PyDictView,
  pyError,
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
  type PyValue,
  setOrder,
  singletonName,
  typeName,
} from '../values';
import { callDunder, isSubclassed } from './dunders';

function fakeAddress(o: object): string {
  return `0x${(0x7f3a10000000 + objectId(o) * 48).toString(16)}`;
}

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
  if (isSubclassed(v)) {
    const b = callDunder(v, '__bool__', [], ctx) ?? callDunder(v, '__len__', [], ctx);
    if (b !== undefined) return truthy(b, ctx);
  }
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
  if (isSubclassed(v)) {
    const custom = callDunder(v, '__repr__', [], ctx);
    if (custom !== undefined) {
      if (typeof custom !== 'string') throw pyError('TypeError', `__repr__ returned non-string (type ${typeName(custom)})`);
      return custom;
    }
  }
  if (v instanceof PyList || v instanceof PyTuple) chargeItems(ctx, v.items.length);
  if (v instanceof PyDict || v instanceof PySet) chargeItems(ctx, v.size);
  if (v instanceof PyList) return reprGuarded(v, '[', ']', () => `[${v.items.map((x) => repr(x, ctx)).join(', ')}]`);
  if (v instanceof PyTuple) {
    return reprGuarded(v, '(', ')', () => (v.items.length === 1 ? `(${repr(v.items[0], ctx)},)` : `(${v.items.map((x) => repr(x, ctx)).join(', ')})`));
  }
  if (v instanceof PyDict) {
    return reprGuarded(v, '{', '}', () => `{${[...v.entries()].map(([k, x]) => `${repr(k, ctx)}: ${repr(x, ctx)}`).join(', ')}}`);
  }
  if (v instanceof PySet) {
    if (v.size === 0) return v.frozen ? 'frozenset()' : 'set()';
    const body = `{${setOrder(v).map((x) => repr(x, ctx)).join(', ')}}`;
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
  if (v instanceof PyType) return v.metaclassRepr ? `<${v.metaclassRepr} '${v.name}'>` : `<class '${v.qualifiedName}'>`;
  if (v instanceof PyModule) return `<module '${v.name}' (built-in)>`;
  if (v instanceof PyRange) return v.step === 1n ? `range(${v.start}, ${v.stop})` : `range(${v.start}, ${v.stop}, ${v.step})`;
  if (v instanceof PySlice) return `slice(${repr(v.start, ctx)}, ${repr(v.stop, ctx)}, ${repr(v.step, ctx)})`;
  if (v instanceof PyDictView) {
    const items = v.view === 'keys' ? [...v.dict.keys()] : v.view === 'values' ? [...v.dict.values()] : [...v.dict.entries()].map((e) => new PyTuple(e));
    return `dict_${v.view}([${items.map((x) => repr(x, ctx)).join(', ')}])`;
  }
  if (v instanceof PyIterator) return `<${v.describe()} at ${fakeAddress(v)}>`;
  return singletonName(v) ?? '<object>';
}

/** A function's `__qualname__`: the one assigned to it, else its definition's. */
export function qualnameOf(f: PyFunction): string {
  const assigned = f.dict.get('__qualname__');
  return typeof assigned === 'string' ? assigned : f.qualname;
}

export function str(v: PyValue, ctx: HostContext): string {
  if (typeof v === 'string') return v;
  if (v instanceof HostObject) return v.str(ctx);
  if (v instanceof ExceptionObject) {
    const custom = callDunder(v, '__str__', [], ctx);
    if (typeof custom === 'string') return custom;
    return exceptionText(v, (x) => str(x, ctx), (x) => repr(x, ctx));
  }
  if (v instanceof PyInstance || isSubclassed(v)) {
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
  if (v instanceof PyInstance || isSubclassed(v)) {
    const custom = callDunder(v, '__format__', [spec], ctx);
    if (custom !== undefined) return str(custom, ctx);
  }
  if (spec === '') return str(v, ctx);
  throw pyError('TypeError', `unsupported format string passed to ${typeName(v)}.__format__`);
}
