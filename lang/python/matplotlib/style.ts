/**
 * matplotlib's styles as plot() reads them: the format string (`'r--'`, `'o-'`, `'C1.'`), colours
 * (single letters, `C0`..`C9`, `tab:` names, hex, CSS names) and the default colour cycle.
 */
import type { LineStyle } from '../../../protocol/figures';
import { pyError, type HostContext, type PyValue, PyTuple, PyList, toFloat } from '../interpreter';

/** matplotlib's default property cycle (`tab10`), `C0`..`C9`. */
export const COLOR_CYCLE = ['#1f77b4', '#ff7f0e', '#2ca02c', '#d62728', '#9467bd', '#8c564b', '#e377c2', '#7f7f7f', '#bcbd22', '#17becf'] as const;

const BASE_COLORS: Readonly<Record<string, string>> = {
  b: '#0000ff', g: '#008000', r: '#ff0000', c: '#00bfbf', m: '#bf00bf', y: '#bfbf00', k: '#000000', w: '#ffffff',
};

const TAB_NAMES = ['blue', 'orange', 'green', 'red', 'purple', 'brown', 'pink', 'gray', 'olive', 'cyan'];

const LINE_STYLES: readonly LineStyle[] = ['--', '-.', '-', ':'];
export const MARKERS = new Set(['.', ',', 'o', 'v', '^', '<', '>', '1', '2', '3', '4', '8', 's', 'p', '*', 'h', 'H', '+', 'x', 'D', 'd', '|', '_', 'P', 'X']);

/** A colour as CSS writes it; raises matplotlib's ValueError for one it cannot read. */
export function cssColor(v: PyValue, ctx: HostContext): string {
  if (typeof v === 'string') {
    const name = v.toLowerCase();
    if (BASE_COLORS[v]) return BASE_COLORS[v];
    const cycle = /^c(\d)$/.exec(name);
    if (cycle) return COLOR_CYCLE[Number(cycle[1])];
    if (name.startsWith('tab:') && TAB_NAMES.includes(name.slice(4))) return COLOR_CYCLE[TAB_NAMES.indexOf(name.slice(4))];
    if (/^#([0-9a-f]{6}|[0-9a-f]{8}|[0-9a-f]{3})$/.test(name)) return name;
    if (/^[a-z]+$/.test(name)) return name;
    // A grey level as a string: '0.5'.
    const grey = Number(name);
    if (name.trim() !== '' && grey >= 0 && grey <= 1) {
      const byte = Math.round(grey * 255).toString(16).padStart(2, '0');
      return `#${byte}${byte}${byte}`;
    }
    throw pyError('ValueError', `${ctx.repr(v)} is not a valid value for color`);
  }
  if (v instanceof PyTuple || v instanceof PyList) {
    const parts = v.items.map((x) => toFloat(x, ctx));
    if ((parts.length === 3 || parts.length === 4) && parts.every((p) => p >= 0 && p <= 1)) {
      const [r, g, b] = parts.map((p) => Math.round(p * 255));
      return parts.length === 4 ? `rgba(${r},${g},${b},${parts[3]})` : `rgb(${r},${g},${b})`;
    }
  }
  throw pyError('ValueError', `${ctx.repr(v)} is not a valid value for color`);
}

export interface FormatSpec {
  readonly color: string | null;
  readonly linestyle: LineStyle | null;
  readonly marker: string | null;
}

/** plot()'s format string, as matplotlib's `_process_plot_format` reads it. */
export function parseFormat(fmt: string, ctx: HostContext): FormatSpec {
  let color: string | null = null;
  let linestyle: LineStyle | null = null;
  let marker: string | null = null;
  const bad = (why: string) => pyError('ValueError', `${ctx.repr(fmt)} is not a valid format string (${why})`);
  let i = 0;
  while (i < fmt.length) {
    const style = LINE_STYLES.find((s) => fmt.startsWith(s, i));
    if (style) {
      if (linestyle !== null) throw bad('two linestyle symbols');
      linestyle = style;
      i += style.length;
      continue;
    }
    const c = fmt[i];
    if (MARKERS.has(c)) {
      if (marker !== null) throw bad('two marker symbols');
      marker = c;
      i += 1;
    } else if (BASE_COLORS[c]) {
      if (color !== null) throw bad('two color symbols');
      color = BASE_COLORS[c];
      i += 1;
    } else if (c === 'C' && /\d/.test(fmt[i + 1] ?? '')) {
      if (color !== null) throw bad('two color symbols');
      color = COLOR_CYCLE[Number(fmt[i + 1])];
      i += 2;
    } else throw bad(`unrecognized character ${ctx.repr(c)}`);
  }
  // A marker alone draws no line, as matplotlib's 'o'.
  if (linestyle === null && marker !== null) linestyle = 'none';
  return { color, linestyle, marker };
}

/** A `linestyle=` keyword: the symbols or their names. */
export function lineStyleOf(v: PyValue, ctx: HostContext): LineStyle {
  const names: Readonly<Record<string, LineStyle>> = { solid: '-', dashed: '--', dashdot: '-.', dotted: ':', None: 'none', none: 'none', '': 'none', ' ': 'none' };
  if (typeof v === 'string') {
    if ((LINE_STYLES as readonly string[]).includes(v)) return v as LineStyle;
    if (names[v]) return names[v];
  }
  if (v === null) return 'none';
  throw pyError('ValueError', `${ctx.repr(v)} is not a valid value for ls; supported values are '-', '--', '-.', ':', 'None', ' ', '', 'solid', 'dashed', 'dashdot', 'dotted'`);
}
