/**
 * The builtin types (`int`, `float`, `list`, ...) and `type(x)` of every value.
 * Their constructors (`int('3')`, `list(range(3))`) are attached in builtins.ts.
 */
import { HostObject } from './host';
import {
  ExceptionObject,
  PyBoundMethod,
  PyBuiltin,
  PyDict,
  PyDictView,
  PyFunction,
  PyInstance,
  PyIterator,
  PyList,
  PyModule,
  PyRange,
  PySet,
  PySlice,
  PyTuple,
  PyType,
  singletonName,
  type PyValue,
} from './objects';

function builtinType(name: string, bases: PyType[] = []): PyType {
  return new PyType(name, { bases });
}

export const objectType = builtinType('object');
export const typeType = builtinType('type', [objectType]);
export const intType = builtinType('int', [objectType]);
export const boolType = builtinType('bool', [intType]);
export const floatType = builtinType('float', [objectType]);
export const strType = builtinType('str', [objectType]);
export const noneType = builtinType('NoneType', [objectType]);
export const listType = builtinType('list', [objectType]);
export const tupleType = builtinType('tuple', [objectType]);
export const dictType = builtinType('dict', [objectType]);
export const setType = builtinType('set', [objectType]);
export const frozensetType = builtinType('frozenset', [objectType]);
export const sliceType = builtinType('slice', [objectType]);
export const rangeType = builtinType('range', [objectType]);
export const functionType = builtinType('function', [objectType]);
export const builtinFunctionType = builtinType('builtin_function_or_method', [objectType]);
export const methodType = builtinType('method', [objectType]);
export const moduleType = builtinType('module', [objectType]);
export const ellipsisType = builtinType('ellipsis', [objectType]);
export const notImplementedType = builtinType('NotImplementedType', [objectType]);
const iteratorTypes = new Map<string, PyType>();
const viewTypes = {
  keys: builtinType('dict_keys', [objectType]),
  values: builtinType('dict_values', [objectType]),
  items: builtinType('dict_items', [objectType]),
};

export function typeOf(v: PyValue): PyType {
  switch (typeof v) {
    case 'bigint':
      return intType;
    case 'number':
      return floatType;
    case 'boolean':
      return boolType;
    case 'string':
      return strType;
  }
  if (v === null) return noneType;
  if (v instanceof PyList) return v.subclass ?? listType;
  if (v instanceof PyTuple) return v.subclass ?? tupleType;
  if (v instanceof PyDict) return v.subclass ?? dictType;
  if (v instanceof HostObject) return v.pyType;
  if (v instanceof PyInstance) return v.cls;
  if (v instanceof ExceptionObject) return v.type;
  if (v instanceof PySet) return v.frozen ? frozensetType : setType;
  if (v instanceof PyFunction) return functionType;
  if (v instanceof PyBuiltin) return builtinFunctionType;
  if (v instanceof PyBoundMethod) return methodType;
  if (v instanceof PyType) return v.metaclass ?? typeType;
  if (v instanceof PyModule) return moduleType;
  if (v instanceof PyRange) return rangeType;
  if (v instanceof PySlice) return sliceType;
  if (v instanceof PyDictView) return viewTypes[v.view];
  if (v instanceof PyIterator) {
    let t = iteratorTypes.get(v.typeName);
    if (!t) iteratorTypes.set(v.typeName, (t = builtinType(v.typeName, [objectType])));
    return t;
  }
  return singletonName(v) === 'Ellipsis' ? ellipsisType : notImplementedType;
}

/** The type's name as CPython's messages write it: `'int'`, `'Tensor'`, `'numpy.float64'` (see PyType.nativeName). */
export function typeName(v: PyValue): string {
  return typeOf(v).nativeName;
}
