/**
 * What both shims give for a function at its example inputs (FunctionAt), and the pieces both
 * use to stage one: the refusal of a function with nothing to differentiate, value_and_grad of a
 * vector-valued function, the names of captured constants.
 */
import type { Numbers } from '../../../protocol/results';
import type { DeviceArray } from '../../../runtime/backends';
import type { Jaxpr, Var } from '../../../runtime/ir';
import { dce, inline, makeJaxpr, valueAndGradJaxpr } from '../../../runtime/jit';
import type { FunctionInfo } from '../analysis';
import { pyError, HostObject, PyList, PyTuple, type AssignListener, type PyValue } from '../interpreter';
import type { ScriptError } from '../run';

export type Outcome<T> = { readonly ok: true; readonly value: T } | { readonly ok: false; readonly error: ScriptError };

/**
 * A function at its example inputs, staged for the jit engine: torch-style (torch/function_at.ts)
 * and JAX-style (jax/function_at.ts) functions give the same surface, so evaluation/ treats both alike.
 */
export interface FunctionAt {
  /** Every argument as numbers (arrays as nested lists); anything else as its Python repr. */
  readonly inputs: Readonly<Record<string, Numbers | string>>;
  /** Each tensor or array argument's dtype (`float64`): what the verify command builds its inputs in. */
  readonly inputDtypes: Readonly<Record<string, string>>;
  /** What is differentiated, one name a gradient: a parameter, or a leaf of one (`params[0]`, `params['w']`). */
  readonly wrt: readonly string[];
  /** The invars of the forward jaxpr (`jaxpr(false)`) that `wrt` names, in its order. */
  readonly wrtInvars: readonly number[];
  /** Each invar of the forward jaxpr by its argument's name or leaf path. */
  readonly invarNames: readonly string[];
  /** The traced jaxpr of the function, or with `grad` of its gradient w.r.t. `wrt`. */
  jaxpr(grad: boolean): Outcome<Jaxpr>;
  /** The traced jaxpr of `value_and_grad` w.r.t. `wrt`: outputs the value, then each gradient. */
  valueAndGradJaxpr(): Outcome<Jaxpr>;
  /** The arguments as arrays on the backend, one per invar of the traced jaxprs; `release` frees the uploads. */
  argumentArrays(invars: Jaxpr['invars']): Outcome<{ readonly arrays: readonly DeviceArray[]; release(): void }>;
  /** The module-level name each captured constant of `jaxpr` was read from (`features`), or null where none holds it. */
  constantNames(jaxpr: Jaxpr): readonly (string | null)[];
  /**
   * Calls the function once more, concretely (JAX's op-by-op mode), with `listen` hearing its
   * assignments: what the editor shows of each line's value. Torch-style functions are recorded by
   * their eager run instead.
   */
  record?(listen: AssignListener): Outcome<null>;
  /**
   * The variable of the forward jaxpr (`jaxpr(false)`) each assignment of the traced call left in
   * its name (a loop's: the last), by the target's `line:col`: the editor reads
   * their cotangents (the gradient of an intermediate). Jax-style functions only.
   */
  tracedAssignments?(): ReadonlyMap<string, Var>;
  /** Frees the arrays the run made. */
  dispose(): void;
}

/**
 * The global names of a jaxpr's captured constants: a constvar's array is the one a module-level
 * name holds (`arrayOf` reads it off the style's array object), so the graph can say `features`.
 */
export function namesOfConstants(jaxpr: Jaxpr, globals: ReadonlyMap<string, PyValue>, arrayOf: (v: PyValue) => DeviceArray | null): (string | null)[] {
  const byArray = new Map<DeviceArray, string>();
  for (const [name, v] of globals) {
    const a = arrayOf(v);
    if (a && !name.startsWith('_') && !byArray.has(a)) byArray.set(a, name);
  }
  return jaxpr.consts.map((c) => (c.kind === 'device' ? byArray.get(c.array) ?? null : null));
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

/**
 * `value_and_grad` of a traced one-output function w.r.t. its invars `wrt`, as one jaxpr returning
 * (value, gradients...). A non-scalar value's gradient is that of its sum, as PyTorch's
 * `y.backward(torch.ones_like(y))` gives it; the value stays the whole array.
 */
export function valueAndSummedGradJaxpr(f: Jaxpr, wrt: readonly number[]): Jaxpr {
  const y = f.outvars[0]?.aval;
  if (!y || y.shape.length === 0 || f.outvars.length !== 1) return valueAndGradJaxpr(f, wrt);
  const axes = y.shape.map((_, i) => i);
  const summed = makeJaxpr((o, ...xs) => {
    const [out] = inline(o, f, xs);
    return [o.apply('reduce_sum', [out], { axes }), out];
  }, f.invars.map((v) => v.aval));
  const vg = valueAndGradJaxpr(summed, wrt);
  return dce({ ...vg, outvars: vg.outvars.slice(1) });
}

/** Whether a function's arguments are plain Python values (floats, ints, lists of them): no tensor or array among them. */
export function plainFloats(values: ReadonlyMap<string, PyValue>): boolean {
  const plain = (v: PyValue): boolean => (v instanceof PyList || v instanceof PyTuple ? v.items.every(plain) : !(v instanceof HostObject));
  return [...values.values()].every(plain);
}
