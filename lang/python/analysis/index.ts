/**
 * What Gradlens knows of a script before running it: its functions and their parameters, where
 * their example inputs come from, its imports, and the constructs and modules it refuses, as
 * diagnostics at their places.
 */
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
} from './analyze';
