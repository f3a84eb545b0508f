/** f and f' of a function of one scalar variable, sampled around the input for the viewer's plot. */
import type { PlotData } from '../protocol/results';

export const PLOT_POINTS = 101;

/**
 * Samples `fAndDf` on PLOT_POINTS points over at ± max(1, |at|). Points where f or f' is not
 * finite are left out: the plot has a gap there (JSON has no NaN); null when hardly any are left.
 */
export function samplePlot(param: string, at: number, fAndDf: (x: number) => readonly [number, number]): PlotData | null {
  const radius = Math.max(1, Math.abs(at));
  const xs: number[] = [];
  const f: number[] = [];
  const df: number[] = [];
  for (let i = 0; i < PLOT_POINTS; i++) {
    const x = at - radius + (2 * radius * i) / (PLOT_POINTS - 1);
    const [y, dy] = fAndDf(x);
    if (!Number.isFinite(y) || !Number.isFinite(dy)) continue;
    xs.push(x);
    f.push(y);
    df.push(dy);
  }
  return xs.length >= 2 ? { param, at, xs, f, df } : null;
}
