/**
 * `matplotlib.pyplot` as Jupyter's inline backend runs it: figures are recorded as the script
 * draws, and shown (handed to the session's listener) by `plt.show()`, which then closes them, or
 * when the run ends; a figure saved with `savefig` and closed is shown too. Nothing is written to
 * disk. What Gradlens does not model (3-D axes, animation, interactive mode) stops at its line.
 */
import type { FigureData } from '../../../protocol/figures';
import {
  bindArgs, createModule, HaltError, hashKey, type HostContext, iterate, type ModuleRegistry, type ModuleShim, PyDict, PyList, type PyModule, pyError, pyFunction,
  PyTuple, type PyValue, toFloat, toIndex,
} from '../interpreter';
import { Axes, axesMethods } from './axes';
import { Figure, gridPlace, subplotKeywords } from './figure';
import { Handle } from './handles';

/** Hears each figure as it is shown. */
export type FigureListener = (figure: FigureData) => void;

const DEFAULT_SIZE = [6.4, 4.8] as const;

/** One run's figures. */
class Pyplot {
  readonly figures = new Map<number, Figure>();
  current: Figure | null = null;
  readonly rcParams = new PyDict();
  /** Figures saved since they were last shown. */
  private readonly unshownSaves = new Set<Figure>();

  constructor(
    readonly numpy: (ctx: HostContext) => PyModule,
    private readonly listener: FigureListener | undefined,
  ) {}

  figure(num: number | null, size: readonly number[] | null, ctx: HostContext): Figure {
    if (num !== null && this.figures.has(num)) return (this.current = this.figures.get(num)!);
    const number = num ?? Math.max(0, ...this.figures.keys()) + 1;
    const [w, h] = size ?? this.defaultSize(ctx);
    const fig = new Figure(number, w, h, { numpy: this.numpy, saved: (f) => this.unshownSaves.add(f) });
    this.figures.set(number, fig);
    return (this.current = fig);
  }

  private defaultSize(ctx: HostContext): number[] {
    return sizeOf(ctx.getitem(this.rcParams, 'figure.figsize'), ctx) ?? [...DEFAULT_SIZE];
  }

  gcf(ctx: HostContext): Figure {
    return this.current ?? this.figure(null, null, ctx);
  }

  gca(ctx: HostContext): Axes {
    const fig = this.gcf(ctx);
    return fig.axes[fig.axes.length - 1] ?? fig.addAxes(gridPlace([], ctx), new Map(), ctx);
  }

  private emit(fig: Figure): void {
    this.unshownSaves.delete(fig);
    if (fig.axes.length > 0) this.listener?.(fig.snapshot());
  }

  close(fig: Figure): void {
    if (this.unshownSaves.has(fig)) this.emit(fig);
    this.figures.delete(fig.number);
    if (this.current === fig) this.current = [...this.figures.values()].pop() ?? null;
  }

  /** `plt.show()` inline: every open figure, in number order, then closed. */
  show(): void {
    for (const fig of [...this.figures.values()].sort((a, b) => a.number - b.number)) this.emit(fig);
    this.figures.clear();
    this.current = null;
  }
}

const REFUSED: Readonly<Record<string, string>> = {
  ion: 'interactive mode (plt.ion) is not supported by Gradlens; remove it: figures are shown by plt.show() or when the script ends',
  pause: 'plt.pause() (an animation or live-update loop) is not supported by Gradlens; remove it, and call plt.show() once after the loop',
  draw: 'plt.draw() (redrawing a live figure) is not supported by Gradlens; remove it: figures are shown by plt.show() or when the script ends',
  ginput: 'plt.ginput() (reading mouse clicks) is not supported by Gradlens; remove it',
  waitforbuttonpress: 'plt.waitforbuttonpress() is not supported by Gradlens; remove it',
  connect: 'plt.connect() (GUI events) is not supported by Gradlens; remove it',
};

/** The pyplot functions that act on the current Axes (`plt.plot` is `plt.gca().plot`), by their pyplot names. */
const ON_CURRENT_AXES: Readonly<Record<string, string>> = {
  plot: 'plot', scatter: 'scatter', hist: 'hist', bar: 'bar', imshow: 'imshow', errorbar: 'errorbar', text: 'text',
  semilogy: 'semilogy', semilogx: 'semilogx', loglog: 'loglog', axhline: 'axhline', axvline: 'axvline', fill_between: 'fill_between',
  title: 'set_title', xlabel: 'set_xlabel', ylabel: 'set_ylabel', xscale: 'set_xscale', yscale: 'set_yscale',
  legend: 'legend', grid: 'grid', axis: 'axis', cla: 'cla',
};

function pyplotModule(state: Pyplot): PyModule {
  const onAxes = Object.fromEntries(Object.entries(ON_CURRENT_AXES).map(([name, method]) => [name, pyFunction(name, (args, kwargs, c) => {
    const ax = state.gca(c);
    return axesMethods(() => ({ value: state.gcf(c), snapshotOf: (s) => s.snapshot(s.place.rows, s.place.cols) }))[method](ax.canvas(c), args, kwargs);
  })]));
  const limits = (axis: 'x' | 'y') => pyFunction(`${axis}lim`, (args, kwargs, c) => {
    const ax = state.gca(c);
    const name = args.length || kwargs.size ? `set_${axis}lim` : `get_${axis}lim`;
    return c.call(c.getattr(ax, name), args, kwargs);
  });
  const ticks = (axis: 'x' | 'y') => pyFunction(`${axis}ticks`, (args, kwargs, c) => {
    const a = bindArgs(`${axis}ticks`, ['ticks?', 'labels?', '*', 'minor?', '**kwargs'], args, kwargs, c);
    if (a.opt('ticks') === undefined) {
      if (a.opt('labels') !== undefined) throw pyError('TypeError', 'xticks(): Parameter "labels" can\'t be set without setting "ticks"'.replace('xticks', `${axis}ticks`));
      // NB: rotation=, fontsize= alone only change how the labels look.
      if (a.extraKwargs.size) return null;
      throw new HaltError('unsupported', `reading the ticks (plt.${axis}ticks() with no arguments) is not supported by Gradlens; set them with plt.${axis}ticks(positions, labels)`);
    }
    const ax = state.gca(c);
    const labels = a.opt('labels');
    const setArgs = [a.required('ticks'), ...(labels === undefined ? [] : [labels])];
    const placed = c.call(c.getattr(ax, `set_${axis}ticks`), setArgs);
    const positions = [...iterate(setArgs[0], c)];
    const names = labels === undefined ? positions.map(() => '') : [...iterate(labels, c)].map((l) => c.str(l));
    const texts = positions.map((p, k) => new Handle('Text', null, axis === 'x' ? `Text(${c.repr(p)}, 0, ${c.repr(names[k])})` : `Text(0, ${c.repr(p)}, ${c.repr(names[k])})`));
    return new PyTuple([placed, new PyList(texts)]);
  });
  const figure = pyFunction('figure', (args, kwargs, c) => {
    const a = bindArgs('figure', ['num?', 'figsize?', 'dpi?', 'facecolor?', 'edgecolor?', 'frameon?', 'FigureClass?', 'clear?', '**kwargs'], args, kwargs, c);
    const num = a.opt('num');
    if (typeof num === 'string') throw new HaltError('unsupported', 'plt.figure with a name (a string num) is not supported by Gradlens; number it (plt.figure(2))');
    return state.figure(num === undefined ? null : Number(toIndex(num, c)), sizeOf(a.opt('figsize'), c), c);
  });
  const subplots = pyFunction('subplots', (args, kwargs, c) => {
    const a = bindArgs('subplots', ['nrows?', 'ncols?', '*', 'sharex?', 'sharey?', 'squeeze?', 'width_ratios?', 'height_ratios?', 'subplot_kw?', 'gridspec_kw?', '**fig_kw'], args, kwargs, c);
    const fig = state.figure(null, sizeOf(a.extraKwargs.get('figsize') ?? undefined, c), c);
    const axes = fig.grid(a.int('nrows', 1), a.int('ncols', 1), { x: a.opt('sharex'), y: a.opt('sharey') }, a.bool('squeeze', true), subplotKeywords(a.opt('subplot_kw'), c), c);
    return new PyTuple([fig, axes]);
  });
  const subplot = pyFunction('subplot', (args, kwargs, c) => state.gcf(c).addAxes(gridPlace(args, c), kwargs, c));
  const close = pyFunction('close', (args, kwargs, c) => {
    const which = bindArgs('close', ['fig?'], args, kwargs, c).opt('fig');
    if (which === 'all') [...state.figures.values()].forEach((f) => state.close(f));
    else if (which === undefined) {
      if (state.current) state.close(state.current);
    } else if (which instanceof Figure) state.close(which);
    else {
      const f = state.figures.get(Number(toIndex(which, c)));
      if (f) state.close(f);
    }
    return null;
  });
  const onFigure = (name: string, method: string) => pyFunction(name, (args, kwargs, c) => c.call(c.getattr(state.gcf(c), method), args, kwargs));
  const attrs: Record<string, PyValue> = {
    ...onAxes,
    xlim: limits('x'), ylim: limits('y'), xticks: ticks('x'), yticks: ticks('y'),
    figure, subplots, subplot, close,
    gcf: pyFunction('gcf', (_a, _k, c) => state.gcf(c)),
    gca: pyFunction('gca', (_a, _k, c) => state.gca(c)),
    sca: pyFunction('sca', (args, kwargs, c) => {
      const ax = bindArgs('sca', ['ax'], args, kwargs, c).required('ax');
      if (!(ax instanceof Axes)) throw pyError('TypeError', 'sca() takes an Axes');
      const owner = [...state.figures.values()].find((f) => f.axes.includes(ax));
      if (owner) {
        owner.axes.splice(owner.axes.indexOf(ax), 1);
        owner.axes.push(ax);
        state.current = owner;
      }
      return null;
    }),
    get_fignums: pyFunction('get_fignums', () => new PyList([...state.figures.keys()].sort((x, y) => x - y).map(BigInt))),
    clf: pyFunction('clf', (_a, _k, c) => c.call(c.getattr(state.gcf(c), 'clf'), [])),
    show: pyFunction('show', (args, kwargs, c) => {
      bindArgs('show', ['*', 'block?'], args, kwargs, c);
      state.show();
      return null;
    }),
    savefig: onFigure('savefig', 'savefig'),
    suptitle: onFigure('suptitle', 'suptitle'),
    tight_layout: onFigure('tight_layout', 'tight_layout'),
    subplots_adjust: onFigure('subplots_adjust', 'subplots_adjust'),
    colorbar: pyFunction('colorbar', () => new Handle('Colorbar', null)),
    rcParams: state.rcParams,
    style: createModule('matplotlib.style', { use: pyFunction('use', () => null), available: new PyList([]) }),
    ioff: pyFunction('ioff', () => null),
    isinteractive: pyFunction('isinteractive', () => false),
    ...Object.fromEntries(Object.entries(REFUSED).map(([name, why]) => [name, pyFunction(name, () => {
      throw new HaltError('unsupported', why);
    })])),
  };
  return createModule('matplotlib.pyplot', attrs);
}

function sizeOf(v: PyValue | undefined, ctx: HostContext): number[] | null {
  if (v === undefined || v === null) return null;
  const size = [...iterate(v, ctx)].map((x) => toFloat(x, ctx));
  if (size.length !== 2 || size.some((x) => !(x > 0) || !Number.isFinite(x))) throw pyError('ValueError', `figure size must be positive finite not ${ctx.repr(v)}`);
  return size;
}

export interface PyplotSession {
  readonly modules: ModuleRegistry;
  /** The run ended: its open figures are shown, as Jupyter shows them when a cell ends. */
  end(): void;
}

const PYPLOT_EXPORTS = [...Object.keys(ON_CURRENT_AXES), ...Object.keys(REFUSED), 'xlim', 'ylim', 'xticks', 'yticks', 'figure', 'subplots', 'subplot', 'close', 'gcf', 'gca', 'sca', 'get_fignums', 'clf', 'show', 'savefig', 'suptitle', 'tight_layout', 'subplots_adjust', 'colorbar', 'rcParams', 'style', 'ioff', 'isinteractive'];

/** `matplotlib` and `matplotlib.pyplot` for one run at a time, drawing NumPy's arrays (`numpy`), showing figures to `listener`. */
export function pyplotSession(numpy: (ctx: HostContext) => PyModule, listener?: FigureListener): PyplotSession {
  const key = {};
  const states: Pyplot[] = [];
  const state = (ctx: HostContext) => ctx.state(key, () => {
    const s = new Pyplot(numpy, listener);
    s.rcParams.setByKey(hashKey('figure.figsize')!, 'figure.figsize', new PyList([...DEFAULT_SIZE]));
    states.push(s);
    return s;
  });
  const moduleKey = {};
  const pyplot: ModuleShim = { exports: PYPLOT_EXPORTS, create: (ctx) => ctx.state(moduleKey, () => pyplotModule(state(ctx))) };
  const matplotlib: ModuleShim = {
    exports: ['use', 'pyplot', 'rcParams', '__version__', 'get_backend'],
    create: (ctx) => createModule('matplotlib', {
      use: pyFunction('use', (args, kwargs, c) => {
        bindArgs('use', ['backend', '*', 'force?'], args, kwargs, c);
        return null;
      }),
      get_backend: pyFunction('get_backend', () => 'module://matplotlib_inline.backend_inline'),
      pyplot: pyplot.create(ctx),
      rcParams: state(ctx).rcParams,
      __version__: '3.6.3',
    }),
  };
  return {
    modules: { matplotlib, 'matplotlib.pyplot': pyplot },
    end: () => {
      for (const s of states.splice(0)) s.show();
    },
  };
}

