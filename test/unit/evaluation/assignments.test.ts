import * as assert from 'node:assert/strict';
import type { AssignedValue, EvaluationResult, Numbers } from '../../../protocol/results';
import { SERIES_POINTS } from '../../../protocol/results';
import { evaluated, requestFor } from './support';

function at(r: EvaluationResult, name: string, line: number): AssignedValue {
  const found = r.assignments?.find((a) => a.name === name && a.range.line === line);
  assert.ok(found, `no record of ${name} on line ${line}: ${JSON.stringify(r.assignments?.map((a) => `${a.name}@${a.range.line}`))}`);
  return found;
}

function assertClose(actual: Numbers | number | undefined, expected: Numbers, tol = 1e-5): void {
  if (Array.isArray(expected)) {
    assert.ok(Array.isArray(actual), `expected a list, got ${JSON.stringify(actual)}`);
    assert.equal(actual.length, expected.length);
    expected.forEach((e, i) => assertClose((actual as Numbers[])[i], e, tol));
    return;
  }
  assert.ok(typeof actual === 'number' && Math.abs(actual - (expected as number)) <= tol * Math.max(1, Math.abs(expected as number)), `${actual} != ${expected}`);
}

const MLP = `import torch

def f(x, w):
    h = x @ w
    a = torch.tanh(h)
    big = torch.cat([a, a])
    s = (big * big).sum()
    return s

x = torch.tensor([[0.5, -1.0, 2.0], [1.5, 0.25, -0.75], [-2.0, 1.0, 0.5], [0.1, 0.2, 0.3]])
w = torch.tensor([[0.3, -0.2], [0.8, 0.5], [-0.4, 0.9]])
f(x, w)
`;

describe('evaluation: what each assignment left in its name (hover on any name)', () => {
  // Expected numbers: PyTorch 1.13 on the same inputs, with retain_grad() on each intermediate.
  it('torch: dtype, shape, values in full when few, and the gradient PyTorch gives with retain_grad', async () => {
    const r = await evaluated(requestFor('mlp.py', MLP, 'f'));
    const h = at(r, 'h', 4);
    assert.equal(h.value.type, 'f32[4,2]');
    assertClose(h.value.values, [[-1.45, 1.2], [0.95, -0.85], [-1.4901161193847656e-08, 1.35], [0.07, 0.35]]);
    assert.equal(h.grad?.type, 'f32[4,2]');
    assertClose(h.grad?.values, [[-0.7084366679191589, 1.0171253681182861], [1.3396613597869873, -1.444122314453125], [-5.960464477539063e-08, 0.8252144455909729], [0.27817827463150024, 1.193260669708252]]);
    assert.deepEqual(h.range, { line: 4, col: 5, endLine: 4, endCol: 6 });
    assert.equal(h.count, 1);
  });

  it('torch: past 8 numbers, min, max and mean of the value and of its gradient', async () => {
    const r = await evaluated(requestFor('mlp.py', MLP, 'f'));
    const big = at(r, 'big', 6);
    assert.equal(big.value.type, 'f32[8,2]');
    assert.equal(big.value.values, undefined);
    assertClose(big.value.min, -0.8956928849220276);
    assertClose(big.value.max, 0.8740532398223877);
    assertClose(big.value.mean, 0.15837375819683075);
    assertClose(big.grad?.min, -1.7913857698440552);
    assertClose(big.grad?.max, 1.7481064796447754);
    assertClose(big.grad?.mean, 0.3167475163936615);
    const s = at(r, 's', 7);
    assert.equal(s.value.type, 'f32[]');
    assertClose(s.value.values, 6.808206558227539);
  });

  it('a loop: each iteration\'s scalar in order, the last value shown', async () => {
    const text = 'import torch\n\ndef f(x):\n    loss = (x * x).sum()\n    for step in range(4):\n        loss = loss * 0.5\n        rate = 0.1 * step\n    return loss\n\nf(torch.tensor([1.0, 2.0]))\n';
    const r = await evaluated(requestFor('loop.py', text, 'f'));
    const loss = at(r, 'loss', 6);
    assert.equal(loss.count, 4);
    assertClose(loss.series?.values as number[], [2.5, 1.25, 0.625, 0.3125]);
    assert.equal(loss.series?.stride, 1);
    assertClose(loss.value.values, 0.3125);
    const rate = at(r, 'rate', 7);
    assert.equal(rate.value.type, 'float');
    assertClose(rate.series?.values as number[], [0, 0.1, 0.2, 0.30000000000000004]);
    // The loop variable is a name the loop assigns too.
    assert.deepEqual(at(r, 'step', 5).series?.values, [0, 1, 2, 3]);
  });

  it(`a long loop keeps at most ${SERIES_POINTS} points, every stride-th from the first`, async () => {
    const text = 'def f(x):\n    total = 0.0\n    for i in range(1100):\n        total = total + x\n    return total\n\nf(1.0)\n';
    const r = await evaluated(requestFor('long.py', text, 'f'));
    const total = at(r, 'total', 4);
    assert.equal(total.count, 1100);
    const series = total.series!;
    assert.equal(series.stride, 2);
    assert.ok(series.values.length <= SERIES_POINTS);
    assert.equal(series.values.length, 550);
    series.values.forEach((v, k) => assert.equal(v, 1 + k * series.stride));
    assert.equal(total.value.values, 1100);
  });

  it('jax: the values of a concrete call (JAX\'s op-by-op mode), and the gradient of the value with respect to each', async () => {
    const text = 'import jax.numpy as jnp\n\ndef f(w):\n    y = jnp.sin(w) * 2.0\n    z = jnp.sum(y)\n    return z\n\nf(jnp.array([0.5, 1.0, 1.5]))\n';
    const r = await evaluated(requestFor('j.py', text, 'f'));
    const y = at(r, 'y', 4);
    assert.equal(y.value.type, 'f32[3]');
    assertClose(y.value.values, [2 * Math.sin(0.5), 2 * Math.sin(1), 2 * Math.sin(1.5)]);
    // z = sum(y): dz/dy is ones.
    assert.deepEqual(y.grad, { type: 'f32[3]', values: [1, 1, 1] });
    assertClose(at(r, 'z', 5).value.values, 2 * (Math.sin(0.5) + Math.sin(1) + Math.sin(1.5)));
  });

  // PyTorch 1.13 and a float32 NumPy twin of the JAX loop: 8.0, 5.12, 3.2768, 2.0971518, 1.3421772.
  const LOSSES = [8, 5.119999885559082, 3.2767999172210693, 2.097151756286621, 1.342177152633667];

  it('a top-level training loop whose first iteration holds the example call: every iteration\'s loss, as the whole script runs (torch)', async () => {
    const text = 'import torch\n\ndef loss_fn(w):\n    return ((w - 1.0) ** 2).sum()\n\nw = torch.tensor([3.0, -1.0], requires_grad=True)\nfor step in range(5):\n    loss = loss_fn(w)\n    loss.backward()\n    with torch.no_grad():\n        w -= 0.1 * w.grad\n        w.grad.zero_()\n';
    const r = await evaluated(requestFor('train_top.py', text, 'loss_fn'));
    // The function itself at its first call's inputs (w = [3, -1]).
    assert.equal(r.value, 8);
    const loss = at(r, 'loss', 8);
    assert.equal(loss.count, 5);
    assertClose(loss.series?.values as number[], LOSSES, 1e-6);
    assertClose(loss.value.values, LOSSES[4], 1e-6);
    assert.deepEqual(at(r, 'step', 7).series?.values, [0, 1, 2, 3, 4]);
  });

  it('a top-level loop after the function and its example call is recorded too (jax, its arrays rebound each step)', async () => {
    const text = 'import jax\nimport jax.numpy as jnp\n\ndef loss_fn(w):\n    return jnp.sum((w - 1.0) ** 2)\n\nw = jnp.array([3.0, -1.0])\nprint(loss_fn(w))\nfor step in range(5):\n    loss = jnp.sum((w - 1.0) ** 2)\n    g = jax.grad(loss_fn)(w)\n    w = w - 0.1 * g\n';
    const r = await evaluated(requestFor('train_jax.py', text, 'loss_fn'));
    const loss = at(r, 'loss', 10);
    assertClose(loss.series?.values as number[], LOSSES, 1e-6);
    assert.equal(at(r, 'w', 12).value.type, 'f32[2]');
    assertClose(at(r, 'w', 12).value.values, [1 + 2 * 0.8 ** 5, 1 - 2 * 0.8 ** 5], 1e-6);
  });

  it('jax: after the gradient, each intermediate\'s gradient, the cotangent reverse mode gave it (as torch\'s retain_grad does)', async () => {
    const text = 'import jax.numpy as jnp\n\ndef f(w):\n    y = jnp.sin(w) * 2.0\n    h = jnp.tanh(y)\n    z = jnp.sum(h * y)\n    return z\n\nf(jnp.array([0.5, 1.0, 1.5]))\n';
    const r = await evaluated(requestFor('jgrad.py', text, 'f'));
    // PyTorch 1.13 on the same function with retain_grad() on y, h and z.
    assertClose(at(r, 'y', 4).grad?.values, [1.172193169593811, 1.1504408121109009, 1.1059874296188354], 1e-5);
    assertClose(at(r, 'h', 5).grad?.values, [0.9588510990142822, 1.6829419136047363, 1.9949899911880493], 1e-5);
    assertClose(at(r, 'z', 6).grad?.values, 1);
    assert.equal(at(r, 'y', 4).grad?.type, 'f32[3]');
  });

  it('jax: a loop\'s name gets its last iteration\'s cotangent (as retain_grad on the last tensor), an integer none', async () => {
    const text = 'import jax.numpy as jnp\n\ndef f(w):\n    n = 3\n    acc = w\n    for i in range(n):\n        acc = jnp.sin(acc) * 1.5\n    return jnp.sum(acc ** 2)\n\nf(jnp.array([0.5, 1.0, -2.0]))\n';
    const r = await evaluated(requestFor('jloop.py', text, 'f'));
    // PyTorch 1.13: the same loop, retain_grad() on each iteration's acc, the last one's .grad.
    assertClose(at(r, 'acc', 7).grad?.values, [2.5049538612365723, 2.969952344894409, -2.98417067527771], 1e-5);
    assert.equal(at(r, 'acc', 7).count, 3);
    assert.equal(at(r, 'n', 4).grad, undefined);
  });

  it('torch: a loop\'s name gets the gradient retain_grad leaves on its last iteration\'s tensor', async () => {
    const text = 'import torch\n\ndef f(w):\n    acc = w\n    for i in range(3):\n        acc = torch.sin(acc) * 1.5\n    return (acc ** 2).sum()\n\nf(torch.tensor([0.5, 1.0, -2.0]))\n';
    const r = await evaluated(requestFor('tloop.py', text, 'f'));
    // PyTorch 1.13: retain_grad() on each iteration's acc; the last one's .grad.
    assertClose(at(r, 'acc', 6).grad?.values, [2.5049538612365723, 2.969952344894409, -2.98417067527771], 1e-5);
    assert.equal(at(r, 'acc', 6).count, 3);
  });

  // Issue 18: a name that only holds a parameter (unpacked from a pytree, or indexed out of it) had no gradient.
  it('jax: a name that holds a differentiated input itself (W, b = params; w0 = params[0]) gets the input\'s gradient, with jax.grad called before the example call', async () => {
    const text = [
      'import jax', 'import jax.numpy as jnp', '', '', 'def loss(params, x):', '    W, b = params', '    w0 = params[0]', '    h = jnp.tanh(x @ W + b)',
      '    return jnp.sum(h ** 2) + jnp.sum(w0 ** 2)', '', '', 'params = (jnp.array([[0.5, -0.25], [0.75, 0.1]]), jnp.array([0.1, -0.2]))',
      'x = jnp.array([[1.0, 2.0], [0.5, -1.0]])', 'print(jax.grad(loss)(params, x))', 'print(loss(params, x))', '',
    ].join('\n');
    const r = await evaluated(requestFor('alias.py', text, 'loss'));
    // PyTorch 1.13: W and b leaves with requires_grad, w0 = params[0] the same tensor, retain_grad() on h.
    const gW = [[0.7879061698913574, -1.2970426082611084], [2.376208782196045, -0.04773209989070892]];
    assertClose(at(r, 'W', 6).grad?.values, gW);
    assertClose(at(r, 'b', 6).grad?.values, [-0.5371928811073303, -1.1336309909820557]);
    assertClose(at(r, 'w0', 7).grad?.values, gW);
    assertClose(at(r, 'h', 8).grad?.values, [[1.940903902053833, -0.48983731865882874], [-0.7598979473114014, -0.8022685647010803]]);
    // The call inside jax.grad, before the example call, is not one of the example call's assignments.
    assert.equal(at(r, 'h', 8).count, 1);
  });

  // The realistic e2e file mlp_jax.py: a 0-d parameter unpacked to a name was let go of twice
  // after the hovers were read (it is the name's last value and a point of its series), which
  // freed the parameter the script's own tuple still held: the next run of predict() failed.
  it('jax: a 0-d parameter unpacked to a name (W, b0 = params) is still the script\'s after the hovers are read', async () => {
    const text = [
      'import jax', 'import jax.numpy as jnp', '', '', 'def predict(params, x):', '    W, b0 = params', '    return jnp.tanh(x @ W) + b0', '', '',
      'params = (jnp.array([[0.5, -0.25], [0.75, 0.1]]), jnp.array(0.1))', 'params = tuple(p - 0.1 * p for p in params)',
      'print(predict(params, jnp.array([[1.0, 2.0], [0.5, -1.0]])))', '',
    ].join('\n');
    const r = await evaluated(requestFor('scalar_param.py', text, 'predict'));
    // float32 NumPy twin: tanh(x @ (0.9 W)) + 0.09.
    assertClose(r.eager?.value, [[1.036806, 0.04503035], [-0.33189896, -0.10977672]], 1e-5);
    assert.equal(at(r, 'b0', 6).value.type, 'f32[]');
    assertClose(at(r, 'b0', 6).value.values, 0.09, 1e-6);
  });

  it('jax: a name assigned inside lax.fori_loop\'s, lax.scan\'s or lax.cond\'s body says at the hover why it has no gradient; the name the loop\'s result is assigned to has one', async () => {
    const text = [
      'import jax.numpy as jnp', 'from jax import lax', '', '', 'def loss(W, x):', '    h = jnp.tanh(x @ W)', '', '    def body(i, acc):',
      '        step = acc * 0.5 + h', '        return step', '', '    acc = lax.fori_loop(0, 3, body, h)', '', '    def scan_body(carry, xi):',
      '        nxt = carry * xi', '        return nxt, nxt', '', '    last, ys = lax.scan(scan_body, jnp.ones(2), x)', '',
      '    def double(v):', '        twice = v * 2.0', '        return twice', '', '    picked = lax.cond(W.sum() > 0, double, lambda v: v - 1.0, acc)',
      '    return jnp.sum(acc ** 2) + 0.0 * (ys.sum() + picked.sum())', '', '',
      'loss(jnp.array([[0.5, -0.25], [0.75, 0.1]]), jnp.array([[1.0, 2.0], [0.5, -1.0]]))', '',
    ].join('\n');
    const r = await evaluated(requestFor('bodies.py', text, 'loss'));
    // PyTorch 1.13: the fori_loop as a Python loop, retain_grad() on its last acc.
    assertClose(at(r, 'acc', 12).grad?.values, [[3.615103244781494, -0.18734389543533325], [-1.73293936252594, -0.8297942280769348]]);
    assertClose(r.grad.W, [[-0.7987933158874512, -1.0902345180511475], [3.5131616592407227, 0.7788964509963989]]);
    for (const [name, line, where] of [['step', 9, /lax\.fori_loop/], ['nxt', 15, /lax\.scan/], ['twice', 21, /lax\.cond/]] as const) {
      const a = at(r, name, line);
      assert.equal(a.grad, undefined);
      assert.match(a.gradNote ?? '', where, `${name}: ${a.gradNote}`);
      assert.match(a.gradNote ?? '', /^not computed: /);
    }
  });

  it('a top-level training loop before the call is recorded; top-level names outside loops are not', async () => {
    const text = 'import torch\n\nw = torch.tensor(3.0)\nfor epoch in range(3):\n    loss = (w - 1.0) ** 2\n    w = w - 0.1 * 2 * (w - 1.0)\n\ndef f(x):\n    return x * x\n\nf(torch.tensor(2.0))\n';
    const r = await evaluated(requestFor('train.py', text, 'f'));
    assertClose(at(r, 'loss', 5).series?.values as number[], [4, 2.56, 1.6384]);
    assert.equal(r.assignments?.find((a) => a.range.line === 3), undefined);
  });
});
