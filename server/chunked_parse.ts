/**
 * Parsing a document as it is edited: the text is cut at its top-level definitions, each piece is
 * parsed once and kept, and a keystroke re-parses only the piece it is in; the others are reused,
 * moved to where they now start. The analyzer then sees one module as if the file had been parsed
 * whole.
 */
import { Tree } from '@lezer/common';
import { LineMap, parse, type ParseResult, type Span } from '../lang/python';

interface Piece {
  readonly from: number;
  readonly line: number;
  readonly parsed: ParseResult;
}

/** A top-level definition's first line: where the file can be cut without changing its meaning. */
const DEFINITION = /^(?:def|class|async)\b|^@/;

/**
 * Offsets of the lines where a top-level definition starts, outside strings and brackets, a
 * decorated definition starting at its first decorator.
 */
export function definitionStarts(text: string): number[] {
  const starts: number[] = [];
  let depth = 0;
  let quote: string | null = null;
  let decorated = false;
  let lineStart = true;
  for (let i = 0; i < text.length; i++) {
    const c = text[i];
    if (lineStart && quote === null && depth === 0 && i > 0 && text[i - 2] !== '\\') {
      const head = DEFINITION.exec(text.slice(i, i + 6));
      if (head) {
        if (!decorated) starts.push(i);
        decorated = head[0] === '@';
      } else if (c !== '\n' && c !== ' ' && c !== '\t' && c !== '\r' && c !== '#') {
        decorated = false;
      }
    }
    lineStart = c === '\n';
    if (quote !== null) {
      if (c === '\\') i++;
      else if (text.startsWith(quote, i)) {
        i += quote.length - 1;
        quote = null;
      } else if (c === '\n' && quote.length === 1) {
        quote = null;
        lineStart = true;
      }
      continue;
    }
    if (c === '#') {
      const eol = text.indexOf('\n', i);
      i = (eol < 0 ? text.length : eol) - 1;
    } else if (c === '"' || c === "'") {
      quote = text.startsWith(c.repeat(3), i) ? c.repeat(3) : c;
      i += quote.length - 1;
    } else if (c === '(' || c === '[' || c === '{') depth++;
    else if ((c === ')' || c === ']' || c === '}') && depth > 0) depth--;
  }
  return starts;
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

export class ChunkedParser {
  /** The pieces of the last parse, by their text. */
  private pieces = new Map<string, Piece>();

  parse(text: string): ParseResult {
    const lines = new LineMap(text);
    const bounds = [0, ...definitionStarts(text).filter((s) => s > 0), text.length];
    const next = new Map<string, Piece>();
    const body: ParseResult['module']['body'][number][] = [];
    const errors: ParseResult['errors'][number][] = [];
    for (let i = 0; i + 1 < bounds.length; i++) {
      const from = bounds[i];
      const source = text.slice(from, bounds[i + 1]);
      const line = lines.position(from).line;
      const piece = this.place(source, from, line);
      next.set(source, piece);
      body.push(...piece.parsed.module.body);
      errors.push(...piece.parsed.errors);
    }
    this.pieces = next;
    // NB: the pieces' lezer trees are not one tree; nothing past parsing reads `tree`.
    return { source: text, module: { kind: 'Module', body, span: lines.span(0, text.length) }, errors, lines, tree: Tree.empty };
  }

  /** The piece parsed at `from`: reused (moved if it moved) when its text was seen last time. */
  private place(source: string, from: number, line: number): Piece {
    const known = this.pieces.get(source);
    if (known && known.from === from && known.line === line) return known;
    if (known) return { from, line, parsed: { ...known.parsed, module: moved(known.parsed.module, from - known.from, line - known.line), errors: moved(known.parsed.errors, from - known.from, line - known.line) } };
    const own = parse(source);
    return { from, line, parsed: { ...own, module: moved(own.module, from, line - 1), errors: moved(own.errors, from, line - 1) } };
  }
}
