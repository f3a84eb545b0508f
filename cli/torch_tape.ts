/**
 * The eager tape of a torch-style function at its example inputs: PyTorch's backward graph
 * (grad_fn nodes down to AccumulateGrad leaves) that `gradlens graph` prints.
 */
import { captureInputs, formatError, getattr, scriptError, type FunctionInfo, type InputSource, type Interpreter, type ParseResult, type PyValue } from '../lang/python';
import { PyTensor, torchModules } from '../lang/python/torch';
import { exportTape, type EagerEngine, type TapeGraph } from '../runtime/eager';

export type TapeOutcome = { readonly ok: true; readonly tape: TapeGraph; readonly leaves: ReadonlyMap<string, string> } | { readonly ok: false; readonly message: string };

/** Runs `fn` once with each float (tensor) argument as a leaf requiring grad and exports the tape of its result. */
export function tapeAt(parsed: ParseResult, fn: FunctionInfo, source: InputSource, engine: EagerEngine, file: string): TapeOutcome {
  return engine.tidy(() => {
    const captured = captureInputs(parsed, fn, source, { file, modules: torchModules(engine) });
    if (!captured.ok) return { ok: false, message: formatError(captured.error) };
    const interp = captured.inputs.interpreter;
    try {
      const torch = interp.importModule('torch');
      const leafTensors = new Map<string, PyTensor>();
      const args = [...captured.inputs.values].map(([name, value]) => {
        const leaf = asLeaf(interp, torch, value);
        if (leaf) leafTensors.set(name, leaf);
        return leaf ?? value;
      });
      const result = engine.withGradMode(true, () => interp.call(captured.inputs.fn, args));
      if (!(result instanceof PyTensor) || !result.t.requiresGrad) {
        return { ok: false, message: `${file}:${fn.nameSpan.line}:${fn.nameSpan.col}: error: ${fn.name}() returned ${interp.repr(result)}, which has no autograd graph; return a tensor computed from float arguments` };
      }
      const tape = exportTape([result.t]);
      // The leaf nodes by the parameter they stand for, so the printed graph names them.
      const leaves = new Map<string, string>();
      for (const [name, leaf] of leafTensors) {
        const node = exportTape([leaf.t]).outputs[0];
        if (node) leaves.set(node, name);
      }
      return { ok: true, tape, leaves };
    } catch (e) {
      return { ok: false, message: formatError(scriptError(interp, e, file)) };
    }
  });
}

function asLeaf(interp: Interpreter, torch: PyValue, value: PyValue): PyTensor | null {
  const kw = new Map<string, PyValue>([['requires_grad', true]]);
  if (typeof value === 'number') return interp.call(getattr(torch, 'tensor', interp), [value], kw) as PyTensor;
  if (value instanceof PyTensor && (value.t.dtype === 'float32' || value.t.dtype === 'float64')) {
    const copy = interp.call(getattr(value, 'detach', interp), []);
    return interp.call(getattr(copy, 'requires_grad_', interp), []) as PyTensor;
  }
  return null;
}
