import * as assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { verifyPython, verifyRefusal } from '../../../extension/verify_gate';

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
});
