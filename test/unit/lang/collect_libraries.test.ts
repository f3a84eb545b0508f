import * as assert from 'node:assert/strict';
import { runWithLiveProbe as run } from './live_probe';

/**
 * Issue 12: memory freed during a run, not at its end (continues collect_runs.test.ts). An index
 * tuple written inline (`w[1, mask] = v`, `w[mask, 0]`) holds none of its items; a Python number
 * assigned into a tensor (`w[1, mask] = 0.5`) goes with the assignment; lax's and jax.nn's
 * functions, the optax and jax.example_libraries.optimizers functions keep none of their arguments
 * but what they return, and free what they made on the way. Each loop runs 300 steps and counts
 * the backend's live arrays (`probe.live()`) after the first and the last: holding one array a
 * step shows as 299. Expected outputs are what NumPy 1.24 and PyTorch 1.13 print for the same
 * loops (JAX's are their float32 twins').
 */
describe('lang: memory freed during a run (issue 12): index tuples, lax, jax.nn, optax and optimizers', () => {
  /** `body` run 300 times after `setup`; prints the live arrays gained from after the first step to after the last, then `end`. */
  const loop = (setup: readonly string[], body: readonly string[], end: string) => [
    'import probe',
    ...setup,
    'for i in range(300):',
    ...body.map((l) => `    ${l}`),
    '    if i == 0:',
    '        first = probe.live()',
    'print(probe.live() - first)',
    end,
    '',
  ].join('\n');

  it('a NumPy mask inside an index tuple, named or a temporary, goes with its name or statement', () => {
    const src = loop(
      ['import numpy as np', 'w = np.zeros((3, 1000))', 'v = np.zeros((1000, 3))', 'r = np.arange(1000)'],
      ['mask = r % 3 == i % 3', 'w[1, mask] = i', 'v[mask, 0] = i', 'z = v[mask, 0]', 'w[2, r > i] = w[1, r > i] + 1'],
      'print(w.sum(), v.sum(), z.sum())',
    );
    assert.equal(run(src), '0\n551553.0 297999.0 99567.0\n');
  });

  it('a torch mask inside an index tuple and a number assigned through it go with the statement', () => {
    const src = loop(
      ['import torch', 'w = torch.zeros(3, 1000)', 'r = torch.arange(1000)'],
      ['mask = r % 3 == i % 3', 'w[1, mask] = float(i)', 'z = w[1, mask]', 'w[2, r > i] += 1.0', 'w[0, 5] = 0.5'],
      'print(w.sum().item(), z.sum().item())',
    );
    assert.equal(run(src), '0\n552849.5 99567.0\n');
  });

  it('jax: index arrays inside x.at[...] and x[...] tuples go with their names', () => {
    const src = loop(
      ['import jax.numpy as jnp', 'w = jnp.zeros((3, 1000))', 'r = jnp.arange(1000)'],
      ['idx = r[i % 3::3]', 'w = w.at[1, idx].set(float(i))', 'z = w[1, idx]', 'w = w.at[2, r[:i]].add(1.0)'],
      'print(w.sum(), z.sum())',
    );
    assert.equal(run(src), '0\n342849.0 99567.0\n');
  });

  it('lax and jax.nn functions keep none of their arguments or the arrays they made of numbers', () => {
    const src = loop(
      ['import jax', 'import jax.numpy as jnp', 'from jax import lax', 'x = jnp.ones(1000)'],
      [
        'y = jax.nn.relu(lax.add(x, 0.0))',
        'x = jax.nn.sigmoid(jax.nn.softplus(x)) - 0.5',
        's = jax.nn.softmax(x)',
        't = lax.mul(lax.tanh(x), 2.0)',
        'x = lax.clamp(-1.0, x, 1.0) + lax.mul(lax.exp(lax.neg(x)), 0.0)',
      ],
      'print(round(float(x[0]), 5), round(float(s.sum()), 5), round(float(t[0]), 5), round(float(y[0]), 5))',
    );
    assert.equal(run(src), '0\n0.18819 1.0 0.37199 0.18819\n');
  });

  it('optax.sgd with clipping: update, apply_updates and global_norm keep no gradient, update or intermediate', () => {
    const src = loop(
      ['import optax', 'import jax.numpy as jnp', 'opt = optax.chain(optax.clip_by_global_norm(1.0), optax.sgd(0.1))', 'p = jnp.ones(1000)', 's = opt.init(p)'],
      ['u, s = opt.update(p * 0.01 + 0.001, s, p)', 'p = optax.apply_updates(p, u)', 'n = optax.global_norm(u)'],
      'print(round(float(p[0]), 5), round(float(n), 5))',
    );
    assert.equal(run(src), '0\n0.71478 0.02579\n');
  });

  it('optimizers (adam) and optax (adam) hold only their live state: no array a step (21 and 24, then 3, held until the run ended)', () => {
    const src = [
      'import jax, optax, probe',
      'import jax.numpy as jnp',
      'from jax.example_libraries import optimizers',
      'init, update, get_params = optimizers.adam(0.01)',
      'state = init(jnp.ones(1000))',
      'opt = optax.adam(0.01)',
      'p = jnp.ones(1000)',
      's = opt.init(p)',
      'for i in range(300):',
      '    state = update(i, get_params(state) * 0.1 + 0.01, state)',
      '    if i == 0:',
      '        first = probe.live()',
      'print((probe.live() - first) // 299)',
      'for i in range(300):',
      '    u, s = opt.update(p * 0.1 + 0.01, s, p)',
      '    p = optax.apply_updates(p, u)',
      '    if i == 0:',
      '        first = probe.live()',
      'print((probe.live() - first) // 299)',
      'print(round(float(get_params(state)[0]), 4), round(float(p[0]), 4), optimizers.l2_norm(get_params(state)).shape)',
      '',
    ].join('\n');
    assert.equal(run(src), '0\n0\n-0.0988 -0.0988 ()\n');
  });
});
