/**
 * Issue 18 over stdio: the Eager vs jit lens on a JAX function (the autodiff cookbook's logistic
 * regression, jitted), evaluated by the server for an editor without an execution host: both
 * engines' values and gradients, the lens title, the hovers on its name and on a line of its body.
 */
import { strict as assert } from 'node:assert';
import { COMMANDS, type EvaluationOutcome } from '../../protocol';
import { fileUri, LspClient, positionOf, readText } from './client';

const FILE = 'test/fixtures/lsp/jax_logistic.py';

/**
 * PyTorch 1.13 in float32 (JAX's default dtype), the same program with torch.sigmoid and
 * `1 - targets.float()` (PyTorch refuses `1 - bool`; JAX promotes the bools to int32):
 * loss 1.9923063516616821, ∂loss/∂W [-0.2928295135498047, 0.41720306873321533, -1.427771806716919]
 * (float64: 1.9923064271984956, [-0.2928295361360326, 0.4172031625609676, -1.4277717961435534]).
 * jax.grad differentiates the first argument: b has none.
 */
const LOSS = 1.9923063516616821;
const GRAD_W = [-0.2928295135498047, 0.41720306873321533, -1.427771806716919];

function assertClose(actual: unknown, expected: readonly number[], what: string): void {
  assert.ok(Array.isArray(actual) && actual.length === expected.length, `${what}: ${JSON.stringify(actual)}`);
  actual.forEach((x, i) => assert.ok(Math.abs((x as number) - expected[i]!) <= 1e-6, `${what}[${i}]: ${JSON.stringify(actual)} vs ${JSON.stringify(expected)}`));
}

describe('language server: Eager vs jit on a JAX function (issue 18)', function () {
  this.timeout(180_000);
  let client: LspClient;
  let outcome: EvaluationOutcome;
  const uri = fileUri(FILE);
  const text = readText(FILE);
  const lines = text.split('\n');
  const lineOf = (needle: string) => lines.findIndex((l) => l.includes(needle));

  before(async () => {
    client = await LspClient.start();
    await client.open(uri, text);
    outcome = await client.executeCommand<EvaluationOutcome>(COMMANDS.compareEngines, [{ uri, function: 'loss' }]);
  });
  after(async () => {
    await client.stop();
  });

  it('computes the value and ∂loss/∂W on both engines, each as PyTorch computes them in float32', () => {
    assert.ok(outcome.ok, JSON.stringify(outcome));
    const { eager, jit } = outcome.result;
    assert.ok(eager && jit, `both engines ran: ${JSON.stringify(outcome.result.jitError)}`);
    assert.equal(outcome.result.style, 'jax');
    for (const [engine, run] of [['eager', eager], ['jit', jit]] as const) {
      assert.ok(Math.abs((run.value as number) - LOSS) <= 1e-6, `${engine} value ${JSON.stringify(run.value)}`);
      assert.deepEqual(Object.keys(run.grad), ['W'], `${engine}: jax.grad differentiates the first argument`);
      assertClose(run.grad.W, GRAD_W, `${engine} ∂loss/∂W`);
    }
    assert.ok(jit.kernels > 0 && jit.traceMs > 0, JSON.stringify(jit));
  });

  it('titles the lens with the gradient and the speedup, and the hover on the name compares the engines', async () => {
    const first = (await client.codeLenses(uri)).find((l) => l.range.start.line === lineOf('def loss('));
    assert.match(first!.command!.title, /^∇W: f32\[3\] ‖∇‖=1\.5 · jit [\d.]+× (faster|slower)$/);
    const hover = (await client.hoverText(uri, positionOf(text, lineOf('def loss('), 'loss'))) ?? '';
    assert.match(hover, /\| \| eager \| jit \|/, hover);
    assert.match(hover, /\| launches \| \d+ ops \| \d+ kernels? \|/, hover);
  });

  it('on a line of the body: what its ops cost eagerly and the jit kernels they went into', async () => {
    const line = lineOf('label_probs = ');
    const hover = (await client.hoverText(uri, positionOf(text, line, '= preds'))) ?? '';
    assert.match(hover, /eager: [\d.]+ ms in \d+ ops?/, hover);
    assert.match(hover, /jit: fused into kernels? #\d+/, hover);
  });
});
