/**
 * `match` statements as CPython 3.11 runs them (PEP 634): the subject evaluated once, the cases
 * tried in order, a case's names bound once its whole pattern matched (before its guard runs).
 * Sequence patterns take lists, tuples, ranges and deques (never str, bytes or bytearray); mapping
 * patterns take dicts and their subclasses, read without `__missing__`; class patterns check
 * `isinstance`, then read `__match_args__` (dataclasses and namedtuples set it) and attributes,
 * a missing attribute failing the match. The builtins CPython marks MATCH_SELF (`int(x)`,
 * `str(s)`, ...) match their one positional sub-pattern against the subject itself.
 *
 * Kept apart from the interpreter's statement loop: the ordinary path and a generator body both
 * ask `chosenCase` which block to run.
 */
import type * as A from '../syntax/ast';
import type { Span } from '../syntax';
import * as ops from './operators';
import type { Scope } from './scope';
import {
  chargeItems,
  EXCEPTION_TYPES,
  type HostContext,
  HostObject,
  PyDict,
  PyError,
  pyError,
  PyList,
  PyRange,
  PyTuple,
  PyType,
  type PyValue,
  typeName,
} from './values';

/** What matching needs of the interpreter. */
export interface MatchHost {
  readonly ctx: HostContext;
  /** The node being run, for error spans. */
  node: { readonly span: Span };
  evalExpr(e: A.Expr, scope: Scope): PyValue;
  assignName(name: string, value: PyValue, scope: Scope): void;
}

/** The block of the first case whose pattern and guard match the subject; null when none does. */
export function chosenCase(h: MatchHost, s: A.Match, scope: Scope): readonly A.Stmt[] | null {
  const subject = h.evalExpr(s.subject, scope);
  for (const c of s.cases) {
    h.node = c.pattern;
    h.ctx.tick();
    const bound = new Map<string, PyValue>();
    if (!matches(h, c.pattern, subject, bound, scope)) continue;
    for (const [name, v] of bound) h.assignName(name, v, scope);
    if (c.guard === null) return c.body;
    h.node = c.guard;
    if (ops.truthy(h.evalExpr(c.guard, scope), h.ctx)) return c.body;
  }
  return null;
}

function matches(h: MatchHost, p: A.Pattern, v: PyValue, bound: Map<string, PyValue>, scope: Scope): boolean {
  switch (p.kind) {
    case 'MatchCapture':
      if (p.name !== null) bound.set(p.name, v);
      return true;
    case 'MatchSingleton':
      return v === p.value;
    case 'MatchValue': {
      const value = h.evalExpr(p.value, scope);
      h.node = p;
      return ops.eq(v, value, h.ctx);
    }
    case 'MatchAs':
      if (!matches(h, p.pattern, v, bound, scope)) return false;
      bound.set(p.name, v);
      return true;
    case 'MatchOr':
      for (const alt of p.patterns) {
        const tried = new Map(bound);
        if (matches(h, alt, v, tried, scope)) {
          for (const [name, x] of tried) bound.set(name, x);
          return true;
        }
      }
      return false;
    case 'MatchSequence':
      return matchSequence(h, p.patterns, v, bound, scope);
    case 'MatchStar':
      throw new Error('a star pattern outside a sequence pattern');
    case 'MatchMapping':
      return matchMapping(h, p, v, bound, scope);
    case 'MatchClass':
      return matchClass(h, p, v, bound, scope);
  }
}

/** The items of a value that sequence patterns take (collections.abc.Sequence bar str, bytes, bytearray); null for others. */
function sequenceItems(v: PyValue, ctx: HostContext): readonly PyValue[] | null {
  if (v instanceof PyList || v instanceof PyTuple) return v.items;
  if (v instanceof PyRange || (v instanceof HostObject && v.pyType.qualifiedName === 'collections.deque')) {
    chargeItems(ctx, ops.len(v, ctx));
    return ops.materialize(v, ctx);
  }
  return null;
}

function matchSequence(h: MatchHost, patterns: readonly A.Pattern[], v: PyValue, bound: Map<string, PyValue>, scope: Scope): boolean {
  const items = sequenceItems(v, h.ctx);
  if (items === null) return false;
  const star = patterns.findIndex((p) => p.kind === 'MatchStar');
  if (star < 0 ? items.length !== patterns.length : items.length < patterns.length - 1) return false;
  // A snapshot: a guard or a sub-pattern's `==` that changes the list does not move what is matched.
  const seen = items.slice();
  for (let i = 0; i < patterns.length; i++) {
    const p = patterns[i];
    if (i === star) {
      const rest = seen.slice(i, seen.length - (patterns.length - 1 - i));
      chargeItems(h.ctx, rest.length);
      if (p.kind === 'MatchStar' && p.name !== null) bound.set(p.name, new PyList(rest));
      continue;
    }
    const at = star >= 0 && i > star ? seen.length - (patterns.length - i) : i;
    if (!matches(h, p, seen[at], bound, scope)) return false;
  }
  return true;
}

function matchMapping(h: MatchHost, p: Extract<A.Pattern, { kind: 'MatchMapping' }>, v: PyValue, bound: Map<string, PyValue>, scope: Scope): boolean {
  if (!(v instanceof PyDict)) return false;
  if (v.size < p.keys.length) return false;
  const found: PyValue[] = [];
  const used = new Set<string>();
  for (const keyExpr of p.keys) {
    const key = h.evalExpr(keyExpr, scope);
    h.node = p;
    const k = ops.dictKey(key, h.ctx);
    if (used.has(k)) throw pyError('ValueError', `mapping pattern checks duplicate key (${h.ctx.repr(key)})`);
    used.add(k);
    const value = v.getByKey(k);
    if (value === undefined) return false;
    found.push(value);
  }
  for (let i = 0; i < p.patterns.length; i++) if (!matches(h, p.patterns[i], found[i], bound, scope)) return false;
  if (p.rest !== null) {
    const rest = new PyDict();
    chargeItems(h.ctx, v.size);
    for (const [hk, [key, value]] of v.map) if (!used.has(hk)) rest.setByKey(hk, key, value);
    bound.set(p.rest, rest);
  }
  return true;
}

/** CPython's _Py_TPFLAGS_MATCH_SELF types: `case int(x):` binds the subject itself. */
const MATCH_SELF = new Set(['bool', 'bytearray', 'bytes', 'dict', 'float', 'frozenset', 'int', 'list', 'set', 'str', 'tuple']);

function matchClass(h: MatchHost, p: Extract<A.Pattern, { kind: 'MatchClass' }>, v: PyValue, bound: Map<string, PyValue>, scope: Scope): boolean {
  const cls = h.evalExpr(p.cls, scope);
  h.node = p;
  if (!(cls instanceof PyType)) throw pyError('TypeError', 'called match pattern must be a type');
  if (!ops.isInstance(v, cls)) return false;
  const names: string[] = [];
  let matchSelf = false;
  if (p.patterns.length > 0) {
    const matchArgs = cls.lookup('__match_args__');
    let allowed: readonly PyValue[];
    if (matchArgs === undefined) {
      matchSelf = cls.mro.some((t) => t.module === 'builtins' && MATCH_SELF.has(t.name));
      allowed = matchSelf ? [null] : [];
    } else if (matchArgs instanceof PyTuple) allowed = matchArgs.items;
    else throw pyError('TypeError', `${cls.name}.__match_args__ must be a tuple (got ${typeName(matchArgs)})`);
    if (allowed.length < p.patterns.length) {
      const n = allowed.length;
      throw pyError('TypeError', `${cls.name}() accepts ${n} positional sub-pattern${n === 1 ? '' : 's'} (${p.patterns.length} given)`);
    }
    if (!matchSelf) {
      for (const name of allowed.slice(0, p.patterns.length)) {
        if (typeof name !== 'string') throw pyError('TypeError', `__match_args__ elements must be strings (got ${typeName(name)})`);
        names.push(name);
      }
    }
  }
  names.push(...p.kwdAttrs);
  // As CPython: every attribute read (a missing one fails the match) before any sub-pattern runs.
  const values: PyValue[] = [];
  const seen = new Set<string>();
  for (const name of names) {
    if (seen.has(name)) throw pyError('TypeError', `${cls.name}() got multiple sub-patterns for attribute '${name}'`);
    seen.add(name);
    const value = attribute(h, v, name);
    if (value === undefined) return false;
    values.push(value);
  }
  if (matchSelf && !matches(h, p.patterns[0], v, bound, scope)) return false;
  const subPatterns = matchSelf ? p.kwdPatterns : [...p.patterns, ...p.kwdPatterns];
  for (let i = 0; i < subPatterns.length; i++) if (!matches(h, subPatterns[i], values[i], bound, scope)) return false;
  return true;
}

/** `getattr(v, name)`, undefined where it raises AttributeError (the match fails there). */
function attribute(h: MatchHost, v: PyValue, name: string): PyValue | undefined {
  try {
    return ops.getattr(v, name, h.ctx);
  } catch (e) {
    if (e instanceof PyError && e.exc.type.isSubtypeOf(EXCEPTION_TYPES.get('AttributeError')!)) return undefined;
    throw e;
  }
}
