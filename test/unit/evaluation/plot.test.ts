import * as assert from 'node:assert/strict';
import { evaluated, requestFor } from './support';

/** f' at each inner sample against central differences of the sampled f (float32: within 1e-2 relative). */
function assertMatchesDifferences(xs: readonly number[], f: readonly number[], df: readonly number[]): void {
  for (let i = 1; i < xs.length - 1; i++) {
    const fd = (f[i + 1] - f[i - 1]) / (xs[i + 1] - xs[i - 1]);
    assert.ok(Math.abs(fd - df[i]) <= 1e-2 * Math.max(1, Math.abs(df[i])), `x=${xs[i]}: f'=${df[i]}, central difference ${fd}`);
  }
}

describe('evaluation: the plot of f and f\' for a function of one scalar', () => {
  const SOURCES = {
    jax: 'import jax.numpy as jnp\n\ndef f(x):\n    return jnp.sin(x) * x + 0.5 * x ** 2\n\nf(0.5)\n',
    torch: 'import torch\n\ndef f(x):\n    return torch.sin(x) * x + 0.5 * x ** 2\n\nf(torch.tensor(0.5))\n',
  };
  for (const [style, text] of Object.entries(SOURCES)) {
    it(`${style}: ~101 points around the input, f' matching finite differences of f`, async () => {
      const r = await evaluated(requestFor('plot.py', text, 'f'));
      const p = r.plot;
      assert.ok(p);
      assert.equal(p.param, 'x');
      assert.equal(p.at, 0.5);
      assert.equal(p.xs.length, 101);
      assert.ok(p.xs[0] < 0.5 && p.xs[100] > 0.5);
      const mid = p.xs.findIndex((x) => Math.abs(x - 0.5) < 1e-9);
      assert.ok(Math.abs(p.f[mid] - (r.value as number)) < 1e-6, 'f at the input is the value');
      assertMatchesDifferences(p.xs, p.f, p.df);
    });
  }

  it('no plot for a function of a vector', async () => {
    const r = await evaluated(requestFor('v.py', 'import jax.numpy as jnp\n\n# gradlens: w=jnp.array([1.0, 2.0])\ndef f(w):\n    return jnp.sum(w)\n', 'f'));
    assert.equal(r.plot, undefined);
  });
});
