/**
 * Capturing a function's example inputs by running the script: up to the call
 * the analyzer found (the values the arguments have there), or up to the `def`
 * (its defaults, or the `# gradlens:` comment evaluated in the script's globals).
 * The returned interpreter stays usable: call the function again through it.
 */
import type { FunctionInfo, InputSource } from './analysis';
import { PyError, pyError, StopRun, type Interpreter, PyFunction, type Kwargs, type PyValue } from './interpreter';
import type { ParseResult } from './syntax';
import { scriptError, scriptInterpreter, syntaxError, unsupportedSyntax, type RunOptions, type ScriptError } from './run';

export interface CapturedInputs {
  readonly source: InputSource['kind'];
  /** The function as the script defines it (after decorators). */
  readonly fn: PyValue;
  /** Each parameter's value, defaults included, in parameter order. */
  readonly values: ReadonlyMap<string, PyValue>;
  /** The interpreter the script ran in, stopped at the capture; call the function through it. */
  readonly interpreter: Interpreter;
  /** What the script printed before the capture. */
  readonly output: string;
}

export type CaptureResult = { readonly ok: true; readonly inputs: CapturedInputs } | { readonly ok: false; readonly error: ScriptError; readonly output: string };

export function captureInputs(parsed: ParseResult, fn: FunctionInfo, source: InputSource, options: RunOptions = {}): CaptureResult {
  const file = options.file ?? null;
  const refused = syntaxError(parsed, file) ?? unsupportedSyntax(parsed, file);
  if (refused) return { ok: false, error: refused, output: '' };
  let output = '';
  let captured: { fn: PyValue; args: readonly PyValue[]; kwargs: Kwargs } | null = null;
  // The function object the def made, before decorators: its defaults are the values to bind.
  let defined: PyFunction | null = null;
  const interp = scriptInterpreter(options, (text) => void (output += text), {
    source: parsed.source,
    onDefine: (f) => {
      if (f.node === fn.node) defined = f;
    },
    onCall:
      source.kind === 'call'
        ? (f, args, kwargs, call) => {
            if (call === source.call) {
              captured = { fn: f, args, kwargs };
              throw new StopRun();
            }
          }
        : undefined,
  });
  const fail = (e: unknown): CaptureResult => ({ ok: false, error: scriptError(interp, e, file), output });
  const topLevel = parsed.module.body.find((s) => s.span.from <= fn.node.span.from && s.span.to >= fn.node.span.to);
  try {
    interp.runModule(parsed.module, source.kind === 'call' ? undefined : topLevel);
  } catch (e) {
    if (!(e instanceof StopRun)) return fail(e);
  }
  try {
    if (source.kind === 'call') {
      const c = captured as { fn: PyValue; args: readonly PyValue[]; kwargs: Kwargs } | null;
      if (!c) {
        const err = pyError('RuntimeError', `the script never reached the call of ${fn.name}() on line ${source.span.line}`);
        err.exc.span = source.span;
        err.exc.bareMessage = true;
        throw err;
      }
      // The arguments bind to the def's own parameters, also when a decorator's wrapper is what the call reaches.
      const target = (defined as PyFunction | null) ?? (c.fn instanceof PyFunction ? c.fn : null);
      if (!target) {
        const err = pyError('RuntimeError', `${fn.qualname}() was not defined when the script reached line ${source.span.line}`);
        err.exc.span = source.span;
        err.exc.bareMessage = true;
        throw err;
      }
      if (source.instance) {
        // `model(x)` for Net.forward: forward itself is what is called, with the instance as self.
        const values = interp.bindArguments(target, [c.fn, ...c.args], c.kwargs);
        interp.resetClock();
        return { ok: true, inputs: { source: 'call', fn: target, values, interpreter: interp, output } };
      }
      const values = interp.bindArguments(target, c.args, c.kwargs);
      interp.resetClock();
      return { ok: true, inputs: { source: 'call', fn: c.fn, values, interpreter: interp, output } };
    }
    const value = interp.globals.get(fn.name);
    const target = defined as PyFunction | null;
    if (!value || !target) {
      const err = pyError('RuntimeError', `${fn.qualname}() is not defined at module level, so its inputs cannot be evaluated`);
      err.exc.span = fn.nameSpan;
      err.exc.bareMessage = true;
      throw err;
    }
    let values: Map<string, PyValue>;
    if (source.kind === 'defaults') values = interp.bindArguments(target, []);
    else {
      const kwargs: Kwargs = new Map();
      const args: PyValue[] = [];
      for (const b of source.bindings) {
        const v = interp.evaluate(b.expr);
        if (b.param === null || !fn.params.some((p) => p.name === b.param)) continue;
        kwargs.set(b.param, v);
      }
      try {
        values = interp.bindArguments(target, args, kwargs);
      } catch (e) {
        if (e instanceof PyError) {
          e.exc.span = source.span;
          e.exc.args = [`the # gradlens: comment does not give every input: ${interp.str(e.exc.args[0] ?? '')}`];
          e.exc.bareMessage = true;
        }
        throw e;
      }
    }
    interp.resetClock();
    return { ok: true, inputs: { source: source.kind, fn: value, values, interpreter: interp, output } };
  } catch (e) {
    return fail(e);
  }
}
