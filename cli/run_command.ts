import { WorkerExecution } from '../evaluation/worker';
import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { choice, parseArgs, positive, UsageError } from './args';
import { CLI_BACKENDS } from './backend';
import { RUN_HELP } from './help';
import { figureLine } from './figure_line';
import { figureSvg } from './figure_svg';
import { readScript } from './script_file';
import { TRACE_FORMATS, traceNotes, traceText } from './trace_format';

/** `--trace loss,acc` (or `--trace loss --trace acc`): the names whose values to record, each a Python identifier. */
function traceNames(args: ReturnType<typeof parseArgs>): string[] {
  const given = args.options.get('trace');
  if (given === undefined) return [];
  const names = String(given).split(',').map((n) => n.trim()).filter((n) => n !== '');
  const bad = names.find((n) => !/^[A-Za-z_][A-Za-z0-9_]*$/.test(n));
  if (names.length === 0 || bad !== undefined) throw new UsageError(`--trace takes names assigned in the script (--trace loss,acc)${bad ? `; '${bad}' is not a name` : ''}`);
  return [...new Set(names)];
}

/**
 * `gradlens run FILE.py`: prints what the script prints, and a line for each matplotlib figure it shows (cli/figure_line.ts);
 * a script error goes to stderr with exit 1, `sys.exit(n)` exits n.
 * With `--plots DIR`, each figure also as an SVG file there. With `--trace`, then each traced name's values as CSV or JSON (to stdout after the script's own output, or to --trace-out).
 */
export async function runCommand(argv: readonly string[]): Promise<number> {
  const args = parseArgs(argv, ['backend', 'budget-seconds', 'budget-tensor-mib', 'trace', 'trace-format', 'trace-out', 'plots'], ['help']);
  if (args.options.has('help')) {
    process.stdout.write(RUN_HELP);
    return 0;
  }
  if (args.positional.length !== 1) throw new UsageError('run takes one FILE.py (see gradlens run --help)');
  const file = args.positional[0];
  const source = readScript(file);
  const backend = choice(args, 'backend', CLI_BACKENDS, 'wasm');
  const budgets = {
    ...(args.options.has('budget-seconds') ? { maxWallMs: positive(args, 'budget-seconds') * 1000 } : {}),
    ...(args.options.has('budget-tensor-mib') ? { maxTensorBytes: positive(args, 'budget-tensor-mib') * 2 ** 20 } : {}),
  };
  const trace = traceNames(args);
  const format = choice(args, 'trace-format', TRACE_FORMATS, 'csv');
  const out = args.options.get('trace-out');
  if (out === true || ((args.options.has('trace-format') || out !== undefined) && trace.length === 0)) throw new UsageError('--trace-format and --trace-out go with --trace NAME[,NAME...]');
  const plots = args.options.get('plots');
  if (plots === true) throw new UsageError('--plots takes a folder (--plots plots/)');
  if (plots !== undefined) mkdirSync(plots, { recursive: true });
  let shownCount = 0;
  // NB: in a child process, so the time budget holds inside one long kernel too: the process is stopped from here.
  const execution = new WorkerExecution({ backend, secondsSetting: '--budget-seconds' });
  try {
    const ended = await execution.runScript({ source, file, budgets, ...(trace.length ? { trace } : {}) }, {
      printed: (text, stream) => (stream === 'stderr' ? process.stderr : process.stdout).write(text),
      shown: (figure) => {
        process.stdout.write(`${figureLine(figure)}\n`);
        if (plots !== undefined) writeFileSync(join(plots, `figure-${++shownCount}.svg`), figureSvg(figure));
      },
    });
    if (ended.traces) {
      for (const note of traceNotes(file, trace, ended.traces)) process.stderr.write(`${note}\n`);
      const text = traceText(ended.traces, format);
      if (out !== undefined) writeFileSync(out, text);
      else process.stdout.write(text);
    }
    if (ended.error) {
      process.stderr.write(`${ended.error}\n`);
      return 1;
    }
    return ended.exitCode ?? 0;
  } finally {
    await execution.dispose();
  }
}
