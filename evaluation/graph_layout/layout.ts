import ELK from 'elkjs/lib/elk.bundled.js';
import type { ElkExtendedEdge, ElkNode } from 'elkjs/lib/elk-api';
import type { GraphEdge, GraphGroup, GraphNode, GraphScope, GraphView } from '../../protocol/results';

export interface Point { readonly x: number; readonly y: number }
export interface Box { readonly x: number; readonly y: number; readonly width: number; readonly height: number }

export interface PlacedNode extends Box { readonly node: GraphNode }
export interface PlacedGroup extends Box { readonly group: GraphGroup }
export interface PlacedScope extends Box { readonly scope: GraphScope }
export interface PlacedEdge {
  readonly edge: GraphEdge;
  /** The route from the source's border to the target's, bends included. */
  readonly points: readonly Point[];
  /** Where ELK placed the type label (its box), when it placed one. */
  readonly label?: Box;
}

/** A graph with every node, group and edge placed, in one coordinate space (the graph's, unscaled). */
export interface GraphLayout {
  /** False for large graphs: no edge labels, groups as node colours (see DETAILED_UP_TO_NODES). */
  readonly detailed: boolean;
  readonly width: number;
  readonly height: number;
  readonly nodes: readonly PlacedNode[];
  /** The fused kernels drawn as boxes (the others' nodes are coloured by kernel). */
  readonly groups: readonly PlacedGroup[];
  /** The open scopes (modules, named scopes, functions), each a box around its nodes and inner scopes, outer ones first. */
  readonly scopes: readonly PlacedScope[];
  readonly edges: readonly PlacedEdge[];
}

const NODE_HEIGHT = 38;
const CHAR_WIDTH = 7.2;
const LABEL_CHAR_WIDTH = 6.2;
const LABEL_HEIGHT = 14;
/**
 * Past this many nodes a graph is laid out in less detail, so that it stays readable and ELK
 * stays quick (measured on a 202-node jaxpr in Node: 7.5 s with labels and compound groups,
 * 1.4 s without, and a 1:8 strip instead of rows that fit the panel): edge types move from
 * labels into the edges' tooltips, fused kernels are shown as the colour of their nodes rather
 * than as boxes around them, and ELK wraps the layers into rows of the view's shape.
 */
export const DETAILED_UP_TO_NODES = 100;

export function nodeWidth(node: GraphNode): number {
  return Math.max(56, Math.ceil(Math.max(node.label.length, node.type.length) * CHAR_WIDTH) + 20);
}
export const nodeHeight = NODE_HEIGHT;

/** The group of each grouped node (the first that names it, for a plan that lists a node twice). */
export function nodeGroups(graph: GraphView): Map<string, GraphGroup> {
  const known = new Set(graph.nodes.map((n) => n.id));
  const groupOf = new Map<string, GraphGroup>();
  for (const g of graph.groups) for (const id of g.nodes) if (known.has(id) && !groupOf.has(id)) groupOf.set(id, g);
  return groupOf;
}

const nodeKey = (id: string): string => `n:${id}`;
const groupKey = (id: string): string => `g:${id}`;
const scopeKey = (id: string): string => `s:${id}`;
/** Room above a box's members for its label. */
const BOX_PADDING = '[top=26,left=10,bottom=10,right=10]';

/**
 * Lays `graph` out with ELK's layered algorithm, top to bottom: open scopes (modules, functions)
 * and fused kernels become compound nodes around their members, nested as the scopes are, edges
 * carry their type as a label. `aspectRatio` (width / height
 * of the view) shapes the wrapping of large graphs.
 */
export async function layoutGraph(graph: GraphView, aspectRatio = 1): Promise<GraphLayout> {
  const detailed = graph.nodes.length <= DETAILED_UP_TO_NODES;
  const known = new Set(graph.nodes.map((n) => n.id));
  const groupOf = detailed ? nodeGroups(graph) : new Map<string, GraphGroup>();

  const elkNode = (n: GraphNode): ElkNode => ({ id: nodeKey(n.id), width: nodeWidth(n), height: NODE_HEIGHT });
  const scopes = graph.scopes ?? [];
  const scopeIds = new Set(scopes.map((s) => s.id));
  const scopeOf = (n: GraphNode): string | undefined => (n.scope !== undefined && scopeIds.has(n.scope) ? n.scope : undefined);
  // NB: a kernel is a box only inside one scope: a box cannot straddle a module's border.
  const grouped = graph.groups
    .map((g) => ({ g, members: graph.nodes.filter((n) => groupOf.get(n.id) === g) }))
    .filter(({ members }) => members.length > 0 && members.every((m) => scopeOf(m) === scopeOf(members[0])));
  const boxOf = new Map(grouped.flatMap(({ g, members }) => members.map((m) => [m.id, g] as const)));
  // Each box (kernel, scope) and what it holds; the root holds what no box holds.
  const boxes = new Map<string, ElkNode[]>([['root', []]]);
  const holding = (key: string): ElkNode[] => {
    let children = boxes.get(key);
    if (!children) boxes.set(key, (children = []));
    return children;
  };
  const inBox = (key: string | undefined, child: ElkNode): void => void holding(key ?? 'root').push(child);
  const box = (id: string): ElkNode => ({ id, layoutOptions: { 'elk.padding': BOX_PADDING }, children: holding(id) });
  for (const s of scopes) inBox(s.parent !== undefined && scopeIds.has(s.parent) ? scopeKey(s.parent) : undefined, box(scopeKey(s.id)));
  for (const { g, members } of grouped) {
    const scope = scopeOf(members[0]);
    inBox(scope !== undefined ? scopeKey(scope) : undefined, box(groupKey(g.id)));
  }
  for (const n of graph.nodes) {
    const g = boxOf.get(n.id);
    const scope = scopeOf(n);
    inBox(g ? groupKey(g.id) : scope !== undefined ? scopeKey(scope) : undefined, elkNode(n));
  }
  const drawn = graph.edges.filter((e) => known.has(e.from) && known.has(e.to));
  const edges: ElkExtendedEdge[] = drawn.map((e, i) => ({
      id: `e${i}`,
      sources: [nodeKey(e.from)],
      targets: [nodeKey(e.to)],
      labels: detailed && e.type ? [{ id: `e${i}:label`, text: e.type, width: e.type.length * LABEL_CHAR_WIDTH, height: LABEL_HEIGHT }] : [],
    }));
  const root: ElkNode = {
    id: 'root',
    layoutOptions: {
      'elk.algorithm': 'layered',
      'elk.direction': 'DOWN',
      'elk.hierarchyHandling': 'INCLUDE_CHILDREN',
      'elk.spacing.nodeNode': '18',
      'elk.layered.spacing.nodeNodeBetweenLayers': '30',
      'elk.spacing.edgeLabel': '3',
      'elk.edgeLabels.placement': 'CENTER',
      'elk.layered.edgeLabels.sideSelection': 'ALWAYS_DOWN',
      'elk.padding': '[top=12,left=12,bottom=12,right=12]',
      ...(!detailed
        ? { 'elk.layered.wrapping.strategy': 'MULTI_EDGE', 'elk.aspectRatio': String(aspectRatio) }
        : {}),
    },
    children: boxes.get('root'),
    edges,
  };

  const laid = await new ELK().layout(root);
  return { detailed, ...collect(graph, laid, new Map(edges.map((e, i) => [e.id, drawn[i]]))) };
}

/** ELK gives positions relative to each parent; these are made absolute. */
function collect(graph: GraphView, laid: ElkNode, edgeOf: ReadonlyMap<string, GraphEdge>): Omit<GraphLayout, 'detailed'> {
  const byId = new Map(graph.nodes.map((n) => [nodeKey(n.id), n]));
  const groupById = new Map(graph.groups.map((g) => [groupKey(g.id), g]));
  const scopeById = new Map((graph.scopes ?? []).map((s) => [scopeKey(s.id), s]));
  const origin = new Map<string, Point>([['root', { x: 0, y: 0 }]]);
  const nodes: PlacedNode[] = [];
  const groups: PlacedGroup[] = [];
  const scopes: PlacedScope[] = [];
  const placedEdges: ElkExtendedEdge[] = [];
  const visit = (parent: ElkNode, at: Point): void => {
    placedEdges.push(...(parent.edges ?? []));
    for (const child of parent.children ?? []) {
      const box = { x: at.x + (child.x ?? 0), y: at.y + (child.y ?? 0), width: child.width ?? 0, height: child.height ?? 0 };
      origin.set(child.id, box);
      const node = byId.get(child.id);
      const group = groupById.get(child.id);
      if (node) nodes.push({ ...box, node });
      const scope = scopeById.get(child.id);
      if (group) groups.push({ ...box, group });
      if (scope) scopes.push({ ...box, scope });
      visit(child, box);
    }
  };
  visit(laid, { x: 0, y: 0 });

  const edges: PlacedEdge[] = [];
  for (const e of placedEdges) {
    const edge = edgeOf.get(e.id);
    if (!edge) continue;
    // NB: ELK reports an edge's points relative to its container, the lowest common ancestor of its ends.
    const at = origin.get((e as ElkExtendedEdge & { container?: string }).container ?? 'root') ?? { x: 0, y: 0 };
    const shift = (p: Point): Point => ({ x: at.x + p.x, y: at.y + p.y });
    const points = (e.sections ?? []).flatMap((s) => [s.startPoint, ...(s.bendPoints ?? []), s.endPoint].map(shift));
    const l = e.labels?.[0];
    const label = l && l.x !== undefined && l.y !== undefined ? { x: at.x + l.x, y: at.y + l.y, width: l.width ?? 0, height: l.height ?? 0 } : undefined;
    edges.push(label ? { edge, points, label } : { edge, points });
  }
  return { width: laid.width ?? 0, height: laid.height ?? 0, nodes, groups, scopes, edges };
}
