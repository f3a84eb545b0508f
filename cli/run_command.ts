import { WorkerExecution } from '../evaluation/worker';
import { choice, parseArgs, positive, UsageError } from './args';
import { CLI_BACKENDS } from './backend';
import { RUN_HELP } from './help';
import { readScript } from './script_file';

/** `gradlens run FILE.py`: prints what the script prints; a script error goes to stderr with exit 1. */
export async function runCommand(argv: readonly string[]): Promise<number> {
  const args = parseArgs(argv, ['backend', 'budget-seconds', 'budget-tensor-mib'], ['help']);
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
  // NB: in a child process, so the time budget holds inside one long kernel too: the process is stopped from here.
  const execution = new WorkerExecution({ backend, secondsSetting: '--budget-seconds' });
  try {
    const ended = await execution.runScript({ source, file, budgets }, (text) => process.stdout.write(text));
    if (ended.error) {
      process.stderr.write(`${ended.error}\n`);
      return 1;
    }
    return 0;
  } finally {
    await execution.dispose();
  }
}
