/**
 * `gradlens run`'s line for each figure the script shows, where Jupyter would draw it:
 * `[figure 1: 1 axes, 2 lines ('train', 'test'), title 'loss']`.
 */
import type { Artist, FigureData } from '../protocol/figures';

/** What each artist kind is called in the line, singular and plural. */
const NAMES: Readonly<Record<string, readonly [string, string]>> = {
  line: ['line', 'lines'],
  scatter: ['scatter', 'scatters'],
  bar: ['bar chart', 'bar charts'],
  hist: ['histogram', 'histograms'],
  image: ['image', 'images'],
  band: ['filled band', 'filled bands'],
  rule: ['reference line', 'reference lines'],
  text: ['text', 'texts'],
};

const quoted = (s: string) => `'${s.replace(/\\/g, '\\\\').replace(/'/g, "\\'")}'`;

function kindOf(a: Artist): string {
  return a.kind === 'bars' ? a.chart : a.kind;
}

export function figureLine(fig: FigureData): string {
  const artists = fig.axes.flatMap((ax) => ax.artists);
  const parts = [`${fig.axes.length} axes`];
  for (const kind of Object.keys(NAMES)) {
    const of = artists.filter((a) => kindOf(a) === kind);
    if (of.length === 0) continue;
    const labels = of.flatMap((a) => ('label' in a && a.label !== null ? [quoted(a.label)] : []));
    parts.push(`${of.length} ${NAMES[kind][of.length === 1 ? 0 : 1]}${labels.length ? ` (${labels.join(', ')})` : ''}`);
  }
  const titles = fig.axes.map((ax) => ax.title).filter((t) => t !== '');
  if (fig.suptitle) parts.push(`title ${quoted(fig.suptitle)}`);
  else if (titles.length) parts.push(`${titles.length === 1 ? 'title' : 'titles'} ${titles.map(quoted).join(', ')}`);
  if (fig.savedAs !== undefined) parts.push(`saved as ${quoted(fig.savedAs)}`);
  return `[figure ${fig.number}: ${parts.join(', ')}]`;
}
