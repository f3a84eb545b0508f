/**
 * The debug info JAX keeps for a function it stages (api_util.fun_sourceinfo, arg_info_all):
 * where the function starts and each argument leaf's name, for the errors that name them.
 */
import { type HostContext, PyFunction, type PyValue } from '../interpreter';
import { keyEntryStr, leafCount, type PyTreeDef, unflattenPy, walkTree } from './pytree';
import type { StagingOrigin } from './tracer_errors';

/** The traced arguments of a call: their pytree (a tuple, positional ones then keywords), and the keywords' names. */
export interface StagedCall {
  readonly def: PyTreeDef;
  /** How many of the tuple's items are positional arguments (a static one is None there). */
  readonly positional: number;
  /** The positions of the static positional arguments. */
  readonly statics: ReadonlySet<number>;
  readonly kwNames: readonly string[];
}

/** `f at FILE:LINE`, LINE the function's first decorator's (its code object's co_firstlineno), as fun_sourceinfo; null for a builtin. */
function sourceInfo(fun: PyValue, ctx: HostContext): string | null {
  if (!(fun instanceof PyFunction)) return null;
  const node = fun.node;
  const line = node.kind === 'FunctionDef' && node.decorators.length > 0 ? node.decorators[0].span.line : node.span.line;
  return `${fun.name} at ${ctx.file}:${line}`;
}

/**
 * Each argument leaf's name as inspect.signature(fun).bind names it, with the leaf's key path
 * (`params['w']`, `args[1]`); null where fun has no Python signature or it does not bind. NB: JAX
 * binds the traced arguments alone to the whole signature (pe.sig_info on the flattened function's
 * in_tree), so an argument after a static one takes the name of the parameter before it.
 */
function argNames(fun: PyValue, call: StagedCall, ctx: HostContext): string[] | null {
  if (!(fun instanceof PyFunction)) return null;
  const params = fun.node.params;
  const positional = params.filter((p) => p.kind === 'positional');
  const varargs = params.find((p) => p.kind === 'varargs');
  const varkw = params.find((p) => p.kind === 'varkw');
  const dummies = Array.from({ length: leafCount(call.def) }, () => 0n);
  const [paths] = walkTree(unflattenPy(call.def, dummies, ctx), ctx, null, true);
  const names: string[] = [];
  for (const path of paths) {
    const [top, ...rest] = path;
    if (top?.kind !== 'sequence') return null;
    let name: string;
    if (top.idx < call.positional) {
      const at = top.idx - [...call.statics].filter((i) => i < top.idx).length;
      if (at < positional.length) name = positional[at].name;
      else if (varargs) name = `${varargs.name}[${at - positional.length}]`;
      else return null;
    } else {
      const kw = call.kwNames[top.idx - call.positional];
      if (params.some((p) => p.name === kw && p.kind !== 'varargs' && p.kind !== 'varkw')) name = kw;
      else if (varkw) name = `${varkw.name}['${kw}']`;
      else return null;
    }
    names.push(name + rest.map((k) => keyEntryStr(k, ctx)).join(''));
  }
  return names;
}

/** The debug info of `fun` staged by `tracedFor` (jit, make_jaxpr) on the arguments of `call`. */
export function stagingOrigin(fun: PyValue, tracedFor: string, call: StagedCall, ctx: HostContext): StagingOrigin {
  let names: readonly string[] | null | undefined;
  return { source: sourceInfo(fun, ctx), tracedFor, argNames: () => (names ??= argNames(fun, call, ctx)) };
}
