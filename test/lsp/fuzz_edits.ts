/** Seeded random edits for the server fuzz test, by category, the document kept under a size. */
import { randomEdit } from './random_edits';

export const FUZZ_CATEGORIES = ['fragment', 'broken', 'deep', 'unicode', 'cut'] as const;
export type FuzzCategory = (typeof FUZZ_CATEGORIES)[number];

export interface FuzzEdit {
  readonly category: FuzzCategory;
  readonly text: string;
  readonly from: number;
  readonly to: number;
  readonly insert: string;
}

/** The document stays under this many characters: a bigger one is cut back. */
const MAX_LENGTH = 12_000;

/** Lines people write in numeric Python, whole. */
const FRAGMENTS = [
  'import torch\n', 'import jax\nimport jax.numpy as jnp\n', 'import math\n', 'import numpy as np\n',
  'def loss(w, x):\n    return ((x @ w) ** 2).mean()\n',
  '@jax.jit\ndef step(p, x):\n    return jnp.sum(jnp.tanh(p * x))\n',
  'def softplus(x):\n    return math.log(1.0 + math.exp(x))\n',
  '    y = torch.relu(x) * 2\n', '    if x > 0:\n        return x\n', '    return jnp.where(x > 0, x, 0.0)\n',
  'print(loss(torch.ones(3), torch.ones(3)))\n', 'softplus(0.3)\n', '# gradlens: x=2.0\n',
  'class Model:\n    def forward(self, x):\n        return x * 2\n', 'x = [1, 2, 3]\n', 'w = torch.randn(3, requires_grad=True)\n',
  'lambda z: z ** 2', 'f"{x!r:>{width}}"', '[i * i for i in range(3)]', '{"a": 1, **kw}', 'x[1:2, ..., None]',
];

/** What half-typed and mistyped code looks like. */
const BROKEN = [
  '(', ')', '[', ']', '{', '}', ':', '"', "'", '"""', "'''", '\\', '\\\n', '@', 'def ', 'def f(x', 'def f(x)\n', 'if x\n',
  '  ', '\t', '\n    ', '\n  return y\n', '2async', '0x1g', '1__0', 'return (1 -) * 2', 'f"{', 'f"{x', '}"', 'lambda', 'yield',
  'else:', 'elif', 'try:\n', 'except', 'x = = 1', '**', ':=', '...', 'not', 'is not in', 'async ', 'await ', 'print "hi"',
];

/** Lone surrogates, split pairs, invisible and non-ASCII characters. */
const UNICODE = [
  '\ud800', '\udfff', '\ud83d', '\ude00', '😀', 'é', 'Δx', '€', '\u00a0', '\u200b', '\ufeff', '\u0000', '\r', '\r\n',
  '\u2028', 'ﬁ', 'ℌ', '\u0301', '𝔵', '名前 = 1\n',
];

function pick<T>(items: readonly T[], next: () => number): T {
  return items[Math.floor(next() * items.length)];
}

/** A run of nesting: brackets, unary operators, `not`, f-strings, a long sum, indentation, elif. */
function deepRun(next: () => number): string {
  const n = 50 + Math.floor(next() * next() * 1500);
  switch (Math.floor(next() * 8)) {
    case 0:
      return '('.repeat(n) + (next() < 0.5 ? '1' + ')'.repeat(n) : '');
    case 1:
      return '['.repeat(n) + (next() < 0.5 ? ']'.repeat(n) : '');
    case 2:
      return '-'.repeat(n) + '1';
    case 3:
      return 'not '.repeat(Math.ceil(n / 4)) + 'x';
    case 4:
      return 'f"{'.repeat(Math.ceil(n / 3)) + 'x' + '}"'.repeat(Math.ceil(n / 3));
    case 5:
      return '1' + '+1'.repeat(Math.ceil(n / 2));
    case 6:
      return Array.from({ length: Math.min(n, 150) }, (_, i) => `${' '.repeat(i)}if x:\n`).join('');
    default:
      return 'if x == 0:\n    pass\n' + 'elif x == 1:\n    pass\n'.repeat(Math.ceil(n / 2));
  }
}

/** An offset moved off the middle of a \r\n, which no LSP position can name. */
function snap(text: string, at: number): number {
  return at > 0 && text[at - 1] === '\r' && text[at] === '\n' ? at - 1 : at;
}

/** One edit: a category drawn, then a place (often a line start for whole lines) and what is inserted or cut. */
export function fuzzEdit(text: string, next: () => number): FuzzEdit {
  if (text.length > MAX_LENGTH) {
    const from = snap(text, Math.floor(next() * (text.length - MAX_LENGTH / 2)));
    const to = snap(text, from + MAX_LENGTH / 2);
    return { category: 'cut', text: text.slice(0, from) + text.slice(to), from, to, insert: '' };
  }
  const category = pick(FUZZ_CATEGORIES, next);
  if (category === 'cut') {
    const from = snap(text, randomEdit(text, next).from);
    const to = snap(text, Math.min(text.length, from + Math.floor(next() * 200)));
    return { category, text: text.slice(0, from) + text.slice(to), from, to, insert: '' };
  }
  const insert = category === 'fragment' ? pick(FRAGMENTS, next) : category === 'broken' ? pick(BROKEN, next) : category === 'unicode' ? pick(UNICODE, next) : deepRun(next);
  let from = snap(text, Math.floor(next() * (text.length + 1)));
  // Whole lines go at a line start, as a paste does.
  if (insert.endsWith('\n') && next() < 0.7) from = text.lastIndexOf('\n', from - 1) + 1;
  const to = next() < 0.2 ? snap(text, Math.min(text.length, from + Math.floor(next() * 10))) : from;
  return { category, text: text.slice(0, from) + insert + text.slice(to), from, to, insert };
}
