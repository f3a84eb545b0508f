/**
 * `numbers`: the numeric tower of abstract base classes (`Number` > `Complex` > `Real` >
 * `Rational` > `Integral`), with the classes CPython and NumPy register on them: `int` and `bool`
 * are Integral, `Fraction` Rational, `float` Real, `complex` Complex, and NumPy's `integer`,
 * `floating`, `complexfloating` and `number` scalars where NumPy registers them (`np.bool_` is no
 * Number). A script's class deriving from one is refused: CPython's ABCs carry abstract methods
 * and concrete mixins (`Real.__complex__`, `Integral.__index__`) that Gradlens does not build.
 */
import { HaltError, objectType, PyModule, PyType, type PyValue, type ModuleShim } from '../interpreter';

type Level = 'Number' | 'Complex' | 'Real' | 'Rational' | 'Integral';

/** The tower, widest first, each with the classes (`module.name`) registered at that level. */
const TOWER: readonly (readonly [Level, readonly string[]])[] = [
  ['Number', ['numpy.number']],
  ['Complex', ['builtins.complex', 'numpy.complexfloating']],
  ['Real', ['builtins.float', 'numpy.floating']],
  ['Rational', ['fractions.Fraction']],
  ['Integral', ['builtins.int', 'numpy.integer']],
];

function makeTower(): Record<Level, PyType> {
  const made = {} as Record<Level, PyType>;
  let base = objectType;
  TOWER.forEach(([level], i) => {
    const t = new PyType(level, { module: 'numbers', bases: [base] });
    // A level counts the classes registered at it and at every narrower level (an int is a Real).
    const registered = new Set(TOWER.slice(i).flatMap(([, names]) => names));
    t.registeredSubclass = (c) => c.mro.some((m) => registered.has(`${m.module}.${m.name}`));
    t.classFactory = (name) => {
      throw new HaltError('unsupported', `class ${name}(numbers.${level}) is not supported by Gradlens (the numbers ABCs' abstract methods and mixins are not built): derive ${name} from object and define its operators`);
    };
    made[level] = t;
    base = t;
  });
  return made;
}

/** The ABCs, made once: classes are immutable, and `isinstance(x, numbers.Number)` from any module must agree. */
export const NUMBER_ABCS = makeTower();

export const numbersModule: ModuleShim = {
  exports: TOWER.map(([level]) => level),
  create() {
    return new PyModule('numbers', new Map<string, PyValue>(Object.entries(NUMBER_ABCS)));
  },
};
