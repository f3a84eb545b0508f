/**
 * The seed snippets through a real LSP client over stdio: lenses, executeCommand, then the result in
 * the lens, the inline hint and the hover; diagnostics for what cannot run.
 */
import { strict as assert } from 'node:assert';
import { COMMANDS, type EvaluationOutcome } from '../../protocol';
import { fileUri, LspClient, positionOf, readText } from './client';

describe('language server over stdio: the seed snippets', function () {
  this.timeout(120_000);
  let client: LspClient;
  before(async () => {
    client = await LspClient.start();
  });
  after(async () => {
    await client.stop();
  });

  it('lists the gradlens commands it executes', () => {
    assert.deepEqual(client.capabilities.executeCommandProvider?.commands, Object.values(COMMANDS));
  });

  const seeds = [
    { file: 'examples/seed_jax.py', def: 3, call: 9, engines: ['eager', 'jit'] },
    { file: 'examples/seed_torch.py', def: 2, call: 7, engines: ['eager', 'jit'] },
  ];
  for (const { file, def, call, engines } of seeds) {
    it(`${file}: lenses, then ∇x = 7.0 in the lens, 15.0 inline, timings on hover`, async () => {
      const uri = fileUri(file);
      const text = readText(file);
      await client.open(uri, text);
      const before = await client.codeLenses(uri);
      assert.deepEqual(before.map((l) => l.command?.title), ['∇ Compute gradient', 'Graph', 'Eager vs jit']);
      assert.deepEqual(before[0].range.start, { line: def, character: 4 });
      assert.deepEqual(before[0].command?.arguments, [{ uri, function: 'f' }]);

      const refreshes = client.codeLensRefreshes.length;
      const outcome = await client.executeCommand<EvaluationOutcome>(COMMANDS.computeGradient, [{ uri, function: 'f' }]);
      assert.ok(outcome.ok, JSON.stringify(outcome));
      assert.equal(outcome.result.value, 15);
      assert.deepEqual(outcome.result.grad, { x: 7 });
      assert.ok(client.codeLensRefreshes.length > refreshes, 'the server asks the client to refresh its lenses');

      const after = await client.codeLenses(uri);
      assert.match(after[0].command!.title, /^∇x = 7\.0/);
      assert.equal(after[0].command!.command, COMMANDS.computeGradient);

      const hints = await client.inlayHints(uri, 20);
      assert.equal(hints.length, 1);
      assert.equal(hints[0].label, '→ 15.0, ∇x = 7.0');
      assert.deepEqual(hints[0].position, { line: def, character: 9 });
      assert.match((hints[0].tooltip as { value: string }).value, new RegExp(`^At x = 2\\.0, from the call of f\\(\\) on line ${call} \\(wasm\\)\\.$`));

      const hover = await client.hoverText(uri, positionOf(text, def, 'f('));
      assert.ok(hover, 'a hover on the function name');
      for (const engine of engines) assert.match(hover, new RegExp(`\\| ${engine} \\|`));
      assert.match(hover, /\| run \| [\d.]+ ms \|/);
      if (engines.length === 2) {
        assert.match(hover, /\| trace \| — \| [\d.]+ ms \|/);
        assert.match(hover, /\| launches \| \d+ ops \| \d+ kernels? \|/);
        assert.match(after[0].command!.title, /· jit [\d.]+× (faster|slower)$/);
      }
      const body = await client.hoverText(uri, positionOf(text, def + 1, 'return'));
      assert.match(body ?? '', new RegExp(`^\\*\\*line ${def + 2}\\*\\* · eager: [\\d.]+ ms in \\d+ ops`));
    });
  }

  it('does not show a result whose function was edited while it ran', async () => {
    const file = 'examples/seed_jax.py';
    const uri = fileUri(`${file}?edited-while-running`);
    const text = readText(file);
    await client.open(uri, text);
    const running = client.executeCommand<EvaluationOutcome>(COMMANDS.computeGradient, [{ uri, function: 'f' }]);
    const line = text.split('\n').findIndex((l) => l.includes('return x ** 2'));
    await client.change(uri, [{ range: { start: { line, character: 4 }, end: { line, character: 4 } }, text: 'y = 1\n    ' }]);
    const outcome = await running;
    assert.ok(outcome.ok || outcome.error.kind === 'cancelled', JSON.stringify(outcome));
    assert.equal((await client.codeLenses(uri))[0].command!.title, '∇ Compute gradient');
  });

  it('warns at `import scipy` with the exact range', async () => {
    const file = 'test/fixtures/lsp/scipy_import.py';
    const uri = fileUri(file);
    await client.open(uri, readText(file));
    const [d] = await client.diagnosticsOf(uri, (ds) => ds.length > 0);
    assert.equal(d.source, 'gradlens');
    assert.equal(d.severity, 2);
    assert.deepEqual(d.range, { start: { line: 1, character: 7 }, end: { line: 1, character: 12 } });
    assert.match(String(d.message), /module 'scipy' is not supported by Gradlens/);
  });

  it('warns at an if on a traced value under @jax.jit, not at a test of .ndim', async () => {
    const file = 'test/fixtures/lsp/jit_branch.py';
    const uri = fileUri(file);
    await client.open(uri, readText(file));
    const ds = await client.diagnosticsOf(uri, (all) => all.length > 0);
    assert.equal(ds.length, 1, JSON.stringify(ds));
    assert.equal(ds[0].code, 'traced-branch');
    assert.deepEqual(ds[0].range, { start: { line: 7, character: 7 }, end: { line: 7, character: 18 } });
    assert.match(String(ds[0].message), /jit cannot trace 'if y\.sum\(\) > 0' on a traced value; use jnp\.where/);
  });
});

describe('language server over stdio: diagnostics from evaluation', function () {
  this.timeout(120_000);
  let client: LspClient;
  before(async () => {
    client = await LspClient.start();
  });
  after(async () => {
    await client.stop();
  });

  it("reports jit's concretization error at the if it names, once, naming jax.jit as the file writes it, with the fix", async () => {
    const file = 'test/fixtures/lsp/jit_branch.py';
    const uri = fileUri(file);
    await client.open(uri, readText(file));
    const outcome = await client.executeCommand<EvaluationOutcome>(COMMANDS.computeGradient, [{ uri, function: 'clipped_sum' }]);
    assert.equal(outcome.ok, false, JSON.stringify(outcome));
    const ds = await client.diagnosticsOf(uri, (all) => all.length > 0);
    const atIf = ds.filter((d) => d.range.start.line === 7);
    assert.equal(atIf.length, 1, JSON.stringify(ds));
    assert.equal(
      atIf[0].message,
      "jax.jit cannot trace 'if y.sum() > 0' on a traced value; use jnp.where(...) or jax.lax.cond(...)",
    );
  });

  it('names the parameter to mark static, and how, when the branch tests a parameter', async () => {
    const uri = fileUri('test/fixtures/lsp/jit_param_branch.py');
    const text = 'import jax\nimport jax.numpy as jnp\n\n@jax.jit\ndef relu_or_abs(x, mode):\n    if mode > 0:\n        return jnp.maximum(x, 0.0)\n    return jnp.abs(x)\n\nprint(relu_or_abs(jnp.array([1.0, -2.0]), 1))\n';
    await client.open(uri, text);
    await client.executeCommand<EvaluationOutcome>(COMMANDS.computeGradient, [{ uri, function: 'relu_or_abs' }]);
    const ds = (await client.diagnosticsOf(uri, (all) => all.length > 0)).filter((d) => d.range.start.line === 5);
    assert.deepEqual(ds.map((d) => d.message), [
      "jax.jit cannot trace 'if mode > 0' on a traced value; use jnp.where(...) or jax.lax.cond(...), or, if 'mode' is a Python value and not an array, mark it static: @functools.partial(jax.jit, static_argnames='mode')",
    ]);
  });

  it('reports NaN/Inf at the line whose op produced it first', async () => {
    const file = 'test/fixtures/lsp/non_finite.py';
    const uri = fileUri(file);
    await client.open(uri, readText(file));
    const outcome = await client.executeCommand<EvaluationOutcome>(COMMANDS.computeGradient, [{ uri, function: 'entropy' }]);
    assert.ok(outcome.ok, JSON.stringify(outcome));
    // 0 * log 0 is nan, as JAX gives: the answer says NaN, not the null JSON.stringify writes for it (issue 11).
    assert.ok(Number.isNaN(outcome.result.value), `value ${JSON.stringify(outcome.result.value)}`);
    const ds = await client.diagnosticsOf(uri, (all) => all.some((d) => d.code === 'non-finite'));
    const d = ds.find((x) => x.code === 'non-finite')!;
    assert.equal(d.range.start.line, 4, JSON.stringify(d));
    assert.match(String(d.message), /^-?Inf first appears here in the value of entropy\(\) \('log'/);
  });

  it('reports where torch code cut the gradient (math.exp of a tensor), a warning since the gradient shown is 0', async () => {
    const file = 'test/fixtures/evaluation/logistic_torch.py';
    const uri = fileUri(file);
    await client.open(uri, readText(file));
    const outcome = await client.executeCommand<EvaluationOutcome>(COMMANDS.computeGradient, [{ uri, function: 'perplexity' }]);
    assert.ok(outcome.ok, JSON.stringify(outcome));
    const ds = await client.diagnosticsOf(uri, (all) => all.some((d) => d.code === 'gradient-cut'));
    const d = ds.find((x) => x.code === 'gradient-cut')!;
    assert.deepEqual([d.range.start.line, d.range.start.character, d.severity], [20, 11, 2], JSON.stringify(d));
    assert.match(String(d.message), /^'math\.exp\(loss\(w, b\)\)' reads a tensor that requires grad as a Python float: the gradient stops here/);
  });

  it('computes a good function beside a def that does not parse, and says at that def that it was left out', async () => {
    const file = 'test/fixtures/evaluation/syntax_error.py';
    const uri = fileUri(file);
    await client.open(uri, readText(file));
    const outcome = await client.executeCommand<EvaluationOutcome>(COMMANDS.computeGradient, [{ uri, function: 'weighted_norm' }]);
    assert.ok(outcome.ok, JSON.stringify(outcome));
    assert.ok(Math.abs(Number(outcome.result.value) - 3.774917) < 1e-5, JSON.stringify(outcome.result.value));
    const ds = await client.diagnosticsOf(uri, (all) => all.some((d) => d.code === 'left-out'));
    const syntax = ds.find((x) => x.code === 'syntax')!;
    assert.deepEqual([syntax.range.start.line, syntax.range.start.character, syntax.severity], [13, 4, 1]);
    assert.equal(syntax.message, "IndentationError: expected an indented block after 'if' statement on line 13");
    const d = ds.find((x) => x.code === 'left-out')!;
    assert.deepEqual([d.range.start.line, d.range.end.line, d.severity], [11, 14, 3], JSON.stringify(d));
    assert.match(String(d.message), /^weighted_norm\(\) was computed without lines 12–15 \(relu_sum\), which do not parse \(IndentationError at 14:5\)/);
  });
});
