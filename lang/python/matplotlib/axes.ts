/**
 * matplotlib's Axes: the drawing calls (drawing.ts) and the decorations (titles, labels, limits,
 * scales, ticks, legend, grid), as methods (`ax.set_title`) and, through pyplot.ts, as the
 * pyplot functions that act on the current Axes (`plt.title`).
 */
import { bindArgs, HaltError, type HostContext, HostObject, hostType, type Kwargs, PyBuiltin, PyTuple, pyError, type PyModule, type PyType, type PyValue, truthy, PyList, iterate, writeStderr } from '../interpreter';
import type { AxesState } from './axes_state';
import { readVector } from './data';
import { bar, type Canvas, type DrawingCall, errorbar, fillBetween, hist, imshow, logPlot, plot, rule, scatter, text } from './drawing';
import { Handle, notModelled } from './handles';

export const AXES_TYPE = hostType('AxesSubplot', 'matplotlib.axes._subplots');

/** What an Axes knows of its figure (figure.ts), without importing it. */
export interface FigureLink {
  readonly value: PyValue;
  snapshotOf(ax: AxesState): ReturnType<AxesState['snapshot']>;
}

/** The items of a list, tuple or other iterable of labels. */
function sequence(v: PyValue, ctx: HostContext): PyValue[] {
  return [...iterate(v, ctx)];
}

/** A Text handle as matplotlib's repr shows titles and labels: `Text(0.5, 1.0, 'loss')`. */
function label(at: string, s: string, ctx: HostContext): Handle {
  return new Handle('Text', null, `Text(${at}, ${ctx.repr(s)})`);
}

function setText(field: 'title' | 'xlabel' | 'ylabel', at: string): DrawingCall {
  const name = field === 'title' ? 'set_title' : `set_${field}`;
  return ({ ax, ctx }, args, kwargs) => {
    const a = bindArgs(name, [field === 'title' ? 'label' : `${field}`, 'fontdict?', field === 'title' ? 'loc?' : 'labelpad?', '*', 'loc?', '**kwargs'], args, kwargs, ctx);
    const s = ctx.str(a.required(field === 'title' ? 'label' : field));
    ax[field] = s;
    return label(at, s, ctx);
  };
}

/** `set_xlim(left, right)`, `set_xlim((left, right))`, `set_xlim(right=...)`: the new limits. */
function setLimits(axis: 'x' | 'y'): DrawingCall {
  const [lo, hi] = axis === 'x' ? ['left', 'right'] : ['bottom', 'top'];
  return ({ ax, ctx }, args, kwargs) => {
    const a = bindArgs(`set_${axis}lim`, [`${lo}?`, `${hi}?`, 'emit?', 'auto?', '*', `${axis}min?`, `${axis}max?`], args, kwargs, ctx);
    let low = a.opt(lo) ?? a.opt(`${axis}min`);
    let high = a.opt(hi) ?? a.opt(`${axis}max`);
    if ((low instanceof PyTuple || low instanceof PyList) && high === undefined) {
      const both = readVector(low, ctx, `set_${axis}lim`);
      if (both.length !== 2) throw pyError('ValueError', `too many values to unpack (expected 2)`);
      [low, high] = both;
    }
    const current = ax.limits(axis);
    const limits: [number, number] = [low === undefined ? current[0] : readVector(low, ctx, `set_${axis}lim`)[0], high === undefined ? current[1] : readVector(high, ctx, `set_${axis}lim`)[0]];
    if (limits.some((v) => !Number.isFinite(v))) throw pyError('ValueError', `Axis limits cannot be NaN or Inf`);
    ax.setLimits(axis, limits);
    return new PyTuple(limits);
  };
}

function getLimits(axis: 'x' | 'y'): DrawingCall {
  return ({ ax, ctx }, args, kwargs) => {
    bindArgs(`get_${axis}lim`, [], args, kwargs, ctx);
    return new PyTuple(ax.limits(axis));
  };
}

function setScale(axis: 'x' | 'y'): DrawingCall {
  return ({ ax, ctx }, args, kwargs) => {
    const a = bindArgs(`set_${axis}scale`, ['value', '**kwargs'], args, kwargs, ctx);
    const v = a.str('value');
    if (v !== 'linear' && v !== 'log') {
      if (['symlog', 'logit', 'function', 'functionlog', 'asinh'].includes(v)) throw new HaltError('unsupported', `set_${axis}scale('${v}') is not supported by Gradlens; use 'linear' or 'log'`);
      throw pyError('ValueError', `'${v}' is not a valid value for scale; supported values are 'linear', 'log', 'symlog', 'asinh', 'logit', 'function', 'functionlog'`);
    }
    if (axis === 'x') ax.xscale = v;
    else ax.yscale = v;
    return null;
  };
}

function setTicks(axis: 'x' | 'y'): DrawingCall {
  return ({ ax, ctx }, args, kwargs) => {
    const a = bindArgs(`set_${axis}ticks`, ['ticks', 'labels?', '*', 'minor?', '**kwargs'], args, kwargs, ctx);
    if (a.bool('minor', false)) throw new HaltError('unsupported', `set_${axis}ticks(minor=True) is not supported by Gradlens; leave the minor ticks out`);
    const at = readVector(a.required('ticks'), ctx, `set_${axis}ticks`);
    const given = a.opt('labels');
    const labels = given === undefined ? null : sequence(given, ctx).map((s) => ctx.str(s));
    if (labels && labels.length !== at.length) throw pyError('ValueError', `The number of FixedLocator locations (${at.length}), usually from a call to set_ticks, does not match the number of labels (${labels.length}).`);
    const ticks = { at, labels };
    if (axis === 'x') ax.xticks = ticks;
    else ax.yticks = ticks;
    return new PyList(at.map(() => new Handle(axis === 'x' ? 'XTick' : 'YTick', null)));
  };
}

/** `legend()`, `legend(labels)`, `legend(loc=...)`: the labelled artists' legend (labels given name the artists in order). */
const legend: DrawingCall = ({ ax, ctx }, args, kwargs) => {
  const a = bindArgs('legend', ['labels?', 'more?', '**kwargs'], args, kwargs, ctx);
  if (a.opt('more') !== undefined) throw new HaltError('unsupported', 'legend(handles, labels) is not supported by Gradlens; pass label= to each plot call and call legend()');
  const labels = a.opt('labels');
  if (labels !== undefined) {
    const names = sequence(labels, ctx).map((s) => ctx.str(s));
    let k = 0;
    ax.artists.forEach((artist, i) => {
      if (k < names.length && artist.kind !== 'text' && artist.kind !== 'image') ax.artists[i] = { ...artist, label: names[k++] };
    });
  }
  if (!ax.artists.some((artist) => 'label' in artist && artist.label !== null)) {
    // NB: matplotlib logs this through its logger (stderr) and draws an empty legend.
    writeStderr(ctx, 'No artists with labels found to put in legend.  Note that artists whose label start with an underscore are ignored when legend() is called with no argument.\n');
  }
  ax.legend = true;
  return new Handle('Legend', null, undefined, 'Legend');
};

/** `grid(visible=None, which='major', axis='both', **kwargs)`: no arguments toggles it. */
const grid: DrawingCall = ({ ax, ctx }, args, kwargs) => {
  const a = bindArgs('grid', ['visible?', 'which?', 'axis?', '**kwargs'], args, kwargs, ctx);
  const visible = a.opt('visible');
  ax.grid = visible === undefined ? (a.extraKwargs.size > 0 ? true : !ax.grid) : truthy(visible, ctx);
  return null;
};

/** `axis('off')`, `axis('on')`; `axis('equal')` and the others only change the aspect and are taken as they are. */
const axis: DrawingCall = ({ ax, ctx }, args, kwargs) => {
  const a = bindArgs('axis', ['arg?', '*', 'emit?', '**kwargs'], args, kwargs, ctx);
  const arg = a.opt('arg');
  if (arg === false || arg === 'off') ax.axisOff = true;
  else if (arg === true || arg === 'on') ax.axisOff = false;
  else if (typeof arg === 'string' && !['equal', 'scaled', 'tight', 'auto', 'image', 'square'].includes(arg)) {
    throw pyError('ValueError', `Unrecognized string '${arg}' to axis; try 'on' or 'off'`);
  } else if (arg !== undefined && typeof arg !== 'string') {
    const v = readVector(arg, ctx, 'axis');
    if (v.length !== 4) throw pyError('TypeError', 'the first argument to axis() must be an iterable of the form [xmin, xmax, ymin, ymax]');
    ax.setLimits('x', [v[0], v[1]]);
    ax.setLimits('y', [v[2], v[3]]);
  }
  return null;
};

/** `ax.set(title=..., xlabel=..., ylim=...)`: each keyword as its setter. */
function setMany(link: () => FigureLink): DrawingCall {
  return (c, args, kwargs) => {
    if (args.length) throw pyError('TypeError', `Axes.set() takes 1 positional argument but ${args.length + 1} were given`);
    for (const [k, v] of kwargs) {
      const setter = axesMethods(link)[`set_${k}`];
      if (!setter) throw pyError('AttributeError', `AxesSubplot.set() got an unexpected keyword argument '${k}'`);
      setter(c, [v], new Map());
    }
    return null;
  };
}

/** Calls taken as they are: they change only the layout or the look of what Gradlens draws plainly. */
const LAYOUT_ONLY = ['set_aspect', 'tick_params', 'margins', 'set_facecolor', 'label_outer', 'minorticks_on', 'minorticks_off', 'autoscale'];

/** The Axes methods, by name. */
export function axesMethods(link: () => FigureLink): Readonly<Record<string, DrawingCall>> {
  return {
    plot, scatter, hist, bar, imshow, errorbar, text,
    semilogy: logPlot('y'), semilogx: logPlot('x'), loglog: logPlot('xy'),
    axhline: rule('h'), axvline: rule('v'), fill_between: fillBetween,
    set_title: setText('title', '0.5, 1.0'), set_xlabel: setText('xlabel', '0.5, 0'), set_ylabel: setText('ylabel', '0, 0.5'),
    get_title: ({ ax }) => ax.title, get_xlabel: ({ ax }) => ax.xlabel, get_ylabel: ({ ax }) => ax.ylabel,
    set_xlim: setLimits('x'), set_ylim: setLimits('y'), get_xlim: getLimits('x'), get_ylim: getLimits('y'),
    set_xscale: setScale('x'), set_yscale: setScale('y'),
    get_xscale: ({ ax }) => ax.xscale, get_yscale: ({ ax }) => ax.yscale,
    set_xticks: setTicks('x'), set_yticks: setTicks('y'),
    legend, grid, axis, set: setMany(link),
    cla: ({ ax }) => (ax.clear(), null),
    clear: ({ ax }) => (ax.clear(), null),
    ...Object.fromEntries(LAYOUT_ONLY.map((name) => [name, () => null])),
  };
}

export class Axes extends HostObject {
  constructor(
    readonly state: AxesState,
    private readonly link: () => FigureLink,
    private readonly numpy: (ctx: HostContext) => PyModule,
  ) {
    super();
  }

  get pyType(): PyType {
    return AXES_TYPE;
  }

  canvas(ctx: HostContext): Canvas {
    return { ax: this.state, ctx, numpy: () => this.numpy(ctx) };
  }

  override repr(ctx: HostContext): string {
    const parts = [
      ...(this.state.title ? [`title={'center': ${ctx.repr(this.state.title)}}`] : []),
      ...(this.state.xlabel ? [`xlabel=${ctx.repr(this.state.xlabel)}`] : []),
      ...(this.state.ylabel ? [`ylabel=${ctx.repr(this.state.ylabel)}`] : []),
    ];
    return `<AxesSubplot: ${parts.join(', ')}>`;
  }

  /** `str(ax)`: its place in the figure as matplotlib's default subplot parameters give it, `AxesSubplot(0.125,0.11;0.775x0.77)`. */
  override str(): string {
    const p = this.state.place;
    const [left, right, bottom, top, space] = [0.125, 0.9, 0.11, 0.88, 0.2];
    const cellW = (right - left) / (p.cols + space * (p.cols - 1));
    const cellH = (top - bottom) / (p.rows + space * (p.rows - 1));
    const x0 = left + p.col * cellW * (1 + space);
    const y0 = top - (p.row + p.rowSpan - 1) * cellH * (1 + space) - cellH;
    const w = p.colSpan * cellW + (p.colSpan - 1) * space * cellW;
    const h = p.rowSpan * cellH + (p.rowSpan - 1) * space * cellH;
    const g = (x: number) => String(Number(x.toPrecision(6)));
    return `AxesSubplot(${g(x0)},${g(y0)};${g(w)}x${g(h)})`;
  }

  override getattr(name: string, ctx: HostContext): PyValue | undefined {
    if (name === 'figure') return this.link().value;
    if (name === 'get_figure') return new PyBuiltin(name, () => this.link().value, this);
    const call = axesMethods(this.link)[name];
    if (call) return new PyBuiltin(name, (args: PyValue[], kwargs: Kwargs) => call(this.canvas(ctx), args, kwargs), this);
    if (name.startsWith('__')) return undefined;
    return notModelled('Axes', name === 'twinx' || name === 'twiny' ? `${name}() (a second y or x axis)` : name);
  }
}
