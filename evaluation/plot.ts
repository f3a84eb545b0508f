/** f and f' of a function of one scalar variable, sampled around the input for the viewer's plot. */
import type { PlotData } from '../protocol/results';

export const PLOT_POINTS = 101;

/**
 * Samples `fAndDf` (f and f' at each x) on PLOT_POINTS points over at ± max(1, |at|). Points where
 * f or f' is not finite are left out: the plot has a gap there (JSON has no NaN); null when hardly
 * any are left.
 */
export async function samplePlot(
  param: string, at: number, fAndDf: (xs: readonly number[]) => Promise<readonly (readonly [number, number])[]>,
): Promise<PlotData | null> {
  const radius = Math.max(1, Math.abs(at));
  const sampled = Array.from({ length: PLOT_POINTS }, (_, i) => at - radius + (2 * radius * i) / (PLOT_POINTS - 1));
  const values = await fAndDf(sampled);
  const xs: number[] = [];
  const f: number[] = [];
  const df: number[] = [];
  sampled.forEach((x, i) => {
    const [y, dy] = values[i];
    if (!Number.isFinite(y) || !Number.isFinite(dy)) return;
    xs.push(x);
    f.push(y);
    df.push(dy);
  });
  return xs.length >= 2 ? { param, at, xs, f, df } : null;
}
