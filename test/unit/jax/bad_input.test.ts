import * as assert from 'node:assert/strict';
import { createReferenceBackend } from '../../../runtime/backends';
import { EagerEngine } from '../../../runtime/eager';
import { formatError } from '../../../lang/python/run';
import { runPython } from '../../../evaluation';

/**
 * Issue 16's bad input: each program ends with JAX's error text (JAX 0.4.35's source: the message
 * named beside each case) at the line and column of the call that raised it. The unhashable static
 * argument and a custom_vjp bwd of the wrong structure are test/fixtures/jax/jit_static and
 * custom_rules's .error lines.
 */
function errorOf(source: string): string | null {
  const backend = createReferenceBackend();
  const r = runPython(`import jax\nimport jax.numpy as jnp\nfrom jax import lax\n\n${source}`, new EagerEngine(backend), { file: 'bad.py' });
  assert.equal(backend.liveCount(), 0, 'every array is freed when the run ends');
  return r.error ? formatError(r.error) : null;
}

describe('jax shim: bad input reads as JAX\'s error at the line (issue 16)', () => {
  it('scan with a carry whose shape changes (loops.py _check_carry_type)', () => {
    const src = 'def grow(c, x):\n    return jnp.concatenate([c, x[None]]), x\n\n\nprint(lax.scan(grow, jnp.zeros(1), jnp.arange(3.0)))\n';
    assert.equal(errorOf(src), 'bad.py:9:7: error: TypeError: scan body function carry input and carry output must have equal types '
      + '(e.g. shapes and dtypes of arrays), but they differ:\n\n'
      + 'The input carry c has type float32[1] but the corresponding output carry component has type float32[2], so the shapes do not match.\n\n'
      + 'Revise the function so that all output types (e.g. shapes and dtypes) match the corresponding input types.');
  });

  it('scan with a pytree carry whose leaves change dtype and shape: one bullet each', () => {
    const src = 'def step(state, x):\n    n, acc = state\n    return (n + 0.5, jnp.stack([acc, x])), x\n\n\nlax.scan(step, (jnp.int32(0), jnp.float32(0)), jnp.ones(2))\n';
    assert.equal(errorOf(src), 'bad.py:10:1: error: TypeError: scan body function carry input and carry output must have equal types '
      + '(e.g. shapes and dtypes of arrays), but they differ:\n\n'
      + '  * the input carry component state[0] has type int32[] but the corresponding output carry component has type float32[], so the dtypes do not match;\n'
      + '  * the input carry component state[1] has type float32[] but the corresponding output carry component has type float32[2], so the shapes do not match.\n\n'
      + 'Revise the function so that all output types (e.g. shapes and dtypes) match the corresponding input types.');
  });

  it('cond branches with different output types (common.py _check_tree_and_avals)', () => {
    const src = 'def f(x):\n    return lax.cond(x > 0, lambda v: v, lambda v: jnp.stack([v, v]), x)\n\n\nprint(f(1.0))\n';
    assert.equal(errorOf(src), 'bad.py:6:12: error: TypeError: true_fun and false_fun output must have identical types, got\n'
      + 'DIFFERENT ShapedArray(float32[], weak_type=True) vs. ShapedArray(float32[2], weak_type=True).');
    const dtypes = 'def f(x):\n    return lax.cond(x > 0, lambda v: v, lambda v: 1, x)\n\n\nprint(f(1.0))\n';
    assert.equal(errorOf(dtypes), 'bad.py:6:12: error: TypeError: true_fun and false_fun output must have identical types, got\n'
      + 'DIFFERENT ShapedArray(float32[], weak_type=True) vs. ShapedArray(int32[], weak_type=True).');
  });

  it('grad of a function with a non-scalar output (api.py _check_scalar)', () => {
    const src = 'def double(x):\n    return x * 2.0\n\n\nprint(jax.grad(double)(jnp.array([1.0, 2.0])))\n';
    assert.equal(errorOf(src), 'bad.py:9:7: error: TypeError: Gradient only defined for scalar-output functions. Output had shape: (2,).');
  });

  it('x[None] on a 0-d array adds an axis (it read as too many indices); x[0] says JAX\'s and NumPy\'s texts', () => {
    assert.equal(errorOf('x = jnp.array(2.0)\nprint(x[None], x[..., None].shape, x[()])\n'), null);
    assert.equal(errorOf('x = jnp.array(2.0)\nprint(x[0])\n'), 'bad.py:6:7: error: IndexError: Too many indices: 0-dimensional array indexed with 1 regular index.');
    assert.equal(errorOf('import numpy as np\nx = np.array(2.0)\nprint(x[0])\n'), 'bad.py:7:7: error: IndexError: too many indices for array: array is 0-dimensional, but 1 were indexed');
  });

  it('complex values compute as complex64 (no longer refused); NumPy complex dtypes are refused at the line; grad(holomorphic=True) of a real input is JAX\'s error', () => {
    for (const line of ['print(jnp.exp(1j))', 'print(jnp.array([1.0, 2.0]) * 2j)', 'print(jax.grad(lambda z: jnp.abs(z) ** 2)(1.0 + 2j))', 'print(jax.grad(lambda z: z * z, holomorphic=True)(1.0 + 2j))']) {
      assert.equal(errorOf(line), null, line);
    }
    assert.equal(errorOf('import numpy as np\nprint(np.ones(2, dtype=np.float32), np.ones(2, dtype=complex))\n'),
      "bad.py:6:37: error: NotImplementedError: dtype complex is not supported by Gradlens's NumPy arrays (jax.numpy's complex64 and complex128 are); carry real and imaginary parts as two real arrays");
    // api.py _check_input_dtype_revderiv: "grad" for value_and_grad too.
    assert.equal(errorOf('print(jax.value_and_grad(lambda z: z * z, holomorphic=True)(1.0))\n'),
      'bad.py:5:7: error: TypeError: grad with holomorphic=True requires inputs with complex dtype, but got float32.');
  });

  it('custom_jvp/custom_vjp with symbolic_zeros=True are refused at the rule\'s definition (they were run as if False)', () => {
    const src = '@jax.custom_jvp\ndef f(x):\n    return jnp.sin(x)\n\n\n@f.defjvp\ndef f_jvp(primals, tangents):\n    return f(*primals), tangents[0]\n\n\n'
      + 'f.defjvp(f_jvp, symbolic_zeros=True)\n';
    assert.equal(errorOf(src), 'bad.py:15:1: error: NotImplementedError: custom_jvp.defjvp(symbolic_zeros=True) is not supported by Gradlens yet '
      + '(its rule would get SymbolicZero tangents); leave symbolic_zeros out: the rules then get zero arrays');
  });
});
