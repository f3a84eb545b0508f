/**
 * `enum` as CPython 3.11.2's enum.py builds it: `Enum`, `IntEnum`, `Flag`, `IntFlag`, `auto()` and
 * `unique`. Each plain value of the class body (not a dunder or _sunder_ name, not a function or
 * descriptor) becomes a member, an instance of the class with `name` and `value`; a repeated value
 * is an alias of the first; the class iterates its members in order, `Color(1)` finds one by value,
 * `Color['RED']` by name; members print as `Color.RED` and repr as `<Color.RED: 1>`.
 *
 * IntEnum and IntFlag members are ints, StrEnum members strs (ReprEnum): arithmetic, comparisons,
 * indexing, the data type's methods, `format` and `str` as their value's, and they hash and key
 * dicts as it does (`{1: 'a'}[Label.DOG]`). A class mixing in the data type (`class Mode(str,
 * Enum)`) computes as its value too, and prints as an Enum (`Mode.TRAIN`). Enum classes repr as
 * `<enum 'Color'>` (`<flag 'Perm'>`).
 * Flag members combine with `|`, `&`, `^` and `~` into members or pseudo-members named
 * `A|B` (cached by value, so `is` holds), iterate and `len` over their single-bit members in
 * definition order, and `in` tests bits; a Flag value outside the defined bits is cut to them
 * (CONFORM), an IntFlag keeps them (KEEP: `<Perm.R|8: 12>`). `auto()` counts up from 1 in an Enum
 * and takes the next power of two in a Flag.
 */
import {
  bindArgs,
  ClassMethod,
  compare,
  contains,
  dictKey,
  formatValue,
  getattrOrUndefined,
  getitem,
  type HostContext,
  HostObject,
  hostType,
  keyError,
  NativeDescriptor,
  NOT_IMPLEMENTED,
  objectType,
  binary,
  PyBuiltin,
  PyDict,
  pyError,
  pyFunction,
  PyFunction,
  PyInstance,
  PyIterator,
  PyModule,
  pyHash,
  Property,
  PyType,
  type PyValue,
  StaticMethod,
  toIndex,
  type BinaryOp,
  type CompareOp,
  type UnaryOp,
  typeName,
  typeOf,
  unary,
  type ModuleShim,
} from '../interpreter';

/**
 * `auto()`: a placeholder the class body's member gets its value for (see autoValue). CPython gives
 * it the value as the name is bound, so `ALL = A | B` in the body combines values: here an
 * operation on placeholders is kept (AutoExpression) and computed once they have values.
 */
class Auto extends HostObject {
  static readonly type: PyType = hostType('auto', 'enum', (args, kwargs, ctx) => {
    bindArgs('auto', [], args, kwargs, ctx);
    return new Auto();
  });

  value: PyValue | undefined = undefined;

  get pyType(): PyType {
    return Auto.type;
  }

  override repr(): string {
    return '<enum.auto object>';
  }

  override binary(op: BinaryOp, other: PyValue, reflected: boolean): PyValue {
    return new AutoExpression(op, reflected ? [other, this] : [this, other]);
  }

  override unary(op: UnaryOp): PyValue {
    return new AutoExpression(op, [this]);
  }
}

/** `A | B` of members given by auto() in the class body, computed once A and B have their values. */
class AutoExpression extends Auto {
  constructor(
    readonly op: BinaryOp | UnaryOp,
    readonly operands: readonly PyValue[],
  ) {
    super();
  }

  resolve(ctx: HostContext): PyValue {
    const values = this.operands.map((v) => (v instanceof AutoExpression ? v.resolve(ctx) : v instanceof Auto ? v.value! : v));
    return values.length === 1 ? unary(this.op as UnaryOp, values[0]!, ctx) : binary(this.op as BinaryOp, values[0]!, values[1]!, ctx);
  }
}

const isDunder = (k: string) => k.length > 4 && k.startsWith('__') && k.endsWith('__');
const isSunder = (k: string) => k.length > 2 && k.startsWith('_') && k.endsWith('_') && !k.startsWith('__');

/** Whether a class-body name and value make a member: what EnumType leaves as methods and descriptors is not one. */
function isMember(name: string, v: PyValue): boolean {
  if (isDunder(name) || isSunder(name)) return false;
  if (name.startsWith(`_`) && name.includes('__')) return false; // a private name (_Color__x)
  return !(v instanceof PyFunction || v instanceof StaticMethod || v instanceof ClassMethod || v instanceof Property || v instanceof NativeDescriptor || v instanceof PyType
    || (v instanceof PyInstance && v.cls.lookup('__get__') !== undefined));
}

const memberName = (m: PyInstance) => m.dict.get('_name_')!;
const memberValue = (m: PyInstance) => m.dict.get('_value_')!;

/** Which family a class belongs to: its members' behaviour follows from it. */
type Family = 'enum' | 'int' | 'str' | 'flag' | 'intflag';
const isFlagFamily = (f: Family) => f === 'flag' || f === 'intflag';

/** The builtin type a class's members also are (IntEnum's int, StrEnum's str, `class Mode(str, Enum)`'s): they compute as their values. */
type DataType = 'int' | 'str' | null;
const INT = typeOf(0n);
const STR = typeOf('');

function dataTypeOf(cls: PyType): DataType {
  return cls.isSubtypeOf(INT) ? 'int' : cls.isSubtypeOf(STR) ? 'str' : null;
}

/** What a class with members knows about them (EnumType's _member_map_, _value2member_map_, _flag_mask_...). */
interface Members {
  readonly family: Family;
  readonly data: DataType;
  /** What iterating the class gives: the canonical members (a Flag's single-bit ones), in definition order. */
  readonly listed: PyInstance[];
  readonly byValue: Map<string, PyInstance>;
  /** A Flag's single-bit members' bits, and every bit up to its highest. */
  flagMask: bigint;
  allBits: bigint;
}

const MEMBERS = new WeakMap<PyType, Members>();
const FAMILY = new WeakMap<PyType, Family>();

function familyOf(cls: PyType): Family {
  for (const t of cls.mro) {
    const f = FAMILY.get(t);
    if (f) return f;
  }
  return 'enum';
}

/** The member of `cls` an operand stands for, else null. */
function memberOf(v: PyValue, cls: PyType): PyInstance | null {
  return v instanceof PyInstance && v.cls.isSubtypeOf(cls) && v.dict.has('_value_') ? v : null;
}

function makeMember(cls: PyType, name: string | null, value: PyValue, data: DataType): PyInstance {
  const m = new PyInstance(cls);
  m.dict.set('_name_', name);
  m.dict.set('_value_', value);
  m.dict.set('name', name);
  m.dict.set('value', value);
  if (data) m.standsFor = value;
  return m;
}

const isSingleBit = (v: bigint) => v > 0n && (v & (v - 1n)) === 0n;
const bitLength = (v: bigint) => (v < 0n ? -v : v).toString(2).length - (v === 0n ? 1 : 0);

/** `auto()`'s value: Enum's last int + 1 (1 first), Flag's next power of two past the largest, StrEnum's name in lower case. */
function autoValue(family: Family, previous: readonly PyValue[], name: string, ctx: HostContext): PyValue {
  if (family === 'str') return name.toLowerCase();
  if (previous.length === 0) return 1n;
  if (isFlagFamily(family)) {
    let high = -1;
    for (const v of previous) {
      if (typeof v !== 'bigint') throw pyError('TypeError', `invalid flag value ${ctx.repr(v)}`);
      high = Math.max(high, bitLength(v) - 1);
    }
    return 1n << BigInt(high + 1);
  }
  const last = previous[previous.length - 1]!;
  if (typeof last !== 'bigint') throw pyError('TypeError', `auto() after a non-int value (${ctx.repr(last)}) is not supported by Gradlens: give ${name} its value`);
  return last + 1n;
}

/** `Perm(6)` where no member has the value: Flag._missing_'s pseudo-member (cached when all its bits are members'). */
function missingFlag(cls: PyType, info: Members, given: PyValue, ctx: HostContext): PyInstance {
  if (typeof given !== 'bigint' && typeof given !== 'boolean') throw pyError('ValueError', `${ctx.repr(given)} is not a valid ${cls.name}`);
  let value = typeof given === 'boolean' ? (given ? 1n : 0n) : given;
  const { flagMask, allBits } = info;
  const keep = info.family === 'intflag';
  if (!(~allBits <= value && value <= allBits) || (value & (allBits ^ flagMask)) !== 0n) {
    if (!keep) value &= flagMask;
    else if (value < 0n) {
      const span = 1n << BigInt(bitLength(value));
      value = (allBits + 1n > span ? allBits + 1n : span) + value;
    }
  }
  const negative = value < 0n ? value : null;
  if (value < 0n) value = allBits + 1n + value;
  const unknown = value & ~flagMask;
  const known = value & flagMask;
  const names = info.listed.filter((m) => (memberValue(m) as bigint) & known).map(memberName);
  let name: string | null = known ? names.join('|') : null;
  if (unknown && name !== null) name += `|${unknown}`;
  const pseudo = makeMember(cls, name, value, info.data);
  if (unknown) return pseudo;
  const key = dictKey(value, ctx);
  const cached = info.byValue.get(key) ?? pseudo;
  info.byValue.set(key, cached);
  if (negative !== null) info.byValue.set(dictKey(negative, ctx), cached);
  return cached;
}

/** `Color(1)`, `Perm(6)`: the member of that value (EnumType.__call__ with one argument). */
function lookUp(cls: PyType, info: Members, value: PyValue, ctx: HostContext): PyInstance {
  if (value instanceof PyInstance && value.cls === cls) return value;
  const m = info.byValue.get(dictKey(value, ctx));
  if (m !== undefined) return m;
  if (isFlagFamily(info.family)) return missingFlag(cls, info, value, ctx);
  throw pyError('ValueError', `${ctx.repr(value)} is not a valid ${cls.name}`);
}

function enumClass(base: PyType) {
  return (name: string, namespace: Map<string, PyValue>, ctx: HostContext, bases: readonly PyType[] = [base]): PyType => {
    const attrs = new Map<string, PyValue>();
    const definitions: [string, PyValue][] = [];
    for (const [k, v] of namespace) {
      if (isMember(k, v)) definitions.push([k, v]);
      else attrs.set(k, v);
    }
    const cls = new PyType(name, { module: '__main__', bases, attrs });
    cls.metaclassRepr = base.metaclassRepr;
    const family = familyOf(cls);
    const data = dataTypeOf(cls);
    // A plain Enum mixing in int or str computes as its value, and prints as an Enum.
    if (data && family === 'enum') {
      for (const [k, f] of Object.entries(data === 'int' ? INT_DATA_METHODS : STR_DATA_METHODS)) {
        if (k !== '__str__' && k !== '__format__' && !attrs.has(k)) attrs.set(k, f);
      }
    }
    const info: Members = { family, data, listed: [], byValue: new Map(), flagMask: 0n, allBits: 0n };
    const byName = new Map<string, PyInstance>();
    const values: PyValue[] = [];
    for (const [k, defined] of definitions) {
      ctx.tick();
      let value = defined instanceof AutoExpression ? defined.resolve(ctx) : defined instanceof Auto ? (defined.value = autoValue(family, values, k, ctx)) : defined;
      if (data === 'int') {
        if (typeof value === 'boolean') value = value ? 1n : 0n;
        if (typeof value !== 'bigint') throw pyError('ValueError', `invalid literal for int() with base 10: ${ctx.repr(value)}`);
      } else if (data === 'str' && typeof value !== 'string') throw pyError('TypeError', `${ctx.repr(value)} is not a string`);
      values.push(value);
      const key = dictKey(value, ctx);
      const existing = info.byValue.get(key);
      if (existing) {
        // An alias: the name reaches the first member of that value.
        byName.set(k, existing);
        attrs.set(k, existing);
        continue;
      }
      const m = makeMember(cls, k, value, data);
      // A Flag lists its single-bit members; one of several bits (ALL = A | B) or none is named but not listed.
      if (!isFlagFamily(family) || (typeof value === 'bigint' && isSingleBit(value))) info.listed.push(m);
      info.byValue.set(key, m);
      byName.set(k, m);
      attrs.set(k, m);
    }
    if (isFlagFamily(family)) {
      for (const m of info.listed) info.flagMask |= memberValue(m) as bigint;
      info.allBits = (1n << BigInt(bitLength(info.flagMask))) - 1n;
    }
    MEMBERS.set(cls, info);
    const membersDict = new PyDict();
    for (const [k, m] of byName) membersDict.setByKey(dictKey(k, ctx), k, m);
    attrs.set('__members__', membersDict);
    cls.classProtocol = {
      items: () => info.listed.slice(),
      getitem: (key) => {
        const m = typeof key === 'string' ? byName.get(key) : undefined;
        if (m === undefined) throw keyError(key);
        return m;
      },
      contains: (item) => {
        if (!(item instanceof PyInstance) || !item.cls.isSubtypeOf(cls)) {
          throw pyError('TypeError', `unsupported operand type(s) for 'in': '${typeName(item)}' and 'EnumType'`);
        }
        return [...byName.values()].includes(item) || (isFlagFamily(family) && info.byValue.get(dictKey(memberValue(item), ctx)) === item);
      },
    };
    attrs.set('__new__', new StaticMethod(pyFunction('__new__', (args, _kwargs, c) => {
      if (args.length !== 2) throw pyError('TypeError', `${name}() takes 1 positional argument but ${args.length - 1} were given`);
      return lookUp(cls, info, args[1]!, c);
    })));
    cls.classFactory = (sub, ns, c, subBases) => {
      if (byName.size) throw pyError('TypeError', `<enum '${sub}'> cannot extend <enum '${name}'>`);
      return enumClass(cls)(sub, ns, c, subBases);
    };
    return cls;
  };
}

const method = (name: string, fn: (self: PyInstance, args: PyValue[], ctx: HostContext) => PyValue) =>
  new PyBuiltin(name, (args, _kwargs, ctx) => fn(args[0] as PyInstance, args.slice(1), ctx));

function family(name: string, kind: Family, bases: PyType[], methods: Record<string, PyValue>): PyType {
  const t = new PyType(name, { module: 'enum', bases });
  t.metaclassRepr = isFlagFamily(kind) ? 'flag' : 'enum';
  for (const [k, f] of Object.entries(methods)) t.attrs.set(k, f);
  FAMILY.set(t, kind);
  t.classFactory = enumClass(t);
  return t;
}

const enumStr = (m: PyInstance) => `${m.cls.name}.${String(memberName(m))}`;

function enumBase(): PyType {
  return family('Enum', 'enum', [objectType], {
    __repr__: method('__repr__', (m, _a, ctx) => `<${m.cls.name}.${String(memberName(m))}: ${ctx.repr(memberValue(m))}>`),
    __str__: method('__str__', enumStr),
    __format__: method('__format__', (m, [spec], ctx) => (typeof spec === 'string' && spec !== '' ? formatValue(ctx.str(m), spec, ctx) : ctx.str(m))),
    __init__: new PyBuiltin('__init__', () => null),
  });
}

const INT_OPERATORS: [string, BinaryOp][] = [
  ['add', '+'], ['sub', '-'], ['mul', '*'], ['truediv', '/'], ['floordiv', '//'], ['mod', '%'], ['pow', '**'], ['lshift', '<<'], ['rshift', '>>'],
];
const BIT_OPERATORS: [string, BinaryOp][] = [['and', '&'], ['or', '|'], ['xor', '^']];
const COMPARISONS: [string, CompareOp][] = [['eq', '=='], ['ne', '!='], ['lt', '<'], ['le', '<='], ['gt', '>'], ['ge', '>=']];

/** The int an IntEnum/IntFlag member or a plain number stands for; null for what an int does not combine with. */
function numeric(v: PyValue): PyValue | null {
  if (v instanceof PyInstance && v.standsFor !== undefined) return v.standsFor;
  return typeof v === 'bigint' || typeof v === 'number' || typeof v === 'boolean' ? v : null;
}

/** int's methods on a member that is an int (IntEnum, IntFlag): each computes on its value. */
function intMethods(operators: [string, BinaryOp][]): Record<string, PyValue> {
  const out: Record<string, PyValue> = {};
  for (const [name, of] of [['real', (v: bigint) => v], ['numerator', (v: bigint) => v], ['imag', () => 0n], ['denominator', () => 1n]] as const) {
    out[name] = new Property(method(name, (m) => of(memberValue(m) as bigint)), null);
  }
  const value = (m: PyInstance) => memberValue(m) as bigint;
  for (const [name, op] of operators) {
    out[`__${name}__`] = method(`__${name}__`, (m, [other], ctx) => {
      const o = numeric(other!);
      return o === null ? NOT_IMPLEMENTED : binary(op, value(m), o, ctx);
    });
    out[`__r${name}__`] = method(`__r${name}__`, (m, [other], ctx) => {
      const o = numeric(other!);
      return o === null ? NOT_IMPLEMENTED : binary(op, o, value(m), ctx);
    });
  }
  for (const [name, op] of COMPARISONS) {
    out[`__${name}__`] = method(`__${name}__`, (m, [other], ctx) => {
      const o = numeric(other!);
      return o === null ? NOT_IMPLEMENTED : compare(op, value(m), o, ctx);
    });
  }
  out.__neg__ = method('__neg__', (m, _a, ctx) => unary('-', value(m), ctx));
  out.__pos__ = method('__pos__', (m) => value(m));
  out.__abs__ = method('__abs__', (m) => (value(m) < 0n ? -value(m) : value(m)));
  out.__index__ = method('__index__', (m) => value(m));
  out.__int__ = method('__int__', (m) => value(m));
  out.__float__ = method('__float__', (m) => Number(value(m)));
  out.__bool__ = method('__bool__', (m) => value(m) !== 0n);
  // ReprEnum: str() and format() are the int's; repr stays the member's.
  out.__str__ = method('__str__', (m, _a, ctx) => ctx.str(value(m)));
  out.__format__ = method('__format__', (m, [spec], ctx) => formatValue(value(m), typeof spec === 'string' ? spec : '', ctx));
  out.bit_length = method('bit_length', (m) => BigInt(bitLength(value(m))));
  out.__hash__ = method('__hash__', (m, _a, ctx) => pyHash(value(m), ctx));
  out.__getattr__ = dataAttribute;
  // round(member) is its int; round(member, -k) rounds the int to 10**k, halves to even, as int.__round__.
  out.__round__ = method('__round__', (m, [ndigits], ctx) => {
    const v = value(m);
    if (ndigits === undefined || ndigits === null || toIndex(ndigits, ctx) >= 0n) return v;
    const p = 10n ** -toIndex(ndigits, ctx);
    const q = (v - (((v % p) + p) % p)) / p;
    const twice = 2n * (v - q * p);
    return (twice > p || (twice === p && q % 2n !== 0n) ? q + 1n : q) * p;
  });
  return out;
}

/** The value's own attribute (`to_bytes`, `upper`, `split`), found where the member's class has none: the member is an int or a str. */
const dataAttribute = method('__getattr__', (m, [name], ctx) => {
  const found = typeof name === 'string' ? getattrOrUndefined(memberValue(m), name, ctx) : undefined;
  if (found === undefined) throw pyError('AttributeError', `'${m.cls.name}' object has no attribute '${String(name)}'`);
  return found;
});

/** The str a StrEnum member or a plain string stands for; null for what a str does not combine with. */
function text(v: PyValue): string | null {
  if (v instanceof PyInstance && typeof v.standsFor === 'string') return v.standsFor;
  return typeof v === 'string' ? v : null;
}

/** str's methods on a member that is a str (StrEnum, `class Mode(str, Enum)`): each computes on its value. */
function strMethods(): Record<string, PyValue> {
  const out: Record<string, PyValue> = {};
  const value = (m: PyInstance) => memberValue(m) as string;
  for (const [name, op] of COMPARISONS) {
    out[`__${name}__`] = method(`__${name}__`, (m, [other], ctx) => {
      const o = text(other!);
      return o === null ? NOT_IMPLEMENTED : compare(op, value(m), o, ctx);
    });
  }
  out.__add__ = method('__add__', (m, [other]) => {
    const o = text(other!);
    return o === null ? NOT_IMPLEMENTED : value(m) + o;
  });
  out.__radd__ = method('__radd__', (m, [other]) => {
    const o = text(other!);
    return o === null ? NOT_IMPLEMENTED : o + value(m);
  });
  out.__mul__ = method('__mul__', (m, [other], ctx) => binary('*', value(m), other!, ctx));
  out.__rmul__ = method('__rmul__', (m, [other], ctx) => binary('*', other!, value(m), ctx));
  out.__mod__ = method('__mod__', (m, [other], ctx) => binary('%', value(m), other!, ctx));
  out.__len__ = method('__len__', (m) => BigInt([...value(m)].length));
  out.__contains__ = method('__contains__', (m, [other], ctx) => contains(value(m), other!, ctx));
  out.__getitem__ = method('__getitem__', (m, [index], ctx) => getitem(value(m), index!, ctx));
  out.__iter__ = method('__iter__', (m) => new PyIterator('str_ascii_iterator', [...value(m)].values()));
  out.__hash__ = method('__hash__', (m, _a, ctx) => pyHash(value(m), ctx));
  // ReprEnum: str() and format() are the str's; repr stays the member's.
  out.__str__ = method('__str__', (m) => value(m));
  out.__format__ = method('__format__', (m, [spec], ctx) => formatValue(value(m), typeof spec === 'string' ? spec : '', ctx));
  out.__getattr__ = dataAttribute;
  return out;
}

function flagMethods(): Record<string, PyBuiltin> {
  const info = (m: PyInstance) => MEMBERS.get(m.cls)!;
  const value = (m: PyInstance) => memberValue(m) as bigint;
  const out: Record<string, PyBuiltin> = {};
  for (const [name, op] of BIT_OPERATORS) {
    const combine = method(`__${name}__`, (m, [other], ctx) => {
      let o: bigint;
      const member = memberOf(other!, m.cls);
      if (member) o = value(member);
      else if (info(m).family === 'intflag' && (typeof other === 'bigint' || typeof other === 'boolean')) o = BigInt(other === true ? 1n : other === false ? 0n : other);
      else return NOT_IMPLEMENTED;
      const v = value(m);
      return lookUp(m.cls, info(m), op === '&' ? v & o : op === '|' ? v | o : v ^ o, ctx);
    });
    out[`__${name}__`] = combine;
    out[`__r${name}__`] = combine;
  }
  out.__invert__ = method('__invert__', (m, _a, ctx) => {
    const i = info(m);
    return lookUp(m.cls, i, i.family === 'intflag' ? ~value(m) : i.flagMask ^ value(m), ctx);
  });
  out.__contains__ = method('__contains__', (m, [other]) => {
    const member = memberOf(other!, m.cls);
    if (!member) throw pyError('TypeError', `unsupported operand type(s) for 'in': '${typeName(other!)}' and '${m.cls.name}'`);
    return (value(member) & value(m)) === value(member);
  });
  out.__iter__ = method('__iter__', (m) => new PyIterator('generator', info(m).listed.filter((x) => value(x) & value(m)).values()));
  out.__len__ = method('__len__', (m) => BigInt([...value(m).toString(2)].filter((c) => c === '1').length));
  out.__bool__ = method('__bool__', (m) => value(m) !== 0n);
  out.__repr__ = method('__repr__', (m, _a, ctx) => {
    const name = memberName(m);
    return name === null ? `<${m.cls.name}: ${ctx.repr(value(m))}>` : `<${m.cls.name}.${String(name)}: ${ctx.repr(value(m))}>`;
  });
  out.__str__ = method('__str__', (m, _a, ctx) => (memberName(m) === null ? `${m.cls.name}(${ctx.repr(value(m))})` : enumStr(m)));
  return out;
}

/** `@unique`: ValueError when a member has an alias, as CPython words it. */
const unique = pyFunction('unique', (args, kwargs, ctx) => {
  const cls = bindArgs('unique', ['enumeration'], args, kwargs, ctx).required('enumeration');
  if (!(cls instanceof PyType) || !cls.classProtocol) throw pyError('TypeError', 'unique() expects an Enum class');
  const members = cls.attrs.get('__members__');
  const aliases: string[] = [];
  if (members instanceof PyDict) {
    for (const [k, m] of members.entries()) if (m instanceof PyInstance && memberName(m) !== k) aliases.push(`${String(k)} -> ${memberName(m)}`);
  }
  if (aliases.length) throw pyError('ValueError', `duplicate values found in <enum '${cls.name}'>: ${aliases.join(', ')}`);
  return cls;
});

const INT_DATA_METHODS = intMethods([...INT_OPERATORS, ...BIT_OPERATORS]);
const STR_DATA_METHODS = strMethods();

export const enumModule: ModuleShim = {
  exports: ['Enum', 'auto', 'unique', 'IntEnum', 'StrEnum', 'ReprEnum', 'Flag', 'IntFlag'],
  create() {
    const base = enumBase();
    // ReprEnum: an Enum whose str() and format() are its data type's (IntEnum's, StrEnum's), as 3.11's MRO shows.
    const reprEnum = family('ReprEnum', 'enum', [base], {});
    const flag = family('Flag', 'flag', [base], flagMethods());
    return new PyModule('enum', new Map<string, PyValue>([
      ['Enum', base],
      ['ReprEnum', reprEnum],
      ['IntEnum', family('IntEnum', 'int', [INT, reprEnum], INT_DATA_METHODS)],
      ['StrEnum', family('StrEnum', 'str', [STR, reprEnum], STR_DATA_METHODS)],
      ['Flag', flag],
      ['IntFlag', family('IntFlag', 'intflag', [INT, reprEnum, flag], { ...intMethods(INT_OPERATORS), ...pick(flagMethods(), ['__and__', '__rand__', '__or__', '__ror__', '__xor__', '__rxor__', '__invert__', '__contains__', '__iter__', '__len__', '__repr__']) })],
      ['auto', Auto.type],
      ['unique', unique],
    ]));
  },
};

function pick(methods: Record<string, PyBuiltin>, names: readonly string[]): Record<string, PyBuiltin> {
  return Object.fromEntries(names.map((n) => [n, methods[n]!]));
}
