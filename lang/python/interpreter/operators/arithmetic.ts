/**
 * The binary, in-place and unary operators, with Python's int and float rules, sequence repetition and
 * concatenation, and set algebra.
 */
import { libm } from '../../../../runtime/core';
import { floatDivmod, intFloorDiv, intMod, percentFormat } from '../formatting';
import {
  type BinaryOp,
  bitLength,
  chargeChars,
  chargeItems,
  checkIntBits,
  hashKey,
  type HostContext,
  HostObject,
  NOT_IMPLEMENTED,
  PyDict,
  pyError,
  PyInstance,
  PyList,
  PySet,
  PyTuple,
  type PyValue,
  setOrder,
  typeName,
  type UnaryOp,
} from '../values';
import { complexPower } from './complex';
import { extendList } from './containers';
import { asBig, intToFloat, isInt, isNumber, toIndex } from './conversions';
import { callDunder, isSubclassed } from './dunders';
import { formatHost } from './format_host';
import { truthy } from './repr';

const OP_NAMES: Record<BinaryOp, string> = {
  '+': 'add', '-': 'sub', '*': 'mul', '/': 'truediv', '//': 'floordiv', '%': 'mod', '**': 'pow',
  '@': 'matmul', '&': 'and', '|': 'or', '^': 'xor', '<<': 'lshift', '>>': 'rshift',
};

/** The special methods of each operator (`__add__`, `__radd__`, `__iadd__`), named once rather than at every operation. */
const dunderNames = (prefix: string): Record<BinaryOp, string> =>
  Object.fromEntries(Object.entries(OP_NAMES).map(([op, name]) => [op, `__${prefix}${name}__`])) as Record<BinaryOp, string>;
const DUNDER = dunderNames('');
const REFLECTED_DUNDER = dunderNames('r');
const INPLACE_DUNDER = dunderNames('i');

export function unsupported(op: BinaryOp, a: PyValue, b: PyValue): never {
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
      // CPython's float.__pow__ hands a negative base with a fractional exponent to complex's.
      if (a < 0 && Number.isFinite(a) && Number.isFinite(b) && !Number.isInteger(b)) return complexPower(a, b);
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
    // A builtin operand that cannot count the repeats (`[1] * 'a'`, `'x' * None`): CPython's words.
    const builtinNonInt = (v: PyValue) => isSeq(v) || v === null || v instanceof PyDict || v instanceof PySet;
    if (isSeq(a) && builtinNonInt(b)) throw pyError('TypeError', `can't multiply sequence by non-int of type '${typeName(b)}'`);
    if (isSeq(b) && builtinNonInt(a)) throw pyError('TypeError', `can't multiply sequence by non-int of type '${typeName(a)}'`);
  }
  if (op === '%' && typeof a === 'string') return percentFormat(a, b, formatHost(ctx));
  if (a instanceof PySet && b instanceof PySet && (op === '|' || op === '&' || op === '-' || op === '^')) {
    chargeItems(ctx, a.size + b.size);
    return setOp(op, a, b);
  }
  if (op === '|' && a instanceof PyDict && b instanceof PyDict) {
    chargeItems(ctx, a.size + b.size);
    const out = new PyDict();
    for (const [hk, [k, v]] of a.map) out.setByKey(hk, k, v);
    for (const [hk, [k, v]] of b.map) out.setByKey(hk, k, v);
    return out;
  }
  return NOT_IMPLEMENTED;
}

/** Set algebra, inserting in the order CPython's setobject.c does (which decides how the result prints). */
export function setOp(op: '|' | '&' | '-' | '^', a: PySet, b: PySet): PySet {
  const out = new PySet(a.frozen);
  const put = (v: PyValue) => out.add(hashKey(v)!, v);
  switch (op) {
    case '|':
      for (const [k, v] of a.map) out.map.set(k, v);
      out.fromConstants = a.fromConstants;
      for (const v of setOrder(b)) put(v);
      break;
    case '-':
      for (const v of setOrder(a)) if (!b.map.has(hashKey(v)!)) put(v);
      break;
    case '&': {
      const [small, big] = b.size > a.size ? [a, b] : [b, a];
      for (const v of setOrder(small)) if (big.map.has(hashKey(v)!)) put(v);
      break;
    }
    case '^':
      for (const [k, v] of b.map) out.map.set(k, v);
      out.fromConstants = b.fromConstants;
      for (const v of setOrder(a)) {
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
  if (a instanceof PyInstance || isSubclassed(a)) {
    const r = callDunder(a, DUNDER[op], [b], ctx);
    if (r !== undefined && r !== NOT_IMPLEMENTED) return r;
  }
  if (b instanceof PyInstance || isSubclassed(b)) {
    const r = callDunder(b, REFLECTED_DUNDER[op], [a], ctx);
    if (r !== undefined && r !== NOT_IMPLEMENTED) return r;
  }
  if (isNumber(a) && isNumber(b)) return numericOp(op, a, b);
  // An int subclass's value beside a float (`Count(3) + 1.5`): int's method declined, float's computes.
  if ((standsForNumber(a) && isNumber(b)) || (isNumber(a) && standsForNumber(b))) return binary(op, standsForNumber(a) ? (a as PyInstance).standsFor! : a, standsForNumber(b) ? (b as PyInstance).standsFor! : b, ctx);
  const r = sequenceOp(op, a, b, ctx);
  if (r !== NOT_IMPLEMENTED) return r;
  return unsupported(op, a, b);
}

const standsForNumber = (v: PyValue): boolean => v instanceof PyInstance && v.baseMethod !== null && isNumber(v.standsFor ?? null);

/** `a op= b`: lists extend in place, host objects may update in place, everything else rebinds. */
export function inplace(op: BinaryOp, a: PyValue, b: PyValue, ctx: HostContext): PyValue {
  // NB: numbers first, as `binary` takes them: `self.grad += out.grad` runs at every node of an autograd engine's backward (W5).
  if (typeof a === 'number' && typeof b === 'number') return floatOp(op, a, b);
  if (typeof a === 'bigint' && typeof b === 'bigint') return intOp(op, a, b);
  if (isSubclassed(a)) {
    const r = callDunder(a, INPLACE_DUNDER[op], [b], ctx);
    if (r !== undefined && r !== NOT_IMPLEMENTED) return r;
  }
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
    const r = callDunder(a, INPLACE_DUNDER[op], [b], ctx);
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
  if (v instanceof PyInstance || isSubclassed(v)) {
    const r = callDunder(v, op === '-' ? '__neg__' : op === '+' ? '__pos__' : '__invert__', [], ctx);
    if (r !== undefined) return r;
  }
  throw pyError('TypeError', `bad operand type for unary ${op}: '${typeName(v)}'`);
}
