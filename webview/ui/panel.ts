import '@vscode-elements/elements/dist/vscode-tabs/index.js';
import '@vscode-elements/elements/dist/vscode-tab-header/index.js';
import '@vscode-elements/elements/dist/vscode-tab-panel/index.js';
import '@vscode-elements/elements/dist/vscode-button/index.js';
import '@vscode-elements/elements/dist/vscode-progress-ring/index.js';
import type { EvaluationOutcome, EvaluationResult, PanelView, SourceRange } from '../../protocol';
import { custom, html } from './dom';
import { GraphViewer } from './graph/viewer';
import { plotView } from './plot';
import { errorView, resultsView } from './results';
import { timingsView } from './timings';

const TABS: readonly { readonly view: PanelView; readonly title: string }[] = [
  { view: 'results', title: 'Results' },
  { view: 'graph', title: 'Graph' },
  { view: 'compare', title: 'Eager vs jit' },
];

/**
 * The panel: tabs for the results (value, gradient per engine, and the plot), the graph viewer,
 * and eager vs jit timings; a status line for evaluations in progress.
 */
export class Panel {
  private readonly tabs: HTMLElement & { selectedIndex: number };
  private readonly panes: Record<PanelView, HTMLElement>;
  private readonly status: HTMLElement;
  private readonly graph: GraphViewer;
  /** The latest result of the shown function on each backend, for the per-backend timings. */
  private perBackend = new Map<string, EvaluationResult>();
  private shownFunction: string | undefined;
  /** The document of the shown result, where a clicked node's range is revealed. */
  private uri = '';

  constructor(root: HTMLElement, private readonly onReveal: (uri: string, range: SourceRange) => void) {
    this.graph = new GraphViewer((range) => this.onReveal(this.uri, range));
    this.panes = {
      results: html('div', { class: 'pane results-pane' }, html('p', { class: 'empty' }, 'Click ∇ Compute gradient above a function to see its value and gradient here.')),
      graph: html('div', { class: 'pane graph-pane' }, this.graph.element),
      compare: html('div', { class: 'pane compare-pane' }, html('p', { class: 'empty' }, 'No timings yet.')),
    };
    this.tabs = custom(
      'vscode-tabs',
      { panel: '' },
      ...TABS.flatMap(({ view, title }) => [
        custom('vscode-tab-header', { slot: 'header', 'data-view': view }, title),
        custom('vscode-tab-panel', { 'data-view': view }, this.panes[view]),
      ]),
    ) as HTMLElement & { selectedIndex: number };
    // The graph is fitted to its view, which has no size while its tab is hidden.
    this.tabs.addEventListener('vsc-tabs-select', () => TABS[this.tabs.selectedIndex]?.view === 'graph' && this.graph.refit());
    this.status = html('div', { class: 'status', role: 'status' });
    root.replaceChildren(this.status, this.tabs);
  }

  /** Shows an outcome; with `view`, switches to that tab. Resolves once the graph is laid out. */
  async show(outcome: EvaluationOutcome, view?: PanelView): Promise<void> {
    this.progress(undefined);
    if (view) this.select(view);
    if (!outcome.ok) {
      this.panes.results.replaceChildren(errorView(outcome.error));
      if (!view) this.select('results');
      return;
    }
    const result = outcome.result;
    const key = `${result.uri}#${result.function}`;
    if (key !== this.shownFunction) this.perBackend = new Map();
    this.shownFunction = key;
    this.perBackend.set(result.backend.name, result);
    this.uri = result.uri;
    const plot = plotView(result);
    this.panes.results.replaceChildren(resultsView(result), ...(plot ? [plot] : []));
    this.panes.compare.replaceChildren(timingsView([...this.perBackend.values()]));
    await this.graph.show(result.graphs ?? [], result.style === 'torch' ? 'tape' : 'forward');
  }

  /** An evaluation in progress (a message), or none. */
  progress(message: string | undefined): void {
    this.status.replaceChildren(...(message ? [custom('vscode-progress-ring', {}), html('span', {}, message)] : []));
    this.status.hidden = message === undefined;
  }

  private select(view: PanelView): void {
    this.tabs.selectedIndex = TABS.findIndex((t) => t.view === view);
    if (view === 'graph') this.graph.refit();
  }
}
