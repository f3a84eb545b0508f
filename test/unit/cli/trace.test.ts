import * as assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

/**
 * Issue 18: `gradlens run --trace loss` writes each value a training loop assigned to `loss`, as
 * CSV or JSON, checked against the real library (PyTorch 1.13) and a NumPy twin (JAX).
 */
function gradlens(...args: string[]): { stdout: string; stderr: string; status: number | null } {
  const r = spawnSync(process.execPath, ['dist/cli.js', ...args], { encoding: 'utf8', timeout: 120_000 });
  return { stdout: r.stdout, stderr: r.stderr, status: r.status };
}

/** `step,a,b` rows as numbers by column name. */
function csv(text: string): { header: string[]; rows: number[][] } {
  const [head, ...lines] = text.trim().split('\n');
  return { header: head.split(','), rows: lines.map((l) => l.split(',').map(Number)) };
}

function readTwin(file: string): number[][] {
  return readFileSync(file, 'utf8').trim().split('\n').map((l) => l.split(',').map(Number));
}

const near = (a: number, b: number, rel: number) => Math.abs(a - b) <= rel * Math.max(1, Math.abs(b));

describe('gradlens run --trace (issue 18)', function () {
  this.timeout(240_000);

  it("the PyTorch tutorial's nn + optim loop: 300 losses, each as PyTorch computes it", () => {
    const r = gradlens('run', 'test/fixtures/cli/poly_nn_trace.py', '--trace', 'loss', '--budget-seconds', '120');
    assert.equal(r.status, 0, r.stderr);
    assert.equal(r.stderr, '');
    const [printed, trace] = [r.stdout.slice(0, r.stdout.indexOf('step,')), r.stdout.slice(r.stdout.indexOf('step,'))];
    assert.equal(printed.split('\n').filter(Boolean).length, 3, 'the script prints first');
    const { header, rows } = csv(trace);
    assert.deepEqual(header, ['step', 'loss']);
    const torch = readTwin('test/fixtures/cli/poly_nn_trace.torch.csv');
    assert.equal(rows.length, torch.length);
    // float32 sums over 2,000 points, 300 RMSprop steps: within 1e-4 of PyTorch's.
    rows.forEach(([step, loss], i) => {
      assert.equal(step, i);
      assert.ok(near(loss, torch[i][1], 1e-4), `step ${i}: ${loss} vs PyTorch ${torch[i][1]}`);
    });
  });

  it('a JAX MLP loop: loss (0-d arrays from value_and_grad) and acc (floats), to a file, as its NumPy twin computes them', () => {
    const dir = mkdtempSync(join(tmpdir(), 'gradlens-trace-'));
    try {
      const out = join(dir, 'trace.csv');
      const r = gradlens('run', 'test/fixtures/cli/jax_mlp_trace.py', '--trace', 'loss,acc', '--trace-out', out);
      assert.equal(r.status, 0, r.stderr);
      assert.equal(r.stdout, '0.0054\n', 'stdout holds the script\'s own output alone');
      const { header, rows } = csv(readFileSync(out, 'utf8'));
      assert.deepEqual(header, ['step', 'loss', 'acc']);
      const twin = readTwin('test/fixtures/cli/jax_mlp_twin.csv');
      assert.equal(rows.length, 60);
      rows.forEach(([step, loss, acc], i) => {
        assert.equal(step, i);
        assert.ok(near(loss, twin[i][1], 1e-4), `step ${i}: loss ${loss} vs ${twin[i][1]}`);
        assert.equal(acc, twin[i][2], `step ${i}: acc`);
      });
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });

  it('JSON; past 10,000 values every other one goes, and stderr says so; a name never assigned or not a scalar is named', () => {
    const dir = mkdtempSync(join(tmpdir(), 'gradlens-trace-'));
    try {
      const file = join(dir, 'long.py');
      writeFileSync(file, 'import torch\ntotal = 0.0\nv = torch.zeros(3)\nfor i in range(25000):\n    total += 0.5\nprint(total)\n');
      const r = gradlens('run', file, '--trace', 'total,v,missing', '--trace-format', 'json');
      assert.equal(r.status, 0, r.stderr);
      assert.ok(r.stdout.startsWith('12500.0\n'));
      const { traces } = JSON.parse(r.stdout.slice('12500.0\n'.length)) as { traces: { name: string; count: number; stride: number; steps: number[]; values: number[]; notScalar?: string }[] };
      const total = traces.find((t) => t.name === 'total')!;
      assert.equal(total.count, 25_001);
      assert.equal(total.stride, 4);
      assert.equal(total.values.length, 6251);
      total.values.forEach((v, k) => assert.equal(v, total.steps[k] * 0.5));
      assert.equal(traces.find((t) => t.name === 'v')?.notScalar, 'f32[3]');
      assert.match(r.stderr, /long\.py: note: --trace total: 25,001 values, every 4th kept \(a trace keeps at most 10,000\)/);
      assert.match(r.stderr, /long\.py: warning: --trace v: 'v' holds f32\[3\], not a scalar/);
      assert.match(r.stderr, /long\.py: warning: --trace missing: the script never assigned 'missing'/);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });

  it('refuses what is not a name, and --trace-format without --trace', () => {
    const bad = gradlens('run', 'examples/seed_torch.py', '--trace', 'loss.item()');
    assert.equal(bad.status, 2);
    assert.match(bad.stderr, /--trace takes names assigned in the script \(--trace loss,acc\); 'loss\.item\(\)' is not a name/);
    const alone = gradlens('run', 'examples/seed_torch.py', '--trace-format', 'json');
    assert.equal(alone.status, 2);
    assert.match(alone.stderr, /--trace-format and --trace-out go with --trace/);
  });
});
