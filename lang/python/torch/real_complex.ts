/**
 * The complex-number API on real tensors, as code written for both calls it: `conj()`,
 * `conj_physical()`, `resolve_conj()` and `resolve_neg()` give the tensor itself (PyTorch returns
 * `self` for a real dtype), `is_complex()`, `is_conj()` and `is_neg()` are False. Gradlens's
 * tensors are never complex (dtype.ts refuses complex64 and complex128).
 */
import { bindArgs } from '../interpreter';
import type { Method } from './tensor';

const itself = (name: string): Method => (self, args, kwargs, ctx) => {
  bindArgs(name, [], args, kwargs, ctx);
  return self;
};

const no = (name: string): Method => (_self, args, kwargs, ctx) => {
  bindArgs(name, [], args, kwargs, ctx);
  return false;
};

export const REAL_COMPLEX_METHODS: Readonly<Record<string, Method>> = {
  conj: itself('conj'),
  conj_physical: itself('conj_physical'),
  resolve_conj: itself('resolve_conj'),
  resolve_neg: itself('resolve_neg'),
  is_complex: no('is_complex'),
  is_conj: no('is_conj'),
  is_neg: no('is_neg'),
};

/** Names whose `torch.f(input)` form is the method. */
export const REAL_COMPLEX_FUNCTION_NAMES = Object.keys(REAL_COMPLEX_METHODS);
