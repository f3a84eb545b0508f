/**
 * The standard modules every run may import: `math`, `random`, and `typing` for
 * annotations (its names exist so imports succeed; annotations are not evaluated).
 */
import { PyModule, PyType, type PyValue } from './objects';
import type { ModuleRegistry, ModuleShim } from './modules';
import { mathModule } from './modules/math';
import { randomModule } from './modules/random';

const TYPING_NAMES = [
  'Any', 'Callable', 'Dict', 'List', 'Optional', 'Sequence', 'Iterable', 'Iterator', 'Tuple', 'Union', 'Set',
  'Mapping', 'TypeVar', 'Generic', 'Protocol', 'Literal', 'Final', 'ClassVar', 'NamedTuple', 'cast', 'overload',
];

const typingModule: ModuleShim = {
  exports: TYPING_NAMES,
  create() {
    const attrs = new Map<string, PyValue>();
    for (const name of TYPING_NAMES) attrs.set(name, new PyType(name, { module: 'typing' }));
    return new PyModule('typing', attrs);
  },
};

export const STANDARD_MODULES: ModuleRegistry = {
  math: mathModule,
  random: randomModule,
  typing: typingModule,
};
