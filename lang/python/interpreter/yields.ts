/**
 * Where a generator's body may suspend: the `yield`s of each statement and expression, found once
 * per node. A function whose body holds one is a generator function; a statement that holds none
 * runs on the interpreter's ordinary path, so code that never yields pays nothing for generators.
 */
import type * as A from '../syntax/ast';
import { forEachChild, patternExprs } from '../syntax';

export type YieldExpr = A.Yield | A.YieldFrom;

export interface Yields {
  /** The yields that always run when the expression does, in the order they run (inner ones first). */
  readonly ordered: readonly YieldExpr[];
  /** A yield that may not run (`a if c else (yield)`, `x and (yield)`): Gradlens refuses it. */
  readonly conditional: YieldExpr | null;
}

const NONE: Yields = { ordered: [], conditional: null };
const exprCache = new WeakMap<A.Expr, Yields>();
const ownCache = new WeakMap<A.Stmt, Yields>();
const suspendsCache = new WeakMap<A.Stmt, boolean>();

/** The yields of an expression, not counting those of lambdas and comprehensions (scopes of their own). */
export function yieldsOf(e: A.Expr): Yields {
  let y = exprCache.get(e);
  if (!y) {
    const ordered: YieldExpr[] = [];
    let conditional: YieldExpr | null = null;
    const visit = (x: A.Expr, maybe: boolean): void => {
      switch (x.kind) {
        case 'Lambda':
        case 'ListComp':
        case 'SetComp':
        case 'GeneratorExp':
        case 'DictComp':
          return;
        case 'Yield':
        case 'YieldFrom':
          if (x.value) visit(x.value, maybe);
          if (!maybe) ordered.push(x);
          else conditional ??= x;
          return;
        case 'IfExp':
          visit(x.test, maybe);
          visit(x.body, true);
          visit(x.orelse, true);
          return;
        case 'BoolOp':
          visit(x.left, maybe);
          visit(x.right, true);
          return;
        case 'Compare':
          visit(x.left, maybe);
          x.comparators.forEach((c, i) => visit(c, maybe || i > 0));
          return;
        default:
          forEachChild(x, (c, role) => {
            if (role === 'value') visit(c, maybe);
          });
      }
    };
    visit(e, false);
    y = ordered.length || conditional ? { ordered, conditional } : NONE;
    exprCache.set(e, y);
  }
  return y;
}

function combine(exprs: readonly (A.Expr | null)[]): Yields {
  const ordered: YieldExpr[] = [];
  let conditional: YieldExpr | null = null;
  for (const e of exprs) {
    if (!e) continue;
    const y = yieldsOf(e);
    ordered.push(...y.ordered);
    conditional ??= y.conditional;
  }
  return ordered.length || conditional ? { ordered, conditional } : NONE;
}

/**
 * The yields of a statement's own expressions, in the order Python evaluates them (an assignment's
 * value before its targets), not those of the blocks it holds. An `except` clause's type and an
 * `assert`'s message run only sometimes: a yield there counts as conditional.
 */
export function ownYields(s: A.Stmt): Yields {
  let y = ownCache.get(s);
  if (!y) {
    y = combine(ownExprs(s));
    if (s.kind === 'Try' || s.kind === 'Assert') {
      const sometimes = s.kind === 'Try' ? s.handlers.map((h) => h.type) : [s.msg];
      const c = combine(sometimes);
      const conditional = y.conditional ?? c.conditional ?? c.ordered[0] ?? null;
      if (conditional) y = { ordered: y.ordered, conditional };
    }
    ownCache.set(s, y);
  }
  return y;
}

function ownExprs(s: A.Stmt): (A.Expr | null)[] {
  switch (s.kind) {
    case 'ExprStmt':
    case 'Return':
      return [s.value];
    case 'Assign':
      return [s.value, ...s.targets];
    case 'AugAssign':
      return [s.target, s.value];
    case 'AnnAssign':
      return [s.value, s.target];
    case 'Delete':
      return [...s.targets];
    case 'Raise':
      return [s.exc, s.cause];
    case 'Assert':
      return [s.test];
    case 'If':
    case 'While':
      return [s.test];
    case 'For':
      return [s.iter, s.target];
    case 'With':
      return s.items.flatMap((i) => [i.context, i.target]);
    case 'Match':
      return [s.subject, ...s.cases.flatMap((c) => [...patternExprs(c.pattern), c.guard])];
    case 'FunctionDef':
      return [...s.decorators, ...s.params.map((p) => p.default)];
    case 'ClassDef':
      return [...s.decorators, ...s.bases.map((b) => b.value)];
    default:
      return [];
  }
}

/** Whether running the statement may suspend its generator: a yield in it or in a block it holds. */
export function suspends(s: A.Stmt): boolean {
  let r = suspendsCache.get(s);
  if (r === undefined) {
    const own = ownYields(s);
    r = own.ordered.length > 0 || own.conditional !== null || blocksOf(s).some((b) => b.some(suspends));
    suspendsCache.set(s, r);
  }
  return r;
}

function blocksOf(s: A.Stmt): (readonly A.Stmt[])[] {
  switch (s.kind) {
    case 'If':
    case 'While':
    case 'For':
      return [s.body, s.orelse];
    case 'Try':
      return [s.body, ...s.handlers.map((h) => h.body), s.orelse, s.finalbody];
    case 'With':
      return [s.body];
    case 'Match':
      return s.cases.map((c) => c.body);
    default:
      // A def's or a class's body is a scope of its own.
      return [];
  }
}

/**
 * How a generator body runs a statement: `none` on the ordinary path; `yield` (`yield v`) and
 * `assign` (`x = yield v`), the common forms, at once; `compound` (a loop, `if`, `try`, `with`
 * holding a yield) and `simple` (any other statement with yields) through their own steps.
 */
export type Suspension = 'none' | 'yield' | 'assign' | 'compound' | 'simple';

const suspensionCache = new WeakMap<A.Stmt, Suspension>();

export function suspension(s: A.Stmt): Suspension {
  let r = suspensionCache.get(s);
  if (r === undefined) {
    r = classify(s);
    suspensionCache.set(s, r);
  }
  return r;
}

function classify(s: A.Stmt): Suspension {
  if (!suspends(s)) return 'none';
  switch (s.kind) {
    case 'If':
    case 'While':
    case 'For':
    case 'Try':
    case 'With':
    case 'Match':
      return 'compound';
    case 'ExprStmt':
      return s.value.kind === 'Yield' && yieldsOf(s.value).ordered.length === 1 ? 'yield' : 'simple';
    case 'Assign':
      return s.targets.length === 1 && s.targets[0].kind === 'Name' && s.value.kind === 'Yield' && yieldsOf(s.value).ordered.length === 1 ? 'assign' : 'simple';
    default:
      return 'simple';
  }
}

/** Whether a function body makes a generator function. */
export function isGeneratorBody(body: readonly A.Stmt[]): boolean {
  return body.some(suspends);
}
