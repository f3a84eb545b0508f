import * as assert from 'node:assert/strict';
import { createReferenceBackend } from '../../../runtime/backends';
import { EagerEngine } from '../../../runtime/eager';
import { formatError } from '../../../lang/python/run';
import { run as runScript } from '../../../lang/python/run';
import { runPython } from '../../../evaluation';
import { arrayStr, jaxRepr, jaxSession, numpyRepr } from '../../../lang/python/jax';
import { ClosedJaxprObject } from '../../../lang/python/jax/transforms';

/** Scripts on the reference backend: exact output, errors at their spans, nothing leaked. */
function run(source: string): string {
  const backend = createReferenceBackend();
  const r = runPython(source, new EagerEngine(backend), { file: 't.py' });
  assert.equal(backend.liveCount(), 0, 'every array is freed when the run ends');
  if (r.error) return `${r.output}ERROR ${formatError(r.error)}`;
  return r.output;
}

const JAX = 'import jax\nimport jax.numpy as jnp\nimport numpy as np\n';

describe('jax shim', () => {
  it('refuses at the line an int64 value past 2**53 (where Gradlens stops storing it exactly) and a Python int past int32 in jax', () => {
    const past = 'an int64 value (about 9.007e15) is past 2**53: Gradlens stores int64 exactly only within ±2**53 (PyTorch and NumPy would wrap at 2**63); use smaller values or a float64 array';
    const cases: [string, string][] = [
      ['y = np.array([2**53])', `OverflowError: ${past}`],
      ['y = np.array([2**51]) * 4', `OverflowError: ${past}`],
      ['y = np.arange(2**52, 2**52 + 3).sum()', `OverflowError: ${past}`],
      ['y = np.array([2**64])', 'OverflowError: Python int too large to convert to C long'],
      ['y = jnp.array([1, 2]) + 2**40', 'OverflowError: Python int 1099511627776 too large to convert to int32'],
    ];
    for (const [line, error] of cases) assert.equal(run(`${JAX}x = 1\n${line}\n`), `ERROR t.py:5:5: error: ${error}`, line);
  });

  it('runs the seed snippet', () => {
    const seed = `${JAX}def f(x):\n    return x ** 2 + 3 * x + 5\n\nx = 2.0\ngrad_f = jax.grad(f)\nvalue = f(x)\ngradient = grad_f(x)\nprint(f"Value: {value}")\nprint(f"Gradient: {gradient}")\n`;
    assert.equal(run(seed), 'Value: 15.0\nGradient: 7.0\n');
  });

  it('prints the seed jaxpr as jax.make_jaxpr does, each equation spanning its Python line', () => {
    const out = run(`${JAX}def f(x):\n    return x ** 2 + 3 * x + 5\nprint(jax.make_jaxpr(f)(2.0))\n`);
    assert.equal(out, '{ lambda ; a:f32[]. let\n    b:f32[] = integer_pow[y=2] a\n    c:f32[] = mul 3.0 a\n'
      + '    d:f32[] = add b c\n    e:f32[] = add d 5.0\n  in (e,) }\n');
  });

  it('traced equations carry the span of the Python expression that made them', () => {
    const src = 'import jax\ndef f(x):\n    y = x * 2.0\n    return jax.numpy.sin(y)\nj = jax.make_jaxpr(f)(1.0)\nprint(j)\n';
    const session = jaxSession(createReferenceBackend(), { source: src });
    // The printed form has no spans: read them off the object the script printed.
    const str = ClosedJaxprObject.prototype.str;
    ClosedJaxprObject.prototype.str = function (this: ClosedJaxprObject) {
      return JSON.stringify(this.jaxpr.eqns.map((e) => [e.primitive, e.span?.line, e.span?.column]));
    };
    try {
      assert.equal(runScript(src, { modules: session.modules, file: 'x.py' }).output, '[["mul",3,9],["sin",4,12]]\n');
    } finally {
      ClosedJaxprObject.prototype.str = str;
      session.dispose();
    }
  });

  it('grad with argnums tuples, has_aux, and grad of grad', () => {
    const out = run(`${JAX}def f(x, y):\n    return x * x * y + jnp.sin(y)\n`
      + 'print(jax.grad(f, argnums=(0, 1))(3.0, 0.0))\n'
      + 'print(jax.grad(jax.grad(lambda x: x ** 3))(2.0))\n'
      + 'print(jax.grad(lambda x: (x * x, x + 1), has_aux=True)(3.0))\n'
      + 'print(jax.value_and_grad(lambda x: jnp.sum(x ** 2))(jnp.array([1.0, 2.0])))\n');
    assert.equal(out, '(Array(0., dtype=float32, weak_type=True), Array(10., dtype=float32, weak_type=True))\n'
      + '12.0\n'
      + '(Array(6., dtype=float32, weak_type=True), Array(4., dtype=float32, weak_type=True))\n'
      + '(Array(5., dtype=float32), Array([2., 4.], dtype=float32))\n');
  });

  it('grad over dict and list pytrees keeps their structure', () => {
    const out = run(`${JAX}p = {'w': jnp.array([1.0, 2.0]), 'b': [3.0]}\n`
      + "g = jax.grad(lambda p: jnp.sum(p['w'] * p['b'][0]))(p)\nprint(g['w'], g['b'][0])\n");
    assert.equal(out, '[3. 3.] 3.0\n');
  });

  it('jit traces once per signature: a print inside runs at trace time only', () => {
    const out = run(`${JAX}@jax.jit\ndef f(x):\n    print('tracing')\n    return x * 2.0\n`
      + 'print(f(jnp.ones(2)))\nprint(f(jnp.zeros(2)))\nprint(f(jnp.ones(3)))\nprint(f._cache_size())\n');
    assert.equal(out, 'tracing\n[2. 2.]\n[0. 0.]\ntracing\n[2. 2. 2.]\n2\n');
  });

  it('jit static_argnums: Python control flow on a static argument', () => {
    const out = run(`${JAX}def g(x, n):\n    for i in range(n):\n        x = x * 2.0\n    return x\n`
      + 'gj = jax.jit(g, static_argnums=1)\nprint(gj(1.0, 3), gj(1.0, 2), gj(5.0, 3))\nprint(gj._cache_size())\n');
    assert.equal(out, '8.0 4.0 40.0\n2\n');
  });

  it('vmap with in_axes, and vmap of grad', () => {
    const out = run(`${JAX}w = jnp.array([1.0, 2.0])\n`
      + 'print(jax.vmap(jnp.dot, in_axes=(0, None))(jnp.ones((3, 2)), w))\n'
      + 'print(jax.vmap(jax.grad(lambda x: x ** 2))(jnp.array([1.0, 2.0, 3.0])))\n');
    assert.equal(out, '[3. 3. 3.]\n[2. 4. 6.]\n');
  });

  it('jvp and vjp', () => {
    const out = run(`${JAX}print(jax.jvp(lambda x: x ** 3, (2.0,), (1.0,)))\n`
      + 'y, back = jax.vjp(lambda a, b: a * b, jnp.array([1.0, 2.0]), jnp.array([3.0, 4.0]))\nprint(y, back(jnp.ones(2)))\n');
    assert.equal(out, '(Array(8., dtype=float32, weak_type=True), Array(12., dtype=float32, weak_type=True))\n'
      + '[3. 8.] (Array([3., 4.], dtype=float32), Array([1., 2.], dtype=float32))\n');
  });

  it('raises the concretization error at the traced if, naming the function and the argument, as JAX 0.4.35', () => {
    const out = run(`${JAX}def f(x):\n    if x > 0:\n        return x\n    return -x\nprint(jax.jit(f)(1.0))\n`);
    assert.equal(out, 'ERROR t.py:5:8: error: jax.errors.TracerBoolConversionError: Attempted boolean conversion of traced array with shape bool[].\n'
      + 'The error occurred while tracing the function f at t.py:4 for jit. This concrete value was not available in Python because it depends on the value of the argument x.\n'
      + 'See https://jax.readthedocs.io/en/latest/errors.html#jax.errors.TracerBoolConversionError');
  });

  it('jnp.where instead of the if', () => {
    assert.equal(run(`${JAX}print(jax.jit(lambda x: jnp.where(x > 0, x, -x))(jnp.array([-1.0, 2.0])))\n`), '[1. 2.]\n');
  });

  it('jnp.ravel, and jnp.real/conj/conjugate of a real array (the array itself, as JAX\'s asarray; issue 16)', () => {
    const out = run(`${JAX}x = jnp.array([[1.0, -2.0], [3.0, 4.0]])\nprint(jnp.ravel(x), jnp.real(x).shape, jnp.conj(x)[1], jnp.conjugate(2.0))\n`
      + 'print(jax.make_jaxpr(lambda v: jnp.real(v) * jnp.conj(v))(x))\n');
    assert.equal(out, '[ 1. -2.  3.  4.] (2, 2) [3. 4.] 2.0\n{ lambda ; a:f32[2,2]. let b:f32[2,2] = mul a a in (b,) }\n');
  });

  it('jax.nn functions', () => {
    const out = run(`${JAX}x = jnp.array([0.0, 1.0])\nprint(jax.nn.sigmoid(x))\nprint(jax.nn.relu(x - 0.5))\nprint(jax.nn.softmax(jnp.zeros(4)))\n`);
    assert.equal(out, '[0.5       0.7310586]\n[0.  0.5]\n[0.25 0.25 0.25 0.25]\n');
  });

  it('numpy arrays are float64 constants on the reference backend', () => {
    const out = run(`${JAX}a = np.array([0.1, 0.2])\nprint(a + 0.1)\nprint(repr(np.ones(2)))\nprint(jnp.asarray(a).dtype)\n`);
    assert.equal(out, '[0.2 0.3]\narray([1., 1.])\nfloat32\n');
  });

  it('prints arrays with NumPy rules', () => {
    const p = (values: number[], shape: number[], dtype: 'float32' | 'int32' | 'bool' = 'float32') => ({ values, shape, dtype });
    assert.equal(arrayStr(p([1, 2.5, -3], [3])), '[ 1.   2.5 -3. ]');
    assert.equal(arrayStr(p([1e-5, 1], [2])), '[1.e-05 1.e+00]');
    assert.equal(arrayStr(p([7], [])), '7.0');
    assert.equal(jaxRepr(p([7], []), true), 'Array(7., dtype=float32, weak_type=True)');
    assert.equal(jaxRepr(p([1, 2, 3, 4], [2, 2], 'int32'), false), 'Array([[1, 2],\n       [3, 4]], dtype=int32)');
    assert.equal(numpyRepr({ values: [1, 2], shape: [2], dtype: 'float64' }), 'array([1., 2.])');
    assert.equal(arrayStr(p(Array.from({ length: 2000 }, (_, i) => i), [2000], 'int32')), '[   0    1    2 ... 1997 1998 1999]');
  });
});
