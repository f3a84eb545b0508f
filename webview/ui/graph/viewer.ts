import type { GraphGroup, GraphNode, GraphScope, GraphView, SourceRange } from '../../../protocol';
import { custom, html, svg } from '../dom';
import { collapseGraph, collapsedOps, findCollapsible, type Collapsible } from '../../../evaluation/graph_layout';
import { graphSvg, layoutGraph, nodeGroups, type GraphLayout } from '../../../evaluation/graph_layout';
import { collapseScopes, defaultOpenScopes, scopeOfNode } from '../../../evaluation/graph_layout';
import { exportButtons, exportFileName, svgPng, type OnExport } from '../export';
import { arrowMarker, renderGraph } from './render';
import { LOW_DETAIL_SCALE, Viewport } from './viewport';

const KIND_TITLES: Record<GraphView['kind'], string> = { forward: 'Forward', gradient: 'Gradient', tape: 'Eager tape' };
const SCOPE_KINDS: Record<GraphScope['kind'], string> = { module: 'module', named_scope: 'named scope', function: 'function' };
/** The size node labels are drawn at in the graph's own units (render.ts, styles.ts' .node-label). */
const LABEL_PX = 12;
/** Where the webview does not say the editor's font size (VS Code's default). */
const DEFAULT_EDITOR_FONT_PX = 14;

/**
 * The graph viewer: one of the result's graphs (forward, gradient, eager tape) laid out and drawn,
 * with pan and zoom, a click on a node revealing its source, and the jaxpr or a kernel's
 * generated source shown on demand below it.
 */
export class GraphViewer {
  readonly element: HTMLElement;
  private readonly kinds: HTMLElement;
  private readonly status: HTMLElement;
  private readonly textButton: HTMLElement;
  private readonly collapseButton: HTMLElement;
  private readonly exportButtons: readonly HTMLElement[];
  private readonly view: SVGSVGElement;
  private readonly content: SVGGElement;
  private readonly details: HTMLElement;
  private readonly viewport: Viewport;
  private current: { graph: GraphView; layout: GraphLayout } | undefined;
  /** The graph chosen, its collapsible ranges, those the user opened, and its scopes open. */
  private source: { graph: GraphView; collapsible: readonly Collapsible[]; expanded: Set<string>; openScopes: Set<string> } | undefined;
  /** Drops a layout that finishes after a newer graph was asked for. */
  private generation = 0;

  /** `subject` names the function whose graphs are shown, for the exported files. */
  constructor(
    private readonly onReveal: (range: SourceRange) => void,
    private readonly onExport: OnExport,
    private readonly subject: () => string,
  ) {
    this.kinds = html('span', { class: 'graph-kinds' });
    const fit = custom('vscode-button', { secondary: '', title: 'Fit the whole graph to the view, however small its labels' }, 'Fit');
    fit.addEventListener('click', () => this.fit(true));
    this.textButton = custom('vscode-button', { secondary: '', title: 'Show the printed jaxpr' }, 'Jaxpr');
    this.textButton.addEventListener('click', () => this.toggleText());
    this.collapseButton = custom('vscode-button', { secondary: '', title: 'Collapse the repeats and chains opened', hidden: '' }, 'Collapse all');
    this.collapseButton.addEventListener('click', () => this.collapseAll());
    this.exportButtons = exportButtons('graph as drawn', ['svg', 'png'], (format) => this.export(format));
    for (const b of this.exportButtons) b.hidden = true;
    this.status = html('span', { class: 'graph-status' });
    this.content = svg('g', { class: 'viewport' });
    this.view = svg('svg', { class: 'graph-view', role: 'img', 'aria-label': 'computation graph' }, arrowMarker(), this.content);
    this.viewport = new Viewport(this.view, this.content, (scale) => this.view.classList.toggle('low-detail', scale < LOW_DETAIL_SCALE));
    this.details = html('div', { class: 'graph-details', hidden: '' });
    this.element = html(
      'section',
      { class: 'graph-viewer', 'data-state': 'empty' },
      html('div', { class: 'toolbar' }, this.kinds, fit, this.textButton, this.collapseButton, ...this.exportButtons, this.status),
      this.view,
      this.details,
    );
  }

  /**
   * Shows `graphs` (replacing what was shown), starting with the graph of `preferred` kind when
   * there is one; with none, clears the view and says `why`.
   */
  async show(graphs: readonly GraphView[], preferred?: GraphView['kind'], why = 'No graph: evaluate with graphs on.'): Promise<void> {
    this.kinds.replaceChildren(
      ...graphs.map((g) => {
        const button = custom('vscode-button', { secondary: '', 'data-kind': g.kind }, KIND_TITLES[g.kind]);
        button.addEventListener('click', () => void this.draw(g));
        return button;
      }),
    );
    const first = graphs.find((g) => g.kind === preferred) ?? graphs[0];
    if (first) await this.draw(first);
    else {
      ++this.generation;
      this.current = undefined;
      this.source = undefined;
      this.content.replaceChildren();
      this.details.hidden = true;
      this.textButton.hidden = true;
      this.collapseButton.hidden = true;
      for (const b of this.exportButtons) b.hidden = true;
      this.status.textContent = why;
      this.element.dataset.state = 'empty';
      delete this.element.dataset.kind;
    }
  }

  private async draw(graph: GraphView): Promise<void> {
    for (const b of Array.from(this.kinds.children)) b.toggleAttribute('secondary', b.getAttribute('data-kind') !== graph.kind);
    this.source = { graph, collapsible: findCollapsible(graph), expanded: new Set(), openScopes: defaultOpenScopes(graph) };
    this.details.hidden = true;
    this.textButton.hidden = graph.text === undefined;
    await this.layOut();
  }

  /** Lays out and draws the chosen graph with its collapsed ranges as they now stand. */
  private async layOut(): Promise<void> {
    const source = this.source;
    if (!source) return;
    const generation = ++this.generation;
    const { graph, collapsible, expanded, openScopes } = source;
    // Closed scopes first: a repeat or body whose ops one of them hides is not drawn apart.
    const scoped = collapseScopes(graph, openScopes);
    const present = new Set(scoped.view.nodes.map((n) => n.id));
    const { view, collapsed } = collapseGraph(scoped.view, collapsible.filter((c) => c.members.every((m) => present.has(m))), expanded);
    this.element.dataset.state = 'laying-out';
    this.status.textContent = `Laying out ${view.nodes.length} nodes…`;
    this.collapseButton.hidden = expanded.size === 0 && sameSet(openScopes, defaultOpenScopes(graph));
    const { width, height } = this.view.getBoundingClientRect();
    const layout = await layoutGraph(view, width > 0 && height > 0 ? width / height : 1);
    if (generation !== this.generation) return;
    this.current = { graph: view, layout };
    const stands = new Map([
      ...[...collapsed].map(([id, c]) => [id, collapsedOps(c, graph)] as const),
      ...[...scoped.collapsed].map(([id, c]) => [id, `${SCOPE_KINDS[c.scope.kind]} ${c.scope.label}: ${c.members} node${c.members === 1 ? '' : 's'}`] as const),
    ]);
    this.content.replaceChildren(
      renderGraph(layout, nodeGroups(view), stands, {
        onNode: (node, range) => {
          for (const n of Array.from(this.content.querySelectorAll('.node.selected'))) n.classList.remove('selected');
          this.content.querySelector(`[data-node="${CSS.escape(node.id)}"]`)?.classList.add('selected');
          this.onReveal(range);
        },
        onGroup: (group) => this.showSource(graph.groups.find((g) => g.id === group.id) ?? group),
        onExpand: (node) => this.expand(node),
        onCollapseScope: (scope) => {
          this.source?.openScopes.delete(scope.id);
          void this.layOut();
        },
      }),
    );
    this.fit();
    const kernels = graph.groups.length;
    const what = scoped.collapsed.size > 0 ? (collapsed.size > 0 ? 'modules and repeats' : 'modules') : 'repeats';
    const drawn = view.nodes.length < graph.nodes.length ? `, ${view.nodes.length} drawn: ${what} collapsed, click one to expand` : '';
    this.status.textContent = `${graph.nodes.length} nodes${drawn} · ${kernels} fused kernel${kernels === 1 ? '' : 's'}${layout.detailed ? '' : ' · large graph: kernels shown as colours, edge types on hover'}`;
    this.element.dataset.state = 'laid-out';
    this.element.dataset.kind = graph.kind;
    for (const b of this.exportButtons) b.hidden = false;
  }

  /**
   * The graph as drawn (its collapsed nodes collapsed) as `gradlens graph --format svg` writes a
   * graph: the same layout, through graph_layout's graphSvg; or that SVG as a PNG.
   */
  private async export(format: 'svg' | 'png' | 'csv'): Promise<void> {
    const shown = this.current;
    if (!shown || format === 'csv') return;
    const fn = this.subject();
    const title = shown.graph.kind === 'gradient' ? `grad(${fn})` : fn;
    const text = graphSvg(shown.layout, title);
    const fileName = exportFileName([fn, shown.graph.kind], format);
    const content = format === 'svg' ? text : await svgPng(text, Math.ceil(shown.layout.width), Math.ceil(shown.layout.height));
    this.onExport({ fileName, format, content });
  }

  /** Opens a collapsed node (repeats, a chain, a scope), revealing the whole source range it stands for. */
  private expand(node: GraphNode): void {
    if (node.range) this.onReveal(node.range);
    const scope = scopeOfNode(node.id);
    if (scope !== undefined) this.source?.openScopes.add(scope);
    else this.source?.expanded.add(node.id);
    void this.layOut();
  }

  /** Closes what was opened: repeats, and scopes back to how the graph was first drawn. */
  private collapseAll(): void {
    if (!this.source) return;
    this.source.expanded.clear();
    this.source.openScopes = defaultOpenScopes(this.source.graph);
    void this.layOut();
  }

  /** Fits the graph again: after its tab became visible (a hidden view has no size to fit to). */
  refit(): void {
    requestAnimationFrame(() => this.fit());
  }

  /**
   * Fits the graph to the view, but never below the scale at which node labels read at the
   * editor's font size: a larger graph opens at its top, to be scrolled. `whole` (the Fit button)
   * shows it all, however small.
   */
  private fit(whole = false): void {
    if (this.view.getBoundingClientRect().width === 0 || !this.current) return;
    const readable = readableScale(this.view);
    this.viewport.fit(this.current.layout.width, this.current.layout.height, whole ? 0 : readable, Math.max(1, readable));
  }

  private toggleText(): void {
    const text = this.current?.graph.text;
    if (text === undefined) return;
    const showing = !this.details.hidden && this.details.dataset.shows === 'jaxpr';
    this.showDetails(showing ? undefined : { heading: `${KIND_TITLES[this.current!.graph.kind]} jaxpr`, text, shows: 'jaxpr' });
  }

  private showSource(group: GraphGroup): void {
    const heading = group.source ? `${group.label}: generated ${group.language ?? 'kernel'} source` : `${group.label}`;
    const text = group.source ?? `${group.nodes.length} ops fused into one kernel; the host sent no generated source for it.`;
    this.showDetails({ heading, text, shows: `group:${group.id}` });
  }

  private showDetails(what: { heading: string; text: string; shows: string } | undefined): void {
    this.details.hidden = what === undefined;
    if (!what) return;
    this.details.dataset.shows = what.shows;
    this.details.replaceChildren(html('h3', {}, what.heading), html('pre', { class: 'code' }, what.text));
  }
}

/** The zoom at which a node label is as large as the editor's text (VS Code sets --vscode-editor-font-size on the page). */
function readableScale(element: Element): number {
  const px = parseFloat(getComputedStyle(element).getPropertyValue('--vscode-editor-font-size'));
  return (Number.isFinite(px) && px > 0 ? px : DEFAULT_EDITOR_FONT_PX) / LABEL_PX;
}

function sameSet(a: ReadonlySet<string>, b: ReadonlySet<string>): boolean {
  return a.size === b.size && [...a].every((x) => b.has(x));
}
