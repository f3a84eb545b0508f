/**
 * A function's arguments as PyTorch would differentiate them: each float or float-tensor argument
 * becomes a fresh leaf with requires_grad (ints stay constants), as evaluation's eager run and the
 * jit engine's traced arguments both take them.
 */
import type { Numbers } from '../jax';
import type { Interpreter } from '../interpreter';
import type { PyValue } from '../objects';
import { getattr } from '../ops';
import { PyTensor } from './tensor';

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
