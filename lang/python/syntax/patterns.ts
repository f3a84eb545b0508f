/**
 * `match` statements (PEP 634): lezer's MatchStatement lowered to ast.ts's Match, with the checks
 * CPython's compiler makes before a file runs (an irrefutable case before others, alternatives
 * binding different names, a name bound twice, two stars, duplicate literal keys), in its words.
 *
 * lezer's grammar leaves an empty error node in `case []:`, `case ():`, `case C():` and `case {}:`;
 * `emptyPatternHole` tells the problem reader those are no syntax errors. It takes only a plain
 * name as a mapping pattern's key (`case {Color.RED: x}` reads as `{Color` and an error):
 * `joinDottedMappingKeys` rewrites such keys before the parse that is lowered.
 */
import type { SyntaxNode, Tree } from '@lezer/common';
import type * as A from './ast';
import type { Span } from './span';

/** What the lowering needs of the parser's converter. */
export interface PatternConverter {
  expr(node: SyntaxNode): A.Expr;
  body(node: SyntaxNode | undefined): A.Stmt[];
  span(from: number | SyntaxNode, to?: number): Span;
  src(node: SyntaxNode): string;
  /** A syntax error CPython's compiler reports (the file does not run). */
  problem(message: string, span: Span): void;
  /** The subject `x, y` of `match x, y:`, which lezer does not parse: from its text. */
  tupleSubject(from: number, to: number): A.Expr;
}

/** Stands for the dots of a dotted mapping key: an identifier character, so the key parses as one name. */
const KEY_DOT = '\uE000';
const DOTTED_NAME = /[\p{ID_Start}_][\p{ID_Continue}]*(?:\.[\p{ID_Start}_][\p{ID_Continue}]*)+/uy;

/**
 * The text with the dots of each dotted name written as a mapping pattern's key replaced by
 * KEY_DOT (one character for one, so every span stays where it was); `mapping` splits the name
 * again. The keys are found in the text from each mapping pattern's `{` on (lezer's recovery
 * from the first such key garbles the rest of the pattern): a dotted name right after `{` or `,`
 * of a brace and followed by `:`. The text itself where no mapping pattern has such a key.
 */
export function joinDottedMappingKeys(text: string, tree: Tree): string {
  // A mapping pattern opens with `{`: a text without one has none (most pieces a keystroke parses again).
  if (!text.includes('{')) return text;
  // NB: a set: the keys of a mapping pattern inside another are found from both.
  const keys = new Set<number>();
  tree.iterate({
    enter: (n) => {
      if (n.name === 'MappingPattern') for (const at of dottedKeysFrom(text, n.from)) keys.add(at);
    },
  });
  let out = text;
  for (const at of keys) {
    DOTTED_NAME.lastIndex = at;
    const m = DOTTED_NAME.exec(out);
    if (m) out = out.slice(0, at) + m[0].replaceAll('.', KEY_DOT) + out.slice(at + m[0].length);
  }
  return out;
}

/** Where the dotted keys of the braces opening at `open` start (strings skipped). */
function dottedKeysFrom(text: string, open: number): number[] {
  const found: number[] = [];
  const closers: string[] = [];
  let keyMayStart = false;
  for (let i = open; i < text.length; i++) {
    const ch = text[i];
    if (ch === '"' || ch === "'") {
      let end = i + 1;
      while (end < text.length && text[end] !== ch) end += text[end] === '\\' ? 2 : 1;
      i = end;
      keyMayStart = false;
      continue;
    }
    if (ch === '{' || ch === '(' || ch === '[') {
      closers.push(ch === '{' ? '}' : ch === '(' ? ')' : ']');
      keyMayStart = ch === '{';
      continue;
    }
    if (ch === '}' || ch === ')' || ch === ']') {
      if (closers.pop() !== ch || closers.length === 0) break;
      keyMayStart = false;
      continue;
    }
    if (ch === ',') {
      keyMayStart = closers[closers.length - 1] === '}';
      continue;
    }
    if (/\s/.test(ch)) continue;
    if (keyMayStart) {
      DOTTED_NAME.lastIndex = i;
      const m = DOTTED_NAME.exec(text);
      if (m && /^\s*:/.test(text.slice(i + m[0].length, i + m[0].length + 80))) found.push(i);
    }
    keyMayStart = false;
  }
  return found;
}

/** A key that joinDottedMappingKeys joined, as the attribute lookup it is written as. */
function dottedKey(c: PatternConverter, node: SyntaxNode): A.Expr {
  const parts = c.src(node).split(KEY_DOT);
  let at = node.from + parts[0].length;
  let e: A.Expr = { kind: 'Name', id: parts[0], span: c.span(node.from, at) };
  for (const attr of parts.slice(1)) {
    const attrSpan = c.span(at + 1, at + 1 + attr.length);
    at += 1 + attr.length;
    e = { kind: 'Attribute', value: e, attr, attrSpan, span: c.span(node.from, at) };
  }
  return e;
}

function kids(node: SyntaxNode): SyntaxNode[] {
  const out: SyntaxNode[] = [];
  for (let c = node.firstChild; c; c = c.nextSibling) if (c.name !== 'Comment') out.push(c);
  return out;
}

export function matchStatement(c: PatternConverter, node: SyntaxNode): A.Match {
  const k = kids(node);
  const bodyAt = k.findIndex((n) => n.name === 'MatchBody');
  const head = k.slice(1, bodyAt < 0 ? k.length : bodyAt);
  const subject = head.length === 1 ? c.expr(head[0]) : c.tupleSubject(head[0]?.from ?? node.from, head[head.length - 1]?.to ?? node.from);
  const cases: A.MatchCase[] = [];
  for (const clause of bodyAt < 0 ? [] : kids(k[bodyAt]).filter((n) => n.name === 'MatchClause')) cases.push(matchCase(c, clause));
  cases.forEach((mc, i) => {
    if (i < cases.length - 1 && mc.guard === null) {
      const why = irrefutable(mc.pattern);
      if (why) c.problem(`${why} makes remaining patterns unreachable`, why === 'wildcard' ? mc.pattern.span : capturedSpan(mc.pattern));
    }
  });
  return { kind: 'Match', subject, cases, span: c.span(node) };
}

function matchCase(c: PatternConverter, clause: SyntaxNode): A.MatchCase {
  const k = kids(clause);
  const bodyAt = k.findIndex((n) => n.name === 'Body');
  const guardAt = k.findIndex((n) => n.name === 'Guard');
  const end = guardAt >= 0 ? guardAt : bodyAt >= 0 ? bodyAt : k.length;
  const parts = k.slice(1, end);
  // `case a, *rest:` is a sequence pattern without brackets.
  const pattern = parts.some((n) => n.name === ',') ? sequence(c, parts, c.span(parts[0].from, parts[parts.length - 1].to)) : lower(c, parts[0], clause);
  checkNames(c, pattern, new Set());
  const guardNode = guardAt >= 0 ? kids(k[guardAt]).find((n) => n.name !== 'if') : undefined;
  return {
    pattern,
    guard: guardNode ? c.expr(guardNode) : null,
    body: c.body(bodyAt >= 0 ? k[bodyAt] : undefined),
    span: c.span(clause),
  };
}

/** Why a pattern matches everything ("name capture 'x'", "wildcard"), or null. */
function irrefutable(p: A.Pattern): string | null {
  switch (p.kind) {
    case 'MatchCapture':
      return p.name === null ? 'wildcard' : `name capture '${p.name}'`;
    case 'MatchAs':
      return irrefutable(p.pattern);
    case 'MatchOr':
      return p.patterns.map(irrefutable).find((w) => w !== null) ?? null;
    default:
      return null;
  }
}

function capturedSpan(p: A.Pattern): Span {
  if (p.kind === 'MatchOr') return capturedSpan(p.patterns.find((q) => irrefutable(q) !== null)!);
  return p.kind === 'MatchAs' ? capturedSpan(p.pattern) : p.span;
}

function lower(c: PatternConverter, node: SyntaxNode | undefined, parent: SyntaxNode): A.Pattern {
  if (!node) return { kind: 'MatchCapture', name: null, span: c.span(parent) };
  const span = c.span(node);
  const k = kids(node);
  switch (node.name) {
    case 'CapturePattern': {
      const name = c.src(k[0] ?? node);
      return { kind: 'MatchCapture', name: name === '_' ? null : name, span };
    }
    case 'LiteralPattern':
      return literal(c, node, k, span);
    case 'AttributePattern':
      return { kind: 'MatchValue', value: dotted(c, k), span };
    case 'AsPattern': {
      const name = c.src(k[k.length - 1]);
      const inner = lower(c, k[0], node);
      if (name === '_') c.problem("cannot use '_' as a target", c.span(k[k.length - 1]));
      return { kind: 'MatchAs', pattern: inner, name, span };
    }
    case 'OrPattern': {
      const alternatives = k.filter((n) => n.name !== 'LogicOp');
      const last = alternatives[alternatives.length - 1];
      // NB: lezer reads `case 0 | 1 as bit` as `0 | (1 as bit)`; Python's `as` takes the whole or-pattern.
      if (last?.name === 'AsPattern') {
        const asKids = kids(last);
        const whole = orPattern(c, [...alternatives.slice(0, -1), asKids[0]], c.span(node.from, asKids[0].to));
        const name = c.src(asKids[asKids.length - 1]);
        return { kind: 'MatchAs', pattern: whole, name, span };
      }
      return orPattern(c, alternatives, span);
    }
    case 'SequencePattern': {
      const inner = k.slice(1, -1);
      // `(p)` groups; `(p,)`, `[p]` and `()` are sequences.
      if (k[0]?.name === '(' && inner.length === 1 && !isHole(inner[0])) return lower(c, inner[0], node);
      return sequence(c, inner, span);
    }
    case 'StarPattern':
      return star(c, k, span);
    case 'MappingPattern':
      return mapping(c, k.slice(1), span);
    case 'ClassPattern': {
      const args = k.find((n) => n.name === 'PatternArgList');
      const clsNodes = k.filter((n) => n !== args);
      const patterns: A.Pattern[] = [];
      const kwdAttrs: string[] = [];
      const kwdPatterns: A.Pattern[] = [];
      for (const a of args ? kids(args).slice(1, -1) : []) {
        if (a.name === ',' || isHole(a)) continue;
        if (a.name === 'KeywordPattern') {
          const [key, value] = kids(a).filter((n) => n.name !== '=');
          const attr = c.src(key);
          if (kwdAttrs.includes(attr)) c.problem(`attribute name repeated in class pattern: ${attr}`, c.span(key));
          kwdAttrs.push(attr);
          kwdPatterns.push(lower(c, value, a));
        } else {
          if (kwdAttrs.length) c.problem('positional patterns follow keyword patterns', c.span(a));
          patterns.push(lower(c, a, node));
        }
      }
      return { kind: 'MatchClass', cls: dotted(c, clsNodes), patterns, kwdAttrs, kwdPatterns, span };
    }
    default:
      c.problem('invalid syntax', span);
      return { kind: 'MatchCapture', name: null, span };
  }
}

function orPattern(c: PatternConverter, alternatives: SyntaxNode[], span: Span): A.Pattern {
  const patterns = alternatives.map((n) => lower(c, n, n));
  const first = patternNames(patterns[0]);
  for (const p of patterns.slice(1)) {
    const these = patternNames(p);
    if (these.length !== first.length || these.some((n) => !first.includes(n))) {
      c.problem('alternative patterns bind different names', p.span);
      break;
    }
  }
  patterns.slice(0, -1).forEach((p) => {
    const why = irrefutable(p);
    if (why) c.problem(`${why} makes remaining patterns unreachable`, capturedSpan(p));
  });
  return { kind: 'MatchOr', patterns, span };
}

/** `case []:` and its kind: lezer's empty error node where the (absent) sub-pattern would be. */
function isHole(n: SyntaxNode): boolean {
  return n.name === 'LiteralPattern' && n.from === n.to;
}

/** The error nodes lezer leaves in `()`, `[]`, `C()` and `{}` patterns: no syntax errors. */
export function emptyPatternHole(node: SyntaxNode): boolean {
  const parent = node.parent;
  if (!parent) return false;
  // `{}`, `C()`: an error node around the closing bracket, right after the opening one.
  const closing = node.firstChild;
  if (closing && closing.from === node.from && closing.to === node.to && ['}', ')', ']'].includes(closing.name)) {
    return ['MappingPattern', 'PatternArgList', 'SequencePattern'].includes(parent.name) && node.prevSibling !== null && node.prevSibling.prevSibling === null;
  }
  if (node.from !== node.to || parent.name !== 'LiteralPattern' || parent.from !== parent.to) return false;
  const holder = parent.parent?.name;
  return holder === 'SequencePattern' || holder === 'PatternArgList';
}

function sequence(c: PatternConverter, nodes: SyntaxNode[], span: Span): A.Pattern {
  const patterns = nodes.filter((n) => n.name !== ',' && !isHole(n)).map((n) => lower(c, n, n));
  const stars = patterns.filter((p) => p.kind === 'MatchStar');
  if (stars.length > 1) c.problem('multiple starred names in sequence pattern', span);
  return { kind: 'MatchSequence', patterns, span };
}

function star(c: PatternConverter, k: SyntaxNode[], span: Span): A.Pattern {
  const target = k.find((n) => n.name === 'CapturePattern');
  const name = target ? c.src(kids(target)[0] ?? target) : '_';
  if (!target) c.problem('invalid syntax', span);
  return { kind: 'MatchStar', name: name === '_' ? null : name, span };
}

function mapping(c: PatternConverter, k: SyntaxNode[], span: Span): A.Pattern {
  const keys: A.Expr[] = [];
  const patterns: A.Pattern[] = [];
  const seen = new Set<string>();
  let rest: string | null = null;
  for (let i = 0; i < k.length; i++) {
    const n = k[i];
    if (n.name === ',' || n.name === '}' || n.type.isError) continue;
    if (n.name === '**') {
      const target = k[i + 1];
      const name = target ? c.src(kids(target)[0] ?? target) : '_';
      if (name === '_') c.problem('invalid syntax', c.span(target ?? n));
      else rest = name;
      i++;
      continue;
    }
    const value = k[i + 1]?.name === ':' ? k[i + 2] : undefined;
    i += 2;
    if (n.name === 'VariableName' && c.src(n).includes(KEY_DOT)) {
      keys.push(dottedKey(c, n));
      patterns.push(lower(c, value, n));
      continue;
    }
    const keyPattern = lower(c, n, n);
    if (keyPattern.kind !== 'MatchValue' && keyPattern.kind !== 'MatchSingleton') {
      c.problem('mapping pattern keys may only match literals and attribute lookups', keyPattern.span);
      continue;
    }
    const key: A.Expr = keyPattern.kind === 'MatchValue' ? keyPattern.value : singletonExpr(keyPattern.value, keyPattern.span);
    const literalKey = literalText(key);
    if (literalKey !== null) {
      if (seen.has(literalKey)) c.problem(`mapping pattern checks duplicate key (${literalKey})`, span);
      seen.add(literalKey);
    }
    keys.push(key);
    patterns.push(lower(c, value, n));
  }
  return { kind: 'MatchMapping', keys, patterns, rest, span };
}

function singletonExpr(value: null | boolean, span: Span): A.Expr {
  return value === null ? { kind: 'None', span } : { kind: 'Bool', value, span };
}

/** A literal key as CPython's message shows it (`'a'`, `1`), null for a dotted name. */
function literalText(e: A.Expr): string | null {
  switch (e.kind) {
    case 'Str':
      return `'${e.value}'`;
    case 'Num':
      return String(e.value);
    case 'Bool':
      return e.value ? 'True' : 'False';
    case 'None':
      return 'None';
    default:
      return null;
  }
}

function literal(c: PatternConverter, node: SyntaxNode, k: SyntaxNode[], span: Span): A.Pattern {
  if (k.length === 1 && k[0].name === 'None') return { kind: 'MatchSingleton', value: null, span };
  if (k.length === 1 && k[0].name === 'Boolean') return { kind: 'MatchSingleton', value: c.src(k[0]) === 'True', span };
  if (k.length === 1 && (k[0].name === 'String' || k[0].name === 'Number')) return { kind: 'MatchValue', value: c.expr(k[0]), span };
  // `-1`, `1 + 2j`, `-1 - 2j`.
  let i = 0;
  let value: A.Expr;
  if (k[0]?.name === 'ArithOp' && c.src(k[0]) === '-' && k[1]?.name === 'Number') {
    value = { kind: 'UnaryOp', op: '-', operand: c.expr(k[1]), span: c.span(k[0].from, k[1].to) };
    i = 2;
  } else if (k[0]?.name === 'Number') {
    value = c.expr(k[0]);
    i = 1;
  } else {
    c.problem('invalid syntax', span);
    return { kind: 'MatchCapture', name: null, span };
  }
  if (i < k.length) {
    const op = k[i]?.name === 'ArithOp' ? c.src(k[i]) : '';
    const right = k[i + 1] ? c.expr(k[i + 1]) : null;
    if ((op !== '+' && op !== '-') || right?.kind !== 'Imag' || i + 2 !== k.length) {
      c.problem('imaginary number required in complex literal', span);
    } else value = { kind: 'BinOp', op, left: value, right, span };
  }
  return { kind: 'MatchValue', value, span: c.span(node) };
}

function dotted(c: PatternConverter, k: SyntaxNode[]): A.Expr {
  const parts = k.filter((n) => n.name === 'VariableName' || n.name === 'PropertyName');
  let e: A.Expr = { kind: 'Name', id: c.src(parts[0]), span: c.span(parts[0]) };
  for (const p of parts.slice(1)) e = { kind: 'Attribute', value: e, attr: c.src(p), attrSpan: c.span(p), span: c.span(parts[0].from, p.to) };
  return e;
}

/** The names a pattern binds, in order. */
export function patternNames(p: A.Pattern): string[] {
  switch (p.kind) {
    case 'MatchCapture':
    case 'MatchStar':
      return p.name === null ? [] : [p.name];
    case 'MatchAs':
      return [...patternNames(p.pattern), p.name];
    case 'MatchOr':
      return patternNames(p.patterns[0]);
    case 'MatchSequence':
      return p.patterns.flatMap(patternNames);
    case 'MatchMapping':
      return [...p.patterns.flatMap(patternNames), ...(p.rest ? [p.rest] : [])];
    case 'MatchClass':
      return [...p.patterns, ...p.kwdPatterns].flatMap(patternNames);
    default:
      return [];
  }
}

/** CPython's "multiple assignments to name 'x' in pattern", at the second. */
function checkNames(c: PatternConverter, p: A.Pattern, seen: Set<string>): void {
  const bind = (name: string | null, span: Span) => {
    if (name === null) return;
    if (seen.has(name)) c.problem(`multiple assignments to name '${name}' in pattern`, span);
    seen.add(name);
  };
  switch (p.kind) {
    case 'MatchCapture':
    case 'MatchStar':
      bind(p.name, p.span);
      break;
    case 'MatchAs':
      checkNames(c, p.pattern, seen);
      bind(p.name, p.span);
      break;
    case 'MatchOr': {
      const before = new Set(seen);
      for (const q of p.patterns) {
        const each = new Set(before);
        checkNames(c, q, each);
        for (const n of each) seen.add(n);
      }
      break;
    }
    case 'MatchSequence':
      p.patterns.forEach((q) => checkNames(c, q, seen));
      break;
    case 'MatchMapping':
      p.patterns.forEach((q) => checkNames(c, q, seen));
      if (p.rest) bind(p.rest, p.span);
      break;
    case 'MatchClass':
      [...p.patterns, ...p.kwdPatterns].forEach((q) => checkNames(c, q, seen));
      break;
  }
}

/** The expressions a pattern evaluates (values, classes, mapping keys), in source order. */
export function patternExprs(p: A.Pattern): A.Expr[] {
  switch (p.kind) {
    case 'MatchValue':
      return [p.value];
    case 'MatchAs':
      return patternExprs(p.pattern);
    case 'MatchOr':
    case 'MatchSequence':
      return p.patterns.flatMap(patternExprs);
    case 'MatchMapping':
      return p.keys.flatMap((k, i) => [k, ...patternExprs(p.patterns[i])]);
    case 'MatchClass':
      return [p.cls, ...p.patterns.flatMap(patternExprs), ...p.kwdPatterns.flatMap(patternExprs)];
    default:
      return [];
  }
}
