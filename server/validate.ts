/**
 * Guards for every message the server acts on. JSON-RPC carries whatever a client sends: a
 * `didOpen` whose text is null, a forged `gradlens/result`. A message that fails its guard is
 * logged and dropped (a request is answered with InvalidParams), so no handler ever sees it.
 * Gradlens's own messages use the protocol's guards (the same ones the webview channel uses).
 */
import type {
  CodeLens,
  CodeLensParams,
  DidChangeTextDocumentParams,
  DidCloseTextDocumentParams,
  DidOpenTextDocumentParams,
  ExecuteCommandParams,
  HoverParams,
  InlayHintParams,
} from 'vscode-languageserver';
import { isEvaluateRequest, isEvaluationOutcome, isLensData, type CheckInputsParams, type EvaluateRequest, type EvaluationOutcome, type FunctionCommandArgs } from '../protocol';

export type Guard<T> = (x: unknown) => x is T;

function isRecord(x: unknown): x is Record<string, unknown> {
  return typeof x === 'object' && x !== null && !Array.isArray(x);
}
const isString = (x: unknown): x is string => typeof x === 'string';
/** LSP's uinteger/integer: line and character numbers, versions. */
const isInteger = (x: unknown): x is number => Number.isSafeInteger(x);
const isUnsigned = (x: unknown): x is number => Number.isSafeInteger(x) && (x as number) >= 0;

function fields(x: unknown, guards: Record<string, (v: unknown) => boolean>, optional: readonly string[] = []): boolean {
  if (!isRecord(x)) return false;
  return Object.entries(guards).every(([key, guard]) => (x[key] === undefined && optional.includes(key)) || guard(x[key]));
}

const isPosition = (x: unknown) => fields(x, { line: isUnsigned, character: isUnsigned });
const isRange = (x: unknown) => fields(x, { start: isPosition, end: isPosition });
const isDocumentId = (x: unknown) => fields(x, { uri: isString });

export const isDidOpen = ((x: unknown) =>
  fields(x, { textDocument: (d) => fields(d, { uri: isString, languageId: isString, version: isInteger, text: isString }) })) as Guard<DidOpenTextDocumentParams>;

export const isDidChange = ((x: unknown) =>
  fields(x, {
    textDocument: (d) => fields(d, { uri: isString, version: isInteger }),
    contentChanges: (c) => Array.isArray(c) && c.every((change) => fields(change, { text: isString, range: isRange }, ['range'])),
  })) as Guard<DidChangeTextDocumentParams>;

export const isDidClose = ((x: unknown) => fields(x, { textDocument: isDocumentId })) as Guard<DidCloseTextDocumentParams>;
export const isCodeLensParams = ((x: unknown) => fields(x, { textDocument: isDocumentId })) as Guard<CodeLensParams>;
/** A lens to resolve: one of ours, sent without its command (its data), or with it. */
export const isCodeLens = ((x: unknown) =>
  fields(x, { range: isRange, data: isLensData, command: (c) => fields(c, { title: isString, command: isString }) }, ['data', 'command'])) as Guard<CodeLens>;
export const isHoverParams = ((x: unknown) => fields(x, { textDocument: isDocumentId, position: isPosition })) as Guard<HoverParams>;
export const isInlayHintParams = ((x: unknown) => fields(x, { textDocument: isDocumentId, range: isRange })) as Guard<InlayHintParams>;
export const isExecuteCommandParams = ((x: unknown) =>
  fields(x, { command: isString, arguments: (a) => Array.isArray(a) }, ['arguments'])) as Guard<ExecuteCommandParams>;
export const isFunctionCommandArgs = ((x: unknown) => fields(x, { uri: isString, function: isString })) as Guard<FunctionCommandArgs>;
export const isCheckInputsParams = ((x: unknown) => fields(x, { uri: isString, function: isString, inputs: isString })) as Guard<CheckInputsParams>;
export const isOutcome: Guard<EvaluationOutcome> = isEvaluationOutcome;
export const isEvaluate: Guard<EvaluateRequest> = isEvaluateRequest;

/** A short form of a rejected message for the log: its start, never all of a megabyte of it. */
export function excerpt(x: unknown): string {
  let text: string;
  try {
    text = JSON.stringify(x) ?? String(x);
  } catch {
    text = String(x);
  }
  return text.length > 200 ? `${text.slice(0, 200)}...` : text;
}
