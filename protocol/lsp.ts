/**
 * The LSP extensions between Gradlens's language server and its clients, declared once: the
 * server and the VS Code client both import these, so a changed message is a compile error on
 * both sides. Outcomes cross as `Wire<EvaluationOutcome>` (JSON has no NaN: see wire.ts).
 */
import { NotificationType, RequestType } from 'vscode-languageserver-protocol';
import type { EvaluateRequest } from './evaluate';
import type { EvaluationOutcome } from './results';
import type { Wire } from './wire';

/** The commands behind the CodeLenses; each takes one `FunctionCommandArgs`. */
export const COMMANDS = {
  computeGradient: 'gradlens.computeGradient',
  showGraph: 'gradlens.showGraph',
  compareEngines: 'gradlens.compareEngines',
} as const;
export type CommandId = (typeof COMMANDS)[keyof typeof COMMANDS];

export interface FunctionCommandArgs {
  readonly uri: string;
  readonly function: string;
}

/** A function's three lenses, in the order they stand over it. */
export const LENS_COMMANDS = [COMMANDS.computeGradient, COMMANDS.showGraph, COMMANDS.compareEngines] as const;

/**
 * What a CodeLens sent without its command carries, for `codeLens/resolve` to make the command
 * from (a client that resolves, as VS Code does, gets its lenses so: a third of the JSON, and only
 * the lenses on screen are resolved): the function's document, as the number the server gave its
 * URI (the URI in each of 900 lenses was near half of the JSON a keystroke is answered with; the
 * client knows the document it asked about), the function's name, and which of its lenses it is
 * (an index into LENS_COMMANDS).
 */
export type LensData = readonly [document: number, fn: string, lens: number];

export function isLensData(x: unknown): x is LensData {
  return Array.isArray(x) && x.length === 3 && Number.isInteger(x[0]) && x[0] >= 0 && typeof x[1] === 'string' && Number.isInteger(x[2]) && x[2] >= 0 && x[2] < LENS_COMMANDS.length;
}

/**
 * Set by a client that evaluates functions itself (VS Code's webview) under
 * `initializationOptions.gradlens`: the server then leaves the commands to the client and only
 * stores the results it is sent.
 */
export interface GradlensInitializationOptions {
  readonly executionHost?: boolean;
  readonly inlayHints?: boolean;
  /** Each assigned name's type as an inlay hint after it (`gradlens.inlayShapes`, off unless set). */
  readonly inlayShapes?: boolean;
  readonly engines?: EvaluateRequest['engines'];
}

/**
 * Client -> server: evaluate on the server's CPU. A client that declared `executionHost` sends this
 * only when it has no execution host of its own (its webview could not start); the answer is also
 * stored as if it had come with `gradlens/result`.
 */
export const evaluateRequest = new RequestType<EvaluateRequest, Wire<EvaluationOutcome>, void>('gradlens/evaluate');

/** Client -> server: a result (or error) computed by the client's execution host. */
export const resultNotification = new NotificationType<Wire<EvaluationOutcome>>('gradlens/result');

/** Client -> server: the latest result the server holds for a function (for the panel's first paint). */
export const resultRequest = new RequestType<FunctionCommandArgs, Wire<EvaluationOutcome> | null, void>('gradlens/resultOf');

export interface CheckInputsParams extends FunctionCommandArgs {
  /** What the user typed: `x=2.0, w=[1, 2, 3]`. */
  readonly inputs: string;
}
export type CheckInputsResult = ({ readonly ok: true } | { readonly ok: false; readonly message: string }) & {
  /** The function's parameters, for the input box's placeholder (absent when the function is not found). */
  readonly params?: readonly string[];
};

/** Client -> server: whether typed inputs parse and name the function's parameters (validates the input box). */
export const checkInputsRequest = new RequestType<CheckInputsParams, CheckInputsResult, void>('gradlens/checkInputs');
