import * as assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { resolve } from 'node:path';
import { verifyOutcome, verifyPython, verifyRefusal } from '../../../extension/verify_gate';
import { fromWire, isEvaluationOutcome, toWire, type EvaluationOutcome } from '../../../protocol';
import { fileRequest, wasmHost } from '../evaluation/support';

/** Issue 18: Verify runs the user's file in a real Python; Restricted Mode never runs it. */
describe('extension: Gradlens: Verify with PyTorch/JAX', () => {
  it('refuses in Restricted Mode and says why and what to do', () => {
    const refusal = verifyRefusal({ trusted: false, uri: 'file:///w/loss.py', dirty: false });
    assert.match(refusal ?? '', /does not run in Restricted Mode/);
    assert.match(refusal ?? '', /Trust this workspace/);
    assert.equal(verifyRefusal({ trusted: true, uri: 'file:///w/loss.py', dirty: false }), null);
  });

  it('runs only a saved .py file: not a notebook, not unsaved edits', () => {
    assert.match(verifyRefusal({ trusted: true, uri: 'file:///w/train.ipynb', dirty: false }) ?? '', /save the code as a \.py file/);
    assert.match(verifyRefusal({ trusted: true, uri: 'untitled:Untitled-1', dirty: true }) ?? '', /not one/);
    assert.match(verifyRefusal({ trusted: true, uri: 'file:///w/loss.py', dirty: true }) ?? '', /unsaved edits: save it first/);
  });

  it('the Python: gradlens.verify.python, else the Python extension\'s, else python3 on PATH', () => {
    assert.equal(verifyPython('/opt/venv/bin/python', '/usr/bin/python3.11'), '/opt/venv/bin/python');
    assert.equal(verifyPython('  ', '/usr/bin/python3.11'), '/usr/bin/python3.11');
    assert.equal(verifyPython(undefined, undefined), 'python3');
  });

  it('is contributed, and a workspace cannot choose its Python in Restricted Mode', () => {
    const manifest = JSON.parse(readFileSync('package.json', 'utf8'));
    assert.ok(manifest.contributes.commands.some((c: { command: string }) => c.command === 'gradlens.verify'));
    assert.equal(manifest.contributes.configuration.properties['gradlens.verify.python'].type, 'string');
    assert.ok(manifest.capabilities.untrustedWorkspaces.restrictedConfigurations.includes('gradlens.verify.python'));
  });

  describe('the command past its gate, against Debian\'s python3-torch (issue 18)', function () {
    this.timeout(600_000);
    const file = 'test/fixtures/verify/log_partition64.py';
    /** The outcome as the extension receives it: computed by an execution host, through the wire and its guard. */
    const received = async (fn: string): Promise<EvaluationOutcome> => {
      const outcome = fromWire(toWire(await (await wasmHost()).evaluate(fileRequest(file, fn, { engines: 'eager' }))), isEvaluationOutcome);
      assert.ok(outcome);
      return outcome;
    };
    before(() => {
      const ensured = spawnSync('bash', ['scripts/ensure-torch.sh'], { encoding: 'utf8', stdio: ['ignore', 'ignore', 'pipe'] });
      assert.equal(ensured.status, 0, ensured.stderr);
    });

    it('a float64 function: its inputs reach PyTorch as float64, and the notification says it matches to float64\'s tolerance', async () => {
      const outcome = await received('log_partition');
      assert.ok(outcome.ok);
      assert.deepEqual(outcome.result.inputDtypes, { z: 'float64' });
      const notice = await verifyOutcome(outcome, resolve(file), '/usr/bin/python3', { timeoutMs: 300_000 });
      assert.equal(notice.level, 'info', notice.text);
      assert.match(notice.text, /^Gradlens: log_partition matches torch 1\.13\.\S+ to 1e-10 \(float64, value and 1 gradient\)$/);
    });

    it('a Python that cannot run: an error notification saying what to set', async () => {
      const notice = await verifyOutcome(await received('log_partition'), resolve(file), '/nonexistent/python3', { timeoutMs: 300_000 });
      assert.equal(notice.level, 'error');
      assert.match(notice.text, /^Gradlens: could not verify log_partition\(\): could not run \/nonexistent\/python3: .*; set the Python to verify with \(gradlens\.verify\.python, or --python\)$/);
    });

    it('cancelled (the progress notification\'s Cancel): the Python is stopped and the notification says so', async () => {
      const abort = new AbortController();
      const verifying = verifyOutcome(await received('log_partition'), resolve(file), '/usr/bin/python3', { timeoutMs: 300_000, signal: abort.signal });
      abort.abort();
      const notice = await verifying;
      assert.deepEqual(notice, { level: 'error', text: 'Gradlens: could not verify log_partition(): the verification was cancelled' });
    });

    it('an outcome that failed: its message, with no Python run', async () => {
      const failed: EvaluationOutcome = { ok: false, error: { uri: file, function: 'log_partition', sourceHash: '', kind: 'error', message: `${file}:6:12: error: boom` } };
      assert.deepEqual(await verifyOutcome(failed, resolve(file), '/nonexistent/python3', { timeoutMs: 1000 }), { level: 'error', text: `${file}:6:12: error: boom` });
    });
  });
});
