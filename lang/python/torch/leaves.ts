/**
 * A function's arguments as PyTorch would differentiate them: each float or float-tensor argument
 * becomes a fresh leaf with requires_grad (ints stay constants), as evaluation's eager run and the
 * jit engine's traced arguments both take them.
 */
import type { Numbers } from '../jax';
import type { Interpreter } from '../interpreter';
import type { PyValue } from '../objects';
import { pyError } from '../exceptions';
import { getattr } from '../ops';
import { typeName } from '../types';
import { isFloating } from './dtype';
import { PyTensor } from './tensor';

/**
 * What a torch-style function is differentiated with respect to: the parameters `named` (a
 * `# gradlens: wrt=` comment), else the tensors the example inputs made with requires_grad=True,
 * else every float tensor argument, else every float argument (plain Python).
 */
export function torchWrt(values: ReadonlyMap<string, PyValue>, named: readonly string[] | null): string[] {
  const entries = [...values];
  const floatTensor = (v: PyValue) => v instanceof PyTensor && isFloating(v.dtype);
  if (named) {
    for (const n of named) {
      const v = values.get(n) ?? null;
      if (!(typeof v === 'number' || floatTensor(v))) {
        throw pyError('TypeError', `the # gradlens: wrt= comment names '${n}', a ${v instanceof PyTensor ? `${v.dtype} tensor` : typeName(v)}; PyTorch differentiates floats and floating point tensors only`);
      }
    }
    return [...named];
  }
  const requiring = entries.filter(([, v]) => floatTensor(v) && (v as PyTensor).t.requiresGrad);
  const tensors = entries.filter(([, v]) => floatTensor(v));
  const floats = entries.filter(([, v]) => typeof v === 'number');
  return (requiring.length > 0 ? requiring : tensors.length > 0 ? tensors : floats).map(([n]) => n);
}

/** The arguments in `values` with each of `wrt` made a fresh leaf requiring grad; the leaves by parameter name. */
export function leafArguments(interp: Interpreter, values: ReadonlyMap<string, PyValue>, wrt: readonly string[]): { readonly args: PyValue[]; readonly leaves: Map<string, PyTensor> } {
  const torch = interp.importModule('torch');
  const leaves = new Map<string, PyTensor>();
  const args: PyValue[] = [];
  for (const [name, value] of values) {
    const leaf = wrt.includes(name) ? asLeaf(interp, torch, value) : null;
    if (leaf) leaves.set(name, leaf);
    args.push(leaf ?? value);
  }
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
