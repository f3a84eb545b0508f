/**
 * evaluation: "this document, this function" -> a protocol EvaluationResult. The language
 * server, the webview's GPU host and the CLI all evaluate through it.
 */
export { openExecutionHost, type ExecutionHost } from './host';
export { runPython } from './run_python';
export { functionReads, functionSourceHash, functionText, ModuleDependencies, sourceHashOf, topLevelStatements, type TopLevelStatement } from './source_hash';
export { EvaluationFailure } from './failure';
export { analyzeDocument, fileOfUri, InputsFailure, namedFunction, styleOf, userInputs, type Style } from './target';
// The graph behind a result's GraphViews, in full, for the command line's text, JSON and DOT.
export { functionGraph, type FunctionGraph } from './function_graph';
