import * as assert from 'node:assert/strict';
import { spawn, spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { decodeWire } from '../../../protocol';

/** Runs the built command line (`npm test` builds dist/ first) as a user would. */
function gradlens(...args: string[]): { stdout: string; stderr: string; status: number | null } {
  const r = spawnSync(process.execPath, ['dist/cli.js', ...args], { encoding: 'utf8', timeout: 60_000 });
  return { stdout: r.stdout, stderr: r.stderr, status: r.status };
}

describe('gradlens command line', () => {
  it('runs the seed PyTorch snippet and prints exactly what the article prints', () => {
    const r = gradlens('run', 'examples/seed_torch.py');
    assert.equal(r.stdout, 'Value: 15.0\nGradient: 7.0\n');
    assert.equal(r.stderr, '');
    assert.equal(r.status, 0);
  });

  it('runs the seed JAX snippet and prints exactly what the article prints', () => {
    const r = gradlens('run', 'examples/seed_jax.py');
    assert.equal(r.stdout, 'Value: 15.0\nGradient: 7.0\n');
    assert.equal(r.stderr, '');
    assert.equal(r.status, 0);
  });

  // What PyTorch 1.13 prints for the examples that use no random numbers.
  const EXAMPLE_OUTPUTS: Record<string, string> = {
    'rosenbrock.py': 'f = 12.5000\ndf/dx = -155.0000, df/dy = -50.0000\n',
    'logistic_regression.py': 'loss after 50 steps: 0.0716\ntensor([-2.0567,  2.0874], requires_grad=True)\n',
    'loop.py': 'sqrt(2) ~ 1.414214, d/da = 0.353553 (exact 1/(2 sqrt 2) = 0.353553)\n',
    'piecewise.py': 'huber(0.5) = 0.125, grad = 0.5\nhuber(3.0) = 2.5, grad = 1.0\n',
  };
  for (const [example, expected] of Object.entries(EXAMPLE_OUTPUTS)) {
    it(`runs examples/${example} and prints what PyTorch prints`, () => {
      const r = gradlens('run', `examples/${example}`);
      assert.equal(r.stderr, '');
      assert.equal(r.stdout, expected);
    });
  }

  it('trains the example MLP: the loss falls', () => {
    const r = gradlens('run', 'examples/mlp.py');
    assert.equal(r.status, 0, r.stderr);
    const losses = [...r.stdout.matchAll(/loss (\d+\.\d+)/g)].map((m) => Number(m[1]));
    assert.equal(losses.length, 4);
    assert.ok(losses[3] < losses[0] / 4, `losses ${losses.join(', ')}`);
  });

  it('gives the seed function\'s value and gradient as JSON', () => {
    const r = gradlens('grad', 'examples/seed_torch.py:f', '--json');
    assert.equal(r.status, 0, r.stderr);
    const out = JSON.parse(r.stdout);
    assert.equal(out.function, 'f');
    assert.equal(out.line, 3);
    assert.deepEqual(out.inputs, { x: 2 });
    assert.equal(out.value, 15);
    assert.deepEqual(out.grad, { x: 7 });
    assert.equal(out.engines.eager.value, 15);
    assert.deepEqual(out.engines.eager.grad, { x: 7 });
    assert.equal(typeof out.engines.eager.ms, 'number');
  });

  // Expected numbers: Debian's PyTorch 1.13, test/fixtures/evaluation/expected.py.
  it('recurses as deep as CPython: micrograd\'s build_topo over a 900-node chain, RecursionError past 1,000 frames', () => {
    const dir = mkdtempSync(join(tmpdir(), 'gradlens-recursion-'));
    try {
      const file = join(dir, 'topo.py');
      // micrograd's backward(): a recursive topological sort over each value's children (CPython 3.11 prints this).
      writeFileSync(file, [
        'import sys',
        'class Value:',
        '    def __init__(self, data, children=()):',
        '        self.data, self.grad, self._prev = data, 0.0, set(children)',
        'def build_topo(v, visited, topo):',
        '    if v not in visited:',
        '        visited.add(v)',
        '        for child in v._prev:',
        '            build_topo(child, visited, topo)',
        '        topo.append(v)',
        'x = Value(1.0)',
        'for i in range(900):',
        '    x = Value(x.data * 1.001, (x,))',
        'topo = []',
        'build_topo(x, set(), topo)',
        'print(sys.getrecursionlimit(), len(topo), round(topo[-1].data, 6))',
        'def depth(n):',
        '    return 0 if n == 0 else 1 + depth(n - 1)',
        'print(depth(990))',
        'depth(1000)',
        '',
      ].join('\n'));
      const r = gradlens('run', file);
      assert.equal(r.stdout, '1000 901 2.458497\n990\n');
      assert.match(r.stderr, /topo\.py:18:\d+: error: RecursionError: maximum recursion depth exceeded/);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });

  it('differentiates plain Python through math: softplus at 0.3 is 0.574443, not 0.0', () => {
    const r = gradlens('grad', 'test/fixtures/evaluation/plain_math.py:softplus', '--at', 'x=0.3');
    assert.equal(r.status, 0, r.stderr);
    assert.match(r.stdout, /^softplus\(x=0\.3\) = 0\.85435\d*   ∂softplus\/∂x = 0\.57444\d*\n$/);
  });

  it('prints where torch code cut the gradient, as a warning at the line, beside PyTorch\'s gradient', () => {
    const r = gradlens('grad', 'test/fixtures/evaluation/logistic_torch.py:perplexity');
    assert.equal(r.status, 0, r.stderr);
    assert.match(r.stdout, /∂perplexity\/∂w = \[0\.0, 0\.0\]   ∂perplexity\/∂b = 0\.0\n$/);
    assert.match(r.stderr, /^test\/fixtures\/evaluation\/logistic_torch\.py:21:12: warning: 'math\.exp\(loss\(w, b\)\)' reads a tensor that requires grad as a Python float/);
  });

  it('prints a vector-valued function\'s value, the gradient of its sum and its Jacobian', () => {
    const r = gradlens('grad', 'test/fixtures/evaluation/logistic_torch.py:predict');
    assert.equal(r.status, 0, r.stderr);
    assert.match(r.stdout, /= \[0\.90891\d*, 0\.94477\d*, 0\.15069\d*, 0\.99809\d*, 0\.00576\d*, 0\.09394\d*\]   ∂sum\(predict\)\/∂w = \[0\.05252\d*, 0\.06595\d*\]/);
    assert.match(r.stdout, /J\[predict, w\] = \[\[0\.04139\d*, 0\.09934\d*\], \[0\.07825\d*, -0\.01565\d*\],/);
    assert.match(r.stdout, /J\[predict, b\] = \[0\.08278\d*, 0\.05217\d*, 0\.12798\d*,/);
    const big = gradlens('grad', 'test/fixtures/evaluation/mlp_jax.py:hidden');
    assert.equal(big.status, 0, big.stderr);
    assert.match(big.stdout, /∂sum\(hidden\)\/∂params\[0\] = .*jacobian of hidden: 1197 numbers, more than 256 \(the gradient shown is of the sum\)\n$/);
  });

  it('runs every function of a file mixing torch, jax, numpy and math', () => {
    const r = gradlens('grad', 'test/fixtures/evaluation/mixed.py');
    assert.equal(r.status, 0, r.stderr);
    const lines = r.stdout.trim().split('\n');
    assert.deepEqual(lines.map((l) => l.slice(0, l.indexOf('('))), ['torch_energy', 'jax_energy', 'numpy_energy', 'math_energy']);
    for (const line of lines.filter((l) => !l.startsWith('numpy'))) assert.match(line, /= 0\.79357\d*   ∂\w+\/∂(x = \[0\.72686\d*, -0\.63969\d*\]|a = 0\.72686\d*   ∂math_energy\/∂b = -0\.63969\d*)$/);
    // NumPy's arrays are float64: np.sum(np.tanh(x) ** 2) in NumPy 1.24, the gradient by JAX's rules
    // (tanh's is (g + g·y)(1 - y), which rounds 0.72686198138358725 down where g·(1 - y²) rounds it up).
    assert.equal(lines[2], 'numpy_energy(x=[0.5, -1.0]) = 0.7935779254200465   ∂numpy_energy/∂x = [0.7268619813835872, -0.6397000084492246]');
  });

  it('writes a NaN result in --json as {"float": "nan"}, which reads back as NaN, never null (issue 11)', () => {
    // jnp: -(p * log p).sum() at p = [0.5, 0.0, 0.5]: 0 * -inf is nan, as JAX gives.
    const r = gradlens('grad', 'test/fixtures/lsp/non_finite.py:entropy', '--json');
    const raw = JSON.parse(r.stdout);
    assert.deepEqual(raw.value, { float: 'nan' }, r.stdout);
    const out = decodeWire(raw) as { value: number; grad: { p: number[] } };
    assert.ok(Number.isNaN(out.value), r.stdout);
    // PyTorch 1.13: tensor([-0.3069, nan, -0.3069]).
    assert.ok(Math.abs(out.grad.p[0] - -0.306853) < 1e-5 && !Number.isFinite(out.grad.p[1]), r.stdout);
  });

  it('differentiates a JAX loss w.r.t. its tuple params, leaf by leaf', () => {
    const r = gradlens('grad', 'test/fixtures/evaluation/mlp_jax.py:loss', '--json');
    assert.equal(r.status, 0, r.stderr);
    const out = JSON.parse(r.stdout);
    assert.deepEqual(Object.keys(out.grad), ['params[0]', 'params[1]', 'params[2]', 'params[3]']);
    assert.ok(Math.abs(out.grad['params[3]'][0] - -0.374153) < 1e-5, JSON.stringify(out.grad['params[3]']));
  });

  it('prints a human line per function, with inputs from defaults and from a # gradlens: comment', () => {
    const r = gradlens('grad', 'test/fixtures/cli/grad_inputs.py', '--at', 'x=-1.5');
    assert.equal(r.status, 2, 'linear() has no parameter x, so --at is a usage error for it');
    assert.match(r.stderr, /--at: linear\(\) has no parameter 'x' \(its parameters: w, b\)/);
    const ok = gradlens('grad', 'test/fixtures/cli/grad_inputs.py');
    assert.equal(ok.status, 0, ok.stderr);
    assert.equal(ok.stdout, [
      'linear(w=[1.0, -2.0, 0.5], b=0.5) = 6.75   ∂linear/∂w = [2.0, -4.0, 1.0]   ∂linear/∂b = 3.0',
      '',
    ].join('\n'));
  });

  it('takes inputs from --at', () => {
    const r = gradlens('grad', 'test/fixtures/cli/grad_inputs.py:rosenbrock', '--at', 'x=-1.5,y=2.0');
    assert.equal(r.status, 0, r.stderr);
    assert.equal(r.stdout, 'rosenbrock(x=-1.5, y=2.0) = 12.5   ∂rosenbrock/∂x = -155.0   ∂rosenbrock/∂y = -50.0\n');
  });

  for (const style of ['torch', 'jax']) {
    it(`${style}: an int given by --at (x=-3) is refused at the function, as ${style === 'jax' ? 'JAX' : 'PyTorch'} refuses integer gradients, naming the float to pass`, () => {
      const r = gradlens('grad', `examples/seed_${style}.py:f`, '--at', 'x=-3');
      assert.equal(r.status, 1);
      const line = style === 'jax' ? 4 : 3;
      assert.equal(r.stderr.trim().split('\n').at(-1), `examples/seed_${style}.py:${line}:5: error: f() has no float argument to differentiate: x=-3 is an int and `
        + `${style === 'jax' ? 'jax.grad refuses integer inputs, as JAX does' : 'PyTorch differentiates floating point tensors only'}; pass x=-3.0`);
      assert.doesNotMatch(r.stderr, /internal error/);
    });
  }

  it('reports a syntax error as FILE:LINE:COL with exit status 1', () => {
    const r = gradlens('run', 'test/fixtures/cli/syntax_error.py');
    assert.equal(r.status, 1);
    assert.equal(r.stdout, '');
    assert.match(r.stderr, /^test\/fixtures\/cli\/syntax_error\.py:3:\d+: error: SyntaxError: /);
  });

  it('refuses an unsupported import at its line', () => {
    const r = gradlens('run', 'test/fixtures/cli/unsupported_import.py');
    assert.equal(r.status, 1);
    assert.equal(r.stdout, '');
    assert.match(r.stderr, /^test\/fixtures\/cli\/unsupported_import\.py:2:\d+: error: .*module 'scipy' is not supported by Gradlens/);
  });

  it('reports a shape error inside a function at the line that made it, keeping what was printed before', () => {
    const r = gradlens('run', 'test/fixtures/cli/shape_error.py');
    assert.equal(r.status, 1);
    assert.equal(r.stdout, 'before\n');
    assert.match(r.stderr, /^test\/fixtures\/cli\/shape_error\.py:4:\d+: error: RuntimeError: .*\(3\).*\(4\)/);
  });

  it('ends at sys.exit(3) with exit status 3, print(file=sys.stderr) on stderr', () => {
    const r = gradlens('run', 'test/fixtures/cli/sys_exit.py');
    assert.equal(r.status, 3);
    assert.equal(r.stdout, 'checking the config\n');
    assert.equal(r.stderr, "config has no 'lr'\n");
  });

  it('stops an infinite loop at the step budget', () => {
    const r = gradlens('run', 'test/fixtures/cli/infinite_loop.py');
    assert.equal(r.status, 1);
    assert.match(r.stderr, /infinite_loop\.py:[23]:\d+: error: .*10,000,000 steps/);
  });

  it('explains bad command lines with exit status 2', () => {
    assert.match(gradlens('run', 'examples/seed_torch.py', '--fast').stderr, /gradlens: error: unknown option --fast/);
    assert.equal(gradlens('run', 'examples/seed_torch.py', '--fast').status, 2);
    assert.match(gradlens('run', 'missing.py').stderr, /missing\.py: no such file/);
    assert.match(gradlens('grad', 'examples/seed_torch.py:f', '--at', 'x=(').stderr, /--at x=\(: /);
    assert.match(gradlens('grad', 'examples/seed_torch.py:f', '--engine', 'xla').stderr, /--engine must be one of eager/);
    assert.match(gradlens('grad', 'examples/seed_torch.py:g').stderr, /no function 'g' \(functions: f\)/);
    assert.match(gradlens('frobnicate').stderr, /unknown command 'frobnicate'/);
  });

  it('has --help for each command', () => {
    assert.match(gradlens('--help').stdout, /commands:/);
    assert.match(gradlens('run', '--help').stdout, /usage: gradlens run FILE\.py/);
    assert.match(gradlens('grad', '--help').stdout, /usage: gradlens grad FILE\.py\[:FUNC\]/);
  });
});

/**
 * Issue 12.5: `gradlens grad` and `gradlens run` evaluated on their main thread, where the time
 * budget cannot stop one long kernel (a 6000 x 6000 matmul ran on past a 1 s budget until it
 * ended). They evaluate in a child process now, stopped a second past the budget like the language
 * server's, and `run` relays what the script prints as it prints it.
 */
describe('gradlens grad and run: the time budget holds inside one long kernel', function () {
  this.timeout(120_000);
  let dir: string;
  /** Seconds `gradlens grad` takes to start, evaluate a trivial function and exit, on this machine now. */
  let startup = 0;
  before(() => {
    dir = mkdtempSync(join(tmpdir(), 'gradlens-grad-budget-'));
    writeFileSync(join(dir, 'idle.py'), 'import torch\n\ndef f(x):\n    return x * 2\n\nf(torch.tensor(1.0))\n');
    const t0 = performance.now();
    const r = spawnSync(process.execPath, ['dist/cli.js', 'grad', join(dir, 'idle.py')], { encoding: 'utf8' });
    startup = (performance.now() - t0) / 1000;
    assert.equal(r.status, 0, r.stderr);
  });
  after(() => rmSync(dir, { recursive: true, force: true }));

  // Issue 12: a run stopped from outside said `FILE: error:` with no line; the worker says where it is.
  it('a 6000 x 6000 matmul under --budget-seconds 1 stops with the budget error at the matmul\'s line, within the budget + 1 s + 2 s', () => {
    const file = join(dir, 'matmul.py');
    writeFileSync(file, 'import torch\n\ndef f(a):\n    return (a @ a).sum()\n\nf(torch.ones(6000, 6000))\n');
    const t0 = performance.now();
    const r = spawnSync(process.execPath, ['dist/cli.js', 'grad', `${file}:f`, '--budget-seconds', '1'], { encoding: 'utf8', timeout: 100_000 });
    const elapsed = (performance.now() - t0) / 1000 - startup;
    const report = `exit ${r.status} after ${elapsed.toFixed(2)} s past a ${startup.toFixed(2)} s start\n${r.stderr}`;
    assert.equal(r.status, 1, report);
    // NB: whether the worker's clock or the hard stop ends it depends on the machine's load; either says where.
    assert.match(r.stderr, /^\S*matmul\.py:4:13: error: (evaluation stopped after [\d.]+ s \(--budget-seconds\): f\(\) ran past its time budget of 1 s .*; make it do less, or raise --budget-seconds|the script ran longer than 1 s \(the time budget\).*)$/m, report);
    assert.ok(elapsed <= 1 + 1 + 2, `took ${elapsed.toFixed(2)} s\n${report}`);
  });

  it('run: a 6000 x 6000 matmul in a script under --budget-seconds 1 is stopped from outside at its line, within the budget + 1 s + 2 s, keeping what it printed', () => {
    const file = join(dir, 'matmul_script.py');
    writeFileSync(file, 'import torch\nprint("before")\na = torch.ones(6000, 6000)\nb = a @ a\nprint("after")\n');
    const t0 = performance.now();
    const r = spawnSync(process.execPath, ['dist/cli.js', 'run', file, '--budget-seconds', '1'], { encoding: 'utf8', timeout: 100_000 });
    const elapsed = (performance.now() - t0) / 1000 - startup;
    const report = `exit ${r.status} after ${elapsed.toFixed(2)} s past a ${startup.toFixed(2)} s start\n${r.stderr}`;
    assert.equal(r.status, 1, report);
    assert.equal(r.stdout, 'before\n');
    assert.match(r.stderr, /^\S*matmul_script\.py:4:5: error: (evaluation stopped after [\d.]+ s \(--budget-seconds\): the script ran past its time budget of 1 s .*; make it do less, or raise --budget-seconds|the script ran longer than 1 s \(the time budget\).*)$/m, report);
    assert.ok(elapsed <= 1 + 1 + 2, `took ${elapsed.toFixed(2)} s\n${report}`);
  });

  it('run: a script whose Python values outgrow the evaluation process\'s heap is stopped at the line that grew them', () => {
    const file = join(dir, 'lists.py');
    // NB: tolist() is one host call that checks no budget; the line before it made the tensor.
    writeFileSync(file, 'import torch\nt = torch.ones(10**7)\nxs = []\nfor i in range(100):\n    xs.append(t.tolist())\n');
    const r = spawnSync(process.execPath, ['dist/cli.js', 'run', file, '--budget-seconds', '100'], {
      encoding: 'utf8', timeout: 100_000, env: { ...process.env, GRADLENS_WORKER_HEAP_MIB: '160' },
    });
    assert.equal(r.status, 1, r.stderr);
    assert.match(r.stderr, /^\S*lists\.py:5:\d+: error: evaluation stopped: the script ran out of memory \(its Python values may hold 160 MiB\); make its lists, strings or tensors smaller$/m, r.stderr.slice(-2000));
  });

  it('run: what a script prints reaches stdout as it prints it, not when it ends', async () => {
    const file = join(dir, 'live.py');
    // NB: sleep, not a busy loop, which a fast run of the interpreter takes past the step budget in 2 s.
    writeFileSync(file, 'import time\nprint("start")\ntime.sleep(2)\nprint("end")\n');
    const child = spawn(process.execPath, ['dist/cli.js', 'run', file], { stdio: ['ignore', 'pipe', 'pipe'] });
    let stdout = '';
    let firstLineAt = 0;
    child.stdout.on('data', (chunk: Buffer) => {
      stdout += chunk.toString();
      if (!firstLineAt && stdout.includes('\n')) firstLineAt = performance.now();
    });
    const status = await new Promise<number | null>((resolve) => child.on('close', resolve));
    const gap = (performance.now() - firstLineAt) / 1000;
    assert.equal(status, 0);
    assert.equal(stdout, 'start\nend\n');
    // The script waits 2 s between its prints: the first must have arrived well before the end.
    assert.ok(gap >= 1.5, `"start" arrived ${gap.toFixed(2)} s before the process ended`);
  });
});
