/**
 * matplotlib's Figure (its Axes placed on a grid of subplots, a suptitle, a size) and the NumPy
 * object array `plt.subplots(2, 2)` returns its Axes in (`axes[0, 1]`, `axes.flat`, `axes.ravel()`).
 */
import type { FigureData } from '../../../protocol/figures';
import {
  bindArgs, HaltError, type HostContext, iterate, HostObject, hostType, type Kwargs, PyBuiltin, PyDict, PyList, pyError, type PyModule, PySlice, PyTuple,
  PyType, type PyValue, sliceIndices, toFloat, toIndex, truthy,
} from '../interpreter';
import { Axes, type FigureLink } from './axes';
import { AxesState, type GridPlace } from './axes_state';
import { Handle, notModelled } from './handles';

export const FIGURE_TYPE = hostType('Figure', 'matplotlib.figure');

/** What a figure tells pyplot: it was saved (`savefig`), so closing it shows it. */
export interface FigureOwner {
  readonly numpy: (ctx: HostContext) => PyModule;
  saved(fig: Figure): void;
}

const gcd = (a: number, b: number): number => (b === 0 ? a : gcd(b, a % b));
const lcm = (a: number, b: number) => (a / gcd(a, b)) * b;

/** A subplot spec `(rows, cols, index)` or `(rows, cols, (first, last))`, 1-based, as add_subplot takes it; `234` for (2, 3, 4). */
export function gridPlace(args: readonly PyValue[], ctx: HostContext): GridPlace {
  let spec = args;
  if (spec.length === 0) spec = [1n, 1n, 1n];
  if (spec.length === 1) {
    const n = Number(toIndex(spec[0], ctx));
    if (n < 111 || n > 999) throw pyError('ValueError', `Integer subplot specification must be a three-digit number, not ${n}`);
    spec = [BigInt(Math.floor(n / 100)), BigInt(Math.floor(n / 10) % 10), BigInt(n % 10)];
  }
  if (spec.length !== 3) throw pyError('TypeError', `subplot() takes 1 or 3 positional arguments but ${spec.length} were given`);
  const rows = Number(toIndex(spec[0], ctx));
  const cols = Number(toIndex(spec[1], ctx));
  const [first, last] = spec[2] instanceof PyTuple ? spec[2].items.map((v) => Number(toIndex(v, ctx))) : [Number(toIndex(spec[2], ctx)), Number(toIndex(spec[2], ctx))];
  if (rows < 1 || cols < 1) throw pyError('ValueError', `Number of rows must be a positive integer, not ${rows < 1 ? rows : cols}`);
  for (const i of [first, last]) {
    if (i < 1 || i > rows * cols) throw pyError('ValueError', `num must be 1 <= num <= ${rows * cols}, not ${i}`);
  }
  const [r0, c0, r1, c1] = [Math.floor((first - 1) / cols), (first - 1) % cols, Math.floor((last - 1) / cols), (last - 1) % cols];
  return { rows, cols, row: Math.min(r0, r1), col: Math.min(c0, c1), rowSpan: Math.abs(r1 - r0) + 1, colSpan: Math.abs(c1 - c0) + 1 };
}

function refuseProjection(kwargs: Kwargs, ctx: HostContext): void {
  const projection = kwargs.get('projection');
  if (projection !== undefined && projection !== null && projection !== 'rectilinear') {
    throw new HaltError('unsupported', `${ctx.repr(projection)} axes (projection=${ctx.repr(projection)}) are not supported by Gradlens; remove the plot, or draw it as 2-D views (ax.plot(x, y), ax.imshow(z))`);
  }
  if (kwargs.has('polar') && truthy(kwargs.get('polar')!, ctx)) throw new HaltError('unsupported', 'polar axes are not supported by Gradlens; remove the plot, or draw it on 2-D axes');
}

export class Figure extends HostObject {
  readonly axes: Axes[] = [];
  suptitle = '';
  savedAs: string | null = null;
  private readonly link: () => FigureLink;

  constructor(
    readonly number: number,
    public width: number,
    public height: number,
    private readonly owner: FigureOwner,
  ) {
    super();
    const link: FigureLink = { value: this, snapshotOf: (ax) => ax.snapshot(ax.place.rows, ax.place.cols) };
    this.link = () => link;
  }

  get pyType(): PyType {
    return FIGURE_TYPE;
  }

  /** A new Axes at `place`, or the one already there (as add_subplot gives back an Axes with the same spec). */
  addAxes(place: GridPlace, kwargs: Kwargs, ctx: HostContext): Axes {
    refuseProjection(kwargs, ctx);
    const same = this.axes.find((a) => JSON.stringify(a.state.place) === JSON.stringify(place));
    if (same) return same;
    const ax = new Axes(new AxesState(place), this.link, this.owner.numpy);
    this.axes.push(ax);
    return ax;
  }

  /** `fig.subplots(nrows, ncols, sharex=, sharey=, squeeze=True)`: one Axes, or an object array of them. */
  grid(rows: number, cols: number, share: { x: PyValue | undefined; y: PyValue | undefined }, squeeze: boolean, kwargs: Kwargs, ctx: HostContext): PyValue {
    const made = Array.from({ length: rows * cols }, (_, k) => this.addAxes({ rows, cols, row: Math.floor(k / cols), col: k % cols, rowSpan: 1, colSpan: 1 }, kwargs, ctx));
    for (const axis of ['x', 'y'] as const) {
      const how = shareMode(share[axis], axis, ctx);
      if (how === 'none') continue;
      const groupOf = (k: number) => (how === 'all' ? 0 : how === 'row' ? Math.floor(k / cols) : k % cols);
      made.forEach((ax, k) => {
        const group = made.filter((_, j) => groupOf(j) === groupOf(k)).map((a) => a.state);
        if (axis === 'x') ax.state.sharesX = group;
        else ax.state.sharesY = group;
      });
    }
    if (squeeze && rows * cols === 1) return made[0];
    const shape = squeeze && (rows === 1 || cols === 1) ? [rows * cols] : [rows, cols];
    return new AxesArray(made, shape);
  }

  /** The figure as data: its Axes on the smallest grid all their specs fit (subplot(2, 1, 1) beside subplot(2, 2, 3)). */
  snapshot(): FigureData {
    const rows = this.axes.reduce((m, a) => lcm(m, a.state.place.rows), 1);
    const cols = this.axes.reduce((m, a) => lcm(m, a.state.place.cols), 1);
    return {
      number: this.number, width: this.width, height: this.height, suptitle: this.suptitle, rows, cols,
      axes: this.axes.map((a) => a.state.snapshot(rows, cols)),
      ...(this.savedAs === null ? {} : { savedAs: this.savedAs }),
    };
  }

  /** `print(fig)`: `Figure(640x480)`. */
  override str(): string {
    return `Figure(${Math.round(this.width * 100)}x${Math.round(this.height * 100)})`;
  }

  override repr(): string {
    return `<Figure size ${Math.round(this.width * 100)}x${Math.round(this.height * 100)} with ${this.axes.length} Axes>`;
  }

  override getattr(name: string, ctx: HostContext): PyValue | undefined {
    const method = (f: (args: PyValue[], kwargs: Kwargs) => PyValue) => new PyBuiltin(name, f, this);
    switch (name) {
      case 'number':
        return BigInt(this.number);
      case 'axes':
        return new PyList([...this.axes]);
      case 'add_subplot':
        return method((args, kwargs) => this.addAxes(gridPlace(args, ctx), kwargs, ctx));
      case 'subplots':
        return method((args, kwargs) => {
          const a = bindArgs('subplots', ['nrows?', 'ncols?', '*', 'sharex?', 'sharey?', 'squeeze?', 'width_ratios?', 'height_ratios?', 'subplot_kw?', 'gridspec_kw?'], args, kwargs, ctx);
          return this.grid(a.int('nrows', 1), a.int('ncols', 1), { x: a.opt('sharex'), y: a.opt('sharey') }, a.bool('squeeze', true), subplotKeywords(a.opt('subplot_kw'), ctx), ctx);
        });
      case 'gca':
        return method(() => this.axes[this.axes.length - 1] ?? this.addAxes(gridPlace([], ctx), new Map(), ctx));
      case 'suptitle':
        return method((args, kwargs) => {
          this.suptitle = ctx.str(bindArgs('suptitle', ['t', '**kwargs'], args, kwargs, ctx).required('t'));
          return new Handle('Text', null, `Text(0.5, 0.98, ${ctx.repr(this.suptitle)})`);
        });
      case 'savefig':
        return method((args, kwargs) => {
          this.savedAs = ctx.str(bindArgs('savefig', ['fname', '*', 'transparent?', '**kwargs'], args, kwargs, ctx).required('fname'));
          this.owner.saved(this);
          return null;
        });
      case 'set_size_inches':
        return method((args, kwargs) => {
          const a = bindArgs('set_size_inches', ['w', 'h?', 'forward?'], args, kwargs, ctx);
          const w = a.required('w');
          [this.width, this.height] = a.opt('h') === undefined ? [...iterate(w, ctx)].map((v) => toFloat(v, ctx)) : [toFloat(w, ctx), a.float('h')];
          return null;
        });
      case 'clf':
      case 'clear':
        return method(() => {
          this.axes.splice(0);
          this.suptitle = '';
          return null;
        });
      case 'colorbar':
        return method(() => new Handle('Colorbar', null));
      // Layout only, or a no-op off a GUI (Jupyter's inline backend shows the figure when the cell ends).
      case 'tight_layout':
      case 'subplots_adjust':
      case 'align_labels':
      case 'show':
        return method(() => null);
      case 'canvas':
        throw new HaltError('unsupported', 'fig.canvas (drawing to a window or a buffer) is not supported by Gradlens; remove it: the figure is shown when the script ends or calls plt.show()');
    }
    if (name.startsWith('__')) return undefined;
    return notModelled('Figure', name);
  }
}

/** subplots' `sharex`/`sharey`: True or 'all', 'row', 'col', False or 'none'. */
function shareMode(v: PyValue | undefined, axis: string, ctx: HostContext): 'all' | 'row' | 'col' | 'none' {
  if (v === undefined || v === false || v === 'none') return 'none';
  if (v === true || v === 'all') return 'all';
  if (v === 'row' || v === 'col') return v;
  throw pyError('ValueError', `${ctx.repr(v)} is not a valid value for share${axis}; supported values are 'all', 'row', 'col', 'none'`);
}

/** `subplot_kw={'projection': '3d'}`: its keywords, for the projection check. */
export function subplotKeywords(v: PyValue | undefined, ctx: HostContext): Kwargs {
  if (v === undefined) return new Map();
  if (!(v instanceof PyDict)) throw pyError('TypeError', `subplot_kw must be a dict, not ${ctx.repr(v)}`);
  return new Map([...v.entries()].map(([k, x]) => [ctx.str(k), x]));
}

export const AXES_ARRAY_TYPE = new PyType('ndarray', { module: 'numpy', nativeName: 'numpy.ndarray' });

/** The NumPy object array of Axes that `subplots` returns: indexed, sliced, iterated, flattened as NumPy does. */
export class AxesArray extends HostObject {
  constructor(
    readonly items: readonly Axes[],
    readonly shape: readonly number[],
  ) {
    super();
  }

  get pyType(): PyType {
    return AXES_ARRAY_TYPE;
  }

  override len(): number {
    return this.shape[0];
  }

  override iter(): Iterable<PyValue> {
    return Array.from({ length: this.shape[0] }, (_, i) => this.row(i));
  }

  private row(i: number): PyValue {
    if (this.shape.length === 1) return this.items[i];
    const n = this.shape[1];
    return new AxesArray(this.items.slice(i * n, (i + 1) * n), [n]);
  }

  override getitem(index: PyValue, ctx: HostContext): PyValue {
    const keys = index instanceof PyTuple ? index.items : [index];
    if (keys.length > this.shape.length) throw pyError('IndexError', `too many indices for array: array is ${this.shape.length}-dimensional, but ${keys.length} were indexed`);
    // Positions along each axis: an int picks one (the axis goes), a slice keeps the axis.
    const picks = this.shape.map((n, d) => {
      const key = keys[d];
      if (key === undefined) return { at: Array.from({ length: n }, (_, k) => k), keep: true };
      if (key instanceof PySlice) {
        const { start, step, count } = sliceIndices(key, n, ctx);
        return { at: Array.from({ length: count }, (_, k) => start + k * step), keep: true };
      }
      let i = Number(toIndex(key, ctx));
      if (i < -n || i >= n) throw pyError('IndexError', `index ${i} is out of bounds for axis ${d} with size ${n}`);
      if (i < 0) i += n;
      return { at: [i], keep: false };
    });
    const strides = this.shape.map((_, d) => this.shape.slice(d + 1).reduce((p, n) => p * n, 1));
    let flat = [0];
    picks.forEach((p, d) => {
      flat = flat.flatMap((base) => p.at.map((i) => base + i * strides[d]));
    });
    const shape = picks.filter((p) => p.keep).map((p) => p.at.length);
    return shape.length === 0 ? this.items[flat[0]] : new AxesArray(flat.map((k) => this.items[k]), shape);
  }

  override getattr(name: string, ctx: HostContext): PyValue | undefined {
    const flat = () => new AxesArray(this.items, [this.items.length]);
    switch (name) {
      case 'shape':
        return new PyTuple(this.shape.map(BigInt));
      case 'ndim':
        return BigInt(this.shape.length);
      case 'size':
        return BigInt(this.items.length);
      case 'flat':
        return flat();
      case 'ravel':
      case 'flatten':
        return new PyBuiltin(name, () => flat(), this);
      case 'tolist':
        return new PyBuiltin(name, () => (this.shape.length === 1 ? new PyList([...this.items]) : new PyList([...this.iter()].map((r) => new PyList([...(r as AxesArray).items])))), this);
      case 'T':
        if (this.shape.length === 1) return this;
        return new AxesArray(Array.from({ length: this.items.length }, (_, k) => this.items[(k % this.shape[0]) * this.shape[1] + Math.floor(k / this.shape[0])]), [this.shape[1], this.shape[0]]);
    }
    if (name.startsWith('__')) return undefined;
    void ctx;
    throw pyError('AttributeError', `'numpy.ndarray' object has no attribute '${name}'`);
  }

  override repr(ctx: HostContext): string {
    const one = (items: readonly Axes[]) => `[${items.map((a) => a.repr(ctx)).join(', ')}]`;
    if (this.shape.length === 1) return `array(${one(this.items)}, dtype=object)`;
    const rows = Array.from({ length: this.shape[0] }, (_, i) => one(this.items.slice(i * this.shape[1], (i + 1) * this.shape[1])));
    return `array([${rows.join(',\n       ')}], dtype=object)`;
  }

  /** NumPy's str of an object array: the items' reprs, space-separated. */
  override str(ctx: HostContext): string {
    const one = (items: readonly Axes[]) => `[${items.map((a) => a.repr(ctx)).join(' ')}]`;
    if (this.shape.length === 1) return one(this.items);
    return `[${Array.from({ length: this.shape[0] }, (_, i) => one(this.items.slice(i * this.shape[1], (i + 1) * this.shape[1]))).join('\n ')}]`;
  }
}
