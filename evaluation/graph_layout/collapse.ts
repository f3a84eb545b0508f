import type { GraphEdge, GraphNode, GraphView, SourceRange } from '../../protocol/results';

/** Graphs up to this size are drawn whole: every node still reads, and nothing need be hidden. */
export const COLLAPSE_ABOVE_NODES = 40;
/** The longest repeated block looked for (ops in one loop iteration or layer). */
const MAX_PERIOD = 32;
/** A repeat or chain must hide at least this many ops to be worth a click to open. */
const MIN_COLLAPSED = 3;

/**
 * A range of ops drawn as one node until it is expanded: a block repeated `times` over, a chain,
 * or a control-flow node with its body's ops (the body group's id; the node is its first member).
 */
export interface Collapsible {
  /** Stable across expansions of the others: its kind and its first member, or the body group's id. */
  readonly id: string;
  readonly kind: 'repeat' | 'chain' | 'body';
  /** The op node ids it stands for, in order. */
  readonly members: readonly string[];
  /** Repeats of the block (1 for a chain). */
  readonly times: number;
}

interface Operand {
  /** How many ops back the operand was made, when an op made it. */
  readonly back?: number;
  /** The input or constant it is, when no op made it: the same in every repeat. */
  readonly node?: string;
}

/**
 * Runs of structurally identical blocks (loop iterations, repeated layers: the same ops with the
 * same types, wired alike), then chains of single-use ops of one type among what is left. Only
 * graphs above COLLAPSE_ABOVE_NODES are searched.
 */
export function findCollapsible(graph: GraphView): Collapsible[] {
  // One per control-flow node, over all its bodies (a cond's branches); nested ones first, as the groups come.
  const byCall = new Map<string, string[]>();
  for (const g of graph.groups) if (g.call !== undefined) byCall.set(g.call, [...(byCall.get(g.call) ?? []), ...g.nodes]);
  const bodies = [...byCall].map(([call, nodes]): Collapsible => ({ id: `body:${call}`, kind: 'body', members: [call, ...nodes], times: 1 }));
  // NB: control-flow nodes and their bodies are left out of the search for repeats: they collapse
  // on their own; so are the ops of scopes (modules, functions), which collapse as their boxes.
  const inBodies = new Set([...bodies.flatMap((b) => b.members), ...graph.nodes.filter((n) => n.scope !== undefined).map((n) => n.id)]);
  const rest = inBodies.size === 0 ? graph
    : { ...graph, nodes: graph.nodes.filter((n) => !inBodies.has(n.id)), edges: graph.edges.filter((e) => !inBodies.has(e.from) && !inBodies.has(e.to)) };
  return [...bodies, ...repeatsAndChains(rest)];
}

function repeatsAndChains(graph: GraphView): Collapsible[] {
  if (graph.nodes.length <= COLLAPSE_ABOVE_NODES) return [];
  const ops = topologicalOps(graph);
  const at = new Map(ops.map((n, i) => [n.id, i]));
  const signature = ops.map((n) => `${n.label}|${n.type}`);
  const operands: Operand[][] = ops.map(() => []);
  for (const e of graph.edges) {
    const to = at.get(e.to);
    if (to === undefined) continue;
    const from = at.get(e.from);
    operands[to].push(from === undefined ? { node: e.from } : { back: to - from });
  }
  // NB: an operand made within one period back must come from the same place in each block (the
  // loop-carried value); one made farther back (a residual saved by the forward pass) may vary.
  const alike = (i: number, j: number, period: number): boolean =>
    signature[i] === signature[j] &&
    operands[i].length === operands[j].length &&
    operands[i].every((a, k) => {
      const b = operands[j][k];
      if (a.node !== undefined || b.node !== undefined) return a.node === b.node;
      return a.back! <= period ? a.back === b.back : b.back! > period;
    });
  const blockAlike = (i: number, j: number, period: number): boolean => {
    for (let t = 0; t < period; t++) if (!alike(i + t, j + t, period)) return false;
    return true;
  };

  const found: Collapsible[] = [];
  const taken = new Set<string>();
  for (let s = 0; s < ops.length;) {
    let best = { period: 0, times: 0 };
    for (let period = 1; period <= MAX_PERIOD && s + 2 * period <= ops.length; period++) {
      let times = 1;
      while (s + (times + 1) * period <= ops.length && blockAlike(s, s + times * period, period)) times++;
      if (times >= 2 && times * period > best.times * best.period) best = { period, times };
    }
    const length = best.period * best.times;
    if (length < MIN_COLLAPSED) {
      s++;
      continue;
    }
    const members = ops.slice(s, s + length).map((n) => n.id);
    members.forEach((m) => taken.add(m));
    found.push({ id: `repeat:${members[0]}`, kind: 'repeat', members, times: best.times });
    s += length;
  }
  return [...found, ...chains(graph, ops, taken)];
}

/** Chains of ops each of whose value is used once, by the next, with the same type (elementwise steps). */
function chains(graph: GraphView, ops: readonly GraphNode[], taken: ReadonlySet<string>): Collapsible[] {
  const byId = new Map(ops.map((n) => [n.id, n]));
  const uses = new Map<string, GraphEdge[]>();
  for (const e of graph.edges) uses.set(e.from, [...(uses.get(e.from) ?? []), e]);
  const next = new Map<string, string>();
  const linked = new Set<string>();
  for (const n of ops) {
    const used = uses.get(n.id) ?? [];
    const to = used.length === 1 ? byId.get(used[0].to) : undefined;
    if (!to || taken.has(n.id) || taken.has(to.id) || to.type !== n.type || linked.has(to.id)) continue;
    next.set(n.id, to.id);
    linked.add(to.id);
  }
  const found: Collapsible[] = [];
  for (const n of ops) {
    if (linked.has(n.id) || !next.has(n.id)) continue;
    const members = [n.id];
    for (let m = next.get(n.id); m !== undefined; m = next.get(m)) members.push(m);
    if (members.length >= MIN_COLLAPSED) found.push({ id: `chain:${members[0]}`, kind: 'chain', members, times: 1 });
  }
  return found;
}

/** The op nodes in an order where every op comes after the ops it uses (the graph's own order where it allows). */
function topologicalOps(graph: GraphView): GraphNode[] {
  const ops = graph.nodes.filter((n) => n.kind === 'op');
  const index = new Map(ops.map((n, i) => [n.id, i]));
  const waiting = ops.map(() => 0);
  const users: number[][] = ops.map(() => []);
  for (const e of graph.edges) {
    const from = index.get(e.from);
    const to = index.get(e.to);
    if (from === undefined || to === undefined) continue;
    waiting[to]++;
    users[from].push(to);
  }
  const order: GraphNode[] = [];
  // NB: a min-heap would be exact; the graph's order is nearly topological already, so a sorted queue is enough.
  const ready = ops.map((_, i) => i).filter((i) => waiting[i] === 0);
  while (ready.length > 0) {
    ready.sort((a, b) => a - b);
    const i = ready.shift()!;
    order.push(ops[i]);
    for (const u of users[i]) if (--waiting[u] === 0) ready.push(u);
  }
  return order;
}

/** A collapsed range as the viewer draws it: one node, and what it stands for. */
export interface CollapsedGraph {
  readonly view: GraphView;
  /** The collapsed nodes drawn, by node id. */
  readonly collapsed: ReadonlyMap<string, Collapsible>;
}

/**
 * `graph` with each collapsible range not in `expanded` drawn as one node: its edges are those
 * that cross the range's border, its source range spans its members', its time is their sum, and
 * it stays in the kernels its members were fused into.
 */
export function collapseGraph(graph: GraphView, found: readonly Collapsible[], expanded: ReadonlySet<string>): CollapsedGraph {
  const byId = new Map(graph.nodes.map((n) => [n.id, n]));
  const shownAs = new Map<string, string>();
  const collapsed = new Map<string, Collapsible>();
  for (const c of found) {
    if (expanded.has(c.id)) continue;
    collapsed.set(c.id, c);
    for (const m of c.members) shownAs.set(m, c.id);
  }
  const as = (id: string): string => shownAs.get(id) ?? id;
  const nodes: GraphNode[] = [];
  for (const n of graph.nodes) {
    const c = collapsed.get(as(n.id));
    if (!c) nodes.push(n);
    else if (c.members[0] === n.id) nodes.push(collapsedNode(c, c.members.map((m) => byId.get(m)!)));
  }
  const edges = new Map<string, GraphEdge>();
  for (const e of graph.edges) {
    const from = as(e.from);
    const to = as(e.to);
    if (from !== to && !edges.has(`${from}\n${to}`)) edges.set(`${from}\n${to}`, { ...e, from, to });
  }
  // A body's box is drawn only while its node is shown as itself (expanded, inside no collapsed body).
  const groups = graph.groups.filter((g) => g.call === undefined || as(g.call) === g.call).map((g) => ({ ...g, nodes: [...new Set(g.nodes.map(as))] }));
  return { view: { ...graph, nodes, edges: [...edges.values()], groups }, collapsed };
}

function collapsedNode(c: Collapsible, members: readonly GraphNode[]): GraphNode {
  const ranges = members.flatMap((m) => (m.range ? [m.range] : []));
  const timed = members.filter((m) => m.ms !== undefined);
  return {
    id: c.id,
    label: c.kind === 'repeat' ? `×${c.times} iterations` : c.kind === 'chain' ? `chain of ${members.length} ops` : members[0].label,
    kind: 'op',
    type: (c.kind === 'body' ? members[0] : members[members.length - 1]).type,
    ...(ranges.length > 0 ? { range: ranges.reduce(spanningRange) } : {}),
    ...(timed.length > 0 ? { ms: timed.reduce((t, m) => t + m.ms!, 0) } : {}),
  };
}

/** What a collapsed node stands for, for its tooltip: the ops of one repeat, or of the chain. */
export function collapsedOps(c: Collapsible, graph: GraphView): string {
  const labels = new Map(graph.nodes.map((n) => [n.id, n.label]));
  const shown = c.members.slice(0, c.members.length / c.times).map((m) => labels.get(m) ?? m);
  return c.kind === 'repeat' ? `${c.times} × (${shown.join(' → ')})` : shown.join(' → ');
}

/** The source range from the first start to the last end of two. */
export function spanningRange(a: SourceRange, b: SourceRange): SourceRange {
  const before = (l1: number, c1: number, l2: number, c2: number): boolean => l1 < l2 || (l1 === l2 && c1 < c2);
  const [line, col] = before(b.line, b.col, a.line, a.col) ? [b.line, b.col] : [a.line, a.col];
  const [endLine, endCol] = before(a.endLine, a.endCol, b.endLine, b.endCol) ? [b.endLine, b.endCol] : [a.endLine, a.endCol];
  return { line, col, endLine, endCol };
}
