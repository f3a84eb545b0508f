/**
 * A function's arguments as PyTorch would differentiate them: each float or float-tensor argument
 * becomes a fresh leaf with requires_grad (ints stay constants), as evaluation's eager run and the
 * jit engine's traced arguments both take them.
 */
import type { Numbers } from '../../../protocol/results';
import { type Interpreter, PyDict, PyList, PyTuple, type PyValue, pyError, getattr, typeName } from '../interpreter';
import { isFloating } from './dtype';
import { PyTensor } from './tensor';

/**
 * One float or tensor inside a function's arguments: the argument itself, or an item of a list,
 * tuple or dict argument (`params = [W, b]`), by its path (`params[0]`, `params['W']`).
 */
export interface ArgumentLeaf {
  readonly arg: string;
  readonly path: string;
  readonly value: number | PyTensor;
}

/** The floats and tensors in `values` (inside lists, tuples and dicts too), and a way to put others in their places. */
export function argumentLeaves(interp: Interpreter, values: ReadonlyMap<string, PyValue>): {
  readonly leaves: readonly ArgumentLeaf[];
  /** The arguments with `replace(leaf index, leaf)` in place of each leaf, in fresh containers. */
  rebuild(replace: (k: number, leaf: ArgumentLeaf) => PyValue): PyValue[];
} {
  const leaves: ArgumentLeaf[] = [];
  const walk = (arg: string, path: string, v: PyValue): void => {
    if (typeof v === 'number' || v instanceof PyTensor) leaves.push({ arg, path, value: v });
    else if (v instanceof PyList || v instanceof PyTuple) v.items.forEach((x, i) => walk(arg, `${path}[${i}]`, x));
    else if (v instanceof PyDict) for (const [key, x] of v.entries()) walk(arg, `${path}[${interp.repr(key)}]`, x);
  };
  for (const [name, v] of values) walk(name, name, v);
  const rebuild = (replace: (k: number, leaf: ArgumentLeaf) => PyValue): PyValue[] => {
    let k = 0;
    const build = (v: PyValue): PyValue => {
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
  return { leaves, rebuild };
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
  const args = argumentLeaves(interp, values).rebuild((_, l) => {
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
