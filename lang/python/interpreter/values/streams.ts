/**
 * The run's standard output and standard error, for shims that write on their own (jax.debug.print
 * from a compiled program, `sys.stderr.write`, `logging`): the interpreter opens both with the
 * writers it was given before the script runs.
 */
import type { HostContext } from './objects';

const STDOUT = {};
const STDERR = {};

export function openStdout(ctx: HostContext, write: (text: string) => void): void {
  ctx.state(STDOUT, () => write);
}

export function openStderr(ctx: HostContext, write: (text: string) => void): void {
  ctx.state(STDERR, () => write);
}

/** Writes `text` where the script's `print` writes. */
export function writeStdout(ctx: HostContext, text: string): void {
  ctx.state<(text: string) => void>(STDOUT, () => {
    throw new Error('the interpreter opens its standard output before the script runs');
  })(text);
}

/** Writes `text` to the run's stderr, where CPython writes warnings and tracebacks. */
export function writeStderr(ctx: HostContext, text: string): void {
  ctx.state<(text: string) => void>(STDERR, () => {
    throw new Error('the interpreter opens its standard error before the script runs');
  })(text);
}
