/** What one Axes records as the script draws on it; the pyplot functions and the Axes methods both write here. */
import type { Artist, AxesData, AxisScale, Ticks } from '../../../protocol/figures';
import { viewLimits } from './limits';
import { COLOR_CYCLE } from './style';

/** Where an Axes sits: a cell range of a `rows` x `cols` grid (subplot(2, 2, 3), subplots' cells). */
export interface GridPlace {
  readonly rows: number;
  readonly cols: number;
  readonly row: number;
  readonly col: number;
  readonly rowSpan: number;
  readonly colSpan: number;
}

export class AxesState {
  title = '';
  xlabel = '';
  ylabel = '';
  xlim: [number, number] | null = null;
  ylim: [number, number] | null = null;
  xscale: AxisScale = 'linear';
  yscale: AxisScale = 'linear';
  grid = false;
  legend = false;
  axisOff = false;
  xticks: Ticks | null = null;
  yticks: Ticks | null = null;
  readonly artists: Artist[] = [];
  /** The Axes whose x (y) limits this one shares (`subplots(sharex=True)`), itself included. */
  sharesX: AxesState[] = [this];
  sharesY: AxesState[] = [this];
  /** NB: matplotlib 3.6 keeps two colour cycles an Axes: lines (plot, errorbar, hist) and patches (bar, scatter, fill_between). */
  private lineColors = 0;
  private patchColors = 0;

  constructor(readonly place: GridPlace) {}

  nextLineColor(): string {
    return COLOR_CYCLE[this.lineColors++ % COLOR_CYCLE.length];
  }

  nextPatchColor(): string {
    return COLOR_CYCLE[this.patchColors++ % COLOR_CYCLE.length];
  }

  /** Adds an artist; returns its slot, through which a handle's setters change it. */
  add(a: Artist): { get(): Artist; set(b: Artist): void } {
    const k = this.artists.push(a) - 1;
    return { get: () => this.artists[k], set: (b) => (this.artists[k] = b) };
  }

  clear(): void {
    const { sharesX, sharesY } = this;
    Object.assign(this, new AxesState(this.place), { sharesX, sharesY });
  }

  /** Sets the limits of every Axes sharing this axis. */
  setLimits(axis: 'x' | 'y', limits: [number, number]): void {
    for (const ax of axis === 'x' ? this.sharesX : this.sharesY) {
      if (axis === 'x') ax.xlim = limits;
      else ax.ylim = limits;
    }
  }

  /** The limits shown: the script's, or fitted to the data of every Axes sharing the axis. */
  limits(axis: 'x' | 'y'): [number, number] {
    const group = axis === 'x' ? this.sharesX : this.sharesY;
    return viewLimits({ ...this.recorded(this.place.rows, this.place.cols), artists: group.flatMap((ax) => ax.artists) }, axis);
  }

  /** The recorded data, placed in a figure grid of `rows` x `cols` (a multiple of its own). */
  snapshot(rows: number, cols: number): AxesData {
    // NB: an axis shared with others shows limits fitted to all of their data: they are fixed here.
    return {
      ...this.recorded(rows, cols),
      xlim: this.xlim ?? (this.sharesX.length > 1 ? this.limits('x') : null),
      ylim: this.ylim ?? (this.sharesY.length > 1 ? this.limits('y') : null),
    };
  }

  private recorded(rows: number, cols: number): AxesData {
    const [sr, sc] = [rows / this.place.rows, cols / this.place.cols];
    return {
      row: this.place.row * sr, col: this.place.col * sc, rowSpan: this.place.rowSpan * sr, colSpan: this.place.colSpan * sc,
      title: this.title, xlabel: this.xlabel, ylabel: this.ylabel,
      xlim: this.xlim, ylim: this.ylim, xscale: this.xscale, yscale: this.yscale,
      grid: this.grid, legend: this.legend, axisOff: this.axisOff, xticks: this.xticks, yticks: this.yticks,
      artists: [...this.artists],
    };
  }
}
