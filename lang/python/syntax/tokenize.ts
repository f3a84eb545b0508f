/**
 * One linear, iterative pass over Python source as CPython's tokenizer reads it (strings, f-strings
 * as PEP 701 nests them, brackets, indentation, numbers, line continuations), for the errors that
 * pass finds and CPython reports in its words: unterminated strings, unmatched and unclosed
 * brackets, bad indentation, invalid characters and number endings, and the nesting limits
 * (CPython's MAXLEVEL of 200 brackets, MAXFSTRINGLEVEL of 150 f-strings, MAXINDENT of 100 blocks).
 * It also marks the logical lines the parser must not be given: nesting past those limits, or
 * expressions deep enough to overflow a recursive parse (the parse is refused there, at its place).
 */

export interface TokenProblem {
  readonly message: string;
  readonly from: number;
  readonly to: number;
  /**
   * 'tokenizer': CPython reports it over any parser error; 'parser': an error CPython's parser
   * finds (an indentation mistake seen from the tokens), which the first parse error before it beats.
   */
  readonly kind: 'tokenizer' | 'parser';
}

export interface Refusal {
  /** The logical line not given to the parser. */
  readonly from: number;
  readonly to: number;
}

/** A logical line deeper than MAX_NESTING: refused if the parser cannot take it. */
export interface DeepLine extends Refusal {
  /** Where the nesting passes MAX_NESTING. */
  readonly at: number;
}

/** A compound statement's header that does not end with ':' (`def f(x)`), for CPython's "expected ':'". */
export interface OpenHeader {
  /** Where its last token starts. */
  readonly lastToken: number;
  /** Where its last token ends. */
  readonly end: number;
  /** Where the next token after it starts. */
  readonly next: number;
}

export interface OpenBracket {
  readonly char: string;
  readonly from: number;
  /** 1-based line of the bracket. */
  readonly line: number;
}

export interface TokenScan {
  /** In source order. */
  readonly problems: readonly TokenProblem[];
  readonly refused: readonly Refusal[];
  readonly deep: readonly DeepLine[];
  readonly openHeaders: readonly OpenHeader[];
  /** Brackets still open at the end of the source, outermost first. */
  readonly unclosed: readonly OpenBracket[];
}

/** CPython's tokenizer limits (Parser/tokenizer.h). */
export const MAX_BRACKETS = 200;
export const MAX_FSTRINGS = 150;
export const MAX_INDENT = 100;
/**
 * Expression nesting the parser accepts (CPython's parser overflows its stack near 3,000): past it
 * a statement is refused with CPython's 'too complex' words, as the recursive passes over the
 * syntax tree (analysis, the interpreter) must stay within the JavaScript stack.
 */
export const MAX_NESTING = 1000;
/**
 * Where a logical line's estimated nesting (operators chained within one bracket level, summed
 * over the brackets around them) refuses it before parsing. The estimate counts every operator, so
 * it reads higher than the nesting the parser measures exactly against MAX_NESTING.
 */
const REFUSED_ESTIMATE = 3 * MAX_NESTING;

/** CPython stops at the first error; past this many, the rest of a broken file is not worth listing. */
const MAX_PROBLEMS = 100;

export const TOO_COMPLEX = `Python source too complex to parse: expressions nested more than ${MAX_NESTING} deep; split this statement into smaller ones`;

const COMPOUND: { readonly [keyword: string]: string } = {
  def: 'function definition',
  class: 'class definition',
  if: "'if' statement",
  elif: "'elif' statement",
  else: "'else' statement",
  for: "'for' statement",
  while: "'while' statement",
  with: "'with' statement",
  try: "'try' statement",
  except: "'except' statement",
  finally: "'finally' statement",
  async: 'function definition',
  match: "'match' statement",
  case: "'case' statement",
};

const STRING_PREFIX = /^(?:[rRuUbBfF]|[fFbB][rR]|[rR][fFbB])$/;
/** Keywords CPython lets follow a number without a space (`1if x else 2`). */
const AFTER_NUMBER = ['and', 'else', 'for', 'if', 'in', 'is', 'not', 'or'];
const OPERATOR_WORDS = new Set(['not', 'and', 'or', 'if', 'else', 'lambda', 'await', 'in', 'is']);
const ID_START = /[\p{ID_Start}_]/u;
const ID_CONTINUE = /[\p{ID_Continue}]/u;
const OPENERS = '([{';
const OPERATOR = /\*\*=?|\/\/=?|>>=?|<<=?|->|:=|[=!<>]=|[+\-*/%@&|^]=|[+\-*/%@&|^~<>=.,:;!]/y;
const SEPARATORS = new Set([',', ';', '=', ':', '->']);
const COMPARISONS = new Set(['==', '!=', '<=', '>=', ':=']);
const CLOSER_OF: { readonly [c: string]: string } = { ')': '(', ']': '[', '}': '{' };

type Frame =
  /** `extra`: brackets open inside it past MAX_BRACKETS, counted, not kept (a megabyte of '(' would be a megabyte of frames). */
  | { readonly kind: 'bracket'; readonly char: string; readonly from: number; readonly line: number; ops: number; extra: number }
  /** A replacement field `{...}` of an f-string: a bracket to the tokenizer. */
  | { readonly kind: 'field'; readonly char: '{'; readonly from: number; readonly line: number; ops: number; extra: number }
  | { readonly kind: 'fstring'; readonly from: number; readonly quote: string; readonly raw: boolean }
  /** The format spec after `:` in a replacement field, up to the field's `}`. */
  | { readonly kind: 'spec'; readonly from: number };

function isDigit(c: number): boolean {
  return c >= 48 && c <= 57;
}

function isAsciiIdStart(c: number): boolean {
  return (c >= 97 && c <= 122) || (c >= 65 && c <= 90) || c === 95;
}

function isAsciiIdContinue(c: number): boolean {
  return isAsciiIdStart(c) || isDigit(c);
}

function codePointName(ch: string): string {
  return `U+${ch.codePointAt(0)!.toString(16).toUpperCase().padStart(4, '0')}`;
}

/** `firstLine`: the file's line the source starts on (a piece of a file), for the lines messages name. */
export function tokenize(source: string, firstLine = 1): TokenScan {
  return new Tokenizer(source, firstLine).run();
}

class Tokenizer {
  private readonly problems: TokenProblem[] = [];
  private readonly refused: Refusal[] = [];
  private readonly deep: DeepLine[] = [];
  private readonly openHeaders: OpenHeader[] = [];
  private readonly stack: Frame[] = [];
  private brackets = 0;
  /** The estimated nesting where the reader is: the operators chained at each open bracket level, summed. */
  private depth = 0;
  private fstrings = 0;
  private line: number;
  private lineStart = 0;
  private pos = 0;
  private readonly indents = [0];
  private readonly altIndents = [0];
  /** The logical line being read: where it starts, its first word, whether its last token is ':'. */
  private logical = Tokenizer.newLogical();
  /** The block opener (a compound statement's header ending with ':') before the current line. */
  private opener: { keyword: string; line: number; endAt: number } | null = null;
  /** A problem already reported on the current logical line (one a line, as CPython stops at the first). */
  private lineProblem = false;

  constructor(private readonly src: string, firstLine: number) {
    this.line = firstLine;
  }

  private static newLogical() {
    return { from: -1, keyword: '', line: 0, colon: false, refuse: false, ops: 0, deepest: 0, deepAt: -1, lastToken: 0, lastEnd: 0, reading: false, extra: 0 };
  }

  run(): TokenScan {
    const src = this.src;
    this.atLineStart();
    while (this.pos < src.length) {
      const top = this.stack[this.stack.length - 1];
      if (top?.kind === 'fstring' || top?.kind === 'spec') this.literal(top);
      else this.code();
    }
    this.endOfSource();
    return {
      problems: this.problems.sort((a, b) => a.from - b.from),
      refused: this.refused,
      deep: this.deep,
      openHeaders: this.openHeaders,
      unclosed: this.stack.filter((f): f is Extract<Frame, { kind: 'bracket' | 'field' }> => f.kind === 'bracket' || f.kind === 'field').map((f) => ({ char: f.char, from: f.from, line: f.line })),
    };
  }

  private problem(kind: TokenProblem['kind'], message: string, from: number, to = from + 1): void {
    if (kind === 'tokenizer') {
      if (this.lineProblem || this.problems.length >= MAX_PROBLEMS) return;
      this.lineProblem = true;
    }
    this.problems.push({ message, from, to: Math.min(Math.max(to, from), this.src.length), kind });
  }

  private newline(at: number): void {
    this.line++;
    this.lineStart = at + 1;
  }

  /** At the start of a physical line outside brackets: its indentation against the block structure. */
  private atLineStart(): void {
    const src = this.src;
    for (;;) {
      let col = 0;
      let alt = 0;
      let i = this.pos;
      for (; i < src.length; i++) {
        const c = src.charCodeAt(i);
        if (c === 32) {
          col++;
          alt++;
        } else if (c === 9) {
          col = (Math.floor(col / 8) + 1) * 8;
          alt++;
        } else if (c === 12) {
          col = alt = 0;
        } else break;
      }
      const c = src.charCodeAt(i);
      // Blank and comment-only lines do not count for indentation.
      if (i < src.length && (c === 10 || c === 13 || c === 35)) {
        const eol = src.indexOf('\n', i);
        if (eol < 0) {
          this.pos = src.length;
          return;
        }
        this.pos = eol + 1;
        this.newline(eol);
        continue;
      }
      this.pos = i;
      if (i >= src.length) return;
      this.indentTo(col, alt, i);
      return;
    }
  }

  private indentTo(col: number, alt: number, at: number): void {
    const top = this.indents[this.indents.length - 1];
    const opener = this.opener;
    this.opener = null;
    if (col === top) {
      if (alt !== this.altIndents[this.altIndents.length - 1]) this.problem('tokenizer', 'inconsistent use of tabs and spaces in indentation', this.lineStart, at);
      else if (opener) this.problem('parser', `expected an indented block after ${COMPOUND[opener.keyword]} on line ${opener.line}`, at, this.wordEnd(at));
    } else if (col > top) {
      if (alt <= this.altIndents[this.altIndents.length - 1]) this.problem('tokenizer', 'inconsistent use of tabs and spaces in indentation', this.lineStart, at);
      else if (this.indents.length > MAX_INDENT) this.problem('tokenizer', 'too many levels of indentation', at, this.wordEnd(at));
      else {
        if (!opener) this.problem('parser', 'unexpected indent', at, this.wordEnd(at));
        this.indents.push(col);
        this.altIndents.push(alt);
      }
    } else {
      while (this.indents.length > 1 && col < this.indents[this.indents.length - 1]) {
        this.indents.pop();
        this.altIndents.pop();
      }
      if (col !== this.indents[this.indents.length - 1]) this.problem('tokenizer', 'unindent does not match any outer indentation level', at, this.wordEnd(at));
      else if (opener) this.problem('parser', `expected an indented block after ${COMPOUND[opener.keyword]} on line ${opener.line}`, at, this.wordEnd(at));
      else if (alt !== this.altIndents[this.altIndents.length - 1]) this.problem('tokenizer', 'inconsistent use of tabs and spaces in indentation', this.lineStart, at);
    }
  }

  /** The source's last line, as CPython counts them (a final line break ends a line, it does not start one). */
  private lastLine(): number {
    return this.src.endsWith('\n') ? this.line - 1 : this.line;
  }

  private wordEnd(at: number): number {
    let i = at;
    while (i < this.src.length && !/\s/.test(this.src[i])) i++;
    return Math.max(i, at + 1);
  }

  /** A token of the logical line: starts the line when it is the first. */
  private token(at: number, word = ''): void {
    const l = this.logical;
    if (l.from < 0) {
      l.from = at;
      l.keyword = word;
      l.line = this.line;
    }
    l.colon = false;
    l.lastToken = at;
    l.reading = true;
  }

  /** An operator in the expression being read: one level deeper, as far as the estimate goes. */
  private operator(at: number): void {
    const frame = this.innermostBracket();
    if (frame) frame.ops++;
    else this.logical.ops++;
    const depth = ++this.depth + this.brackets;
    if (depth > this.logical.deepest) {
      this.logical.deepest = depth;
      if (depth === MAX_NESTING + 1) this.logical.deepAt = at;
      if (depth === REFUSED_ESTIMATE + 1) {
        this.problem('tokenizer', TOO_COMPLEX, at);
        this.logical.refuse = true;
      }
    }
  }

  /** A separator (`,`, `=`, `:`, `;`) ends the chain of operators at its bracket level. */
  private separator(): void {
    const frame = this.innermostBracket();
    if (frame) {
      this.depth -= frame.ops;
      frame.ops = 0;
    } else {
      this.depth -= this.logical.ops;
      this.logical.ops = 0;
    }
  }

  private innermostBracket(): Extract<Frame, { kind: 'bracket' | 'field' }> | undefined {
    const top = this.stack[this.stack.length - 1];
    return top && (top.kind === 'bracket' || top.kind === 'field') ? top : undefined;
  }

  /** The end of a logical line (a newline outside brackets, or the end of the source). */
  private endLogical(at: number): void {
    const l = this.logical;
    if (l.from >= 0) {
      if (l.refuse) this.refused.push({ from: l.from, to: at });
      else if (l.deepAt >= 0) this.deep.push({ from: l.from, to: at, at: l.deepAt });
      this.opener = l.colon && COMPOUND[l.keyword] ? { keyword: l.keyword, line: l.line, endAt: at } : null;
      if (!l.colon && COMPOUND[l.keyword]) {
        const after = /\s*/y;
        after.lastIndex = at;
        after.exec(this.src);
        this.openHeaders.push({ lastToken: l.lastToken, end: l.lastEnd, next: after.lastIndex });
      }
    }
    this.logical = Tokenizer.newLogical();
    this.depth = 0;
    this.lineProblem = false;
  }

  private code(): void {
    this.codeToken();
    // The end of the token just read, when it was one (a header's end, for "expected ':'").
    if (this.logical.reading) {
      this.logical.lastEnd = this.pos;
      this.logical.reading = false;
    }
  }

  private codeToken(): void {
    const src = this.src;
    const at = this.pos;
    const c = src.charCodeAt(at);
    if (c === 32 || c === 9 || c === 12 || c === 13) {
      this.pos++;
      return;
    }
    if (c === 10) {
      this.pos++;
      this.newline(at);
      if (this.brackets === 0 && this.fstrings === 0) {
        this.endLogical(at);
        this.atLineStart();
      }
      return;
    }
    if (c === 35) {
      const eol = src.indexOf('\n', at);
      this.pos = eol < 0 ? src.length : eol;
      return;
    }
    if (c === 92) {
      const next = src.charCodeAt(at + 1);
      if (at + 1 >= src.length) {
        this.problem('tokenizer', 'unexpected EOF while parsing', at + 1);
        this.pos = src.length;
      } else if (next === 10 || (next === 13 && src.charCodeAt(at + 2) === 10)) {
        this.pos = at + (next === 13 ? 3 : 2);
        this.newline(this.pos - 1);
      } else {
        this.problem('tokenizer', 'unexpected character after line continuation character', at + 1);
        this.pos = at + 1;
      }
      return;
    }
    if (c === 34 || c === 39) {
      this.token(at);
      this.string(at, at, '');
      return;
    }
    if (isDigit(c) || (c === 46 && isDigit(src.charCodeAt(at + 1)))) {
      this.token(at);
      this.number(at);
      return;
    }
    if (isAsciiIdStart(c) || (c > 127 && ID_START.test(String.fromCodePoint(src.codePointAt(at)!)))) {
      const end = this.identifierEnd(at);
      const word = src.slice(at, end);
      const q = src.charCodeAt(end);
      if ((q === 34 || q === 39) && STRING_PREFIX.test(word)) {
        this.token(at);
        this.string(at, end, word);
        return;
      }
      this.token(at, word);
      if (OPERATOR_WORDS.has(word)) this.operator(at);
      this.pos = end;
      return;
    }
    if (OPENERS.includes(src[at])) {
      this.token(at);
      this.operator(at);
      this.open('bracket', src[at], at);
      this.pos++;
      return;
    }
    if (src[at] in CLOSER_OF) {
      this.token(at);
      this.close(src[at], at);
      this.pos++;
      return;
    }
    const top = this.stack[this.stack.length - 1];
    if (top?.kind === 'field' && src[at] === ':' ) {
      // The format spec of a replacement field: read as f-string text up to the field's '}'.
      this.pos++;
      this.stack.push({ kind: 'spec', from: at });
      return;
    }
    if (top?.kind === 'field' && src[at] === '!' && src[at + 1] !== '=') {
      this.pos++;
      return;
    }
    if (c > 127 || c < 32) {
      const ch = String.fromCodePoint(src.codePointAt(at)!);
      const printable = /[\p{L}\p{N}\p{P}\p{S}]/u.test(ch);
      this.token(at);
      this.problem('tokenizer', printable ? `invalid character '${ch}' (${codePointName(ch)})` : `invalid non-printable character ${codePointName(ch)}`, at, at + ch.length);
      this.pos = at + ch.length;
      return;
    }
    this.token(at);
    OPERATOR.lastIndex = at;
    const op = OPERATOR.exec(src)?.[0] ?? src[at];
    this.pos = at + op.length;
    if (SEPARATORS.has(op) || (op.length > 1 && op.endsWith('=') && !COMPARISONS.has(op))) this.separator();
    else if (op !== '!') this.operator(at);
    if (op === ':') this.logical.colon = true;
  }

  private identifierEnd(at: number): number {
    const src = this.src;
    let i = at;
    while (i < src.length) {
      const c = src.charCodeAt(i);
      if (isAsciiIdContinue(c)) i++;
      else if (c > 127) {
        const ch = String.fromCodePoint(src.codePointAt(i)!);
        if (!ID_CONTINUE.test(ch)) break;
        i += ch.length;
      } else break;
    }
    return i;
  }

  private open(kind: 'bracket' | 'field', char: string, at: number): void {
    this.brackets++;
    if (this.brackets > MAX_BRACKETS) {
      this.problem('tokenizer', 'too many nested parentheses', at);
      this.logical.refuse = true;
      if (kind === 'bracket') {
        const holder = this.innermostBracket() ?? this.logical;
        holder.extra++;
        return;
      }
    }
    this.stack.push({ kind, char: char as '{', from: at, line: this.line, ops: 0, extra: 0 });
  }

  private close(char: string, at: number): void {
    const holder = this.innermostBracket() ?? this.logical;
    if (holder.extra > 0) {
      holder.extra--;
      this.brackets--;
      return;
    }
    const frame = this.innermostBracket();
    if (!frame) {
      // A '}' that closes no bracket inside an f-string's field (or at top level).
      this.problem('tokenizer', `unmatched '${char}'`, at);
      return;
    }
    if (frame.char !== CLOSER_OF[char]) {
      const where = frame.line === this.line ? '' : ` on line ${frame.line}`;
      this.problem('tokenizer', `closing parenthesis '${char}' does not match opening parenthesis '${frame.char}'${where}`, at);
    }
    this.stack.pop();
    this.depth -= frame.ops;
    this.brackets--;
  }

  /** A string literal whose prefix starts at `start` and whose quotes start at `quoteAt`. */
  private string(start: number, quoteAt: number, prefix: string): void {
    const src = this.src;
    const q = src[quoteAt];
    const triple = src[quoteAt + 1] === q && src[quoteAt + 2] === q;
    const quote = triple ? q.repeat(3) : q;
    const raw = /[rR]/.test(prefix);
    if (/[fF]/.test(prefix)) {
      this.fstrings++;
      this.stack.push({ kind: 'fstring', from: start, quote, raw });
      this.pos = quoteAt + quote.length;
      if (this.fstrings === MAX_FSTRINGS + 1) {
        this.problem('tokenizer', 'too many nested f-strings', start);
        this.logical.refuse = true;
      }
      return;
    }
    let i = quoteAt + quote.length;
    for (;;) {
      if (i >= src.length) {
        const what = triple ? 'unterminated triple-quoted string literal' : 'unterminated string literal';
        this.problem('tokenizer', `${what} (detected at line ${this.lastLine()})`, start);
        this.pos = src.length;
        return;
      }
      const c = src.charCodeAt(i);
      if (c === 92) {
        if (src.charCodeAt(i + 1) === 10) this.newline(i + 1);
        i += 2;
      } else if (c === 10) {
        if (!triple) {
          this.problem('tokenizer', `unterminated string literal (detected at line ${this.line})`, start);
          this.pos = i;
          return;
        }
        this.newline(i);
        i++;
      } else if (src.startsWith(quote, i)) {
        this.pos = i + quote.length;
        return;
      } else i++;
    }
  }

  /** The text of an f-string, or of a format spec inside one, up to a field, its end or its quote. */
  private literal(frame: Extract<Frame, { kind: 'fstring' | 'spec' }>): void {
    const src = this.src;
    const fstring = this.enclosingFString();
    let i = this.pos;
    for (;;) {
      if (i >= src.length) {
        const what = fstring.quote.length === 3 ? 'unterminated triple-quoted f-string literal' : 'unterminated f-string literal';
        this.problem('tokenizer', `${what} (detected at line ${this.lastLine()})`, fstring.from);
        this.pos = src.length;
        this.unwindFString();
        return;
      }
      const c = src.charCodeAt(i);
      if (c === 92 && !fstring.raw) {
        if (src.charCodeAt(i + 1) === 10) this.newline(i + 1);
        i += 2;
        continue;
      }
      if (c === 10) {
        if (fstring.quote.length !== 3) {
          this.problem('tokenizer', `unterminated f-string literal (detected at line ${this.line})`, fstring.from);
          this.pos = i;
          this.unwindFString();
          return;
        }
        this.newline(i);
        i++;
        continue;
      }
      if (src.startsWith(fstring.quote, i)) {
        if (frame.kind === 'spec') this.problem('tokenizer', "f-string: expecting '}'", i);
        this.pos = i + fstring.quote.length;
        this.unwindFString();
        return;
      }
      if (c === 123) {
        if (frame.kind === 'fstring' && src.charCodeAt(i + 1) === 123) {
          i += 2;
          continue;
        }
        this.pos = i + 1;
        this.open('field', '{', i);
        return;
      }
      if (c === 125) {
        if (frame.kind === 'spec') {
          // The '}' that ends the field the spec belongs to.
          this.stack.pop();
          this.close('}', i);
          this.pos = i + 1;
          return;
        }
        if (src.charCodeAt(i + 1) === 125) {
          i += 2;
          continue;
        }
        this.problem('tokenizer', "f-string: single '}' is not allowed", i);
      }
      i++;
    }
  }

  private enclosingFString(): Extract<Frame, { kind: 'fstring' }> {
    for (let i = this.stack.length - 1; i >= 0; i--) {
      const f = this.stack[i];
      if (f.kind === 'fstring') return f;
    }
    throw new Error('no f-string open');
  }

  /** Closes the innermost f-string and what is open inside it. */
  private unwindFString(): void {
    for (;;) {
      const f = this.stack.pop();
      if (!f) return;
      if (f.kind === 'bracket' || f.kind === 'field') {
        this.brackets -= 1 + f.extra;
        this.depth -= f.ops;
      }
      if (f.kind === 'fstring') {
        this.fstrings--;
        return;
      }
    }
  }

  private number(at: number): void {
    const src = this.src;
    let i = at;
    let kind = 'decimal';
    const m = /^0[xX][0-9a-fA-F_]*|^0[oO][0-7_]*|^0[bB][01_]*/.exec(src.slice(at, at + 64));
    if (m && m[0].length > 2) {
      kind = /[xX]/.test(m[0][1]) ? 'hexadecimal' : /[oO]/.test(m[0][1]) ? 'octal' : 'binary';
      i = at + m[0].length;
      while (i < src.length && (isAsciiIdContinue(src.charCodeAt(i)) && (kind === 'hexadecimal' ? /[0-9a-fA-F_]/ : kind === 'octal' ? /[0-7_]/ : /[01_]/).test(src[i]))) i++;
    } else {
      while (i < src.length && (isDigit(src.charCodeAt(i)) || src[i] === '_')) i++;
      if (src[i] === '.') {
        i++;
        while (i < src.length && (isDigit(src.charCodeAt(i)) || src[i] === '_')) i++;
      }
      if ((src[i] === 'e' || src[i] === 'E') && (isDigit(src.charCodeAt(i + 1)) || (/[+-]/.test(src[i + 1] ?? '') && isDigit(src.charCodeAt(i + 2))))) {
        i += 2;
        while (i < src.length && (isDigit(src.charCodeAt(i)) || src[i] === '_')) i++;
      }
      if (src[i] === 'j' || src[i] === 'J') i++;
    }
    this.pos = i;
    const c = src.charCodeAt(i);
    const startsName = isAsciiIdStart(c) || (c > 127 && ID_START.test(String.fromCodePoint(src.codePointAt(i)!)));
    if (!startsName) return;
    const word = src.slice(i, this.identifierEnd(i));
    if (AFTER_NUMBER.some((k) => word.startsWith(k))) return;
    this.problem('tokenizer', `invalid ${kind} literal`, at, i);
    this.pos = this.identifierEnd(i);
  }

  private endOfSource(): void {
    const end = this.src.length;
    // Strings and f-strings left open were reported where they stopped; what stays open are brackets.
    if (this.brackets === 0 && this.opener === null) {
      const l = this.logical;
      if (l.from >= 0 && l.colon && COMPOUND[l.keyword]) this.problem('parser', `expected an indented block after ${COMPOUND[l.keyword]} on line ${l.line}`, end, end);
    } else if (this.brackets === 0 && this.opener) {
      this.problem('parser', `expected an indented block after ${COMPOUND[this.opener.keyword]} on line ${this.opener.line}`, this.opener.endAt, this.opener.endAt);
    }
    this.endLogical(end);
  }
}
