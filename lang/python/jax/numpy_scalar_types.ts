/**
 * NumPy's scalar types (numpy/core/numerictypes.py): the abstract hierarchy (`np.generic`,
 * `np.number`, `np.inexact`, `np.floating`, `np.integer`, ...), which jax.numpy shares as JAX's are
 * NumPy's, and the concrete types of NumPy's scalars (`np.float64`, a subclass of Python's float
 * as in NumPy; `np.int64`, not one of int's). The concrete ones are made per run
 * (JaxRuntime.scalarTypes): numpyAttrs gives them that run's constructor.
 */
import type { DType } from '../../../runtime/core';
import { objectType, PyType, typeOf } from '../interpreter';

const numpyType = (name: string, bases: readonly PyType[]) => new PyType(name, { module: 'numpy', bases, nativeName: `numpy.${name}` });

const generic = numpyType('generic', [objectType]);
const number = numpyType('number', [generic]);
const integer = numpyType('integer', [number]);
const inexact = numpyType('inexact', [number]);

/** The abstract scalar types, as `np.floating` names them. */
export const ABSTRACT_SCALAR_TYPES = {
  generic,
  number,
  integer,
  signedinteger: numpyType('signedinteger', [integer]),
  unsignedinteger: numpyType('unsignedinteger', [integer]),
  inexact,
  floating: numpyType('floating', [inexact]),
  complexfloating: numpyType('complexfloating', [inexact]),
} as const;

/** The dtypes a NumPy scalar of Gradlens's NumPy arrays has, and its type's name (`np.bool_`). */
const SCALAR_NAMES = {
  float64: 'float64', float32: 'float32', int64: 'int64', int32: 'int32', int16: 'int16', int8: 'int8', uint8: 'uint8', uint16: 'uint16', uint32: 'uint32', uint64: 'uint64', bool: 'bool_',
} as const;
export type ScalarDType = keyof typeof SCALAR_NAMES;

const A = ABSTRACT_SCALAR_TYPES;
const SCALAR_BASES: Readonly<Record<ScalarDType, readonly PyType[]>> = {
  // NB: np.float64 derives from Python's float (isinstance(np.float64(1.0), float) is True); np.int64 from no int.
  float64: [A.floating, typeOf(0.5)],
  float32: [A.floating],
  int64: [A.signedinteger],
  int32: [A.signedinteger],
  int16: [A.signedinteger],
  int8: [A.signedinteger],
  uint8: [A.unsignedinteger],
  uint16: [A.unsignedinteger],
  uint32: [A.unsignedinteger],
  uint64: [A.unsignedinteger],
  bool: [A.generic],
};

/** One run's concrete scalar types: `type(a.mean())` is `float64`'s. */
export class ScalarTypes {
  readonly byDtype: Readonly<Record<ScalarDType, PyType>>;

  constructor() {
    const entries = (Object.keys(SCALAR_NAMES) as ScalarDType[]).map((d) => [d, numpyType(SCALAR_NAMES[d], SCALAR_BASES[d])]);
    this.byDtype = Object.fromEntries(entries) as Record<ScalarDType, PyType>;
  }

  /** The type of a NumPy scalar of `dtype`; undefined for a dtype NumPy's shim has no scalars of. */
  of(dtype: DType): PyType | undefined {
    return (this.byDtype as Partial<Record<DType, PyType>>)[dtype];
  }
}
