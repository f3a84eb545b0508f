/**
 * The eager tape of a torch-style function at its example inputs: PyTorch's backward graph
 * (grad_fn nodes down to AccumulateGrad leaves) that `gradlens graph` prints.
 */
import { formatError, type FunctionInfo, type InputSource, type ParseResult } from '../lang/python';
import { callWithLeaves, PyTensor } from '../lang/python/torch';
import { exportTape, type EagerEngine, type TapeGraph } from '../runtime/eager';

export type TapeOutcome = { readonly ok: true; readonly tape: TapeGraph; readonly leaves: ReadonlyMap<string, string> } | { readonly ok: false; readonly message: string };

/** Runs `fn` once with each float (tensor) argument as a leaf requiring grad and exports the tape of its result. */
export function tapeAt(parsed: ParseResult, fn: FunctionInfo, source: InputSource, engine: EagerEngine, file: string): TapeOutcome {
  return engine.tidy(() => {
    const outcome = callWithLeaves(parsed, fn, source, engine, file, ({ interpreter, leaves: leafTensors, result }): TapeOutcome => {
      if (!(result instanceof PyTensor) || !result.t.requiresGrad) {
        return { ok: false, message: `${file}:${fn.nameSpan.line}:${fn.nameSpan.col}: error: ${fn.name}() returned ${interpreter.repr(result)}, which has no autograd graph; return a tensor computed from float arguments` };
      }
      const tape = exportTape([result.t]);
      // The leaf nodes by the parameter they stand for, so the printed graph names them.
      const leaves = new Map<string, string>();
      for (const [name, leaf] of leafTensors) {
        const node = exportTape([leaf.t]).outputs[0];
        if (node) leaves.set(node, name);
      }
      return { ok: true, tape, leaves };
    });
    return outcome.ok ? outcome.value : { ok: false, message: formatError(outcome.error) };
  });
}
