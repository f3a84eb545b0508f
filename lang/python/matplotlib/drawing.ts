/**
 * The Axes drawing calls as matplotlib 3.6 takes their arguments: plot, scatter, hist, bar,
 * imshow, axhline/axvline, fill_between, errorbar, text. Each records an Artist on the Axes and
 * returns matplotlib's handle (handles.ts).
 */
import type { LineArtist, LineStyle } from '../../../protocol/figures';
import { bindArgs, HaltError, type HostContext, type Kwargs, type PyModule, PyList, PyTuple, pyError, type PyValue, toFloat, truthy } from '../interpreter';
import type { AxesState } from './axes_state';
import { type Data, finiteOrNull, readData, readVector } from './data';
import { Handle } from './handles';
import { cssColor, lineStyleOf, MARKERS, parseFormat } from './style';

/** An Axes to draw on, the running script, and NumPy (hist counts as np.histogram does). */
export interface Canvas {
  readonly ax: AxesState;
  readonly ctx: HostContext;
  readonly numpy: () => PyModule;
}

export type DrawingCall = (c: Canvas, args: PyValue[], kwargs: Kwargs) => PyValue;

/** Keywords that change only how an artist looks where Gradlens draws it plainly: taken and left out of the drawing. */
const LOOKS = new Set(['linewidth', 'lw', 'markersize', 'ms', 'zorder', 'markerfacecolor', 'mfc', 'markeredgecolor', 'mec', 'markeredgewidth', 'mew', 'antialiased', 'aa', 'solid_capstyle', 'dash_capstyle', 'edgecolor', 'edgecolors', 'ec', 'linewidths', 'facecolor', 'fc', 'capsize', 'capthick', 'elinewidth', 'ecolor', 'interpolation', 'aspect', 'align', 'rasterized', 'clip_on', 'hatch', 'fontsize', 'ha', 'va', 'horizontalalignment', 'verticalalignment', 'rotation', 'fontweight', 'family', 'fontfamily', 'size', 'weight', 'style', 'bbox', 'transform']);

/** matplotlib's error for a keyword no property takes (`Line2D.set() got an unexpected keyword argument 'foo'`). */
function checkKeywords(artist: string, kwargs: Kwargs, takes: readonly string[]): void {
  for (const k of kwargs.keys()) {
    if (!takes.includes(k) && !LOOKS.has(k)) throw pyError('AttributeError', `${artist}.set() got an unexpected keyword argument '${k}'`);
  }
}

function labelOf(kwargs: Kwargs, ctx: HostContext): string | null {
  const v = kwargs.get('label');
  if (v === undefined || v === null) return null;
  const s = ctx.str(v);
  // NB: matplotlib leaves labels that start with '_' out of the legend.
  return s.startsWith('_') ? null : s;
}

function colorOf(kwargs: Kwargs, ctx: HostContext, ...names: string[]): string | null {
  for (const n of names) {
    const v = kwargs.get(n);
    if (v !== undefined && v !== null) return cssColor(v, ctx);
  }
  return null;
}

function alphaOf(kwargs: Kwargs, ctx: HostContext): number {
  const v = kwargs.get('alpha');
  return v === undefined || v === null ? 1 : toFloat(v, ctx);
}

const shapeText = (d: Data) => `(${d.shape.join(', ')}${d.shape.length === 1 ? ',' : ''})`;

/** The columns of a 1-D or 2-D array, as plot() draws one line a column. */
function columns(d: Data, what: string): number[][] {
  if (d.shape.length <= 1) return [d.values];
  if (d.shape.length > 2) throw pyError('ValueError', `${what} can be no greater than 2D, but have shapes ${shapeText(d)}`);
  const [n, m] = d.shape;
  return Array.from({ length: m }, (_, j) => Array.from({ length: n }, (_, i) => d.values[i * m + j]));
}

const LINE_KEYWORDS = ['label', 'color', 'c', 'linestyle', 'ls', 'marker', 'alpha', 'scalex', 'scaley', 'data'];

/** `plot([x], y, [fmt], [x2], y2, [fmt2], ..., **kwargs)`: a list of Line2D. */
export const plot: DrawingCall = ({ ax, ctx }, args, kwargs) => {
  checkKeywords('Line2D', kwargs, LINE_KEYWORDS);
  if (kwargs.has('data')) throw new HaltError('unsupported', "plot(..., data=...) is not supported by Gradlens; pass the arrays themselves");
  const lines: PyValue[] = [];
  let i = 0;
  while (i < args.length) {
    const isFmt = (k: number) => typeof args[k] === 'string';
    let x: PyValue | null = null;
    let y: PyValue;
    if (i + 1 < args.length && !isFmt(i + 1)) {
      x = args[i];
      y = args[i + 1];
      i += 2;
    } else {
      y = args[i];
      i += 1;
    }
    if (isFmt(i - 1) && x === null && i === 1) throw pyError('TypeError', 'plot got an unexpected str where data was expected');
    const fmt = i < args.length && isFmt(i) ? parseFormat(args[i++] as string, ctx) : { color: null, linestyle: null, marker: null };
    const yd = readData(y, ctx, 'plot');
    const ys = columns(yd, 'y');
    const n = yd.shape.length === 0 ? 1 : yd.shape[0];
    const xd = x === null ? { values: Array.from({ length: n }, (_, k) => k), shape: [n], integral: true } : readData(x, ctx, 'plot');
    const xn = xd.shape.length === 0 ? 1 : xd.shape[0];
    if (xn !== n) throw pyError('ValueError', `x and y must have same first dimension, but have shapes ${shapeText(xd)} and ${shapeText(yd)}`);
    const xs = columns(xd, 'x');
    if (xs.length !== 1 && xs.length !== ys.length) throw pyError('ValueError', `x has ${xs.length} columns but y has ${ys.length} columns`);
    ys.forEach((col, k) => {
      const line: LineArtist = {
        kind: 'line',
        x: finiteOrNull(xs[xs.length === 1 ? 0 : k]),
        y: finiteOrNull(col),
        label: labelOf(kwargs, ctx),
        color: colorOf(kwargs, ctx, 'color', 'c') ?? fmt.color ?? ax.nextLineColor(),
        linestyle: kwargs.has('linestyle') || kwargs.has('ls') ? lineStyleOf(kwargs.get('linestyle') ?? kwargs.get('ls')!, ctx) : fmt.linestyle ?? '-',
        marker: markerOf(kwargs, ctx) ?? fmt.marker,
      };
      lines.push(new Handle('Line2D', ax.add(line)));
    });
  }
  return new PyList(lines);
};

function markerOf(kwargs: Kwargs, ctx: HostContext): string | null {
  const v = kwargs.get('marker');
  if (v === undefined || v === null || v === '' || v === 'None' || v === 'none') return null;
  if (typeof v === 'string' && MARKERS.has(v)) return v;
  throw pyError('ValueError', `Unrecognized marker style ${ctx.repr(v)}`);
}

/** `semilogy`, `semilogx`, `loglog`: plot on log axes. */
export function logPlot(axes: 'x' | 'y' | 'xy'): DrawingCall {
  return (c, args, kwargs) => {
    if (axes.includes('x')) c.ax.xscale = 'log';
    if (axes.includes('y')) c.ax.yscale = 'log';
    return plot(c, args, kwargs);
  };
}

/** `scatter(x, y, s=None, c=None, marker=None, cmap=None, alpha=None, label=None, ...)`: a PathCollection. */
export const scatter: DrawingCall = ({ ax, ctx }, args, kwargs) => {
  const a = bindArgs('scatter', ['x', 'y', 's?', 'c?', 'marker?', 'cmap?', 'norm?', 'vmin?', 'vmax?', 'alpha?', 'linewidths?', '*', 'edgecolors?', 'plotnonfinite?', 'data?', '**kwargs'], args, kwargs, ctx);
  checkKeywords('PathCollection', a.extraKwargs, ['label', 'color']);
  const x = readVector(a.required('x'), ctx, 'scatter');
  const y = readVector(a.required('y'), ctx, 'scatter');
  if (x.length !== y.length) throw pyError('ValueError', 'x and y must be the same size');
  const s = a.opt('s');
  const sizes = s === undefined ? 36 : readVector(s, ctx, 'scatter s');
  if (Array.isArray(sizes) && sizes.length !== 1 && sizes.length !== x.length) throw pyError('ValueError', "s must be a scalar, or float array-like with the same size as x and y");
  const c = a.opt('c');
  const explicit = colorOf(a.extraKwargs, ctx, 'color');
  let color = explicit ?? '';
  let values: number[] | undefined;
  if (c !== undefined) {
    if (typeof c === 'string' || ((c instanceof PyTuple || c instanceof PyList) && c.items.length <= 4 && c.items.length !== x.length && c.items.every((v) => typeof v === 'number'))) color = cssColor(c, ctx);
    else {
      values = readVector(c, ctx, 'scatter c');
      if (values.length !== x.length) throw pyError('ValueError', `'c' argument has ${values.length} elements, which is inconsistent with 'x' and 'y' with size ${x.length}.`);
    }
  }
  if (color === '' && values === undefined) color = ax.nextPatchColor();
  const label = labelOf(a.extraKwargs, ctx);
  const cmap = a.opt('cmap');
  const slot = ax.add({
    kind: 'scatter', x: finiteOrNull(x), y: finiteOrNull(y), label, color,
    ...(values ? { values: finiteOrNull(values), cmap: cmap === undefined ? 'viridis' : ctx.str(cmap) } : {}),
    sizes: Array.isArray(sizes) && sizes.length === 1 ? sizes[0] : sizes, alpha: a.opt('alpha') === undefined ? 1 : a.float('alpha'),
  });
  return new Handle('PathCollection', slot);
};

/** `hist(x, bins=10, range=None, density=False, weights=None, ...)`: (n, bins, patches), n and bins as np.histogram gives them. */
export const hist: DrawingCall = ({ ax, ctx, numpy }, args, kwargs) => {
  const a = bindArgs('hist', ['x', 'bins?', 'range?', 'density?', 'weights?', 'cumulative?', 'bottom?', 'histtype?', 'align?', 'orientation?', 'rwidth?', 'log?', 'color?', 'label?', 'stacked?', '*', 'data?', '**kwargs'], args, kwargs, ctx);
  checkKeywords('Rectangle', a.extraKwargs, ['alpha']);
  const histtype = a.opt('histtype') === undefined ? 'bar' : a.str('histtype');
  if (histtype !== 'bar' && histtype !== 'stepfilled') throw new HaltError('unsupported', `hist(histtype='${histtype}') is not supported by Gradlens; use histtype='bar' (the default)`);
  for (const name of ['cumulative', 'orientation', 'stacked', 'bottom', 'rwidth', 'log']) {
    const v = a.opt(name);
    if (v !== undefined && !(name === 'orientation' && v === 'vertical') && truthy(v, ctx)) throw new HaltError('unsupported', `hist(${name}=...) is not supported by Gradlens; leave it out`);
  }
  const x = a.required('x');
  const data = readData(x, ctx, 'hist');
  if (data.shape.length > 1 && data.shape.filter((n) => n !== 1).length > 1) throw new HaltError('unsupported', 'hist of several datasets (a 2-D array) is not supported by Gradlens; call hist once for each column');
  const np = numpy();
  const histogramKwargs: Kwargs = new Map();
  for (const name of ['bins', 'range', 'weights', 'density']) {
    const v = a.opt(name);
    if (v !== undefined) histogramKwargs.set(name, v);
  }
  const flat = ctx.call(ctx.getattr(np, 'asarray'), [ctx.call(ctx.getattr(ctx.call(ctx.getattr(np, 'asarray'), [x]), 'ravel'), [])]);
  const result = ctx.call(ctx.getattr(np, 'histogram'), [flat], histogramKwargs);
  const [counts, edges] = (result as PyTuple).items;
  // NB: matplotlib's counts are floats (`array([3., 1., 1.])`), whatever np.histogram's dtype.
  const n = ctx.call(ctx.getattr(counts, 'astype'), [ctx.getattr(np, 'float64')]);
  const heights = readVector(n, ctx, 'hist');
  const e = readVector(edges, ctx, 'hist');
  const slot = ax.add({
    kind: 'bars', chart: 'hist',
    left: e.slice(0, -1), width: heights.map((_, k) => e[k + 1] - e[k]), height: heights, bottom: heights.map(() => 0),
    label: labelOf(a.extraKwargs.has('label') ? a.extraKwargs : new Map([['label', a.opt('label') ?? null]]), ctx),
    color: a.opt('color') === undefined ? ax.nextLineColor() : cssColor(a.required('color'), ctx), alpha: alphaOf(a.extraKwargs, ctx),
  });
  return new PyTuple([n, edges, new Handle('BarContainer', slot, `<BarContainer object of ${heights.length} artists>`)]);
};

/** `bar(x, height, width=0.8, bottom=None, *, align='center', ...)`: a BarContainer. */
export const bar: DrawingCall = ({ ax, ctx }, args, kwargs) => {
  const a = bindArgs('bar', ['x', 'height', 'width?', 'bottom?', '*', 'align?', 'data?', '**kwargs'], args, kwargs, ctx);
  checkKeywords('Rectangle', a.extraKwargs, ['label', 'color', 'alpha', 'tick_label']);
  if (a.extraKwargs.has('tick_label')) throw new HaltError('unsupported', 'bar(tick_label=...) is not supported by Gradlens; name the bars with set_xticks(x, labels)');
  const x = readVector(a.required('x'), ctx, 'bar');
  const h = readVector(a.required('height'), ctx, 'bar');
  const n = Math.max(x.length, h.length);
  const spread = (v: number[], what: string) => {
    if (v.length === n) return v;
    if (v.length === 1) return Array.from({ length: n }, () => v[0]);
    throw pyError('ValueError', `shape mismatch: objects cannot be broadcast to a single shape.  Mismatch is between arg 0 with shape (${x.length},) and arg 1 with shape (${v.length},).`.replace('arg 1', what));
  };
  const heights = spread(h, 'arg 1');
  const xs = spread(x, 'arg 0');
  const width = spread(a.opt('width') === undefined ? [0.8] : readVector(a.required('width'), ctx, 'bar'), 'arg 2');
  const bottom = spread(a.opt('bottom') === undefined ? [0] : readVector(a.required('bottom'), ctx, 'bar'), 'arg 3');
  const edge = a.opt('align') === 'edge';
  const slot = ax.add({
    kind: 'bars', chart: 'bar',
    left: xs.map((v, k) => (edge ? v : v - width[k] / 2)), width, height: heights, bottom,
    label: labelOf(a.extraKwargs, ctx), color: colorOf(a.extraKwargs, ctx, 'color') ?? ax.nextPatchColor(), alpha: alphaOf(a.extraKwargs, ctx),
  });
  return new Handle('BarContainer', slot, `<BarContainer object of ${n} artists>`);
};

/** `imshow(X, cmap=None, ..., vmin=None, vmax=None, origin=None, ...)`: an AxesImage. */
export const imshow: DrawingCall = ({ ax, ctx }, args, kwargs) => {
  const a = bindArgs('imshow', ['X', 'cmap?', 'norm?', '*', 'aspect?', 'interpolation?', 'alpha?', 'vmin?', 'vmax?', 'origin?', 'extent?', 'interpolation_stage?', 'filternorm?', 'filterrad?', 'resample?', 'url?', 'data?', '**kwargs'], args, kwargs, ctx);
  checkKeywords('AxesImage', a.extraKwargs, []);
  if (a.opt('extent') !== undefined) throw new HaltError('unsupported', 'imshow(extent=...) is not supported by Gradlens; leave it out (cells are drawn at 0..cols, 0..rows)');
  if (a.opt('norm') !== undefined) throw new HaltError('unsupported', 'imshow(norm=...) is not supported by Gradlens; pass vmin= and vmax=');
  const d = readData(a.required('X'), ctx, 'imshow');
  const rgb = d.shape.length === 3 && (d.shape[2] === 3 || d.shape[2] === 4);
  if (!(d.shape.length === 2 || rgb)) throw pyError('TypeError', `Invalid shape (${d.shape.join(', ')}) for image data`);
  const [rows, cols] = d.shape;
  const channels = rgb ? (d.shape[2] as 3 | 4) : 1;
  const integral = d.integral;
  let values = rgb ? d.values.map((v) => Math.min(1, Math.max(0, integral ? v / 255 : v))) : d.values;
  if (a.opt('origin') === 'lower') {
    const width = cols * channels;
    values = Array.from({ length: rows }, (_, r) => values.slice((rows - 1 - r) * width, (rows - r) * width)).flat();
  }
  const finite = d.values.filter(Number.isFinite);
  const lo = finite.length ? finite.reduce((m, v) => Math.min(m, v)) : 0;
  const hi = finite.length ? finite.reduce((m, v) => Math.max(m, v)) : 1;
  const cmap = a.opt('cmap');
  const slot = ax.add({
    kind: 'image', rows, cols, channels, values: finiteOrNull(values),
    cmap: cmap === undefined ? 'viridis' : ctx.str(cmap),
    vmin: a.opt('vmin') === undefined ? lo : a.float('vmin'), vmax: a.opt('vmax') === undefined ? hi : a.float('vmax'),
  });
  return new Handle('AxesImage', slot, undefined, `AxesImage(size=(${rows}, ${cols}))`);
};

/** `axhline(y=0, xmin=0, xmax=1, **kwargs)` and `axvline(x=0, ...)`: a Line2D across the axes. */
export function rule(axis: 'h' | 'v'): DrawingCall {
  const at = axis === 'h' ? 'y' : 'x';
  return ({ ax, ctx }, args, kwargs) => {
    const a = bindArgs(`ax${axis}line`, [`${at}?`, `${at}min?`, `${at}max?`, '**kwargs'], args, kwargs, ctx);
    checkKeywords('Line2D', a.extraKwargs, ['label', 'color', 'c', 'linestyle', 'ls', 'alpha']);
    const ls = a.extraKwargs.get('linestyle') ?? a.extraKwargs.get('ls');
    const style: LineStyle = ls === undefined ? '-' : lineStyleOf(ls, ctx);
    const slot = ax.add({
      kind: 'rule', axis, at: a.float(at, 0), label: labelOf(a.extraKwargs, ctx),
      // NB: axhline draws in rcParams['lines.color'] ('C0') and does not advance the colour cycle.
      color: colorOf(a.extraKwargs, ctx, 'color', 'c') ?? '#1f77b4', linestyle: style,
    });
    return new Handle('Line2D', slot);
  };
}

/** `fill_between(x, y1, y2=0, where=None, ...)`: a PolyCollection. */
export const fillBetween: DrawingCall = ({ ax, ctx }, args, kwargs) => {
  const a = bindArgs('fill_between', ['x', 'y1', 'y2?', 'where?', 'interpolate?', 'step?', '*', 'data?', '**kwargs'], args, kwargs, ctx);
  checkKeywords('PolyCollection', a.extraKwargs, ['label', 'color', 'alpha']);
  if (a.opt('where') !== undefined || a.opt('step') !== undefined) throw new HaltError('unsupported', 'fill_between(where=..., step=...) is not supported by Gradlens; fill the whole range');
  const x = readVector(a.required('x'), ctx, 'fill_between');
  const along = (v: PyValue | undefined) => {
    const d = v === undefined ? [0] : readVector(v, ctx, 'fill_between');
    if (d.length === 1) return x.map(() => d[0]);
    if (d.length !== x.length) throw pyError('ValueError', `operands could not be broadcast together with shapes (${x.length},) (${d.length},)`);
    return d;
  };
  const slot = ax.add({
    kind: 'band', x: finiteOrNull(x), y1: finiteOrNull(along(a.required('y1'))), y2: finiteOrNull(along(a.opt('y2'))),
    label: labelOf(a.extraKwargs, ctx), color: colorOf(a.extraKwargs, ctx, 'color') ?? ax.nextPatchColor(), alpha: alphaOf(a.extraKwargs, ctx),
  });
  return new Handle('PolyCollection', slot);
};

/** `errorbar(x, y, yerr=None, xerr=None, fmt='', ...)`: an ErrorbarContainer (a line with symmetric y errors). */
export const errorbar: DrawingCall = ({ ax, ctx }, args, kwargs) => {
  const a = bindArgs('errorbar', ['x', 'y', 'yerr?', 'xerr?', 'fmt?', 'ecolor?', 'elinewidth?', 'capsize?', 'barsabove?', 'lolims?', 'uplims?', 'xlolims?', 'xuplims?', 'errorevery?', 'capthick?', '*', 'data?', '**kwargs'], args, kwargs, ctx);
  checkKeywords('Line2D', a.extraKwargs, ['label', 'color', 'c', 'linestyle', 'ls', 'marker', 'alpha']);
  if (a.opt('xerr') !== undefined) throw new HaltError('unsupported', 'errorbar(xerr=...) is not supported by Gradlens; give yerr only');
  const x = readVector(a.required('x'), ctx, 'errorbar');
  const y = readVector(a.required('y'), ctx, 'errorbar');
  if (x.length !== y.length) throw pyError('ValueError', `'x' and 'y' must have the same size`);
  const fmt = parseFormat(a.opt('fmt') === undefined ? '' : a.str('fmt'), ctx);
  let yerr: number[] | undefined;
  if (a.opt('yerr') !== undefined) {
    const d = readData(a.required('yerr'), ctx, 'errorbar');
    if (d.shape.length > 1) throw new HaltError('unsupported', 'errorbar with lower and upper errors (a 2xN yerr) is not supported by Gradlens; give one error a point');
    yerr = d.values.length === 1 ? x.map(() => d.values[0]) : d.values;
    if (yerr.length !== x.length) throw pyError('ValueError', `The lengths of the data (${x.length}) and the error ${yerr.length} do not match`);
    if (yerr.some((v) => v < 0)) throw pyError('ValueError', "'yerr' must not contain negative values");
  }
  const ls = a.extraKwargs.get('linestyle') ?? a.extraKwargs.get('ls');
  const line: LineArtist = {
    kind: 'line', x: finiteOrNull(x), y: finiteOrNull(y), label: labelOf(a.extraKwargs, ctx),
    color: colorOf(a.extraKwargs, ctx, 'color', 'c') ?? fmt.color ?? ax.nextLineColor(),
    linestyle: ls !== undefined ? lineStyleOf(ls, ctx) : fmt.linestyle ?? '-',
    marker: markerOf(a.extraKwargs, ctx) ?? fmt.marker,
    ...(yerr ? { yerr: finiteOrNull(yerr) } : {}),
  };
  return new Handle('ErrorbarContainer', ax.add(line), '<ErrorbarContainer object of 3 artists>');
};

/** `text(x, y, s, fontdict=None, **kwargs)`: a Text at data coordinates. */
export const text: DrawingCall = ({ ax, ctx }, args, kwargs) => {
  const a = bindArgs('text', ['x', 'y', 's', 'fontdict?', '**kwargs'], args, kwargs, ctx);
  checkKeywords('Text', a.extraKwargs, ['color', 'alpha']);
  const s = ctx.str(a.required('s'));
  const slot = ax.add({ kind: 'text', x: a.float('x'), y: a.float('y'), text: s });
  // NB: Text's repr shows x and y as the script gave them: `Text(0, 0, 'a')`, `Text(0.5, 1.0, 'loss')`.
  return new Handle('Text', slot, `Text(${ctx.repr(a.required('x'))}, ${ctx.repr(a.required('y'))}, ${ctx.repr(s)})`);
};
