/**
 * The matplotlib figures a script showed (`plt.show()`, or open when it ended, as Jupyter's inline
 * backend shows them): what each Axes holds, as data the panel draws and the CLI describes.
 * Plain JSON: a value that is not finite (a gap in a line) is null.
 */

/** A data value; null where matplotlib's was NaN or infinite (the point is left out of the drawing). */
export type DataValue = number | null;

export type LineStyle = '-' | '--' | '-.' | ':' | 'none';
export type AxisScale = 'linear' | 'log';

/** A line (`plot`, `errorbar`'s line, `axhline` spanning the axes). */
export interface LineArtist {
  readonly kind: 'line';
  readonly x: readonly DataValue[];
  readonly y: readonly DataValue[];
  readonly label: string | null;
  /** A CSS colour (`#1f77b4`). */
  readonly color: string;
  readonly linestyle: LineStyle;
  /** matplotlib's marker code (`o`, `s`, `^`, `.`), null for none. */
  readonly marker: string | null;
  /** errorbar's half-heights at each point. */
  readonly yerr?: readonly DataValue[];
}

/** A horizontal or vertical line across the whole axes (`axhline`, `axvline`). */
export interface RuleArtist {
  readonly kind: 'rule';
  readonly axis: 'h' | 'v';
  readonly at: number;
  readonly label: string | null;
  readonly color: string;
  readonly linestyle: LineStyle;
}

export interface ScatterArtist {
  readonly kind: 'scatter';
  readonly x: readonly DataValue[];
  readonly y: readonly DataValue[];
  readonly label: string | null;
  /** One colour for all points, or each point's value mapped through `cmap` (`c=labels`). */
  readonly color: string;
  readonly values?: readonly DataValue[];
  readonly cmap?: string;
  /** Marker area in points², one for all or one a point. */
  readonly sizes: number | readonly number[];
  readonly alpha: number;
}

/** Rectangles from `bar` and `hist`: each bar's left edge, width and height from `bottom`. */
export interface BarsArtist {
  readonly kind: 'bars';
  /** What drew them: `bar` or `hist`. */
  readonly chart: 'bar' | 'hist';
  readonly left: readonly number[];
  readonly width: readonly number[];
  readonly height: readonly number[];
  readonly bottom: readonly number[];
  readonly label: string | null;
  readonly color: string;
  readonly alpha: number;
}

/** The region between two curves (`fill_between`). */
export interface BandArtist {
  readonly kind: 'band';
  readonly x: readonly DataValue[];
  readonly y1: readonly DataValue[];
  readonly y2: readonly DataValue[];
  readonly label: string | null;
  readonly color: string;
  readonly alpha: number;
}

/** A 2-D array drawn as cells (`imshow`), row 0 at the top; `values` row-major. */
export interface ImageArtist {
  readonly kind: 'image';
  readonly rows: number;
  readonly cols: number;
  /** Grey or colour-mapped values; for an RGB(A) image, each cell's 3 or 4 channels in 0..1 one after another. */
  readonly values: readonly DataValue[];
  readonly channels: 1 | 3 | 4;
  readonly cmap: string;
  readonly vmin: number;
  readonly vmax: number;
}

export interface TextArtist {
  readonly kind: 'text';
  readonly x: number;
  readonly y: number;
  readonly text: string;
}

export type Artist = LineArtist | RuleArtist | ScatterArtist | BarsArtist | BandArtist | ImageArtist | TextArtist;

/** Tick positions the script set (`set_xticks`), with their labels when it gave them. */
export interface Ticks {
  readonly at: readonly number[];
  readonly labels: readonly string[] | null;
}

export interface AxesData {
  /** Its place in the figure's grid of subplots, 0-based, spanning `rowSpan` x `colSpan` cells. */
  readonly row: number;
  readonly col: number;
  readonly rowSpan: number;
  readonly colSpan: number;
  readonly title: string;
  readonly xlabel: string;
  readonly ylabel: string;
  /** The limits the script set, null where matplotlib fits them to the data. */
  readonly xlim: readonly [number, number] | null;
  readonly ylim: readonly [number, number] | null;
  readonly xscale: AxisScale;
  readonly yscale: AxisScale;
  readonly grid: boolean;
  /** Whether `legend()` was called: the labelled artists' legend is drawn. */
  readonly legend: boolean;
  /** `axis('off')`: no frame, ticks or labels. */
  readonly axisOff: boolean;
  readonly xticks: Ticks | null;
  readonly yticks: Ticks | null;
  readonly artists: readonly Artist[];
}

export interface FigureData {
  /** matplotlib's figure number (`plt.figure(2)`), from 1. */
  readonly number: number;
  /** figsize in inches. */
  readonly width: number;
  readonly height: number;
  readonly suptitle: string;
  /** The grid the subplots sit in. */
  readonly rows: number;
  readonly cols: number;
  readonly axes: readonly AxesData[];
  /** The file name `savefig` was given (Gradlens writes no file; `gradlens run --plots DIR` writes SVGs). */
  readonly savedAs?: string;
}
