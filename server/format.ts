/** Numbers shortened for a lens or an inline hint: scalars in full at their precision, tensors by type and norm. */
import { formatNumbers, summarize, type Numbers } from '../protocol';

/** Gradients named in a lens or a hint before the rest are counted (`+2 more`). */
const MAX_GRADS = 3;

/** `7.0`, `[0.5, -1.0]`, or `f32[4,3] ‖·‖=2.1` past a few numbers. */
export function shortNumbers(v: Numbers): string {
  return Array.isArray(v) && v.length > 0 && !v.some(Array.isArray) && v.length <= 4 ? formatNumbers(v) : summarize(v, '‖·‖');
}

/** `∇x = 7.0, ∇w: f32[4,3] ‖∇‖=0.41`: scalars in full, tensors by type and norm, three at most. */
export function gradText(grad: Readonly<Record<string, Numbers>>): string {
  const entries = Object.entries(grad);
  const shown = entries.slice(0, MAX_GRADS).map(([name, g]) => {
    const short = summarize(g, '‖∇‖');
    return short === formatNumbers(g) ? `∇${name} = ${short}` : `∇${name}: ${short}`;
  });
  if (entries.length > MAX_GRADS) shown.push(`+${entries.length - MAX_GRADS} more`);
  return shown.join(', ');
}

/** `jit 3.2× faster` or `jit 1.5× slower`, from steady-state run times. */
export function speedup(eagerMs: number, jitMs: number): string {
  if (!(eagerMs > 0 && jitMs > 0)) return '';
  const ratio = eagerMs / jitMs;
  return ratio >= 1 ? `jit ${ratio.toFixed(1)}× faster` : `jit ${(1 / ratio).toFixed(1)}× slower`;
}
