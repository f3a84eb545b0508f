// `npm run bench:programs`: whole Python programs (issue 17's W4-W6, issue 15's W7 and the per-op dispatch rows)
// run by Gradlens (in this process, as `gradlens run` runs them) and by CPython with PyTorch and
// NumPy, checked to print the same numbers, then timed; the table goes to BENCHMARKS.md.
import { spawnSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { cpus, loadavg } from 'node:os';
import { runPython } from '../../evaluation';
import { formatError } from '../../lang/python';
import { createTfjsBackend } from '../../runtime/backends';
import { EagerEngine } from '../../runtime/eager';
import { writeBenchSection } from '../sections';

const PYTHON = '/usr/bin/python3';
const REPEAT = 3;
const DIR = 'bench/programs';

interface Program {
  readonly id: string;
  readonly file: string;
  readonly what: string;
  readonly peer: string;
  /** Gradlens time over the peer's that meets the goal (issue 17). */
  readonly goal: number;
  /** Relative tolerance between the numbers both print (float32 engines differ in the last bits). */
  readonly tolerance: number;
  /** Eager ops the program runs, for a per-op time; absent where it is not a dispatch row. */
  readonly ops?: number;
}

const PROGRAMS: readonly Program[] = [
  { id: 'W4', file: 'w4_polynomial_autograd.py', what: 'polynomial fit with autograd, 2,000 steps on 2,000 points', peer: 'PyTorch', goal: 1, tolerance: 1e-3 },
  { id: 'W5', file: 'w5_micrograd.py', what: 'micrograd-style scalar MLP(3, [8, 8, 1]), 20 steps on 16 points', peer: 'CPython', goal: 2, tolerance: 1e-12 },
  { id: 'W6', file: 'w6_polynomial_numpy.py', what: 'polynomial fit in NumPy, 2,000 steps on 2,000 points', peer: 'NumPy', goal: 1, tolerance: 1e-3 },
  { id: 'W7', file: 'w7_nn_adam.py', what: 'nn.Sequential(Linear(1, 64), Tanh(), Linear(64, 1)) + Adam, 500 steps on 256 points', peer: 'PyTorch', goal: 1, tolerance: 1e-3 },
  { id: 'dispatch 1', file: 'dispatch_1.py', what: '`x * y + x`, 1-element tensors, 20,000 times', peer: 'PyTorch', goal: 1, tolerance: 1e-5, ops: 40_000 },
  { id: 'dispatch 2,000', file: 'dispatch_2000.py', what: '`x * y + x`, 2,000-element tensors, 10,000 times', peer: 'PyTorch', goal: 1, tolerance: 1e-5, ops: 20_000 },
  { id: 'dispatch 10^6', file: 'dispatch_1000000.py', what: '`x * y + x`, 10^6-element tensors, 100 times', peer: 'PyTorch', goal: 1, tolerance: 1e-5, ops: 200 },
];

/** Budgets far past any of these programs: the bench measures, the budgets are tested elsewhere. */
const BENCH_BUDGETS = { maxWallMs: 600_000, maxSteps: 1e12 };

function cpuSeconds(): number {
  const { user, system } = process.cpuUsage();
  return (user + system) / 1e6;
}

/** The import lines of a program: run alone, their cost is taken off the program's. */
const importsOf = (source: string): string => source.split('\n').filter((l) => /^(import|from) /.test(l)).join('\n');

async function gradlensSeconds(source: string, file: string): Promise<{ seconds: number; printed: string }> {
  const engine = new EagerEngine(await createTfjsBackend('wasm'));
  const once = (text: string): { seconds: number; printed: string } => {
    let printed = '';
    const start = cpuSeconds();
    const result = runPython(text, engine, { file, budgets: BENCH_BUDGETS, stdout: (t) => (printed += t) });
    const seconds = cpuSeconds() - start;
    if (result.error) throw new Error(`Gradlens on ${file}: ${formatError(result.error)}`);
    return { seconds, printed };
  };
  once(source); // warm-up: kernels compiled, modules built
  let best = Infinity;
  let printed = '';
  for (let i = 0; i < REPEAT; i++) {
    const run = once(source);
    const imports = once(importsOf(source));
    best = Math.min(best, run.seconds - imports.seconds);
    printed = run.printed;
  }
  return { seconds: best, printed };
}

function numbersOf(printed: string): number[] {
  const last = printed.trim().split('\n').pop() ?? '';
  return last.split(/\s+/).map(Number);
}

function checkSame(program: Program, gradlens: string, python: string): void {
  const mine = numbersOf(gradlens);
  const theirs = numbersOf(python);
  const close = mine.length === theirs.length && mine.every((v, i) => {
    const w = theirs[i]!;
    return Math.abs(v - w) <= program.tolerance * Math.max(Math.abs(w), 1e-3);
  });
  if (!close) throw new Error(`${program.id}: Gradlens printed ${gradlens.trim()}, ${program.peer} ${python.trim()}`);
}

const ms = (s: number): string => (s * 1e3 >= 100 ? (s * 1e3).toFixed(0) : (s * 1e3).toPrecision(3));

/**
 * `node dist-bench/programs.js W4 dispatch` runs only the programs whose id starts with one of the
 * arguments and prints their rows without writing BENCHMARKS.md (a before/after check of one workload).
 */
const only = process.argv.slice(2);
const chosen = only.length === 0 ? PROGRAMS : PROGRAMS.filter((p) => only.some((o) => p.id.startsWith(o)));

async function main(): Promise<void> {
  const loadBefore = loadavg()[0]!;
  const files = chosen.map((p) => `${DIR}/${p.file}`);
  const python = spawnSync(PYTHON, ['-W', 'ignore', `${DIR}/run_python.py`, String(REPEAT), ...files], { encoding: 'utf8', maxBuffer: 1 << 26 });
  if (python.status !== 0) throw new Error(`${PYTHON} failed: ${python.stderr}`);
  const peers = JSON.parse(python.stdout) as Record<string, { seconds: number; printed: string }>;
  const versions = spawnSync(PYTHON, ['-c', 'import sys, torch, numpy; print(sys.version.split()[0], torch.__version__, numpy.__version__)'], { encoding: 'utf8' }).stdout.trim().split(' ');

  const rows: string[] = [];
  for (const program of chosen) {
    const file = `${DIR}/${program.file}`;
    const mine = await gradlensSeconds(readFileSync(file, 'utf8'), file);
    const peer = peers[file]!;
    checkSame(program, mine.printed, peer.printed);
    const ratio = mine.seconds / peer.seconds;
    const perOp = program.ops ? ` (${((mine.seconds / program.ops) * 1e6).toPrecision(3)} µs/op vs ${((peer.seconds / program.ops) * 1e6).toPrecision(3)})` : '';
    const met = ratio <= program.goal ? 'met' : `not met (${ratio.toFixed(1)}× where ≤ ${program.goal}× is the goal)`;
    rows.push(`| ${program.id} | ${program.what} | ${ms(mine.seconds)}${perOp} | ${program.peer} ${ms(peer.seconds)} | ${ratio.toFixed(2)}× | ${met} |`);
    process.stdout.write(`${rows[rows.length - 1]}\n`);
  }
  const markdown = [
    '## Whole programs: Gradlens against CPython, PyTorch and NumPy (`npm run bench:programs`)',
    '',
    'Written by bench/programs/main.ts.',
    '',
    `- Machine: ${cpus()[0]?.model.trim() ?? 'unknown CPU'}, ${cpus().length} cores; Node ${process.version}; ${new Date().toISOString().replace(/\.\d+Z$/, 'Z')}`,
    `- 1-minute load average ${loadBefore.toFixed(2)} at the start, ${loadavg()[0]!.toFixed(2)} at the end: times are CPU seconds of the process (Node's process.cpuUsage, Python's time.process_time), which other processes on the machine disturb far less than wall time`,
    `- Peers: CPython ${versions[0]}, PyTorch ${versions[1]}, NumPy ${versions[2]} (Debian, ${PYTHON}), in a child process of the same run`,
    '',
    'Milliseconds of CPU, best of 3 after one warm-up run. Gradlens runs the program as `gradlens run` does (eager engine, wasm backend), its import lines timed alone and subtracted; Python runs it with `exec` after its imports. Both must print the same numbers (within float32 rounding) before anything is timed.',
    '',
    '| Workload | Program | Gradlens | Peer | Gradlens / peer | Goal |',
    '|---|---|---:|---:|---:|---|',
    ...rows,
  ].join('\n');
  if (only.length === 0) writeBenchSection('programs', markdown);
  else process.stdout.write(`load average ${loadBefore.toFixed(2)} at the start, ${loadavg()[0]!.toFixed(2)} at the end\n`);
}

main().catch((e: unknown) => {
  process.stderr.write(`${e instanceof Error ? e.message : String(e)}\n`);
  process.exit(1);
});
