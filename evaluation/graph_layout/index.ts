/**
 * graph_layout: a GraphView placed on a page (ELK's layered layout: nodes, edges, fused kernels,
 * module and function scopes as boxes), with no DOM, so that the panel draws it and the command
 * line writes it as SVG from the same positions.
 */
export { COLLAPSE_ABOVE_NODES, collapseGraph, collapsedOps, findCollapsible, spanningRange, type CollapsedGraph, type Collapsible } from './collapse';
export {
  DETAILED_UP_TO_NODES, layoutGraph, nodeGroups, nodeHeight, nodeWidth,
  type Box, type GraphLayout, type PlacedEdge, type PlacedGroup, type PlacedNode, type PlacedScope, type Point,
} from './layout';
export { collapseScopes, defaultOpenScopes, scopeNodeId, scopeOfNode, SCOPES_OPEN_UP_TO_NODES, type ScopedGraph } from './scopes';
export { graphSvg } from './svg';
