/** The file the LSP benchmark opens, shared with the test that opens it through a client. */

export const FUNCTIONS = 300;
export const LINES = 5000;

/** A file of numeric functions, each with a call that gives it example inputs, padded to LINES. */
export function generate(): { text: string; bodyLines: number[] } {
  const lines = ['import jax', 'import jax.numpy as jnp', ''];
  const bodyLines: number[] = [];
  const perFunction = Math.floor((LINES - lines.length) / FUNCTIONS);
  for (let i = 0; i < FUNCTIONS; i++) {
    const start = lines.length;
    lines.push(`def loss_${i}(x, w):`, `    """Function ${i}."""`);
    bodyLines.push(lines.length);
    while (lines.length < start + perFunction - 4) {
      const k = lines.length - start;
      lines.push(`    h${k} = jnp.tanh(x * w + ${k}.5) - jnp.exp(-x / ${k + 1})`);
    }
    lines.push('    return (h2 * h3).sum()', '', `loss_${i}(jnp.ones(3), 0.5)`, '');
  }
  while (lines.length < LINES) lines.push('');
  return { text: lines.join('\n'), bodyLines };
}

/** What the bench types at each visit to a line: a factor at its end, one key at a time, then backspaced away. */
const TYPED = ' * 2';

/** One keystroke: a character typed or backspaced at a place in the line (0-based, as LSP counts). */
export interface Keystroke {
  readonly line: number;
  readonly character: number;
  /** The character typed there, or '' for a backspace of the character there. */
  readonly typed: string;
}

/**
 * `count` keystrokes as a user edits the generated file: at each visit to a function's body line,
 * ` * 2` typed at its end and backspaced away (the line is broken while half typed, as when a user
 * types), so the file is as it was after each visit; the visits go from function to function.
 */
export function keystrokes(text: string, bodyLines: readonly number[], count: number): Keystroke[] {
  const lines = text.split('\n');
  const strokes: Keystroke[] = [];
  for (let k = 0; k < count; k++) {
    const visit = Math.floor(k / (2 * TYPED.length));
    const key = k % (2 * TYPED.length);
    const line = bodyLines[(visit * 37) % bodyLines.length] + 1;
    const end = lines[line].length;
    strokes.push(key < TYPED.length ? { line, character: end + key, typed: TYPED[key] } : { line, character: end + 2 * TYPED.length - 1 - key, typed: '' });
  }
  return strokes;
}
