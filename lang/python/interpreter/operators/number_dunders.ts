/**
 * int's and float's special methods as attributes, as CPython's number slots answer them:
 * `(2).__add__(3)`, `int.__add__(Color.RED, 2)` (an IntEnum member is an int), `float.__mul__(2.0, 3)`.
 * An operand of a type the method does not take gives NotImplemented (`int.__add__(1, 1.5)`,
 * `int.__eq__(1, 1.0)`), as there.
 */
import { type BinaryOp, type CompareOp, type HostContext, nameTable, NOT_IMPLEMENTED, PyInstance, PyTuple, type PyValue } from '../values';
import { binary, unary } from './arithmetic';
import { compare } from './comparison';
import { pyHash } from './hashing';
import { formatValue, repr, truthy } from './repr';

type Num = bigint | number;

/** A special method of a number, `self` given: what it returns for these arguments. */
type NumberMethod = (self: Num, args: readonly PyValue[], ctx: HostContext) => PyValue;

const ARITHMETIC = nameTable<BinaryOp>({ add: '+', sub: '-', mul: '*', truediv: '/', floordiv: '//', mod: '%', pow: '**' });
/** int's alone: float has no `__lshift__`, `__and__`, ... */
const BITWISE = nameTable<BinaryOp>({ lshift: '<<', rshift: '>>', and: '&', or: '|', xor: '^' });
const COMPARISONS = nameTable<CompareOp>({ __eq__: '==', __ne__: '!=', __lt__: '<', __le__: '<=', __gt__: '>', __ge__: '>=' });

/** What an int method (a float method, `float` set) takes as its other operand: an int, a bool, an IntEnum member, a float for float's; else null. */
export function numberOperand(v: PyValue, float: boolean): Num | null {
  if (typeof v === 'boolean') return v ? 1n : 0n;
  if (typeof v === 'bigint') return v;
  if (v instanceof PyInstance && typeof v.standsFor === 'bigint') return v.standsFor;
  const f = v instanceof PyInstance ? v.standsFor : v;
  return float && typeof f === 'number' ? f : null;
}

function binaryMethod(op: BinaryOp, reflected: boolean): NumberMethod {
  return (self, [other], ctx) => {
    const o = numberOperand(other ?? null, typeof self === 'number');
    if (o === null) return NOT_IMPLEMENTED;
    return reflected ? binary(op, o, self, ctx) : binary(op, self, o, ctx);
  };
}

/** The special method `name` of an int (`self` a bigint) or a float, else undefined. */
export function numberDunder(self: Num, name: string): NumberMethod | undefined {
  const isInt = typeof self === 'bigint';
  const m = /^__(r?)(\w+?)__$/.exec(name);
  if (m) {
    const op = ARITHMETIC[m[2]] ?? (isInt ? BITWISE[m[2]] : undefined);
    if (op) return binaryMethod(op, m[1] === 'r');
  }
  const cmp = COMPARISONS[name];
  if (cmp) {
    return (s, [other], ctx) => {
      const o = numberOperand(other ?? null, !isInt);
      return o === null ? NOT_IMPLEMENTED : compare(cmp, s, o, ctx);
    };
  }
  switch (name) {
    case '__neg__': return (s, _a, ctx) => unary('-', s, ctx);
    case '__pos__': return (s) => s;
    case '__abs__': return (s) => (s < 0 ? -s : s);
    case '__invert__': return isInt ? (s, _a, ctx) => unary('~', s, ctx) : undefined;
    case '__bool__': return (s, _a, ctx) => truthy(s, ctx);
    case '__int__': return (s) => (typeof s === 'bigint' ? s : BigInt(Math.trunc(s)));
    case '__index__': return isInt ? (s) => s : undefined;
    case '__float__': return (s) => Number(s);
    case '__hash__': return (s, _a, ctx) => pyHash(s, ctx);
    case '__repr__':
    case '__str__': return (s, _a, ctx) => repr(s, ctx);
    case '__format__': return (s, [spec], ctx) => formatValue(s, typeof spec === 'string' ? spec : '', ctx);
    case '__divmod__': return (s, [other], ctx) => {
      const o = numberOperand(other ?? null, !isInt);
      return o === null ? NOT_IMPLEMENTED : new PyTuple([binary('//', s, o, ctx), binary('%', s, o, ctx)]);
    };
    default: return undefined;
  }
}
