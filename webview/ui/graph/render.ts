import type { GraphGroup, GraphNode, GraphScope, SourceRange } from '../../../protocol';
import { svg } from '../dom';
import { formatMs } from '../format';
import { scopeOfNode } from '../../../evaluation/graph_layout';
import { nodeHeight, type GraphLayout, type PlacedEdge, type PlacedGroup, type PlacedNode, type PlacedScope, type Point } from '../../../evaluation/graph_layout';

export interface RenderHandlers {
  /** A node with a source range was clicked. */
  readonly onNode: (node: GraphNode, range: SourceRange) => void;
  /** A fused kernel's box (or, in a large graph, one of its nodes' kernel badge) was clicked. */
  readonly onGroup: (group: GraphGroup) => void;
  /** A collapsed node (repeats, a chain, a scope) was clicked, or Enter or Space pressed on it. */
  readonly onExpand: (node: GraphNode) => void;
  /** An open scope's header was clicked (or Enter or Space pressed on it): collapse it. */
  readonly onCollapseScope: (scope: GraphScope) => void;
}

/** How far the card behind a collapsed node shows. */
const STACK_OFFSET = 4;
/** Where the heat bar runs, inside the node's top-left corner. */
const HEAT_INSET = 4;
/** Group colours cycle through the theme's chart colours (CSS classes group-colour-0..5). */
const GROUP_COLOURS = 6;

/**
 * The laid-out graph as SVG: group boxes under edges under nodes. Every node carries its placed
 * box as data attributes (data-x, data-y, data-width, data-height), which the tests read.
 * `groupOf` colours the nodes of each kernel in a large graph, where groups are not boxes.
 * `collapsed` names the nodes that stand for collapsed ops, with what they stand for.
 */
export function renderGraph(
  layout: GraphLayout,
  groupOf: ReadonlyMap<string, GraphGroup>,
  collapsed: ReadonlyMap<string, string>,
  handlers: RenderHandlers,
): SVGGElement {
  const colourOf = new Map<string, number>();
  for (const g of groupOf.values()) if (!colourOf.has(g.id)) colourOf.set(g.id, colourOf.size % GROUP_COLOURS);
  const maxMs = Math.max(0, ...layout.nodes.map((n) => n.node.ms ?? 0));
  // A kernel not drawn as a box (in a large graph, or across a scope's border) colours its nodes.
  const boxed = new Set(layout.groups.map((g) => g.group.id));
  const colouredBy = (id: string): GraphGroup | undefined => {
    const g = groupOf.get(id);
    return g && !boxed.has(g.id) ? g : undefined;
  };
  return svg(
    'g',
    { class: layout.detailed ? 'graph detailed' : 'graph' },
    svg('g', { class: 'scopes' }, ...layout.scopes.map((s) => scopeBox(s, handlers))),
    svg('g', { class: 'groups' }, ...layout.groups.map((g) => groupBox(g, colourOf.get(g.group.id) ?? 0, handlers))),
    svg('g', { class: 'edges' }, ...layout.edges.map(edgePath)),
    svg('g', { class: 'nodes' }, ...layout.nodes.map((n) =>
      nodeBox(n, maxMs, colouredBy(n.node.id), colourOf, collapsed.get(n.node.id), handlers))),
  );
}

/** The arrowhead the edges end with, defined once per SVG. */
export function arrowMarker(): SVGDefsElement {
  return svg(
    'defs',
    {},
    svg(
      'marker',
      { id: 'gradlens-arrow', viewBox: '0 0 10 10', refX: 10, refY: 5, markerWidth: 7, markerHeight: 7, orient: 'auto-start-reverse' },
      svg('path', { d: 'M 0 0 L 10 5 L 0 10 z', class: 'arrowhead' }),
    ),
  );
}

function groupBox(placed: PlacedGroup, colour: number, handlers: RenderHandlers): SVGGElement {
  const { group } = placed;
  const box = svg(
    'g',
    { class: `group group-colour-${colour}`, 'data-group': group.id, ...boxData(placed) },
    svg('rect', { x: placed.x, y: placed.y, width: placed.width, height: placed.height, rx: 6 }),
    svg('text', { class: 'group-label', x: placed.x + 8, y: placed.y + 16 }, group.source ? `${group.label} ⟨source⟩` : group.label),
    svg('title', {}, `${group.label}${group.source ? ': click for its generated source' : ''}`),
  );
  box.addEventListener('click', () => handlers.onGroup(group));
  return box;
}

/** How tall an open scope's header (its label, the place to click to collapse it) is. */
const SCOPE_HEADER = 22;

/** An open scope: a box around its nodes, its header a button that collapses it. */
function scopeBox(placed: PlacedScope, handlers: RenderHandlers): SVGGElement {
  const { scope } = placed;
  const header = svg(
    'g',
    { class: 'scope-header', tabindex: 0, role: 'button', 'aria-expanded': 'true', 'aria-label': `${scope.label}: collapse` },
    svg('rect', { x: placed.x, y: placed.y, width: placed.width, height: SCOPE_HEADER, rx: 6 }),
    svg('text', { class: 'scope-label', x: placed.x + 8, y: placed.y + 15 }, `▾ ${scope.label}`),
    svg('title', {}, `${scope.label}: click to collapse`),
  );
  activate(header, () => handlers.onCollapseScope(scope));
  return svg(
    'g',
    { class: `scope scope-kind-${scope.kind}`, 'data-scope': scope.id, ...boxData(placed) },
    svg('rect', { class: 'scope-box', x: placed.x, y: placed.y, width: placed.width, height: placed.height, rx: 6 }),
    header,
  );
}

/** Runs `action` on a click, and on Enter or Space while the element has the focus. */
function activate(element: SVGElement, action: () => void): void {
  element.addEventListener('click', (e) => {
    e.stopPropagation();
    action();
  });
  element.addEventListener('keydown', (e) => {
    if (e.key !== 'Enter' && e.key !== ' ') return;
    e.preventDefault();
    action();
  });
}

function edgePath(placed: PlacedEdge): SVGGElement {
  const { edge, points, label } = placed;
  const g = svg(
    'g',
    { class: 'edge', 'data-from': edge.from, 'data-to': edge.to },
    svg('path', { d: pathData(points), 'marker-end': 'url(#gradlens-arrow)' }),
    svg('title', {}, `${edge.from} → ${edge.to}: ${edge.type}`),
  );
  if (label) g.append(svg('text', { class: 'edge-label', x: label.x, y: label.y + label.height - 3 }, edge.type));
  return g;
}

function pathData(points: readonly Point[]): string {
  return points.map((p, i) => `${i === 0 ? 'M' : 'L'} ${p.x} ${p.y}`).join(' ');
}

function nodeBox(
  placed: PlacedNode,
  maxMs: number,
  group: GraphGroup | undefined,
  colourOf: ReadonlyMap<string, number>,
  stands: string | undefined,
  handlers: RenderHandlers,
): SVGGElement {
  const { node } = placed;
  const classes = ['node', `kind-${node.kind}`];
  if (node.range || stands) classes.push('linked');
  if (node.failed) classes.push('failed');
  if (stands) classes.push('collapsed');
  if (scopeOfNode(node.id) !== undefined) classes.push('collapsed-scope');
  if (group) classes.push('grouped', `group-colour-${colourOf.get(group.id) ?? 0}`);
  // A collapsed node is drawn as a stack of cards, inside its own box.
  const inset = stands ? STACK_OFFSET : 0;
  const rect = svg('rect', { x: placed.x, y: placed.y, width: placed.width - inset, height: placed.height - inset, rx: node.kind === 'op' ? 4 : 14 });
  // Heat is a bar along the node's top, its length the op's share of the slowest op's time. NB: not
  // a tint of the box: a hot fill left its text unreadable (contrast 1.3 to 2.5 in VS Code's themes).
  const heat = node.ms !== undefined && maxMs > 0
    ? [svg('line', { class: 'heat', x1: placed.x + HEAT_INSET, y1: placed.y + HEAT_INSET, x2: placed.x + HEAT_INSET + ((placed.width - inset - 2 * HEAT_INSET) * node.ms) / maxMs, y2: placed.y + HEAT_INSET })]
    : [];
  if (heat.length > 0) classes.push('timed');
  const cx = placed.x + placed.width / 2;
  const tooltip = [
    `${node.label}: ${node.type}`,
    stands ? `${stands} (click to expand)` : undefined,
    node.range ? `line ${node.range.line}, column ${node.range.col} (click to reveal)` : undefined,
    node.ms !== undefined ? `eager ${formatMs(node.ms)}` : undefined,
    group ? group.label : undefined,
  ].filter((l) => l !== undefined);
  const box = svg(
    'g',
    { class: classes.join(' '), 'data-node': node.id, ...boxData(placed), ...(node.range ? { 'data-line': node.range.line } : {}) },
    ...(stands ? [svg('rect', { class: 'stack', x: placed.x + inset, y: placed.y + inset, width: placed.width - inset, height: placed.height - inset, rx: 4 })] : []),
    rect,
    ...heat,
    svg('text', { class: 'node-label', x: cx - inset / 2, y: placed.y + nodeHeight / 2 - 2 }, node.label),
    svg('text', { class: 'node-type', x: cx - inset / 2, y: placed.y + nodeHeight / 2 + 12 }, node.type),
    svg('title', {}, tooltip.join('\n')),
  );
  const range = node.range;
  if (stands) {
    box.setAttribute('tabindex', '0');
    box.setAttribute('role', 'button');
    box.setAttribute('aria-expanded', 'false');
    activate(box, () => handlers.onExpand(node));
  } else if (range) box.addEventListener('click', () => handlers.onNode(node, range));
  else if (group) box.addEventListener('click', () => handlers.onGroup(group));
  return box;
}

function boxData(b: { x: number; y: number; width: number; height: number }): Record<string, number> {
  return { 'data-x': b.x, 'data-y': b.y, 'data-width': b.width, 'data-height': b.height };
}
