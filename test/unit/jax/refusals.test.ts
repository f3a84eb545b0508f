import * as assert from 'node:assert/strict';
import { createReferenceBackend } from '../../../runtime/backends';
import { EagerEngine } from '../../../runtime/eager';
import { formatError } from '../../../lang/python/run';
import { runPython } from '../../../evaluation';

/**
 * Where JAX raises and Gradlens used to answer (issue 16's silent differences): each program ends
 * with JAX's error, the text taken from the JAX source named beside each case (jax-ml/jax at
 * 0.11.1; the same texts as in 0.4.35), at the line and column of the call.
 */
function errorOf(source: string): string | null {
  const backend = createReferenceBackend();
  const r = runPython(`import jax\nimport jax.numpy as jnp\nimport numpy as np\nfrom jax import lax\n${source}`, new EagerEngine(backend), { file: 'bad.py' });
  assert.equal(backend.liveCount(), 0, 'every array is freed when the run ends');
  return r.error ? formatError(r.error) : null;
}

describe('jax shim: refusals JAX makes where Gradlens answered (issue 16)', () => {
  it('a NumPy function of a traced value is TracerArrayConversionError under jit, grad and vmap (core.py Tracer.__array__); np.shape is not', () => {
    assert.equal(errorOf('print(jax.jit(lambda x: np.asarray(x))(jnp.ones(3)))\n'),
      "bad.py:5:25: error: jit cannot trace 'np.asarray(x)' on a traced value; use jnp.asarray (NumPy's __array__() cannot take a traced array with shape float32[3])");
    assert.equal(errorOf('print(jax.jit(lambda x: np.array(x) * 2)(jnp.ones(3)))\n'),
      "bad.py:5:25: error: jit cannot trace 'np.array(x)' on a traced value; use jnp.array (NumPy's __array__() cannot take a traced array with shape float32[3])");
    assert.equal(errorOf('def f(x):\n    return np.sin(x) ** 2\n\n\nprint(jax.grad(f)(0.5))\n'),
      "bad.py:6:12: error: grad cannot trace 'np.sin(x)' on a traced value; use jnp.sin (NumPy's __array__() cannot take a traced array with shape float32[])");
    assert.equal(errorOf('print(jax.vmap(lambda r: np.sum(r))(jnp.ones((2, 3))))\n'),
      "bad.py:5:26: error: vmap cannot trace 'np.sum(r)' on a traced value; use jnp.sum (NumPy's __array__() cannot take a traced array with shape float32[3])");
    assert.equal(errorOf('print(jax.jit(lambda x: np.float32(x))(jnp.ones(2)))\n'),
      "bad.py:5:25: error: jit cannot trace 'np.float32(x)' on a traced value; use jnp.float32 (NumPy's __array__() cannot take a traced array with shape float32[2])");
    // NB: the message is Gradlens's (the line's code and what to write), printed bare; the class is JAX's.
    assert.equal(errorOf('try:\n    jax.jit(np.exp)(1.0)\nexcept jax.errors.TracerArrayConversionError:\n    print(1 / 0)\n'), 'bad.py:8:11: error: ZeroDivisionError: division by zero');
    assert.equal(errorOf('print(jax.jit(lambda x: x.sum() * np.shape(x)[0] + np.ones(3))(jnp.ones(3)))\n'), null);
  });

  it('vmap of mapped axes with different sizes names each size and an argument having it (api.py _mapped_axis_size)', () => {
    assert.equal(errorOf('def add(x, y):\n    return x + y\n\n\njax.vmap(add)(jnp.ones(2), jnp.ones(3))\n'),
      'bad.py:9:1: error: ValueError: vmap got inconsistent sizes for array axes to be mapped:\n'
      + '  * one axis had size 2: axis 0 of argument x of type float32[2];\n'
      + '  * one axis had size 3: axis 0 of argument y of type float32[3]');
    assert.equal(errorOf("jax.vmap(lambda p: p['a'] + p['b'] + p['c'])({'a': jnp.ones(2), 'b': jnp.ones(3), 'c': jnp.ones(3)})\n"),
      'bad.py:5:1: error: ValueError: vmap got inconsistent sizes for array axes to be mapped:\n'
      + "  * most axes (2 of them) had size 3, e.g. axis 0 of argument p['b'] of type float32[3];\n"
      + "  * one axis had size 2: axis 0 of argument p['a'] of type float32[2]");
    assert.equal(errorOf('jax.vmap(lambda x, y: x * y, in_axes=(0, -1), axis_size=2)(jnp.ones(2), np.ones((2, 5)))\n'),
      'bad.py:5:1: error: ValueError: vmap got inconsistent sizes for array axes to be mapped:\n'
      + '  * the `axis_size` argument was 2;\n'
      + '  * one axis had size 2: axis 0 of argument x of type float32[2];\n'
      + '  * one axis had size 5: axis -1 of argument y of type float32[2,5]');
  });

  it('lax.select and lax.rem do not promote (lax.py check_same_dtypes; select_n checks its cases false first)', () => {
    assert.equal(errorOf('print(lax.select(jnp.ones(2) > 0, jnp.ones(2), jnp.zeros(2, jnp.int32)))\n'),
      'bad.py:5:7: error: TypeError: lax.select requires arguments to have the same dtypes, got int32, float32. (Tip: jnp.where is a similar function that does automatic type promotion on inputs).');
    assert.equal(errorOf('print(lax.rem(jnp.arange(4), 2.0))\n'), 'bad.py:5:7: error: TypeError: lax.rem requires arguments to have the same dtypes, got int32, float32.');
    assert.equal(errorOf('print(lax.rem(jnp.arange(4.0), 2.0), lax.sub(np.ones(2), 1.0), lax.select(True, 1.0, 2.0))\n'), null);
  });

  it('jax.numpy names the position of the list it refuses (numpy/util.py check_arraylike), inside jnp.concatenate\'s sequence too', () => {
    assert.equal(errorOf('print(jnp.concatenate([jnp.ones(1), [2.0]]))\n'),
      "bad.py:5:7: error: TypeError: concatenate requires ndarray or scalar arguments, got <class 'list'> at position 1.");
    assert.equal(errorOf('print(jnp.where(jnp.ones(2) > 0, [1.0, 2.0], 0.0))\n'),
      "bad.py:5:7: error: TypeError: where requires ndarray or scalar arguments, got <class 'list'> at position 1.");
    assert.equal(errorOf('print(jnp.dot(jnp.ones(2), (1.0, 2.0)))\n'),
      "bad.py:5:7: error: TypeError: dot requires ndarray or scalar arguments, got <class 'tuple'> at position 1.");
    assert.equal(errorOf('print(jnp.array([1.0, 2.0]), jnp.asarray((1, 2)), jnp.ndim([[1], [2]]), jnp.zeros((2, 3)).shape)\n'), null);
  });
});
