/**
 * A client that evaluates by itself (VS Code's webview): the server leaves the commands to it, shows
 * the results it is sent, and drops them once the function's text changes.
 */
import { strict as assert } from 'node:assert';
import { checkInputsRequest, COMMANDS, evaluateRequest, fromWire, isEvaluationOutcome, resultNotification, resultRequest, toWire, type CheckInputsResult, type EvaluationOutcome } from '../../protocol';
import { fileUri, LspClient, readText } from './client';

const FILE = 'examples/seed_jax.py';

describe('language server with an execution-host client over --node-ipc', function () {
  this.timeout(120_000);
  let host: LspClient;
  let outcome: EvaluationOutcome;
  const uri = fileUri(FILE);
  const text = readText(FILE);

  before(async () => {
    // The outcome the client's own host would send, computed by a second server on the CPU.
    const cpu = await LspClient.start();
    await cpu.open(uri, text);
    outcome = await cpu.executeCommand<EvaluationOutcome>(COMMANDS.computeGradient, [{ uri, function: 'f' }]);
    await cpu.stop();
    // As VS Code starts it: over Node's IPC channel.
    host = await LspClient.start({ executionHost: true }, 'ipc');
    await host.open(uri, text);
  });
  after(async () => {
    await host.stop();
  });

  it('registers no commands, so that the client can', () => {
    assert.equal(host.capabilities.executeCommandProvider, undefined);
    assert.ok(host.capabilities.codeLensProvider);
  });

  it('shows a gradlens/result in the lens and answers gradlens/resultOf with it', async () => {
    assert.ok(outcome.ok);
    const refreshes = host.codeLensRefreshes.length;
    await host.connection.sendNotification(resultNotification, toWire(outcome));
    assert.deepEqual(fromWire(await host.connection.sendRequest(resultRequest, { uri, function: 'f' }), isEvaluationOutcome), outcome);
    assert.ok(host.codeLensRefreshes.length > refreshes);
    const [first] = await host.codeLenses(uri);
    assert.match(first.command!.title, /^∇x = 7\.0 · jit [\d.]+× (faster|slower)$/);
  });

  it('keeps the result after an edit elsewhere and marks it stale after an edit of the function', async () => {
    const lines = text.split('\n');
    const printLine = lines.findIndex((l) => l.startsWith('print(f"Gradient'));
    await host.change(uri, [{ range: { start: { line: printLine, character: 0 }, end: { line: printLine, character: 0 } }, text: '# checked\n' }]);
    assert.match((await host.codeLenses(uri))[0].command!.title, /^∇x = 7\.0/);
    const ret = lines.findIndex((l) => l.includes('return x ** 2'));
    const five = lines[ret].lastIndexOf('5');
    await host.change(uri, [{ range: { start: { line: ret, character: five }, end: { line: ret, character: five + 1 } }, text: '6' }]);
    const stale = /^∇x = 7\.0 · jit [\d.]+× (faster|slower) \(stale: edited since\)$/;
    assert.match((await host.codeLenses(uri))[0].command!.title, stale);
    assert.equal(await host.connection.sendRequest(resultRequest, { uri, function: 'f' }), null);
    // A result computed from the old text, arriving late, is not taken for the new text's.
    await host.connection.sendNotification(resultNotification, toWire(outcome));
    assert.match((await host.codeLenses(uri))[0].command!.title, stale);
    assert.equal(await host.connection.sendRequest(resultRequest, { uri, function: 'f' }), null);
  });

  it('evaluates on its CPU when the client asks with gradlens/evaluate (its own host could not start)', async () => {
    const current = await host.connection.sendRequest(resultRequest, { uri, function: 'f' });
    assert.equal(current, null);
    const document = (await host.codeLenses(uri))[0];
    assert.match(document.command!.title, /^∇x = 7\.0 .*\(stale: edited since\)$/);
    // The function as the edit above left it: 4 + 6 + 6 at x = 2.
    const edited = text.replace('+ 5', '+ 6');
    const outcome = fromWire(await host.connection.sendRequest(evaluateRequest, { uri, text: edited, function: 'f', engines: 'eager', backend: 'wasm', graphs: false }), isEvaluationOutcome);
    assert.ok(outcome?.ok, JSON.stringify(outcome));
    assert.equal(outcome.result.value, 16);
    assert.match((await host.codeLenses(uri))[0].command!.title, /^∇x = 7\.0$/);
  });

  it('checks typed inputs against the parameters (gradlens/checkInputs)', async () => {
    const check = async (inputs: string): Promise<CheckInputsResult> => {
      const { params, ...checked } = await host.connection.sendRequest(checkInputsRequest, { uri, function: 'f', inputs });
      assert.deepEqual(params, ['x'], 'the parameters, for the input box placeholder');
      return checked;
    };
    assert.deepEqual(await check('x=2.0'), { ok: true });
    assert.deepEqual(await check('3.5'), { ok: true });
    assert.deepEqual(await check('y=1.0'), { ok: false, message: "f() has no parameter 'y' (its parameters: x)" });
    assert.deepEqual(await check('1.0, 2.0'), { ok: false, message: 'f() has no parameter for the extra value (its parameters: x)' });
    const broken = await check('x=(1,');
    assert.equal(broken.ok, false);
  });
});
