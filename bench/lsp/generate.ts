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
