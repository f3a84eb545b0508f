/**
 * A JAX-style function at its example inputs, for the command line and the editor: its traced
 * jaxprs (of the function, its gradient, its value and gradient) and its arguments as arrays on
 * the backend. evaluation/ runs those jaxprs on both engines (see jax_run.ts).
 */
import type { Numbers } from '../../../protocol/results';
import { isFloat, type DType } from '../../../runtime/core';
import type { Backend, DeviceArray } from '../../../runtime/backends';
import { isVar, type Jaxpr, type Var } from '../../../runtime/ir';
import { dce, Tracer } from '../../../runtime/jit';
import type { FunctionInfo, InputSource } from '../analysis';
import { captureInputs } from '../inputs';
import { type AssignListener, type Interpreter, type Budgets, type CancelSignal, type ModuleRegistry, PyDict, PyList, PyTuple, type PyValue, getattr, pyError } from '../interpreter';
import type { ParseResult } from '../syntax';
import { scriptError } from '../run';
import { namesOfConstants, noFloatArgument, plainFloats, valueAndSummedGradJaxpr, type FunctionAt, type Outcome } from '../staging';
import { PyArray } from './array';
import { jaxSession } from './module';
import { jaxMath } from './lifted_math';
import { flattenWithPathPy, isPyLeaf, keyEntryStr } from './pytree';
import { ClosedJaxprObject, Transformed } from './transforms';

export interface JaxFunctionOptions {
  readonly file: string;
  /** Other module shims the script may import (torch), beside jax and numpy. */
  readonly modules?: ModuleRegistry;
  readonly budgets?: Partial<Budgets>;
  readonly signal?: CancelSignal;
  /** A plain-Python function: `math` applies jax.numpy's functions to its traced floats. */
  readonly plain?: boolean;
  /** The parameters a `# gradlens: wrt=` comment names; else by `convention`. */
  readonly wrt?: readonly string[] | null;
  /** `first`: the first argument, as jax.grad; `floats`: every argument with a float in it (numpy, plain Python). */
  readonly convention?: 'first' | 'floats';
  /** Hears the assignments of the script as it runs up to the example inputs (the editor's record of its top-level loops). */
  readonly onAssign?: AssignListener;
}

/** Runs the script up to `fn`'s example inputs, with the jax shims over `backend`. */
export function jaxFunctionAt(parsed: ParseResult, fn: FunctionInfo, source: InputSource, backend: Backend, options: JaxFunctionOptions): Outcome<FunctionAt> {
  const session = jaxSession(backend, { source: parsed.source, tracesNumpyCode: options.convention === 'floats' });
  // A plain-Python function's `math` applies jax.numpy's functions to its traced floats, not to arrays passed in.
  let calling = false;
  const math: ModuleRegistry = options.plain ? { math: jaxMath(session, () => calling) } : {};
  const captured = captureInputs(parsed, fn, source, {
    file: options.file, modules: { ...options.modules, ...session.modules, ...math }, budgets: options.budgets, signal: options.signal,
    ...(options.onAssign ? { onAssign: options.onAssign } : {}),
  });
  if (!captured.ok) {
    session.dispose();
    return { ok: false, error: captured.error };
  }
  const interp = captured.inputs.interpreter;
  interp.onAssign = null;
  const names = [...captured.inputs.values.keys()];
  const args = [...captured.inputs.values.values()];
  const fun = captured.inputs.fn;
  calling = plainFloats(captured.inputs.values);
  const guard = <T>(body: () => T): Outcome<T> => {
    try {
      return { ok: true, value: body() };
    } catch (e) {
      return { ok: false, error: scriptError(interp, e, options.file) };
    }
  };
  // A jit's static arguments keep the example call's values: they are part of the function, not inputs.
  const statics = fun instanceof Transformed ? fun.staticPositions.filter((i) => i < args.length) : [];
  const flat = guard(() => args.map((a, i) => (statics.includes(i) ? [] : flatArgument(names[i], a, interp))));
  if (!flat.ok) {
    session.dispose();
    return flat;
  }
  const leaves = flat.value.flat();
  const differentiated = guard(() => differentiatedArguments(fn, captured.inputs.values, flat.value, options));
  if (!differentiated.ok) {
    session.dispose();
    return differentiated;
  }
  const wrtInvars = leaves.flatMap((l, k) => (differentiated.value.includes(l.arg) && l.float ? [k] : []));
  const jax = () => interp.importModule('jax');
  let forward: Jaxpr | null = null;
  // What each assignment left in its name while tracing: a var of the trace, heard once (or more, in a loop).
  const assigned = new Map<string, { count: number; var: Var | null }>();
  const traced = (): Jaxpr => {
    if (forward) return forward;
    const staticArgnums = new Map<string, PyValue>([['static_argnums', new PyTuple(statics.map(BigInt))]]);
    interp.onAssign = (_, value, at) => {
      const key = `${at.line}:${at.col}`;
      const site = assigned.get(key) ?? { count: 0, var: null };
      site.count++;
      site.var = value instanceof PyArray && value.v instanceof Tracer && isVar(value.v.atom) ? value.v.atom : null;
      assigned.set(key, site);
    };
    let closed: PyValue;
    try {
      closed = session.tracedByGradlens(() => interp.call(interp.call(getattr(jax(), 'make_jaxpr', interp), [fun], staticArgnums), args));
    } finally {
      interp.onAssign = null;
    }
    forward = (closed as ClosedJaxprObject).jaxpr;
    if (forward.invars.length !== leaves.length) throw new TypeError(`${fn.name}(): the jit engine takes numbers, arrays and tuples, lists and dicts of them as arguments`);
    return forward;
  };
  const valueAndGrad = (): Jaxpr => {
    if (wrtInvars.length === 0) throw noFloatArgument(fn, captured.inputs.values, 'jax');
    return valueAndSummedGradJaxpr(traced(), wrtInvars);
  };
  const inputs = Object.fromEntries(names.map((n, i) => [n, numbers(interp, args[i])]));
  return {
    ok: true,
    value: {
      inputs,
      inputDtypes: Object.fromEntries(names.flatMap((n, i) => { const a = args[i]; return a instanceof PyArray ? [[n, a.dtype]] : []; })),
      wrt: wrtInvars.map((k) => leaves[k].path),
      wrtInvars,
      invarNames: leaves.map((l) => l.path),
      jaxpr: (grad) => guard(() => {
        if (!grad) return traced();
        const vg = valueAndGrad();
        return dce({ ...vg, outvars: vg.outvars.slice(1) });
      }),
      valueAndGradJaxpr: () => guard(valueAndGrad),
      argumentArrays: (invars) => guard(() => argumentArrays(leaves, invars, backend, fn.name)),
      constantNames: (jaxpr) => namesOfConstants(jaxpr, interp.globals, (v) => (v instanceof PyArray && !(v.v instanceof Tracer) ? v.v : null)),
      record: (listen) => guard(() => {
        interp.onAssign = listen;
        try {
          interp.call(fun, args);
        } finally {
          interp.onAssign = null;
        }
        return null;
      }),
      // NB: a loop's name holds its last iteration's var, as the name holds the last value.
      tracedAssignments: () => new Map([...assigned].flatMap(([key, site]) => (site.var ? [[key, site.var] as const] : []))),
      dispose: () => session.dispose(),
    },
  };
}

/** One leaf of an argument's pytree, in JAX's order: its path (`params[0]`, `params['w']`), value, and whether it is a float. */
interface ArgumentLeaf {
  readonly arg: string;
  readonly path: string;
  readonly value: PyValue;
  readonly float: boolean;
}

function flatArgument(name: string, value: PyValue, ctx: Interpreter): ArgumentLeaf[] {
  if (!(value instanceof PyTuple || value instanceof PyList || value instanceof PyDict || isPyLeaf(value))) return [];
  const [paths, values] = flattenWithPathPy(value, ctx);
  return values.map((v, i) => ({ arg: name, path: name + paths[i].map((k) => keyEntryStr(k, ctx)).join(''), value: v, float: isFloatArg(v) }));
}

/**
 * The arguments a JAX-style function is differentiated with respect to: those a `# gradlens:
 * wrt=` comment names; else, as `jax.grad(f)` (argnums=0), the first argument, a whole pytree;
 * numpy code (HIPS autograd's or plain) every argument with a float in it.
 */
function differentiatedArguments(fn: FunctionInfo, values: ReadonlyMap<string, PyValue>, flat: readonly ArgumentLeaf[][], options: JaxFunctionOptions): readonly string[] {
  const names = [...values.keys()];
  const hasFloat = (i: number) => flat[i].some((l) => l.float);
  const refuse = (message: string) => {
    const err = pyError('TypeError', message);
    err.exc.span = fn.nameSpan;
    err.exc.bareMessage = true;
    return err;
  };
  if (options.wrt) {
    const none = options.wrt.filter((n) => !hasFloat(names.indexOf(n)));
    if (none.length > 0) throw refuse(`the # gradlens: wrt= comment names ${none.map((n) => `'${n}'`).join(', ')}, with no float in it; jax.grad differentiates float arrays and floats only`);
    return options.wrt;
  }
  if (options.convention === 'floats') return names.filter((_, i) => hasFloat(i));
  if (names.length === 0) return [];
  if (!hasFloat(0)) {
    throw refuse(`${fn.name}() is differentiated with respect to its first argument '${names[0]}', as jax.grad does (argnums=0), but it holds no float; `
      + `pass floats (${names[0]}=${typeof values.get(names[0]) === 'bigint' ? `${values.get(names[0])}.0` : '2.0'}) or name the arguments to differentiate in a '# gradlens: wrt=${names.find((_, i) => hasFloat(i)) ?? 'x'}' comment above the def`);
  }
  return [names[0]];
}

/** The arguments' flat leaves on `backend`, one per invar; numbers are uploaded with the invar's dtype. */
function argumentArrays(leaves: readonly ArgumentLeaf[], invars: Jaxpr['invars'], backend: Backend, name: string): { arrays: DeviceArray[]; release(): void } {
  const made: DeviceArray[] = [];
  const release = () => {
    for (const a of made) backend.dispose(a);
  };
  try {
    if (leaves.length !== invars.length) throw new TypeError(`${name}(): the jit engine takes numbers, arrays and tuples, lists and dicts of them as arguments`);
    return { arrays: leaves.map((l, i) => leafArray(l.value, backend, invars[i].aval.dtype, made)), release };
  } catch (e) {
    release();
    throw e;
  }
}

function isFloatArg(v: PyValue): boolean {
  if (typeof v === 'number') return true;
  return v instanceof PyArray && isFloat(v.dtype);
}

/** A leaf as a device array: a concrete array on `backend` as it is, a Python number uploaded with the invar's dtype. */
function leafArray(v: PyValue, backend: Backend, dtype: DType, made: DeviceArray[]): DeviceArray {
  if (typeof v === 'number') return upload(backend, v, dtype, made);
  if (typeof v === 'bigint') return upload(backend, Number(v), dtype, made);
  if (typeof v === 'boolean') return upload(backend, v ? 1 : 0, dtype, made);
  if (v instanceof PyArray && !v.traced) {
    const a = v.v as DeviceArray;
    if (a.backend === backend.name) return a;
  }
  throw new TypeError(`the jit engine cannot take an argument of this kind; pass numbers, lists or jax arrays`);
}

function upload(backend: Backend, x: number, dtype: DType, made: DeviceArray[]): DeviceArray {
  const a = backend.upload([x], { shape: [], dtype });
  made.push(a);
  return a;
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
