import * as assert from 'node:assert/strict';
import { createReferenceBackend, createTfjsBackend, type Backend } from '../../../runtime/backends';
import { EagerEngine } from '../../../runtime/eager';
import { formatError } from '../../../lang/python/run';
import { runPython } from '../../../evaluation';

/**
 * jax.random's samplers under jit and vmap (the random primitives, run by the jit's kernels) against
 * the same samplers on concrete keys (the host's threefry2x32, checked against JAX's known answers
 * by test/fixtures/jax/random_keys.py), bit for bit: every seed, shape and key layout below.
 */
const PROGRAM = `
import jax
import jax.numpy as jnp
from jax import random

def same(a, b):
    return a.shape == b.shape and a.dtype == b.dtype and int(jnp.sum(a != b)) == 0

SAMPLERS = {
    'bits': lambda k: random.bits(k, (3, 2)),
    'uniform': lambda k: random.uniform(k, (7,), minval=-1.5, maxval=2.0),
    'normal': lambda k: random.normal(k, (2, 5)),
    'randint': lambda k: random.randint(k, (9,), -7, 1000),
    'bernoulli': lambda k: random.bernoulli(k, 0.3, (8,)),
    'split': lambda k: random.key_data(random.split(k, 3)),
    'fold_in': lambda k: random.key_data(random.fold_in(k, 12345)),
    'truncated_normal': lambda k: random.truncated_normal(k, -0.5, jnp.array([0.25, 1.0, 3.0]), (2, 3)),
    'categorical': lambda k: random.categorical(k, jnp.array([[0.1, 2.0, -1.0, 0.5], [1.0, 1.0, 1.0, 1.0]]), shape=(5, 2)),
    'permutation': lambda k: random.permutation(k, 11),
    'permutation rows': lambda k: random.permutation(k, jnp.arange(15.0).reshape(5, 3)),
    'permutation independent': lambda k: random.permutation(k, jnp.arange(12).reshape(3, 4), axis=1, independent=True),
    'choice': lambda k: random.choice(k, 7, (4,)),
    'choice rows': lambda k: random.choice(k, jnp.arange(12).reshape(3, 4), (2,), replace=False, axis=1),
    'choice p': lambda k: random.choice(k, 4, (6,), p=jnp.array([0.1, 0.4, 0.2, 0.3])),
    'choice p no replace': lambda k: random.choice(k, jnp.arange(5) * 10, (3,), replace=False, p=jnp.array([0.3, 0.1, 0.2, 0.25, 0.15])),
}
checked = 0
wrong = []
for part in [True, False]:
    jax.config.update('jax_threefry_partitionable', part)
    for name, f in SAMPLERS.items():
        jitted = jax.jit(f)
        for seed in range(SEEDS):
            for k in [random.key(seed * 7919 + 1), random.PRNGKey(seed * 104729 + 3)]:
                checked += 1
                if not same(jitted(k), f(k)):
                    wrong.append(f'jit {name} seed {seed} partitionable={part}')
        if name in UNBATCHED:
            continue
        keys = random.split(random.key(part + 11), 5)
        checked += 1
        if not same(jax.vmap(f)(keys), jnp.stack([f(k) for k in keys])):
            wrong.append(f'vmap {name} partitionable={part}')
        checked += 1
        if not same(jax.jit(jax.vmap(f))(keys), jnp.stack([f(k) for k in keys])):
            wrong.append(f'jit of vmap {name} partitionable={part}')
print(checked, wrong)
`;

function run(backend: Backend, seeds: number, unbatched: readonly string[] = []): string {
  const r = runPython(`SEEDS = ${seeds}\nUNBATCHED = ${JSON.stringify(unbatched)}\n${PROGRAM}`, new EagerEngine(backend), { file: 'random_traced.py' });
  return r.error ? `${r.output}ERROR ${formatError(r.error)}` : r.output;
}

describe('jax.random under jit and vmap equals the eager samples bit for bit', () => {
  it('on the reference backend: 16 samplers x 2 key kinds x 12 seeds x 2 layouts, and vmap and jit(vmap) of each', () => {
    assert.equal(run(createReferenceBackend(), 12), '832 []\n');
  });

  it('on tfjs wasm (float ops on the device, bits on the host)', async () => {
    // NB: vmap of truncated_normal outside jit runs tfjs's erf kernel (Eigen's float erf), an ulp
    // from the correctly rounded erf that the host sampler and the jit's kernels use.
    assert.equal(run(await createTfjsBackend('wasm'), 4, ['truncated_normal']), '316 []\n');
  });
});
