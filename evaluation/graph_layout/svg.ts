import type { GraphScope } from '../../protocol/results';
import { nodeHeight, type GraphLayout, type PlacedNode, type PlacedScope, type Point } from './layout';

/**
 * Colours for a drawing read outside VS Code (a file, a browser, a document): the panel's light
 * theme, written into the SVG, since no stylesheet travels with it.
 */
const STYLE = [
  'text { font-family: -apple-system, "Segoe UI", Helvetica, Arial, sans-serif; font-size: 12px; fill: #1f1f1f; }',
  '.node rect { fill: #ffffff; stroke: #6c6c6c; stroke-width: 1; }',
  '.node.kind-input rect, .node.kind-const rect, .node.kind-leaf rect { fill: #e8f0fe; }',
  '.node.kind-output rect { fill: #e6f4ea; }',
  '.node-label { text-anchor: middle; font-weight: 600; }',
  '.node-type { text-anchor: middle; font-size: 10px; fill: #5f6368; }',
  '.edge path { fill: none; stroke: #8a8a8a; stroke-width: 1.2; }',
  '.edge-label { font-size: 10px; fill: #5f6368; }',
  '.arrowhead { fill: #8a8a8a; }',
  '.scope > rect { fill: #7f7f7f; fill-opacity: 0.06; stroke: #9e9e9e; stroke-dasharray: 4 3; }',
  '.scope-label { font-weight: 600; fill: #3c4043; }',
  '.group > rect { fill: none; stroke: #b06000; stroke-width: 1.2; }',
  '.group-label { font-size: 10px; fill: #b06000; }',
].join('\n');

/** Text and attribute values as XML reads them. */
const xml = (s: string | number): string =>
  String(s).replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;').replace(/"/g, '&quot;');

/** Coordinates to 0.01 px: ELK's thirds print as 16 digits otherwise. */
const px = (v: string | number): string | number => (typeof v === 'number' ? Math.round(v * 100) / 100 : v);
const attrs = (a: Record<string, string | number>): string => Object.entries(a).map(([k, v]) => ` ${k}="${xml(px(v))}"`).join('');

const pathData = (points: readonly Point[]): string => points.map((p, i) => `${i === 0 ? 'M' : 'L'} ${px(p.x)} ${px(p.y)}`).join(' ');

function nodeSvg(placed: PlacedNode, indent: string): string {
  const { node } = placed;
  const cx = placed.x + placed.width / 2;
  return [
    `${indent}<g${attrs({ class: `node kind-${node.kind}`, 'data-node': node.id })}>`,
    `${indent}  <title>${xml(`${node.label}: ${node.type}${node.range ? ` (line ${node.range.line})` : ''}`)}</title>`,
    `${indent}  <rect${attrs({ x: placed.x, y: placed.y, width: placed.width, height: placed.height, rx: node.kind === 'op' ? 4 : 14 })}/>`,
    `${indent}  <text${attrs({ class: 'node-label', x: cx, y: placed.y + nodeHeight / 2 - 2 })}>${xml(node.label)}</text>`,
    `${indent}  <text${attrs({ class: 'node-type', x: cx, y: placed.y + nodeHeight / 2 + 12 })}>${xml(node.type)}</text>`,
    `${indent}</g>`,
  ].join('\n');
}

/**
 * The laid-out graph as a standalone SVG document: each open scope (module, named scope, function)
 * a `<g class="scope">` holding its box, its label, its inner scopes and its nodes, nested as the
 * scopes are; fused kernels as boxes; edges with their types; colours inlined.
 */
export function graphSvg(layout: GraphLayout, title: string): string {
  const scopeIds = new Set(layout.scopes.map((s) => s.scope.id));
  const parentOf = (scope: GraphScope): string | undefined => (scope.parent !== undefined && scopeIds.has(scope.parent) ? scope.parent : undefined);
  const innerScopes = new Map<string | undefined, PlacedScope[]>();
  for (const s of layout.scopes) innerScopes.set(parentOf(s.scope), [...(innerScopes.get(parentOf(s.scope)) ?? []), s]);
  const nodesIn = new Map<string | undefined, PlacedNode[]>();
  for (const n of layout.nodes) {
    const scope = n.node.scope !== undefined && scopeIds.has(n.node.scope) ? n.node.scope : undefined;
    nodesIn.set(scope, [...(nodesIn.get(scope) ?? []), n]);
  }
  // NB: a scope's nodes go inside its <g>, so that the nesting reads as the model's structure.
  const scopeTrees = (scope: string | undefined, indent: string): string[] =>
    (innerScopes.get(scope) ?? []).map((s) => [
      `${indent}<g${attrs({ class: `scope scope-kind-${s.scope.kind}`, 'data-scope': s.scope.id })}>`,
      `${indent}  <rect${attrs({ x: s.x, y: s.y, width: s.width, height: s.height, rx: 6 })}/>`,
      `${indent}  <text${attrs({ class: 'scope-label', x: s.x + 8, y: s.y + 15 })}>${xml(s.scope.label)}</text>`,
      ...scopeTrees(s.scope.id, `${indent}  `),
      ...(nodesIn.get(s.scope.id) ?? []).map((n) => nodeSvg(n, `${indent}  `)),
      `${indent}</g>`,
    ].join('\n'));
  const groups = layout.groups.map((g) => [
    `    <g${attrs({ class: 'group', 'data-group': g.group.id })}>`,
    `      <rect${attrs({ x: g.x, y: g.y, width: g.width, height: g.height, rx: 6 })}/>`,
    `      <text${attrs({ class: 'group-label', x: g.x + 8, y: g.y + 16 })}>${xml(g.group.label)}</text>`,
    '    </g>',
  ].join('\n'));
  const edges = layout.edges.map(({ edge, points, label }) => [
    `    <g${attrs({ class: 'edge', 'data-from': edge.from, 'data-to': edge.to })}>`,
    `      <path${attrs({ d: pathData(points), 'marker-end': 'url(#gradlens-arrow)' })}/>`,
    ...(label ? [`      <text${attrs({ class: 'edge-label', x: label.x, y: label.y + label.height - 3 })}>${xml(edge.type)}</text>`] : []),
    '    </g>',
  ].join('\n'));
  const width = Math.ceil(layout.width);
  const height = Math.ceil(layout.height);
  return [
    '<?xml version="1.0" encoding="UTF-8"?>',
    `<svg xmlns="http://www.w3.org/2000/svg"${attrs({ width, height, viewBox: `0 0 ${width} ${height}` })}>`,
    `  <title>${xml(title)}</title>`,
    `  <style>\n${STYLE}\n  </style>`,
    '  <defs>',
    '    <marker id="gradlens-arrow" viewBox="0 0 10 10" refX="10" refY="5" markerWidth="7" markerHeight="7" orient="auto-start-reverse">',
    '      <path class="arrowhead" d="M 0 0 L 10 5 L 0 10 z"/>',
    '    </marker>',
    '  </defs>',
    '  <rect width="100%" height="100%" fill="#ffffff"/>',
    '  <g class="scopes">',
    ...scopeTrees(undefined, '    '),
    '  </g>',
    '  <g class="groups">', ...groups, '  </g>',
    '  <g class="edges">', ...edges, '  </g>',
    '  <g class="nodes">',
    ...(nodesIn.get(undefined) ?? []).map((n) => nodeSvg(n, '    ')),
    '  </g>',
    '</svg>',
    '',
  ].join('\n');
}
