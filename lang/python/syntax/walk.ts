/** A full walk of the AST: every statement and expression, into nested functions, lambdas and comprehensions. */
import type * as A from './ast';
import { patternExprs } from './patterns';

export interface Visitor {
  /** Return false to skip the statement's children. */
  stmt?(s: A.Stmt, parents: readonly A.Stmt[]): boolean | void;
  expr?(e: A.Expr, parents: readonly A.Stmt[]): void;
}

export function walkStatements(body: readonly A.Stmt[], v: Visitor, parents: A.Stmt[] = []): void {
  // NB: one stack, pushed and popped, is what visitors see as `parents`: they read it during the call and keep no reference.
  for (const s of body) walkStatement(s, v, parents);
}

function walkStatement(s: A.Stmt, v: Visitor, parents: A.Stmt[]): void {
  if (v.stmt?.(s, parents) === false) return;
  const ex = (e: A.Expr | null | undefined) => {
    if (e) walkExpr(e, v, parents);
  };
  const block = (b: readonly A.Stmt[]) => {
    parents.push(s);
    walkStatements(b, v, parents);
    parents.pop();
  };
  switch (s.kind) {
    case 'ExprStmt':
      ex(s.value);
      break;
    case 'Assign':
      s.targets.forEach(ex);
      ex(s.value);
      break;
    case 'AugAssign':
      ex(s.target);
      ex(s.value);
      break;
    case 'AnnAssign':
      ex(s.target);
      ex(s.annotation);
      ex(s.value);
      break;
    case 'Return':
      ex(s.value);
      break;
    case 'Delete':
      s.targets.forEach(ex);
      break;
    case 'Raise':
      ex(s.exc);
      ex(s.cause);
      break;
    case 'Assert':
      ex(s.test);
      ex(s.msg);
      break;
    case 'If':
    case 'While':
      ex(s.test);
      block(s.body);
      block(s.orelse);
      break;
    case 'For':
      ex(s.target);
      ex(s.iter);
      block(s.body);
      block(s.orelse);
      break;
    case 'Try':
      block(s.body);
      for (const h of s.handlers) {
        ex(h.type);
        block(h.body);
      }
      block(s.orelse);
      block(s.finalbody);
      break;
    case 'With':
      for (const item of s.items) {
        ex(item.context);
        ex(item.target);
      }
      block(s.body);
      break;
    case 'FunctionDef':
      s.decorators.forEach(ex);
      for (const p of s.params) {
        ex(p.default);
        ex(p.annotation);
      }
      ex(s.returns);
      block(s.body);
      break;
    case 'Match':
      ex(s.subject);
      for (const c of s.cases) {
        patternExprs(c.pattern).forEach(ex);
        ex(c.guard);
        block(c.body);
      }
      break;
    case 'ClassDef':
      s.decorators.forEach(ex);
      for (const b of s.bases) ex(b.value);
      block(s.body);
      break;
  }
}

export function walkExpr(e: A.Expr, v: Visitor, parents: readonly A.Stmt[]): void {
  const visit = (x: A.Expr) => {
    v.expr?.(x, parents);
    forEachChild(x, visit);
  };
  visit(e);
}

/** What a sub-expression is to its parent: evaluated, or a name it binds (a walrus's name, a comprehension's loop targets). */
export type ChildRole = 'value' | 'target';

/**
 * Calls `f` on each direct sub-expression of `e`, in source order, lambdas' and
 * comprehensions' included. A walk that treats scopes or targets differently
 * decides at its call site.
 */
export function forEachChild(e: A.Expr, f: (child: A.Expr, role: ChildRole) => void): void {
  switch (e.kind) {
    case 'FString':
      for (const p of e.parts) if (typeof p !== 'string') value(f, p);
      break;
    case 'FormattedValue':
      value(f, e.value);
      value(f, e.spec);
      break;
    case 'BinOp':
    case 'BoolOp':
      value(f, e.left);
      value(f, e.right);
      break;
    case 'UnaryOp':
      value(f, e.operand);
      break;
    case 'Compare':
      value(f, e.left);
      for (const c of e.comparators) value(f, c);
      break;
    case 'Call':
      value(f, e.func);
      for (const a of e.args) value(f, a.value);
      break;
    case 'Attribute':
    case 'Starred':
    case 'Yield':
    case 'YieldFrom':
      value(f, e.value);
      break;
    case 'Subscript':
      value(f, e.value);
      value(f, e.index);
      break;
    case 'Slice':
      value(f, e.lower);
      value(f, e.upper);
      value(f, e.step);
      break;
    case 'Tuple':
    case 'List':
    case 'Set':
      for (const x of e.elts) value(f, x);
      break;
    case 'Dict':
      for (const item of e.items) {
        if ('unpack' in item) value(f, item.unpack);
        else {
          value(f, item.key);
          value(f, item.value);
        }
      }
      break;
    case 'IfExp':
      value(f, e.test);
      value(f, e.body);
      value(f, e.orelse);
      break;
    case 'NamedExpr':
      f(e.target, 'target');
      value(f, e.value);
      break;
    case 'Lambda':
      for (const p of e.params) value(f, p.default);
      value(f, e.body);
      break;
    case 'ListComp':
    case 'SetComp':
    case 'GeneratorExp':
    case 'DictComp':
      for (const g of e.generators) {
        f(g.target, 'target');
        value(f, g.iter);
        for (const x of g.ifs) value(f, x);
      }
      if (e.kind === 'DictComp') {
        value(f, e.key);
        value(f, e.value);
      } else value(f, e.elt);
      break;
    case 'Name':
    case 'Num':
    case 'Imag':
    case 'Str':
    case 'Bool':
    case 'None':
    case 'Ellipsis':
    case 'UnsupportedExpr':
    case 'ErrorExpr':
      break;
    default:
      // NB: a new expression kind fails the build here until its children are listed above.
      e satisfies never;
  }
}

/** Calls `f` on an evaluated sub-expression, when there is one (a function, not a closure per node: walks are hot). */
function value(f: (child: A.Expr, role: ChildRole) => void, x: A.Expr | null | undefined): void {
  if (x) f(x, 'value');
}

/** True when `e` or anything inside it satisfies `pred`. */
export function someExpr(e: A.Expr, pred: (e: A.Expr) => boolean): boolean {
  let found = false;
  walkExpr(e, { expr: (x) => void (found ||= pred(x)) }, []);
  return found;
}
