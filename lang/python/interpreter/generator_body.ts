/**
 * A generator function's body, run so that it can suspend: JS generator functions over the
 * statements that may yield (yields.ts finds them), so a `yield` deep in loops and `try` blocks
 * suspends with all of that state in the JS generators' frames. Every statement that cannot yield
 * goes to the interpreter's ordinary path (`execStmt`), so most of a body runs as fast as any
 * function's, and code outside generators never comes here.
 *
 * A simple statement that yields (`x = yield v`, `total += yield`, `return (yield)`) runs its
 * yields first, in the order Python evaluates them, and then the whole statement on the ordinary
 * path, where each yield evaluates to the value it received (`yieldResults`). A yield that might
 * not run (`a if c else (yield)`) cannot be run ahead: it is refused at its span.
 */
import type * as A from '../syntax/ast';
import type { Span } from '../syntax';
import { BREAK, type Completion, NORMAL, RETURN } from './completion';
import { generatorCount, PyGenerator } from './generator';
import { chosenCase } from './match';
import * as ops from './operators';
import type { Scope } from './scope';
import { type ExceptionObject, GeneratorExit, HaltError, type HostContext, PyError, type PyValue, withContext } from './values';
import { ownYields, suspension, yieldsOf, type YieldExpr, type Yields } from './yields';

/** What a generator body needs of the interpreter: its ordinary path and the state a suspension keeps. */
export interface GeneratorHost {
  /** The interpreter, as host code sees it (iteration, truth, the step budget). */
  readonly ctx: HostContext;
  /** The node being run, for error spans. */
  node: { readonly span: Span };
  /** The value of the last `return`. */
  retval: PyValue;
  /** What each yield of the statement being run received, read by `evalExpr` at the Yield node. */
  yieldResults: ReadonlyMap<A.Expr, PyValue> | null;
  /** Exceptions being handled, innermost last. */
  readonly handling: ExceptionObject[];
  execStmt(s: A.Stmt, scope: Scope): Completion;
  evalExpr(e: A.Expr, scope: Scope): PyValue;
  assign(target: A.Expr, value: PyValue, scope: Scope): void;
  assignName(name: string, value: PyValue, scope: Scope): void;
  handlerMatches(exc: ExceptionObject, h: A.ExceptHandler, scope: Scope): boolean;
  enter(mgr: PyValue): PyValue;
  /** A `with` body raised `e`: `__exit__` runs; NORMAL where it swallowed `e`, else `e` propagates. */
  exitRaised(mgr: PyValue, e: unknown): Completion;
  /** A `with` body ended with `r`: `__exit__` runs, the return value kept. */
  exitNormally(mgr: PyValue, r: Completion): Completion;
  normalize(e: unknown): PyError | HaltError;
  /** A halt or a StopRun: passes through every `try` and `with`, running no `finally`. */
  uncatchable(e: unknown): boolean;
  /** `v` went somewhere other than a name (a generator's caller): never collected. */
  escape(v: PyValue): void;
  /**
   * A `for` loop or a `yield from` in a generator's body draws from `it` as the ordinary path's
   * loop does: it holds `it` (a generator, a container that counts its items) until `end`, and
   * what a generator yields is the loop target's (or the delegating generator's) to take.
   */
  drawFrom(it: PyValue): Drawing;
  /** Resumes `inner`, which a `yield from` delegates to: what it yields is the delegating generator's to yield on (it counts it or lets it escape). */
  delegate(inner: PyGenerator, thrown: ExceptionObject | null, sent: PyValue): IteratorResult<PyValue, PyValue>;
  /** After a `for` loop left early: closes its iterable if the loop's header made it (CPython frees it there). */
  closeAbandoned(iterable: PyValue, madeBefore: number): void;
}

/** What a loop in a generator's body draws from its iterable (GeneratorHost.drawFrom). */
export interface Drawing {
  /** The next item, or undefined once the iterable is used up. */
  next(): PyValue | undefined;
  /** The loop's target took the item: the loop lets go of its count on it (a generator's yield). */
  took(): void;
  /** The loop ended: it lets go of its iterable. */
  end(): void;
}

type Run = Generator<PyValue, Completion, PyValue>;
type Eval = Generator<PyValue, PyValue, PyValue>;

/** A `def`'s body as a generator's: yields what it yields, returns what its `return` returns. */
export function* functionBody(h: GeneratorHost, body: readonly A.Stmt[], scope: Scope): Eval {
  if ((yield* block(h, body, scope)) !== RETURN) return null;
  const v = h.retval;
  h.retval = null;
  return v;
}

function* block(h: GeneratorHost, body: readonly A.Stmt[], scope: Scope): Run {
  for (let i = 0; i < body.length; i++) {
    const s = body[i];
    let r: Completion;
    switch (suspension(s)) {
      case 'none':
        r = h.execStmt(s, scope);
        break;
      case 'yield': {
        const y = (s as A.ExprStmt).value as A.Yield;
        h.node = s;
        h.ctx.tick();
        const v = y.value === null ? null : h.evalExpr(y.value, scope);
        h.node = y;
        h.escape(yield v);
        continue;
      }
      case 'assign': {
        const a = s as A.Assign;
        const y = a.value as A.Yield;
        h.node = s;
        h.ctx.tick();
        const v = y.value === null ? null : h.evalExpr(y.value, scope);
        h.node = y;
        const sent = yield v;
        h.escape(sent);
        h.node = s;
        h.assignName((a.targets[0] as A.Name).id, sent, scope);
        continue;
      }
      case 'compound':
        h.node = s;
        h.ctx.tick();
        r = yield* compound(h, s, scope);
        break;
      case 'simple': {
        h.node = s;
        const yields = ownYields(s);
        refuseConditional(yields);
        const results = yield* runYields(h, yields.ordered, scope);
        r = withResults(h, results, () => h.execStmt(s, scope));
        break;
      }
    }
    if (r !== NORMAL) return r;
  }
  return NORMAL;
}

function compound(h: GeneratorHost, s: A.Stmt, scope: Scope): Run {
  switch (s.kind) {
    case 'If':
      return ifStatement(h, s, scope);
    case 'While':
      return whileStatement(h, s, scope);
    case 'For':
      return forStatement(h, s, scope);
    case 'Try':
      refuseConditional(ownYields(s));
      return guarded(scope, tryStatement(h, s, scope));
    case 'With':
      return guarded(scope, withItems(h, s, 0, scope));
    case 'Match':
      return matchStatement(h, s, scope);
    default:
      throw new Error(`${s.kind} holds no block`);
  }
}

function* matchStatement(h: GeneratorHost, s: A.Match, scope: Scope): Run {
  const own = ownYields(s);
  if (own.ordered.length || own.conditional) {
    throw new HaltError('unsupported', "Gradlens does not support a 'yield' in a match statement's subject, patterns or guards; yield in a statement of its own before the match", (own.ordered[0] ?? own.conditional)!.span);
  }
  const chosen = chosenCase(h, s, scope);
  return chosen === null ? NORMAL : yield* block(h, chosen, scope);
}

function refuseConditional(y: Yields): void {
  if (y.conditional) {
    throw new HaltError(
      'unsupported',
      "Gradlens does not support a 'yield' that may not run (in 'a if c else b', after 'and'/'or', in a comparison chain, an except clause's type or an assert's message); "
        + 'yield in a statement of its own and use its value',
      y.conditional.span,
    );
  }
}

/** Evaluates an expression that may yield (a loop's header): its yields first, then the rest. */
function* expr(h: GeneratorHost, e: A.Expr, scope: Scope): Eval {
  const yields = yieldsOf(e);
  if (!yields.ordered.length && !yields.conditional) return h.evalExpr(e, scope);
  refuseConditional(yields);
  const results = yield* runYields(h, yields.ordered, scope);
  return withResults(h, results, () => h.evalExpr(e, scope));
}

function* runYields(h: GeneratorHost, yields: readonly YieldExpr[], scope: Scope): Generator<PyValue, Map<A.Expr, PyValue>, PyValue> {
  const results = new Map<A.Expr, PyValue>();
  for (const y of yields) {
    // An inner yield (`yield (yield)`) ran before this one: its operand reads the result.
    const operand = y.value === null ? null : withResults(h, results, () => h.evalExpr(y.value!, scope));
    h.node = y;
    results.set(y, y.kind === 'Yield' ? yield* yieldValue(h, operand) : yield* guarded(scope, yieldFrom(h, operand, y)));
  }
  return results;
}

/**
 * Runs a statement or `yield from` during which closing the generator runs code (a `try`, a
 * `with`, a delegation): while one is, `close()` throws GeneratorExit in; else it need not.
 */
function* guarded<T>(scope: Scope, body: Generator<PyValue, T, PyValue>): Generator<PyValue, T, PyValue> {
  scope.closeGuards++;
  try {
    return yield* body;
  } finally {
    scope.closeGuards--;
  }
}

function withResults<T>(h: GeneratorHost, results: ReadonlyMap<A.Expr, PyValue>, f: () => T): T {
  const saved = h.yieldResults;
  h.yieldResults = results;
  try {
    return f();
  } finally {
    h.yieldResults = saved;
  }
}

function* yieldValue(h: GeneratorHost, v: PyValue): Eval {
  const sent = yield v;
  h.escape(sent);
  return sent;
}

/** `yield from it`: a generator is delegated to (send, throw and close pass through); any other iterable is drawn from. */
function* yieldFrom(h: GeneratorHost, it: PyValue, y: A.YieldFrom): Eval {
  if (!(it instanceof PyGenerator)) {
    const items = h.drawFrom(it);
    try {
      for (;;) {
        h.node = y;
        const item = items.next();
        if (item === undefined) return null;
        yield* yieldValue(h, item);
      }
    } finally {
      items.end();
    }
  }
  let r = h.delegate(it, null, null);
  for (;;) {
    if (r.done) return r.value;
    let sent: PyValue;
    try {
      sent = yield* yieldValue(h, r.value);
    } catch (e) {
      if (!(e instanceof PyError)) throw e;
      if (e.exc.type.isSubtypeOf(GeneratorExit)) {
        it.close();
        throw e;
      }
      h.node = y;
      r = h.delegate(it, e.exc, null);
      continue;
    }
    h.node = y;
    r = h.delegate(it, null, sent);
  }
}

function* ifStatement(h: GeneratorHost, s: A.If, scope: Scope): Run {
  let branch: A.If = s;
  for (;;) {
    if (ops.truthy(yield* expr(h, branch.test, scope), h.ctx)) return yield* block(h, branch.body, scope);
    const orelse = branch.orelse;
    if (orelse.length !== 1 || orelse[0].kind !== 'If') return yield* block(h, orelse, scope);
    branch = orelse[0];
    h.node = branch;
  }
}

function* whileStatement(h: GeneratorHost, s: A.While, scope: Scope): Run {
  while (ops.truthy(yield* expr(h, s.test, scope), h.ctx)) {
    const r = yield* block(h, s.body, scope);
    if (r === BREAK) return NORMAL;
    if (r === RETURN) return r;
    h.node = s;
    h.ctx.tick();
  }
  return yield* block(h, s.orelse, scope);
}

function* forStatement(h: GeneratorHost, s: A.For, scope: Scope): Run {
  const made = generatorCount();
  const it = yield* expr(h, s.iter, scope);
  h.node = s;
  const items = h.drawFrom(it);
  // A generator the header made is closed when the loop is left: closing this generator there runs code.
  const guards = it instanceof PyGenerator && it.serial >= made;
  if (guards) scope.closeGuards++;
  try {
    for (;;) {
      h.node = s;
      const item = items.next();
      if (item === undefined) break;
      h.assign(s.target, item, scope);
      items.took();
      const r = yield* block(h, s.body, scope);
      if (r === BREAK || r === RETURN) {
        h.closeAbandoned(it, made);
        return r === BREAK ? NORMAL : r;
      }
    }
  } catch (e) {
    // An exception leaving the loop (GeneratorExit thrown in at a `yield` in its body among them) frees its iterator.
    if (!h.uncatchable(e)) h.closeAbandoned(it, made);
    throw e;
  } finally {
    if (guards) scope.closeGuards--;
    items.end();
  }
  return yield* block(h, s.orelse, scope);
}

function* tryStatement(h: GeneratorHost, s: A.Try, scope: Scope): Run {
  let result: Completion = NORMAL;
  let thrown: unknown = undefined;
  let failed = false;
  try {
    let raised = false;
    try {
      result = yield* block(h, s.body, scope);
    } catch (e) {
      const err = h.normalize(e);
      if (err instanceof HaltError) throw err;
      raised = true;
      let handled = false;
      for (const handler of s.handlers) {
        if (!h.handlerMatches(err.exc, handler, scope)) continue;
        handled = true;
        result = yield* handlerBody(h, handler, err.exc, scope);
        break;
      }
      if (!handled) throw err;
    }
    if (!raised && result === NORMAL && s.orelse.length) result = yield* block(h, s.orelse, scope);
  } catch (e) {
    thrown = e;
    failed = true;
  }
  if (failed && h.uncatchable(thrown)) throw thrown;
  if (s.finalbody.length) {
    const saved = h.retval;
    const r = yield* block(h, s.finalbody, scope);
    // A break, continue or return in `finally` discards the exception in flight, as in Python.
    if (r !== NORMAL) return r;
    h.retval = saved;
  }
  if (failed) throw thrown;
  return result;
}

function* handlerBody(h: GeneratorHost, handler: A.ExceptHandler, exc: ExceptionObject, scope: Scope): Run {
  h.handling.push(exc);
  try {
    if (handler.name) h.assignName(handler.name, exc, scope);
    return yield* block(h, handler.body, scope);
  } catch (e) {
    throw withContext(e, exc);
  } finally {
    h.handling.pop();
    if (handler.name) scope.vars.delete(handler.name);
  }
}

function* withItems(h: GeneratorHost, s: A.With, i: number, scope: Scope): Run {
  if (i === s.items.length) return yield* block(h, s.body, scope);
  const item = s.items[i];
  const mgr = yield* expr(h, item.context, scope);
  h.node = item.context;
  const entered = h.enter(mgr);
  if (item.target) h.assign(item.target, entered, scope);
  let r: Completion;
  try {
    r = yield* withItems(h, s, i + 1, scope);
  } catch (e) {
    return h.exitRaised(mgr, e);
  }
  return h.exitNormally(mgr, r);
}
