/**
 * The six rich comparisons, `==` as a JS boolean, and `in`.
 */
import {
  chargeChars,
  chargeItems,
  type CompareOp,
  type HostContext,
  HostObject,
  NOT_IMPLEMENTED,
  PyBoundMethod,
  PyDict,
  PyDictView,
  pyError,
  PyInstance,
  PyList,
  PyRange,
  PySet,
  PySlice,
  PyTuple,
  PyType,
  type PyValue,
  typeName,
} from '../values';
import { iterate } from './containers';
import { asBig, isInt, isNumber } from './conversions';
import { dictKey } from './hashing';
import { callDunder, isSubclassed } from './dunders';
import { truthy } from './repr';

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
      return compares(op, a[i], b[i], ctx);
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
  if (a instanceof PyInstance || isSubclassed(a)) {
    const r = richCompare(a, op, b, ctx);
    if (r !== undefined && r !== NOT_IMPLEMENTED) return r;
  }
  if (b instanceof PyInstance || isSubclassed(b)) {
    const r = richCompare(b, REFLECTED[op], a, ctx);
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

/** `obj.__op__(other)`; a class with `__eq__` and no `__ne__` gets object's `__ne__`: `__eq__`'s result negated. */
function richCompare(obj: PyValue, op: CompareOp, other: PyValue, ctx: HostContext): PyValue | undefined {
  const r = callDunder(obj, CMP_DUNDER[op], [other], ctx);
  if (r !== undefined || op !== '!=') return r;
  const same = callDunder(obj, '__eq__', [other], ctx);
  return same === undefined || same === NOT_IMPLEMENTED ? same : !truthy(same, ctx);
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
  return compares('==', a, b, ctx);
}

/**
 * Whether `a op b` holds, as `if a op b:` reads it: a comparison's value made for it (a tensor of
 * booleans) goes once its truth is read, as CPython frees it there (`max(losses)`, `sorted(xs)`).
 */
export function compares(op: CompareOp, a: PyValue, b: PyValue, ctx: HostContext): boolean {
  const r = compare(op, a, b, ctx);
  if (typeof r === 'boolean') return r;
  const holds = truthy(r, ctx);
  if (r instanceof HostObject && r.collectable && r !== a && r !== b) r.collect(ctx);
  return holds;
}

/** `item in container`. */
export function contains(container: PyValue, item: PyValue, ctx: HostContext): boolean {
  if (typeof container === 'string') {
    if (typeof item !== 'string') throw pyError('TypeError', `'in <string>' requires string as left operand, not ${typeName(item)}`);
    chargeChars(ctx, container.length);
    return container.includes(item);
  }
  if (isSubclassed(container)) {
    const r = callDunder(container, '__contains__', [item], ctx);
    if (r !== undefined) return truthy(r, ctx);
  }
  if (container instanceof PyType && container.classProtocol) return container.classProtocol.contains(item, ctx);
  if (container instanceof PyDict) return container.map.has(dictKey(item, ctx));
  if (container instanceof PySet) return container.map.has(dictKey(item, ctx));
  if (container instanceof PyDictView && container.view === 'keys') return container.dict.map.has(dictKey(item, ctx));
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
