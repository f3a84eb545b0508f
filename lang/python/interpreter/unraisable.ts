/**
 * What CPython 3.11 writes to stderr for an exception it cannot raise (`PyErr_WriteUnraisable`'s
 * default hook): an error in a generator's `finally` while the generator is closed because nothing
 * references it any more, or a generator that yields again after GeneratorExit. The text is
 * `Exception ignored in: <repr>`, the traceback as the traceback module formats a frame (source
 * line stripped, carets under the failing expression where it does not span the line: `~` under
 * a binary operation's operands and a subscript's value, `^` under the operator and the index),
 * and `Type: message` with no chained exceptions. At the interpreter's shutdown CPython cannot
 * read source lines any more (linecache is gone): the frames come without them.
 */
import { parse } from '../syntax';
import type { Span } from '../syntax';

/** One frame of a traceback: the function's name (qualified or not) and where it was. */
export interface TracebackFrame {
  readonly name: string;
  readonly span: Span;
}

/** Past this many repeats of one frame (file, line, name), CPython says how many more there were. */
const RECURSIVE_CUTOFF = 3;

/** A code object's `co_name`: a qualified name's last part (`C.m` -> `m`, `f.<locals>.g` -> `g`). */
function codeName(qualname: string): string {
  return qualname.slice(qualname.lastIndexOf('.') + 1);
}

/** Where CPython's caret line puts `~` around `^` within the expression's text (traceback._extract_caret_anchors_from_line_segment). */
function caretAnchors(segment: string): { left: number; right: number } | null {
  const parsed = parse(segment);
  if (parsed.errors.length || parsed.module.body.length !== 1) return null;
  const stmt = parsed.module.body[0]!;
  if (stmt.kind !== 'ExprStmt') return null;
  const e = stmt.value;
  if (e.kind === 'BinOp') {
    const operator = segment.slice(e.left.span.to, e.right.span.from);
    const offset = operator.length - operator.trimStart().length;
    const left = e.left.span.to + offset;
    const right = left + 1 + (offset + 1 < operator.length && !/\s/.test(operator[offset + 1]!) ? 1 : 0);
    return { left, right };
  }
  if (e.kind === 'Subscript') return { left: e.value.span.to, right: e.index.span.to + 1 };
  return null;
}

/** One frame as `traceback.StackSummary.format_frame_summary` writes it; `line` null where the source is unreadable. */
function formatFrame(file: string, frame: TracebackFrame, line: string | null): string {
  const { span } = frame;
  let text = `  File "${file}", line ${span.line}, in ${codeName(frame.name)}\n`;
  const stripped = line?.trim() ?? '';
  if (!line || !stripped) return text;
  text += `    ${stripped}\n`;
  const indent = line.length - line.trimStart().length;
  const start = span.col - 1;
  let end = span.endCol - 1;
  let anchors: { left: number; right: number } | null = null;
  if (span.line === span.endLine) anchors = caretAnchors(line.slice(start, end));
  else end = indent + stripped.length;
  if (end - start < stripped.length || (anchors && anchors.right - anchors.left > 0)) {
    let carets = ' '.repeat(start - indent);
    if (anchors) carets += '~'.repeat(anchors.left) + '^'.repeat(anchors.right - anchors.left) + '~'.repeat(end - start - anchors.right);
    else carets += '^'.repeat(end - start);
    text += `    ${carets}\n`;
  }
  return text;
}

/** The frames (outermost first) as `Traceback (most recent call last):` and each frame, long repeats cut as CPython cuts them. */
export function formatTraceback(file: string, frames: readonly TracebackFrame[], sourceLine: ((line: number) => string) | null): string {
  if (frames.length === 0) return '';
  let text = 'Traceback (most recent call last):\n';
  let last: TracebackFrame | null = null;
  let count = 0;
  const repeated = () => {
    const more = count - RECURSIVE_CUTOFF;
    if (more > 0) text += `  [Previous line repeated ${more} more time${more > 1 ? 's' : ''}]\n`;
  };
  for (const frame of frames) {
    if (!last || last.span.line !== frame.span.line || last.name !== frame.name) {
      repeated();
      last = frame;
      count = 0;
    }
    count++;
    if (count > RECURSIVE_CUTOFF) continue;
    text += formatFrame(file, frame, sourceLine ? sourceLine(frame.span.line) : null);
  }
  repeated();
  return text;
}

/**
 * The whole report: `what` is the object's repr (`<generator object f at 0x...>`), `type` the
 * exception's name as the hook writes it (its module left out for builtins and `__main__`),
 * `message` its str.
 */
export function unraisableText(what: string, traceback: string, type: string, message: string): string {
  return `Exception ignored in: ${what}\n${traceback}${type}: ${message}\n`;
}
