/**
 * The run's standard output, for library shims that print on their own (jax.debug.print from a
 * compiled program): the interpreter opens it with its `print`'s writer before the script runs.
 */
import type { HostContext } from './objects';

const STDOUT = {};

export function openStdout(ctx: HostContext, write: (text: string) => void): void {
  ctx.state(STDOUT, () => write);
}

/** Writes `text` where the script's `print` writes. */
export function writeStdout(ctx: HostContext, text: string): void {
  ctx.state<(text: string) => void>(STDOUT, () => {
    throw new Error('the interpreter opens its standard output before the script runs');
  })(text);
}
