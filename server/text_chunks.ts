/**
 * A document's text kept in chunks of a few KB, edited a chunk at a time. A keystroke in a 176 KB
 * file copied all of it (vscode-languageserver-textdocument joins the text around the change and
 * reads a character of the result, which flattens it): V8 puts a string over 128 KB in its
 * large-object space, an allocation of its own that costs milliseconds on a loaded machine. Here a
 * keystroke copies its chunk, and the piecewise analysis reads only the part it re-cuts.
 */
import { TextDocumentContentChangeEvent, type TextDocumentsConfiguration } from 'vscode-languageserver';
import type { Position, Range, TextDocument } from 'vscode-languageserver-textdocument';

/** A text read a part at a time (a string is one): the piecewise analysis reads what an edit touched, never all of it. */
export interface SourceText {
  readonly length: number;
  slice(from: number, to: number): string;
}

/** The whole of a text, as one string (a copy of all of it, made once for a TextChunks). */
export function wholeText(text: SourceText): string {
  return text.slice(0, text.length);
}

/** Chunks are cut this long, and one grown past twice this by edits is cut again: well under V8's 128 KB for a young-generation string. */
const CHUNK = 8192;

const LF = 10;
const CR = 13;

function isEol(c: number): boolean {
  return c === LF || c === CR;
}

/** A text as chunks; it never changes: an edit makes another, which shares the chunks it left alone. */
export class TextChunks implements SourceText {
  /** The whole text, once asked for or when it was made from one. */
  private flat: string | undefined;

  private constructor(private readonly parts: readonly string[], private readonly starts: readonly number[], readonly length: number) {}

  static of(text: string): TextChunks {
    const parts: string[] = [];
    for (let at = 0; at < text.length; at += CHUNK) parts.push(text.slice(at, at + CHUNK));
    const chunks = TextChunks.fromParts(parts);
    chunks.flat = text;
    return chunks;
  }

  private static fromParts(parts: readonly string[]): TextChunks {
    const starts: number[] = [];
    let length = 0;
    for (const part of parts) {
      starts.push(length);
      length += part.length;
    }
    return new TextChunks(parts, starts, length);
  }

  /** The index of the chunk holding `offset` (the last chunk for the text's end). */
  private chunkAt(offset: number): number {
    let low = 0;
    let high = this.starts.length - 1;
    while (low < high) {
      const mid = (low + high + 1) >> 1;
      if (this.starts[mid] <= offset) low = mid;
      else high = mid - 1;
    }
    return low;
  }

  slice(from: number, to: number): string {
    from = Math.max(0, Math.min(from, this.length));
    to = Math.max(from, Math.min(to, this.length));
    if (from === 0 && to === this.length) return (this.flat ??= this.parts.join(''));
    if (this.flat !== undefined) return this.flat.slice(from, to);
    if (from === to) return '';
    const first = this.chunkAt(from);
    const last = this.chunkAt(to - 1);
    if (first === last) return this.parts[first].slice(from - this.starts[first], to - this.starts[first]);
    let text = this.parts[first].slice(from - this.starts[first]);
    for (let i = first + 1; i < last; i++) text += this.parts[i];
    return text + this.parts[last].slice(0, to - this.starts[last]);
  }

  /** The UTF-16 code unit at `offset`, NaN outside the text (as String's charCodeAt). */
  charCodeAt(offset: number): number {
    if (offset < 0 || offset >= this.length) return NaN;
    if (this.flat !== undefined) return this.flat.charCodeAt(offset);
    const i = this.chunkAt(offset);
    return this.parts[i].charCodeAt(offset - this.starts[i]);
  }

  /** This text with [from, to) replaced by `text`: only the chunks the range touches are copied. */
  replaced(from: number, to: number, text: string): TextChunks {
    if (this.parts.length === 0) return TextChunks.of(text);
    const first = this.chunkAt(from);
    const last = this.chunkAt(to);
    const joined = this.parts[first].slice(0, from - this.starts[first]) + text + this.parts[last].slice(to - this.starts[last]);
    const middle: string[] = [];
    if (joined.length <= 2 * CHUNK) {
      if (joined.length > 0) middle.push(joined);
    } else {
      for (let at = 0; at < joined.length; at += CHUNK) middle.push(joined.slice(at, at + CHUNK));
    }
    return TextChunks.fromParts([...this.parts.slice(0, first), ...middle, ...this.parts.slice(last + 1)]);
  }
}

/** The offsets where the lines of `text` after its first start, `offset` added (as vscode-languageserver-textdocument counts them). */
function lineOffsets(text: string, atLineStart: boolean, offset = 0): number[] {
  const offsets = atLineStart ? [offset] : [];
  for (let i = 0; i < text.length; i++) {
    const c = text.charCodeAt(i);
    if (!isEol(c)) continue;
    if (c === CR && i + 1 < text.length && text.charCodeAt(i + 1) === LF) i++;
    offsets.push(offset + i + 1);
  }
  return offsets;
}

function wellFormed(range: Range): Range {
  const { start, end } = range;
  return start.line > end.line || (start.line === end.line && start.character > end.character) ? { start: end, end: start } : range;
}

/**
 * An open document as vscode-languageserver-textdocument's TextDocument keeps it (the same
 * positions, offsets and line counting, its line offsets updated by each change the same way),
 * its text in TextChunks.
 */
export class ChunkedDocument implements TextDocument {
  private chunks: TextChunks;
  private offsets: number[] | undefined;

  constructor(readonly uri: string, readonly languageId: string, private current: number, content: string) {
    this.chunks = TextChunks.of(content);
  }

  get version(): number {
    return this.current;
  }

  /** The text as it is now, read a part at a time; an edit leaves it as it was and makes another. */
  get text(): TextChunks {
    return this.chunks;
  }

  getText(range?: Range): string {
    if (!range) return wholeText(this.chunks);
    const [start, end] = [this.offsetAt(range.start), this.offsetAt(range.end)];
    // NB: a range whose end comes first reads as its reverse, as String's substring (and the library's getText) read it.
    return this.chunks.slice(Math.min(start, end), Math.max(start, end));
  }

  update(changes: readonly TextDocumentContentChangeEvent[], version: number): void {
    for (const change of changes) {
      if (!TextDocumentContentChangeEvent.isIncremental(change)) {
        this.chunks = TextChunks.of(change.text);
        this.offsets = undefined;
        continue;
      }
      const range = wellFormed(change.range);
      const start = this.offsetAt(range.start);
      const end = this.offsetAt(range.end);
      const text = (this.chunks = this.chunks.replaced(start, end, change.text));
      const insertedEnd = start + change.text.length;
      // A CRLF pair across an edit's boundary is not among the inserted text's line offsets: count them all again.
      if ((text.charCodeAt(start - 1) === CR && text.charCodeAt(start) === LF) || (text.charCodeAt(insertedEnd - 1) === CR && text.charCodeAt(insertedEnd) === LF)) {
        this.offsets = undefined;
        continue;
      }
      const offsets = this.lineOffsets();
      const startLine = Math.max(range.start.line, 0);
      const endLine = Math.max(range.end.line, 0);
      const added = lineOffsets(change.text, false, start);
      if (endLine - startLine === added.length) {
        for (let i = 0; i < added.length; i++) offsets[i + startLine + 1] = added[i];
      } else {
        this.offsets = [...offsets.slice(0, startLine + 1), ...added, ...offsets.slice(endLine + 1)];
      }
      const diff = change.text.length - (end - start);
      if (diff !== 0) {
        const shifted = this.offsets!;
        for (let i = startLine + 1 + added.length; i < shifted.length; i++) shifted[i] += diff;
      }
    }
    this.current = version;
  }

  private lineOffsets(): number[] {
    return (this.offsets ??= lineOffsets(wholeText(this.chunks), true));
  }

  positionAt(offset: number): Position {
    offset = Math.max(Math.min(offset, this.chunks.length), 0);
    const offsets = this.lineOffsets();
    let low = 0;
    let high = offsets.length;
    if (high === 0) return { line: 0, character: offset };
    while (low < high) {
      const mid = Math.floor((low + high) / 2);
      if (offsets[mid] > offset) high = mid;
      else low = mid + 1;
    }
    const line = low - 1;
    return { line, character: this.beforeEol(offset, offsets[line]) - offsets[line] };
  }

  offsetAt(position: Position): number {
    const offsets = this.lineOffsets();
    if (position.line >= offsets.length) return this.chunks.length;
    if (position.line < 0) return 0;
    const lineStart = offsets[position.line];
    if (position.character <= 0) return lineStart;
    const next = position.line + 1 < offsets.length ? offsets[position.line + 1] : this.chunks.length;
    return this.beforeEol(Math.min(lineStart + position.character, next), lineStart);
  }

  get lineCount(): number {
    return this.lineOffsets().length;
  }

  getLineRange(line: number): Range {
    const offsets = this.lineOffsets();
    if (line >= offsets.length) {
      const last = offsets.length - 1;
      return { start: { line: last, character: 0 }, end: { line: last, character: this.chunks.length - offsets[last] } };
    }
    if (line < 0) return { start: { line: 0, character: 0 }, end: { line: 0, character: 0 } };
    const next = line + 1 < offsets.length ? offsets[line + 1] : this.chunks.length;
    return { start: { line, character: 0 }, end: { line, character: this.beforeEol(next, offsets[line]) - offsets[line] } };
  }

  getEOLCharacters(line: number): string {
    const offsets = this.lineOffsets();
    if (line < 0 || line >= offsets.length) return '';
    const next = line + 1 < offsets.length ? offsets[line + 1] : this.chunks.length;
    return this.chunks.slice(this.beforeEol(next, offsets[line]), next);
  }

  private beforeEol(offset: number, lineStart: number): number {
    while (offset > lineStart && isEol(this.chunks.charCodeAt(offset - 1))) offset--;
    return offset;
  }
}

/** How TextDocuments makes and updates the server's documents. */
export const chunkedDocuments: TextDocumentsConfiguration<ChunkedDocument> = {
  create: (uri, languageId, version, content) => new ChunkedDocument(uri, languageId, version, content),
  update: (document, changes, version) => {
    document.update(changes, version);
    return document;
  },
};
