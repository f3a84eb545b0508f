import * as assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { evaluate } from '../../../evaluation/evaluate';
import { profile } from '../../../evaluation/profiled_backend';
import { createReferenceBackend } from '../../../runtime/backends';
import { EagerEngine } from '../../../runtime/eager';
import { printJaxpr } from '../../../runtime/ir';
import { analyze } from '../../../lang/python/analysis/analyze';
import type { FunctionAt, Outcome } from '../../../lang/python/staging';
import { formatError } from '../../../lang/python/run';
import { torchFunctionAt, torchModules } from '../../../lang/python/torch';
import type { EngineMode, EvaluationOutcome, EvaluationResult, Numbers } from '../../../protocol/results';

const root = join(__dirname, '..');

function ok<T>(o: Outcome<T>): T {
  if (!o.ok) assert.fail(formatError(o.error));
  return o.value;
}

/** `name` in `source` at its first example inputs, over a fresh reference backend. */
function functionAt(source: string, name: string, file = 'f.py'): { at: Outcome<FunctionAt>; live: () => number } {
  const backend = createReferenceBackend();
  const engine = new EagerEngine(backend);
  const analysis = analyze(source, { modules: torchModules(engine) });
  const fn = analysis.functions.find((f) => f.name === name);
  assert.ok(fn, `no function ${name}`);
  assert.ok(fn.inputSources.length > 0, `${name} has no example inputs`);
  return { at: torchFunctionAt(analysis.parse, fn, fn.inputSources[0], engine, { file }), live: () => backend.liveCount() };
}

/**
 * `name` in `text` evaluated as an execution host evaluates it (host.evaluate is this call, in
 * turn), on a fresh reference backend whose arrays are then counted: an evaluation frees all it made.
 */
async function evaluated(file: string, text: string, name: string, engines: EngineMode = 'both'): Promise<EvaluationOutcome> {
  const backend = createReferenceBackend();
  const outcome = await evaluate({ uri: file, text, function: name, engines, backend: 'reference', graphs: false }, profile(backend), { name: 'reference' });
  assert.equal(backend.liveCount(), 0, `${file}: ${name}() left arrays alive`);
  return outcome;
}

function result(outcome: EvaluationOutcome): EvaluationResult {
  if (!outcome.ok) assert.fail(outcome.error.message);
  return outcome.result;
}

function message(outcome: EvaluationOutcome): string {
  if (outcome.ok) assert.fail(`expected an error, got value ${JSON.stringify(outcome.result.value)}`);
  return outcome.error.message;
}

const flat = (v: Numbers | undefined): number[] => (Array.isArray(v) ? v.flatMap(flat) : [Number(v)]);

/** The eager and jit runs of one result: the same value and gradients within `tol` (relative past 1). */
function engineAgreement(r: EvaluationResult, what: string, tol = 1e-5): void {
  const { eager, jit } = r;
  assert.ok(eager && jit, `${what}: ${r.jitError ?? 'an engine did not run'}`);
  const close = (part: string, a: Numbers | undefined, b: Numbers | undefined) => {
    const [p, q] = [flat(a), flat(b)];
    assert.equal(p.length, q.length, `${what}: ${part} shapes differ`);
    p.forEach((v, i) => assert.ok(Math.abs(v - q[i]) <= tol * Math.max(1, Math.abs(v)), `${what}: ${part}[${i}] eager ${v}, jit ${q[i]}`));
  };
  close('value', eager.value, jit.value);
  assert.deepEqual(Object.keys(jit.grad), Object.keys(eager.grad), `${what}: the engines differentiate different arguments`);
  for (const name of Object.keys(eager.grad)) close(`grad ${name}`, eager.grad[name], jit.grad[name]);
}

describe('torch function on both engines (torchFunctionAt, evaluated as the host does)', () => {
  it('the seed snippet: value 15.0 and gradient 7.0 eagerly and under jit, and the jaxpr JAX would print', async () => {
    const source = readFileSync(join(root, 'examples/seed_torch.py'), 'utf8');
    const r = result(await evaluated('seed_torch.py', source, 'f'));
    assert.deepEqual(r.inputs, { x: 2 });
    assert.deepEqual([r.eager?.value, r.eager?.grad], [15, { x: 7 }]);
    assert.deepEqual([r.jit?.value, r.jit?.grad], [15, { x: 7 }]);
    const { at: outcome, live } = functionAt(source, 'f', 'seed_torch.py');
    const at = ok(outcome);
    assert.deepEqual(at.inputs, { x: 2 });
    assert.deepEqual(at.wrt, ['x']);
    assert.equal(printJaxpr(ok(at.jaxpr(false))), [
      '{ lambda ; a:f32[]. let',
      '    b:f32[] = integer_pow[y=2] a',
      '    c:f32[] = mul 3.0 a',
      '    d:f32[] = add b c',
      '    e:f32[] = add d 5.0',
      '  in (e,) }',
    ].join('\n'));
    const lines = ok(at.jaxpr(false)).eqns.map((e) => e.span?.line);
    assert.deepEqual(lines, [4, 4, 4, 4]);
    at.dispose();
    assert.equal(live(), 0);
  });

  /** `f(x, y)` (`x` and `y` 2x3 tensors) on both engines: values and gradients within `tol`. */
  const agree = async (body: string, tol = 1e-5) => {
    const source = [
      'import torch', 'import torch.nn.functional as F',
      'def f(x, y):', `    return ${body}`,
      'x = torch.tensor([[0.3, -1.2, 0.8], [1.5, 0.1, -0.4]])', 'y = torch.tensor([[0.7, 0.2, -0.5], [-1.1, 0.9, 0.6]])',
      'f(x, y)', '',
    ].join('\n');
    const r = result(await evaluated('f.py', source, 'f'));
    assert.deepEqual(Object.keys(r.eager?.grad ?? {}), ['x', 'y'], body);
    engineAgreement(r, body, tol);
  };

  const OPS = [
    '(x + y * 2 - 3 / (y + 2)).sum()', '(x ** 2 + x ** 3).sum()', '((x * x + 1) ** 0.5).sum()', '(2 ** x).sum()', '((y + 2) ** (x + 1)).sum()',
    '(-x).exp().sum()', 'torch.log(x * x + 1).sum()', 'torch.log1p(x * x).sum()', 'torch.expm1(x).sum()',
    '(torch.sin(x) * torch.cos(y)).sum()', 'torch.tan(x * 0.5).sum()', 'torch.tanh(x).sum()', 'torch.sigmoid(x).sum()',
    'torch.sqrt(x * x + 1).sum()', 'torch.rsqrt(x * x + 1).sum()', '(torch.abs(x) * y).sum()',
    '(torch.relu(x) * y).sum()', '(torch.clamp(x, -0.5, 0.5) * y).sum()', 'torch.where(x > 0, x * y, -x).sum()',
    '(torch.maximum(x, y) + torch.minimum(x, y) * 2).sum()', '(x.sum(dim=1) * y.sum(0)[:2]).sum()', '(x.mean(1, keepdim=True) * y).sum()',
    'x.prod()', 'x.max() + y.min()', 'torch.amax(x * y, dim=0).sum()', 'torch.logsumexp(x, dim=1).sum()',
    '(torch.softmax(x, dim=1) * y).sum()', '(F.log_softmax(x, dim=0) * y).sum()',
    '(x.reshape(3, 2) @ y).sum()', '(x.t() * y.T).sum()', '(x.transpose(0, 1) @ y).sum()', '(x.permute(1, 0).unsqueeze(0) * 2).sum()',
    '(x.unsqueeze(1).squeeze() * y).sum()', '(torch.cat([x, y], dim=1) ** 2).sum()', '(torch.stack([x, y]) ** 2).sum()',
    '(x @ y.t()).sum()', 'torch.matmul(x, y[0])[1]', 'torch.dot(x[0], y[1])', '(torch.matmul(x.unsqueeze(0), y.t()) ** 2).sum()',
    '(x[:, 1:] * y[1, :2]).sum()', 'x[1, 2] * y[0, 0]',
    'F.mse_loss(x, y)', 'F.cross_entropy(x, torch.tensor([2, 0]))', 'F.binary_cross_entropy(torch.sigmoid(x), torch.sigmoid(y))',
    'F.binary_cross_entropy_with_logits(x, torch.sigmoid(y))', '(F.softplus(x) + F.gelu(y) + F.silu(x)).sum()',
    '(F.leaky_relu(x, 0.1) + F.elu(y)).sum()', 'F.linear(x, y, y[0, :2]).sum()',
  ];
  for (const body of OPS) it(`${body}: value and gradient agree, jit against eager`, () => agree(body));

  const fileText = (file: string) => readFileSync(join(root, file), 'utf8');

  for (const [file, name] of [['examples/rosenbrock.py', 'rosenbrock'], ['examples/logistic_regression.py', 'loss'], ['test/fixtures/torch/grad_mode.py', 'double']]) {
    it(`${file}: ${name}() has the same value and gradient on both engines`, async () => {
      engineAgreement(result(await evaluated(file, fileText(file), name)), `${file}: ${name}()`);
    });
  }

  for (const [file, name] of [['examples/mlp.py', 'model'], ['test/fixtures/torch/mlp.py', 'forward']]) {
    it(`${file}: ${name}() returns a matrix: both engines agree on it and on its sum's gradient, which its Jacobian sums to`, async () => {
      const r = result(await evaluated(file, fileText(file), name));
      engineAgreement(r, `${file}: ${name}()`);
      const [arg] = Object.keys(r.grad);
      const j = r.jacobian;
      assert.ok(j?.of, 'a small matrix has its Jacobian in full');
      const rows = flat(r.value).length;
      assert.deepEqual(j.valueShape, [rows, 1]);
      const jac = flat(j.of[arg]);
      const cols = flat(r.grad[arg]).length;
      assert.equal(j.size, rows * cols);
      // d sum(y) / dx = the sum of dy_i / dx over the value's elements (jacrev's rows).
      flat(r.grad[arg]).forEach((g, c) => {
        const summed = Array.from({ length: rows }, (_, i) => jac[i * cols + c]).reduce((a, b) => a + b, 0);
        assert.ok(Math.abs(summed - g) <= 1e-5 * Math.max(1, Math.abs(g)), `column ${c}: rows sum to ${summed}, gradient ${g}`);
      });
    });
  }

  it('the jaxpr of a closed-over matrix model keeps the weights as constants and each equation its line', () => {
    const { at: outcome, live } = functionAt(fileText('test/fixtures/torch/mlp.py'), 'forward');
    const at = ok(outcome);
    const j = ok(at.jaxpr(false));
    assert.deepEqual(j.constvars.map((v) => v.aval.shape), [[2, 4], [4], [4, 1], [1]]);
    assert.deepEqual(j.eqns.map((e) => `${e.primitive}@${e.span?.line}`), ['dot_general@14', 'add@14', 'tanh@14', 'dot_general@15', 'add@15', 'logistic@15']);
    at.dispose();
    assert.equal(live(), 0);
  });

  /**
   * Why the jit engine refuses `body` (a function of x), as the editor and the CLI show it: the
   * error of a jit-only evaluation, and the jitError of one on both engines where eager runs it
   * (with `eagerRuns`, it must: eager leaves a stopped gradient out, as PyTorch does).
   */
  const jitError = async (body: string[], eagerRuns = false): Promise<string> => {
    const source = ['import torch', 'def f(x):', ...body.map((l) => `    ${l}`), 'f(torch.tensor([1.0, -2.0]))', ''].join('\n');
    const refused = message(await evaluated('g.py', source, 'f', 'jit'));
    const both = await evaluated('g.py', source, 'f');
    if (eagerRuns) assert.ok(result(both).eager, `eager did not run ${body.join('; ')}`);
    if (both.ok) assert.equal(both.result.jitError, refused);
    return refused;
  };

  it('refuses backward() and .grad inside the traced function, at the call', async () => {
    assert.equal(await jitError(['y = (x * x).sum()', 'y.backward()', 'return y']),
      "g.py:4:5: error: jit cannot trace 'y.backward()' inside the function it compiles: it differentiates what the function returns, as torch.func.grad does; return the loss instead of calling autograd on it");
    assert.match(await jitError(['return (x * 2).sum() + x.grad.sum()']), /^g\.py:3:28: error: jit cannot trace 'x\.grad' inside/);
    assert.match(await jitError(['g, = torch.autograd.grad((x * x).sum(), [x])', 'return g.sum()']), /^g\.py:3:10: error: jit cannot trace 'torch\.autograd\.grad\(/);
  });

  it('Python control flow on a traced tensor raises the concretization error naming the line and column', async () => {
    assert.equal(await jitError(['s = x.sum()', 'if s > 0:', '    return s', 'return -s']),
      "g.py:4:8: error: jit cannot trace 'if s > 0' on a traced value; use torch.where(...) instead of Python control flow on a tensor");
    assert.match(await jitError(['v = x.sum().item()', 'return x.sum() * v']), /^g\.py:3:9: error: jit cannot trace 'x\.sum\(\)\.item\(\)' on a traced value; return 'x' from the function/);
    assert.match(await jitError(['print(x)', 'return x.sum()']), /^g\.py:3:5: error: jit cannot trace 'print\(x\)' on a traced value/);
  });

  it('a gradient stopped inside the function (detach, no_grad) is refused under jit, where eager leaves it out', async () => {
    assert.match(await jitError(['m = x.detach().max()', 'return (x - m).exp().sum()'], true),
      /^g\.py:3:9: error: jit cannot trace 'x\.detach\(\)' in a function it differentiates: it stops the gradient there/);
    assert.match(await jitError(['with torch.no_grad():', '    m = x.max()', 'return (x * m).sum()'], true), /^g\.py:4:13: error: jit cannot trace 'x\.max\(\)'/);
  });
});
