import { HEAT_STEPS } from './tensor_table';

/**
 * The panel's stylesheet, adopted by the document (a constructable stylesheet, which the page's
 * CSP allows where an inline <style> would need 'unsafe-inline'). Colours come only from VS Code's
 * theme variables, so light, dark and high-contrast themes all apply.
 */
const CSS = `
body {
  margin: 0;
  padding: 0 12px 12px;
  color: var(--vscode-foreground);
  background: var(--vscode-editor-background);
  font-family: var(--vscode-font-family);
  font-size: var(--vscode-font-size);
}
h2 { font-size: 1.15em; font-weight: 600; margin: 12px 0 4px; font-family: var(--vscode-editor-font-family); }
h3 { font-size: 1em; font-weight: 600; margin: 12px 0 6px; }
.meta, .empty, .graph-status, .speedup, .legend { color: var(--vscode-descriptionForeground); }
.subject { padding: 8px 0 2px; font-family: var(--vscode-editor-font-family); }
.subject .function { font-weight: 600; }
.subject .place, .subject .when { color: var(--vscode-descriptionForeground); }
.subject[data-state="failed"] .when { color: var(--vscode-errorForeground); }
.status { display: flex; align-items: center; gap: 8px; padding: 6px 0; }
.status[hidden] { display: none; }

table.values { border-collapse: collapse; margin: 8px 0; font-family: var(--vscode-editor-font-family); }
table.values th, table.values td { text-align: left; padding: 3px 14px 3px 0; border-bottom: 1px solid var(--vscode-panel-border, var(--vscode-widget-border)); }
table.values thead th { color: var(--vscode-descriptionForeground); font-weight: normal; }
table.values td.shown { font-weight: 600; }
.warning { color: var(--vscode-editorWarning-foreground); }
.error .message { color: var(--vscode-errorForeground); font-family: var(--vscode-editor-font-family); white-space: pre-wrap; }
.error .operands { font-family: var(--vscode-editor-font-family); }

.toolbar { display: flex; align-items: center; flex-wrap: wrap; gap: 6px; padding: 6px 0; }
.graph-kinds { display: inline-flex; gap: 4px; }
.graph-view {
  display: block; width: 100%; height: calc(100vh - 110px); min-height: 240px;
  border: 1px solid var(--vscode-panel-border, var(--vscode-widget-border));
  background: var(--vscode-editor-background);
  cursor: grab; touch-action: none; user-select: none;
}
.graph-view:active { cursor: grabbing; }
.graph-details pre.code, pre.code {
  font-family: var(--vscode-editor-font-family); font-size: var(--vscode-editor-font-size);
  background: var(--vscode-textCodeBlock-background); color: var(--vscode-editor-foreground);
  padding: 8px; overflow: auto; max-height: 40vh; white-space: pre;
}

.node rect { fill: var(--vscode-editorWidget-background); stroke: var(--vscode-editorWidget-border, var(--vscode-contrastBorder)); stroke-width: 1; }
.node.kind-input rect, .node.kind-leaf rect { stroke: var(--vscode-charts-blue); stroke-width: 1.5; }
.node.kind-output rect { stroke: var(--vscode-charts-green); stroke-width: 1.5; }
.node.kind-const rect { stroke-dasharray: 3 2; }
.node.failed rect { stroke: var(--vscode-errorForeground); stroke-width: 2.5; }
.node .heat { stroke: var(--vscode-charts-red); stroke-width: 3; }
.node.linked { cursor: pointer; }
.node.collapsed rect { stroke: var(--vscode-focusBorder); stroke-width: 1.5; }
.node.collapsed .node-label { font-weight: 600; }
.node.linked:hover rect { stroke: var(--vscode-focusBorder); }
.node.selected rect { stroke: var(--vscode-focusBorder); stroke-width: 2.5; }
.node text { text-anchor: middle; pointer-events: none; }
.node-label { fill: var(--vscode-editor-foreground); font-family: var(--vscode-editor-font-family); font-size: 12px; }
.node-type { fill: var(--vscode-descriptionForeground); font-family: var(--vscode-editor-font-family); font-size: 10px; }
.edge path { fill: none; stroke: var(--vscode-editorLineNumber-foreground); stroke-width: 1.2; }
.arrowhead { fill: var(--vscode-editorLineNumber-foreground); }
.edge-label { fill: var(--vscode-descriptionForeground); font-family: var(--vscode-editor-font-family); font-size: 10px; }
.group rect { fill: color-mix(in srgb, var(--group-colour) 10%, transparent); stroke: var(--group-colour); stroke-dasharray: 5 3; }
.group { cursor: pointer; }
/* NB: the label is text in the foreground colour, the box carries the kernel's colour: orange or yellow text on a light theme falls below 3:1. */
.group-label { fill: var(--vscode-foreground); font-size: 11px; font-weight: 600; }
.node.grouped rect { stroke: var(--group-colour); stroke-width: 2; }
/* A scope (an nn.Module call, a function): a quiet box; its header is the button that collapses it. */
.scope-box { fill: color-mix(in srgb, var(--vscode-foreground) 4%, transparent); stroke: var(--vscode-editorWidget-border, var(--vscode-contrastBorder)); stroke-width: 1; }
.scope-header { cursor: pointer; }
.scope-header rect { fill: color-mix(in srgb, var(--vscode-foreground) 7%, transparent); stroke: none; }
.scope-header:hover rect, .scope-header:focus rect { fill: color-mix(in srgb, var(--vscode-focusBorder) 25%, transparent); }
.scope-header:focus, .node.collapsed:focus { outline: none; }
.node.collapsed:focus rect { stroke: var(--vscode-focusBorder); stroke-width: 2.5; }
.scope-label { fill: var(--vscode-foreground); font-family: var(--vscode-editor-font-family); font-size: 11px; font-weight: 600; }
.group-colour-0 { --group-colour: var(--vscode-charts-purple); }
.group-colour-1 { --group-colour: var(--vscode-charts-orange); }
.group-colour-2 { --group-colour: var(--vscode-charts-blue); }
.group-colour-3 { --group-colour: var(--vscode-charts-green); }
.group-colour-4 { --group-colour: var(--vscode-charts-yellow); }
.group-colour-5 { --group-colour: var(--vscode-charts-red); }
/* Level of detail: zoomed out, text would be unreadable specks; the shapes carry the structure. */
.graph-view.low-detail .edge-label, .graph-view.low-detail .node-type, .graph-view.low-detail .group-label, .graph-view.low-detail .scope-label { display: none; }

.bars .bar-label, .bars .bar-value { fill: var(--vscode-foreground); font-size: 12px; }
.bars .bar.eager rect { fill: var(--vscode-charts-blue); }
.bars .bar.jit rect { fill: var(--vscode-charts-purple); }

.plot-view .axes line { stroke: var(--vscode-editorLineNumber-foreground); }
.plot-view .axes line.zero { stroke-dasharray: 2 3; }
.plot-view .axes text { fill: var(--vscode-descriptionForeground); font-size: 10px; }
.plot-view .curve { fill: none; stroke-width: 2; }
.plot-view .curve.f { stroke: var(--vscode-charts-blue); }
.plot-view .curve.df { stroke: var(--vscode-charts-orange); stroke-dasharray: 6 3; }
.plot-view .tangent { stroke: var(--vscode-charts-green); stroke-width: 1.5; }
.plot-view .at { fill: var(--vscode-charts-green); }
.legend .key::before { content: '━ '; }
.legend .key.f::before { color: var(--vscode-charts-blue); }
.legend .key.df::before { color: var(--vscode-charts-orange); }
.legend .key.tangent::before { color: var(--vscode-charts-green); }
.loop-curve { margin: 8px 0 16px; }
.plot-head, .curve-head { display: flex; align-items: center; gap: 12px; font-family: var(--vscode-editor-font-family); }
.curve-name { font-weight: 600; }
.curve-log { color: var(--vscode-descriptionForeground); }
.loop-curve .meta { margin: 2px 0 6px; }
.curve-chart .u-legend { color: var(--vscode-foreground); font-family: var(--vscode-editor-font-family); }

/* A tensor in the results opens as a table: its text is a button that reads as the value. */
button.tensor-open {
  font: inherit; color: var(--vscode-textLink-foreground, var(--vscode-foreground)); background: none; border: none; padding: 0;
  cursor: pointer; text-align: left; text-decoration: underline dotted;
}
button.tensor-open:focus-visible, .tensor-view button:focus-visible, .tensor-view select:focus-visible, .tensor-view input:focus-visible { outline: 1px solid var(--vscode-focusBorder); outline-offset: 1px; }
.tensor-view { margin: 8px 0 16px; border-top: 1px solid var(--vscode-panel-border, var(--vscode-widget-border)); }
.tensor-head { display: flex; align-items: center; gap: 12px; font-family: var(--vscode-editor-font-family); }
.tensor-controls { display: flex; flex-wrap: wrap; align-items: center; gap: 10px; padding: 4px 0; }
.tensor-view select, .tensor-view input {
  color: var(--vscode-dropdown-foreground, var(--vscode-foreground)); background: var(--vscode-dropdown-background, var(--vscode-editor-background));
  border: 1px solid var(--vscode-dropdown-border, var(--vscode-widget-border)); font: inherit;
}
.tensor-view input { width: 5em; }
.tensor-view button:not(.tensor-open) {
  color: var(--vscode-button-secondaryForeground, var(--vscode-foreground)); background: var(--vscode-button-secondaryBackground, transparent);
  border: 1px solid var(--vscode-button-border, var(--vscode-widget-border)); font: inherit; cursor: pointer;
}
.tensor-body { overflow: auto; max-height: 70vh; }
table.tensor-table { border-collapse: collapse; font-family: var(--vscode-editor-font-family); font-variant-numeric: tabular-nums; }
table.tensor-table th { color: var(--vscode-descriptionForeground); font-weight: normal; padding: 2px 6px; }
table.tensor-table td { text-align: right; padding: 2px 6px; border: 1px solid var(--vscode-panel-border, var(--vscode-widget-border)); }
table.tensor-table td.non-finite { color: var(--vscode-errorForeground, var(--vscode-charts-red)); font-weight: 600; box-shadow: inset 0 0 0 2px var(--vscode-errorForeground, var(--vscode-charts-red)); }
${heatRules()}
`;

/** The heatmap's steps: up to 48% of the chart colour over the background, so the cell's text keeps its contrast. */
function heatRules(): string {
  return Array.from({ length: HEAT_STEPS }, (_, i) => {
    const share = Math.round(((i + 1) / HEAT_STEPS) * 48);
    return `table.tensor-table td.heat-p${i + 1} { background: color-mix(in srgb, var(--vscode-charts-blue) ${share}%, var(--vscode-editor-background)); }
table.tensor-table td.heat-n${i + 1} { background: color-mix(in srgb, var(--vscode-charts-red) ${share}%, var(--vscode-editor-background)); }`;
  }).join('\n');
}

export function adoptPanelStyles(doc: Document): void {
  const sheet = new CSSStyleSheet();
  sheet.replaceSync(CSS);
  doc.adoptedStyleSheets = [...doc.adoptedStyleSheets, sheet];
}
