/**
 * What is differentiated, and how, on realistic files (issue 11, defects 4-7): plain Python over
 * `math`, where torch code leaves the tape, files mixing libraries, JAX's pytree convention, and
 * vector-valued functions. Expected numbers: Debian's PyTorch 1.13, from
 * test/fixtures/evaluation/expected.py (PyTorch twins of the JAX code).
 */
import * as assert from 'node:assert/strict';
import type { EvaluationResult, Numbers } from '../../../protocol/results';
import { isEvaluationOutcome } from '../../../protocol/webview';
import { evaluated, fileRequest, requestFor } from './support';

const DIR = 'test/fixtures/evaluation';
const flat = (v: Numbers | undefined): number[] => (Array.isArray(v) ? v.flatMap(flat) : [Number(v)]);

function close(actual: Numbers | undefined, expected: readonly number[], what: string, tol = 2e-5): void {
  const a = flat(actual);
  assert.equal(a.length, expected.length, `${what}: ${JSON.stringify(actual)}`);
  a.forEach((v, i) => assert.ok(Math.abs(v - expected[i]) <= tol * Math.max(1, Math.abs(expected[i])), `${what}[${i}]: ${v}, expected ${expected[i]}`));
}

/** The same value and gradients on both engines, each as expected. */
function bothEngines(r: EvaluationResult, value: readonly number[], grad: Readonly<Record<string, readonly number[]>>): void {
  for (const [engine, run] of [['eager', r.eager], ['jit', r.jit]] as const) {
    assert.ok(run, `${r.function}: no ${engine} run`);
    close(run.value, value, `${r.function} ${engine} value`);
    assert.deepEqual(Object.keys(run.grad), Object.keys(grad), `${r.function} ${engine}: what is differentiated`);
    for (const [name, g] of Object.entries(grad)) close(run.grad[name], g, `${r.function} ${engine} ∂/∂${name}`);
  }
}

describe('evaluation: plain Python over math is differentiated (11.4)', () => {
  it('softplus written with math.log and math.exp: 0.574443 at 0.3 on both engines, not 0', async () => {
    const r = await evaluated(fileRequest(`${DIR}/plain_math.py`, 'softplus'));
    bothEngines(r, [0.854355], { x: [0.574443] });
    assert.equal(r.gradientCuts, undefined);
  });

  it('a Gaussian negative log-likelihood: every float argument, by the closed form', async () => {
    // d/dmu = -(x - mu) / sigma^2, d/dsigma = 1/sigma - (x - mu)^2 / sigma^3, d/dx = (x - mu) / sigma^2 at mu=0.5, sigma=2, x=1.3.
    const r = await evaluated(fileRequest(`${DIR}/plain_math.py`, 'gaussian_nll'));
    const [mu, sigma, x] = [0.5, 2, 1.3];
    const value = Math.log(sigma) + 0.5 * Math.log(2 * Math.PI) + (x - mu) ** 2 / (2 * sigma ** 2);
    bothEngines(r, [value], { mu: [-(x - mu) / sigma ** 2], sigma: [1 / sigma - (x - mu) ** 2 / sigma ** 3], x: [(x - mu) / sigma ** 2] });
  });

  it('min, max, abs and math.tanh, math.sqrt together: eager differentiates the branch taken; jit says it cannot branch', async () => {
    const r = await evaluated(fileRequest(`${DIR}/plain_math.py`, 'soft_clip'));
    const x = 0.4;
    const d = 1 + 0.1 * (1 - Math.tanh(x) ** 2) + Math.sqrt(x * x + 1) + (x * x) / Math.sqrt(x * x + 1);
    close(r.value, [x + 0.1 * Math.tanh(x) + x * Math.sqrt(x * x + 1)], 'value');
    assert.deepEqual(Object.keys(r.grad), ['x', 'lo', 'hi']);
    close(r.grad.x, [d], '∂x');
    close(r.grad.lo, [0], '∂lo');
    assert.match(r.jitError ?? '', /plain_math\.py:12:\d+: error: /);
  });
});

describe('evaluation: where plain Python leaves what Gradlens differentiates, the line says so (11.4)', () => {
  it('math.atan2 (not differentiated) and float(y): the gradient through math.exp alone, and a warning at each', async () => {
    const r = await evaluated(fileRequest(`${DIR}/plain_math.py`, 'polar_angle', { engines: 'eager' }));
    close(r.value, [Math.atan2(2, 0.5) + Math.exp(0.5) * 2], 'value');
    close(r.grad.x, [Math.exp(0.5) * 2], '∂x: through math.exp only');
    close(r.grad.y, [0], '∂y');
    assert.deepEqual(r.gradientCuts?.map((c) => [c.range.line, c.range.col, c.what, c.zeroGradient]), [[17, 12, 'float', true], [17, 45, 'float', true]]);
    const [atan2, float] = r.gradientCuts.map((c) => c.message);
    assert.match(atan2, /plain_math\.py:17:12: warning: 'math\.atan2\(y, x\)' is not differentiated by Gradlens .* so ∂polar_angle\/∂y = 0 .*\(exp, log, /);
    assert.match(float, /plain_math\.py:17:45: warning: 'float\(y\)' makes a constant of a differentiated float: the gradient stops here, as it would for autograd/);
  });
});

describe('evaluation: where torch code leaves the tape, the line says so (11.4)', () => {
  it('.item() used in the loss: PyTorch\'s gradient, and a warning at the .item()', async () => {
    const r = await evaluated(fileRequest(`${DIR}/logistic_torch.py`, 'scaled_loss', { engines: 'eager' }));
    close(r.value, [0.004946], 'value', 1e-3);
    close(r.grad.w, [-0.002537, -0.001272], '∂w', 1e-3);
    close(r.grad.b, [0.001198], '∂b', 1e-3);
    assert.equal(r.gradientCuts?.length, 1);
    const [cut] = r.gradientCuts;
    assert.deepEqual([cut.range.line, cut.range.col, cut.what, cut.zeroGradient], [17, 13, 'item', false]);
    assert.match(cut.message, /logistic_torch\.py:17:13: warning: 'l\.item\(\)' reads a tensor that requires grad as a Python number: the gradient stops here/);
    assert.ok(isEvaluationOutcome({ ok: true, result: r }), 'the panel passes the result with its cuts on to the extension');
  });

  it('math.exp of a torch loss: the zero gradient PyTorch would give is reported as cut at that line', async () => {
    const r = await evaluated(fileRequest(`${DIR}/logistic_torch.py`, 'perplexity', { engines: 'eager' }));
    assert.deepEqual(r.grad, { w: [0, 0], b: 0 });
    assert.equal(r.gradientCuts?.length, 1);
    const [cut] = r.gradientCuts;
    assert.deepEqual([cut.range.line, cut.what, cut.zeroGradient], [21, 'float', true]);
    assert.match(cut.message, /'math\.exp\(loss\(w, b\)\)' .* so ∂perplexity\/∂w, ∂perplexity\/∂b = 0 .*torch\.exp/);
  });
});

describe('evaluation: a file mixing torch, jax, numpy and math (11.5)', () => {
  // d/dx sum(tanh(x)^2) = 2 tanh(x) (1 - tanh(x)^2), at [0.5, -1.0]; math_energy's a and b are the same two.
  const t = [0.5, -1].map(Math.tanh);
  const value = [t[0] ** 2 + t[1] ** 2];
  const d = t.map((ti) => 2 * ti * (1 - ti * ti));
  for (const [fn, style] of [['torch_energy', 'torch'], ['jax_energy', 'jax'], ['numpy_energy', 'numpy'], ['math_energy', 'torch']] as const) {
    it(`${fn}() runs with the modules the file imports, as ${style} code`, async () => {
      const r = await evaluated(fileRequest(`${DIR}/mixed.py`, fn));
      assert.equal(r.style, style);
      bothEngines(r, value, fn === 'math_energy' ? { a: [d[0]], b: [d[1]] } : { x: d });
    });
  }
});

describe('evaluation: what is differentiated, by the library\'s convention (11.6)', () => {
  it('a jitted JAX loss(params, x, y) with tuple params: the gradient of params, leaf by leaf, as jax.grad(loss)', async () => {
    const r = await evaluated(fileRequest(`${DIR}/mlp_jax.py`, 'loss'));
    bothEngines(r, [0.226707], {
      'params[0]': [-0.156665, 0.093979, -0.028663, 0.160991, -0.088534, 0.056655, -0.302046, 0.174041, -0.094405, -0.071572, 0.040106, -0.015268],
      'params[1]': [-0.274235, 0.165621, -0.065102],
      'params[2]': [0.159677, -0.127751, -0.309865],
      'params[3]': [-0.374153],
    });
    assert.deepEqual([flat(r.grad['params[0]']).length, (r.grad['params[0]'] as Numbers[]).length], [12, 4], 'params[0] keeps its 4x3 shape');
  });

  it('a JAX loss that calls jnp only through the file\'s helpers (example_loss -> residual -> predict): params as a pytree, not x and y', async () => {
    const r = await evaluated(fileRequest(`${DIR}/mlp_jax.py`, 'example_loss'));
    assert.equal(r.style, 'jax');
    bothEngines(r, [0.038025], {
      'params[0]': [0.206651, -0.106219, 0.116255, 0.103326, -0.053109, 0.058127, -0.04133, 0.021244, -0.023251, 0.061995, -0.031866, 0.034876],
      'params[1]': [0.206651, -0.106219, 0.116255],
      'params[2]': [0.192266, -0.220311, 0.031134],
      'params[3]': [0.390001],
    });
  });

  it('# gradlens: wrt=x above the def differentiates x instead', async () => {
    const r = await evaluated(fileRequest(`${DIR}/mlp_jax.py`, 'input_saliency'));
    bothEngines(r, [0.226707], { x: [0.035355, 0.009181, -0.029614, 0.03368, 0.00883, 0.00422, -0.010367, 0.005906, -0.188353, -0.060388, 0.222197, -0.122633] });
  });

  it('a wrt= comment naming no parameter is an error at the comment', async () => {
    const text = 'import jax.numpy as jnp\n\n# gradlens: wrt=z\ndef f(x, y):\n    return jnp.sum(x * y)\n\nf(jnp.ones(2), jnp.ones(2))\n';
    const { failed } = await import('./support');
    const e = await failed(requestFor('wrt.py', text, 'f'));
    assert.match(e.message, /^wrt\.py:3:17: error: the # gradlens: wrt= comment names 'z', not a parameter of f\(\) \(its parameters: x, y\)/);
  });

  it('torch code taking its parameters as a list [w, b]: each tensor of the list, by its path, not the list skipped', async () => {
    const r = await evaluated(fileRequest(`${DIR}/logistic_torch.py`, 'loss_of_params'));
    bothEngines(r, [0.07033], { 'params[0]': [-0.036067, -0.018082], 'params[1]': [0.017031] });
  });

  it('torch code: the tensors made with requires_grad=True at the call, not the other tensors or floats', async () => {
    const text = 'import torch\n\ndef f(w, x, scale):\n    return (w * x).sum() * scale\n\nf(torch.tensor([1.0, 2.0], requires_grad=True), torch.tensor([3.0, -1.0]), 0.5)\n';
    const r = await evaluated(requestFor('rg.py', text, 'f'));
    bothEngines(r, [0.5], { w: [1.5, -0.5] });
  });
});

describe('evaluation: a vector-valued function shows its value, its graph and its Jacobian (11.7)', () => {
  it('torch.sigmoid(features @ w + b): the value, jacrev w.r.t. w and b as PyTorch\'s jacobian, the summed gradient, the forward graph', async () => {
    const r = await evaluated(fileRequest(`${DIR}/logistic_torch.py`, 'predict', { graphs: true }));
    const value = [0.908916, 0.944778, 0.150692, 0.998095, 0.005761, 0.093945];
    const jw = [0.041394, 0.099345, 0.078259, -0.015652, -0.089589, 0.102387, 0.003803, 0.001902, -0.006874, -0.002864, 0.025536, -0.119167];
    const jb = [0.082788, 0.052173, 0.127984, 0.001902, 0.005728, 0.08512];
    const sum = (j: number[], cols: number) => Array.from({ length: cols }, (_, c) => j.filter((_, i) => i % cols === c).reduce((a, b) => a + b, 0));
    bothEngines(r, value, { w: sum(jw, 2), b: sum(jb, 1) });
    assert.deepEqual([r.jacobian?.valueShape, r.jacobian?.size], [[6], 18]);
    close(r.jacobian?.of?.w, jw, 'J w', 1e-4);
    close(r.jacobian?.of?.b, jb, 'J b', 1e-4);
    assert.deepEqual(r.graphs?.map((g) => g.kind), ['tape', 'forward', 'gradient']);
    assert.ok(isEvaluationOutcome({ ok: true, result: r }), 'the panel passes the result with its Jacobian on to the extension');
  });

  // Torch code the jit cannot trace runs on the eager engine alone: its Jacobian comes from the tape, one backward a row.
  const sums = (j: readonly number[], cols: number) => Array.from({ length: cols }, (_, c) => j.filter((_, i) => i % cols === c).reduce((a, b) => a + b, 0));
  for (const [fn, value, jacobian, why] of [
    ['normalized_scores', [0.016392, 0.761594, -0.415816], { w: [0.819452, 1.966685, 1.032724, -0.206545, -0.949127, 1.084717], b: [1.638904, 0.688482, 1.355896] }, '.item()'],
    ['clipped', [0.704, 0.864, 0], { w: [1.28, 0.96, 2.28, -0.24, 0, 0] }, 'an if on a tensor'],
  ] as const) {
    it(`${fn}() (${why}, which the jit cannot trace): its Jacobian from the eager tape, as torch.autograd.functional.jacobian`, async () => {
      const r = await evaluated(fileRequest(`${DIR}/untraceable_torch.py`, fn));
      assert.ok(r.jitError, `${fn}: the jit traced it`);
      close(r.value, value, `${fn} value`);
      assert.deepEqual([r.jacobian?.valueShape, r.jacobian?.size], [[3], Object.values(jacobian).flat().length]);
      for (const [name, j] of Object.entries(jacobian)) {
        close(r.jacobian?.of?.[name], j, `J[${fn}, ${name}]`, 1e-5);
        close(r.grad[name], sums(j, j.length / 3), `∂sum(${fn})/∂${name}`);
      }
      assert.ok(isEvaluationOutcome({ ok: true, result: r }));
    });
  }

  it('a JAX hidden layer of 21x3 w.r.t. tuple params: too large to read, so its size and the summed gradient', async () => {
    const r = await evaluated(fileRequest(`${DIR}/mlp_jax.py`, 'hidden'));
    assert.deepEqual(r.jacobian, { valueShape: [21, 3], size: 21 * 3 * (12 + 3 + 3 + 1) });
    assert.deepEqual(Object.keys(r.grad), ['params[0]', 'params[1]', 'params[2]', 'params[3]']);
    close(r.grad['params[2]'], [0, 0, 0], 'W2 does not reach the hidden layer');
  });
});
