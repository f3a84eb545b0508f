/** `typing`, for annotations: its names exist so imports succeed; annotations are not evaluated. */
import { PyModule, PyType, type PyValue, type ModuleShim } from '../interpreter';

const TYPING_NAMES = [
  'Any', 'Callable', 'Dict', 'List', 'Optional', 'Sequence', 'Iterable', 'Iterator', 'Tuple', 'Union', 'Set',
  'Mapping', 'TypeVar', 'Generic', 'Protocol', 'Literal', 'Final', 'ClassVar', 'NamedTuple', 'cast', 'overload',
];

export const typingModule: ModuleShim = {
  exports: TYPING_NAMES,
  create() {
    const attrs = new Map<string, PyValue>();
    for (const name of TYPING_NAMES) attrs.set(name, new PyType(name, { module: 'typing' }));
    return new PyModule('typing', attrs);
  },
};
