/**
 * Training curves: each scalar a loop assigned in the evaluated function (or the script's
 * top-level loops), one value an iteration (`loss`, `acc`), drawn with uPlot (canvas; it sets
 * element styles through the CSSOM, which the page's CSP allows, and its stylesheet is adopted
 * like the panel's). A log-scale toggle where every value is positive; the legend reads the value
 * under the cursor.
 */
import uPlot from 'uplot';
import UPLOT_CSS from 'uplot/dist/uPlot.min.css';
import { lineText, seriesText, type AssignedValue, type CellLines, type EvaluationResult } from '../../protocol';
import { html } from './dom';
import { chartPng, exportButtons, exportFileName, seriesCsv, seriesSvg, themeColours, type OnExport } from './export';

const HEIGHT = 200;

/** The scalar series of a result worth a curve: floats and 0-d tensors (a loop counter is not). */
export function curveSeries(result: EvaluationResult): AssignedValue[] {
  return (result.assignments ?? []).filter((a) => a.series && a.series.values.length > 1 && a.value.type !== 'int' && a.value.type !== 'bool');
}

let adopted = false;

/** A section a curve, or undefined when nothing was recorded in a loop. */
export function curvesView(result: EvaluationResult, cells: readonly CellLines[] | undefined, onExport: OnExport): HTMLElement | undefined {
  const series = curveSeries(result);
  if (series.length === 0) return undefined;
  if (!adopted) {
    const sheet = new CSSStyleSheet();
    sheet.replaceSync(UPLOT_CSS);
    document.adoptedStyleSheets = [...document.adoptedStyleSheets, sheet];
    adopted = true;
  }
  return html('section', { class: 'curves' }, html('h3', {}, 'Loops'), ...series.map((a) => curveView(a, result.function, cells, onExport)));
}

function curveView(a: AssignedValue, fn: string, cells: readonly CellLines[] | undefined, onExport: OnExport): HTMLElement {
  const series = a.series!;
  const steps = series.values.map((_, k) => k * series.stride);
  // NB: uPlot leaves a gap at null; NaN and the infinities would break its scale.
  const values = series.values.map((v) => (Number.isFinite(v) ? v : null));
  const positive = values.every((v) => v === null || v > 0);
  const chart = html('div', { class: 'curve-chart' });
  const toggle = html('input', { type: 'checkbox', class: 'log-scale', ...(positive ? {} : { disabled: '', title: 'a log scale needs every value positive' }) });
  let plot: uPlot | null = null;
  const title = `${a.name} · ${lineText(a.range.line, cells)}`;
  const exports = exportButtons(`values of ${a.name}`, ['csv', 'svg', 'png'], (format) => {
    if (format === 'csv') onExport({ fileName: exportFileName([fn, a.name], 'csv'), format, content: seriesCsv(a) });
    else if (format === 'svg') onExport({ fileName: exportFileName([fn, a.name], 'svg'), format, content: seriesSvg(a, `${fn}: ${title}`, toggle.checked, themeColours()) });
    else if (format === 'png' && plot) onExport({ fileName: exportFileName([fn, a.name], 'png'), format, content: chartPng(plot.ctx.canvas, `${fn}: ${title}`, themeColours()) });
  });
  const section = html(
    'div',
    { class: 'loop-curve', 'data-name': a.name, 'data-points': values.length, 'data-line': a.range.line },
    html('div', { class: 'curve-head' },
      html('span', { class: 'curve-name' }, title),
      html('label', { class: 'curve-log' }, toggle, ' log scale'),
      ...exports,
    ),
    html('p', { class: 'meta' }, seriesText(a)),
    chart,
  );
  const draw = () => {
    plot?.destroy();
    const width = Math.max(280, (chart.clientWidth || 480) - 4);
    plot = new uPlot(options(a.name, width, toggle.checked), [steps, values], chart);
    section.dataset.scale = toggle.checked ? 'log' : 'linear';
  };
  toggle.addEventListener('change', draw);
  // Drawn once the section is in the page (its width known), and again at each resize.
  new ResizeObserver(() => {
    if (chart.isConnected && (!plot || Math.abs(plot.width - chart.clientWidth) > 8)) draw();
  }).observe(chart);
  return section;
}

function options(name: string, width: number, log: boolean): uPlot.Options {
  const style = getComputedStyle(document.body);
  const colour = (variable: string, fallback: string) => style.getPropertyValue(variable).trim() || fallback;
  const text = colour('--vscode-descriptionForeground', '#888');
  const grid = colour('--vscode-panel-border', 'rgba(128,128,128,0.3)');
  const axis = { stroke: text, grid: { stroke: grid, width: 1 }, ticks: { stroke: grid, width: 1 } };
  return {
    width,
    height: HEIGHT,
    scales: { x: { time: false }, y: log ? { distr: 3 } : {} },
    axes: [{ ...axis, label: 'iteration' }, axis],
    series: [
      { label: 'iteration' },
      { label: name, stroke: colour('--vscode-charts-blue', '#3794ff'), width: 1.5, points: { show: false } },
    ],
    cursor: { y: false },
    legend: { live: true },
  };
}
