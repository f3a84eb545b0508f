/**
 * One LSP feature of the server: what it announces at initialize and the handlers it registers
 * over the shared state. server.ts lists the features; a new one is a file here and a line there.
 */
import { ErrorCodes, ResponseError, type CancellationToken, type ServerCapabilities } from 'vscode-languageserver';
import type { GradlensInitializationOptions } from '../../protocol';
import type { ServerState } from '../state';
import { excerpt, type Guard } from '../validate';

export interface Feature {
  /** What the server announces for it, given the client's options. */
  readonly capabilities?: (options: GradlensInitializationOptions) => ServerCapabilities;
  readonly register: (state: ServerState) => void;
}

/** A request handler that answers InvalidParams to a malformed message. */
export function checked<P, R>(method: string, guard: Guard<P>, handler: (params: P, token: CancellationToken) => R) {
  return (params: unknown, token: CancellationToken): R => {
    if (!guard(params)) throw new ResponseError(ErrorCodes.InvalidParams, `${method}: malformed parameters ${excerpt(params)}`);
    return handler(params, token);
  };
}

/**
 * A feature that fails (a defect of Gradlens) answers nothing rather than an error, and the
 * failure is logged: the editor keeps working on every other document and feature.
 */
export function contained<R>(state: ServerState, what: string, fallback: R, compute: () => R): R {
  try {
    return compute();
  } catch (e) {
    if (e instanceof ResponseError) throw e;
    state.connection.console.error(`Gradlens: ${what} failed: ${e instanceof Error ? (e.stack ?? e.message) : String(e)}`);
    return fallback;
  }
}
