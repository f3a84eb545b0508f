import * as assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { compareWithLibrary, type RealRun } from '../../../verify';

/** The built command line (`npm test` builds dist/ first), as a user runs it. */
function gradlens(...args: string[]): { stdout: string; stderr: string; status: number | null } {
  const r = spawnSync(process.execPath, ['dist/cli.js', ...args], { encoding: 'utf8', timeout: 300_000 });
  return { stdout: r.stdout, stderr: r.stderr, status: r.status };
}

const torch = (value: RealRun['value'], grad: RealRun['grad']): RealRun => ({ library: 'torch', version: '1.13.1', value, grad });

describe('verify: Gradlens beside the real library', () => {
  it('reports the first number that differs, with its index, value before gradients', () => {
    const ours = { function: 'loss', value: 0.5, grad: { w: [[0.1], [0.2], [0.3]], b: [1] } };
    const verdict = compareWithLibrary(ours, torch(0.5, { w: [[0.1], [0.25], [0.5]], b: [2] }));
    assert.equal(verdict.matches, false);
    assert.equal(verdict.text, 'differs from torch 1.13.1 at ∂loss/∂w[1][0]: Gradlens 0.2, torch 0.25');
    assert.equal(compareWithLibrary(ours, torch(0.75, { w: [[0.1], [0.2], [0.3]], b: [1] })).text, 'differs from torch 1.13.1 at loss: Gradlens 0.5, torch 0.75');
  });

  it('matches within float32 rounding, NaN with NaN, and not a different shape or a sign of infinity', () => {
    const ours = { function: 'f', value: [1.0000001, NaN], grad: { x: [Infinity, -3e-7] } };
    assert.deepEqual(compareWithLibrary(ours, torch([1, NaN], { x: [Infinity, -3.5e-7] })), { matches: true, text: 'matches torch 1.13.1 to 1e-5 (value and 1 gradient)' });
    assert.equal(compareWithLibrary(ours, torch([1, NaN], { x: [-Infinity, 0] })).text, 'differs from torch 1.13.1 at ∂f/∂x[0]: Gradlens Infinity, torch -Infinity');
    assert.equal(compareWithLibrary(ours, torch([1, 0.5], { x: [Infinity, 0] })).text, 'differs from torch 1.13.1 at f[1]: Gradlens NaN, torch 0.5');
    assert.equal(compareWithLibrary(ours, torch([1, NaN, 2], { x: [Infinity, 0] })).text, 'differs from torch 1.13.1 at f: Gradlens a list of 2, torch a list of 3');
    assert.equal(compareWithLibrary(ours, torch([1, NaN], {})).text, 'torch 1.13.1 computed no ∂f/∂x');
  });

  it('holds float64 to float64\'s tolerance: a difference float32 rounding explains is one there', () => {
    const ours = { function: 'f', value: 100.37153903185268, grad: { z: [0.6896720861245036] } };
    const theirs = torch(100.37153903185268 * (1 + 1e-7), { z: [0.6896720861245036] });
    assert.equal(compareWithLibrary(ours, theirs).matches, true);
    assert.equal(compareWithLibrary(ours, theirs, 'float64').text, 'differs from torch 1.13.1 at f: Gradlens 100.37153903185268, torch 100.37154906900659');
    assert.deepEqual(compareWithLibrary(ours, torch(100.37153903185268, { z: [0.6896720861245035] }), 'float64'), { matches: true, text: 'matches torch 1.13.1 to 1e-10 (float64, value and 1 gradient)' });
  });

  describe('gradlens verify against Debian\'s python3-torch', function () {
    this.timeout(600_000);
    before(() => {
      const ensured = spawnSync('bash', ['scripts/ensure-torch.sh'], { encoding: 'utf8', stdio: ['ignore', 'ignore', 'pipe'] });
      assert.equal(ensured.status, 0, ensured.stderr);
    });

    it('runs a tanh layer\'s loss in PyTorch at the file\'s inputs: value and the three gradients match', () => {
      const r = gradlens('verify', 'test/fixtures/verify/layer.py:layer_loss', '--python', '/usr/bin/python3');
      assert.equal(r.stderr, '');
      assert.match(r.stdout, /^test\/fixtures\/verify\/layer\.py:4:5: layer_loss: matches torch 1\.13\.\S+ to 1e-5 \(value and 3 gradients\)\n$/);
      assert.equal(r.status, 0);
    });

    // Verified in float32, exp(100.0) overflows: PyTorch's value inf and gradient nan, against Gradlens's float64 100.3715...
    it('verifies a float64 function in float64: the inputs built in their dtype, held to float64\'s tolerance (issue 18)', () => {
      const r = gradlens('verify', 'test/fixtures/verify/log_partition64.py', '--python', '/usr/bin/python3');
      assert.equal(r.stderr, '');
      assert.match(r.stdout, /^test\/fixtures\/verify\/log_partition64\.py:4:5: log_partition: matches torch 1\.13\.\S+ to 1e-10 \(float64, value and 1 gradient\)\n$/);
      assert.equal(r.status, 0);
    });

    it('at inputs given with --at', () => {
      const r = gradlens('verify', 'test/fixtures/verify/layer.py:layer_loss', '--python', '/usr/bin/python3', '--at', 'w=torch.tensor([[1.5], [0.0], [-2.0]]), x=torch.tensor([[3.0, 1.0, 0.5]]), b=torch.tensor([-0.2])');
      assert.equal(r.stderr, '');
      assert.match(r.stdout, /layer_loss: matches torch 1\.13\.\S+ to 1e-5 \(value and 3 gradients\)\n$/);
    });
  });

  it('says at the function when the Python cannot be run, and what to set', () => {
    const r = gradlens('verify', 'test/fixtures/verify/layer.py:layer_loss', '--python', '/nonexistent/python3');
    assert.equal(r.status, 1);
    assert.equal(r.stdout, '');
    assert.match(r.stderr, /^test\/fixtures\/verify\/layer\.py:4:5: error: could not run \/nonexistent\/python3: .*ENOENT.*; set the Python to verify with \(gradlens\.verify\.python, or --python\)\n$/);
  });
});
