/**
 * lang/python: Python source -> runtime calls. A parser (lezer) to a typed AST,
 * a static analyzer, and a sandboxed tree-walking interpreter whose modules are
 * shims registered by name (`math` here; `torch`, `jax`, `numpy` from their shims).
 */
export { LineMap, parse, parseArguments, syntaxErrorClass, type ast, type BrokenDefinition, type ParseResult, type Span, type SyntaxProblem, patternNames, walkExpr, walkStatements } from './syntax';
export {
  analyze,
  distinctQualnames,
  moduleFacts,
  type Analysis,
  type AnalyzeOptions,
  type Diagnostic,
  type DiagnosticCode,
  type FunctionInfo,
  type ImportInfo,
  type InputBinding,
  type InputSource,
  type ModuleFacts,
  type ParamInfo,
} from './analysis';
export { run, formatError, scriptError, type RunOptions, type RunResult, type ScriptError, type ScriptErrorKind } from './run';
export { captureInputs, type CaptureResult, type CapturedInputs } from './inputs';
export {
  DEFAULT_BUDGETS,
  Interpreter,
  StopRun,
  sharedCancelFlag,
  type Budgets,
  type CancelSignal,
  type InterpreterOptions,
  type AssignListener,
} from './interpreter';

// The host-object protocol and what shims build modules from.
export {
  HostObject,
  NOT_IMPLEMENTED,
  hostType,
  pyFunction,
  type BinaryOp,
  type CompareOp,
  type HostContext,
  type UnaryOp,
} from './interpreter';
export { createModule, unsupportedModuleMessage, type ModuleRegistry, type ModuleShim } from './interpreter';
export { STANDARD_MODULES, mathModule } from './modules';
export {
  Args,
  bindArgs,
  flattenNested,
  fromJs,
  nestedFromFlat,
  toIntList,
  toJs,
  type JsData,
  type NestedNumbers,
} from './interpreter';
export {
  ELLIPSIS,
  ExceptionObject,
  PyBoundMethod,
  PyBuiltin,
  PyDict,
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
  type Kwargs,
  type NativeFn,
  type FailedOp,
  type Operand,
  type PyValue,
} from './interpreter';
export { EXCEPTION_TYPES, HaltError, PyError, exceptionMessage, pyError, type ExceptionName, type HaltKind } from './interpreter';
export { warn, type LibraryWarning, type ShownWarning } from './interpreter';
export {
  contains,
  eq,
  formatValue,
  getattr,
  getitem,
  isInstance,
  iterate,
  len,
  repr,
  sliceIndices,
  str,
  toFloat,
  toIndex,
  toInt,
  truthy,
} from './interpreter';
export { floatRepr } from './interpreter';
export { formatFloat, formatInt } from './interpreter';
export { typeName, typeOf } from './interpreter';
