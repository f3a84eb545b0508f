/**
 * The CodeLenses of one piece of a document (a top-level `def` and the code below it, up to the
 * next definition) from its tokens alone, without parsing it: a file just opened shows its lenses
 * before its parse (about 0.3 ms a piece, most of the time of an open) is done.
 *
 * A lens stands over a top-level function that is numeric by the analyzer's rule (analyze.ts,
 * `isNumeric`): its body holds an arithmetic operator on non-text operands, a unary minus, an
 * augmented arithmetic assignment, or a name an import binds to a supported module. The scan
 * decides that only where the tokens settle it: a use `jnp.` of such a name or an augmented
 * assignment in the body says yes; no operator and no such name anywhere in the definition says
 * no. Anything else (an operator that may be text's `'-' * 20`, a nested definition, a class, an
 * f-string's fields, a bracket or string left open) is left to the parse: `null`.
 */
import type { LensFunction } from './lenses';

/** Where the string literal whose quote is at `at` ends, or -1 when it is not closed. */
function stringEnd(text: string, at: number): number {
  const quote = text.charCodeAt(at);
  const triple = text.charCodeAt(at + 1) === quote && text.charCodeAt(at + 2) === quote;
  for (let i = triple ? at + 3 : at + 1; i < text.length; i++) {
    const c = text.charCodeAt(i);
    if (c === BACKSLASH) i++;
    else if (c === quote && (!triple || (text.charCodeAt(i + 1) === quote && text.charCodeAt(i + 2) === quote))) return triple ? i + 3 : i + 1;
    else if (!triple && (c === LF || c === CR)) return -1;
  }
  return -1;
}

const LF = 10;
const CR = 13;
const BACKSLASH = 92;
const QUOTE = 34;
const APOSTROPHE = 39;

function isNameStart(c: number): boolean {
  return (c >= 97 && c <= 122) || (c >= 65 && c <= 90) || c === 95 || c >= 128;
}

function isNameChar(c: number): boolean {
  return isNameStart(c) || (c >= 48 && c <= 57);
}

function isDigit(c: number): boolean {
  return c >= 48 && c <= 57;
}

/** The end of the number literal at `at` (its first character a digit, or a dot before one). */
function numberEnd(text: string, at: number): number {
  let i = at;
  const radix = text.charCodeAt(i) === 48 && /[xXoObB]/.test(text[i + 1] ?? '');
  if (radix) {
    for (i += 2; isNameChar(text.charCodeAt(i)); i++);
    return i;
  }
  while (isDigit(text.charCodeAt(i)) || text.charCodeAt(i) === 95 || text.charCodeAt(i) === 46) i++;
  const e = text.charCodeAt(i);
  if (e === 101 || e === 69) {
    let j = i + 1;
    if (text[j] === '+' || text[j] === '-') j++;
    if (isDigit(text.charCodeAt(j))) for (i = j; isDigit(text.charCodeAt(i)) || text.charCodeAt(i) === 95; i++);
  }
  if (text[i] === 'j' || text[i] === 'J') i++;
  return i;
}

const STRING_PREFIX = /^(?:[rRuUbBfF]|[fFbB][rR]|[rR][fFbB])$/;

/** What a token is to the scan. */
const enum T {
  Name,
  /** `def`, `class`, `async`. */
  Defining,
  Lambda,
  Literal,
  OpenParen,
  Open,
  Close,
  Dot,
  Colon,
  /** `@`: a decorator, or the matrix product. */
  At,
  /** One of the analyzer's ARITHMETIC operators. */
  Arithmetic,
  /** An augmented assignment with one of them. */
  Augmented,
  Other,
}

const EQUALS = 61;

/**
 * The operator at `at` and its length, as the tokenizer reads it where it matters here: the
 * arithmetic ones, bare and augmented, and what holds their characters (`->`, `...`); the
 * others a character at a time. Null for a character Python does not allow there.
 */
function operatorAt(text: string, at: number): [T, number] | null {
  const d = text.charCodeAt(at + 1);
  const e = text.charCodeAt(at + 2);
  switch (text.charCodeAt(at)) {
    case 42: // *
    case 47: // /
      if (d === text.charCodeAt(at)) return e === EQUALS ? [T.Augmented, 3] : [T.Arithmetic, 2];
      return d === EQUALS ? [T.Augmented, 2] : [T.Arithmetic, 1];
    case 45: // -
      if (d === 62) return [T.Other, 2];
      return d === EQUALS ? [T.Augmented, 2] : [T.Arithmetic, 1];
    case 43: // +
    case 37: // %
      return d === EQUALS ? [T.Augmented, 2] : [T.Arithmetic, 1];
    case 64: // @
      return d === EQUALS ? [T.Augmented, 2] : [T.At, 1];
    case 46: // .
      return d === 46 && e === 46 ? [T.Other, 3] : [T.Dot, 1];
    case 58: // :
      return d === EQUALS ? [T.Other, 2] : [T.Colon, 1];
    case 33: // !
      return d === EQUALS ? [T.Other, 2] : null;
    case 40: // (
      return [T.OpenParen, 1];
    case 91: // [
    case 123: // {
      return [T.Open, 1];
    case 41: // )
    case 93: // ]
    case 125: // }
      return [T.Close, 1];
    case EQUALS:
    case 60: // <
    case 62: // >
    case 38: // &
    case 124: // |
    case 94: // ^
    case 126: // ~
    case 44: // ,
    case 59: // ;
      return [T.Other, 1];
    default:
      return null;
  }
}

/** A name's kind: the words the scan reads, or any other name. */
function nameKind(text: string, from: number, to: number): T {
  const n = to - from;
  if (n === 3 && text.startsWith('def', from)) return T.Defining;
  if (n === 5 && (text.startsWith('class', from) || text.startsWith('async', from))) return T.Defining;
  if (n === 6 && text.startsWith('lambda', from)) return T.Lambda;
  return T.Name;
}

/**
 * Where the scan is in the piece: its decorators, the `def` line up to its colon, right after
 * the colon, the body, the top-level code after it.
 */
type Phase = 'decorators' | 'header' | 'colon' | 'body' | 'after';

/**
 * The function `piece` defines, evaluable (with lenses) or not, its name's range counted in lines
 * from the piece's first, or null where the tokens do not settle it. `modules`: the names the file's imports bind to
 * modules Gradlens supports.
 */
export function scanPieceLenses(piece: string, modules: readonly string[]): LensFunction[] | null {
  let phase: Phase = 'decorators';
  let depth = 0;
  let line = 0;
  let lineStart = 0;
  /** Before the first token of a logical line; `indented`: white space came first. */
  let atStart = true;
  let indented = false;
  let name: { text: string; line: number; character: number } | null = null;
  let numeric = false;
  let maybeNumeric = false;
  /** The token before was `def`, a dot, the function's name. */
  let afterDef = false;
  let afterDot = false;
  let named = false;
  /** The token before was a module's name not after a dot: a use of the module when a dot follows. */
  let moduleName = false;
  const n = piece.length;
  for (let i = 0; i < n; ) {
    const c = piece.charCodeAt(i);
    if (c === 32 || c === 9 || c === 12) {
      indented ||= atStart;
      i++;
      continue;
    }
    if (c === LF || c === CR || c === BACKSLASH) {
      // NB: a lone carriage return ends a line for Python, not for the editor's line numbers.
      const breakAt = c === BACKSLASH ? i + 1 : i;
      const crlf = piece.charCodeAt(breakAt) === CR && piece.charCodeAt(breakAt + 1) === LF;
      if (!crlf && piece.charCodeAt(breakAt) !== LF) return null;
      i = breakAt + (crlf ? 2 : 1);
      line++;
      lineStart = i;
      if (c !== BACKSLASH && depth === 0) {
        atStart = true;
        indented = false;
      }
      continue;
    }
    if (c === 35) {
      const eol = piece.indexOf('\n', i);
      i = eol < 0 ? n : piece.charCodeAt(eol - 1) === CR ? eol - 1 : eol;
      continue;
    }
    // A token: [i, end).
    let end: number;
    let kind: T;
    if (isNameStart(c)) {
      for (end = i + 1; end < n && isNameChar(piece.charCodeAt(end)); end++);
      const q = piece.charCodeAt(end);
      if ((q === QUOTE || q === APOSTROPHE) && end - i <= 2 && STRING_PREFIX.test(piece.slice(i, end))) {
        const closed = stringEnd(piece, end);
        if (closed < 0) return null;
        // An f-string's fields are expressions the analyzer reads: left to the parse.
        const brace = piece.indexOf('{', end);
        if (/[fF]/.test(piece.slice(i, end)) && brace >= 0 && brace < closed) return null;
        end = closed;
        kind = T.Literal;
      } else kind = nameKind(piece, i, end);
    } else if (c === QUOTE || c === APOSTROPHE) {
      end = stringEnd(piece, i);
      if (end < 0) return null;
      kind = T.Literal;
    } else if (isDigit(c) || (c === 46 && isDigit(piece.charCodeAt(i + 1)))) {
      end = numberEnd(piece, i);
      kind = T.Literal;
    } else {
      const op = operatorAt(piece, i);
      if (op === null) return null;
      end = i + op[1];
      kind = op[0];
    }
    if (kind === T.Literal && c !== 46 && !isDigit(c)) {
      for (let k = piece.indexOf('\n', i); k >= 0 && k < end; k = piece.indexOf('\n', k + 1)) {
        line++;
        lineStart = k + 1;
      }
    }
    const opensHeader = atStart && phase === 'decorators' && kind === T.Defining && piece.startsWith('def', i);
    if (atStart) {
      atStart = false;
      if (phase === 'decorators' && (indented || (kind !== T.At && !opensHeader))) return null;
      if (phase === 'colon' && !indented) return null;
      if (phase === 'colon') phase = 'body';
      else if (phase === 'body' && !indented) phase = 'after';
    } else if (phase === 'colon') {
      // A body on the `def` line.
      phase = 'body';
    }
    if (opensHeader) phase = 'header';
    // Methods, nested functions and async ones are left to the parse.
    else if (kind === T.Defining) return null;
    const inDefinition = phase === 'header' || phase === 'body';
    if (moduleName && kind === T.Dot) numeric = true;
    moduleName = false;
    if (named && kind !== T.OpenParen) return null;
    named = afterDef;
    if (named) {
      if (kind !== T.Name) return null;
      name = { text: piece.slice(i, end), line, character: i - lineStart };
    }
    switch (kind) {
      case T.OpenParen:
      case T.Open:
        depth++;
        break;
      case T.Close:
        if (--depth < 0) return null;
        break;
      case T.Name:
        if (inDefinition && modules.some((m) => m.length === end - i && piece.startsWith(m, i))) {
          maybeNumeric = true;
          moduleName = phase === 'body' && !afterDot;
        }
        break;
      case T.Arithmetic:
      case T.At:
        maybeNumeric ||= inDefinition;
        break;
      case T.Augmented:
        maybeNumeric ||= inDefinition;
        numeric ||= phase === 'body' && depth === 0;
        break;
      case T.Lambda:
        if (phase === 'header' && depth === 0) return null;
        break;
      case T.Colon:
        if (phase === 'header' && depth === 0) phase = 'colon';
        break;
    }
    afterDef = opensHeader;
    afterDot = kind === T.Dot;
    i = end;
  }
  if (depth !== 0 || name === null || (phase !== 'body' && phase !== 'after')) return null;
  if (!numeric && maybeNumeric) return null;
  const { text, line: at, character } = name;
  // NB: a definition without a lens is reported too: a name defined twice is numbered over all its definitions.
  return [{ qualname: text, evaluable: numeric, nameRange: { start: { line: at, character }, end: { line: at, character: character + text.length } } }];
}
