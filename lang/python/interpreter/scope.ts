/**
 * Python's static scoping: which names a function, lambda, class body or
 * comprehension binds locally, and which it declares `global`/`nonlocal`.
 * A name assigned anywhere in a function is local to all of it, as in Python.
 */
import type * as A from '../syntax/ast';
import type { PyValue } from './values';
import { forEachChild, patternNames, walkExpr, walkStatements } from '../syntax';
import { isGeneratorBody } from './yields';

export interface ScopeInfo {
  readonly kind: 'function' | 'class' | 'comprehension';
  readonly locals: ReadonlySet<string>;
  readonly globals: ReadonlySet<string>;
  readonly nonlocals: ReadonlySet<string>;
  /** A function whose body yields: calling it makes a generator. */
  readonly generator: boolean;
}

/** A runtime scope: one per call, class body or comprehension; the module scope has no info. */
export class Scope {
  readonly vars: Map<string, PyValue>;
  /**
   * The names that functions, lambdas and classes defined in it (or in a scope inside it) may
   * read from it (namesRead): those variables outlive its frame; the others go as it ends.
   */
  captured: Set<string> | null = null;
  /**
   * Generator expressions made in it (or in a scope inside it) that have not finished: they may
   * read its variables after its frame ended (`return (X[i:i + 2] for i in range(n))`), so its
   * frame's end leaves them to the last of these to finish (`released`).
   */
  readers = 0;
  /** Its frame ended while `readers` was not 0: the last reader to finish lets go of its variables. */
  released = false;
  /**
   * Counted closures made in it or in a scope inside it that live, and frames and generators of
   * theirs that run (ReferenceCounts.capture, keepScopes): its `captured` variables outlive its
   * frame while there are any, as CPython's cells live while a closure holds them.
   */
  closures = 0;
  /** A closure the interpreter does not count may read its `captured` variables: they stay to the run's end. */
  keepsCaptured = false;
  /** Its frame ended while `closures` was not 0: the last of them to go lets go of its variables. */
  ended = false;
  /** A generator's scope: how many of its `try`, `with`, delegations and loops over a generator they made are running (generator_body.ts). */
  closeGuards = 0;

  constructor(
    readonly info: ScopeInfo | null,
    readonly parent: Scope | null,
    readonly globals: Map<string, PyValue>,
    /** Whose scope this is (`f`, `C`), for the qualified names of functions defined here; see qualPrefix. */
    readonly owner: string,
    /** What follows the owner in those names (`.<locals>.` after a function, `.` after a class). */
    readonly ownerSuffix = '',
  ) {
    this.vars = info === null ? globals : new Map();
  }

  /** Prefix for the qualified names of functions defined here (`f.<locals>.`, `C.`). NB: joined when a definition asks, not at every call. */
  get qualPrefix(): string {
    return this.owner + this.ownerSuffix;
  }
}

const cache = new WeakMap<object, ScopeInfo>();
const readCache = new WeakMap<object, ReadonlySet<string>>();

/**
 * Every name written in a function, lambda or class definition, `nonlocal` ones included: what it
 * may read from the scopes around it when it runs (a superset of its free variables, as cheap).
 */
export function namesRead(node: A.FunctionDef | A.Lambda | A.ClassDef): ReadonlySet<string> {
  let names = readCache.get(node);
  if (names === undefined) {
    const found = new Set<string>();
    const visitor = {
      stmt: (st: A.Stmt) => {
        if (st.kind === 'Nonlocal') for (const n of st.names) found.add(n);
      },
      expr: (e: A.Expr) => {
        if (e.kind === 'Name') found.add(e.id);
      },
    };
    if (node.kind === 'Lambda') walkExpr(node, visitor, []);
    else walkStatements([node], visitor);
    names = found;
    readCache.set(node, names);
  }
  return names;
}

/**
 * Whether function, lambda or class `node`, defined in `scope`, may read a variable of a function or
 * comprehension around it (namesRead against their locals; class bodies are not seen from inside,
 * as in Python). One that reads none (`lambda: None`, `key=lambda t: t[1]`) needs no closure: its
 * names are its own, the module's or builtins. NB: micrograd's Value makes `lambda: None` at each
 * of its hundred thousand instances; without a closure none of their frames outlive the call.
 */
export function readsEnclosing(node: A.FunctionDef | A.Lambda | A.ClassDef, scope: Scope): boolean {
  const names = namesRead(node);
  if (names.size === 0) return false;
  for (let s: Scope | null = scope; s !== null && s.info !== null; s = s.parent) {
    if (s.info.kind === 'class') continue;
    for (const n of names) if (s.info.locals.has(n) || s.info.nonlocals.has(n)) return true;
  }
  return false;
}

type ScopeNode = A.FunctionDef | A.Lambda | A.ClassDef | A.Comp | A.DictComp;

export function scopeInfo(node: ScopeNode): ScopeInfo {
  let info = cache.get(node);
  if (!info) {
    info = compute(node);
    cache.set(node, info);
  }
  return info;
}

function compute(node: ScopeNode): ScopeInfo {
  const locals = new Set<string>();
  const globals = new Set<string>();
  const nonlocals = new Set<string>();
  const target = (e: A.Expr): void => {
    switch (e.kind) {
      case 'Name':
        locals.add(e.id);
        break;
      case 'Tuple':
      case 'List':
        e.elts.forEach(target);
        break;
      case 'Starred':
        target(e.value);
        break;
    }
  };
  // Walrus targets inside expressions bind in the enclosing function.
  const walrus = (e: A.Expr | null | undefined): void => {
    if (!e) return;
    visitExpr(e, (x) => {
      if (x.kind === 'NamedExpr') locals.add(x.target.id);
    });
  };
  const stmts = (body: readonly A.Stmt[]): void => {
    for (const s of body) {
      switch (s.kind) {
        case 'Assign':
          s.targets.forEach(target);
          walrus(s.value);
          break;
        case 'AugAssign':
        case 'AnnAssign':
          target(s.target);
          walrus(s.value);
          break;
        case 'For':
          target(s.target);
          walrus(s.iter);
          stmts(s.body);
          stmts(s.orelse);
          break;
        case 'While':
          walrus(s.test);
          stmts(s.body);
          stmts(s.orelse);
          break;
        case 'If':
          walrus(s.test);
          stmts(s.body);
          stmts(s.orelse);
          break;
        case 'With':
          for (const item of s.items) {
            if (item.target) target(item.target);
            walrus(item.context);
          }
          stmts(s.body);
          break;
        case 'Try':
          stmts(s.body);
          for (const h of s.handlers) {
            if (h.name) locals.add(h.name);
            stmts(h.body);
          }
          stmts(s.orelse);
          stmts(s.finalbody);
          break;
        case 'Match':
          walrus(s.subject);
          for (const c of s.cases) {
            for (const n of patternNames(c.pattern)) locals.add(n);
            walrus(c.guard);
            stmts(c.body);
          }
          break;
        case 'FunctionDef':
        case 'ClassDef':
          locals.add(s.name);
          break;
        case 'Import':
          for (const a of s.names) locals.add(a.asname ?? a.name.split('.')[0]);
          break;
        case 'ImportFrom':
          for (const a of s.names ?? []) locals.add(a.asname ?? a.name);
          break;
        case 'Delete':
          s.targets.forEach(target);
          break;
        case 'Global':
          for (const n of s.names) globals.add(n);
          break;
        case 'Nonlocal':
          for (const n of s.names) nonlocals.add(n);
          break;
        case 'ExprStmt':
        case 'Return':
          walrus(s.kind === 'ExprStmt' ? s.value : s.value);
          break;
      }
    }
  };
  switch (node.kind) {
    case 'FunctionDef':
    case 'Lambda':
      for (const p of node.params) locals.add(p.name);
      if (node.kind === 'FunctionDef') stmts(node.body);
      else walrus(node.body);
      break;
    case 'ClassDef':
      stmts(node.body);
      return { kind: 'class', locals, globals, nonlocals, generator: false };
    default:
      for (const g of node.generators) target(g.target);
      return { kind: 'comprehension', locals, globals, nonlocals, generator: false };
  }
  for (const n of globals) locals.delete(n);
  for (const n of nonlocals) locals.delete(n);
  return { kind: 'function', locals, globals, nonlocals, generator: node.kind === 'FunctionDef' && isGeneratorBody(node.body) };
}

/**
 * Calls `f` on `e` and every expression evaluated inside it, for the walrus
 * rule: comprehensions are entered (a walrus there binds in the enclosing
 * function), lambdas are not, and binding targets (a walrus's own name, a
 * comprehension's loop targets) are skipped.
 */
export function visitExpr(e: A.Expr, f: (e: A.Expr) => void): void {
  f(e);
  if (e.kind === 'Lambda') return;
  forEachChild(e, (x, role) => {
    if (role === 'value') visitExpr(x, f);
  });
}
