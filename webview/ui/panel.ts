import '@vscode-elements/elements/dist/vscode-tabs/index.js';
import '@vscode-elements/elements/dist/vscode-tab-header/index.js';
import '@vscode-elements/elements/dist/vscode-tab-panel/index.js';
import '@vscode-elements/elements/dist/vscode-button/index.js';
import '@vscode-elements/elements/dist/vscode-progress-ring/index.js';
import { fileNameOf, lineText, type CellLines, type EvaluationOutcome, type EvaluationResult, type PanelView, type SourceRange } from '../../protocol';
import { custom, html } from './dom';
import { GraphViewer } from './graph/viewer';
import { curvesView } from './curves';
import type { Exported } from './export';
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
  /** Whose result the panel shows: function, file, line and when, above every tab. */
  private readonly subject: HTMLElement;
  private readonly graph: GraphViewer;
  /** The latest result of the shown function on each backend, for the per-backend timings. */
  private perBackend = new Map<string, EvaluationResult>();
  private shownFunction: string | undefined;
  /** The document of the shown result, where a clicked node's range is revealed. */
  private uri = '';

  constructor(
    root: HTMLElement,
    private readonly onReveal: (uri: string, range: SourceRange) => void,
    private readonly onExport: (uri: string, exported: Exported) => void,
  ) {
    this.graph = new GraphViewer((range) => this.onReveal(this.uri, range), (exported) => this.onExport(this.uri, exported), () => this.functionName());
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
    this.subject = html('div', { class: 'subject', 'data-state': 'empty' }, 'No function yet.');
    root.replaceChildren(this.subject, this.status, this.tabs);
  }

  /**
   * Shows an outcome; with `view`, switches to that tab. Resolves once the graph is laid out. A
   * failure clears the graph and the timings (they belonged to other text, or to another
   * function); every tab is under a line naming the function, its file and line, and when.
   */
  async show(outcome: EvaluationOutcome, view?: PanelView, where: { readonly line?: number; readonly at?: number; readonly cells?: readonly CellLines[] } = {}): Promise<void> {
    this.progress(undefined);
    if (view) this.select(view);
    const { uri, function: fn } = outcome.ok ? outcome.result : outcome.error;
    this.name(uri, fn, where.line, where.cells, outcome.ok ? 'result' : 'failed', where.at);
    const key = `${uri}#${fn}`;
    if (key !== this.shownFunction) this.perBackend = new Map();
    this.shownFunction = key;
    this.uri = uri;
    if (!outcome.ok) {
      this.panes.results.replaceChildren(errorView(outcome.error));
      this.perBackend = new Map();
      const none = (what: string): string => `${fn}() failed: no ${what}; the error is under Results.`;
      this.panes.compare.replaceChildren(html('p', { class: 'empty' }, none('timings')));
      // The graph recorded up to the op that raised the error, that op marked, where the run drew it.
      const graphs = outcome.error.graphs ?? [];
      await this.graph.show(graphs, graphs[0]?.kind, none('graph'));
      if (!view) this.select('results');
      return;
    }
    const result = outcome.result;
    this.perBackend.set(result.backend.name, result);
    const exported = (e: Exported) => this.onExport(uri, e);
    const plot = plotView(result, exported);
    const curves = curvesView(result, where.cells, exported);
    this.panes.results.replaceChildren(resultsView(result, where.cells), ...(plot ? [plot] : []), ...(curves ? [curves] : []));
    this.panes.compare.replaceChildren(timingsView([...this.perBackend.values()]));
    await this.graph.show(result.graphs ?? [], result.style === 'torch' ? 'tape' : 'forward');
  }

  /** The active editor is on a function (or a file) with no result: nothing of another function stays. */
  async idle(uri: string, fn: string | undefined, line: number | undefined, cells?: readonly CellLines[]): Promise<void> {
    const key = `${uri}#${fn ?? ''}`;
    if (key === this.shownFunction) return;
    this.shownFunction = key;
    this.perBackend = new Map();
    this.uri = uri;
    this.name(uri, fn, line, cells, 'none');
    const what = fn ? `${fn}()` : fileNameOf(uri);
    const hint = `Nothing computed for ${what} yet: click ∇ Compute gradient above ${fn ? 'it' : 'a function'}.`;
    this.panes.results.replaceChildren(html('p', { class: 'empty' }, hint));
    this.panes.compare.replaceChildren(html('p', { class: 'empty' }, hint));
    await this.graph.show([], undefined, hint);
  }

  private name(uri: string, fn: string | undefined, line: number | undefined, cells: readonly CellLines[] | undefined, state: 'result' | 'failed' | 'none', at?: number): void {
    const place = `${fileNameOf(uri)}${line === undefined ? '' : cells ? ` ${lineText(line, cells)}` : `:${line}`}`;
    const when = at === undefined ? [] : [html('span', { class: 'when' }, ` · ${state === 'failed' ? 'failed' : 'computed'} at ${new Date(at).toLocaleTimeString()}`)];
    const status = state === 'none' ? [html('span', { class: 'when' }, ' · not computed yet')] : at === undefined && state === 'failed' ? [html('span', { class: 'when' }, ' · failed')] : [];
    this.subject.dataset.state = state;
    this.subject.dataset.function = fn ?? '';
    this.subject.dataset.uri = uri;
    this.subject.replaceChildren(...(fn ? [html('strong', { class: 'function' }, `${fn}()`), ' in '] : []), html('span', { class: 'place' }, place), ...when, ...status);
  }

  /** The shown function's name (as the subject line names it), or the file's where no function is shown. */
  private functionName(): string {
    return this.subject.dataset.function || fileNameOf(this.uri).replace(/\.\w+$/, '');
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
