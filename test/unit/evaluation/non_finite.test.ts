import * as assert from 'node:assert/strict';
import { evaluated, requestFor } from './support';

describe('evaluation: where a NaN or an Inf first appears', () => {
  const LOG = {
    torch: 'import torch\n\ndef f(x):\n    y = x * 2\n    return torch.log(y - 10)\n\nf(torch.tensor(2.0))\n',
    jax: 'import jax.numpy as jnp\n\ndef f(x):\n    y = x * 2\n    return jnp.log(y - 10)\n\nf(2.0)\n',
  };
  for (const [style, text] of Object.entries(LOG)) {
    it(`${style}: log of a negative, at the log call on line 5`, async () => {
      const r = await evaluated(requestFor('nan.py', text, 'f'));
      assert.ok(Number.isNaN(r.value as number));
      assert.deepEqual(r.nonFinite, { range: { line: 5, col: 12, endLine: 5, endCol: style === 'torch' ? 29 : 27 }, in: 'value', op: 'log', value: 'nan' });
    });
  }

  it('jax: a gradient that is infinite where the value is finite (sqrt at 0)', async () => {
    const r = await evaluated(requestFor('inf.py', 'import jax.numpy as jnp\n\ndef f(x):\n    return jnp.sqrt(x)\n\nf(0.0)\n', 'f'));
    assert.equal(r.value, 0);
    assert.equal(r.nonFinite?.in, 'gradient');
    assert.equal(r.nonFinite?.value, 'inf');
  });

  it('torch: an infinite gradient where the value is finite, placed on the forward line whose backward made it', async () => {
    const r = await evaluated(requestFor('inf.py', 'import torch\n\ndef f(x):\n    y = x * 2\n    return torch.sqrt(y)\n\nf(torch.tensor(0.0))\n', 'f'));
    assert.equal(r.value, 0);
    assert.equal(r.nonFinite?.in, 'gradient');
    assert.equal(r.nonFinite?.value, 'inf');
    assert.equal(r.nonFinite?.range.line, 5, 'the sqrt line, not the def');
  });

  it('nothing is reported for a finite result', async () => {
    const r = await evaluated(requestFor('ok.py', 'import torch\n\ndef f(x=1.0):\n    return torch.log(torch.tensor(x))\n', 'f'));
    assert.equal(r.nonFinite, undefined);
  });
});
