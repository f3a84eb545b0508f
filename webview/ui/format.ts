import type { Numbers, SourceRange } from '../../protocol';

/** Elements shown of a long array before it is cut with an ellipsis. */
const MAX_ELEMENTS = 64;

/**
 * Numbers as Python prints a float tensor's tolist(): `15.0`, `[0.5, -1.0]`, `nan`, `inf`.
 * NB: the protocol's numbers carry no dtype, so an integer result prints as a float would.
 */
export function formatNumbers(x: Numbers): string {
  if (typeof x === 'boolean') return x ? 'True' : 'False';
  if (typeof x === 'number') return formatFloat(x);
  const shown = x.slice(0, MAX_ELEMENTS).map(formatNumbers);
  if (x.length > MAX_ELEMENTS) shown.push(`… ${x.length - MAX_ELEMENTS} more`);
  return `[${shown.join(', ')}]`;
}

export function formatFloat(n: number): string {
  if (Number.isNaN(n)) return 'nan';
  if (!Number.isFinite(n)) return n > 0 ? 'inf' : '-inf';
  if (Number.isInteger(n) && Math.abs(n) < 1e16) return n.toFixed(1);
  return String(n);
}

export function formatMs(ms: number): string {
  if (ms < 1) return `${ms.toFixed(3)} ms`;
  return `${ms.toFixed(ms < 10 ? 2 : 1)} ms`;
}

/** `file.py:4:12`, the place a user can go to. */
export function formatLocation(uri: string, range: SourceRange): string {
  const name = decodeURIComponent(uri.slice(uri.lastIndexOf('/') + 1));
  return `${name}:${range.line}:${range.col}`;
}
