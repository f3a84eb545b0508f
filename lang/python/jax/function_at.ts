/**
 * A JAX-style function at its example inputs, for the command line and the editor: its traced
 * jaxprs (of the function, its gradient, its value and gradient) and its arguments as arrays on
 * the backend. evaluation/ runs those jaxprs on both engines (see jax_run.ts).
 */
import { isFloat, type DType } from '../../../runtime/core';
import type { Backend, DeviceArray } from '../../../runtime/backends';
import type { Jaxpr } from '../../../runtime/ir';
import type { FunctionInfo, InputSource } from '../analyze';
import { captureInputs } from '../inputs';
import type { Interpreter } from '../interpreter';
import type { Budgets, CancelSignal } from '../interpreter';
import type { ModuleRegistry } from '../modules';
import { PyList, PyTuple, type PyValue } from '../objects';
import { getattr } from '../ops';
import type { ParseResult } from '../parse';
import { pyError } from '../exceptions';
import { scriptError, type ScriptError } from '../run';
import { PyArray } from './array';
import { jaxSession } from './module';
import { ClosedJaxprObject } from './transforms';

export type Numbers = number | boolean | Numbers[];

export type Outcome<T> = { readonly ok: true; readonly value: T } | { readonly ok: false; readonly error: ScriptError };

export interface JaxFunctionAt {
  /** Every argument as numbers (arrays as nested lists); anything else as its Python repr. */
  readonly inputs: Readonly<Record<string, Numbers | string>>;
  /** The arguments differentiated: floats and float arrays. */
  readonly wrt: readonly string[];
  /** The traced jaxpr of the function, or with `grad` of its gradient w.r.t. `wrt`. */
  jaxpr(grad: boolean): Outcome<Jaxpr>;
  /** The traced jaxpr of `value_and_grad` w.r.t. `wrt`: outputs the value, then each gradient. */
  valueAndGradJaxpr(): Outcome<Jaxpr>;
  /** The arguments as arrays on the backend, one per invar of the traced jaxprs; `release` frees the uploads. */
  argumentArrays(invars: Jaxpr['invars']): Outcome<{ readonly arrays: readonly DeviceArray[]; release(): void }>;
  /** Frees the arrays the run made. */
  dispose(): void;
}

export interface JaxFunctionOptions {
  readonly file: string;
  /** Other module shims the script may import (torch), beside jax and numpy. */
  readonly modules?: ModuleRegistry;
  readonly budgets?: Partial<Budgets>;
  readonly signal?: CancelSignal;
}

/** Runs the script up to `fn`'s example inputs, with the jax shims over `backend`. */
export function jaxFunctionAt(parsed: ParseResult, fn: FunctionInfo, source: InputSource, backend: Backend, options: JaxFunctionOptions): Outcome<JaxFunctionAt> {
  const session = jaxSession(backend, { source: parsed.source });
  const captured = captureInputs(parsed, fn, source, {
    file: options.file, modules: { ...options.modules, ...session.modules }, budgets: options.budgets, signal: options.signal,
  });
  if (!captured.ok) {
    session.dispose();
    return { ok: false, error: captured.error };
  }
  const interp = captured.inputs.interpreter;
  const names = [...captured.inputs.values.keys()];
  const args = [...captured.inputs.values.values()];
  const fun = captured.inputs.fn;
  const wrtIdx = args.flatMap((a, i) => (isFloatArg(a) ? [i] : []));
  const wrt = wrtIdx.map((i) => names[i]);
  const guard = <T>(body: () => T): Outcome<T> => {
    try {
      return { ok: true, value: body() };
    } catch (e) {
      return { ok: false, error: scriptError(interp, e, options.file) };
    }
  };
  const jax = () => interp.importModule('jax');
  const argnums = () => new Map<string, PyValue>([['argnums', new PyTuple(wrtIdx.map(BigInt))]]);
  const transformed = (name: 'grad' | 'value_and_grad') => {
    if (wrtIdx.length === 0) throw noFloatArgument(fn, captured.inputs.values, 'jax');
    return interp.call(getattr(jax(), name, interp), [fun], argnums());
  };
  const traced = (f: PyValue): Jaxpr => {
    const closed = interp.call(interp.call(getattr(jax(), 'make_jaxpr', interp), [f]), args);
    return (closed as ClosedJaxprObject).jaxpr;
  };
  const inputs = Object.fromEntries(names.map((n, i) => [n, numbers(interp, args[i])]));
  return {
    ok: true,
    value: {
      inputs,
      wrt,
      jaxpr: (grad) => guard(() => traced(grad ? transformed('grad') : fun)),
      valueAndGradJaxpr: () => guard(() => traced(transformed('value_and_grad'))),
      argumentArrays: (invars) => guard(() => argumentArrays(args, invars, backend, fn.name)),
      dispose: () => session.dispose(),
    },
  };
}

/** The arguments' flat leaves on `backend`, one per invar; numbers are uploaded with the invar's dtype. */
function argumentArrays(args: readonly PyValue[], invars: Jaxpr['invars'], backend: Backend, name: string): { arrays: DeviceArray[]; release(): void } {
  const made: DeviceArray[] = [];
  const release = () => {
    for (const a of made) backend.dispose(a);
  };
  try {
    const leaves = args.flatMap((a) => leafArrays(a, backend, made));
    if (leaves.length !== invars.length) throw new TypeError(`${name}(): the jit engine takes numbers, lists and arrays as arguments`);
    return { arrays: leaves.map((l, i) => (typeof l === 'number' ? upload(backend, l, invars[i].aval.dtype, made) : l)), release };
  } catch (e) {
    release();
    throw e;
  }
}

function isFloatArg(v: PyValue): boolean {
  if (typeof v === 'number') return true;
  return v instanceof PyArray && isFloat(v.dtype);
}

/** The flat leaves of an argument in JAX's pytree order: device arrays, or numbers still to upload. */
function leafArrays(v: PyValue, backend: Backend, made: DeviceArray[]): (DeviceArray | number)[] {
  if (typeof v === 'number') return [v];
  if (typeof v === 'bigint') return [Number(v)];
  if (typeof v === 'boolean') return [v ? 1 : 0];
  if (v instanceof PyList || v instanceof PyTuple) return v.items.flatMap((x) => leafArrays(x, backend, made));
  if (v instanceof PyArray && !v.traced) {
    const a = v.v as DeviceArray;
    if (a.backend === backend.name) return [a];
  }
  throw new TypeError(`the jit engine cannot take an argument of this kind; pass numbers, lists or jax arrays`);
}

function upload(backend: Backend, x: number, dtype: DType, made: DeviceArray[]): DeviceArray {
  const a = backend.upload([x], { shape: [], dtype });
  made.push(a);
  return a;
}

/**
 * The refusal of a function with no float argument to differentiate, placed at its name. An int
 * argument is named with the float to pass instead: gradients are of floats only, as jax.grad
 * (`grad requires real- or complex-valued inputs`) and PyTorch (`only Tensors of floating point
 * dtype can require gradients`) refuse integers.
 */
export function noFloatArgument(fn: FunctionInfo, values: ReadonlyMap<string, PyValue>, library: 'jax' | 'torch'): Error {
  const ints = [...values].filter((e): e is [string, bigint] => typeof e[1] === 'bigint');
  const refuses = library === 'jax' ? 'jax.grad refuses integer inputs, as JAX does' : 'PyTorch differentiates floating point tensors only';
  const why = ints.length > 0
    ? `: ${ints.map(([n, v]) => `${n}=${v}`).join(', ')} ${ints.length === 1 ? 'is an int' : 'are ints'} and ${refuses}; pass ${ints.map(([n, v]) => `${n}=${v}.0`).join(', ')}`
    : '; pass a float or a float array';
  const err = pyError('TypeError', `${fn.name}() has no float argument to differentiate${why}`);
  err.exc.span = fn.nameSpan;
  err.exc.bareMessage = true;
  return err;
}

/** Flat values as nested lists of `shape`, as `tolist()` gives them (booleans where `bool`). */
export function nest(flat: ArrayLike<number>, shape: readonly number[], bool = false): Numbers {
  const at = (i: number): Numbers => (bool ? flat[i] !== 0 : flat[i]);
  const build = (offset: number, dims: readonly number[]): Numbers => {
    if (dims.length === 0) return at(offset);
    const [n, ...rest] = dims;
    const size = rest.reduce((a, b) => a * b, 1);
    return Array.from({ length: n }, (_, i) => build(offset + i * size, rest));
  };
  return build(0, shape);
}

/** A Python value as JSON numbers; an array through its `tolist()`; anything else as its repr. */
function numbers(interp: Interpreter, v: PyValue): Numbers | string {
  if (typeof v === 'number' || typeof v === 'boolean') return v;
  if (typeof v === 'bigint') return Number(v);
  if (v instanceof PyArray) return numbers(interp, interp.call(getattr(v, 'tolist', interp), []));
  if (v instanceof PyList || v instanceof PyTuple) {
    const items = v.items.map((x) => numbers(interp, x));
    if (items.every((x) => typeof x !== 'string')) return items as Numbers[];
  }
  return interp.repr(v);
}
