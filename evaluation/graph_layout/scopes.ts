import type { GraphEdge, GraphNode, GraphScope, GraphView } from '../../protocol/results';
import { spanningRange } from './collapse';

/**
 * Up to this many nodes drawn, every scope (module, named scope, function) starts open; past it,
 * scopes from the deepest level that keeps the drawing within it start collapsed, but never the
 * outermost ones (a model's box stays open with its top-level modules closed inside).
 */
export const SCOPES_OPEN_UP_TO_NODES = 60;

const SCOPE_NODE = 'scope:';

/** The id of the node a collapsed scope is drawn as. */
export const scopeNodeId = (scope: string): string => `${SCOPE_NODE}${scope}`;
/** The scope a node stands for, when it is a collapsed scope's. */
export const scopeOfNode = (node: string): string | undefined => (node.startsWith(SCOPE_NODE) ? node.slice(SCOPE_NODE.length) : undefined);

/** Each scope's chain, outermost first, ending with itself. */
function chains(graph: GraphView): Map<string, string[]> {
  const out = new Map<string, string[]>();
  for (const s of graph.scopes ?? []) out.set(s.id, [...(s.parent !== undefined ? out.get(s.parent) ?? [] : []), s.id]);
  return out;
}

/** The scopes open when the graph is first drawn (see SCOPES_OPEN_UP_TO_NODES). */
export function defaultOpenScopes(graph: GraphView): Set<string> {
  const scopes = graph.scopes ?? [];
  const chain = chains(graph);
  const all = new Set(scopes.map((s) => s.id));
  const maxDepth = Math.max(0, ...[...chain.values()].map((c) => c.length - 1));
  for (let depth = maxDepth + 1; depth >= 1; depth--) {
    const open = new Set(scopes.filter((s) => chain.get(s.id)!.length - 1 < depth).map((s) => s.id));
    if (depth === 1 || collapseScopes(graph, open).view.nodes.length <= SCOPES_OPEN_UP_TO_NODES) return open;
  }
  return all;
}

/** A graph with its closed scopes drawn as single nodes. */
export interface ScopedGraph {
  /** Its scopes are the open ones that show (every enclosing scope open). */
  readonly view: GraphView;
  /** The closed scopes drawn, by the id of their node, with how many nodes each stands for. */
  readonly collapsed: ReadonlyMap<string, { readonly scope: GraphScope; readonly members: number }>;
}

/**
 * `graph` with each scope not in `open` (and not inside another closed one) drawn as one node:
 * labelled as the scope, typed by the values that flow in and out of it (`f32[5,4] → f32[5,8]`),
 * its source range spanning its members', its time their sum; edges that cross its border end at it.
 */
export function collapseScopes(graph: GraphView, open: ReadonlySet<string>): ScopedGraph {
  const scopes = graph.scopes ?? [];
  if (scopes.length === 0) return { view: graph, collapsed: new Map() };
  const chain = chains(graph);
  const byId = new Map(scopes.map((s) => [s.id, s]));
  /** The outermost closed scope on a scope's chain. */
  const closedAt = (scope: string | undefined): string | undefined => (scope === undefined ? undefined : chain.get(scope)?.find((s) => !open.has(s)));
  const shownAs = new Map<string, string>();
  const members = new Map<string, GraphNode[]>();
  for (const n of graph.nodes) {
    const closed = closedAt(n.scope);
    if (closed === undefined) continue;
    shownAs.set(n.id, scopeNodeId(closed));
    members.set(closed, [...(members.get(closed) ?? []), n]);
  }
  const as = (id: string): string => shownAs.get(id) ?? id;
  const crossing = new Map<string, { ins: string[]; outs: string[] }>();
  const edges = new Map<string, GraphEdge>();
  for (const e of graph.edges) {
    const from = as(e.from);
    const to = as(e.to);
    if (from === to) continue;
    for (const [end, side] of [[from, 'outs'], [to, 'ins']] as const) {
      const s = scopeOfNode(end);
      if (s === undefined || !shownAs.has(side === 'outs' ? e.from : e.to)) continue;
      const c = crossing.get(s) ?? { ins: [], outs: [] };
      c[side].push(e.type);
      crossing.set(s, c);
    }
    if (!edges.has(`${from}\n${to}`)) edges.set(`${from}\n${to}`, { ...e, from, to });
  }
  const collapsed = new Map<string, { scope: GraphScope; members: number }>();
  const nodes: GraphNode[] = [];
  for (const n of graph.nodes) {
    const shown = shownAs.get(n.id);
    if (shown === undefined) {
      nodes.push(n);
      continue;
    }
    if (collapsed.has(shown)) continue;
    const scope = byId.get(scopeOfNode(shown)!)!;
    collapsed.set(shown, { scope, members: members.get(scope.id)!.length });
    nodes.push(scopeNode(scope, members.get(scope.id)!, crossing.get(scope.id) ?? { ins: [], outs: [] }));
  }
  const hidden = (id: string): boolean => shownAs.has(id);
  const groups = graph.groups
    .filter((g) => g.call === undefined || !hidden(g.call))
    .map((g) => ({ ...g, nodes: g.nodes.filter((id) => !hidden(id)) }))
    .filter((g) => g.nodes.length > 0);
  const shownScopes = scopes.filter((s) => chain.get(s.id)!.every((c) => open.has(c)));
  return { view: { ...graph, nodes, edges: [...edges.values()], groups, scopes: shownScopes }, collapsed };
}

/** The types in order, each once: a module's input `f32[5,4]`, not once per op that reads it. */
const distinct = (types: readonly string[]): string => [...new Set(types)].join(', ');

function scopeNode(scope: GraphScope, members: readonly GraphNode[], crossing: { ins: string[]; outs: string[] }): GraphNode {
  const ranges = members.flatMap((m) => (m.range ? [m.range] : []));
  const timed = members.filter((m) => m.ms !== undefined);
  return {
    id: scopeNodeId(scope.id),
    label: scope.label,
    kind: 'op',
    type: `${distinct(crossing.ins) || '()'} → ${distinct(crossing.outs) || '()'}`,
    ...(scope.parent !== undefined ? { scope: scope.parent } : {}),
    ...(ranges.length > 0 ? { range: ranges.reduce(spanningRange) } : {}),
    ...(timed.length > 0 ? { ms: timed.reduce((t, m) => t + m.ms!, 0) } : {}),
  };
}
