/**
 * A function's arguments as PyTorch would differentiate them: each float or float-tensor argument
 * becomes a fresh leaf with requires_grad (ints stay constants), as evaluation's eager run and the
 * jit engine's traced arguments both take them; a Module argument (a forward's `self`) is
 * differentiated with respect to its parameters, by their names.
 */
import type { Numbers } from '../../../protocol/results';
import { type Interpreter, PyDict, PyInstance, PyList, PyTuple, type PyValue, pyError, getattr, typeName } from '../interpreter';
import { isFloating } from './dtype';
import { moduleState, namedModules, namedTensors } from './nn/module';
import { PyTensor } from './tensor';

/**
 * One float or tensor inside a function's arguments: the argument itself, or an item of a list,
 * tuple or dict argument (`params = [W, b]`), by its path (`params[0]`, `params['W']`).
 */
export interface ArgumentLeaf {
  readonly arg: string;
  readonly path: string;
  readonly value: number | PyTensor;
  /** A parameter of a Module argument (`self` of a forward): differentiated as itself, not a copy. */
  readonly parameter?: boolean;
}

/** A Module argument's parameters by their names (`fc1.weight`); another argument's prefixed with it. */
function moduleParameters(arg: string, v: PyValue): ArgumentLeaf[] | null {
  if (!(v instanceof PyInstance) || !moduleState(v)) return null;
  return namedTensors(v, 'params').map(([name, t]) => ({ arg, path: arg === 'self' ? name : `${arg}.${name}`, value: t, parameter: true }));
}

/** Puts `t` in place of the Module's parameter `name` (`fc1.weight`), as functional_call does; returns the undo. */
function swapParameter(module: PyInstance, name: string, t: PyTensor): () => void {
  const dot = name.lastIndexOf('.');
  const owner = new Map(namedModules(module)).get(dot < 0 ? '' : name.slice(0, dot))!;
  const table = moduleState(owner)!.params;
  const leaf = name.slice(dot + 1);
  const before = table.get(leaf) ?? null;
  table.set(leaf, t);
  return () => table.set(leaf, before);
}

/** The floats and tensors in `values` (inside lists, tuples and dicts too), and a way to put others in their places. */
export function argumentLeaves(interp: Interpreter, values: ReadonlyMap<string, PyValue>): {
  readonly leaves: readonly ArgumentLeaf[];
  /**
   * The arguments with `replace(leaf index, leaf)` in place of each leaf, in fresh containers; a
   * Module's parameters are replaced inside it until `restore` (a tracer of the jit engine).
   */
  rebuild(replace: (k: number, leaf: ArgumentLeaf) => PyValue): PyValue[];
  /** Puts back the parameters `rebuild` replaced inside Modules. */
  restore(): void;
} {
  const leaves: ArgumentLeaf[] = [];
  const walk = (arg: string, path: string, v: PyValue): void => {
    const params = moduleParameters(arg, v);
    if (params) leaves.push(...params);
    else if (typeof v === 'number' || v instanceof PyTensor) leaves.push({ arg, path, value: v });
    else if (v instanceof PyList || v instanceof PyTuple) v.items.forEach((x, i) => walk(arg, `${path}[${i}]`, x));
    else if (v instanceof PyDict) for (const [key, x] of v.entries()) walk(arg, `${path}[${interp.repr(key)}]`, x);
  };
  for (const [name, v] of values) walk(name, name, v);
  const rebuild = (replace: (k: number, leaf: ArgumentLeaf) => PyValue): PyValue[] => {
    let k = 0;
    const build = (v: PyValue): PyValue => {
      if (v instanceof PyInstance && moduleState(v)) {
        // A Module is passed as it is: its parameters are the leaves, replaced inside it.
        for (const [name, param] of namedTensors(v, 'params')) {
          const i = k++;
          const t = replace(i, leaves[i]);
          if (t !== param && t instanceof PyTensor) undo.push(swapParameter(v, name, t));
        }
        return v;
      }
      if (typeof v === 'number' || v instanceof PyTensor) {
        const i = k++;
        return replace(i, leaves[i]);
      }
      if (v instanceof PyList) return new PyList(v.items.map(build));
      if (v instanceof PyTuple) return new PyTuple(v.items.map(build));
      if (v instanceof PyDict) {
        const out = new PyDict();
        for (const [hk, [key, x]] of v.map) out.setByKey(hk, key, build(x));
        return out;
      }
      return v;
    };
    return [...values.values()].map(build);
  };
  const undo: (() => void)[] = [];
  const restore = () => {
    for (const u of undo.splice(0).reverse()) u();
  };
  return { leaves, rebuild, restore };
}

/**
 * What a torch-style function is differentiated with respect to, by leaf path: the float leaves of
 * the parameters `named` (a `# gradlens: wrt=` comment), else the tensors the example inputs made
 * with requires_grad=True, else every float tensor, else every float (plain Python).
 */
export function torchWrt(leaves: readonly ArgumentLeaf[], values: ReadonlyMap<string, PyValue>, named: readonly string[] | null): string[] {
  const float = (l: ArgumentLeaf) => typeof l.value === 'number' || isFloating(l.value.dtype);
  if (named) {
    for (const n of named) {
      if (!leaves.some((l) => l.arg === n && float(l))) {
        const v = values.get(n) ?? null;
        throw pyError('TypeError', `the # gradlens: wrt= comment names '${n}', a ${v instanceof PyTensor ? `${v.dtype} tensor` : typeName(v)}; PyTorch differentiates floats and floating point tensors only`);
      }
    }
    return leaves.filter((l) => named.includes(l.arg) && float(l)).map((l) => l.path);
  }
  const tensors = leaves.filter((l) => l.value instanceof PyTensor && float(l));
  const requiring = tensors.filter((l) => (l.value as PyTensor).t.requiresGrad);
  const floats = leaves.filter((l) => typeof l.value === 'number');
  return (requiring.length > 0 ? requiring : tensors.length > 0 ? tensors : floats).map((l) => l.path);
}

/** The arguments in `values` with each leaf of `wrt` (paths) made a fresh leaf requiring grad; the leaves by path. */
export function leafArguments(interp: Interpreter, values: ReadonlyMap<string, PyValue>, wrt: readonly string[]): { readonly args: PyValue[]; readonly leaves: Map<string, PyTensor> } {
  const torch = interp.importModule('torch');
  const leaves = new Map<string, PyTensor>();
  const found = argumentLeaves(interp, values);
  const args = found.rebuild((_, l) => {
    // A Module's parameter is differentiated as itself: it is a leaf, and the module holds it.
    if (l.parameter) {
      if (wrt.includes(l.path)) leaves.set(l.path, l.value as PyTensor);
      return l.value;
    }
    const leaf = wrt.includes(l.path) ? asLeaf(interp, torch, l.value) : null;
    if (leaf) leaves.set(l.path, leaf);
    return leaf ?? l.value;
  });
  return { args, leaves };
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
export function numbers(interp: Interpreter, v: PyValue): Numbers | string {
  if (typeof v === 'number' || typeof v === 'boolean') return v;
  if (typeof v === 'bigint') return Number(v);
  if (v instanceof PyTensor) return v.t.tolist() as Numbers;
  return interp.repr(v);
}
