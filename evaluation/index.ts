/**
 * evaluation: "this document, this function" -> a protocol EvaluationResult. The language
 * server, the webview's GPU host and the CLI all evaluate through it.
 */
export { openExecutionHost, type ExecutionHost } from './host';
export { functionText, sourceHashOf } from './source_hash';
export { EvaluationFailure } from './failure';
export { fileOfUri, InputsFailure, namedFunction, styleOf, userInputs, type Style } from './target';
