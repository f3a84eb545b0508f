/**
 * Python source -> the typed AST of ast.ts, through @lezer/python. The lezer
 * parse never throws and recovers from errors; error nodes become syntax
 * problems with their positions and `ErrorExpr`/`ErrorStmt` nodes in the tree,
 * so half-typed code still gives the analyzer everything around the mistake.
 */
import { parser } from '@lezer/python';
import type { SyntaxNode, Tree, TreeCursor } from '@lezer/common';
import type * as A from './ast';
import { LineMap, type Span } from './span';
import { emptyPatternHole, joinDottedMappingKeys, matchStatement, type PatternConverter } from './patterns';
import { decodeEscapes, decodeStringLiteral, literalShape } from './strings';
import { MAX_NESTING, tokenize, TOO_COMPLEX, type Refusal, type TokenProblem, type TokenScan } from './tokenize';

export interface SyntaxProblem {
  readonly message: string;
  readonly span: Span;
}

/** The class CPython raises for a syntax problem: the indentation's are IndentationError, mixed tabs TabError. */
export function syntaxErrorClass(problem: SyntaxProblem): 'SyntaxError' | 'IndentationError' | 'TabError' {
  if (problem.message.startsWith('inconsistent use of tabs and spaces')) return 'TabError';
  return /^(expected an indented block|unexpected indent|unindent does not match|too many levels of indentation)/.test(problem.message) ? 'IndentationError' : 'SyntaxError';
}

/** A top-level definition (with the code after it, up to the next one) that does not parse. */
export interface BrokenDefinition {
  /** Its lines, from its first to its last that is not blank or a comment. */
  readonly span: Span;
  readonly problem: SyntaxProblem;
}

export interface ParseResult {
  readonly source: string;
  readonly module: A.Module;
  /** In source order; empty when the file parsed cleanly. */
  readonly errors: readonly SyntaxProblem[];
  /**
   * The definitions the errors are confined to, one an error (a broken file is read a top-level
   * definition at a time); null where an error is in the top-level code before every definition.
   */
  readonly brokenDefinitions: readonly BrokenDefinition[] | null;
  readonly lines: LineMap;
  readonly tree: Tree;
}

/**
 * `firstLine`: the line of a larger file where `source` starts (the server parses a document by
 * its definitions), for the lines messages name; the spans are `source`'s own.
 */
export function parse(source: string, firstLine = 1): ParseResult {
  const lines = new LineMap(source);
  const whole = parsePiece(source, 0, lines, firstLine);
  const broken = whole.lezerProblems.length > 0 || whole.tokenProblems.length > 0;
  const starts = broken ? definitionStarts(whole.text, whole.tree, lines) : [];
  if (starts.length === 0) {
    const errors = chosenProblems(whole, lines);
    const brokenDefinitions = allDefinitions(errors.map((p) => definitionPiece(source, 0, source.length, p, lines)));
    return { source, module: { ...whole.module, span: lines.span(0, source.length) }, errors, brokenDefinitions, lines, tree: whole.tree };
  }
  // NB: lezer's recovery from an unclosed bracket or a half-typed `def f(x, y=`
  // swallows the definitions after it into the broken one. Parsing each top-level
  // definition on its own confines a mistake to the definition it is in.
  const bounds = [0, ...starts, source.length];
  const body: A.Stmt[] = [];
  const errors: SyntaxProblem[] = [];
  const brokenPieces: (BrokenDefinition | null)[] = [];
  for (let i = 0; i + 1 < bounds.length; i++) {
    const piece = parsePiece(source.slice(bounds[i], bounds[i + 1]), bounds[i], lines, firstLine);
    body.push(...piece.module.body);
    for (const problem of chosenProblems(piece, lines)) {
      errors.push(problem);
      brokenPieces.push(definitionPiece(source, bounds[i], bounds[i + 1], problem, lines));
    }
  }
  const module: A.Module = { kind: 'Module', body, span: lines.span(0, source.length) };
  return { source, module, errors, brokenDefinitions: allDefinitions(brokenPieces), lines, tree: whole.tree };
}

function allDefinitions(broken: readonly (BrokenDefinition | null)[]): readonly BrokenDefinition[] | null {
  return broken.every((b): b is BrokenDefinition => b !== null) ? broken : null;
}

/**
 * The piece [from, to) with its problem, where it is a definition: its first line that is not
 * blank or a comment starts a `def`, `class` or decorator; null for top-level code.
 */
function definitionPiece(source: string, from: number, to: number, problem: SyntaxProblem, lines: LineMap): BrokenDefinition | null {
  const text = source.slice(from, to);
  const first = /^(?:[ \t]*(?:#[^\n]*)?\r?\n)*/.exec(text)![0].length;
  if (!/^(?:def|class|async|@)\b/.test(text.slice(first))) return null;
  const trailing = /(?:\r?\n[ \t]*(?:#[^\n]*)?)*\s*$/.exec(text)!;
  return { span: lines.span(from + first, from + Math.max(first, trailing.index)), problem };
}

/** A piece of a file (the whole file, or one top-level definition) parsed as if it were a file. */
interface ParsedPiece {
  /** The piece's text as the parser read it: the logical lines it refused blanked out. */
  readonly text: string;
  readonly base: number;
  readonly tree: Tree;
  readonly module: A.Module;
  readonly scan: TokenScan;
  /** What the parse found (lezer's error nodes, malformed numbers, nesting past MAX_NESTING). */
  readonly lezerProblems: readonly SyntaxProblem[];
  /** Problems of the piece's tokens, with file offsets. */
  readonly tokenProblems: readonly (SyntaxProblem & { readonly kind: TokenProblem['kind'] })[];
}

function parsePiece(text: string, base: number, lines: LineMap, firstLine: number): ParsedPiece {
  // NB: messages name lines of the file (`after 'if' statement on line 13`), not of the piece.
  const scan = tokenize(text, lines.position(base).line + firstLine - 1);
  let refused: readonly Refusal[] = scan.refused;
  const extra: TokenProblem[] = [];
  let blanked = blankOut(text, refused);
  let tree: Tree;
  try {
    tree = parser.parse(blanked);
  } catch (e) {
    // lezer builds its tree recursively: a deep enough expression overflows the stack. The
    // tokenizer knows which logical lines nest past MAX_NESTING; without them the parse fits.
    if (!(e instanceof RangeError)) throw e;
    refused = [...refused, ...scan.deep].sort((a, b) => a.from - b.from);
    for (const d of scan.deep) extra.push({ message: TOO_COMPLEX, from: d.at, to: d.at + 1, kind: 'tokenizer' });
    blanked = blankOut(text, refused);
    try {
      tree = parser.parse(blanked);
    } catch (again) {
      if (!(again instanceof RangeError)) throw again;
      refused = [{ from: 0, to: text.length }];
      extra.push({ message: TOO_COMPLEX, from: 0, to: Math.min(1, text.length), kind: 'tokenizer' });
      blanked = blankOut(text, refused);
      tree = parser.parse(blanked);
    }
  }
  // NB: once a key is joined, the parse may see mapping patterns that the error before it hid.
  for (let joined = joinDottedMappingKeys(blanked, tree); joined !== blanked; joined = joinDottedMappingKeys(blanked, tree)) {
    blanked = joined;
    tree = parser.parse(blanked);
  }
  const c = new Converter(blanked, lines, base, { refused });
  const module = c.module(tree.topNode);
  const tokenProblems = [...scan.problems, ...extra].map((p) => ({ message: p.message, kind: p.kind, span: lines.span(base + p.from, base + p.to) }));
  return { text: blanked, base, tree, module, scan, lezerProblems: c.problems(tree.topNode), tokenProblems };
}

/**
 * The piece's logical lines that the parser must not read (nesting past CPython's limits) as
 * `...` and blanks: the statement is refused where it stands and the lines around it keep their
 * places and their block structure.
 */
function blankOut(text: string, refused: readonly Refusal[]): string {
  if (refused.length === 0) return text;
  let out = '';
  let at = 0;
  for (const r of refused) {
    if (r.from < at) continue;
    const blank = text.slice(r.from, r.to).replace(/[^\r\n]/g, ' ');
    out += text.slice(at, r.from) + '...'.slice(0, blank.length) + blank.slice(3);
    at = r.to;
  }
  return out + text.slice(at);
}

/**
 * The piece's syntax error as CPython chooses it: an error of the tokenizer anywhere beats the
 * parser's; an unclosed bracket beats a parse error on a later line ("'(' was never closed", at
 * the bracket); else the first parse error, in CPython's words where lezer's recovery can be
 * matched to them. One error a piece, as CPython stops at the first: what lezer finds after it is
 * its recovery's guess.
 */
function chosenProblems(piece: ParsedPiece, lines: LineMap): SyntaxProblem[] {
  const tokenizer = piece.tokenProblems.find((p) => p.kind === 'tokenizer');
  // The parser's first error: on a line, the tokenizer's indentation errors say more than lezer's recovery.
  const parserLevel = [...piece.lezerProblems, ...piece.tokenProblems.filter((p) => p.kind === 'parser')].sort(
    (a, b) => a.span.line - b.span.line || rank(b) - rank(a) || a.span.from - b.span.from,
  );
  const first = parserLevel[0];
  const chosen = (p: SyntaxProblem) => [{ message: p.message, span: p.span }];
  // The tokenizer's errors before the parser's come first; after it, CPython tokenizes the rest
  // of the source and reports what it finds there instead (but for an unexpected indent).
  if (tokenizer && (!first || tokenizer.span.from <= first.span.from || first.message !== 'unexpected indent')) return chosen(tokenizer);
  const innermost = piece.scan.unclosed[piece.scan.unclosed.length - 1];
  if (innermost && (!first || first.span.line > lines.position(piece.base + innermost.from).line)) {
    const at = piece.base + innermost.from;
    return [{ message: `'${innermost.char}' was never closed`, span: lines.span(at, at + 1) }];
  }
  if (!first) return [];
  if (first.message === 'invalid syntax') {
    const from = first.span.from - piece.base;
    const header = piece.scan.openHeaders.find((h) => from >= h.lastToken && from <= h.next);
    if (header) return [{ message: "expected ':'", span: lines.span(piece.base + header.end, piece.base + header.end) }];
  }
  return chosen(first);
}

/** Among problems at one place, the tokenizer's indentation errors say more than lezer's recovery. */
function rank(p: SyntaxProblem): number {
  return 'kind' in p ? 1 : 0;
}

/**
 * Offsets of the lines that start a top-level `def`, `class` or decorator (at
 * column 0, as a keyword token, not inside a string), after the first statement.
 */
function definitionStarts(source: string, tree: Tree, lines: LineMap): number[] {
  try {
    return definitionStartsIn(source, tree, lines);
  } catch (e) {
    // A tree lezer's recovery left with unknown node types (see Converter.problems): no pieces.
    if (e instanceof TypeError) return [];
    throw e;
  }
}

function definitionStartsIn(source: string, tree: Tree, lines: LineMap): number[] {
  const out: number[] = [];
  // A decorator's line starts the definition; the `def` under it does not start another.
  let decorated = false;
  for (let line = 2; line <= lines.lineCount; line++) {
    const at = lines.lineStart(line);
    const head = /^(?:def|class|async)\b|^@/.exec(source.slice(at, at + 6));
    if (!head) {
      if (!/^\s*(#.*)?$/.test(source.slice(at, lines.lineStart(line + 1)))) decorated = false;
      continue;
    }
    const token = tree.resolveInner(at, 1);
    if (token.from !== at || !['def', 'class', 'async', 'At', '@'].includes(token.name)) {
      decorated = false;
      continue;
    }
    if (!decorated) out.push(at);
    decorated = head[0] === '@';
  }
  return out;
}

/**
 * Parses `text` as the inside of a call's parentheses (`x=2.0, w=torch.randn(3)`),
 * for `# gradlens:` comments. `offset` is where `text` starts in the file whose
 * `lines` are given; the spans of the result point into that file.
 */
export function parseArguments(
  text: string,
  offset: number,
  lines: LineMap,
): { args: readonly A.Argument[]; errors: readonly SyntaxProblem[] } {
  const wrapped = `_(${text.replace(/[\r\n]/g, ' ')})\n`;
  const tree = parser.parse(wrapped);
  const c = new Converter(wrapped, lines, offset - 2, { unclosed: true });
  // Problems past the comment's text (the closing `)` added here) are placed at its end, once.
  const end = offset + text.length;
  const errors = c.problems(tree.topNode).map((p) => (p.span.to > end ? { ...p, span: lines.span(Math.min(p.span.from, end), end) } : p));
  for (let i = errors.length - 1; i > 0; i--) if (errors[i].span.from === errors[i - 1].span.from && errors[i].span.from === end) errors.splice(i, 1);
  const stmt = tree.topNode.getChild('ExpressionStatement');
  const call = stmt?.firstChild;
  const argList = call?.name === 'CallExpression' ? call.getChild('ArgList') : null;
  const extra = tree.topNode.getChildren('ExpressionStatement').length + tree.topNode.getChildren('AssignStatement').length;
  if (!argList || extra !== 1) {
    return { args: [], errors: errors.length ? errors : [{ message: 'invalid syntax', span: lines.span(offset, offset + text.length) }] };
  }
  return { args: c.arguments(argList), errors };
}

const CLOSERS: ReadonlyMap<string, string> = new Map([['(', ')'], ['[', ']'], ['{', '}']]);
const CLOSING = new Set(CLOSERS.values());

const COMPARE_OPS = new Set(['<', '<=', '>', '>=', '==', '!=', 'in', 'not in', 'is', 'is not', '<>']);

function kids(node: SyntaxNode): SyntaxNode[] {
  const out: SyntaxNode[] = [];
  for (let c = node.firstChild; c; c = c.nextSibling) if (c.name !== 'Comment') out.push(c);
  return out;
}

function isError(node: SyntaxNode): boolean {
  return node.type.isError;
}

/** `2.` parses in lezer as a member access with a missing name; Python reads a float. */
function isTrailingDotFloat(node: SyntaxNode, source: string, base: number): boolean {
  if (node.name !== 'MemberExpression') return false;
  const k = kids(node);
  return (
    k.length >= 2 &&
    k[0].name === 'Number' &&
    /^[0-9][0-9_]*$/.test(source.slice(k[0].from - base, k[0].to - base)) &&
    k[1].name === '.' &&
    k[1].from === k[0].to &&
    (k.length === 2 || (k.length === 3 && isError(k[2]) && k[2].from === k[2].to) ||
      (k.length === 3 && k[2].name === 'PropertyName' && k[2].from === k[1].to &&
        /^[eE][0-9][0-9_]*$/.test(source.slice(k[2].from - base, k[2].to - base))))
  );
}

/** A bare `yield` (no value): lezer's tree marks the missing value with an empty error node. */
function isBareYield(node: SyntaxNode): boolean {
  return node.from === node.to && node.prevSibling?.name === 'yield';
}

class Converter {
  constructor(
    private readonly text: string,
    private readonly lines: LineMap,
    /** Added to every lezer offset to get a file offset. */
    private readonly base: number,
    private readonly options: {
      /** Logical lines blanked out of the text: each is an ErrorStmt. */
      readonly refused?: readonly Refusal[];
      /** Report brackets lezer's tree leaves open (for text parsed alone, such as a `# gradlens:` comment). */
      readonly unclosed?: boolean;
    } = {},
  ) {
    for (const r of options.refused ?? []) this.refusedAt.set(r.from, r.to);
  }

  private readonly refusedAt = new Map<number, number>();
  /** How deep the conversion is in nested statements and expressions (MAX_NESTING at most). */
  private depth = 0;
  /** Ranges (lezer offsets) converted as errors for nesting too deep: lezer's errors inside are not reported. */
  private readonly tooDeep: { from: number; to: number }[] = [];

  /** A node nested past MAX_NESTING: one problem where the nesting passes the limit, and its subtree unread. */
  private refuseDeep(node: SyntaxNode): void {
    if (!this.tooDeep.some((r) => r.from <= node.from && node.to <= r.to)) {
      this.invalid.push({ message: TOO_COMPLEX, span: this.sp(node.from, Math.min(node.to, node.from + 1)) });
    }
    this.tooDeep.push({ from: node.from, to: node.to });
  }

  private sp(from: number | SyntaxNode, to?: number): Span {
    if (typeof from !== 'number') {
      // A lezer block ends after its last newline; the span ends with its last statement.
      let end = from.to;
      while (end > from.from && /\s/.test(this.text[end - 1])) end--;
      return this.lines.span(from.from + this.base, end + this.base);
    }
    return this.lines.span(from + this.base, (to ?? from) + this.base);
  }

  private src(node: SyntaxNode): string {
    return this.text.slice(node.from, node.to);
  }

  /** Problems found while converting (a malformed number), beside lezer's error nodes. */
  private readonly invalid: SyntaxProblem[] = [];

  problems(top: SyntaxNode): SyntaxProblem[] {
    const out: SyntaxProblem[] = [...this.invalid];
    const skipped = [...this.tooDeep, ...[...this.refusedAt].map(([from, to]) => ({ from, to }))];
    // NB: a cursor, reading names and offsets only: making a SyntaxNode of every node cost more than the parse's conversion.
    const cursor = top.cursor();
    try {
      this.read(cursor, skipped, out);
    } catch (e) {
      // NB: lezer's recovery from some broken files builds a tree whose buffer holds node types
      // it does not know (a cursor's type is undefined there): what was read before stands.
      if (!(e instanceof TypeError)) throw e;
      if (out.length === 0) out.push({ message: 'invalid syntax', span: this.sp(top.from, Math.min(top.to, top.from + 1)) });
    }
    // One problem per position: lezer often reports a recovery twice at one place.
    const seen = new Set<string>();
    return out
      .sort((a, b) => a.span.from - b.span.from)
      .filter((p) => {
        const key = `${p.span.from}:${p.span.to}`;
        if (seen.has(key)) return false;
        seen.add(key);
        return true;
      });
  }

  private read(cursor: TreeCursor, skipped: readonly { from: number; to: number }[], out: SyntaxProblem[]): void {
    for (let more = true; more; ) {
      const type = cursor.type;
      if (skipped.length > 0 && skipped.some((r) => r.from <= cursor.from && cursor.to <= r.to && cursor.from < cursor.to)) {
        // Not read: the subtree was refused. Move past it.
        more = cursor.next(false);
        continue;
      }
      if (type.name === 'PrintStatement') {
        out.push({ message: "Missing parentheses in call to 'print'. Did you mean print(...)?", span: this.sp(cursor.node) });
      }
      if (this.options.unclosed) this.unclosed(cursor, out);
      if (type.isError) {
        const node = cursor.node;
        const parent = node.parent;
        const inSubject = this.tupleSubjects.some((r) => r.from <= node.from && node.to <= r.to);
        if (!parent || !(isTrailingDotFloat(parent, this.text, 0) || isBareYield(node) || emptyPatternHole(node) || inSubject)) out.push({ message: 'invalid syntax', span: this.sp(node) });
      }
      more = cursor.next();
    }
  }

  /** `f(x, y=` : the bracket among the node's children that no later sibling closes, as Python reports it. The cursor ends where it started. */
  private unclosed(at: TreeCursor, out: SyntaxProblem[]): void {
    if (!at.firstChild()) return;
    let open: { name: string; from: number; to: number }[] | null = null;
    do {
      const name = at.name;
      if (CLOSERS.has(name)) (open ??= []).push({ name, from: at.from, to: at.to });
      else if (open && CLOSING.has(name)) open = open.filter((o) => CLOSERS.get(o.name) !== name);
    } while (at.nextSibling());
    at.parent();
    for (const o of open ?? []) out.push({ message: `'${o.name}' was never closed`, span: this.sp(o.from, o.to) });
  }

  module(top: SyntaxNode): A.Module {
    const body: A.Stmt[] = [];
    for (const node of kids(top)) {
      try {
        body.push(...this.statement(node));
      } catch (e) {
        // NB: lezer's recovery makes trees of any shape; one the conversion does not expect is
        // invalid syntax at its statement, never a failure of the whole file.
        if (!(e instanceof TypeError)) throw e;
        this.depth = 0;
        this.invalid.push({ message: 'invalid syntax', span: this.sp(node.from, Math.min(node.to, node.from + 1)) });
        body.push({ kind: 'ErrorStmt', span: this.sp(node) });
      }
    }
    return { kind: 'Module', body, span: this.sp(top) };
  }

  // ------------------------------------------------------------ statements

  private statements(nodes: SyntaxNode[]): A.Stmt[] {
    const out: A.Stmt[] = [];
    for (const n of nodes) out.push(...this.statement(n));
    return out;
  }

  private body(node: SyntaxNode | undefined): A.Stmt[] {
    if (!node || node.name !== 'Body') return [];
    return this.statements(kids(node).filter((k) => k.name !== ':'));
  }

  private statement(node: SyntaxNode): A.Stmt[] {
    const refusedTo = this.refusedAt.get(node.from);
    if (refusedTo !== undefined) return [{ kind: 'ErrorStmt', span: this.sp(node.from, refusedTo) }];
    if (this.depth >= MAX_NESTING) {
      this.refuseDeep(node);
      return [{ kind: 'ErrorStmt', span: this.sp(node) }];
    }
    this.depth++;
    try {
      return this.convertStatement(node);
    } finally {
      this.depth--;
    }
  }

  private convertStatement(node: SyntaxNode): A.Stmt[] {
    const span = this.sp(node);
    const k = kids(node);
    switch (node.name) {
      case 'StatementGroup':
        return this.statements(k.filter((c) => c.name !== ';'));
      case 'ExpressionStatement':
        return [{ kind: 'ExprStmt', value: this.exprList(k, node), span }];
      case 'AssignStatement':
        return [this.assign(node, k)];
      case 'UpdateStatement': {
        const at = k.findIndex((c) => c.name === 'UpdateOp');
        const op = this.src(k[at]).slice(0, -1) as A.BinaryOperator;
        return [{ kind: 'AugAssign', target: this.exprList(k.slice(0, at), node), op, value: this.valueList(k.slice(at + 1), node), span }];
      }
      case 'DeleteStatement':
        return [{ kind: 'Delete', targets: k.slice(1).filter((c) => c.name !== ',').map((c) => this.expr(c)), span }];
      case 'PassStatement':
        return [{ kind: 'Pass', span }];
      case 'BreakStatement':
        return [{ kind: 'Break', span }];
      case 'ContinueStatement':
        return [{ kind: 'Continue', span }];
      case 'ReturnStatement':
        return [{ kind: 'Return', value: k.length > 1 ? this.exprList(k.slice(1), node) : null, span }];
      case 'YieldStatement':
        return [{ kind: 'ExprStmt', value: this.yieldExpr(node), span }];
      case 'PrintStatement':
        return [{ kind: 'ErrorStmt', span }];
      case 'RaiseStatement': {
        const from = k.findIndex((c) => c.name === 'from');
        const exc = k.length > 1 && from !== 1 ? this.expr(k[1]) : null;
        const cause = from >= 0 && k[from + 1] ? this.expr(k[from + 1]) : null;
        return [{ kind: 'Raise', exc, cause, span }];
      }
      case 'ImportStatement':
        return [this.importStatement(node, k)];
      case 'ScopeStatement':
        return [{
          kind: k[0]?.name === 'nonlocal' ? 'Nonlocal' : 'Global',
          names: k.filter((c) => c.name === 'VariableName').map((c) => this.src(c)),
          span,
        }];
      case 'AssertStatement': {
        const parts = k.slice(1).filter((c) => c.name !== ',');
        return [{ kind: 'Assert', test: parts[0] ? this.expr(parts[0]) : this.error(node), msg: parts[1] ? this.expr(parts[1]) : null, span }];
      }
      case 'TypeDefinition':
        return [{ kind: 'UnsupportedStmt', what: "'type' statements", span }];
      case 'MatchStatement':
        return [matchStatement(this.patternConverter(), node)];
      case 'IfStatement':
        return [this.ifStatement(k, 0, node)];
      case 'WhileStatement': {
        const bodies = k.filter((c) => c.name === 'Body');
        return [{ kind: 'While', test: k[1] && k[1].name !== 'Body' ? this.expr(k[1]) : this.error(node), body: this.body(bodies[0]), orelse: this.body(bodies[1]), span }];
      }
      case 'ForStatement':
        return [this.forStatement(node, k)];
      case 'TryStatement':
        return [this.tryStatement(node, k)];
      case 'WithStatement':
        return [this.withStatement(node, k)];
      case 'FunctionDefinition':
        return [this.functionDef(node, k, [])];
      case 'ClassDefinition':
        return [this.classDef(node, k, [])];
      case 'DecoratedStatement': {
        const decorators = k.filter((c) => c.name === 'Decorator').map((d) => this.decorator(d));
        const def = k.find((c) => c.name === 'FunctionDefinition' || c.name === 'ClassDefinition');
        if (!def) return [{ kind: 'ErrorStmt', span }];
        return [def.name === 'FunctionDefinition' ? this.functionDef(node, kids(def), decorators, def) : this.classDef(node, kids(def), decorators, def)];
      }
      default:
        if (isError(node)) return [{ kind: 'ErrorStmt', span }];
        // Stray tokens (newlines, colons) that error recovery left at statement level.
        return [];
    }
  }

  /** The subjects of `match x, y:` read from their text (lezer's tree has error nodes there). */
  private readonly tupleSubjects: { from: number; to: number }[] = [];

  private patternConverter(): PatternConverter {
    return {
      expr: (n) => this.expr(n),
      body: (n) => this.body(n),
      span: (from, to) => this.sp(from, to),
      src: (n) => this.src(n),
      problem: (message, span) => this.invalid.push({ message, span }),
      tupleSubject: (from, to) => {
        const wrapped = `(${this.text.slice(from, to)})\n`;
        const c = new Converter(wrapped, this.lines, this.base + from - 1);
        const tree = parser.parse(wrapped);
        const stmt = tree.topNode.getChild('ExpressionStatement');
        const e = stmt?.firstChild;
        if (!e || c.problems(tree.topNode).length > 0) return this.error(e ?? tree.topNode);
        this.tupleSubjects.push({ from, to });
        return c.expr(e);
      },
    };
  }

  private assign(node: SyntaxNode, k: SyntaxNode[]): A.Stmt {
    const span = this.sp(node);
    const typeDef = k.findIndex((c) => c.name === 'TypeDef');
    const groups: SyntaxNode[][] = [[]];
    for (const c of k) {
      if (c.name === 'AssignOp') groups.push([]);
      else if (c.name !== 'TypeDef') groups[groups.length - 1].push(c);
    }
    if (typeDef >= 0) {
      const ann = kids(k[typeDef]).find((c) => c.name !== ':');
      return {
        kind: 'AnnAssign',
        target: this.exprList(groups[0], node),
        annotation: ann ? this.expr(ann) : this.error(k[typeDef]),
        value: groups.length > 1 ? this.valueList(groups[groups.length - 1], node) : null,
        span,
      };
    }
    const value = this.valueList(groups[groups.length - 1], node);
    const targets = groups.slice(0, -1).map((g) => this.exprList(g, node));
    return { kind: 'Assign', targets, value, span };
  }

  /** The right side of an assignment, where `yield` may appear. */
  private valueList(nodes: SyntaxNode[], parent: SyntaxNode): A.Expr {
    if (nodes.length === 1 && nodes[0].name === 'YieldExpression') return this.yieldExpr(nodes[0]);
    return this.exprList(nodes, parent);
  }

  /** `yield`, `yield a, b`, `yield from g()`: a statement or an expression, the same node. */
  private yieldExpr(node: SyntaxNode): A.Yield | A.YieldFrom {
    const span = this.sp(node);
    const k = kids(node).filter((c) => c.name !== 'yield' && !(isError(c) && c.from === c.to));
    if (k[0]?.name === 'from') return { kind: 'YieldFrom', value: k[1] ? this.expr(k[1]) : this.error(node), span };
    return { kind: 'Yield', value: k.length ? this.exprList(k, node) : null, span };
  }

  private ifStatement(k: SyntaxNode[], at: number, node: SyntaxNode): A.If {
    // k[at] is `if` or `elif`; then the test (absent in broken code), then Body.
    let i = at + 1;
    const test = k[i] && k[i].name !== 'Body' ? this.expr(k[i++]) : this.error(k[at]);
    const body = this.body(k[i]);
    if (k[i]?.name === 'Body') i++;
    let orelse: A.Stmt[] = [];
    if (k[i]?.name === 'elif') {
      // Each elif is an If nested in the one before: a chain of them nests as deep as it is long.
      if (this.depth >= MAX_NESTING) {
        this.refuseDeep(k[i]);
        orelse = [{ kind: 'ErrorStmt', span: this.sp(k[i].from, node.to) }];
      } else {
        this.depth++;
        try {
          orelse = [this.ifStatement(k, i, node)];
        } finally {
          this.depth--;
        }
      }
    }
    else if (k[i]?.name === 'else') orelse = this.body(k[i + 1]);
    const start = k[at].from;
    return { kind: 'If', test, body, orelse, span: this.sp(start, node.to) };
  }

  private forStatement(node: SyntaxNode, k: SyntaxNode[]): A.Stmt {
    const span = this.sp(node);
    const forAt = k.findIndex((c) => c.name === 'for');
    const inAt = k.findIndex((c) => c.name === 'in');
    const bodies = k.filter((c) => c.name === 'Body');
    const bodyAt = k.findIndex((c) => c.name === 'Body');
    if (k[0]?.name === 'async') return { kind: 'UnsupportedStmt', what: "'async for'", span };
    const target = inAt > forAt ? this.exprList(k.slice(forAt + 1, inAt), node) : this.error(node);
    const iter = inAt >= 0 ? this.exprList(k.slice(inAt + 1, bodyAt < 0 ? k.length : bodyAt), node) : this.error(node);
    return { kind: 'For', target, iter, body: this.body(bodies[0]), orelse: this.body(bodies[1]), span };
  }

  private tryStatement(node: SyntaxNode, k: SyntaxNode[]): A.Stmt {
    let body: A.Stmt[] = [];
    const handlers: A.ExceptHandler[] = [];
    let orelse: A.Stmt[] = [];
    let finalbody: A.Stmt[] = [];
    for (let i = 0; i < k.length; i++) {
      const c = k[i];
      if (c.name === 'try') body = this.body(k[i + 1]);
      else if (c.name === 'else') orelse = this.body(k[i + 1]);
      else if (c.name === 'finally') finalbody = this.body(k[i + 1]);
      else if (c.name === 'except') {
        let j = i + 1;
        if (k[j]?.name === '*') j++;
        let type: A.Expr | null = null;
        let name: string | null = null;
        if (k[j] && k[j].name !== 'Body') type = this.expr(k[j++]);
        if (k[j]?.name === 'as' || k[j]?.name === ',') {
          name = k[j + 1] ? this.src(k[j + 1]) : null;
          j += 2;
        }
        const b = k[j]?.name === 'Body' ? k[j] : undefined;
        handlers.push({ type, name, body: this.body(b), span: this.sp(c.from, (b ?? c).to) });
      }
    }
    return { kind: 'Try', body, handlers, orelse, finalbody, span: this.sp(node) };
  }

  private withStatement(node: SyntaxNode, k: SyntaxNode[]): A.Stmt {
    const span = this.sp(node);
    if (k[0]?.name === 'async') return { kind: 'UnsupportedStmt', what: "'async with'", span };
    const items: A.WithItem[] = [];
    const bodyAt = k.findIndex((c) => c.name === 'Body');
    const inner = k.slice(1, bodyAt < 0 ? k.length : bodyAt);
    for (let i = 0; i < inner.length; i++) {
      const c = inner[i];
      if (c.name === ',' || c.name === '(' || c.name === ')') continue;
      const context = this.expr(c);
      let target: A.Expr | null = null;
      if (inner[i + 1]?.name === 'as' && inner[i + 2]) {
        target = this.expr(inner[i + 2]);
        i += 2;
      }
      items.push({ context, target });
    }
    return { kind: 'With', items, body: this.body(bodyAt >= 0 ? k[bodyAt] : undefined), span };
  }

  private functionDef(outer: SyntaxNode, k: SyntaxNode[], decorators: A.Expr[], def: SyntaxNode = outer): A.FunctionDef {
    const nameNode = k.find((c) => c.name === 'VariableName');
    const paramList = k.find((c) => c.name === 'ParamList');
    const typeDef = k.find((c) => c.name === 'TypeDef');
    const returns = typeDef ? kids(typeDef).find((c) => c.name !== '->' && c.name !== ':') : undefined;
    return {
      kind: 'FunctionDef',
      name: nameNode ? this.src(nameNode) : '',
      nameSpan: this.sp(nameNode ?? def),
      params: paramList ? this.params(kids(paramList).filter((c) => c.name !== '(' && c.name !== ')')) : [],
      body: this.body(k.find((c) => c.name === 'Body')),
      decorators,
      returns: returns ? this.expr(returns) : null,
      isAsync: k[0]?.name === 'async',
      span: this.sp(outer),
    };
  }

  private classDef(outer: SyntaxNode, k: SyntaxNode[], decorators: A.Expr[], def: SyntaxNode = outer): A.ClassDef {
    const nameNode = k.find((c) => c.name === 'VariableName');
    const argList = k.find((c) => c.name === 'ArgList');
    return {
      kind: 'ClassDef',
      name: nameNode ? this.src(nameNode) : '',
      nameSpan: this.sp(nameNode ?? def),
      bases: argList ? this.arguments(argList) : [],
      body: this.body(k.find((c) => c.name === 'Body')),
      decorators,
      span: this.sp(outer),
    };
  }

  private decorator(node: SyntaxNode): A.Expr {
    let expr: A.Expr | null = null;
    for (const c of kids(node)) {
      if (c.name === 'VariableName') {
        expr = expr
          ? { kind: 'Attribute', value: expr, attr: this.src(c), attrSpan: this.sp(c), span: this.sp(expr.span.from - this.base, c.to) }
          : { kind: 'Name', id: this.src(c), span: this.sp(c) };
      } else if (c.name === 'ArgList' && expr) {
        expr = { kind: 'Call', func: expr, args: this.arguments(c), span: this.sp(expr.span.from - this.base, c.to) };
      }
    }
    return expr ?? this.error(node);
  }

  private params(k: SyntaxNode[]): A.Param[] {
    const out: A.Param[] = [];
    let keywordOnly = false;
    for (let i = 0; i < k.length; i++) {
      const c = k[i];
      if (c.name === ',') continue;
      if (c.name === '/') {
        for (let j = 0; j < out.length; j++) out[j] = { ...out[j], positionalOnly: true };
        continue;
      }
      let kind: A.ParamKind = keywordOnly ? 'keywordOnly' : 'positional';
      let start = c;
      if (c.name === '*' || c.name === '**') {
        if (k[i + 1]?.name !== 'VariableName') {
          keywordOnly = true;
          continue;
        }
        kind = c.name === '*' ? 'varargs' : 'varkw';
        if (c.name === '*') keywordOnly = true;
        i++;
      }
      const nameNode = k[i];
      if (nameNode.name !== 'VariableName') continue;
      let annotation: A.Expr | null = null;
      let def: A.Expr | null = null;
      let end = nameNode.to;
      if (k[i + 1]?.name === 'TypeDef') {
        const ann = kids(k[i + 1]).find((x) => x.name !== ':');
        annotation = ann ? this.expr(ann) : null;
        end = k[i + 1].to;
        i++;
      }
      if (k[i + 1]?.name === 'AssignOp') {
        def = k[i + 2] && k[i + 2].name !== ',' ? this.expr(k[i + 2]) : this.error(k[i + 1]);
        end = k[i + 2]?.to ?? k[i + 1].to;
        i += 2;
      }
      out.push({ name: this.src(nameNode), kind, positionalOnly: false, default: def, annotation, span: this.sp(start.from, end) });
    }
    return out;
  }

  private importStatement(node: SyntaxNode, k: SyntaxNode[]): A.Stmt {
    const span = this.sp(node);
    const aliases = (nodes: SyntaxNode[]): A.ImportAlias[] => {
      const out: A.ImportAlias[] = [];
      let i = 0;
      while (i < nodes.length) {
        if (nodes[i].name === ',' || nodes[i].name === '(' || nodes[i].name === ')') {
          i++;
          continue;
        }
        const start = nodes[i];
        let name = '';
        let end = start;
        while (i < nodes.length && (nodes[i].name === 'VariableName' || nodes[i].name === '.')) {
          name += this.src(nodes[i]);
          end = nodes[i];
          i++;
        }
        let asname: string | null = null;
        if (nodes[i]?.name === 'as' && nodes[i + 1]) {
          asname = this.src(nodes[i + 1]);
          end = nodes[i + 1];
          i += 2;
        }
        if (!name) {
          i++;
          continue;
        }
        out.push({ name, asname, span: this.sp(start.from, end.to) });
      }
      return out;
    };
    if (k[0]?.name === 'import') return { kind: 'Import', names: aliases(k.slice(1)), span };
    const importAt = k.findIndex((c) => c.name === 'import');
    const head = k.slice(1, importAt < 0 ? k.length : importAt);
    let level = 0;
    let module = '';
    for (const c of head) {
      if (c.name === '.' && !module) level += 1;
      else if (c.name === 'Ellipsis' || this.src(c) === '...') level += 3;
      else module += this.src(c);
    }
    const moduleSpan = head.length ? this.sp(head[0].from, head[head.length - 1].to) : span;
    const rest = importAt < 0 ? [] : k.slice(importAt + 1);
    const names = rest.some((c) => c.name === '*') ? null : aliases(rest);
    return { kind: 'ImportFrom', module, level, moduleSpan, names, span };
  }

  // ------------------------------------------------------------ expressions

  private error(node: SyntaxNode): A.ErrorExpr {
    return { kind: 'ErrorExpr', span: this.sp(node) };
  }

  /** A comma-separated list: one expression, or a tuple when there is a comma. */
  private exprList(nodes: SyntaxNode[], parent: SyntaxNode): A.Expr {
    const elts: A.Expr[] = [];
    let comma = false;
    for (let i = 0; i < nodes.length; i++) {
      const n = nodes[i];
      if (n.name === ',') {
        comma = true;
        continue;
      }
      if (n.name === '*' && nodes[i + 1] && nodes[i + 1].name !== ',') {
        elts.push({ kind: 'Starred', value: this.expr(nodes[i + 1]), span: this.sp(n.from, nodes[i + 1].to) });
        i++;
        continue;
      }
      elts.push(this.expr(n));
    }
    if (elts.length === 0) return this.error(parent);
    if (elts.length === 1 && !comma && elts[0].kind !== 'Starred') return elts[0];
    return { kind: 'Tuple', elts, span: this.sp(nodes[0].from, nodes[nodes.length - 1].to) };
  }

  expr(node: SyntaxNode): A.Expr {
    if (this.depth >= MAX_NESTING) {
      this.refuseDeep(node);
      return this.error(node);
    }
    this.depth++;
    try {
      return this.expression(node);
    } finally {
      this.depth--;
    }
  }

  private expression(node: SyntaxNode): A.Expr {
    const span = this.sp(node);
    switch (node.name) {
      case 'VariableName':
        return { kind: 'Name', id: this.src(node), span };
      case 'Number':
        return this.number(this.src(node), span);
      case 'String': {
        const text = this.src(node);
        if (literalShape(text).bytes && /[^\x00-\x7f]/.test(text)) this.invalid.push({ message: 'bytes can only contain ASCII literal characters', span });
        return { kind: 'Str', value: decodeStringLiteral(text), ...(literalShape(text).bytes ? { bytes: true } : {}), span };
      }
      case 'FormatString':
        return this.fstring(node);
      case 'ContinuedString':
        return this.continuedString(node);
      case 'Boolean':
        return { kind: 'Bool', value: this.src(node) === 'True', span };
      case 'None':
        return { kind: 'None', span };
      case 'Ellipsis':
        return { kind: 'Ellipsis', span };
      case 'ParenthesizedExpression': {
        const inner = kids(node).filter((c) => c.name !== '(' && c.name !== ')');
        if (inner[0]?.name === 'YieldExpression') return this.yieldExpr(inner[0]);
        if (inner[0]?.name === '*' && inner[1]) return { kind: 'Starred', value: this.expr(inner[1]), span };
        return inner.length === 1 ? this.expr(inner[0]) : this.error(node);
      }
      case 'TupleExpression': {
        const inner = kids(node).filter((c) => c.name !== '(' && c.name !== ')');
        if (inner.length === 0) return { kind: 'Tuple', elts: [], span };
        const list = this.exprList(inner, node);
        return list.kind === 'Tuple' ? { ...list, span } : { kind: 'Tuple', elts: [list], span };
      }
      case 'ArrayExpression':
        return { kind: 'List', elts: this.elements(node), span };
      case 'SetExpression':
        return { kind: 'Set', elts: this.elements(node), span };
      case 'ArrayComprehensionExpression':
      case 'SetComprehensionExpression':
      case 'ComprehensionExpression': {
        const inner = kids(node).slice(1, -1);
        const kind = node.name === 'ArrayComprehensionExpression' ? 'ListComp' : node.name === 'SetComprehensionExpression' ? 'SetComp' : 'GeneratorExp';
        const forAt = inner.findIndex((c) => c.name === 'for' || c.name === 'async');
        const elt = forAt > 0 ? this.exprList(inner.slice(0, forAt), node) : this.error(node);
        return { kind, elt, generators: this.comprehension(inner, Math.max(forAt, 0)).generators, span };
      }
      case 'DictionaryExpression':
        return { kind: 'Dict', items: this.dictItems(kids(node).slice(1, -1)), span };
      case 'DictionaryComprehensionExpression': {
        const inner = kids(node).slice(1, -1);
        const forAt = inner.findIndex((c) => c.name === 'for' || c.name === 'async');
        const colon = inner.findIndex((c) => c.name === ':');
        const key = colon > 0 ? this.expr(inner[0]) : this.error(node);
        const value = colon > 0 && inner[colon + 1] ? this.expr(inner[colon + 1]) : this.error(node);
        return { kind: 'DictComp', key, value, generators: this.comprehension(inner, Math.max(forAt, 0)).generators, span };
      }
      case 'CallExpression': {
        const k = kids(node);
        const argList = k.find((c) => c.name === 'ArgList');
        return { kind: 'Call', func: k[0] ? this.expr(k[0]) : this.error(node), args: argList ? this.arguments(argList) : [], span };
      }
      case 'MemberExpression':
        return this.member(node, span);
      case 'BinaryExpression':
        return this.binary(node, span);
      case 'UnaryExpression': {
        const k = kids(node);
        const op = this.src(k[0]) as A.UnaryOperator;
        if (op === 'not' && k[1]) return this.not(node.from, k[1]);
        return { kind: 'UnaryOp', op, operand: k[1] ? this.expr(k[1]) : this.error(node), span };
      }
      case 'ConditionalExpression': {
        const k = kids(node);
        const ifAt = k.findIndex((c) => c.name === 'if');
        const elseAt = k.findIndex((c) => c.name === 'else');
        return {
          kind: 'IfExp',
          body: this.expr(k[0]),
          test: k[ifAt + 1] && ifAt >= 0 ? this.expr(k[ifAt + 1]) : this.error(node),
          orelse: elseAt >= 0 && k[elseAt + 1] ? this.expr(k[elseAt + 1]) : this.error(node),
          span,
        };
      }
      case 'LambdaExpression': {
        const k = kids(node);
        const paramList = k.find((c) => c.name === 'ParamList');
        const colon = k.findIndex((c) => c.name === ':');
        return {
          kind: 'Lambda',
          params: paramList ? this.params(kids(paramList)) : [],
          body: colon >= 0 && k[colon + 1] ? this.expr(k[colon + 1]) : this.error(node),
          span,
        };
      }
      case 'NamedExpression': {
        const k = kids(node);
        if (k[0]?.name !== 'VariableName' || !k[2]) return this.error(node);
        return { kind: 'NamedExpr', target: { kind: 'Name', id: this.src(k[0]), span: this.sp(k[0]) }, value: this.expr(k[2]), span };
      }
      case 'AwaitExpression':
        return { kind: 'UnsupportedExpr', what: "'await'", span };
      case 'YieldExpression':
        return this.yieldExpr(node);
      default:
        return this.error(node);
    }
  }

  private number(raw: string, span: Span): A.Expr {
    const t = raw.replace(/_/g, '');
    const imaginary = /[jJ]$/.test(t);
    const digits = imaginary ? t.slice(0, -1) : t;
    const valid = (imaginary ? /^([0-9]+\.?[0-9]*|\.[0-9]+)([eE][+-]?[0-9]+)?$/ : /^(0[xX][0-9a-fA-F]+|0[oO][0-7]+|0[bB][01]+|0+|[1-9][0-9]*|([0-9]+\.?[0-9]*|\.[0-9]+)([eE][+-]?[0-9]+)?)$/).test(digits);
    if (!valid || raw.includes('__') || raw.endsWith('_')) {
      this.invalid.push({ message: `invalid number literal '${raw}'`, span });
      return { kind: 'ErrorExpr', span };
    }
    if (imaginary) return { kind: 'Imag', value: Number(digits), span };
    if (/^0[xXoObB]/.test(t) || !/[.eE]/.test(t)) return { kind: 'Num', value: BigInt(t), span };
    return { kind: 'Num', value: Number(t), span };
  }

  private elements(node: SyntaxNode): A.Expr[] {
    const inner = kids(node).slice(1, -1);
    const out: A.Expr[] = [];
    for (let i = 0; i < inner.length; i++) {
      const c = inner[i];
      if (c.name === ',') continue;
      if (c.name === '*' && inner[i + 1]) {
        out.push({ kind: 'Starred', value: this.expr(inner[i + 1]), span: this.sp(c.from, inner[i + 1].to) });
        i++;
      } else out.push(this.expr(c));
    }
    return out;
  }

  private dictItems(inner: SyntaxNode[]): A.DictItem[] {
    const out: A.DictItem[] = [];
    for (let i = 0; i < inner.length; i++) {
      const c = inner[i];
      if (c.name === ',') continue;
      if (c.name === '**') {
        if (inner[i + 1]) out.push({ unpack: this.expr(inner[i + 1]) });
        i++;
        continue;
      }
      if (inner[i + 1]?.name === ':') {
        const v = inner[i + 2];
        out.push({ key: this.expr(c), value: v && v.name !== ',' ? this.expr(v) : this.error(inner[i + 1]) });
        i += 2;
      } else out.push({ key: this.expr(c), value: this.error(c) });
    }
    return out;
  }

  /** `for t in it if c for ...` from a flat run of nodes starting at `at`. */
  private comprehension(nodes: SyntaxNode[], at: number): { generators: A.Comprehension[]; end: number } {
    const generators: A.Comprehension[] = [];
    let i = at;
    while (i < nodes.length && (nodes[i].name === 'for' || nodes[i].name === 'async')) {
      if (nodes[i].name === 'async') {
        // `2async`: a stray word after a number, not `async for`.
        if (nodes[i + 1]?.name !== 'for') break;
        i++;
      }
      const forNode = nodes[i++];
      const targets: SyntaxNode[] = [];
      while (i < nodes.length && nodes[i].name !== 'in') targets.push(nodes[i++]);
      i++;
      const target = targets.length ? this.exprList(targets, forNode) : this.error(forNode);
      const iter = nodes[i] && nodes[i].name !== ',' ? this.expr(nodes[i++]) : this.error(forNode);
      const ifs: A.Expr[] = [];
      while (nodes[i]?.name === 'if') {
        i++;
        if (nodes[i]) ifs.push(this.expr(nodes[i++]));
      }
      generators.push({ target, iter, ifs });
    }
    return { generators, end: Math.min(i, nodes.length) };
  }

  arguments(argList: SyntaxNode): A.Argument[] {
    const k = kids(argList).filter((c) => c.name !== '(' && c.name !== ')');
    const out: A.Argument[] = [];
    for (let i = 0; i < k.length; i++) {
      const c = k[i];
      if (c.name === ',') continue;
      if ((c.name === '*' || c.name === '**') && k[i + 1]) {
        const value = this.expr(k[i + 1]);
        out.push({ kind: c.name === '*' ? 'star' : 'doubleStar', value, span: this.sp(c.from, k[i + 1].to) });
        i++;
        continue;
      }
      if (c.name === 'VariableName' && k[i + 1]?.name === 'AssignOp') {
        const op = this.src(k[i + 1]);
        const v = k[i + 2] && k[i + 2].name !== ',' ? k[i + 2] : null;
        const value = v ? this.expr(v) : this.error(k[i + 1]);
        const span = this.sp(c.from, (v ?? k[i + 1]).to);
        if (op === ':=') {
          out.push({ kind: 'positional', value: { kind: 'NamedExpr', target: { kind: 'Name', id: this.src(c), span: this.sp(c) }, value, span }, span });
        } else out.push({ kind: 'keyword', name: this.src(c), value, span });
        i += v ? 2 : 1;
        continue;
      }
      if (k[i + 1]?.name === 'for' || k[i + 1]?.name === 'async') {
        const { generators, end } = this.comprehension(k, i + 1);
        const last = k[end - 1];
        const span = this.sp(c.from, last.to);
        out.push({ kind: 'positional', value: { kind: 'GeneratorExp', elt: this.expr(c), generators, span }, span });
        i = end - 1;
        continue;
      }
      const value = this.expr(c);
      out.push({ kind: 'positional', value, span: value.span });
    }
    return out;
  }

  private member(node: SyntaxNode, span: Span): A.Expr {
    const k = kids(node);
    if (isTrailingDotFloat(node, this.text, 0)) {
      return { kind: 'Num', value: Number(this.src(node).replace(/_/g, '')), span };
    }
    const value = k[0] ? this.expr(k[0]) : this.error(node);
    if (k[1]?.name === '.') {
      const prop = k[2]?.name === 'PropertyName' ? k[2] : null;
      if (!prop) return this.error(node);
      return { kind: 'Attribute', value, attr: this.src(prop), attrSpan: this.sp(prop), span };
    }
    // Subscript: the nodes between the brackets.
    const inner = k.slice(2, k[k.length - 1]?.name === ']' ? -1 : undefined);
    const parts: SyntaxNode[][] = [[]];
    for (const c of inner) {
      if (c.name === ',') parts.push([]);
      else parts[parts.length - 1].push(c);
    }
    const trailingComma = parts.length > 1 && parts[parts.length - 1].length === 0;
    if (trailingComma) parts.pop();
    const items = parts.map((p) => this.subscriptPart(p, node));
    const index: A.Expr =
      items.length === 1 && !trailingComma
        ? items[0]
        : { kind: 'Tuple', elts: items, span: inner.length ? this.sp(inner[0].from, inner[inner.length - 1].to) : span };
    return { kind: 'Subscript', value, index, span };
  }

  private subscriptPart(p: SyntaxNode[], parent: SyntaxNode): A.Expr {
    if (!p.some((c) => c.name === ':')) {
      if (p.length === 2 && p[0].name === '*') return { kind: 'Starred', value: this.expr(p[1]), span: this.sp(p[0].from, p[1].to) };
      return p.length === 1 ? this.expr(p[0]) : this.error(p[0] ?? parent);
    }
    const slots: (A.Expr | null)[] = [null, null, null];
    let slot = 0;
    for (const c of p) {
      if (c.name === ':') slot++;
      else if (slot < 3) slots[slot] = this.expr(c);
    }
    return { kind: 'Slice', lower: slots[0], upper: slots[1], step: slots[2], span: this.sp(p[0].from, p[p.length - 1].to) };
  }

  /**
   * `not` at `from` applied to `operand`. lezer reads `not a or b` as `not (a or b)`; Python binds
   * `not` tighter than `and` and `or`: `(not a) or b`. So `not` goes down to the chain's first operand.
   */
  private not(from: number, operand: SyntaxNode): A.Expr {
    const span = this.sp(from, operand.to);
    const k = kids(operand);
    if (operand.name === 'BinaryExpression') {
      const op = k.length === 3 ? this.src(k[1]) : '';
      if (op === 'and' || op === 'or') return { kind: 'BoolOp', op, left: this.not(from, k[0]), right: this.expr(k[2]), span };
    }
    // `not not a or b`: the inner `not` went down its chain already; this one follows it.
    if (operand.name === 'UnaryExpression' && k[1] && this.src(k[0]) === 'not') return this.notFirst(from, this.not(operand.from, k[1]), operand);
    return { kind: 'UnaryOp', op: 'not', operand: this.expr(operand), span };
  }

  /** `not` applied to the first operand of a chain that `not` made (`(not a) or b`), or to `e` itself. */
  private notFirst(from: number, e: A.Expr, node: SyntaxNode): A.Expr {
    if (e.kind === 'BoolOp') {
      return { ...e, left: this.notFirst(from, e.left, node), span: this.sp(from, node.to) };
    }
    return { kind: 'UnaryOp', op: 'not', operand: e, span: this.sp(from, e.span.to - this.base) };
  }

  private binary(node: SyntaxNode, span: Span): A.Expr {
    const k = kids(node);
    const left = k[0];
    const right = k[k.length - 1];
    if (k.length < 3 || !left || !right) return this.error(node);
    const opText = k.slice(1, -1).map((c) => this.src(c)).join(' ');
    // `1.e-3`: lezer reads a member access `1.e`, a minus and `3`.
    if (
      (opText === '-' || opText === '+') &&
      left.name === 'MemberExpression' &&
      right.name === 'Number' &&
      /^[0-9][0-9_]*\.[eE]$/.test(this.src(left)) &&
      k[1].from === left.to &&
      right.from === k[1].to &&
      /^[0-9][0-9_]*$/.test(this.src(right))
    ) {
      return { kind: 'Num', value: Number(this.text.slice(left.from, right.to).replace(/_/g, '')), span };
    }
    if (opText === 'and' || opText === 'or') {
      return { kind: 'BoolOp', op: opText, left: this.expr(left), right: this.expr(right), span };
    }
    if (COMPARE_OPS.has(opText)) {
      const op = (opText === '<>' ? '!=' : opText) as A.CompareOperator;
      const l = this.expr(left);
      if (l.kind === 'Compare' && left.name === 'BinaryExpression') {
        return { kind: 'Compare', left: l.left, ops: [...l.ops, op], comparators: [...l.comparators, this.expr(right)], span };
      }
      return { kind: 'Compare', left: l, ops: [op], comparators: [this.expr(right)], span };
    }
    return { kind: 'BinOp', op: opText as A.BinaryOperator, left: this.expr(left), right: this.expr(right), span };
  }

  // ------------------------------------------------------------ strings

  private fstring(node: SyntaxNode): A.FString {
    const text = this.src(node);
    const shape = literalShape(text);
    const bodyFrom = node.from + shape.open;
    const bodyTo = node.to - shape.close;
    const parts: (string | A.FormattedValue)[] = [];
    let at = bodyFrom;
    for (const r of kids(node)) {
      if (r.name !== 'FormatReplacement') continue;
      if (r.from > at) parts.push(decodeEscapes(this.text.slice(at, r.from), shape.raw, true));
      parts.push(this.replacement(r));
      at = r.to;
    }
    if (bodyTo > at) parts.push(decodeEscapes(this.text.slice(at, bodyTo), shape.raw, true));
    return { kind: 'FString', parts: mergeStrings(parts), span: this.sp(node) };
  }

  private replacement(r: SyntaxNode): A.FormattedValue {
    const k = kids(r);
    const exprNodes: SyntaxNode[] = [];
    let conversion: 's' | 'r' | 'a' | null = null;
    let spec: A.FString | null = null;
    let selfDoc: string | null = null;
    for (let i = 1; i < k.length; i++) {
      const c = k[i];
      // `{x = }` keeps the spaces around '=' in its output.
      if (c.name === 'FormatSelfDoc') selfDoc = this.text.slice(k[0].to, k[i + 1]?.from ?? c.to);
      else if (c.name === 'FormatConversion') conversion = this.src(c).slice(1) as 's' | 'r' | 'a';
      else if (c.name === 'FormatSpec') spec = this.formatSpec(c);
      else if (c.name !== '}' && !(isError(c) && c.from === c.to)) exprNodes.push(c);
    }
    const value = exprNodes.length ? this.exprList(exprNodes, r) : this.error(r);
    return { kind: 'FormattedValue', value, conversion, spec, selfDoc, span: this.sp(r) };
  }

  private formatSpec(node: SyntaxNode): A.FString {
    const parts: (string | A.FormattedValue)[] = [];
    let at = node.from + 1;
    for (const c of kids(node)) {
      if (c.name !== 'FormatReplacement') continue;
      if (c.from > at) parts.push(this.text.slice(at, c.from));
      parts.push(this.replacement(c));
      at = c.to;
    }
    if (node.to > at) parts.push(this.text.slice(at, node.to));
    return { kind: 'FString', parts: mergeStrings(parts), span: this.sp(node) };
  }

  private continuedString(node: SyntaxNode): A.Expr {
    const pieces = kids(node).map((c) => this.expr(c));
    const bytes = pieces.filter((p) => p.kind === 'Str' && p.bytes).length;
    if (bytes > 0 && bytes < pieces.length) this.invalid.push({ message: 'cannot mix bytes and nonbytes literals', span: this.sp(node) });
    if (pieces.every((p) => p.kind === 'Str')) {
      return { kind: 'Str', value: pieces.map((p) => (p as A.Str).value).join(''), ...(bytes > 0 ? { bytes: true } : {}), span: this.sp(node) };
    }
    const parts: (string | A.FormattedValue)[] = [];
    for (const p of pieces) {
      if (p.kind === 'Str') parts.push(p.value);
      else if (p.kind === 'FString') parts.push(...p.parts);
    }
    return { kind: 'FString', parts: mergeStrings(parts), span: this.sp(node) };
  }
}

function mergeStrings(parts: (string | A.FormattedValue)[]): (string | A.FormattedValue)[] {
  const out: (string | A.FormattedValue)[] = [];
  for (const p of parts) {
    if (typeof p === 'string' && typeof out[out.length - 1] === 'string') out[out.length - 1] += p;
    else if (p !== '') out.push(p);
  }
  return out;
}
