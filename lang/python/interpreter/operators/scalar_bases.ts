/**
 * Classes derived from int, float and str (`class Celsius(float)`, `class Name(str)`, `class
 * Count(int)`): an instance is a script instance standing for the builtin value
 * (PyInstance.standsFor), which the base's `__new__` makes from the constructor's arguments
 * (`float.__new__(cls, '20.5')`). Where the class defines no special method the value's own
 * computes (PyInstance.baseMethod) and gives the base type, as CPython's do: `Celsius(20.5) + 1`
 * is the float 21.5, `Name('ada').upper()` the str 'ADA'.
 */
import {
  type CompareOp,
  floatType,
  type HostContext,
  intType,
  type Kwargs,
  nameTable,
  NOT_IMPLEMENTED,
  PyBuiltin,
  pyError,
  PyInstance,
  PyIterator,
  PyType,
  type PyValue,
  strType,
  typeName,
} from '../values';
import { binary } from './arithmetic';
import { compare, contains } from './comparison';
import { getitem, iterate } from './containers';
import { pyHash } from './hashing';
import { numberDunder } from './number_dunders';
import { formatValue, repr, str } from './repr';

/** The builtin type among a class's ancestors that its instances stand for a value of (int, float or str), if any. */
export function scalarBase(cls: PyType): PyType | null {
  return cls.mro.find((t) => t === intType || t === floatType || t === strType) ?? null;
}

/** `base.__new__(cls, *args)`: the value `base(*args)` makes, as an instance of `cls`. */
export function newScalarInstance(cls: PyType, base: PyType, args: PyValue[], kwargs: Kwargs, ctx: HostContext): PyInstance {
  if (!cls.isSubtypeOf(base)) throw pyError('TypeError', `${base.name}.__new__(${cls.name}): ${cls.name} is not a subtype of ${base.name}`);
  const value = ctx.call(base, args, kwargs);
  const inst = new PyInstance(cls);
  inst.standsFor = value;
  inst.baseMethod = (name) => (typeof value === 'string' ? strDunder(value, name) : numberBaseDunder(inst, value as bigint | number, name));
  return inst;
}

/** `int.__new__`, `float.__new__`, `str.__new__`: the class first, then what the base takes. */
export function scalarNew(base: PyType): PyBuiltin {
  return new PyBuiltin(`${base.name}.__new__`, (args, kwargs, ctx) => {
    const cls = args[0];
    if (!(cls instanceof PyType)) throw pyError('TypeError', `${base.name}.__new__(X): X is not a type object (${typeName(cls ?? null)})`);
    return newScalarInstance(cls, base, args.slice(1), kwargs, ctx);
  });
}

/**
 * int's and float's special methods on the value; `__str__` is left to `__repr__`, as int's and
 * float's `__str__` is object's (a subclass's own `__repr__` prints it), and so is `format(x, '')`.
 */
function numberBaseDunder(inst: PyInstance, value: bigint | number, name: string): PyValue | undefined {
  if (name === '__str__') return undefined;
  if (name === '__format__') {
    return new PyBuiltin(name, ([spec], _kwargs, ctx) => (spec === '' || spec === undefined ? str(inst, ctx) : formatValue(value, typeof spec === 'string' ? spec : '', ctx)));
  }
  const m = numberDunder(value, name);
  return m && new PyBuiltin(name, (args, _kwargs, ctx) => m(value, args, ctx));
}

/** The str an operand stands for (a str, an instance of a str subclass); null for anything else. */
function text(v: PyValue): string | null {
  if (typeof v === 'string') return v;
  return v instanceof PyInstance && typeof v.standsFor === 'string' ? v.standsFor : null;
}

const COMPARISONS = nameTable<CompareOp>({ __eq__: '==', __ne__: '!=', __lt__: '<', __le__: '<=', __gt__: '>', __ge__: '>=' });

type StrMethod = (s: string, args: readonly PyValue[], ctx: HostContext) => PyValue;

const STR_DUNDERS = nameTable<StrMethod>({
  __len__: (s) => BigInt([...s].length),
  __getitem__: (s, [k], ctx) => getitem(s, k ?? null, ctx),
  __iter__: (s, _a, ctx) => new PyIterator('str_ascii_iterator', iterate(s, ctx)[Symbol.iterator]()),
  __contains__: (s, [x], ctx) => contains(s, x ?? null, ctx),
  __repr__: (s, _a, ctx) => repr(s, ctx),
  __str__: (s) => s,
  __hash__: (s, _a, ctx) => pyHash(s, ctx),
  __bool__: (s) => s.length > 0,
  __add__: (s, [other], ctx) => {
    const o = text(other ?? null);
    return o === null ? NOT_IMPLEMENTED : binary('+', s, o, ctx);
  },
  __radd__: (s, [other], ctx) => {
    const o = text(other ?? null);
    return o === null ? NOT_IMPLEMENTED : binary('+', o, s, ctx);
  },
  __mul__: (s, [n], ctx) => binary('*', s, n ?? null, ctx),
  __rmul__: (s, [n], ctx) => binary('*', n ?? null, s, ctx),
  __mod__: (s, [x], ctx) => binary('%', s, x ?? null, ctx),
  __format__: (s, [spec], ctx) => formatValue(s, typeof spec === 'string' ? spec : '', ctx),
});

function strDunder(value: string, name: string): PyValue | undefined {
  const cmp = COMPARISONS[name];
  if (cmp) {
    return new PyBuiltin(name, ([other], _kwargs, ctx) => {
      const o = text(other ?? null);
      return o === null ? NOT_IMPLEMENTED : compare(cmp, value, o, ctx);
    });
  }
  const m = STR_DUNDERS[name];
  return m && new PyBuiltin(name, (args, _kwargs, ctx) => m(value, args, ctx));
}
