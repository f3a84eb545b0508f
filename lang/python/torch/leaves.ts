/**
 * A function's value and gradient at its example inputs, computed the way PyTorch would: each
 * float or float-tensor argument becomes a leaf with requires_grad, the function runs eagerly,
 * and backward() fills the leaves' gradients. The CLI's `grad` and the language server use it.
 */
import type { EagerEngine } from '../../../runtime/eager';
import type { FunctionInfo, InputSource } from '../analyze';
import { captureInputs } from '../inputs';
import type { Budgets, CancelSignal, Interpreter } from '../interpreter';
import type { PyValue } from '../objects';
import { getattr } from '../ops';
import type { ParseResult } from '../parse';
import { scriptError, type ScriptError } from '../run';
import { torchModules } from './module';
import { PyTensor } from './tensor';

export type JsonNumbers = number | boolean | JsonNumbers[];

export interface GradientReport {
  readonly function: string;
  readonly line: number;
  /** Where the inputs came from. */
  readonly source: InputSource['kind'];
  /** Every argument, as numbers (tensors as nested lists); non-numeric ones as their Python repr. */
  readonly inputs: Readonly<Record<string, JsonNumbers | string>>;
  readonly value: JsonNumbers;
  /** The gradient for each float or float-tensor argument. */
  readonly grad: Readonly<Record<string, JsonNumbers>>;
  /** Wall time of the forward and backward pass, in milliseconds. */
  readonly ms: number;
}

export type GradientOutcome = { readonly ok: true; readonly report: GradientReport } | { readonly ok: false; readonly error: ScriptError };

/** A function called once at its example inputs, each float (tensor) argument made a leaf requiring grad. */
export interface LeafCall {
  readonly interpreter: Interpreter;
  /** Every argument as the script gave it, in parameter order. */
  readonly inputs: ReadonlyMap<string, PyValue>;
  /** The leaves, by parameter name. */
  readonly leaves: ReadonlyMap<string, PyTensor>;
  readonly result: PyValue;
  /** Wall time of the call, in milliseconds. */
  readonly ms: number;
}

export type LeafCallOutcome = { readonly ok: true; readonly call: LeafCall } | { readonly ok: false; readonly error: ScriptError };

export interface LeafCallOptions {
  readonly file: string;
  readonly budgets?: Partial<Budgets>;
  readonly signal?: CancelSignal;
}

/**
 * Runs the script up to `fn`'s example inputs and calls `fn` with grad mode on. Call it inside
 * `engine.tidy`: the tensors it makes live until that scope ends. `then` runs while the
 * interpreter can still turn an exception into a script error at the right line.
 */
export function callWithLeaves<R>(
  parsed: ParseResult, fn: FunctionInfo, source: InputSource, engine: EagerEngine, options: LeafCallOptions,
  then: (call: LeafCall) => R,
): { readonly ok: true; readonly value: R } | { readonly ok: false; readonly error: ScriptError } {
  const { file } = options;
  const captured = captureInputs(parsed, fn, source, { file, modules: torchModules(engine), budgets: options.budgets, signal: options.signal });
  if (!captured.ok) return { ok: false, error: captured.error };
  const interp = captured.inputs.interpreter;
  try {
    return { ok: true, value: then(leafCall(interp, captured.inputs.fn, captured.inputs.values, engine)) };
  } catch (e) {
    return { ok: false, error: scriptError(interp, e, file) };
  }
}

/** The arguments in `values` with each float (tensor) made a fresh leaf requiring grad; the leaves by parameter name. */
export function leafArguments(interp: Interpreter, values: ReadonlyMap<string, PyValue>): { readonly args: PyValue[]; readonly leaves: Map<string, PyTensor> } {
  const torch = interp.importModule('torch');
  const leaves = new Map<string, PyTensor>();
  const args: PyValue[] = [];
  for (const [name, value] of values) {
    const leaf = asLeaf(interp, torch, value);
    if (leaf) leaves.set(name, leaf);
    args.push(leaf ?? value);
  }
  return { args, leaves };
}

/** Calls `fn` through `interp` with grad mode on, each float (tensor) argument in `values` made a fresh leaf. */
export function leafCall(interp: Interpreter, fn: PyValue, values: ReadonlyMap<string, PyValue>, engine: EagerEngine): LeafCall {
  const { args, leaves } = leafArguments(interp, values);
  const started = performance.now();
  const result = engine.withGradMode(true, () => interp.call(fn, args));
  const ms = performance.now() - started;
  return { interpreter: interp, inputs: values, leaves, result, ms };
}

/** The value of a leaf call and, by backward(), each leaf's gradient (zeros where it got none); `ms` adds the backward pass. */
export function differentiate(call: LeafCall, name: string): { value: JsonNumbers; grad: Record<string, JsonNumbers>; ms: number } {
  const { interpreter: interp, result, leaves } = call;
  if (!(result instanceof PyTensor) && typeof result !== 'number') {
    throw new TypeError(`${name}() returned ${interp.repr(result)}, not a number or a tensor; Gradlens differentiates functions that return one`);
  }
  const started = performance.now();
  if (result instanceof PyTensor && result.t.requiresGrad) interp.call(getattr(result, 'backward', interp), []);
  const ms = call.ms + performance.now() - started;
  const grad: Record<string, JsonNumbers> = {};
  for (const [leafName, leaf] of leaves) {
    const g = leaf.t.grad;
    grad[leafName] = g ? (g.tolist() as JsonNumbers) : zerosLike(leaf.t.tolist() as JsonNumbers);
  }
  return { value: numbers(interp, result) as JsonNumbers, grad, ms };
}

export function gradientAt(parsed: ParseResult, fn: FunctionInfo, source: InputSource, engine: EagerEngine, file: string): GradientOutcome {
  return engine.tidy(() => {
    const outcome = callWithLeaves(parsed, fn, source, engine, { file }, (call) => {
      const { value, grad, ms } = differentiate(call, fn.name);
      const inputs: Record<string, JsonNumbers | string> = {};
      for (const [name, v] of call.inputs) inputs[name] = numbers(call.interpreter, v);
      const report: GradientReport = { function: fn.qualname, line: fn.nameSpan.line, source: source.kind, inputs, value, grad, ms };
      return report;
    });
    return outcome.ok ? { ok: true, report: outcome.value } : outcome;
  });
}

/** A fresh leaf requiring grad for a float or a float tensor; null for anything else (ints stay constants). */
function asLeaf(interp: Interpreter, torch: PyValue, value: PyValue): PyTensor | null {
  const kw = new Map<string, PyValue>([['requires_grad', true]]);
  if (typeof value === 'number') return interp.call(getattr(torch, 'tensor', interp), [value], kw) as PyTensor;
  if (value instanceof PyTensor && (value.t.dtype === 'float32' || value.t.dtype === 'float64')) {
    const copy = interp.call(getattr(value, 'detach', interp), []);
    return interp.call(getattr(copy, 'requires_grad_', interp), []) as PyTensor;
  }
  return null;
}

/** A Python value as JSON numbers (a tensor as nested lists); anything else as its repr. */
export function numbers(interp: Interpreter, v: PyValue): JsonNumbers | string {
  if (typeof v === 'number' || typeof v === 'boolean') return v;
  if (typeof v === 'bigint') return Number(v);
  if (v instanceof PyTensor) return v.t.tolist() as JsonNumbers;
  return interp.repr(v);
}

function zerosLike(v: JsonNumbers): JsonNumbers {
  return Array.isArray(v) ? v.map(zerosLike) : 0;
}
