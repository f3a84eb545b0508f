/**
 * The builtins a script sees: functions (`print`, `len`, `range`, `round`...),
 * the builtin types as constructors (`int('3')`, `list(it)`), the exception
 * classes, and the names the sandbox refuses (`open`, `eval`, `input`...).
 */
import {
  bindArgs,
  bytearrayType,
  bytesType,
  complexType,
  floatFromHex,
  fromBytes,
  PyComplex,
  dictUpdate,
  sortedList,
  ClassMethod,
  StaticMethod,
  ascii,
  binary,
  compares,
  dictKey,
  pyHash,
  formatValue,
  getattr,
  getattrOrUndefined,
  intOp,
  isInstance,
  isSubclass,
  isNumber,
  iterate,
  getitem,
  len,
  materialize,
  parseIntLiteral,
  repr,
  setattr,
  delattr,
  str,
  toFloat,
  toIndex,
  toInt,
  truthy,
} from './operators';
import {
  EXCEPTION_TYPES,
  HaltError,
  pyError,
  PyError,
  StopIteration,
  HostObject,
  type HostContext,
  bitLength,
  chargeChars,
  chargeMoves,
  ELLIPSIS,
  NOT_IMPLEMENTED,
  PyBoundMethod,
  PyBuiltin,
  PyDict,
  PyFunction,
  PyInstance,
  PyIterator,
  PyList,
  PyRange,
  PySet,
  PySlice,
  PyTuple,
  PyType,
  hashKey,
  objectId,
  type Kwargs,
  type NativeFn,
  type PyValue,
  boolType,
  dictType,
  floatType,
  frozensetType,
  intType,
  listType,
  objectType,
  rangeType,
  setType,
  sliceType,
  strType,
  tupleType,
  typeName,
  typeOf,
  typeType,
  changingFunction,
} from './values';
import { floatDivmod, intFloorDiv, intMod, roundHalfEven } from './formatting';
import { PyGenerator } from './generator';

/** Builtins that would reach outside the sandbox, with the reason shown to the user. */
export const REFUSED_BUILTINS: ReadonlyMap<string, string> = new Map([
  ['open', 'scripts cannot read or write files'],
  ['exec', 'scripts cannot run code from strings'],
  ['eval', 'scripts cannot run code from strings'],
  ['compile', 'scripts cannot run code from strings'],
  ['__import__', "use an 'import' statement"],
  ['input', 'scripts cannot read input'],
  ['globals', 'scripts cannot inspect the interpreter'],
  ['locals', 'scripts cannot inspect the interpreter'],
  ['dir', 'scripts cannot inspect the interpreter'],
  ['breakpoint', 'there is no debugger'],
  ['help', 'there is no interactive help'],
  ['exit', 'scripts cannot stop the process'],
  ['quit', 'scripts cannot stop the process'],
  ['memoryview', 'raw memory is not available'],
]);

export function refusedMessage(name: string): string {
  return `'${name}' is not available in Gradlens: ${REFUSED_BUILTINS.get(name) ?? 'it is outside the sandbox'}`;
}

function fn(name: string, f: NativeFn): PyBuiltin {
  return new PyBuiltin(name, f);
}

function exactArgs(name: string, args: PyValue[], kwargs: Kwargs, n: number): void {
  if (kwargs.size) throw pyError('TypeError', `${name}() takes no keyword arguments`);
  if (args.length !== n) {
    throw pyError('TypeError', `${name}() takes exactly ${n === 1 ? 'one argument' : `${n} arguments`} (${args.length} given)`);
  }
}

// ---------------------------------------------------------------- constructors of the builtin types

function iterableArg(name: string, args: PyValue[], kwargs: Kwargs): PyValue | undefined {
  if (kwargs.size) throw pyError('TypeError', `${name}() takes no keyword arguments`);
  if (args.length > 1) throw pyError('TypeError', `${name} expected at most 1 argument, got ${args.length}`);
  return args[0];
}

function makeSet(items: Iterable<PyValue>, frozen: boolean, ctx: HostContext): PySet {
  const s = new PySet(frozen);
  for (const x of items) s.add(dictKey(x, ctx), x);
  return s;
}

intType.construct = (args, kwargs, ctx) => {
  const a = bindArgs('int', ['x?', 'base?'], args, kwargs, ctx);
  const x = a.get('x');
  if (x === undefined) return 0n;
  if (a.has('base')) {
    if (typeof x !== 'string') throw pyError('TypeError', "int() can't convert non-string with explicit base");
    const base = a.int('base');
    if (base !== 0 && (base < 2 || base > 36)) throw pyError('ValueError', 'int() base must be >= 2 and <= 36, or 0');
    return parseIntLiteral(x, base);
  }
  return toInt(x, ctx);
};
intType.attrs.set('from_bytes', new PyBuiltin('from_bytes', fromBytes));
floatType.attrs.set('fromhex', new PyBuiltin('fromhex', (args) => {
  if (typeof args[0] !== 'string') throw pyError('TypeError', `must be str, not ${typeName(args[0] ?? null)}`);
  return floatFromHex(args[0]);
}));
floatType.construct = (args, kwargs, ctx) => {
  const x = iterableArg('float', args, kwargs);
  return x === undefined ? 0 : toFloat(x, ctx);
};
boolType.construct = (args, kwargs, ctx) => {
  const x = iterableArg('bool', args, kwargs);
  return x === undefined ? false : truthy(x, ctx);
};
strType.construct = (args, kwargs, ctx) => {
  const x = iterableArg('str', args, kwargs);
  return x === undefined ? '' : str(x, ctx);
};
listType.construct = (args, kwargs, ctx) => {
  const x = iterableArg('list', args, kwargs);
  return new PyList(x === undefined ? [] : materialize(x, ctx));
};
tupleType.construct = (args, kwargs, ctx) => {
  const x = iterableArg('tuple', args, kwargs);
  if (x instanceof PyTuple && x.subclass === null) return x;
  return new PyTuple(x === undefined ? [] : materialize(x, ctx));
};
dictType.construct = (args, kwargs, ctx) => {
  const d = new PyDict();
  dictUpdate(d, args, kwargs, ctx, 'dict');
  return d;
};
setType.construct = (args, kwargs, ctx) => {
  const x = iterableArg('set', args, kwargs);
  return makeSet(x === undefined ? [] : iterate(x, ctx), false, ctx);
};
frozensetType.construct = (args, kwargs, ctx) => {
  const x = iterableArg('frozenset', args, kwargs);
  return makeSet(x === undefined ? [] : iterate(x, ctx), true, ctx);
};
rangeType.construct = (args, kwargs, ctx) => {
  if (kwargs.size) throw pyError('TypeError', 'range() takes no keyword arguments');
  if (args.length < 1 || args.length > 3) {
    throw pyError('TypeError', args.length ? `range expected at most 3 arguments, got ${args.length}` : 'range expected at least 1 argument, got 0');
  }
  const n = args.map((a) => toIndex(a, ctx));
  const [start, stop, step] = n.length === 1 ? [0n, n[0], 1n] : [n[0], n[1], n[2] ?? 1n];
  if (step === 0n) throw pyError('ValueError', 'range() arg 3 must not be zero');
  return new PyRange(start, stop, step);
};
sliceType.construct = (args, kwargs) => {
  if (kwargs.size) throw pyError('TypeError', 'slice() takes no keyword arguments');
  if (args.length === 1) return new PySlice(null, args[0], null);
  if (args.length === 2 || args.length === 3) return new PySlice(args[0], args[1], args[2] ?? null);
  throw pyError('TypeError', `slice expected at most 3 arguments, got ${args.length}`);
};
typeType.construct = (args, kwargs) => {
  if (args.length === 1 && kwargs.size === 0) return typeOf(args[0]);
  throw pyError('NotImplementedError', 'type() with three arguments is not supported by Gradlens; use a class statement');
};
objectType.construct = (args) => {
  if (args.length) throw pyError('TypeError', 'object() takes no arguments');
  return new PyInstance(objectType);
};

// ---------------------------------------------------------------- functions

function round(args: PyValue[], kwargs: Kwargs, ctx: HostContext): PyValue {
  const a = bindArgs('round', ['number', 'ndigits?'], args, kwargs, ctx);
  const x = a.required('number');
  const nd = a.opt('ndigits');
  if (typeof x === 'number') {
    if (nd === undefined) {
      if (Number.isNaN(x)) throw pyError('ValueError', 'cannot convert float NaN to integer');
      if (!Number.isFinite(x)) throw pyError('OverflowError', 'cannot convert float infinity to integer');
      return BigInt(roundHalfEven(x, 0));
    }
    return roundHalfEven(x, Number(toIndex(nd, ctx)));
  }
  if (typeof x === 'bigint' || typeof x === 'boolean') {
    const v = typeof x === 'boolean' ? (x ? 1n : 0n) : x;
    if (nd === undefined) return v;
    const n = toIndex(nd, ctx);
    if (n >= 0n) return v;
    // 10**-n is past twice |v|: the result is 0, without computing a power of ten of a billion digits.
    if (-n > BigInt(Math.floor(bitLength(v) / 3) + 1)) return 0n;
    const p = 10n ** -n;
    const q = intFloorDiv(v, p);
    const r = intMod(v, p);
    const twice = 2n * r;
    const up = twice > p || (twice === p && q % 2n !== 0n);
    return (up ? q + 1n : q) * p;
  }
  const hook = x instanceof HostObject || x instanceof PyInstance ? getattrOrUndefined(x, '__round__', ctx) : undefined;
  if (hook !== undefined) return ctx.call(hook, nd === undefined ? [] : [nd]);
  // An int or float subclass's instance rounds as its value (float.__round__ gives a float or an int).
  if (x instanceof PyInstance && x.baseMethod !== null && typeof x.standsFor !== 'string') return round([x.standsFor ?? null, ...(nd === undefined ? [] : [nd])], new Map(), ctx);
  throw pyError('TypeError', `type ${typeName(x)} doesn't define __round__ method`);
}

function minmax(name: 'min' | 'max', args: PyValue[], kwargs: Kwargs, ctx: HostContext): PyValue {
  const a = bindArgs(name, ['*args', 'key?', 'default?'], args, kwargs, ctx);
  const key = a.opt('key');
  let items: Iterable<PyValue>;
  if (a.rest.length === 0) throw pyError('TypeError', `${name} expected at least 1 argument, got 0`);
  if (a.rest.length === 1) items = iterate(a.rest[0], ctx);
  else {
    if (a.has('default')) throw pyError('TypeError', `Cannot specify a default for ${name}() with multiple positional arguments`);
    items = a.rest;
  }
  let best: PyValue | undefined;
  let bestKey: PyValue | undefined;
  const op = name === 'min' ? '<' : '>';
  for (const x of items) {
    const k = key === undefined ? x : ctx.call(key, [x]);
    if (key !== undefined) ctx.doneWith(k);
    if (best === undefined || compares(op, k, bestKey!, ctx)) {
      best = x;
      bestKey = k;
    }
  }
  if (best === undefined) {
    const d = a.get('default');
    if (d !== undefined) return d;
    throw pyError('ValueError', `${name}() arg is an empty sequence`);
  }
  return best;
}

function sum(args: PyValue[], kwargs: Kwargs, ctx: HostContext): PyValue {
  const a = bindArgs('sum', ['iterable', 'start?'], args, kwargs, ctx);
  let total: PyValue = a.get('start') ?? 0n;
  if (typeof total === 'string') throw pyError('TypeError', "sum() can't sum strings [use ''.join(seq) instead]");
  // Whether `total` is a partial sum made here, not the start or an item: nothing else holds it.
  let partial = false;
  for (const x of iterate(a.required('iterable'), ctx)) {
    const next = binary('+', total, x, ctx);
    // NB: a partial sum of tensors goes as the next replaces it, as CPython's reference count frees it.
    if (partial && next !== total && total instanceof HostObject && total.collectable) total.collect(ctx);
    partial = next !== x && (partial || next !== total);
    total = next;
  }
  return total;
}

/** `callable(x)`. */
export function isCallable(x: PyValue, ctx: HostContext): boolean {
  if (x instanceof PyFunction || x instanceof PyBuiltin || x instanceof PyBoundMethod || x instanceof PyType) return true;
  if (x instanceof PyInstance) return x.cls.lookup('__call__') !== undefined;
  if (x instanceof HostObject) {
    try {
      return x.getattr('__call__', ctx) !== undefined || x.call !== HostObject.prototype.call;
    } catch {
      return false;
    }
  }
  return false;
}

/** The builtin `abs(x)`, also `operator.abs`. */
export function abs(args: PyValue[], kwargs: Kwargs, ctx: HostContext): PyValue {
  exactArgs('abs', args, kwargs, 1);
  const x = args[0];
  if (typeof x === 'number') return Math.abs(x);
  if (typeof x === 'bigint') return x < 0n ? -x : x;
  if (typeof x === 'boolean') return x ? 1n : 0n;
  const hook = x instanceof HostObject || x instanceof PyInstance ? getattrOrUndefined(x, '__abs__', ctx) : undefined;
  if (hook !== undefined) return ctx.call(hook, []);
  throw pyError('TypeError', `bad operand type for abs(): '${typeName(x)}'`);
}

function pow(args: PyValue[], kwargs: Kwargs, ctx: HostContext): PyValue {
  const a = bindArgs('pow', ['base', 'exp', 'mod?'], args, kwargs, ctx);
  const base = a.required('base');
  const exp = a.required('exp');
  const mod = a.opt('mod');
  if (mod === undefined) return binary('**', base, exp, ctx);
  if (base instanceof PyComplex || exp instanceof PyComplex || mod instanceof PyComplex) throw pyError('ValueError', 'complex modulo');
  if (!(typeof base === 'bigint' || typeof base === 'boolean') || !(typeof exp === 'bigint' || typeof exp === 'boolean') || !(typeof mod === 'bigint' || typeof mod === 'boolean')) {
    throw pyError('TypeError', 'pow() 3rd argument not allowed unless all arguments are integers');
  }
  let b = toInt(base, ctx);
  let e = toInt(exp, ctx);
  const m = toInt(mod, ctx);
  if (m === 0n) throw pyError('ValueError', 'pow() 3rd argument cannot be 0');
  b = intMod(b, m);
  if (e < 0n) {
    // A negative exponent raises the modular inverse (CPython 3.8+: `pow(2, -1, 7)` is 4).
    b = modularInverse(b, m);
    e = -e;
  }
  let r = 1n;
  // A step per 64-bit word of the modulus each round: the products grow with it.
  const words = Math.max(1, bitLength(m) >> 6);
  while (e > 0n) {
    ctx.tick(words);
    if (e & 1n) r = (r * b) % m;
    b = (b * b) % m;
    e >>= 1n;
  }
  return intMod(r, m);
}

/** `b`'s inverse modulo `m` (extended Euclid), or CPython's ValueError when they share a factor. */
function modularInverse(b: bigint, m: bigint): bigint {
  const n = m < 0n ? -m : m;
  let [r0, r1] = [intMod(b, n), n];
  let [x0, x1] = [1n, 0n];
  while (r1 !== 0n) {
    const q = r0 / r1;
    [r0, r1] = [r1, r0 - q * r1];
    [x0, x1] = [x1, x0 - q * x1];
  }
  if (r0 !== 1n) throw pyError('ValueError', 'base is not invertible for the given modulus');
  return intMod(x0, m);
}

function divmod(args: PyValue[], kwargs: Kwargs, ctx: HostContext): PyValue {
  exactArgs('divmod', args, kwargs, 2);
  const [x, y] = args;
  if (isNumber(x) && isNumber(y)) {
    if (typeof x === 'number' || typeof y === 'number') {
      const fx = toFloat(x, ctx);
      const fy = toFloat(y, ctx);
      if (fy === 0) throw pyError('ZeroDivisionError', 'float divmod()');
      return new PyTuple(floatDivmod(fx, fy));
    }
    const ix = toInt(x, ctx);
    const iy = toInt(y, ctx);
    if (iy === 0n) throw pyError('ZeroDivisionError', 'integer division or modulo by zero');
    return new PyTuple([intOp('//', ix, iy), intOp('%', ix, iy)]);
  }
  if (x instanceof PyComplex || y instanceof PyComplex) throw pyError('TypeError', `unsupported operand type(s) for divmod(): '${typeName(x)}' and '${typeName(y)}'`);
  return new PyTuple([binary('//', x, y, ctx), binary('%', x, y, ctx)]);
}

function reversed(args: PyValue[], kwargs: Kwargs, ctx: HostContext): PyValue {
  exactArgs('reversed', args, kwargs, 1);
  const x = args[0];
  if (x instanceof PyList || x instanceof PyTuple) {
    chargeMoves(ctx, x.items.length);
    return new PyIterator('list_reverseiterator', [...x.items].reverse()[Symbol.iterator]());
  }
  if (x instanceof PyRange) {
    const r = x;
    const n = r.length;
    return new PyIterator('range_iterator', (function* () {
      for (let i = n - 1n; i >= 0n; i--) yield r.at(i);
    })());
  }
  if (typeof x === 'string' || x instanceof PyDict) {
    return new PyIterator('reversed', materialize(x, ctx).reverse()[Symbol.iterator]());
  }
  const hook = x instanceof HostObject || x instanceof PyInstance ? getattrOrUndefined(x, '__reversed__', ctx) : undefined;
  if (hook !== undefined) return ctx.call(hook, []);
  if (x instanceof HostObject) return new PyIterator('reversed', materialize(x, ctx).reverse()[Symbol.iterator]());
  if (x instanceof PyInstance && x.cls.lookup('__len__') !== undefined && x.cls.lookup('__getitem__') !== undefined) {
    // The sequence protocol, as CPython's reversed: len() once, then x[n-1] down to x[0].
    const n = len(x, ctx);
    return new PyIterator('reversed', (function* () {
      for (let i = n - 1; i >= 0; i--) {
        ctx.tick();
        yield getitem(x, BigInt(i), ctx);
      }
    })());
  }
  throw pyError('TypeError', `'${typeName(x)}' object is not reversible`);
}

function zip(args: PyValue[], kwargs: Kwargs, ctx: HostContext): PyValue {
  const a = bindArgs('zip', ['*iterables', 'strict?'], args, kwargs, ctx);
  const strict = a.bool('strict', false);
  const its = a.rest.map((x, i) => {
    try {
      return iterate(x, ctx)[Symbol.iterator]();
    } catch (e) {
      if (e instanceof Error && e.name === 'TypeError') throw pyError('TypeError', `'${typeName(x)}' object is not iterable`);
      void i;
      throw e;
    }
  });
  function* gen(): IterableIterator<PyValue> {
    if (its.length === 0) return;
    for (;;) {
      const row: PyValue[] = [];
      for (let i = 0; i < its.length; i++) {
        const r = its[i].next();
        if (r.done) {
          if (strict && (i > 0 || its.slice(1).some((it) => !it.next().done))) {
            throw pyError('ValueError', i > 0 ? `zip() argument ${i + 1} is shorter than argument${i > 1 ? 's' : ''} 1${i > 1 ? `-${i}` : ''}` : 'zip() argument 2 is longer than argument 1');
          }
          return;
        }
        row.push(r.value);
      }
      yield new PyTuple(row);
    }
  }
  return new PyIterator('zip', gen(), a.rest);
}

/** `iter(f, sentinel)`: calls f until it returns a value equal to sentinel. */
function callableIterator(f: PyValue, sentinel: PyValue, ctx: HostContext): PyValue {
  if (!isCallable(f, ctx)) throw pyError('TypeError', 'iter(v, w): v must be callable');
  return new PyIterator('callable_iterator', (function* () {
    for (;;) {
      let v: PyValue;
      try {
        v = ctx.call(f, []);
      } catch (e) {
        if (e instanceof PyError && e.exc.type.isSubtypeOf(StopIteration)) return;
        throw e;
      }
      if (compares('==', v, sentinel, ctx)) return;
      yield v;
    }
  })());
}

function isinstanceCheck(x: PyValue, t: PyValue, fname: string): boolean {
  if (t instanceof PyTuple) return t.items.some((u) => isinstanceCheck(x, u, fname));
  if (!(t instanceof PyType)) throw pyError('TypeError', `${fname}() arg 2 must be a type, a tuple of types, or a union`);
  return isInstance(x, t);
}

function print(write: (text: string) => void): NativeFn {
  return (args, kwargs, ctx) => {
    let sep = ' ';
    let end = '\n';
    let file: PyValue = null;
    for (const [k, v] of kwargs) {
      if (k === 'sep' || k === 'end') {
        if (v !== null && typeof v !== 'string') throw pyError('TypeError', `${k} must be None or a string, not ${typeName(v)}`);
        if (k === 'sep') sep = v ?? ' ';
        else end = v ?? '\n';
      } else if (k === 'flush') continue;
      // NB: no script can open a file, so a file here is an object of its own: an io.StringIO, a class with write().
      else if (k === 'file') file = v;
      else throw pyError('TypeError', `'${k}' is an invalid keyword argument for print()`);
    }
    const pieces = args.map((a) => str(a, ctx));
    const text = pieces.join(sep) + end;
    chargeChars(ctx, text.length);
    if (file === null) write(text);
    else {
      // CPython writes each argument, each separator and the end with its own write() call.
      const writer = ctx.getattr(file, 'write');
      pieces.forEach((p, i) => {
        if (i > 0) ctx.call(writer, [sep]);
        ctx.call(writer, [p]);
      });
      ctx.call(writer, [end]);
    }
    return null;
  };
}

/** A fresh builtins table for one run; `write` receives what `print` prints. */
export function createBuiltins(write: (text: string) => void): Map<string, PyValue> {
  const b = new Map<string, PyValue>();
  const def = (name: string, f: NativeFn) => b.set(name, fn(name, f));
  for (const t of [bytesType, bytearrayType, complexType, intType, floatType, boolType, strType, listType, tupleType, dictType, setType, frozensetType, rangeType, sliceType, typeType, objectType]) {
    b.set(t.name, t);
  }
  for (const [name, t] of EXCEPTION_TYPES) b.set(name, t);
  b.set('NotImplemented', NOT_IMPLEMENTED);
  b.set('Ellipsis', ELLIPSIS);

  def('print', print(write));
  // vars(obj) is obj.__dict__ (argparse's `vars(args)`); vars() alone would be locals(), which the sandbox keeps from scripts.
  def('vars', (args, kwargs, ctx) => {
    if (kwargs.size) throw pyError('TypeError', 'vars() takes no keyword arguments');
    if (args.length > 1) throw pyError('TypeError', `vars expected at most 1 argument, got ${args.length}`);
    if (args.length === 0) throw new HaltError('sandbox', "'vars()' without an argument is not available in Gradlens: scripts cannot inspect the interpreter; pass the object, vars(obj)");
    const d = getattrOrUndefined(args[0]!, '__dict__', ctx);
    if (d === undefined) throw pyError('TypeError', 'vars() argument must have __dict__ attribute');
    return d;
  });
  def('len', (args, kwargs, ctx) => {
    exactArgs('len', args, kwargs, 1);
    return BigInt(len(args[0], ctx));
  });
  def('repr', (args, kwargs, ctx) => {
    exactArgs('repr', args, kwargs, 1);
    return repr(args[0], ctx);
  });
  def('ascii', (args, kwargs, ctx) => {
    exactArgs('ascii', args, kwargs, 1);
    return ascii(args[0], ctx);
  });
  def('format', (args, kwargs, ctx) => {
    const a = bindArgs('format', ['value', 'format_spec?'], args, kwargs, ctx);
    return formatValue(a.required('value'), a.str('format_spec', ''), ctx);
  });
  def('round', round);
  def('abs', abs);
  def('pow', pow);
  def('divmod', divmod);
  def('min', (args, kwargs, ctx) => minmax('min', args, kwargs, ctx));
  def('max', (args, kwargs, ctx) => minmax('max', args, kwargs, ctx));
  def('sum', sum);
  def('any', (args, kwargs, ctx) => {
    exactArgs('any', args, kwargs, 1);
    for (const x of iterate(args[0], ctx)) if (truthy(x, ctx)) return true;
    return false;
  });
  def('all', (args, kwargs, ctx) => {
    exactArgs('all', args, kwargs, 1);
    for (const x of iterate(args[0], ctx)) if (!truthy(x, ctx)) return false;
    return true;
  });
  def('sorted', (args, kwargs, ctx) => {
    if (args.length !== 1) throw pyError('TypeError', `sorted expected 1 argument, got ${args.length}`);
    return new PyList(sortedList(materialize(args[0], ctx), kwargs, ctx, 'sorted'));
  });
  def('reversed', reversed);
  def('enumerate', (args, kwargs, ctx) => {
    const a = bindArgs('enumerate', ['iterable', 'start?'], args, kwargs, ctx);
    const it = iterate(a.required('iterable'), ctx);
    let i = a.has('start') ? toIndex(a.get('start')!, ctx) : 0n;
    return new PyIterator('enumerate', (function* () {
      for (const x of it) yield new PyTuple([i++, x]);
    })(), [a.required('iterable')]);
  });
  def('zip', zip);
  def('map', (args, kwargs, ctx) => {
    if (kwargs.size) throw pyError('TypeError', 'map() takes no keyword arguments');
    if (args.length < 2) throw pyError('TypeError', 'map() must have at least two arguments.');
    const [f, ...rest] = args;
    const its = rest.map((x) => iterate(x, ctx)[Symbol.iterator]());
    return new PyIterator('map', (function* () {
      for (;;) {
        const row: PyValue[] = [];
        for (const it of its) {
          const r = it.next();
          if (r.done) return;
          row.push(r.value);
        }
        yield ctx.call(f, row);
      }
    })(), rest);
  });
  def('filter', (args, kwargs, ctx) => {
    exactArgs('filter', args, kwargs, 2);
    const [f, src] = args;
    const it = iterate(src, ctx);
    return new PyIterator('filter', (function* () {
      for (const x of it) if (truthy(f === null ? x : ctx.call(f, [x]), ctx)) yield x;
    })(), [src]);
  });
  def('iter', (args, kwargs, ctx) => {
    if (args.length === 2 && !kwargs.size) return callableIterator(args[0], args[1], ctx);
    if (kwargs.size) throw pyError('TypeError', 'iter() takes no keyword arguments');
    if (args.length !== 1) throw pyError('TypeError', `iter expected at most 2 arguments, got ${args.length}`);
    const x = args[0];
    if (x instanceof PyIterator) return x;
    const it = iterate(x, ctx)[Symbol.iterator]();
    const kind = x instanceof PyList ? 'list_iterator' : x instanceof PyTuple ? 'tuple_iterator' : typeof x === 'string' ? 'str_ascii_iterator' : x instanceof PyRange ? 'range_iterator' : 'iterator';
    return new PyIterator(kind, it);
  });
  def('next', (args, kwargs, ctx) => {
    if (kwargs.size) throw pyError('TypeError', 'next() takes no keyword arguments');
    const it = args[0];
    if (!(it instanceof PyIterator)) {
      const hook = it instanceof PyInstance ? getattrOrUndefined(it, '__next__', ctx) : undefined;
      if (hook !== undefined && args.length === 1) return ctx.call(hook, []);
      if (hook !== undefined) {
        try {
          return ctx.call(hook, []);
        } catch (e) {
          if (e instanceof PyError && e.exc.type.isSubtypeOf(StopIteration)) return args[1];
          throw e;
        }
      }
      throw pyError('TypeError', `'${typeName(it)}' object is not an iterator`);
    }
    // A generator's StopIteration carries its return value.
    if (it instanceof PyGenerator && args.length === 1) return it.send(null);
    const v = it.next();
    if (v !== undefined) return v;
    if (args.length > 1) return args[1];
    throw pyError('StopIteration');
  });
  def('isinstance', (args, kwargs) => {
    exactArgs('isinstance', args, kwargs, 2);
    return isinstanceCheck(args[0], args[1], 'isinstance');
  });
  def('issubclass', (args, kwargs) => {
    exactArgs('issubclass', args, kwargs, 2);
    const [c, t] = args;
    if (!(c instanceof PyType)) throw pyError('TypeError', 'issubclass() arg 1 must be a class');
    const check = (u: PyValue): boolean => {
      if (u instanceof PyTuple) return u.items.some(check);
      if (!(u instanceof PyType)) throw pyError('TypeError', 'issubclass() arg 2 must be a class, a tuple of classes, or a union');
      return isSubclass(c, u);
    };
    return check(t);
  });
  def('callable', (args, kwargs, ctx) => {
    exactArgs('callable', args, kwargs, 1);
    return isCallable(args[0]!, ctx);
  });
  def('getattr', (args, kwargs, ctx) => {
    if (kwargs.size) throw pyError('TypeError', 'getattr() takes no keyword arguments');
    if (args.length < 2 || args.length > 3) throw pyError('TypeError', `getattr expected 2 or 3 arguments, got ${args.length}`);
    const name = args[1];
    if (typeof name !== 'string') throw pyError('TypeError', "attribute name must be string, not '" + typeName(name) + "'");
    if (args.length === 3) return presentAttr(args[0], name, ctx) ?? args[2];
    return getattr(args[0], name, ctx);
  });
  // As CPython's hasattr and getattr(x, name, default): an AttributeError raised while looking (a
  // __getattr__ that raises, as nn.Module's does) means the attribute is missing.
  const presentAttr = (obj: PyValue, name: string, ctx: HostContext): PyValue | undefined => {
    try {
      return getattrOrUndefined(obj, name, ctx);
    } catch (e) {
      if (e instanceof PyError && e.exc.type.isSubtypeOf(EXCEPTION_TYPES.get('AttributeError')!)) return undefined;
      throw e;
    }
  };
  def('hasattr', (args, kwargs, ctx) => {
    exactArgs('hasattr', args, kwargs, 2);
    const name = args[1];
    if (typeof name !== 'string') throw pyError('TypeError', "attribute name must be string, not '" + typeName(name) + "'");
    return presentAttr(args[0], name, ctx) !== undefined;
  });
  b.set('setattr', changingFunction('setattr', (args, kwargs, ctx) => {
    exactArgs('setattr', args, kwargs, 3);
    if (typeof args[1] !== 'string') throw pyError('TypeError', "attribute name must be string, not '" + typeName(args[1]) + "'");
    setattr(args[0], args[1], args[2], ctx);
    return null;
  }));
  b.set('delattr', changingFunction('delattr', (args, kwargs, ctx) => {
    exactArgs('delattr', args, kwargs, 2);
    if (typeof args[1] !== 'string') throw pyError('TypeError', "attribute name must be string, not '" + typeName(args[1]) + "'");
    delattr(args[0], args[1], ctx);
    return null;
  }));
  def('hash', (args, kwargs, ctx) => {
    exactArgs('hash', args, kwargs, 1);
    return pyHash(args[0], ctx);
  });
  def('id', (args, kwargs) => {
    exactArgs('id', args, kwargs, 1);
    const x = args[0];
    if (typeof x === 'object' && x !== null) return BigInt(0x7f3a10000000 + objectId(x) * 48);
    return BigInt(hashKey(x)!.length * 7919 + 0x55000000);
  });
  def('chr', (args, kwargs, ctx) => {
    exactArgs('chr', args, kwargs, 1);
    const n = toIndex(args[0], ctx);
    if (n < 0n || n > 0x10ffffn) throw pyError('ValueError', 'chr() arg not in range(0x110000)');
    return String.fromCodePoint(Number(n));
  });
  def('ord', (args, kwargs, ctx) => {
    exactArgs('ord', args, kwargs, 1);
    const s = args[0];
    if (typeof s !== 'string') throw pyError('TypeError', `ord() expected string of length 1, but ${typeName(s)} found`);
    const n = len(s, ctx);
    if (n !== 1) throw pyError('TypeError', `ord() expected a character, but string of length ${n} found`);
    return BigInt(s.codePointAt(0)!);
  });
  const radix = (name: string, base: number, prefix: string) =>
    def(name, (args, kwargs, ctx) => {
      exactArgs(name, args, kwargs, 1);
      const n = toIndex(args[0], ctx);
      return (n < 0n ? '-' : '') + prefix + (n < 0n ? -n : n).toString(base);
    });
  radix('hex', 16, '0x');
  radix('oct', 8, '0o');
  radix('bin', 2, '0b');
  def('staticmethod', (args, kwargs) => {
    exactArgs('staticmethod', args, kwargs, 1);
    return new StaticMethod(args[0]);
  });
  def('classmethod', (args, kwargs) => {
    exactArgs('classmethod', args, kwargs, 1);
    return new ClassMethod(args[0]);
  });
  for (const name of REFUSED_BUILTINS.keys()) {
    def(name, () => {
      throw new HaltError('sandbox', refusedMessage(name));
    });
  }
  return b;
}

