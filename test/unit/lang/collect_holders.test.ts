import * as assert from 'node:assert/strict';
import { runWithLiveProbe as run } from './live_probe';

/**
 * Issue 12: what an op returns in a container (a tuple, a dict, an optimizer's state) held its
 * arrays until the run ended, as did lax's control flow's arguments and results: an Adam (or RMSprop) step of
 * jax.example_libraries.optimizers or optax kept 3 arrays, a `jax.grad` of a dict of parameters 2,
 * each lax.fori_loop/while_loop/scan/cond its carry. Such a container now counts as a name for
 * what it holds, and goes with its last name. Each loop counts the backend's live arrays
 * (`probe.live()`) after its first step and its last: 0 is flat. The trained values are the
 * least-squares solution NumPy gives (np.linalg.lstsq: w = [2, -1], b = 0.5), and one Adam step's
 * state is optax's (mu = 0.1 g, nu = 0.001 g^2, the update -lr sign(g) as float32 rounds it: NumPy's twin).
 */
describe('lang: containers ops return, and lax control flow, hold their arrays only while they live (issue 12)', () => {
  const DATA = [
    't = jnp.linspace(-1.0, 1.0, 16)',
    'x = jnp.stack([t, t * t], axis=1)',
    'y = 2.0 * t - t * t + 0.5',
  ];

  it('2,000 steps of optimizers.adam as JAX\'s docs write them (params a tuple, a step function) hold as many arrays as 1', () => {
    const src = [
      'import jax, probe',
      'import jax.numpy as jnp',
      'from jax.example_libraries import optimizers',
      ...DATA,
      'def loss(params, x, y):',
      '    w, b = params',
      '    return jnp.mean((x @ w + b - y) ** 2)',
      'opt_init, opt_update, get_params = optimizers.adam(0.05)',
      'opt_state = opt_init((jnp.zeros(2), jnp.zeros(())))',
      'def step(i, opt_state):',
      '    params = get_params(opt_state)',
      '    g = jax.grad(loss)(params, x, y)',
      '    return opt_update(i, g, opt_state)',
      'for i in range(2000):',
      '    opt_state = step(i, opt_state)',
      '    if i == 0:',
      '        first = probe.live()',
      'print(probe.live() - first)',
      'w, b = get_params(opt_state)',
      'print([round(float(v), 3) for v in w], round(float(b), 3))',
      'opt_init, opt_update, get_params = optimizers.rmsprop(0.01)',
      'opt_state = opt_init((jnp.zeros(2), jnp.zeros(())))',
      'for i in range(300):',
      '    opt_state = step(i, opt_state)',
      '    if i == 0:',
      '        first = probe.live()',
      'held = probe.live() - first',
      'w, b = get_params(opt_state)',
      'print(held, [round(float(v), 1) for v in w], round(float(b), 1))',
      '',
    ].join('\n');
    assert.equal(run(src), '0\n[2.0, -1.0] 0.5\n0 [2.0, -1.0] 0.5\n');
  });

  it('2,000 steps of optax.adam on a dict of parameters (jax.grad returns a dict) hold as many arrays as 1; adamw too', () => {
    const loop = (make: string, steps: number) => [
      `optimizer = ${make}`,
      "params = {'w': jnp.zeros(2), 'b': jnp.zeros(())}",
      'opt_state = optimizer.init(params)',
      `for i in range(${steps}):`,
      '    grads = jax.grad(loss)(params, x, y)',
      '    updates, opt_state = optimizer.update(grads, opt_state, params)',
      '    params = optax.apply_updates(params, updates)',
      '    if i == 0:',
      '        first = probe.live()',
      "print(probe.live() - first, [round(float(v), 1) for v in params['w']], round(float(params['b']), 1))",
    ];
    const src = [
      'import jax, optax, probe',
      'import jax.numpy as jnp',
      ...DATA,
      'def loss(params, x, y):',
      "    return jnp.mean((x @ params['w'] + params['b'] - y) ** 2)",
      ...loop('optax.adam(0.05)', 2000),
      ...loop('optax.adamw(0.05, weight_decay=0.0)', 300),
      '',
    ].join('\n');
    assert.equal(run(src), '0 [2.0, -1.0] 0.5\n0 [2.0, -1.0] 0.5\n');
  });

  it('2,000 rounds of lax.fori_loop, while_loop, scan and cond on tuple carries hold as many arrays as 1', () => {
    const src = [
      'import jax, probe',
      'import jax.numpy as jnp',
      'from jax import lax',
      'x = jnp.arange(4.0)',
      'for i in range(2000):',
      '    a, b = lax.fori_loop(0, 3, lambda j, c: (c[0] + 1.0, c[1] * 0.5), (x, x))',
      '    n, w = lax.while_loop(lambda c: c[0] < 3, lambda c: (c[0] + 1, c[1] * 2.0), (0, x))',
      '    total, ys = lax.scan(lambda c, xi: (c + xi, c * xi), 0.0, x)',
      '    r = lax.cond(i % 2 == 0, lambda v: v + 1.0, lambda v: v - 1.0, x * 1.0)',
      '    if i == 0:',
      '        first = probe.live()',
      'print(probe.live() - first)',
      'print(a, b, int(n), w, float(total), ys, r)',
      '',
    ].join('\n');
    assert.equal(run(src), '0\n[3. 4. 5. 6.] [0.    0.125 0.25  0.375] 3 [ 0.  8. 16. 24.] 6.0 [0. 0. 2. 9.] [-1.  0.  1.  2.]\n');
  });

  it('what is read out of such a container outlives it: an item, a slice, a copy, its values, an unpacked rest', () => {
    const src = [
      'import jax, optax, probe',
      'import jax.numpy as jnp',
      'opt = optax.adam(0.1)',
      "p = {'w': jnp.ones(3)}",
      'state = opt.init(p)',
      "updates, state = opt.update({'w': jnp.array([1.0, -2.0, 4.0])}, state, p)",
      'adam_state = state[0]',
      'part = state[:1]',
      'values = list(updates.values())',
      'view = updates.values()',
      'copied = updates.copy()',
      'parts = jnp.split(jnp.arange(6.0), 3)',
      'head, *rest = parts',
      'joined = parts + [jnp.zeros(1)]',
      'del state, updates, parts',
      "updates, state = opt.update({'w': jnp.zeros(3)}, opt.init(p), p)",
      "print(adam_state.mu['w'], adam_state.nu['w'], part[0].count)",
      "print(values[0], list(view)[0], copied['w'])",
      'print(head, rest, joined[2], joined[3])',
      '',
    ].join('\n');
    assert.equal(run(src), [
      '[ 0.1 -0.2  0.4] [0.001 0.004 0.016] 1',
      '[-0.09999933  0.09999933 -0.09999933] [-0.09999933  0.09999933 -0.09999933] [-0.09999933  0.09999933 -0.09999933]',
      '[0. 1.] [Array([2., 3.], dtype=float32), Array([4., 5.], dtype=float32)] [4. 5.] [0.]',
      '',
    ].join('\n'));
  });
});
