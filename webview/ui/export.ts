/**
 * What the panel's Export buttons save: the graph as the command line writes it (`gradlens graph
 * --format svg`, graph_layout's graphSvg) and as a PNG of that SVG; a loop's curve as CSV (as
 * `gradlens run --trace` writes it), as an SVG chart and as a PNG of its chart. NB: the webview cannot write files
 * (and its CSP allows no blob: downloads): it posts the content, and the extension asks where to
 * save it.
 */
import { EXPORT_FORMATS, formatNumber, type AssignedValue, type ExportFormat } from '../../protocol';
import { custom, svg } from './dom';

/** What an Export button hands the extension. */
export interface Exported {
  readonly fileName: string;
  readonly format: ExportFormat;
  readonly content: string;
}

export type OnExport = (exported: Exported) => void;

/** A PNG is drawn at twice the drawing's size (sharp on a high-density screen), less where the canvas would pass this side. */
const PNG_SCALE = 2;
const MAX_CANVAS_SIDE = 16_384;
/** The band above a chart where its PNG names what it plots. */
const TITLE_BAND_PX = 28;

/** A file name from what it shows: `loss#1 forward` -> `loss_1-forward`; the extension's dialog lets the user change it. */
export function exportFileName(parts: readonly string[], format: ExportFormat): string {
  const stem = parts.map((p) => p.replace(/[^\w.-]+/g, '_').replace(/^[._]+|_+$/g, '')).filter((p) => p.length > 0).join('-');
  return `${stem || 'gradlens'}.${format}`;
}

/** An `Export SVG`-like button for each format, each calling `save` with what it exports. */
export function exportButtons(what: string, formats: readonly ExportFormat[], save: (format: ExportFormat) => void | Promise<void>): HTMLElement[] {
  return EXPORT_FORMATS.filter((f) => formats.includes(f)).map((format) => {
    const button = custom('vscode-button', { secondary: '', class: 'export', 'data-format': format, title: `Save the ${what} as ${format.toUpperCase()}` }, `Export ${format.toUpperCase()}`);
    button.addEventListener('click', () => void save(format));
    return button;
  });
}

/** A loop's recorded values as CSV: `step,NAME`, one row a kept value, steps as the loop counted them. */
export function seriesCsv(a: AssignedValue): string {
  const series = a.series;
  if (!series) return `step,${a.name}\n`;
  return `step,${a.name}\n${series.values.map((v, k) => `${k * series.stride},${formatNumber(v)}\n`).join('')}`;
}

/** An SVG document drawn as a PNG (base64), at twice its size. NB: through a data: image, which the panel's CSP allows (img-src data:). */
export async function svgPng(svgText: string, width: number, height: number): Promise<string> {
  const image = new Image();
  image.src = `data:image/svg+xml;charset=utf-8,${encodeURIComponent(svgText)}`;
  await image.decode();
  const scale = Math.min(PNG_SCALE, MAX_CANVAS_SIDE / Math.max(width, height, 1));
  const canvas = document.createElement('canvas');
  canvas.width = Math.max(1, Math.round(width * scale));
  canvas.height = Math.max(1, Math.round(height * scale));
  const context = canvas.getContext('2d')!;
  context.drawImage(image, 0, 0, canvas.width, canvas.height);
  return pngBase64(canvas);
}

/**
 * A chart's canvas (uPlot's) as a PNG (base64) under a title, on the theme's background: the
 * chart's canvas is transparent, its axes drawn in the theme's colours, which read only on it.
 */
export function chartPng(source: HTMLCanvasElement, title: string, colours: { readonly background: string; readonly foreground: string; readonly font: string }): string {
  const band = Math.round(TITLE_BAND_PX * (source.width / Math.max(1, source.clientWidth || source.width)));
  const canvas = document.createElement('canvas');
  canvas.width = source.width;
  canvas.height = source.height + band;
  const context = canvas.getContext('2d')!;
  context.fillStyle = colours.background;
  context.fillRect(0, 0, canvas.width, canvas.height);
  context.fillStyle = colours.foreground;
  context.font = `600 ${Math.round(band * 0.5)}px ${colours.font}`;
  context.textBaseline = 'middle';
  context.fillText(title, Math.round(band * 0.3), Math.round(band / 2));
  context.drawImage(source, 0, band);
  return pngBase64(canvas);
}

/** The colours an exported chart takes from the theme. */
export interface ChartColours {
  readonly background: string;
  readonly foreground: string;
  readonly line: string;
  readonly grid: string;
  readonly font: string;
}

/** The theme's colours for an exported chart: its axes are drawn in the theme's text colour, which reads on its background. */
export function themeColours(): ChartColours {
  const style = getComputedStyle(document.body);
  const colour = (variable: string, fallback: string) => style.getPropertyValue(variable).trim() || fallback;
  return {
    background: colour('--vscode-editor-background', '#ffffff'),
    foreground: colour('--vscode-foreground', '#1f1f1f'),
    line: colour('--vscode-charts-blue', '#3794ff'),
    grid: colour('--vscode-panel-border', colour('--vscode-editorLineNumber-foreground', '#888888')),
    font: colour('--vscode-font-family', 'sans-serif'),
  };
}

/** What an element of an exported drawing takes from the panel's style sheet, written on it as presentation attributes. */
const PRESENTATION = ['fill', 'stroke', 'stroke-width', 'stroke-dasharray', 'font-size', 'font-weight'] as const;
/** The bands above and below an exported drawing: its title, its legend. */
const DRAWING_TITLE_PX = 26;
const DRAWING_LEGEND_PX = 22;

/**
 * A drawing of the panel's (an <svg> its style sheet colours) as an SVG document of its own: each
 * element's computed colours and strokes written on it, on the theme's background, under `title`,
 * with the legend's keys under it, each in its own colour (a key's `::before` swatch, else its text).
 */
export function standaloneSvg(drawn: SVGSVGElement, title: string, legend: readonly { readonly text: string; readonly swatch: Element }[], colours: ChartColours): { readonly text: string; readonly width: number; readonly height: number } {
  const width = Number(drawn.getAttribute('width'));
  const drawnHeight = Number(drawn.getAttribute('height'));
  const height = DRAWING_TITLE_PX + drawnHeight + (legend.length ? DRAWING_LEGEND_PX : 0);
  const copy = drawn.cloneNode(true) as SVGSVGElement;
  const originals = Array.from(drawn.querySelectorAll('*'));
  Array.from(copy.querySelectorAll('*')).forEach((element, k) => {
    const style = getComputedStyle(originals[k]);
    for (const property of PRESENTATION) {
      const value = style.getPropertyValue(property);
      if (value) element.setAttribute(property, value);
    }
  });
  const root = svg('svg', { width, height, viewBox: `0 0 ${width} ${height}`, 'font-family': colours.font, 'font-size': 11 },
    svg('rect', { width, height, fill: colours.background }),
    svg('text', { x: 8, y: 17, fill: colours.foreground, 'font-size': 13, 'font-weight': 600 }, title),
    svg('g', { transform: `translate(0, ${DRAWING_TITLE_PX})` }, ...Array.from(copy.childNodes)),
  );
  let x = 8;
  const y = DRAWING_TITLE_PX + drawnHeight + 15;
  for (const key of legend) {
    const swatch = getComputedStyle(key.swatch, '::before');
    const colour = swatch.content && swatch.content !== 'none' ? swatch.color : getComputedStyle(key.swatch).color;
    root.append(
      svg('line', { class: 'legend-key', x1: x, y1: y - 4, x2: x + 14, y2: y - 4, stroke: colour, 'stroke-width': 2 }),
      svg('text', { class: 'legend-text', x: x + 18, y, fill: colours.foreground }, key.text),
    );
    // NB: an estimate of the text's width (the document is not laid out): the keys are short.
    x += 18 + key.text.length * 6.5 + 14;
  }
  return { text: new XMLSerializer().serializeToString(root), width, height };
}

const SVG_SIZE = { width: 640, height: 260, left: 64, right: 16, top: 36, bottom: 36 };

/**
 * A loop's recorded values as an SVG chart: the values against their steps (a gap at NaN and Inf,
 * as the panel's chart leaves), the y axis linear or log as the chart shows it, its ends labelled,
 * under the title, on the theme's background. A document of its own: no script, no style sheet.
 */
export function seriesSvg(a: AssignedValue, title: string, log: boolean, colours: ChartColours): string {
  const { width, height, left, right, top, bottom } = SVG_SIZE;
  const series = a.series ?? { values: [], stride: 1 };
  const scaled = (v: number): number => (log ? Math.log10(v) : v);
  const shown = (v: number): boolean => Number.isFinite(v) && (!log || v > 0);
  const ys = series.values.filter(shown).map(scaled);
  const low = ys.length ? ys.reduce((m, v) => Math.min(m, v)) : 0;
  const high = ys.length ? ys.reduce((m, v) => Math.max(m, v)) : 1;
  const lastStep = Math.max(1, (series.values.length - 1) * series.stride);
  const x = (step: number): number => left + (step / lastStep) * (width - left - right);
  const y = (v: number): number => top + (high === low ? 0.5 : (high - scaled(v)) / (high - low)) * (height - top - bottom);
  // A polyline a run of finite values: a NaN or Inf breaks the line.
  const runs: string[][] = [];
  let run: string[] = [];
  series.values.forEach((v, k) => {
    if (shown(v)) run.push(`${x(k * series.stride).toFixed(2)},${y(v).toFixed(2)}`);
    else if (run.length) (runs.push(run), (run = []));
  });
  if (run.length) runs.push(run);
  const text = (tx: number, ty: number, anchor: string, content: string, extra = ''): string =>
    `<text x="${tx}" y="${ty}" text-anchor="${anchor}" fill="${xml(colours.foreground)}"${extra}>${xml(content)}</text>`;
  const yLabel = (v: number): string => formatNumber(Math.fround(log ? 10 ** v : v));
  const bottomY = height - bottom;
  return [
    `<svg xmlns="http://www.w3.org/2000/svg" width="${width}" height="${height}" viewBox="0 0 ${width} ${height}" font-family="${xml(colours.font)}" font-size="11">`,
    `<rect width="${width}" height="${height}" fill="${xml(colours.background)}"/>`,
    text(12, 20, 'start', title, ' font-size="13" font-weight="600"'),
    `<g class="axes" stroke="${xml(colours.grid)}" stroke-width="1"><line x1="${left}" y1="${top}" x2="${left}" y2="${bottomY}"/><line x1="${left}" y1="${bottomY}" x2="${width - right}" y2="${bottomY}"/></g>`,
    text(left - 6, top + 4, 'end', yLabel(high)),
    text(left - 6, bottomY, 'end', yLabel(low)),
    text(left, bottomY + 16, 'start', '0'),
    text(width - right, bottomY + 16, 'end', String(lastStep)),
    text((left + width - right) / 2, bottomY + 30, 'middle', `iteration${log ? ' (log scale)' : ''}`),
    ...runs.map((r) => `<polyline class="series" fill="none" stroke="${xml(colours.line)}" stroke-width="1.5" points="${r.join(' ')}"/>`),
    '</svg>',
  ].join('\n');
}

function xml(s: string): string {
  return s.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;').replace(/"/g, '&quot;');
}

function pngBase64(canvas: HTMLCanvasElement): string {
  return canvas.toDataURL('image/png').replace(/^data:image\/png;base64,/, '');
}
