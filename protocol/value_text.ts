/**
 * What a name held, as one line of text for a hover, an inlay hint's tooltip or the panel:
 * `f32[8,3]  min -1.3  max 1.5  mean 0.21`, small values in full (`f32[2]  [0.5, -1.0]`), and a
 * loop's scalars as a sparkline of block characters.
 */
import { formatNumbers, formatSignificant } from './number_text';
import type { AssignedValue, ValueSummary } from './results';

/** `f32[8,3]  min -1.3  max 1.5  mean 0.21`, `float  0.25`, `Linear`. */
export function valueSummaryText(s: ValueSummary): string {
  const parts = [s.type];
  if (s.values !== undefined) parts.push(formatNumbers(s.values));
  if (s.min !== undefined && s.max !== undefined && s.mean !== undefined) {
    parts.push(`min ${formatSignificant(s.min, 3)}`, `max ${formatSignificant(s.max, 3)}`, `mean ${formatSignificant(s.mean, 3)}`);
  }
  if (s.nonFinite) parts.push(`${s.nonFinite} NaN/Inf`);
  return parts.join('  ');
}

const BLOCKS = '▁▂▃▄▅▆▇█';

/** The values as block characters, lowest `▁` to highest `█`, at most `width` of them (each the mean of its share); NaN/Inf as a space. */
export function sparkline(values: readonly number[], width = 40): string {
  const n = Math.min(width, values.length);
  const cells = Array.from({ length: n }, (_, i) => {
    const from = Math.floor((i * values.length) / n);
    const to = Math.max(from + 1, Math.floor(((i + 1) * values.length) / n));
    const share = values.slice(from, to);
    return share.reduce((a, b) => a + b, 0) / share.length;
  });
  const finite = cells.filter(Number.isFinite);
  const lo = Math.min(...finite);
  const hi = Math.max(...finite);
  return cells.map((v) => {
    if (!Number.isFinite(v)) return ' ';
    const k = hi > lo ? Math.round(((v - lo) / (hi - lo)) * (BLOCKS.length - 1)) : 0;
    return BLOCKS[k];
  }).join('');
}

/** `4 iterations: first 4.1  last 0.02  min 0.019  max 4.1`, and how the series was kept when it was thinned. */
export function seriesText(record: Pick<AssignedValue, 'series' | 'count' | 'value'>): string {
  const series = record.series ?? { values: [], stride: 1 };
  const count = record.count;
  const finite = series.values.filter(Number.isFinite);
  const first = series.values[0];
  // NB: a thinned series may not keep the last value; the record's own value is it.
  const last = typeof record.value.values === 'number' ? record.value.values : series.values[series.values.length - 1];
  const parts = [`first ${formatSignificant(first, 4)}`, `last ${formatSignificant(last, 4)}`];
  if (finite.length > 0) parts.push(`min ${formatSignificant(Math.min(...finite), 4)}`, `max ${formatSignificant(Math.max(...finite), 4)}`);
  const kept = series.stride > 1 ? ` (every ${series.stride}th of ${count.toLocaleString('en-US')} kept)` : '';
  return `${count.toLocaleString('en-US')} iterations: ${parts.join('  ')}${kept}`;
}
