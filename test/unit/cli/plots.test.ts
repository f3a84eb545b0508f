import * as assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { readFileSync } from 'node:fs';

/**
 * Issue 18: `gradlens run` runs scripts that plot with matplotlib, printing a line for each figure
 * where Jupyter would draw it: at plt.show(), or at the end for the figures still open.
 */
function gradlens(...args: string[]): { stdout: string; stderr: string; status: number | null } {
  const r = spawnSync(process.execPath, ['dist/cli.js', ...args], { encoding: 'utf8', timeout: 120_000 });
  return { stdout: r.stdout, stderr: r.stderr, status: r.status };
}

const addresses = (s: string) => s.replace(/0x[0-9a-f]+>/g, '0x...>');

describe('gradlens run with matplotlib (issue 18)', function () {
  this.timeout(240_000);

  it("a training loop's loss curve: the script's output, then the figure's line where plt.show() is", () => {
    const r = gradlens('run', 'test/fixtures/matplotlib/loss_curve.py');
    assert.equal(r.status, 0, r.stderr);
    assert.equal(r.stderr, '');
    const expected = readFileSync('test/fixtures/matplotlib/loss_curve.out', 'utf8');
    assert.equal(addresses(r.stdout), `${expected}[figure 1: 1 axes, 1 line ('train'), title 'training loss']\n`);
  });

  it('figures left open are shown when the script ends, one line each, saved ones named', () => {
    const r = gradlens('run', 'test/fixtures/matplotlib/grid.py');
    assert.equal(r.status, 0, r.stderr);
    const lines = r.stdout.trim().split('\n').slice(-2);
    assert.deepEqual(lines, [
      "[figure 1: 6 axes, 6 images, title 'samples']",
      "[figure 2: 2 axes, 1 bar chart ('count'), 1 histogram, saved as 'hist.png']",
    ]);
  });
});
