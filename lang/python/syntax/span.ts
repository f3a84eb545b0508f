/**
 * Source positions. Lines and columns are 1-based, as in compiler messages
 * (`file.py:12:8`); offsets are 0-based UTF-16 offsets into the source text, as
 * lezer and the editor use them. Consumers speaking LSP subtract 1.
 */
export interface Span {
  readonly from: number;
  readonly to: number;
  readonly line: number;
  readonly col: number;
  readonly endLine: number;
  readonly endCol: number;
}

/** Maps offsets of one text to lines and columns. */
export class LineMap {
  private readonly starts: number[] = [0];

  constructor(text: string) {
    for (let i = 0; i < text.length; i++) if (text.charCodeAt(i) === 10) this.starts.push(i + 1);
  }

  /** 1-based line and column of an offset. */
  position(offset: number): { line: number; col: number } {
    let lo = 0;
    let hi = this.starts.length - 1;
    while (lo < hi) {
      const mid = (lo + hi + 1) >> 1;
      if (this.starts[mid] <= offset) lo = mid;
      else hi = mid - 1;
    }
    return { line: lo + 1, col: offset - this.starts[lo] + 1 };
  }

  span(from: number, to: number): Span {
    const a = this.position(from);
    const b = this.position(to);
    return { from, to, line: a.line, col: a.col, endLine: b.line, endCol: b.col };
  }

  /** Offset where a 1-based line starts (the end of the text past the last line). */
  lineStart(line: number): number {
    return this.starts[Math.min(Math.max(line - 1, 0), this.starts.length - 1)];
  }

  get lineCount(): number {
    return this.starts.length;
  }
}

