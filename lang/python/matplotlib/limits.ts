/**
 * The view limits matplotlib 3.6 gives an Axes the script set none for (`get_xlim()`, the SVG's
 * axes): the data's extent, made non-singular, widened by 5% a side except past a sticky edge
 * (a bar's base, an image's border), in log space on a log axis.
 */
import type { Artist, AxesData } from '../../../protocol/figures';

const MARGIN = 0.05;

interface Extent {
  lo: number;
  hi: number;
  /** Values the margin may not widen the limits past (bar bases, image borders). */
  sticky: number[];
}

function extentOf(artists: readonly Artist[], axis: 'x' | 'y', positive: boolean): Extent | null {
  const e: Extent = { lo: Infinity, hi: -Infinity, sticky: [] };
  const take = (v: number | null) => {
    if (v === null || !Number.isFinite(v) || (positive && v <= 0)) return;
    e.lo = Math.min(e.lo, v);
    e.hi = Math.max(e.hi, v);
  };
  for (const a of artists) {
    switch (a.kind) {
      case 'line':
        (axis === 'x' ? a.x : a.y).forEach((v, k) => {
          const err = axis === 'y' ? a.yerr?.[k] : undefined;
          if (err !== undefined && err !== null && v !== null) {
            take(v - err);
            take(v + err);
          } else take(v);
        });
        break;
      case 'scatter':
        (axis === 'x' ? a.x : a.y).forEach(take);
        break;
      case 'band':
        if (axis === 'x') a.x.forEach(take);
        else [...a.y1, ...a.y2].forEach(take);
        break;
      case 'bars':
        a.left.forEach((l, k) => {
          if (axis === 'x') {
            take(l);
            take(l + a.width[k]);
          } else {
            take(a.bottom[k]);
            take(a.bottom[k] + a.height[k]);
            e.sticky.push(a.bottom[k]);
          }
        });
        break;
      case 'image': {
        const [lo, hi] = [-0.5, (axis === 'x' ? a.cols : a.rows) - 0.5];
        take(lo);
        take(hi);
        e.sticky.push(lo, hi);
        break;
      }
      case 'rule':
        if ((a.axis === 'h') === (axis === 'y')) take(a.at);
        break;
      case 'text':
        break;
    }
  }
  return e.lo <= e.hi ? e : null;
}

/** matplotlib's `Locator.nonsingular` for a linear axis: a zero-width range is widened to ±5% (±0.05 around 0). */
function nonsingular(lo: number, hi: number): [number, number] {
  if (hi - lo > 1e-12 * Math.max(Math.abs(lo), Math.abs(hi))) return [lo, hi];
  if (lo === 0 && hi === 0) return [-0.05, 0.05];
  return [lo - 0.05 * Math.abs(lo), hi + 0.05 * Math.abs(hi)];
}

/** The limits matplotlib shows for one axis of `ax` (the script's own where it set them); image axes run top to bottom. */
export function viewLimits(ax: AxesData, axis: 'x' | 'y'): [number, number] {
  const set = axis === 'x' ? ax.xlim : ax.ylim;
  if (set) return [set[0], set[1]];
  const log = (axis === 'x' ? ax.xscale : ax.yscale) === 'log';
  const e = extentOf(ax.artists, axis, log);
  if (!e) return log ? [1, 10] : [0, 1];
  const to = log ? Math.log10 : (v: number) => v;
  const from = log ? (v: number) => 10 ** v : (v: number) => v;
  let [lo, hi] = nonsingular(to(e.lo), to(e.hi));
  const span = hi - lo;
  const sticky = e.sticky.filter((s) => !log || s > 0).map(to);
  const lowStop = sticky.filter((s) => s <= lo).reduce((m, s) => Math.max(m, s), -Infinity);
  const highStop = sticky.filter((s) => s >= hi).reduce((m, s) => Math.min(m, s), Infinity);
  lo = Math.max(lo - MARGIN * span, lowStop);
  hi = Math.min(hi + MARGIN * span, highStop);
  const limits: [number, number] = [from(lo), from(hi)];
  const image = ax.artists.some((a) => a.kind === 'image');
  return axis === 'y' && image ? [limits[1], limits[0]] : limits;
}
