import * as assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

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

describe('gradlens run --plots DIR (issue 18)', function () {
  this.timeout(240_000);

  it('writes each figure shown as an SVG: its line, markers, ticks inside the limits matplotlib gives, labels and legend', () => {
    const dir = mkdtempSync(join(tmpdir(), 'gradlens-plots-'));
    try {
      const r = gradlens('run', 'test/fixtures/matplotlib/loss_curve.py', '--plots', dir);
      assert.equal(r.status, 0, r.stderr);
      assert.deepEqual(readdirSync(dir), ['figure-1.svg']);
      const svg = readFileSync(join(dir, 'figure-1.svg'), 'utf8');
      assert.match(svg, /^<svg xmlns="http:\/\/www.w3.org\/2000\/svg" width="640" height="480"/);
      assert.doesNotMatch(svg, /NaN|Infinity|undefined/);
      assert.equal(svg.match(/<polyline class="line"/g)?.length, 1);
      assert.equal(svg.match(/<circle class="marker"/g)?.length, 4, "'o-' marks each of the 4 losses");
      // x runs over matplotlib's (-0.15, 3.15), y over (2.0442, 3.3951): round ticks inside them.
      const labels = (cls: string) => [...svg.matchAll(new RegExp(`<text class="${cls}"[^>]*>([^<]*)<`, 'g'))].map((m) => m[1]);
      assert.deepEqual(labels('xtick'), ['0', '1', '2', '3']);
      assert.deepEqual(labels('ytick'), ['2.25', '2.5', '2.75', '3', '3.25']);
      assert.deepEqual([labels('title'), labels('xlabel'), labels('ylabel')], [['training loss'], ['epoch'], ['MSE']]);
      assert.match(svg, /<g class="legend">.*>train<\/text>/);
      assert.equal(svg.match(/<line class="grid"/g)?.length, 9, 'plt.grid(True): a grid line at each tick');
      // A band and error bars reaching below 0 on a log axis are clipped there, not NaN.
      const log = gradlens('run', 'test/fixtures/matplotlib/scatter_log.py', '--plots', join(dir, 'log'));
      assert.equal(log.status, 0, log.stderr);
      const logSvg = readFileSync(join(dir, 'log', 'figure-1.svg'), 'utf8');
      assert.doesNotMatch(logSvg, /NaN|Infinity|undefined/);
      assert.deepEqual([...logSvg.matchAll(/<text class="ytick"[^>]*>([^<]*)</g)].map((m) => m[1]), ['0.1', '1']);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});
