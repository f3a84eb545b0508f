/**
 * Python values as the interpreter holds them (objects), `type(x)` (types), the host-object
 * protocol (host), exceptions, and what building a value costs against the budgets (limits).
 */
export {
  AssertionError,
  BaseException,
  EXCEPTION_TYPES,
  exceptionMessage,
  type ExceptionName,
  exceptionText,
  HaltError,
  type HaltKind,
  IndexError,
  keyError,
  pyError,
  PyError,
  RecursionError,
  RuntimeError,
  StopIteration,
  TypeError,
} from './exceptions';
export { type BinaryOp, type CompareOp, HostObject, hostObjectCount, hostType, pyFunction, type UnaryOp } from './host';
export { hostValues } from './host_values';
export {
  bitLength,
  chargeChars,
  chargeItems,
  chargeMoves,
  checkDecimalDigits,
  checkIntBits,
  checkIntDigits,
  intToDecimal,
} from './limits';
export {
  ELLIPSIS,
  ExceptionObject,
  hashKey,
  type HostContext,
  type Kwargs,
  nameTable,
  type NativeFn,
  NOT_IMPLEMENTED,
  objectId,
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
  type PyValue,
  singletonName,
} from './objects';
export { setOrder } from './setorder';
export {
  boolType,
  dictType,
  floatType,
  frozensetType,
  intType,
  listType,
  objectType,
  rangeType,
  setType,
  sliceType,
  strType,
  tupleType,
  typeName,
  typeOf,
  typeType,
} from './types';
