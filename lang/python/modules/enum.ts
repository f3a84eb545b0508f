/**
 * `enum`: `Enum` with `auto()` and `unique`, as CPython 3.11's EnumType builds them: each plain
 * value of the class body (not a dunder or _sunder_ name, not a function or descriptor) becomes a
 * member, an instance of the class with `name` and `value`; a repeated value is an alias of the
 * first; the class iterates its members in order, `Color(1)` finds one by value, `Color['RED']` by
 * name; members print as `Color.RED` and repr as `<Color.RED: 1>`. IntEnum/Flag, whose members are
 * ints, are refused at the import with what to write instead.
 */
import {
  bindArgs,
  ClassMethod,
  dictKey,
  formatValue,
  type HostContext,
  HostObject,
  hostType,
  keyError,
  NativeDescriptor,
  PyBuiltin,
  PyDict,
  pyError,
  pyFunction,
  PyFunction,
  PyInstance,
  PyModule,
  Property,
  PyType,
  type PyValue,
  StaticMethod,
  typeName,
  type ModuleShim,
} from '../interpreter';

/** `auto()`: a placeholder the class body's member gets its value for (the last int value + 1, or 1). */
class Auto extends HostObject {
  static readonly type: PyType = hostType('auto', 'enum', (args, kwargs, ctx) => {
    bindArgs('auto', [], args, kwargs, ctx);
    return new Auto();
  });

  get pyType(): PyType {
    return Auto.type;
  }

  override repr(): string {
    return '<enum.auto object>';
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

const memberName = (m: PyInstance) => String(m.dict!.get('_name_'));
const memberValue = (m: PyInstance) => m.dict!.get('_value_')!;

function enumClass(base: PyType) {
  return (name: string, namespace: Map<string, PyValue>, ctx: HostContext): PyType => {
    const attrs = new Map<string, PyValue>();
    const definitions: [string, PyValue][] = [];
    for (const [k, v] of namespace) {
      if (isMember(k, v)) definitions.push([k, v]);
      else attrs.set(k, v);
    }
    const cls = new PyType(name, { module: '__main__', bases: [base], attrs });
    const members: PyInstance[] = [];
    const byValue = new Map<string, PyInstance>();
    const byName = new Map<string, PyInstance>();
    for (const [k, defined] of definitions) {
      ctx.tick();
      let value = defined;
      if (value instanceof Auto) {
        const last = members.length ? memberValue(members[members.length - 1]!) : null;
        if (last !== null && typeof last !== 'bigint') throw pyError('TypeError', `auto() after a non-int value (${ctx.repr(last)}) is not supported by Gradlens: give ${k} its value`);
        value = last === null ? 1n : (last as bigint) + 1n;
      }
      const key = dictKey(value, ctx);
      const existing = byValue.get(key);
      if (existing) {
        // An alias: the name reaches the first member of that value.
        byName.set(k, existing);
        attrs.set(k, existing);
        continue;
      }
      const m = new PyInstance(cls);
      m.dict!.set('_name_', k);
      m.dict!.set('_value_', value);
      m.dict!.set('name', k);
      m.dict!.set('value', value);
      members.push(m);
      byValue.set(key, m);
      byName.set(k, m);
      attrs.set(k, m);
    }
    const membersDict = new PyDict();
    for (const [k, m] of byName) membersDict.setByKey(dictKey(k, ctx), k, m);
    attrs.set('__members__', membersDict);
    cls.classProtocol = {
      items: () => members.slice(),
      getitem: (key) => {
        const m = typeof key === 'string' ? byName.get(key) : undefined;
        if (m === undefined) throw keyError(key);
        return m;
      },
      contains: (item) => {
        if (!(item instanceof PyInstance) || !item.cls.isSubtypeOf(cls)) {
          throw pyError('TypeError', `unsupported operand type(s) for 'in': '${typeName(item)}' and 'EnumType'`);
        }
        return members.includes(item);
      },
    };
    // `Color(1)`: the member of that value (EnumType.__call__ with one argument).
    attrs.set('__new__', new StaticMethod(pyFunction('__new__', (args, _kwargs, c) => {
      const [, value] = args;
      if (args.length !== 2) throw pyError('TypeError', `${name}() takes 1 positional argument but ${args.length - 1} were given`);
      if (value instanceof PyInstance && value.cls === cls) return value;
      const m = byValue.get(dictKey(value!, c));
      if (m === undefined) throw pyError('ValueError', `${c.repr(value!)} is not a valid ${name}`);
      return m;
    })));
    cls.classFactory = (sub, ns, c) => {
      if (members.length) throw pyError('TypeError', `<enum '${sub}'> cannot extend <enum '${name}'>`);
      return enumClass(cls)(sub, ns, c);
    };
    return cls;
  };
}

function enumBase(): PyType {
  const e = new PyType('Enum', { module: 'enum' });
  e.attrs.set('__repr__', new PyBuiltin('__repr__', (args, _kwargs, ctx) => {
    const m = args[0] as PyInstance;
    return `<${m.cls.name}.${memberName(m)}: ${ctx.repr(memberValue(m))}>`;
  }));
  e.attrs.set('__str__', new PyBuiltin('__str__', (args) => {
    const m = args[0] as PyInstance;
    return `${m.cls.name}.${memberName(m)}`;
  }));
  e.attrs.set('__format__', new PyBuiltin('__format__', (args, _kwargs, ctx) => {
    const m = args[0] as PyInstance;
    const spec = args[1];
    const text = `${m.cls.name}.${memberName(m)}`;
    return typeof spec === 'string' && spec !== '' ? formatValue(text, spec, ctx) : text;
  }));
  e.attrs.set('__init__', new PyBuiltin('__init__', () => null));
  e.classFactory = enumClass(e);
  return e;
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

function refusedBase(name: string): PyType {
  const t = new PyType(name, { module: 'enum' });
  t.classFactory = () => {
    throw pyError('NotImplementedError', `enum.${name} is not supported by Gradlens (its members are ints): subclass Enum and use .value`);
  };
  return t;
}

export const enumModule: ModuleShim = {
  exports: ['Enum', 'auto', 'unique', 'IntEnum', 'Flag', 'IntFlag', 'StrEnum'],
  create() {
    return new PyModule('enum', new Map<string, PyValue>([
      ['Enum', enumBase()],
      ['auto', Auto.type],
      ['unique', unique],
      ['IntEnum', refusedBase('IntEnum')],
      ['Flag', refusedBase('Flag')],
      ['IntFlag', refusedBase('IntFlag')],
      ['StrEnum', refusedBase('StrEnum')],
    ]));
  },
};
