/**
 * The scope of each nn.Module call: `model(x)` runs `forward` with the call's scope as the
 * context's op scope, so every op inside records the module it ran in, named as the outermost
 * module's `named_modules()` names it (`encoder.layers.1`), with its class; the module's own
 * parameters are noted as belonging to it (the graph draws them inside its box).
 */
import { openScope, type OpScope } from '../../../../runtime/core';
import type { HostContext, PyInstance, PyValue } from '../../interpreter';
import type { PyTensor, TorchRuntime } from '../tensor';

/** What a module call needs of the module registry (module.ts), passed in to keep the import one way. */
export interface ModuleTree {
  /** `(path, module)` of the module and every module under it, as named_modules() gives them. */
  named(owner: PyInstance): readonly (readonly [string, PyInstance])[];
  /** The module's own parameters, by name. */
  params(module: PyInstance): Iterable<[string, PyTensor | null]>;
}

const MODULE_OF = new WeakMap<OpScope, PyInstance>();

/** Runs `forward` (the body) in a scope for this call of `self`; the caller's scope comes back however it ends. */
export function inModuleScope(rt: TorchRuntime, tree: ModuleTree, self: PyInstance, ctx: HostContext, body: () => PyValue): PyValue {
  const caller = ctx.opScope;
  const scope = openScope('module', pathIn(tree, self, caller), self.cls.name, caller);
  MODULE_OF.set(scope, self);
  for (const [name, p] of tree.params(self)) if (p !== null && p.t.requiresGrad) rt.engine.parameterScopes.set(p.t, { scope, name });
  ctx.opScope = scope;
  try {
    return body();
  } finally {
    ctx.opScope = caller;
  }
}

/**
 * `self`'s path under the innermost module whose call is running (`layers.0` for a ModuleList's
 * item called from its owner's forward); `''`, a new outermost module, when it is under none.
 */
function pathIn(tree: ModuleTree, self: PyInstance, caller: OpScope | null): string {
  let s = caller;
  while (s !== null && s.kind !== 'module') s = s.parent;
  const owner = s ? MODULE_OF.get(s) : undefined;
  if (!s || !owner) return '';
  const found = tree.named(owner).find(([, m]) => m === self);
  if (!found) return '';
  const [relative] = found;
  return s.name && relative ? `${s.name}.${relative}` : s.name || relative;
}
