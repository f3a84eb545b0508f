import { formatNumber, type EvaluationResult, type PlotData } from '../../protocol';
import { html, svg } from './dom';
import { exportButtons, exportFileName, standaloneSvg, svgPng, themeColours, type OnExport } from './export';
import { formatFloat } from './format';

const WIDTH = 420;
const HEIGHT = 240;
const MARGIN = { left: 48, right: 12, top: 12, bottom: 28 };

/**
 * f and f′ over a range around the input, and f's tangent at the input, for a function of one
 * scalar; Export CSV (the samples), SVG and PNG (the plot as drawn, its legend under it).
 */
export function plotView(result: EvaluationResult, onExport: OnExport): HTMLElement | undefined {
  const plot = result.plot;
  if (!plot || plot.xs.length < 2) return undefined;
  const at = tangentAt(result, plot);
  const ys = [...plot.f, ...plot.df, at.f].filter(finite);
  if (ys.length === 0) {
    return html('section', { class: 'plot' }, html('h3', {}, heading(plot)), html('p', { class: 'note non-finite' }, `f and f′ are not finite anywhere on the range: nothing to plot.`));
  }
  const x0 = Math.min(...plot.xs);
  const x1 = Math.max(...plot.xs);
  let y0 = Math.min(...ys);
  let y1 = Math.max(...ys);
  if (y0 === y1) [y0, y1] = [y0 - 1, y1 + 1];
  const sx = (x: number): number => MARGIN.left + ((x - x0) / (x1 - x0)) * (WIDTH - MARGIN.left - MARGIN.right);
  const sy = (y: number): number => HEIGHT - MARGIN.bottom - ((y - y0) / (y1 - y0)) * (HEIGHT - MARGIN.top - MARGIN.bottom);
  const line = (values: readonly number[]): string =>
    plot.xs.map((x, i) => (finite(values[i]) ? `${sx(x)},${sy(values[i])}` : '')).filter((p) => p).join(' ');
  // The tangent y = f(a) + f'(a)(x - a), drawn across the range and clipped to the plot area.
  const tangent = (x: number): number => at.f + at.df * (x - at.x);
  const clip = `gradlens-plot-clip`;
  const legend = html('p', { class: 'legend' },
    html('span', { class: 'key f' }, 'f'), ' ',
    html('span', { class: 'key df' }, 'f′'), ' ',
    tangentLegend(plot.param, at),
  );
  const drawn = svg(
      'svg',
      { class: 'plot-view', width: WIDTH, height: HEIGHT, viewBox: `0 0 ${WIDTH} ${HEIGHT}`, role: 'img', 'aria-label': `plot of f and its derivative in ${plot.param}` },
      svg('defs', {}, svg('clipPath', { id: clip }, svg('rect', { x: MARGIN.left, y: MARGIN.top, width: WIDTH - MARGIN.left - MARGIN.right, height: HEIGHT - MARGIN.top - MARGIN.bottom }))),
      svg('g', { class: 'axes' },
        svg('line', { x1: MARGIN.left, y1: HEIGHT - MARGIN.bottom, x2: WIDTH - MARGIN.right, y2: HEIGHT - MARGIN.bottom }),
        svg('line', { x1: MARGIN.left, y1: MARGIN.top, x2: MARGIN.left, y2: HEIGHT - MARGIN.bottom }),
        ...(y0 < 0 && y1 > 0 ? [svg('line', { class: 'zero', x1: MARGIN.left, y1: sy(0), x2: WIDTH - MARGIN.right, y2: sy(0) })] : []),
        svg('text', { x: MARGIN.left, y: HEIGHT - 8, 'text-anchor': 'middle' }, tick(x0)),
        svg('text', { x: WIDTH - MARGIN.right, y: HEIGHT - 8, 'text-anchor': 'end' }, tick(x1)),
        svg('text', { x: MARGIN.left - 4, y: MARGIN.top + 10, 'text-anchor': 'end' }, tick(y1)),
        svg('text', { x: MARGIN.left - 4, y: HEIGHT - MARGIN.bottom, 'text-anchor': 'end' }, tick(y0)),
      ),
      svg('g', { 'clip-path': `url(#${clip})` },
        svg('polyline', { class: 'curve f', points: line(plot.f) }),
        svg('polyline', { class: 'curve df', points: line(plot.df) }),
        ...(finite(at.f) && finite(at.df) ? [svg('line', { class: 'tangent', x1: sx(x0), y1: sy(tangent(x0)), x2: sx(x1), y2: sy(tangent(x1)) })] : []),
      ),
      ...(finite(at.f) ? [svg('circle', { class: 'at', cx: sx(at.x), cy: sy(at.f), r: 3.5 })] : []),
  );
  const title = `${result.function}: ${heading(plot)}`;
  const exports = exportButtons('plot of f and f′', ['csv', 'svg', 'png'], async (format) => {
    const fileName = exportFileName([result.function, 'plot'], format);
    if (format === 'csv') return onExport({ fileName, format, content: plotCsv(plot) });
    const drawing = standaloneSvg(drawn, title, legendKeys(legend), themeColours());
    onExport({ fileName, format, content: format === 'svg' ? drawing.text : await svgPng(drawing.text, drawing.width, drawing.height) });
  });
  return html('section', { class: 'plot' }, html('div', { class: 'plot-head' }, html('h3', {}, heading(plot)), ...exports), drawn, legend);
}

/**
 * The samples as CSV: the input, f and f′ at each, one row a sample (`x,f,df/dx`). NB: a
 * value that crossed JSON as null (NaN or an infinity, which one unknown) is an empty field.
 */
export function plotCsv(plot: PlotData): string {
  const cell = (v: number | null): string => (v === null ? '' : formatNumber(v));
  return `${plot.param},f,df/d${plot.param}\n${plot.xs.map((x, i) => `${cell(x)},${cell(plot.f[i])},${cell(plot.df[i])}\n`).join('')}`;
}

/** The legend's keys as the export draws them: each one's text and the element whose colour it takes. */
function legendKeys(legend: HTMLElement): { readonly text: string; readonly swatch: Element }[] {
  return Array.from(legend.querySelectorAll('span')).map((key) => ({ text: key.textContent ?? '', swatch: key }));
}

function heading(plot: PlotData): string {
  return `f and f′ around ${plot.param} = ${formatFloat(plot.at)}`;
}

/** NB: a value that crossed JSON (VS Code's postMessage) arrives as null where it was NaN or ±Inf. */
function finite(v: number | null): v is number {
  return Number.isFinite(v);
}

/** The tangent's key, or why there is none: at a NaN or infinite f or f′ there is no point to draw it through. */
function tangentLegend(param: string, at: { x: number; f: number; df: number }): HTMLElement {
  const where = `${param} = ${formatFloat(at.x)}`;
  const shown = (v: number | null): string => formatFloat(v ?? NaN);
  if (!finite(at.f)) return html('span', { class: 'note non-finite' }, `no tangent at ${where}: f is ${shown(at.f)}`);
  if (!finite(at.df)) return html('span', { class: 'note non-finite' }, `no tangent at ${where}: f′ is ${shown(at.df)}`);
  return html('span', { class: 'key tangent' }, `tangent at ${where}: slope ${formatFloat(at.df)}`);
}

/** The point of tangency: the evaluated value and gradient when scalar, else read off the samples. */
function tangentAt(result: EvaluationResult, plot: PlotData): { x: number; f: number; df: number } {
  const g = result.grad[plot.param];
  if (typeof result.value === 'number' && typeof g === 'number') return { x: plot.at, f: result.value, df: g };
  let nearest = 0;
  for (let i = 1; i < plot.xs.length; i++) if (Math.abs(plot.xs[i] - plot.at) < Math.abs(plot.xs[nearest] - plot.at)) nearest = i;
  return { x: plot.xs[nearest], f: plot.f[nearest], df: plot.df[nearest] };
}

function tick(v: number): string {
  return Math.abs(v) >= 1e4 || (Math.abs(v) < 1e-3 && v !== 0) ? v.toExponential(1) : String(Number(v.toPrecision(3)));
}
