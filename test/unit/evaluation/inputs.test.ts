import * as assert from 'node:assert/strict';
import { evaluated, failed, requestFor } from './support';

const TORCH = (body: string) => `import torch\n\n${body}`;

describe('evaluation: example inputs', () => {
  it('takes them from a call in the file', async () => {
    const r = await evaluated(requestFor('call.py', TORCH('def f(x, y):\n    return x * y\n\nf(torch.tensor(3.0), 2.0)\n'), 'f'));
    assert.equal(r.inputOrigin, 'call');
    assert.deepEqual(r.inputs, { x: 3, y: 2 });
    // Torch code: the float tensor is differentiated, the Python float is not.
    assert.deepEqual(r.grad, { x: 2 });
  });

  it('from the parameter defaults', async () => {
    const r = await evaluated(requestFor('defaults.py', TORCH('def f(x=1.5):\n    return x ** 3\n'), 'f'));
    assert.equal(r.inputOrigin, 'defaults');
    assert.equal(r.value, 3.375);
    assert.deepEqual(r.grad, { x: 6.75 });
  });

  it('numpy code, inputs from defaults: both engines, lines and kernels on the body\'s line only', async () => {
    const r = await evaluated(requestFor('np.py', 'import numpy as np\n\ndef f(x=2.0):\n    return np.sin(x) * x\n', 'f'));
    assert.equal(r.style, 'numpy');
    assert.ok(Math.abs((r.value as number) - Math.sin(2) * 2) < 1e-6);
    assert.ok(Math.abs((r.grad.x as number) - (Math.cos(2) * 2 + Math.sin(2))) < 1e-5);
    assert.deepEqual(r.eager?.lines.map((l) => l.line), [4], 'the gradient\'s equations carry the whole def, no one line');
    assert.deepEqual(r.jit?.lineKernels.map((l) => l.line), [4]);
  });

  it('a jitted function\'s static arguments keep the example call\'s values: the lens differentiates the rest (issue 16)', async () => {
    // static_argnames through functools.partial, and static_argnums in jax.jit's decorator-factory form.
    const byName = 'import functools\nimport jax\n\n@functools.partial(jax.jit, static_argnames=\'n\')\ndef poly(x, n):\n'
      + '    total = 0.0\n    for k in range(n):\n        total = total + x ** k\n    return total\n\npoly(2.0, 3)\n';
    const r = await evaluated(requestFor('static.py', byName, 'poly', { graphs: true }));
    assert.deepEqual(r.inputs, { x: 2, n: 3 });
    // 1 + x + x**2 at 2: 7, its derivative 1 + 2x: 5; n is no input of the graph.
    assert.equal(r.value, 7);
    assert.deepEqual(r.grad, { x: 5 });
    assert.deepEqual(r.jit?.grad, { x: 5 });
    const forward = r.graphs!.find((g) => g.kind === 'forward')!;
    assert.deepEqual(forward.nodes.filter((n) => n.kind === 'input').map((n) => n.label), ['x']);
    const byNum = 'import jax\nimport jax.numpy as jnp\n\n@jax.jit(static_argnums=(0,))\ndef scaled(mode, w):\n'
      + '    if mode == \'sum\':\n        return jnp.sum(w * w)\n    return jnp.max(w * w)\n\nscaled(\'sum\', jnp.array([1.0, -3.0]))\n';
    // '# gradlens: wrt=' is how a function whose first argument is static says what to differentiate.
    const numbered = await evaluated(requestFor('static_num.py', byNum.replace('@jax.jit', '# gradlens: wrt=w\n@jax.jit'), 'scaled'));
    assert.deepEqual(numbered.inputs, { w: [1, -3] }, 'a string is not shown as an input');
    assert.equal(numbered.value, 10);
    assert.deepEqual(numbered.grad, { w: [2, -6] });
  });

  it('from a # gradlens: comment above the def', async () => {
    const r = await evaluated(requestFor('comment.py', 'import jax.numpy as jnp\n\n# gradlens: w=jnp.array([1.0, 2.0])\ndef f(w):\n    return jnp.sum(w * w)\n', 'f'));
    assert.equal(r.inputOrigin, 'comment');
    assert.deepEqual(r.inputs, { w: [1, 2] });
    assert.deepEqual(r.grad, { w: [2, 4] });
    assert.deepEqual(r.jit?.grad, { w: [2, 4] });
  });

  it('from what the user typed when the file gives none; the file\'s come first unless asked', async () => {
    const none = TORCH('def f(x, w):\n    return (x * torch.tensor(w)).sum()\n');
    const r = await evaluated(requestFor('typed.py', none, 'f', { inputs: 'x=2.0, w=[1, 2, 3]' }));
    assert.equal(r.inputOrigin, 'user');
    assert.deepEqual(r.inputs, { x: 2, w: [1, 2, 3] });
    assert.deepEqual(r.grad, { x: 6 }, 'w=[1, 2, 3] is a list, not a float leaf');
    const withCall = TORCH('def f(x):\n    return x * x\n\nf(1.0)\n');
    assert.equal((await evaluated(requestFor('typed.py', withCall, 'f', { inputs: 'x=4.0' }))).value, 1);
    assert.equal((await evaluated(requestFor('typed.py', withCall, 'f', { inputs: 'x=4.0', inputsFirst: true }))).value, 16);
  });

  it('without any, answers an inputs error at the function name, saying how to give them', async () => {
    const e = await failed(requestFor('file:///home/u/none.py', TORCH('\ndef loss(x):\n    return x * 2\n'), 'loss'));
    assert.equal(e.kind, 'inputs');
    assert.equal(e.function, 'loss');
    assert.match(e.sourceHash, /^[0-9a-f]{16}$/);
    assert.deepEqual(e.range, { line: 4, col: 5, endLine: 4, endCol: 9 });
    assert.match(e.message, /^\/home\/u\/none\.py:4:5: error: no example inputs for loss\(\); add a call of it, defaults, a '# gradlens: x=2\.0' comment/);
  });

  it('typed inputs that do not fit are an inputs error too, so the editor asks again', async () => {
    const text = TORCH('def f(x):\n    return x * 2\n');
    const unknown = await failed(requestFor('bad.py', text, 'f', { inputs: 'y=1.0' }));
    assert.equal(unknown.kind, 'inputs');
    assert.match(unknown.message, /f\(\) has no parameter 'y' \(its parameters: x\)/);
    const broken = await failed(requestFor('bad.py', text, 'f', { inputs: 'x=(' }));
    assert.equal(broken.kind, 'inputs');
  });

  for (const style of ['torch', 'jax']) {
    it(`${style}: typed inputs that raise (an unknown name) are placed at the function, not at their own column taken as the file's`, async () => {
      const text = style === 'torch' ? TORCH('def f(x):\n    return x * 2\n') : 'import jax.numpy as jnp\n\ndef f(x):\n    return x * 2\n';
      const e = await failed(requestFor('bad.py', text, 'f', { inputs: 'x=foo' }));
      assert.equal(e.kind, 'inputs');
      assert.equal(e.range?.line, text.split('\n').findIndex((l) => l.startsWith('def f')) + 1);
      assert.match(e.message, /: error: the inputs typed for f\(\): NameError: name 'foo' is not defined \(at column 3\)$/);
    });
  }

  it('a function that is not there is an error naming the file\'s functions', async () => {
    const e = await failed(requestFor('g.py', TORCH('def f(x=1.0):\n    return x\n'), 'g'));
    assert.equal(e.kind, 'error');
    assert.match(e.message, /no function 'g' \(functions: f\)/);
  });
});
