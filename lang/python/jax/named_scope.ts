/**
 * `jax.named_scope` and `jax.named_call`: as in JAX, they push a name on the stack that every
 * equation traced inside records in its source info (here: the span's scope), so the graph draws
 * the equations of one scope as one box; they change nothing that is computed.
 */
import { openScope, type OpScope } from '../../../runtime/core';
import { bindArgs, type ExceptionObject, type HostContext, HostObject, hostType, type Kwargs, pyError, pyFunction, type PyValue } from '../interpreter';
import { funName } from './transforms';

const namedScopeType = hostType('_GeneratorContextManager', 'contextlib');

/** `with jax.named_scope("layer1"):` (or `@jax.named_scope("layer1")` on a function). */
class NamedScope extends HostObject {
  private readonly saved: (OpScope | null)[] = [];

  constructor(private readonly name: string) {
    super();
  }

  get pyType() {
    return namedScopeType;
  }

  override enter(ctx: HostContext): PyValue {
    this.saved.push(ctx.opScope);
    ctx.opScope = openScope('named_scope', this.name, null, ctx.opScope);
    return null;
  }

  override exit(_exc: ExceptionObject | null, ctx: HostContext): boolean {
    ctx.opScope = this.saved.pop() ?? null;
    return false;
  }

  override call(args: PyValue[], kwargs: Kwargs, ctx: HostContext): PyValue {
    const a = bindArgs('named_scope', ['func'], args, kwargs, ctx);
    const fn = a.required('func');
    return pyFunction(funName(fn), (fa, fkw, c) => withScope(c, this.name, () => c.call(fn, fa, fkw)));
  }
}

function withScope(ctx: HostContext, name: string, body: () => PyValue): PyValue {
  const caller = ctx.opScope;
  ctx.opScope = openScope('named_scope', name, null, caller);
  try {
    return body();
  } finally {
    ctx.opScope = caller;
  }
}

export function namedScopeAttrs(): Record<string, PyValue> {
  return {
    named_scope: pyFunction('named_scope', (args, kwargs, ctx) => {
      const name = bindArgs('named_scope', ['name'], args, kwargs, ctx).required('name');
      if (typeof name !== 'string') throw pyError('TypeError', 'named_scope name argument must be a string.');
      return new NamedScope(name);
    }),
    named_call: pyFunction('named_call', (args, kwargs, ctx) => {
      const a = bindArgs('named_call', ['fun', '*', 'name?'], args, kwargs, ctx);
      const fun = a.required('fun');
      const given = a.get('name') ?? null;
      if (given !== null && typeof given !== 'string') throw pyError('TypeError', 'named_call name argument must be a string.');
      const name = given ?? funName(fun);
      return pyFunction(name, (fa, fkw, c) => withScope(c, name, () => c.call(fun, fa, fkw)));
    }),
  };
}
