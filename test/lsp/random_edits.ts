/** Seeded random edits of Python text, broken syntax among them, for the robustness tests. */

/** What people type, and what half-typed code looks like. */
const SNIPPETS = [
  'x', ' ', '\n', '    ', '(', ')', '[', ']', ':', ',', '"', "'", '"""', '#', '@', '\\', '**', ' + ', ' * ',
  'def ', 'def g(x, y=', 'return ', 'if x > 0:\n    ', 'jnp.sin(', 'jax.jit', '@jax.jit\ndef h(z):\n    return z * 2\n',
  'import scipy\n', 'lambda q: ', 'for i in range(3):\n        ', 'f(2.0)\n', '1e-3', ' 0.5', 'torch.', '{', '}', '\t',
  '# gradlens: x=3.0\n', 'import numpy as jnp\n', 'h(1.0)\n', 'open = 1\n', 'open("f")',
];

/** mulberry32: a small seeded generator, so a failing run can be replayed with GRADLENS_SEED. */
export function random(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

/** Replaces a random range (often empty) with a random snippet (or nothing). */
export function randomEdit(text: string, next: () => number): { text: string; from: number; to: number; insert: string } {
  const from = Math.floor(next() * (text.length + 1));
  const to = next() < 0.3 ? Math.min(text.length, from + Math.floor(next() * 12)) : from;
  const insert = next() < 0.8 ? SNIPPETS[Math.floor(next() * SNIPPETS.length)] : '';
  return { text: text.slice(0, from) + insert + text.slice(to), from, to, insert };
}

/**
 * An edit that keeps valid Python valid: a digit of a number changed, a blank or comment line
 * inserted at a line start, or a top-level definition duplicated (lines move, pieces repeat).
 */
export function validEdit(text: string, next: () => number, definitionStarts: readonly number[]): string {
  const lineStarts = [0, ...[...text.matchAll(/\n/g)].map((m) => m.index! + 1)];
  const choice = next();
  if (choice < 0.35) {
    const digits = [...text.matchAll(/(?<![\w.])\d/g)].map((m) => m.index!);
    if (digits.length > 0) {
      const at = digits[Math.floor(next() * digits.length)];
      return text.slice(0, at) + String(Math.floor(next() * 9) + 1) + text.slice(at + 1);
    }
  }
  if (choice < 0.8 || definitionStarts.length < 2) {
    const at = lineStarts[Math.floor(next() * lineStarts.length)];
    return text.slice(0, at) + (next() < 0.5 ? '\n' : '# note\n') + text.slice(at);
  }
  const i = Math.floor(next() * (definitionStarts.length - 1));
  const piece = text.slice(definitionStarts[i], definitionStarts[i + 1]);
  return text.slice(0, definitionStarts[i]) + piece + text.slice(definitionStarts[i]);
}
