/**
 * Parsing a document as it is edited: the text is cut at its top-level definitions, each piece is
 * parsed once and kept, and a keystroke re-parses only the piece it is in; the others are reused,
 * their spans moved to where they now start, so that the analyzer sees one module as if the file
 * had been parsed whole.
 */
import { Tree } from '@lezer/common';
import { LineMap, parse, type ParseResult, type Span } from '../lang/python';
import { wholeText, type SourceText } from './text_chunks';

const NEWLINE = 10;
const BACKSLASH = 92;
const HASH = 35;

/** Whether a line starting at `at` opens a top-level definition: `def`, `class` or `async` as a word, or `@`. */
function definitionAt(text: string, at: number): 'decorator' | 'definition' | null {
  if (text.charCodeAt(at) === 64) return 'decorator';
  for (const keyword of ['def', 'class', 'async']) {
    if (text.startsWith(keyword, at) && !/[\w]/.test(text[at + keyword.length] ?? '')) return 'definition';
  }
  return null;
}

/** The end (exclusive) of the string literal whose quotes start at `at`, or of its line when it is not closed. */
function stringEnd(text: string, at: number): number {
  const quote = text.charCodeAt(at);
  if (text.charCodeAt(at + 1) === quote && text.charCodeAt(at + 2) === quote) {
    const closing = text.slice(at, at + 3);
    for (let from = at + 3; ; ) {
      const end = text.indexOf(closing, from);
      if (end < 0) return text.length;
      let escapes = 0;
      while (text.charCodeAt(end - 1 - escapes) === BACKSLASH) escapes++;
      if (escapes % 2 === 0) return end + 3;
      from = end + 1;
    }
  }
  for (let i = at + 1; i < text.length; i++) {
    const c = text.charCodeAt(i);
    if (c === BACKSLASH) i++;
    else if (c === quote) return i + 1;
    else if (c === NEWLINE) return i;
  }
  return text.length;
}

/**
 * Offsets of the lines where a top-level definition starts, outside strings and brackets, a
 * decorated definition starting at its first decorator.
 */
export function definitionStarts(text: string): number[] {
  return scanStarts(text, 0, () => false).starts;
}

/**
 * The definition starts of `text` from `from` on: one pass that jumps from one character that
 * matters (quote, comment, bracket, newline, backslash) to the next, as Python's tokenizer would
 * see them (a single-quoted string ends at its line's end). `from` must be 0 or a definition
 * start (no bracket or string open there, no decorator above). The scan stops after the first
 * start that `resync` accepts (then `stopped`).
 */
function scanStarts(text: string, from: number, resync: (at: number) => boolean): { starts: number[]; stopped: boolean } {
  const starts: number[] = [];
  let depth = 0;
  let decorated = false;
  let stopped = false;
  const lineAt = (at: number) => {
    if (depth !== 0 || at >= text.length || (at > 1 && text.charCodeAt(at - 2) === BACKSLASH)) return;
    const head = definitionAt(text, at);
    if (head) {
      if (!decorated) {
        starts.push(at);
        stopped = resync(at);
      }
      decorated = head === 'decorator';
    } else if (!/[\s#]/.test(text[at])) {
      decorated = false;
    }
  };
  lineAt(from);
  const special = /["'#()[\]{}\n\\]/g;
  special.lastIndex = from;
  for (let m = special.exec(text); m && !stopped; m = special.exec(text)) {
    const i = m.index;
    const c = text.charCodeAt(i);
    if (c === NEWLINE) lineAt(i + 1);
    else if (c === HASH) {
      const eol = text.indexOf('\n', i);
      special.lastIndex = eol < 0 ? text.length : eol;
    } else if (c === 34 || c === 39) special.lastIndex = stringEnd(text, i);
    else if (c === BACKSLASH) special.lastIndex = i + 2;
    else if (c === 40 || c === 91 || c === 123) depth++;
    else if (depth > 0) depth--;
  }
  return { starts, stopped };
}

/** How much of the text after a definition start the scan after an edit reads first: more than most definitions. */
const WINDOW = 4096;

/**
 * scanStarts over `text` from `from`, reading a window of it that grows until the scan stops
 * within it or the window reaches the text's end: a scan cut short by the window's end (a string,
 * a comment or a keyword running past it) reaches that end without stopping, so the window grows.
 */
function scanWindowed(text: SourceText, from: number, resync: (at: number) => boolean): number[] {
  // NB: from two characters before `from`: a line start looks back for a line continuation.
  const base = Math.max(0, from - 2);
  for (let size = WINDOW; ; size *= 4) {
    const end = Math.min(text.length, from + size);
    const { starts, stopped } = scanStarts(text.slice(base, end), from - base, (at) => resync(at + base));
    if (stopped || end === text.length) return starts.map((at) => at + base);
  }
}

/** What an edit left alone: the text's first `prefix` characters and its last `suffix` ones are those of the text before. */
export interface Unchanged {
  readonly prefix: number;
  readonly suffix: number;
}

const BLOCK = 4096;

/** How many characters two texts share at their start, compared a block at a time (natively) and then one by one. */
function commonPrefix(a: string, b: string): number {
  const n = Math.min(a.length, b.length);
  let i = 0;
  while (i + BLOCK <= n && a.slice(i, i + BLOCK) === b.slice(i, i + BLOCK)) i += BLOCK;
  while (i < n && a.charCodeAt(i) === b.charCodeAt(i)) i++;
  return i;
}

/** How many characters two texts share at their end, at most `limit`. */
function commonSuffix(a: string, b: string, limit: number): number {
  let i = 0;
  while (i + BLOCK <= limit && a.slice(a.length - i - BLOCK, a.length - i) === b.slice(b.length - i - BLOCK, b.length - i)) i += BLOCK;
  while (i < limit && a.charCodeAt(a.length - 1 - i) === b.charCodeAt(b.length - 1 - i)) i++;
  return i;
}

/**
 * `definitionStarts(text)`, from those of an earlier version of the text: what the edit left
 * alone at the start keeps its starts; the scan resumes at the last start before the edit and
 * stops at the first start past it that was one before (from there on, the scan would repeat the
 * earlier one), so a keystroke scans about one definition instead of the file. `edited`, where
 * the caller knows it (the editor's change ranges), says what the edits left alone, and then only
 * the part of `text` scanned is read; else the two texts are compared, which reads all of both.
 */
export function definitionStartsAfterEdit(before: SourceText, startsBefore: readonly number[], text: SourceText, edited?: Unchanged): { starts: number[]; unchanged: Unchanged } {
  const shorter = Math.min(before.length, text.length);
  const prefix = edited ? Math.min(edited.prefix, shorter) : commonPrefix(wholeText(before), wholeText(text));
  const suffix = edited ? Math.min(edited.suffix, shorter - prefix) : commonSuffix(wholeText(before), wholeText(text), shorter - prefix);
  const shift = text.length - before.length;
  // NB: the scanner's state at a start is always the same (nothing open, no decorator pending), and the text before it is unchanged.
  let kept = 0;
  while (kept < startsBefore.length && startsBefore[kept] <= prefix) kept++;
  const from = kept > 0 ? startsBefore[kept - 1] : 0;
  const oldStarts = new Set(startsBefore);
  // A start whose line and the two characters before it (a line continuation) lie in the unchanged end.
  const resync = (at: number) => at - 2 >= text.length - suffix && oldStarts.has(at - shift);
  const scanned = scanWindowed(text, from, resync);
  const last = scanned[scanned.length - 1];
  const rest = last !== undefined && resync(last) ? startsBefore.filter((s) => s > last - shift).map((s) => s + shift) : [];
  return { starts: [...startsBefore.slice(0, Math.max(kept - 1, 0)), ...scanned, ...rest], unchanged: { prefix, suffix } };
}

/** A deep copy of a parsed piece with every span moved by `offset` characters and `lines` lines. */
function moved<T>(value: T, offset: number, lines: number): T {
  if (Array.isArray(value)) return value.map((v) => moved(v, offset, lines)) as T;
  if (value === null || typeof value !== 'object') return value;
  if (isSpan(value)) return { from: value.from + offset, to: value.to + offset, line: value.line + lines, col: value.col, endLine: value.endLine + lines, endCol: value.endCol } as T;
  const copy: Record<string, unknown> = {};
  for (const [k, v] of Object.entries(value)) copy[k] = moved(v, offset, lines);
  return copy as T;
}

function isSpan(v: object): v is Span {
  return 'from' in v && 'to' in v && 'line' in v && 'endCol' in v && typeof (v as Span).from === 'number';
}

/** A parse of a text's parts, in order, as one parse of the whole text: each part's spans moved to where it stands. */
export function joinParses(text: string, parts: readonly { readonly parsed: ParseResult; readonly from: number; readonly line: number }[]): ParseResult {
  const lines = new LineMap(text);
  const body: ParseResult['module']['body'][number][] = [];
  const errors: ParseResult['errors'][number][] = [];
  let brokenDefinitions: ParseResult['brokenDefinitions'] = [];
  for (const { parsed, from, line } of parts) {
    const shift = <T>(v: T): T => (from === 0 && line === 1 ? v : moved(v, from, line - 1));
    body.push(...shift(parsed.module.body));
    errors.push(...shift(parsed.errors));
    brokenDefinitions = brokenDefinitions && parsed.brokenDefinitions && [...brokenDefinitions, ...shift(parsed.brokenDefinitions)];
  }
  // NB: the parts' lezer trees are not one tree; nothing past parsing reads `tree`.
  return { source: text, module: { kind: 'Module', body, span: lines.span(0, text.length) }, errors, brokenDefinitions, lines, tree: Tree.empty };
}

/** Parses a whole document, re-parsing only the pieces (cut at top-level definitions) whose text changed. */
export class ChunkedParser {
  private pieces = new Map<string, { readonly parsed: ParseResult; readonly line: number }>();

  parse(text: string): ParseResult {
    const lines = new LineMap(text);
    const bounds = [0, ...definitionStarts(text).filter((s) => s > 0), text.length];
    const next = new Map<string, { readonly parsed: ParseResult; readonly line: number }>();
    const parts = [];
    for (let i = 0; i + 1 < bounds.length; i++) {
      const source = text.slice(bounds[i], bounds[i + 1]);
      const line = lines.position(bounds[i]).line;
      const known = next.get(source) ?? this.pieces.get(source);
      // NB: a syntax error's message names lines of the file ('after 'if' statement on line 13'): a broken piece that moved is parsed again.
      const piece = known && (known.parsed.errors.length === 0 || known.line === line) ? known : { parsed: parse(source, line), line };
      next.set(source, piece);
      parts.push({ parsed: piece.parsed, from: bounds[i], line });
    }
    this.pieces = next;
    return joinParses(text, parts);
  }
}
