/**
 * `typing`, for annotations: its names exist so imports succeed, and annotations subscript them
 * (`List[int]`). `NamedTuple` makes named tuples, by class syntax or called.
 */
import { bindArgs, iterate, materialize, PyDict, pyError, pyFunction, PyModule, PyTuple, PyType, type PyValue, type HostContext, type ModuleShim } from '../interpreter';
import { makeNamedTuple, namedTupleFields } from './namedtuple';

const TYPING_NAMES = [
  'Any', 'Callable', 'Dict', 'List', 'Optional', 'Sequence', 'Iterable', 'Iterator', 'Generator', 'Tuple', 'Union', 'Set',
  'Mapping', 'Generic', 'Protocol', 'Literal', 'Final', 'ClassVar', 'Type', 'FrozenSet', 'DefaultDict', 'Deque',
  'Counter', 'OrderedDict', 'NoReturn', 'Hashable', 'Sized', 'Collection', 'Container', 'Reversible', 'Text', 'AnyStr',
  'MutableMapping', 'MutableSequence', 'MutableSet', 'Annotated', 'TypeAlias', 'ParamSpec', 'Concatenate', 'Awaitable',
  'SupportsFloat', 'SupportsInt', 'SupportsIndex', 'KeysView', 'ItemsView', 'ValuesView',
];

/** Decorators and helpers that only speak to a type checker: each returns its (last) argument. */
const PASS_THROUGH: Record<string, string[]> = {
  overload: ['func'], final: ['f'], runtime_checkable: ['cls'], no_type_check: ['arg'], cast: ['typ', 'val'],
};

/** `class Params(NamedTuple):` with `w: float` and `b: float = 0.0` lines: fields in order, defaults last. */
function namedTupleClass(name: string, namespace: Map<string, PyValue>, ctx: HostContext): PyType {
  const annotations = namespace.get('__annotations__');
  const fields = annotations instanceof PyDict ? [...annotations.keys()].map(String) : [];
  namedTupleFields(name, fields.join(' '), false, ctx);
  const defaults: PyValue[] = [];
  fields.forEach((f, i) => {
    const d = namespace.get(f);
    if (d !== undefined) defaults.push(d);
    else if (defaults.length) {
      const previous = fields.slice(0, i).filter((p) => namespace.has(p));
      throw pyError('TypeError', `Non-default namedtuple field ${f} cannot follow default field${previous.length > 1 ? 's' : ''} ${previous.join(', ')}`);
    }
  });
  const rest = new Map([...namespace].filter(([k]) => !fields.includes(k)));
  return makeNamedTuple(name, fields, defaults, rest, ctx);
}

function namedTupleType(): PyType {
  const t = new PyType('NamedTuple', { module: 'typing' });
  t.classFactory = namedTupleClass;
  // `NamedTuple('Point', [('x', int), ('y', int)])`
  t.construct = (args, kwargs, ctx) => {
    const a = bindArgs('NamedTuple', ['typename', 'fields?'], args, kwargs, ctx);
    const typename = a.required('typename');
    if (typeof typename !== 'string') throw pyError('TypeError', 'NamedTuple() argument 1 must be str');
    const pairs = [...iterate(a.opt('fields') ?? new PyTuple([]), ctx)].map((p) => materialize(p, ctx));
    const fields = pairs.map((p) => p[0]);
    if (fields.some((f) => typeof f !== 'string')) throw pyError('TypeError', 'NamedTuple field names must be strings');
    namedTupleFields(typename, fields.join(' '), false, ctx);
    return makeNamedTuple(typename, fields as string[], [], new Map(), ctx);
  };
  return t;
}

export const typingModule: ModuleShim = {
  exports: [...TYPING_NAMES, ...Object.keys(PASS_THROUGH), 'NamedTuple', 'TYPE_CHECKING', 'TypeVar', 'NewType'],
  create() {
    const attrs = new Map<string, PyValue>();
    for (const name of TYPING_NAMES) attrs.set(name, new PyType(name, { module: 'typing' }));
    attrs.set('TYPE_CHECKING', false);
    for (const [name, spec] of Object.entries(PASS_THROUGH)) {
      attrs.set(name, pyFunction(name, (args, kwargs, ctx) => bindArgs(name, spec, args, kwargs, ctx).required(spec[spec.length - 1]!)));
    }
    // `T = TypeVar('T', bound=...)` and `UserId = NewType('UserId', int)`: a type named as given, and
    // a function that returns its argument (as CPython's NewType does when called).
    attrs.set('TypeVar', pyFunction('TypeVar', (args, kwargs, ctx) => {
      const name = bindArgs('TypeVar', ['name', '*constraints', '**options'], args, kwargs, ctx).required('name');
      if (typeof name !== 'string') throw pyError('TypeError', 'TypeVar name must be a string');
      return new PyType(name, { module: 'typing' });
    }));
    attrs.set('NewType', pyFunction('NewType', (args, kwargs, ctx) => {
      const name = bindArgs('NewType', ['name', 'tp'], args, kwargs, ctx).required('name');
      return pyFunction(String(name), (a, k, c) => bindArgs(String(name), ['x'], a, k, c).required('x'));
    }));
    attrs.set('NamedTuple', namedTupleType());
    return new PyModule('typing', attrs);
  },
};
