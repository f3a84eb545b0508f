/**
 * Python's semantics over the values of values/: truthiness, repr/str, conversions, arithmetic,
 * comparisons, containers, attributes, the builtin types' methods, and argument binding for
 * functions implemented in TypeScript.
 */
export { binary, floatOp, inplace, intOp, unary } from './arithmetic';
export { complexAbs, complexRefusal, complexType, PyComplex } from './complex';
export { bytearrayType, bytesLike, bytesType, fromLatin1, PyBytes } from './bytes';
export { floatFromHex, fromBytes } from './int_bytes';
export { delattr, FINALIZER_REFUSAL, getattr, getattrOrUndefined, isInstance, isSubclass, setattr } from './attributes';
export { compare, compares, contains, eq } from './comparison';
export { cursor, delitem, getitem, iterate, len, materialize, setitem, sliceIndices } from './containers';
export { dictKey, pyHash } from './hashing';
export { intToFloat, isNumber, parseIntLiteral, toFloat, toIndex, toInt } from './conversions';
export {
  Args,
  bindArgs,
  flattenNested,
  fromJs,
  type JsData,
  nestedFromFlat,
  type NestedNumbers,
  toIntList,
  toJs,
} from './convert';
export { newScalarInstance, scalarBase, scalarNew } from './scalar_bases';
export { boundBaseMethod, builtinBase, builtinInit, newBuiltinInstance, unboundBaseMethod } from './builtin_bases';
export { bindAttribute, classAttribute, isSubclassed, NativeDescriptor, scriptClassOf, ClassMethod, Property, StaticMethod } from './dunders';
export { newInstance, objectMethod, objectSetattr, registerSubclass, subclasses } from './object_type';
export { dictUpdate, sortedList } from './methods';
export { ascii, formatValue, repr, str, truthy } from './repr';
