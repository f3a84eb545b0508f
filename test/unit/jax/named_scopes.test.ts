import * as assert from 'node:assert/strict';
import { functionGraph } from '../../../evaluation';
import { createReferenceBackend } from '../../../runtime/backends';
import { scopeChain, scopeLabel, type SourceSpan } from '../../../runtime/core';
import type { Jaxpr } from '../../../runtime/ir';
import { requestFor } from '../evaluation/support';

const MLP = [
  'import jax',
  'import jax.numpy as jnp',
  '',
  'def dense(params, x):',
  '    w, b = params',
  '    return jnp.dot(x, w) + b',
  '',
  'def mlp(params, x):',
  '    with jax.named_scope("hidden"):',
  '        h = jnp.tanh(dense(params[0], x))',
  '    return dense(params[1], h)',
  '',
  'def loss(params, x):',
  '    return jnp.sum(mlp(params, x) ** 2)',
  '',
  'params = [(jnp.ones((2, 3)), jnp.zeros(3)), (jnp.ones((3, 1)), jnp.zeros(1))]',
  'loss(params, jnp.ones((4, 2)))',
  '',
];

async function jaxprOf(text: string, fn: string, grad: boolean): Promise<Jaxpr> {
  const outcome = await functionGraph(requestFor('file:///w/mlp.py', text, fn, { engines: 'jit' }), createReferenceBackend(), grad);
  if (!outcome.ok) assert.fail(outcome.error.message);
  assert.notEqual(outcome.value.style, 'torch');
  return (outcome.value as { jaxpr: Jaxpr }).jaxpr;
}

/** Each equation as `primitive@scope path` (JAX's name_stack form: `mlp/hidden/dense`). */
const scoped = (jaxpr: Jaxpr): string[] => jaxpr.eqns.map((e) => `${e.primitive}@${nameStack(e.span)}`);
const nameStack = (span: SourceSpan | null): string => scopeChain(span?.scope).map(scopeLabel).join('/');

describe('jax: each traced equation knows its name stack (jax.named_scope, functions called inside)', () => {
  it('functions called inside the traced function and jax.named_scope nest as JAX\'s name_stack does', async () => {
    const jaxpr = await jaxprOf(MLP.join('\n'), 'loss', false);
    assert.deepEqual(scoped(jaxpr), [
      'dot_general@mlp/hidden/dense',
      'add@mlp/hidden/dense',
      'tanh@mlp/hidden',
      'dot_general@mlp/dense',
      'add@mlp/dense',
      'integer_pow@',
      'reduce_sum@',
    ]);
    const hidden = jaxpr.eqns[2].span!.scope!;
    assert.deepEqual([hidden.kind, hidden.name, hidden.depth, hidden.parent?.kind], ['named_scope', 'hidden', 1, 'function']);
    // Two calls of dense are two scopes.
    assert.notEqual(jaxpr.eqns[0].span!.scope, jaxpr.eqns[3].span!.scope);
  });

  it('the gradient\'s equations keep the scope of the forward op they derive from', async () => {
    const jaxpr = await jaxprOf(MLP.join('\n'), 'loss', true);
    const stacks = new Set(jaxpr.eqns.map((e) => nameStack(e.span)));
    assert.deepEqual([...stacks].sort(), ['', 'mlp/dense', 'mlp/hidden', 'mlp/hidden/dense']);
    assert.ok(jaxpr.eqns.filter((e) => e.primitive === 'dot_general').every((e) => nameStack(e.span).endsWith('dense')));
  });

  it('a flax-like module (a class with __call__) is named by its class; jax.named_call and @jax.named_scope name what they wrap', async () => {
    const text = [
      'import jax',
      'import jax.numpy as jnp',
      '',
      'class Dense:',
      '    def __init__(self, w):',
      '        self.w = w',
      '    def __call__(self, x):',
      '        return x @ self.w',
      '',
      '@jax.named_scope("head")',
      'def head(y):',
      '    return jnp.sum(y)',
      '',
      'def f(x):',
      '    layer = Dense(jnp.ones((2, 2)))',
      '    act = jax.named_call(jnp.sin, name="activation")',
      '    return head(act(layer(x)))',
      '',
      'f(jnp.ones(2))',
      '',
    ].join('\n');
    assert.deepEqual(scoped(await jaxprOf(text, 'f', false)), ['broadcast_in_dim@', 'dot_general@Dense', 'sin@activation', 'reduce_sum@head']);
  });

  it('a lambda and a traced control-flow body open no scope of their own; the functions the body calls do', async () => {
    const text = [
      'import jax',
      'import jax.numpy as jnp',
      'from jax import lax',
      '',
      'def cell(c, e):',
      '    return jnp.tanh(c + e)',
      '',
      'def step(c, e):',
      '    c = cell(c, e)',
      '    return c, c',
      '',
      'def f(params, xs):',
      '    scaled = jax.tree_util.tree_map(lambda p: p * 2.0, params)',
      '    total, _ = lax.scan(step, scaled[0], xs)',
      '    return total',
      '',
      'f([1.0, 2.0], jnp.array([0.5, -1.0]))',
      '',
    ].join('\n');
    const jaxpr = await jaxprOf(text, 'f', false);
    assert.deepEqual(scoped(jaxpr), ['mul@', 'mul@', 'scan@']);
    const scan = jaxpr.eqns[2] as unknown as { params: { jaxpr: Jaxpr } };
    assert.deepEqual(scoped(scan.params.jaxpr), ['add@cell', 'tanh@cell']);
  });

  it('jax.named_scope refuses a name that is not a string, as JAX does', async () => {
    const text = 'import jax\nimport jax.numpy as jnp\n\ndef f(x):\n    with jax.named_scope(3):\n        return jnp.sin(x)\n\nf(1.0)\n';
    const outcome = await functionGraph(requestFor('file:///w/bad.py', text, 'f', { engines: 'jit' }), createReferenceBackend(), false);
    assert.equal(outcome.ok, false);
    assert.match(!outcome.ok ? outcome.error.message : '', /bad\.py:5:\d+: error: TypeError: named_scope name argument must be a string\./);
  });
});
