import { UsageError } from './args';
import { benchCommand } from './bench_command';
import { gradCommand } from './grad_command';
import { graphCommand } from './graph_command';
import { MAIN_HELP } from './help';
import { runCommand } from './run_command';
import { verifyCommand } from './verify_command';

const COMMANDS: Record<string, (argv: readonly string[]) => Promise<number>> = {
  run: runCommand,
  grad: gradCommand,
  graph: graphCommand,
  verify: verifyCommand,
  bench: benchCommand,
};

async function main(argv: readonly string[]): Promise<number> {
  const [name, ...rest] = argv;
  if (name === undefined || name === '--help' || name === '-h' || name === 'help') {
    process.stdout.write(MAIN_HELP);
    return name === undefined ? 2 : 0;
  }
  const command = COMMANDS[name];
  if (!command) throw new UsageError(`unknown command '${name}'; the commands are ${Object.keys(COMMANDS).join(', ')}`);
  return command(rest);
}

// `gradlens run f.py | head`: once the reader has gone, stop as a Unix filter does (status 128 + SIGPIPE),
// without a Node stack trace; the evaluation process ends with its IPC channel.
process.stdout.on('error', (e: NodeJS.ErrnoException) => {
  if (e.code !== 'EPIPE') throw e;
  process.exit(141);
});

main(process.argv.slice(2)).then(
  (code) => {
    process.exitCode = code;
  },
  (e: unknown) => {
    if (e instanceof UsageError) {
      process.stderr.write(`gradlens: error: ${e.message}\n`);
      process.exitCode = 2;
    } else {
      process.stderr.write(`gradlens: internal error: ${e instanceof Error ? e.stack ?? e.message : String(e)}\n`);
      process.exitCode = 70;
    }
  },
);
