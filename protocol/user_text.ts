/**
 * Text that comes from the user's file (an exception's message, a file or function name, typed
 * inputs, anything a forged result carries) on its way into VS Code's UI. VS Code renders
 * `[label](command:...)` as a link that runs a command in notifications, input-box prompts and
 * validation messages, and markdown in hovers: a file that raises
 * `ValueError("[Go to source](command:...)")` must not put a working command link there.
 */
import { lineText, type CellLines } from './notebook';
import type { EvaluationError, FailedOperand, SourceRange } from './results';

/**
 * For plain-text surfaces that still render links (notifications, progress, input boxes, the
 * output channel): `](` becomes `] (`, so no `[label](target)` link survives (VS Code's linked
 * text has no escapes), and `<command:...>`-style autolinks lose their angle brackets.
 */
export function withoutLinks(text: string): string {
  return text.replace(/\]\s*\(/g, '] (').replace(/<((?:command|https?|file|vscode)[^>]*)>/gi, '‹$1›');
}

/** For markdown surfaces (hovers, markdown tooltips): every markdown character taken literally. */
export function escapeMarkdown(text: string): string {
  return text.replace(/[\\`*_{}[\]()<>#!|~&]/g, (c) => `\\${c}`);
}

/** The file name a URI ends with (`mlp_jax.py`), for messages that name a place. */
export function fileNameOf(uri: string): string {
  const path = uri.replace(/[?#].*$/, '');
  const name = path.slice(path.lastIndexOf('/') + 1);
  try {
    return decodeURIComponent(name);
  } catch {
    return name;
  }
}

/** `file.py:4:12`, the place a user can go to; in a notebook (given its cells), `fit.ipynb cell 3, line 2, col 12`. */
export function formatLocation(uri: string, range: SourceRange, cells?: readonly CellLines[]): string {
  return cells ? `${fileNameOf(uri)} ${lineText(range.line, cells)}, col ${range.col}` : `${fileNameOf(uri)}:${range.line}:${range.col}`;
}

/**
 * A message worded as the CLI prints it: `PATH:LINE:COL: error: rest` (the path may hold spaces
 * and colons), or for a notebook `PATH cell 3, line 2, col 5: error: rest` (see notebook.ts).
 */
const LOCATED = /^(.*?)(?::\d+:\d+| cell \d+, line \d+, col \d+): (error|warning): /s;

/**
 * An evaluation error as one line for a notification or the panel: `mlp_jax.py:4:7: error: ...`,
 * the place named once (by file name), whether or not the host already wrote the full path in.
 */
export function errorText(error: EvaluationError): string {
  const located = LOCATED.exec(error.message);
  if (located) return `${fileNameOf(located[1]!)}${error.message.slice(located[1]!.length)}`;
  const where = error.range ? formatLocation(error.uri, error.range) : fileNameOf(error.uri);
  return `${where}: error: ${error.message}`;
}

/** The message without its `PATH:LINE:COL: error: ` prefix, for a surface that shows the place itself (a diagnostic). */
export function messageOnly(message: string): string {
  const located = LOCATED.exec(message);
  return located ? message.slice(located[0].length) : message;
}

/** The longest operand text shown whole; a longer expression is cut with an ellipsis. */
const OPERAND_TEXT = 40;

/** The operands of the op an error came from, as a line under its message: `h is f32[2,3], w is f32[4]`. */
export function operandsText(operands: readonly FailedOperand[]): string {
  return operands
    .map((o) => {
      const text = o.text?.replace(/\s+/g, ' ');
      const shown = text && text.length > OPERAND_TEXT ? `${text.slice(0, OPERAND_TEXT - 1)}…` : text;
      return shown ? `${shown} is ${o.type}` : o.type;
    })
    .join(', ');
}
