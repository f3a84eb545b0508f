/**
 * Why an evaluation stopped, as the protocol's EvaluationError kinds: thrown inside the service
 * and turned into an `{ ok: false }` outcome at its edge.
 */
import { formatError, type FailedOp, type ScriptError, type Span } from '../lang/python';
import type { AssignedValue, EvaluationError, GraphView, SourceRange } from '../protocol/results';
import type { SourceSpan } from '../runtime/core';

export type FailureKind = EvaluationError['kind'];

export class EvaluationFailure extends Error {
  /** What the run assigned before it failed, where a stage read it. */
  assignments?: readonly AssignedValue[];
  /** The graph recorded up to the op that raised it, where a stage drew it. */
  graphs?: readonly GraphView[];

  constructor(readonly kind: FailureKind, message: string, readonly range?: SourceRange, readonly failedOp?: FailedOp) {
    super(message);
  }
}

export function rangeOfSpan(span: Span): SourceRange {
  return { line: span.line, col: span.col, endLine: span.endLine, endCol: span.endCol };
}

export function rangeOfSource(span: SourceSpan): SourceRange {
  return { line: span.line, col: span.column, endLine: span.endLine, endCol: span.endColumn };
}

/** A script's error at its span; its message reads `FILE:LINE:COL: error: ...` as the CLI prints it. */
export function scriptFailure(error: ScriptError): EvaluationFailure {
  const kind: FailureKind = error.kind === 'cancelled' ? 'cancelled' : error.kind === 'budget' ? 'budget' : 'error';
  return new EvaluationFailure(kind, formatError(error), rangeOfSpan(error.span), error.failedOp);
}

/** A failure at `span` of `file`, worded as a script error is. */
export function failureAt(kind: FailureKind, file: string, span: Span, message: string): EvaluationFailure {
  return new EvaluationFailure(kind, `${file}:${span.line}:${span.col}: error: ${message}`, rangeOfSpan(span));
}
