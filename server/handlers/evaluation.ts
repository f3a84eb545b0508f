/**
 * Evaluation requests and results: a client that evaluates itself (VS Code's panel) sends its
 * outcomes here; a client that does not asks the server to evaluate on the CPU.
 */
import type { CancellationToken, Range } from 'vscode-languageserver';
import { checkInputsRequest, evaluateRequest, fromWire, resultNotification, resultRequest, toWire, type EvaluateRequest, type EvaluationOutcome, type SourceRange } from '../../protocol';
import type { FunctionSummary } from '../analysis';
import { checkInputs } from '../check_inputs';
import type { InFlight, ServerState } from '../state';
import { isCheckInputsParams, isEvaluate, isFunctionCommandArgs, isOutcome } from '../validate';
import { checked, contained, type Feature } from './feature';

/** An LSP range (0-based) as the protocol's 1-based SourceRange. */
function sourceRangeOf(range: Range): SourceRange {
  return { line: range.start.line + 1, col: range.start.character + 1, endLine: range.end.line + 1, endCol: range.end.character + 1 };
}

/** Evaluates `request` in the server's worker, cancelled by `token` or an edit of the function, and keeps the outcome. */
export async function evaluateHere(state: ServerState, request: EvaluateRequest, fn: FunctionSummary | undefined, token?: CancellationToken): Promise<EvaluationOutcome> {
  const run: InFlight = { uri: request.uri, function: request.function, sourceHash: fn?.sourceHash ?? '', aborted: false };
  const signal = { get aborted() { return run.aborted || (token?.isCancellationRequested ?? false); } };
  state.inFlight.add(run);
  try {
    const at = fn && { sourceHash: fn.sourceHash, range: sourceRangeOf(fn.nameRange) };
    const outcome = await state.execution.evaluate(request, signal, at);
    state.accept(outcome);
    return outcome;
  } finally {
    state.inFlight.delete(run);
  }
}

export const evaluationFeature: Feature = {
  register: (state) => {
    const { connection } = state;
    connection.onNotification(resultNotification, (data: unknown) => contained(state, 'storing a result', undefined, () => {
      const outcome = fromWire(data, isOutcome);
      if (!outcome) return state.rejected(resultNotification.method, data);
      state.accept(outcome);
    }));
    connection.onRequest(resultRequest, checked(resultRequest.method, isFunctionCommandArgs, (args) => {
      contained(state, 'analysis', undefined, () => state.analysisOf(args.uri));
      const outcome = state.results.get(args.uri, args.function);
      return outcome ? toWire(outcome) : null;
    }));
    connection.onRequest(checkInputsRequest, checked(checkInputsRequest.method, isCheckInputsParams, (params) => {
      const fn = state.analysisOf(params.uri)?.functions.find((f) => f.qualname === params.function);
      if (!fn) return { ok: false, message: `no function '${params.function}' in ${params.uri}` };
      return checkInputs(fn, params.inputs);
    }));
    connection.onRequest(evaluateRequest, checked(evaluateRequest.method, isEvaluate, (request, token) => {
      const fn = state.analysisOf(request.uri)?.functions.find((f) => f.qualname === request.function);
      return evaluateHere(state, request, fn, token).then(toWire);
    }));
    connection.onShutdown(() => state.execution.dispose());
  },
};
