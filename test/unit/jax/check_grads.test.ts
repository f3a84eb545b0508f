import * as assert from 'node:assert/strict';
import { createReferenceBackend } from '../../../runtime/backends';
import { EagerEngine } from '../../../runtime/eager';
import { formatError } from '../../../lang/python/run';
import { runPython } from '../../../evaluation';

/*
 * JAX's check_grads (orders 1 and 2, modes fwd and rev) through the Python shim, in float32 on
 * the reference backend: along a direction v, jvp and the vjp-derived derivative against central
 * differences (f(x + eps v) - f(x - eps v)) / 2 eps; second order does the same to <grad f, u>.
 * eps = 1e-2 with a tolerance of 5e-3 relative (floor 1): central differences err by O(eps^2)
 * here, float32 rounding by 1e-5.
 */
const HARNESS = `import jax
import jax.numpy as jnp


def central(f, x, v, eps=1e-2):
    return (f(x + eps * v) - f(x - eps * v)) / (2 * eps)


def close(a, b):
    return abs(float(a) - float(b)) <= 5e-3 * max(1.0, abs(float(b)))


def check_grads(name, f, x, v, u):
    fd = central(f, x, v)
    fwd = jax.jvp(f, (x,), (v,))[1]
    rev = jnp.sum(jax.grad(f)(x) * v)
    g_u = lambda y: jnp.sum(jax.grad(f)(y) * u)
    fd2 = central(g_u, x, v)
    fwd2 = jax.jvp(g_u, (x,), (v,))[1]
    rev2 = jnp.sum(jax.grad(g_u)(x) * v)
    ok = close(fwd, fd) and close(rev, fd) and close(fwd2, fd2) and close(rev2, fd2)
    print(name, 'ok' if ok else f'differs: order 1 {float(fd)} {float(fwd)} {float(rev)}; order 2 {float(fd2)} {float(fwd2)} {float(rev2)}')


x3 = jnp.array([0.7, -1.3, 2.1])
v3 = jnp.array([0.3, 0.9, -0.4])
u3 = jnp.array([-0.8, 0.2, 0.5])
x4 = jnp.array([0.7, -1.3, 2.1, 0.4])
v4 = jnp.array([0.3, 0.9, -0.4, 0.6])
u4 = jnp.array([-0.8, 0.2, 0.5, 0.1])
`;

function checks(body: string): string[] {
  const backend = createReferenceBackend();
  const r = runPython(HARNESS + body, new EagerEngine(backend), { file: 'check_grads.py' });
  assert.equal(r.error ? formatError(r.error) : null, null);
  assert.equal(backend.liveCount(), 0, 'every array is freed when the run ends');
  return r.output.trim().split('\n');
}

function assertAllOk(lines: readonly string[], count: number): void {
  assert.equal(lines.length, count);
  for (const line of lines) assert.match(line, / ok$/, line);
}

describe('jax shim: check_grads (orders 1 and 2) of what the shim composes', () => {
  it('x.at[...] updates: set, add, multiply, divide, power, min, max, get, with repeated and 2-d indices', () => {
    assertAllOk(checks(`
check_grads('set', lambda x: jnp.sum(jnp.sin(x.at[1].set(x[0] * x[2])) ** 2), x3, v3, u3)
check_grads('add repeated', lambda x: jnp.sum(x.at[jnp.array([0, 0, 2])].add(x ** 2) ** 3), x3, v3, u3)
check_grads('multiply repeated', lambda x: jnp.sum(x.at[jnp.array([2, 2])].multiply(x[:2]) ** 2), x3, v3, u3)
check_grads('divide', lambda x: jnp.sum(x.at[0].divide(x[2] ** 2 + 1.0) ** 2), x3, v3, u3)
check_grads('power', lambda x: jnp.sum(x.at[2].power(x[0])), x3, v3, u3)
check_grads('min max', lambda x: jnp.sum(x.at[0].min(x[1] * 0.5).at[2].max(x[1] ** 2) ** 2), x3, v3, u3)
check_grads('get fill', lambda x: jnp.sum(x.at[jnp.array([1, 5])].get(mode='fill', fill_value=0.5) * x[0] ** 2), x3, v3, u3)
check_grads('2-d slice', lambda x: jnp.sum(jnp.tanh(x.reshape(2, 2).at[:, 1].set(x[:2] * x[3])) ** 2), x4, v4, u4)
`), 8);
  });

  it('jacfwd, jacrev, hessian and linearize: their results differentiated again', () => {
    assertAllOk(checks(`
def f(x):
    return jnp.array([x[0] ** 2 * jnp.sin(x[1]), jnp.exp(0.3 * x[2]) * x[0], x[1] * x[2]])


W = jnp.array([[0.3, -0.2, 0.5], [0.1, 0.4, -0.6], [0.7, 0.2, 0.9]])
check_grads('jacfwd', lambda x: jnp.sum(jax.jacfwd(f)(x) * W), x3, v3, u3)
check_grads('jacrev', lambda x: jnp.sum(jax.jacrev(f)(x) * W), x3, v3, u3)
check_grads('hessian', lambda x: jnp.sum(jax.hessian(lambda y: jnp.sum(f(y) ** 2))(x) * W), x3, v3, u3)
check_grads('linearize', lambda x: jnp.sum(jax.linearize(f, x)[1](v3) * x), x3, v3, u3)
`), 4);
  });

  it('jnp compositions: einsum, tensordot, vdot, kron, logaddexp, take_along_axis, tile, repeat, pad, trace, linalg norm, det, inv and solve', () => {
    assertAllOk(checks(`
M = jnp.array([[0.3, -0.2, 0.5], [0.1, 0.4, -0.6]])
check_grads('einsum', lambda x: jnp.sum(jnp.einsum('ij,j,k->ik', M, x, x) ** 2), x3, v3, u3)
check_grads('tensordot', lambda x: jnp.sum(jnp.sin(jnp.tensordot(jnp.outer(x, x), x, axes=1))), x3, v3, u3)
check_grads('vdot kron', lambda x: jnp.vdot(jnp.kron(x, x ** 2), jnp.kron(x, x)), x3, v3, u3)
check_grads('logaddexp', lambda x: jnp.sum(jnp.logaddexp(x, 2.0 * x[::-1])), x3, v3, u3)
check_grads('take_along_axis', lambda x: jnp.sum(jnp.take_along_axis(jnp.outer(x, x), jnp.array([[2], [0], [1]]), axis=1) ** 3), x3, v3, u3)
check_grads('tile repeat pad', lambda x: jnp.sum(jnp.tile(x, 2) * jnp.repeat(x ** 2, 2) + jnp.pad(x, (1, 2), constant_values=0.5) ** 3), x3, v3, u3)
check_grads('trace norm', lambda x: jnp.trace(jnp.outer(x, jnp.sin(x))) * jnp.linalg.norm(x) + jnp.linalg.norm(x, ord=3), x3, v3, u3)
S = lambda x: jnp.outer(x, x[::-1]) + jnp.array([[3., 1., 0.], [0., 2., 1.], [1., 0., 4.]])
check_grads('det inv solve', lambda x: jnp.linalg.det(S(x)) + jnp.sum(jnp.linalg.solve(S(x), x) ** 2) + jnp.sum(jnp.linalg.inv(S(x)) * S(x).T), x3, v3, u3)
`), 8);
  });

  it('Python control flow on concrete values under grad and jvp', () => {
    assertAllOk(checks(`
def piecewise(x):
    total = 0.0
    for xi in x:
        if xi > 0:
            total = total + jnp.sin(xi) * xi
        else:
            total = total + xi ** 3
    return total


def doubling(x):
    while jnp.max(jnp.abs(x)) < 10.0:
        x = x * 2.0
    return jnp.sum(jnp.exp(-x ** 2 / 50.0))


check_grads('if per element', piecewise, x3, v3, u3)
check_grads('while on values', doubling, x3, v3, u3)
`), 2);
  });

  it('lax control flow and custom rules: cond, switch, fori_loop and scan (reverse, pytree carry, consts), map, custom_jvp, custom_vjp', () => {
    assertAllOk(checks(`
from jax import lax


def branches(x):
    y = lax.cond(x[0] > 0, lambda v: jnp.sin(v) * v[1], lambda v: v ** 3, x)
    z = lax.switch(1, [jnp.cos, lambda v: jnp.tanh(v) * v[2], jnp.exp], x)
    return jnp.sum(y ** 2 + z)


def loop(x):
    return jnp.sum(lax.fori_loop(0, 4, lambda i, c: jnp.sin(c) * x + 0.1 * i, x))


def rnn(x):
    W = jnp.array([[0.5, -0.3, 0.2], [0.1, 0.4, -0.6], [-0.2, 0.3, 0.7]])
    def step(carry, xi):
        h, acc = carry
        h = jnp.tanh(W @ h + xi * x)
        return (h, acc + jnp.sum(h) * xi), h[0] * xi
    (h, acc), ys = lax.scan(step, (x, 0.0), x, reverse=True)
    return jnp.sum(h) + acc + jnp.sum(ys ** 2)


@jax.custom_jvp
def softplus(x):
    return jnp.log1p(jnp.exp(x))


@softplus.defjvp
def softplus_jvp(primals, tangents):
    x, = primals
    t, = tangents
    return softplus(x), jax.nn.sigmoid(x) * t


@jax.custom_vjp
def scaled(x):
    return jnp.sin(x)


scaled.defvjp(lambda x: (jnp.sin(x), jnp.cos(x)), lambda c, g: (c * g,))

check_grads('cond switch', branches, x3, v3, u3)
check_grads('fori_loop', loop, x3, v3, u3)
check_grads('scan', rnn, x3, v3, u3)
check_grads('map', lambda x: jnp.sum(lax.map(lambda v: jnp.sin(v) * v, x) ** 2), x3, v3, u3)
check_grads('custom_jvp', lambda x: jnp.sum(softplus(x * x[::-1]) ** 2), x3, v3, u3)



def check_rev(name, f, x, v, u):
    # custom_vjp has no forward mode (JAX refuses it): reverse mode only, orders 1 and 2.
    g_u = lambda y: jnp.sum(jax.grad(f)(y) * u)
    ok = close(jnp.sum(jax.grad(f)(x) * v), central(f, x, v)) and close(jnp.sum(jax.grad(g_u)(x) * v), central(g_u, x, v))
    print(name, 'ok' if ok else 'differs')


check_rev('custom_vjp', lambda x: jnp.sum(scaled(x) * x), x3, v3, u3)
try:
    jax.jvp(scaled, (x3,), (v3,))
except TypeError as e:
    print('custom_vjp refuses jvp', 'ok' if str(e) == "can't apply forward-mode autodiff (jvp) to a custom_vjp function." else str(e))
`), 7);
  });

  it('vmap of cond, switch, scan and while_loop equals a Python loop over the examples', () => {
    const lines = checks(`
from jax import lax


def per_example(x, i):
    y = lax.cond(x[0] > 0, lambda v: v * 2.0, lambda v: -v, x)
    z = lax.switch(i, [lambda v: v + 1.0, jnp.sin, lambda v: v * v], y)
    s = lax.scan(lambda c, xi: (c * 0.5 + xi, c), 0.0, z)
    w = lax.while_loop(lambda c: c[0] < 5.0, lambda c: (c[0] + jnp.abs(c[1]) + 0.5, c[1] * 1.5), (0.0, z[1]))
    return s[0], s[1], w[0], w[1]


X = jnp.array([[0.7, -1.3, 2.1], [-0.4, 0.9, 0.3], [1.5, 0.2, -0.8], [-2.0, -0.1, 0.6]])
I = jnp.array([0, 1, 2, 5])
batched = jax.vmap(per_example)(X, I)
looped = [per_example(X[k], I[k]) for k in range(4)]
for j in range(4):
    want = jnp.stack([looped[k][j] for k in range(4)])
    print('output', j, 'ok' if bool(jnp.allclose(batched[j], want, atol=1e-6)) else f'differs: {batched[j]} vs {want}')
`);
    assertAllOk(lines, 4);
  });
});

describe('jax shim: check_grads of convolution and pooling (lax.conv_general_dilated, lax.reduce_window, jnp.convolve, stax)', () => {
  it('differentiates both operands of every convolution form, pooling and 1-d convolve, orders 1 and 2', () => {
    assertAllOk(checks(`
from jax import lax
from jax.example_libraries import stax

x12 = jnp.array([0.7, -1.3, 2.1, 0.4, -0.2, 1.1, -0.9, 0.15, 1.6, -0.55, 0.35, -1.8])
v12 = jnp.array([0.3, 0.9, -0.4, 0.6, -0.1, 0.2, 0.8, -0.7, 0.5, 0.05, -0.3, 0.4])
u12 = jnp.array([-0.8, 0.2, 0.5, 0.1, 0.9, -0.6, 0.3, 0.7, -0.2, 0.4, 0.6, -0.5])
K = jnp.array([[[[0.5, -0.3], [0.2, 0.8]]], [[[-0.6, 0.1], [0.9, 0.4]]]])
X = x12.reshape(1, 1, 3, 4) * 0.5 + 0.1

check_grads('conv lhs SAME', lambda x: jnp.sum(jnp.tanh(lax.conv(x.reshape(1, 1, 3, 4), K, (1, 1), 'SAME')) ** 2), x12, v12, u12)
check_grads('conv rhs strided dilated', lambda k: jnp.sum(lax.conv_general_dilated(X, k[:8].reshape(2, 1, 2, 2), (2, 1), [(1, 0), (0, 1)], rhs_dilation=(1, 2)) ** 2), x12, v12, u12)
check_grads('conv lhs dilated', lambda x: jnp.sum(jnp.sin(lax.conv_with_general_padding(x.reshape(1, 1, 3, 4), K, (1, 1), [(1, 1), (0, 0)], (2, 1), (1, 1)))), x12, v12, u12)
check_grads('conv NHWC groups', lambda x: jnp.sum(lax.conv_general_dilated(x.reshape(1, 3, 2, 2), x[:8].reshape(2, 2, 1, 2), (1, 1), 'VALID', dimension_numbers=('NHWC', 'HWIO', 'NHWC'), feature_group_count=2) ** 2), x12, v12, u12)
check_grads('reduce_window max', lambda x: jnp.sum(lax.reduce_window(x.reshape(3, 4), -jnp.inf, lax.max, (2, 2), (1, 2), 'SAME') ** 2), x12, v12, u12)
check_grads('reduce_window sum', lambda x: jnp.sum(jnp.cos(lax.reduce_window(x.reshape(2, 6), 0.0, lax.add, (1, 3), (1, 2), [(0, 0), (1, 1)]))), x12, v12, u12)
check_grads('convolve full', lambda x: jnp.sum(jnp.convolve(x, x[:3] * 0.5) ** 2), x12, v12, u12)
check_grads('convolve same', lambda x: jnp.sum(jnp.tanh(jnp.convolve(x[:5], x[5:9], mode='same'))), x12, v12, u12)
_, conv_apply = stax.Conv(2, (2, 2), padding='SAME')
_, pool_apply = stax.AvgPool((2, 2), strides=(1, 1), padding='SAME')
W = (K.transpose(2, 3, 1, 0), jnp.array([0.1, -0.2]))
check_grads('stax Conv and AvgPool', lambda x: jnp.sum(pool_apply((), conv_apply(W, x.reshape(1, 3, 4, 1))) ** 2), x12, v12, u12)
`), 9);
  });
});

describe('jax shim: check_grads of jax.nn', () => {
  it('jax.nn activations away from their kinks, gelu in both forms, glu, standardize and logsumexp with b (issue 16)', () => {
    const names = ['relu', 'relu6', 'softplus', 'log_sigmoid', 'silu', 'mish', 'soft_sign', 'squareplus', 'sparse_plus', 'sparse_sigmoid',
      'elu', 'selu', 'celu', 'leaky_relu', 'hard_tanh', 'hard_sigmoid', 'hard_silu', 'gelu'];
    assertAllOk(checks(`
for name in ${JSON.stringify(names).replace(/"/g, "'")}:
    f = getattr(jax.nn, name)
    check_grads(name, lambda x: jnp.sum(f(x) * jnp.array([1.0, 2.0, -0.5])), x3, v3, u3)
check_grads('gelu exact', lambda x: jnp.sum(jax.nn.gelu(x * 2.0, approximate=False) ** 2), x3, v3, u3)
check_grads('glu', lambda x: jnp.sum(jax.nn.glu(x) ** 2), x4, v4, u4)
check_grads('standardize', lambda x: jnp.sum(jax.nn.standardize(x) * jnp.array([1.0, -2.0, 0.5, 3.0])), x4, v4, u4)
check_grads('logsumexp b', lambda x: jax.nn.logsumexp(x, b=jnp.array([1.0, 0.5, 2.0, 0.0])), x4, v4, u4)
check_grads('log1mexp', lambda x: jnp.sum(jax.nn.log1mexp(jnp.abs(x) + 0.2)), x4, v4, u4)
`), names.length + 5);
  });
});

describe('jax shim: check_grads of jax.scipy.special and jax.scipy.stats', () => {
  it('gammaln, digamma, betaln, xlogy, xlog1py, entr, logit, ndtri, log_ndtr and the distributions they make (issue 16)', () => {
    assertAllOk(checks(`
from jax.scipy import special, stats
pos = lambda x: jnp.abs(x) + 0.6
unit = lambda x: jax.nn.sigmoid(x)
check_grads('gammaln', lambda x: jnp.sum(special.gammaln(x * 2.0)), x3, v3, u3)
check_grads('digamma', lambda x: jnp.sum(special.digamma(pos(x)) * jnp.array([1.0, -2.0, 0.5])), x3, v3, u3)
check_grads('betaln', lambda x: jnp.sum(special.betaln(pos(x), pos(x[::-1]) * 4.0)), x3, v3, u3)
check_grads('xlogy', lambda x: jnp.sum(special.xlogy(x, pos(x))), x3, v3, u3)
check_grads('xlog1py', lambda x: jnp.sum(special.xlog1py(x, pos(x))), x3, v3, u3)
check_grads('entr', lambda x: jnp.sum(special.entr(pos(x))), x3, v3, u3)
check_grads('logit', lambda x: jnp.sum(special.logit(unit(x))), x3, v3, u3)
check_grads('ndtri', lambda x: jnp.sum(special.ndtri(unit(x))), x3, v3, u3)
check_grads('log_ndtr', lambda x: jnp.sum(special.log_ndtr(x * 3.0)), x3, v3, u3)
check_grads('norm.logcdf', lambda x: jnp.sum(stats.norm.logcdf(x, 0.2, pos(x))), x3, v3, u3)
check_grads('bernoulli', lambda x: jnp.sum(stats.bernoulli.logpmf(jnp.array([1.0, 0.0, 1.0]), unit(x))), x3, v3, u3)
check_grads('poisson', lambda x: jnp.sum(stats.poisson.logpmf(jnp.array([0.0, 2.0, 5.0]), pos(x))), x3, v3, u3)
check_grads('gamma', lambda x: jnp.sum(stats.gamma.logpdf(pos(x[::-1]), pos(x) * 2.0)), x3, v3, u3)
check_grads('beta', lambda x: jnp.sum(stats.beta.logpdf(unit(x), pos(x), pos(x[::-1]))), x3, v3, u3)
check_grads('t', lambda x: jnp.sum(stats.t.logpdf(x, pos(x) * 3.0)), x3, v3, u3)
check_grads('logistic cauchy', lambda x: jnp.sum(stats.logistic.logpdf(x, 0.3) + stats.cauchy.cdf(x, 0.1, 2.0)), x3, v3, u3)
`), 16);
  });
});
