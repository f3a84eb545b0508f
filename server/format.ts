/** Numbers as Python prints them (`7.0`, `[0.5, -1.0]`), shortened for a lens or an inline hint. */
import { floatRepr } from '../lang/python';
import type { Numbers } from '../protocol';

const MAX_ITEMS = 4;

export function pyNumbers(v: Numbers): string {
  if (typeof v === 'boolean') return v ? 'True' : 'False';
  if (typeof v === 'number') return floatRepr(v);
  const shown = v.slice(0, MAX_ITEMS).map(pyNumbers);
  if (v.length > MAX_ITEMS) shown.push('…');
  return `[${shown.join(', ')}]`;
}

/** `∇x = 7.0, ∇w = [0.5, -1.0]`. */
export function gradText(grad: Readonly<Record<string, Numbers>>): string {
  return Object.entries(grad)
    .map(([name, g]) => `∇${name} = ${pyNumbers(g)}`)
    .join(', ');
}

export function ms(value: number): string {
  if (value >= 100) return `${value.toFixed(0)} ms`;
  if (value >= 1) return `${value.toFixed(1)} ms`;
  return `${value.toPrecision(2)} ms`;
}

/** `jit 3.2× faster` or `jit 1.5× slower`, from steady-state run times. */
export function speedup(eagerMs: number, jitMs: number): string {
  if (!(eagerMs > 0 && jitMs > 0)) return '';
  const ratio = eagerMs / jitMs;
  return ratio >= 1 ? `jit ${ratio.toFixed(1)}× faster` : `jit ${(1 / ratio).toFixed(1)}× slower`;
}
