/**
 * Where in the user's source an op was made (1-based lines and columns): eager nodes and jaxpr
 * equations carry it. As JAX's source_info holds its name_stack beside the traceback, a span also
 * holds the scope the op ran in (an nn.Module call, a named scope, a function), where there is one.
 */
export interface SourceSpan {
  readonly file?: string;
  readonly line: number;
  readonly column: number;
  readonly endLine: number;
  readonly endColumn: number;
  readonly scope?: OpScope;
}

/**
 * A named region ops ran in, innermost first through `parent`: one call of an nn.Module (named
 * as `named_modules()` names it, `encoder.layers.1`, with its class), a `jax.named_scope`, or a
 * Python function called while a function is traced. Made once a call and shared by its ops, so
 * recording it costs an op one reference.
 */
export interface OpScope {
  /** Unique within a run: two calls of one module are two scopes. */
  readonly id: number;
  readonly kind: 'module' | 'named_scope' | 'function';
  /** A module's path from the outermost module called (`''` for that one), a function's or named scope's name. */
  readonly name: string;
  /** A module's class (`TransformerLayer`); null for the others. */
  readonly className: string | null;
  readonly parent: OpScope | null;
  /** 0 for an outermost scope. */
  readonly depth: number;
}

let nextScopeId = 1;

export function openScope(kind: OpScope['kind'], name: string, className: string | null, parent: OpScope | null): OpScope {
  return { id: nextScopeId++, kind, name, className, parent, depth: parent ? parent.depth + 1 : 0 };
}

/** How a scope reads in a graph: `encoder.layers.1 (TransformerLayer)`, `Net` for an outermost module, `dense`. */
export function scopeLabel(scope: OpScope): string {
  if (scope.kind !== 'module') return scope.name;
  return scope.name === '' ? scope.className ?? '' : `${scope.name} (${scope.className})`;
}

/** The scopes from the outermost down to `scope`. */
export function scopeChain(scope: OpScope | null | undefined): OpScope[] {
  const chain: OpScope[] = [];
  for (let s = scope ?? null; s !== null; s = s.parent) chain.push(s);
  return chain.reverse();
}

/** A scope as JSON gives it: one entry a level of its chain, outermost first. */
export interface ScopeJson {
  readonly id: number;
  readonly kind: OpScope['kind'];
  readonly name: string;
  readonly className: string | null;
}

export function scopeJson(scope: OpScope | null | undefined): ScopeJson[] {
  return scopeChain(scope).map(({ id, kind, name, className }) => ({ id, kind, name, className }));
}

/** The span without its scope (which JSON gives apart, as `scopeJson`). */
export function bareSpan(span: SourceSpan): SourceSpan {
  if (span.scope === undefined) return span;
  const { scope: _scope, ...bare } = span;
  return bare;
}
