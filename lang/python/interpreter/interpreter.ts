/**
 * A tree-walking evaluator over the AST of ast.ts. Never `eval`: every
 * construct is interpreted here, and everything outside the supported subset
 * stops with an error at its span. The interpreter is also the `HostContext`
 * that host shims see.
 */
import type * as A from '../syntax/ast';
import { openScope, type OpScope } from '../../../runtime/core';
import { createBuiltins } from './builtins';
import {
  AssertionError,
  BaseException,
  HaltError,
  PyError,
  RecursionError,
  RuntimeError,
  pyError,
  HostObject,
  hostObjectCount,
  type BinaryOp,
  type CompareOp,
  type HostContext,
  ELLIPSIS,
  ExceptionObject,
  PyBoundMethod,
  StopIteration,
  withContext,
  PyBuiltin,
  PyDict,
  PyFunction,
  PyInstance,
  PyIterator,
  PyList,
  PyModule,
  releaseDrawnFrom,
  PySet,
  PySlice,
  PyTuple,
  PyType,
  type Kwargs,
  type FailedOp,
  type Operand,
  type PyValue,
  dictType,
  frozensetType,
  listType,
  objectType,
  openStderr,
  openStdout,
  openWarningChannel,
  setType,
  tupleType,
  type ShownWarning,
  typeName,
} from './values';
import { BREAK, CONTINUE, type Completion, NORMAL, RETURN } from './completion';
import { isFoldedConstant } from './constant_folding';
import { finalizeGenerators } from './finalization';
import { generatorCount, type GeneratorFrame, PyGenerator } from './generator';
import { type Drawing, functionBody, type GeneratorHost } from './generator_body';
import { chosenCase } from './match';
import { unsupportedModuleMessage, type ModuleRegistry } from './module_shims';
import * as ops from './operators';
import { Property } from './operators';
import { checkBases, finalizerDefinition, finishClass, instantiate, SuperObject } from './classes';
import { countsInstances, type Counted, type CountingRun, holds, holdsOnlyItsDict, ReferenceCounts } from './reference_counts';
import { readsEnclosing, Scope, scopeInfo } from './scope';
import { type Taker, Takers } from './yield_takers';
import { formatTraceback, unraisableText } from './unraisable';
import type { Span } from '../syntax';

export interface Budgets {
  /** Statements, loop iterations and calls the script may run. */
  maxSteps: number;
  /** Wall-clock time for the run, in milliseconds. */
  maxWallMs: number;
  /** Python frames deep (RecursionError past it, as Python). */
  maxRecursionDepth: number;
  /** Tensor memory alive at once, charged by host shims through `allocate`. */
  maxTensorBytes: number;
}

export const DEFAULT_BUDGETS: Readonly<Budgets> = {
  maxSteps: 10_000_000,
  maxWallMs: 10_000,
  // CPython's default limit (sys.getrecursionlimit()); micrograd's build_topo goes hundreds deep.
  maxRecursionDepth: 1000,
  maxTensorBytes: 2 ** 30,
};

/**
 * Cancellation: an AbortSignal, or anything with an `aborted` flag. The
 * interpreter polls it every 256 steps; to cancel a run on another
 * thread, back the flag with a SharedArrayBuffer (see `sharedCancelFlag`).
 */
export interface CancelSignal {
  readonly aborted: boolean;
  /**
   * Told where the run is at each step (a statement, a call) and each time it looks at `aborted` (before each tensor op):
   * a caller that may have to stop the run from outside, inside one long kernel, says where it stopped.
   */
  at?(span: Span): void;
}

/** A cancel flag another thread can raise: `Atomics.store(view, 0, 1)` on the shared buffer. */
export function sharedCancelFlag(buffer: SharedArrayBuffer = new SharedArrayBuffer(4)): CancelSignal & { buffer: SharedArrayBuffer; cancel(): void } {
  const view = new Int32Array(buffer);
  return {
    buffer,
    get aborted() {
      return Atomics.load(view, 0) !== 0;
    },
    cancel() {
      Atomics.store(view, 0, 1);
    },
  };
}

export interface InterpreterOptions {
  file?: string;
  /** Receives what `print` writes. */
  write?: (text: string) => void;
  /** Receives what the script writes to stderr itself (`sys.stderr.write`, `logging`); warnings go to `onWarning`. */
  writeStderr?: (text: string) => void;
  modules?: ModuleRegistry;
  budgets?: Partial<Budgets>;
  signal?: CancelSignal;
  /**
   * Called before each call expression calls its callee (a `def`, a lambda, a
   * decorator's wrapper, a builtin, a host callable), with the arguments.
   * Throw (e.g. a `StopRun`) to stop the run there: how example inputs are captured.
   */
  onCall?: (callee: PyValue, args: readonly PyValue[], kwargs: Kwargs, call: A.Call) => void;
  /** Called when a `def` creates a function, before its decorators wrap it. */
  onDefine?: (fn: PyFunction) => void;
  /** Called after each assignment to a name (see `Interpreter.onAssign`). */
  onAssign?: AssignListener;
  /** The script's text: the source line a warning shows under its header, as CPython's linecache gives it. */
  source?: string;
  /** Receives each warning shown (`warnings.warn`, a library's UserWarning): what CPython writes to stderr. */
  onWarning?: (w: ShownWarning) => void;
}

/**
 * Hears each value bound to a name by an assignment statement (`=`, `+=`, `x: T = ...`, a `for` or
 * `with` target, each name of an unpacking), with the target's span: how the editor records what
 * every line assigned. Not called for parameters, imports, `def` and `class`.
 */
export type AssignListener = (name: string, value: PyValue, at: Span) => void;

/** Thrown by hooks to stop a run without an error; passes through every `try` and `with`. */
export class StopRun extends Error {
  constructor(readonly payload?: unknown) {
    super('run stopped');
    this.name = 'StopRun';
  }
}

const NO_KWARGS: Kwargs = new Map();

interface ParamLayout {
  positional: { param: A.Param; index: number }[];
  varargs: A.Param | null;
  keywordOnly: { param: A.Param; index: number }[];
  varkw: A.Param | null;
  /** Parameters a keyword may fill. */
  byName: Map<string, A.Param>;
}

const layouts = new WeakMap<object, ParamLayout>();

function layoutOf(node: A.FunctionDef | A.Lambda): ParamLayout {
  let l = layouts.get(node);
  if (!l) {
    l = { positional: [], varargs: null, keywordOnly: [], varkw: null, byName: new Map() };
    node.params.forEach((param, index) => {
      if (param.kind === 'positional') l!.positional.push({ param, index });
      else if (param.kind === 'keywordOnly') l!.keywordOnly.push({ param, index });
      else if (param.kind === 'varargs') l!.varargs = param;
      else l!.varkw = param;
      if ((param.kind === 'positional' && !param.positionalOnly) || param.kind === 'keywordOnly') l!.byName.set(param.name, param);
    });
    layouts.set(node, l);
  }
  return l;
}

/** The defaults of a function without parameters: one array for all (a lambda made at every call has none). */
const NO_DEFAULTS: readonly undefined[] = [];
/** The decorators of a `def` without any: one array for all (a closure made at every call has none). */
const NO_DECORATORS: readonly PyValue[] = [];

function nameList(names: string[]): string {
  const q = names.map((n) => `'${n}'`);
  return q.length === 1 ? q[0] : `${q.slice(0, -1).join(', ')} and ${q[q.length - 1]}`;
}

function formatCount(n: number): string {
  return n.toLocaleString('en-US');
}

interface Frame {
  fn: PyFunction;
  scope: Scope;
  /** The call that entered it: where `warnings.warn(..., stacklevel=2)` points. */
  caller: { readonly span: Span };
}

/**
 * Built-ins that keep none of their arguments: they return something new or one of them
 * (`float(np.sum(y * 2))`, `print(x * 2)`, `max(a, b)`), so a temporary passed to one is used up.
 */
const CONSUMING_BUILTINS = ['print', 'len', 'repr', 'format', 'round', 'abs', 'min', 'max', 'sum', 'any', 'all', 'float', 'int', 'bool', 'str', 'isinstance', 'hash', 'id'];

/**
 * Built-ins that keep no generator passed to them: they draw from it and return (`next(it)`,
 * `list(g)`, `sum(x * x for x in xs)`), or return it itself (`iter(g)`). A generator made in the
 * statement and passed to one is closed as the call returns, as CPython frees it there.
 */
const ITERATOR_CONSUMING_BUILTINS = [...CONSUMING_BUILTINS, 'next', 'iter', 'list', 'tuple', 'set', 'frozenset', 'dict', 'sorted', 'type'];

/**
 * Built-ins whose result holds what they were given and keeps nothing else of it: a container of
 * the items (`list(zip(xs, ys))`, `sorted(xs)`, `dict(x=a, y=b)`, `set(xs)`), or an iterator that
 * draws from its arguments (`zip(xs, ys)`, `map(f, xs)`, `enumerate(xs)`). Their result counts as
 * a name for what it holds. So do the container types' subclasses (`OrderedDict`, `defaultdict`,
 * `Counter`, a class deriving from dict): CONTAINER_TYPES.
 */
const CONTAINER_BUILTINS = ['list', 'tuple', 'dict', 'set', 'frozenset', 'sorted', 'reversed', 'zip', 'enumerate', 'map', 'filter', 'iter'];

/** The built-in container types: calling one or a subclass of one makes a container of its arguments (see CONTAINER_BUILTINS). */
const CONTAINER_TYPES = [listType, tupleType, dictType, setType, frozensetType];

/** Whether calling instance `f` lends its arguments: its class's `__call__` does (PyBuiltin.lendsArguments). */
function lendsArguments(f: PyInstance): boolean {
  const call = f.cls.lookup('__call__');
  return call instanceof PyBuiltin && call.lendsArguments;
}

export class Interpreter implements HostContext {
  readonly file: string;
  readonly globals = new Map<string, PyValue>();
  readonly builtins: Map<string, PyValue>;
  private readonly budgets: Budgets;
  private readonly modules: ModuleRegistry;
  private readonly moduleCache = new Map<string, PyModule>();
  private readonly signal: CancelSignal | undefined;
  private readonly onCall: InterpreterOptions['onCall'];
  private readonly onDefine: InterpreterOptions['onDefine'];
  /** Built-ins that keep none of their arguments (CONSUMING_BUILTINS), as an op. */
  private readonly consuming: ReadonlySet<PyValue | undefined>;
  /** Built-ins that keep no generator passed to them (ITERATOR_CONSUMING_BUILTINS). */
  private readonly iteratorConsuming: ReadonlySet<PyValue | undefined>;
  /** Built-ins whose result holds what they were given (CONTAINER_BUILTINS). */
  private readonly containerMaking: ReadonlySet<PyValue | undefined>;
  /** Set while assignments are recorded; NB: null costs the assignment one comparison. */
  onAssign: AssignListener | null;
  private readonly stateMap = new Map<object, unknown>();
  private readonly superBuiltin: PyBuiltin;
  private readonly frames: Frame[] = [];
  /** A function called with at least this many frames below it opens a scope (see callScopingCalls); NB: one comparison a call when off. */
  private scopeCallsFrom = Infinity;
  /** The frame depth at which callScopingCalls called the function it traces, which opens no scope. */
  private unscopedAt = -1;
  /** Exceptions being handled (innermost last), for bare `raise`. */
  private readonly handling: ExceptionObject[] = [];
  private node: { readonly span: Span } = { span: { from: 0, to: 0, line: 1, col: 1, endLine: 1, endCol: 1 } };
  private retval: PyValue = null;
  private steps = 0;
  private deadline = Infinity;
  private tensorBytes = 0;
  /** Generators that ran and have not finished: what the script's end closes (finalization.ts). */
  private readonly unfinished = new Set<PyGenerator>();
  /** The script's source line (1-based), for the tracebacks written to stderr. */
  private readonly sourceLine: (line: number) => string;
  /** What the run writes to stderr: warnings shown, exceptions ignored. */
  private readonly stderr: (w: ShownWarning) => void;
  /** Reference counts on the script's names: what goes with its last name (reference_counts.ts). */
  private readonly refs = new ReferenceCounts(this.countingRun());
  /** What a consumer drawing from a generator takes of its yields (yield_takers.ts). */
  private readonly takers = new Takers(this.refs);
  /** Set by a call from Python code to a Python function, for its `bindParams`: its arguments did not escape. */
  private argumentsKept = false;
  /** What the yields of the statement a generator is running received (generator_body.ts). */
  private yieldResults: ReadonlyMap<A.Expr, PyValue> | null = null;

  constructor(options: InterpreterOptions = {}) {
    this.file = options.file ?? '<string>';
    this.budgets = { ...DEFAULT_BUDGETS, ...options.budgets };
    this.recursionLimit = this.budgets.maxRecursionDepth;
    this.modules = options.modules ?? {};
    this.signal = options.signal;
    this.onCall = options.onCall;
    this.onDefine = options.onDefine;
    this.onAssign = options.onAssign ?? null;
    const write = options.write ?? (() => {});
    this.builtins = createBuiltins(write);
    openStdout(this, write);
    openStderr(this, options.writeStderr ?? (() => {}));
    this.superBuiltin = new PyBuiltin('super', (args) => this.makeSuper(args));
    this.builtins.set('super', this.superBuiltin);
    this.builtins.set('property', new PyBuiltin('property', (args) => new Property(args[0] ?? null, args[1] ?? null)));
    this.consuming = new Set(CONSUMING_BUILTINS.map((name) => this.builtins.get(name)));
    this.iteratorConsuming = new Set(ITERATOR_CONSUMING_BUILTINS.map((name) => this.builtins.get(name)));
    this.containerMaking = new Set(CONTAINER_BUILTINS.map((name) => this.builtins.get(name)));
    this.globals.set('__name__', '__main__');
    const lines = options.source?.split('\n') ?? [];
    this.sourceLine = (line) => lines[line - 1] ?? '';
    this.stderr = options.onWarning ?? (() => {});
    openWarningChannel(this, {
      file: this.file,
      sourceLine: (line) => lines[line - 1] ?? '',
      siteOf: (stacklevel) => {
        if (stacklevel <= 1) return this.node.span;
        const frame = this.frames[this.frames.length - (stacklevel - 1)];
        return frame ? frame.caller.span : null;
      },
      show: options.onWarning ?? (() => {}),
    });
    this.resetClock();
  }

  // ------------------------------------------------------------ HostContext

  get span(): Span {
    return this.node.span;
  }

  call(fn: PyValue, args: readonly PyValue[], kwargs: Kwargs = NO_KWARGS): PyValue {
    // NB: a bound method (an operator's `__add__`) makes its array with self first: no copy before it.
    if (fn instanceof PyBoundMethod) return this.callValue(fn.fn, [fn.self, ...args], kwargs);
    return this.callValue(fn, [...args], kwargs);
  }

  callMethod(fn: PyValue, self: PyValue, args: readonly PyValue[], kwargs: Kwargs = NO_KWARGS): PyValue {
    const all = new Array<PyValue>(args.length + 1);
    all[0] = self;
    for (let i = 0; i < args.length; i++) all[i + 1] = args[i];
    return this.callValue(fn, all, kwargs);
  }

  callLending(fn: PyValue, args: readonly PyValue[], kwargs: Kwargs = NO_KWARGS): PyValue {
    return this.refs.lending(args, kwargs, () => this.callValue(fn, [...args], kwargs));
  }

  opScope: OpScope | null = null;

  recursionLimit: number;

  get maxRecursionLimit(): number {
    return this.budgets.maxRecursionDepth;
  }

  get handledException(): ExceptionObject | null {
    return this.handling[this.handling.length - 1] ?? null;
  }

  get functionName(): string {
    const frame = this.frames[this.frames.length - 1];
    return frame ? frame.fn.name : '<module>';
  }

  formatException(exc: ExceptionObject): string {
    let chained = '';
    if (exc.cause) chained = `${this.formatException(exc.cause)}\nThe above exception was the direct cause of the following exception:\n\n`;
    else if (exc.context && !exc.suppressContext) chained = `${this.formatException(exc.context)}\nDuring handling of the above exception, another exception occurred:\n\n`;
    const message = this.str(exc);
    const last = exc.bareMessage ? message : message ? `${exc.type.tracebackName}: ${message}` : exc.type.tracebackName;
    const frames = [...(exc.caughtAt ? [exc.caughtAt] : []), ...[...exc.traceback].reverse()];
    return `${chained}${formatTraceback(this.file, frames, this.sourceLine)}${last}\n`;
  }

  callScopingCalls(fn: PyValue, args: readonly PyValue[], kwargs: Kwargs = NO_KWARGS): PyValue {
    const before = this.scopeCallsFrom;
    const unscoped = this.unscopedAt;
    this.scopeCallsFrom = Math.min(before, this.frames.length + 1);
    // The function traced is the graph (or a control-flow body), not a box in it, even where an enclosing trace scopes calls.
    this.unscopedAt = this.frames.length;
    try {
      return this.callValue(fn, [...args], kwargs);
    } finally {
      this.scopeCallsFrom = before;
      this.unscopedAt = unscoped;
    }
  }

  repr(v: PyValue): string {
    return ops.repr(v, this);
  }

  str(v: PyValue): string {
    return ops.str(v, this);
  }

  getattr(v: PyValue, name: string): PyValue {
    return ops.getattr(v, name, this);
  }

  getitem(v: PyValue, key: PyValue): PyValue {
    return ops.getitem(v, key, this);
  }

  allocate(bytes: number, what?: string | (() => string)): void {
    const max = this.budgets.maxTensorBytes;
    if (this.tensorBytes + bytes > max) {
      const array = what === undefined ? '' : ` (${typeof what === 'function' ? what() : what})`;
      throw new HaltError(
        'budget',
        `the script's tensors would take more than the tensor budget of ${formatBytes(max)} (gradlens.budget.tensorMiB): `
          + `this allocation needs ${formatBytes(bytes)}${array} with ${formatBytes(this.tensorBytes)} already held; make the tensors smaller or raise the budget`,
        this.node.span,
      );
    }
    this.tensorBytes += bytes;
  }

  release(bytes: number): void {
    this.tensorBytes = Math.max(0, this.tensorBytes - bytes);
  }

  tick(n = 1): void {
    this.signal?.at?.(this.node.span);
    this.steps += n;
    if (this.steps > this.budgets.maxSteps) {
      const max = formatCount(this.budgets.maxSteps);
      // A builtin charges what it is about to build at once (limits.ts): `list(range(10**9))` is no loop.
      const message = n > 1000
        ? `this line would take the script past ${max} steps (the step budget): it needs ${formatCount(n)} at once; make what it builds smaller`
        : `the script ran more than ${max} steps; is there an infinite loop?`;
      throw new HaltError('budget', message, this.node.span);
    }
    // Every 256 steps: a step can be slow (an exception, a big-int op), and the clock must not lag far behind.
    if ((this.steps & 255) < n) this.checkClock();
  }

  state<T>(key: object, init: () => T): T {
    if (!this.stateMap.has(key)) this.stateMap.set(key, init());
    return this.stateMap.get(key) as T;
  }

  // ------------------------------------------------------------ running

  madeInstance(inst: PyInstance): void {
    this.refs.madeInstance(inst);
  }

  madeFilledInstance(inst: PyInstance): void {
    this.madeInstance(inst);
    if (inst.born >= 0) this.refs.resync(inst);
  }

  doneWith(v: PyValue): void {
    this.refs.usedOperand(v);
  }

  /** Restarts the wall-clock and step budgets, e.g. before calling into a function after a run. */
  resetClock(): void {
    this.steps = 0;
    this.deadline = Date.now() + this.budgets.maxWallMs;
  }

  checkClock(): void {
    this.signal?.at?.(this.node.span);
    if (this.signal?.aborted) throw new HaltError('cancelled', 'the run was cancelled', this.node.span);
    if (Date.now() > this.deadline) {
      throw new HaltError('budget', `the script ran longer than ${formatSeconds(this.budgets.maxWallMs)} (the time budget); is there an infinite loop?`, this.node.span);
    }
  }

  /**
   * Runs a module's statements in the global scope; with `through`, only the
   * top-level statements up to and including that one. Throws PyError,
   * HaltError or StopRun.
   */
  runModule(module: A.Module, through?: A.Stmt): void {
    const scope = new Scope(null, null, this.globals, '');
    this.node = module;
    const body = through ? module.body.slice(0, module.body.indexOf(through) + 1) : module.body;
    try {
      this.execBlock(body, scope);
    } catch (e) {
      const err = this.normalize(e);
      if (err instanceof PyError) err.exc.traceback.push({ name: '<module>', span: this.node.span });
      throw err;
    }
  }

  /**
   * The error a failing run ends with: a Python exception, or a halt, with its
   * span filled in. Anything else (a JS error from a host shim) becomes a
   * RuntimeError; a JS stack overflow becomes a RecursionError.
   */
  normalize(e: unknown): PyError | HaltError {
    if (e instanceof PyError) {
      e.exc.span ??= this.node.span;
      return e;
    }
    if (e instanceof HaltError) {
      e.span ??= this.node.span;
      return e;
    }
    if (e instanceof StopRun) throw e;
    // NB: no regular expressions here: at the bottom of an overflowed stack even a regex test overflows.
    if (e instanceof Error && (e.message.includes('call stack') || e.message.includes('Stack overflow'))) {
      const err = pyError(RecursionError, 'maximum recursion depth exceeded');
      err.exc.span = this.node.span;
      return err;
    }
    if (e instanceof RangeError) {
      // V8's words for a str past its 2**29 - 24 characters, or an array past its length.
      const err = pyError('MemoryError', e.message === 'Invalid string length' ? 'a str would be longer than JavaScript strings can be (2**29 characters)' : e.message);
      err.exc.span = this.node.span;
      return err;
    }
    if (e instanceof TypeError || e instanceof ReferenceError || e instanceof SyntaxError || !(e instanceof Error)) {
      return new HaltError('internal', `internal error in Gradlens: ${e instanceof Error ? e.message : String(e)}`, this.node.span);
    }
    // Errors a host shim or the runtime throws (shape errors...) read as PyTorch's RuntimeError.
    const err = pyError(RuntimeError, e.message);
    err.exc.span = this.node.span;
    return err;
  }

  /** Evaluates an expression in the module's global scope (after a run: `# gradlens:` inputs). */
  evaluate(e: A.Expr): PyValue {
    const scope = new Scope(null, null, this.globals, '');
    try {
      return this.evalExpr(e, scope);
    } catch (err) {
      throw this.normalize(err);
    }
  }

  /** The parameter values a call of `fn` with these arguments would bind, defaults filled in. */
  bindArguments(fn: PyFunction, args: readonly PyValue[], kwargs: Kwargs = NO_KWARGS): Map<string, PyValue> {
    const scope = new Scope(scopeInfo(fn.node), fn.closure as Scope, this.globals, '');
    this.bindParams(fn, scope, [...args], kwargs);
    return new Map(fn.node.params.map((p) => [p.name, scope.vars.get(p.name)!]));
  }

  // ------------------------------------------------------------ statements

  private execBlock(body: readonly A.Stmt[], scope: Scope): Completion {
    for (let i = 0; i < body.length; i++) {
      const r = this.execStmt(body[i], scope);
      if (r !== NORMAL) return r;
    }
    return NORMAL;
  }

  private execStmt(s: A.Stmt, scope: Scope): Completion {
    this.node = s;
    this.tick();
    const outer = this.refs.statementStart;
    this.refs.statementStart = hostObjectCount();
    const usedUp = this.refs.usedUp.length;
    const drawn = this.takers.drawnByCalls.length;
    const r = this.runStmt(s, scope);
    this.refs.statementStart = outer;
    // A statement's temporaries are gone once it ends: what lost its last name in it can go too.
    if (this.takers.drawnByCalls.length > drawn) this.takers.releaseDrawn(drawn);
    if (this.refs.usedUp.length > usedUp) this.refs.collectUsedUp(usedUp);
    if (this.refs.unbound.length) this.refs.collectUnbound();
    return r;
  }

  private runStmt(s: A.Stmt, scope: Scope): Completion {
    switch (s.kind) {
      case 'ExprStmt':
        this.refs.usedOperand(this.evalExpr(s.value, scope));
        return NORMAL;
      case 'Assign':
        this.execAssign(s, scope);
        return NORMAL;
      case 'AugAssign':
        this.augAssign(s, scope);
        return NORMAL;
      case 'AnnAssign':
        if (s.value) this.assign(s.target, this.evalExpr(s.value, scope), scope);
        if (scope.info?.kind === 'class' && s.target.kind === 'Name') this.annotate(s.target.id, s.annotation, scope);
        return NORMAL;
      case 'Pass':
      case 'Global':
      case 'Nonlocal':
        return NORMAL;
      case 'Break':
        return BREAK;
      case 'Continue':
        return CONTINUE;
      case 'Return':
        this.retval = s.value ? this.evalExpr(s.value, scope) : null;
        return RETURN;
      case 'Delete':
        for (const t of s.targets) this.delete(t, scope);
        return NORMAL;
      case 'Raise':
        return this.raise(s, scope);
      case 'Assert':
        this.execAssert(s, scope);
        return NORMAL;
      case 'Import':
        this.execImport(s, scope);
        return NORMAL;
      case 'ImportFrom':
        this.importFrom(s, scope);
        return NORMAL;
      case 'If':
        return this.execIf(s, scope);
      case 'While':
        return this.execWhile(s, scope);
      case 'For':
        return this.execFor(s, scope);
      case 'Try':
        return this.execTry(s, scope);
      case 'With':
        return this.execWith(s, 0, scope);
      case 'Match': {
        const chosen = chosenCase(this.generatorHost, s, scope);
        return chosen === null ? NORMAL : this.execBlock(chosen, scope);
      }
      case 'FunctionDef':
        this.defineFunction(s, scope);
        return NORMAL;
      case 'ClassDef':
        this.defineClass(s, scope);
        return NORMAL;
      case 'UnsupportedStmt':
        throw new HaltError('unsupported', `Gradlens does not support ${s.what}`, s.span);
      case 'ErrorStmt':
        throw pyError('SyntaxError', 'invalid syntax');
    }
  }

  private execAssign(s: A.Assign, scope: Scope): void {
    const v = this.evalExpr(s.value, scope);
    // `a, b = pair = f()`: what a and b get, pair holds too; count no new value in this statement.
    if (s.targets.length > 1) this.refs.statementStart = Number.MAX_SAFE_INTEGER;
    for (const t of s.targets) this.assign(t, v, scope);
  }

  /** `x: int` in a class body goes into its `__annotations__`, which dataclasses and NamedTuple read. */
  private annotate(name: string, annotation: A.Expr, scope: Scope): void {
    const found = scope.vars.get('__annotations__');
    const annotations = found instanceof PyDict ? found : new PyDict();
    if (annotations !== found) scope.vars.set('__annotations__', annotations);
    let t: PyValue;
    try {
      t = this.evalExpr(annotation, scope);
    } catch (e) {
      // An annotation naming what a shim lacks (`jax.Array`) only annotates: keep its text.
      if (!(e instanceof PyError) || e.exc.type.name !== 'AttributeError') throw e;
      t = describeAnnotation(annotation);
    }
    annotations.setByKey(ops.dictKey(name, this), name, t);
  }

  private execAssert(s: A.Assert, scope: Scope): void {
    if (this.test(s.test, scope)) return;
    const args = s.msg ? [this.evalExpr(s.msg, scope)] : [];
    this.node = s;
    throw new PyError(new ExceptionObject(AssertionError, args));
  }

  private execImport(s: A.Import, scope: Scope): void {
    for (const alias of s.names) {
      this.node = alias;
      if (alias.asname) this.assignName(alias.asname, this.importModule(alias.name), scope);
      else {
        this.importModule(alias.name);
        const top = alias.name.split('.')[0];
        this.assignName(top, this.importModule(top), scope);
      }
    }
  }

  private execIf(s: A.If, scope: Scope): Completion {
    let branch: A.If = s;
    for (;;) {
      if (this.test(branch.test, scope)) return this.execBlock(branch.body, scope);
      const orelse = branch.orelse;
      // `elif` is an `if` alone in the `else` branch; walk the chain without recursing.
      if (orelse.length !== 1 || orelse[0].kind !== 'If') return this.execBlock(orelse, scope);
      branch = orelse[0];
      this.node = branch;
    }
  }

  private execWhile(s: A.While, scope: Scope): Completion {
    const usedUp = this.refs.usedUp.length;
    for (;;) {
      const test = this.evalExpr(s.test, scope);
      this.refs.usedOperand(test);
      const go = ops.truthy(test, this);
      // The test's temporaries go each time round, not when the loop ends.
      if (this.refs.usedUp.length > usedUp) this.refs.collectUsedUp(usedUp);
      if (!go) break;
      const r = this.execBlock(s.body, scope);
      if (r === BREAK) return NORMAL;
      if (r === RETURN) return r;
      this.node = s;
      this.tick();
    }
    return this.execBlock(s.orelse, scope);
  }

  private execFor(s: A.For, scope: Scope): Completion {
    const made = generatorCount();
    const it = this.evalExpr(s.iter, scope);
    // The loop holds its iterator: a generator stays open while it runs, and goes with the last
    // name that holds it after the loop (a loader a function made closes as the function returns);
    // so does a container that holds its items (`for x, y in zip(xs, ys)`, `for t in [a, b]`).
    const held = it instanceof PyGenerator || this.refs.isHolder(it);
    if (held) this.refs.bound(it);
    else this.refs.escape(it);
    this.node = s;
    const nextItem = ops.cursor(it, this);
    // An iterator the loop's own expression made (`enumerate(tqdm(xs))`) goes with the loop; one a name holds stays.
    const madeHere = it instanceof PyIterator && s.iter.kind === 'Call';
    // The target takes what a generator yields, as a name takes any value.
    const taker = this.takers.takerOf(it);
    const usedUp = this.refs.usedUp.length;
    try {
      for (;;) {
        // An error while fetching the next item (zip(strict=True), a host iterator) belongs to the `for` line.
        this.node = s;
        // NB: the cursor charges the step of each iteration.
        const item = this.takers.drawNext(taker, it, nextItem);
        if (item === undefined) break;
        this.assign(s.target, item, scope);
        if (taker !== null) this.takers.took(taker);
        // What the target held before goes now, before the body runs, as in CPython; so does what
        // it unpacked (a tuple a generator yielded), not when the loop ends.
        if (this.refs.unbound.length) this.refs.collectUnbound();
        if (this.refs.usedUp.length > usedUp) this.refs.collectUsedUp(usedUp);
        const r = this.execBlock(s.body, scope);
        if (r === BREAK || r === RETURN) {
          if (it instanceof PyGenerator) this.closeAbandoned(it, made);
          if (it instanceof HostObject) it.loopLeft(this);
          if (madeHere) releaseDrawnFrom(it, this);
          return r === BREAK ? NORMAL : r;
        }
      }
    } catch (e) {
      // An exception leaving the loop frees its iterator as the stack unwinds, before any handler runs.
      if (it instanceof PyGenerator && !(e instanceof HaltError || e instanceof StopRun)) this.closeAbandoned(it, made);
      if (it instanceof HostObject && !(e instanceof HaltError || e instanceof StopRun)) it.loopLeft(this);
      if (madeHere && !(e instanceof HaltError || e instanceof StopRun)) releaseDrawnFrom(it, this);
      throw e;
    } finally {
      if (held) this.refs.unbind(it);
    }
    if (madeHere) releaseDrawnFrom(it, this);
    return this.execBlock(s.orelse, scope);
  }

  /**
   * A generator that a `for` header made and the loop left early: CPython frees it as the loop
   * ends, which closes it (its `finally` blocks run there); an error in them is ignored, as there.
   */
  private closeAbandoned(it: PyValue, madeBefore: number): void {
    if (!(it instanceof PyGenerator) || it.serial < madeBefore) return;
    this.closeDropped(it);
  }

  private raise(s: A.Raise, scope: Scope): Completion {
    if (!s.exc) {
      const current = this.handling[this.handling.length - 1];
      if (!current) throw pyError('RuntimeError', 'No active exception to reraise');
      throw new PyError(current);
    }
    const exc = this.toException(this.evalExpr(s.exc, scope));
    if (s.cause) {
      const cause = this.evalExpr(s.cause, scope);
      exc.cause = cause === null ? null : this.toException(cause);
      exc.suppressContext = true;
    }
    this.node = s;
    exc.span = s.span;
    exc.context = this.handling[this.handling.length - 1] ?? null;
    throw new PyError(exc);
  }

  private toException(v: PyValue): ExceptionObject {
    if (v instanceof ExceptionObject) return v;
    if (v instanceof PyType && v.isException) {
      const e = this.callValue(v, [], NO_KWARGS);
      if (e instanceof ExceptionObject) return e;
    }
    throw pyError('TypeError', 'exceptions must derive from BaseException');
  }

  private handlerMatches(exc: ExceptionObject, h: A.ExceptHandler, scope: Scope): boolean {
    if (!h.type) return true;
    const t = this.evalExpr(h.type, scope);
    const check = (u: PyValue): boolean => {
      if (u instanceof PyTuple) return u.items.some(check);
      if (u instanceof PyType && u.isSubtypeOf(BaseException)) return exc.type.isSubtypeOf(u);
      throw pyError('TypeError', 'catching classes that do not inherit from BaseException is not allowed');
    };
    return check(t);
  }

  private execTry(s: A.Try, scope: Scope): Completion {
    let result: Completion = NORMAL;
    let thrown: unknown = undefined;
    let failed = false;
    try {
      let raised = false;
      try {
        result = this.execBlock(s.body, scope);
      } catch (e) {
        const err = this.normalize(e);
        if (err instanceof HaltError) throw err;
        raised = true;
        let handled = false;
        const caughtAt = { name: this.frames[this.frames.length - 1]?.fn.qualname ?? '<module>', span: this.node.span };
        for (const h of s.handlers) {
          if (!this.handlerMatches(err.exc, h, scope)) continue;
          handled = true;
          err.exc.caughtAt = caughtAt;
          result = this.runHandler(h, err.exc, scope);
          break;
        }
        if (!handled) throw err;
      }
      if (!raised && result === NORMAL && s.orelse.length) result = this.execBlock(s.orelse, scope);
    } catch (e) {
      thrown = e;
      failed = true;
    }
    if (failed && (thrown instanceof HaltError || thrown instanceof StopRun)) throw thrown;
    if (s.finalbody.length) {
      const saved = this.retval;
      const r = this.execBlock(s.finalbody, scope);
      // A break, continue or return in `finally` discards the exception in flight, as in Python.
      if (r !== NORMAL) return r;
      this.retval = saved;
    }
    if (failed) throw thrown;
    return result;
  }

  private runHandler(h: A.ExceptHandler, exc: ExceptionObject, scope: Scope): Completion {
    this.handling.push(exc);
    try {
      if (h.name) this.assignName(h.name, exc, scope);
      return this.execBlock(h.body, scope);
    } catch (e) {
      throw withContext(e, exc);
    } finally {
      this.handling.pop();
      // Python unbinds the `as` name when the handler ends.
      if (h.name) scope.vars.delete(h.name);
    }
  }

  private execWith(s: A.With, i: number, scope: Scope): Completion {
    if (i === s.items.length) return this.execBlock(s.body, scope);
    const item = s.items[i];
    const mgr = this.evalExpr(item.context, scope);
    this.node = item.context;
    const entered = this.enter(mgr);
    if (item.target) this.assign(item.target, entered, scope);
    let r: Completion;
    try {
      r = this.execWith(s, i + 1, scope);
    } catch (e) {
      return this.exitRaised(mgr, e);
    }
    return this.exitNormally(mgr, r);
  }

  /**
   * A `with` body raised `e`: the manager's `__exit__` sees the exception (a halt, a budget's stop:
   * none) and a true result swallows it, so the statement ends normally; else it propagates.
   * The interpreter's `with` and a generator body's share it.
   */
  private exitRaised(mgr: PyValue, e: unknown): Completion {
    const err = e instanceof StopRun || e instanceof HaltError ? e : this.normalize(e);
    if (err instanceof StopRun || err instanceof HaltError) {
      this.exit(mgr, null);
      throw err;
    }
    if (this.exit(mgr, err.exc)) return NORMAL;
    throw err;
  }

  /** A `with` body ended with `r` (normally, break, continue, return): `__exit__` runs, the return value kept. */
  private exitNormally(mgr: PyValue, r: Completion): Completion {
    const saved = this.retval;
    this.exit(mgr, null);
    this.retval = saved;
    return r;
  }

  private enter(mgr: PyValue): PyValue {
    if (mgr instanceof HostObject) return mgr.enter(this);
    if (mgr instanceof PyInstance) {
      const enter = mgr.cls.lookup('__enter__');
      if (enter !== undefined && mgr.cls.lookup('__exit__') !== undefined) return this.callValue(ops.bindAttribute(enter, mgr, this), [], NO_KWARGS);
    }
    throw pyError('TypeError', `'${typeName(mgr)}' object does not support the context manager protocol`);
  }

  private exit(mgr: PyValue, exc: ExceptionObject | null): boolean {
    if (mgr instanceof HostObject) return mgr.exit(exc, this);
    if (mgr instanceof PyInstance) {
      const exit = mgr.cls.lookup('__exit__');
      if (exit !== undefined) {
        const args = exc ? [exc.type, exc, null] : [null, null, null];
        return ops.truthy(this.callValue(ops.bindAttribute(exit, mgr, this), args, NO_KWARGS), this);
      }
    }
    return false;
  }

  private augAssign(s: A.AugAssign, scope: Scope): void {
    const t = s.target;
    const op = s.op as BinaryOp;
    switch (t.kind) {
      case 'Name': {
        this.node = t;
        const cur = this.lookup(t.id, scope);
        const v = this.evalExpr(s.value, scope);
        this.node = s;
        let r: PyValue;
        try {
          r = ops.inplace(op, cur, v, this);
        } catch (err) {
          this.augmentedRaised(err, s, cur, v);
          throw err;
        }
        this.refs.madeInPlace(cur, v, r);
        this.refs.usedOperand(v);
        this.assignName(t.id, r, scope);
        if (this.onAssign !== null) this.onAssign(t.id, r, t.span);
        return;
      }
      case 'Attribute': {
        const obj = this.evalExpr(t.value, scope);
        this.node = t;
        const cur = ops.getattr(obj, t.attr, this);
        const v = this.evalExpr(s.value, scope);
        this.node = s;
        const r = ops.inplace(op, cur, v, this);
        this.refs.madeInPlace(cur, v, r);
        this.refs.usedOperand(v);
        this.refs.escape(r);
        ops.setattr(obj, t.attr, r, this);
        return;
      }
      case 'Subscript': {
        const obj = this.evalExpr(t.value, scope);
        const index = this.evalIndex(obj, t.index, scope);
        this.node = t;
        const cur = ops.getitem(obj, index, this);
        const v = this.evalExpr(s.value, scope);
        this.node = s;
        const r = ops.inplace(op, cur, v, this);
        this.refs.madeInPlace(cur, v, r);
        this.refs.usedOperand(v);
        this.refs.storedItem(obj, index, r);
        // `x[i] += 1` on an array: the view x[i] it read is used up too (a list's item stays where it was).
        if (r !== cur) this.refs.storedItem(obj, index, cur);
        ops.setitem(obj, index, r, this);
        return;
      }
      default:
        throw pyError('SyntaxError', `'${describeTarget(t)}' is an illegal expression for augmented assignment`);
    }
  }

  // ------------------------------------------------------------ drawing from generators, closing dropped ones (reference_counts.ts counts)

  /** A loop in a generator's body draws from `it` (GeneratorHost.drawFrom), holding it as execFor's loop does. */
  private drawFrom(it: PyValue): Drawing {
    const held = it instanceof PyGenerator || this.refs.isHolder(it);
    if (held) this.refs.bound(it);
    else this.refs.escape(it);
    const nextItem = ops.cursor(it, this);
    // The target takes what a generator yields, as a name takes any value.
    const taker = this.takers.takerOf(it);
    return {
      next: () => this.takers.drawNext(taker, it, nextItem),
      took: () => {
        if (taker !== null) this.takers.took(taker);
      },
      end: () => {
        if (held) this.refs.unbind(it);
      },
    };
  }

  /**
   * A `yield from` resumes `inner` (GeneratorHost.delegate): the delegating generator yields what
   * it yields on at once, and its own consumer counts it then (handOver), before any statement ends.
   */
  private delegate(inner: PyGenerator, thrown: ExceptionObject | null, sent: PyValue): IteratorResult<PyValue, PyValue> {
    const taker: Taker = { from: [inner], drawn: [] };
    try {
      return this.takers.drawing(taker, () => inner.resume(thrown, sent));
    } finally {
      this.takers.took(taker);
    }
  }

  /**
   * Closes a generator nothing references any more, as CPython's deallocation does: an error in
   * its `finally` blocks is ignored there, and written to stderr as "Exception ignored in: ...";
   * one that yields again after GeneratorExit is dropped all the same. `at`: what ran as its last
   * reference went; null once the script ended, when no frame runs and tracebacks come without
   * source lines, as CPython's at shutdown.
   */
  private closeDropped(g: PyGenerator, at: { readonly span: Span } | null = this.node): void {
    const retval = this.retval;
    const node = this.node;
    try {
      g.discard();
    } catch (e) {
      if (!(e instanceof PyError)) throw e;
      this.writeUnraisable(e.exc, g, at);
    }
    this.retval = retval;
    this.node = node;
  }

  /**
   * PyErr_WriteUnraisable: `exc` written to stderr as ignored in `obj`. An exception raised
   * outside Python code (no traceback) gets the running frame's line, `at`, as CPython adds it.
   */
  private writeUnraisable(exc: ExceptionObject, obj: PyGenerator, at: { readonly span: Span } | null): void {
    const frames = [...exc.traceback].reverse();
    if (frames.length === 0 && at) {
      const frame = this.frames[this.frames.length - 1];
      frames.push({ name: frame ? frame.fn.qualname : '<module>', span: at.span });
    }
    const message = this.str(exc);
    const type = exc.type.tracebackName;
    const traceback = formatTraceback(this.file, frames, at ? this.sourceLine : null);
    const span = exc.traceback[0]?.span ?? at?.span ?? null;
    this.stderr({
      message: exc,
      what: `${message} (ignored in the ${obj.describe()} while it was closed, as CPython ignores it)`,
      category: exc.type,
      filename: this.file,
      lineno: span?.line ?? 0,
      span,
      text: unraisableText(this.repr(obj), traceback, type, message),
    });
  }

  /**
   * The script ended: its unfinished generators are closed in the order CPython's finalization
   * closes them (finalization.ts), so their `finally` blocks and context managers' exits run.
   */
  finalize(): void {
    finalizeGenerators(this.globals, this.unfinished, (g) => this.closeDropped(g, null));
  }

  // ------------------------------------------------------------ names and targets

  private lookup(name: string, scope: Scope): PyValue {
    let s: Scope | null = scope;
    let first = true;
    while (s && s.info) {
      const info = s.info;
      if (first || info.kind !== 'class') {
        if (info.globals.has(name)) break;
        if (info.locals.has(name)) {
          const v = s.vars.get(name);
          if (v !== undefined) return v;
          if (info.kind === 'function') {
            if (first) throw pyError('UnboundLocalError', `cannot access local variable '${name}' where it is not associated with a value`);
            throw pyError('NameError', `cannot access free variable '${name}' where it is not associated with a value in enclosing scope`);
          }
        }
      }
      first = false;
      s = s.parent;
    }
    const g = this.globals.get(name);
    if (g !== undefined) return g;
    const b = this.builtins.get(name);
    if (b !== undefined) return b;
    throw pyError('NameError', `name '${name}' is not defined`);
  }

  private assignName(name: string, value: PyValue, scope: Scope): void {
    const info = scope.info;
    if (info === null || info.globals.has(name)) {
      this.setVar(this.globals, name, value);
      return;
    }
    if (info.nonlocals.has(name)) {
      for (let s = scope.parent; s && s.info; s = s.parent) {
        if (s.info.kind === 'function' && s.info.locals.has(name)) {
          this.setVar(s.vars, name, value);
          return;
        }
      }
      throw pyError('SyntaxError', `no binding for nonlocal '${name}' found`);
    }
    if (info.kind === 'comprehension' && !info.locals.has(name) && scope.parent) {
      this.assignName(name, value, scope.parent);
      return;
    }
    this.setVar(scope.vars, name, value);
  }

  private setVar(vars: Map<string, PyValue>, name: string, value: PyValue): void {
    const old = vars.get(name);
    vars.set(name, value);
    this.refs.bound(value);
    this.refs.unbind(old);
  }

  private assign(target: A.Expr, value: PyValue, scope: Scope): void {
    switch (target.kind) {
      case 'Name': {
        // What the name held goes at the store, where CPython's traceback of an error in its finalizer points.
        const node = this.node;
        this.node = target;
        this.assignName(target.id, value, scope);
        this.node = node;
        if (this.onAssign !== null) this.onAssign(target.id, value, target.span);
        return;
      }
      case 'Attribute': {
        const obj = this.evalExpr(target.value, scope);
        this.node = target;
        // A counted instance holds what is stored in it (`self.fc = nn.Linear(4, 8)`) while it lives.
        if (this.refs.countedInstance(obj)) this.refs.storeAttribute(obj, target.attr, value);
        else {
          this.refs.escape(value);
          ops.setattr(obj, target.attr, value, this);
        }
        return;
      }
      case 'Subscript': {
        const obj = this.evalExpr(target.value, scope);
        const index = this.evalIndex(obj, target.index, scope);
        this.node = target;
        if (this.refs.countedContainer(obj)) {
          // It holds what it stores while it lives (`history[epoch] = loss.detach()`).
          const known = this.refs.storedAt(obj, index);
          ops.setitem(obj, index, value, this);
          if (known === null) this.refs.resync(obj);
          else {
            this.refs.holdMore(obj, value);
            if (known.old !== undefined) this.refs.letGo(obj, known.old);
          }
          return;
        }
        this.refs.storedItem(obj, index, value);
        ops.setitem(obj, index, value, this);
        return;
      }
      case 'Tuple':
      case 'List':
        this.unpack(target.elts, value, scope);
        return;
      case 'Starred':
        throw pyError('SyntaxError', 'starred assignment target must be in a list or tuple');
      default:
        throw pyError('SyntaxError', `cannot assign to ${describeTarget(target)}`);
    }
  }

  private unpack(elts: readonly A.Expr[], value: PyValue, scope: Scope): void {
    let items: PyValue[];
    if (value instanceof PyTuple || value instanceof PyList) items = [...value.items];
    else {
      try {
        items = [...ops.iterate(value, this)];
      } catch (e) {
        if (e instanceof PyError && e.exc.type.name === 'TypeError' && !(value instanceof HostObject && value.iterable)) {
          throw pyError('TypeError', `cannot unpack non-iterable ${typeName(value)} object`);
        }
        throw e;
      }
    }
    const star = elts.findIndex((e) => e.kind === 'Starred');
    if (star < 0) {
      if (items.length > elts.length) throw pyError('ValueError', `too many values to unpack (expected ${elts.length})`);
      if (items.length < elts.length) throw pyError('ValueError', `not enough values to unpack (expected ${elts.length}, got ${items.length})`);
      for (let i = 0; i < elts.length; i++) this.assign(elts[i], items[i], scope);
      // `l, g = value_and_grad(f)(x)`: the tuple an op returned goes once its items have their names.
      this.refs.usedOperand(value);
      return;
    }
    const after = elts.length - star - 1;
    if (items.length < star + after) {
      throw pyError('ValueError', `not enough values to unpack (expected at least ${star + after}, got ${items.length})`);
    }
    for (let i = 0; i < star; i++) this.assign(elts[i], items[i], scope);
    const rest = items.slice(star, items.length - after);
    for (const v of rest) this.refs.escape(v);
    this.assign((elts[star] as A.Starred).value, new PyList(rest), scope);
    for (let i = 0; i < after; i++) this.assign(elts[star + 1 + i], items[items.length - after + i], scope);
    this.refs.usedOperand(value);
  }

  private delete(target: A.Expr, scope: Scope): void {
    this.node = target;
    switch (target.kind) {
      case 'Name': {
        const info = scope.info;
        const vars = info === null || info.globals.has(target.id) ? this.globals : scope.vars;
        const old = vars.get(target.id);
        if (!vars.delete(target.id)) throw pyError('NameError', `name '${target.id}' is not defined`);
        this.refs.unbind(old);
        return;
      }
      case 'Subscript': {
        const obj = this.evalExpr(target.value, scope);
        const index = this.evalExpr(target.index, scope);
        this.node = target;
        ops.delitem(obj, index, this);
        if (this.refs.countedContainer(obj)) this.refs.resync(obj);
        return;
      }
      case 'Attribute': {
        const obj = this.evalExpr(target.value, scope);
        this.node = target;
        ops.delattr(obj, target.attr, this);
        if (this.refs.countedInstance(obj)) this.refs.resync(obj);
        return;
      }
      case 'Tuple':
      case 'List':
        for (const e of target.elts) this.delete(e, scope);
        return;
      default:
        throw pyError('SyntaxError', `cannot delete ${describeTarget(target)}`);
    }
  }

  // ------------------------------------------------------------ functions and classes

  private defineFunction(s: A.FunctionDef, scope: Scope): void {
    if (s.isAsync) throw new HaltError('unsupported', "Gradlens does not support 'async def'", s.span);
    const decorators = s.decorators.length === 0 ? NO_DECORATORS : this.evalElements(s.decorators, scope);
    const defaults = this.defaultsOf(s, scope);
    this.node = s;
    const created = this.makeFunction(s.name, s, defaults, scope);
    this.onDefine?.(created);
    let fn: PyValue = created;
    for (let i = decorators.length - 1; i >= 0; i--) {
      this.node = s.decorators[i];
      fn = this.decorate(decorators[i], fn);
    }
    this.assignName(s.name, fn, scope);
  }

  /**
   * `@decorator` on `fn`: a Python decorator's parameter is a name as any call's (the wrapper it
   * returns, or a registry it adds to, counts what it keeps); a host wrapper that holds only the
   * function (`@torch.no_grad()`, HostObject.wrapsItsArgument) holds a count on it; any other host
   * may keep it where nothing counts it, so it is never collected.
   */
  private decorate(decorator: PyValue, fn: PyValue): PyValue {
    if (decorator instanceof PyFunction || (decorator instanceof PyBoundMethod && decorator.fn instanceof PyFunction)) {
      this.argumentsKept = true;
      try {
        return this.callValue(decorator, [fn], NO_KWARGS);
      } finally {
        this.argumentsKept = false;
      }
    }
    const out = this.callValue(decorator, [fn], NO_KWARGS);
    if (decorator instanceof HostObject && decorator.wrapsItsArgument && out instanceof PyBuiltin && this.refs.holdItem(fn)) this.refs.holdOn(out, [fn]);
    else this.refs.escape(fn);
    return out;
  }

  private makeLambda(e: A.Lambda, scope: Scope): PyFunction {
    return this.makeFunction('<lambda>', e, this.defaultsOf(e, scope), scope);
  }

  /** A function's default values, evaluated as it is defined: they go into it, so they escape. */
  private defaultsOf(node: A.FunctionDef | A.Lambda, scope: Scope): readonly (PyValue | undefined)[] {
    if (node.params.length === 0) return NO_DEFAULTS;
    const defaults: (PyValue | undefined)[] = [];
    for (const p of node.params) defaults.push(p.default ? this.evalExpr(p.default, scope) : undefined);
    for (const d of defaults) if (d !== undefined) this.refs.escape(d);
    return defaults;
  }

  /**
   * A `def` or lambda defined in `scope`: its closure is `scope` where it may read a variable of the
   * functions around it (ReferenceCounts.capture keeps those); else none (scope.ts's readsEnclosing),
   * and the frame it was made in goes whole as it returns, as CPython's keeps no cell for it.
   */
  private makeFunction(name: string, node: A.FunctionDef | A.Lambda, defaults: readonly (PyValue | undefined)[], scope: Scope): PyFunction {
    const closed = readsEnclosing(node, scope);
    const fn = new PyFunction(name, scope.qualPrefix + name, node, defaults, closed ? scope : null);
    if (closed) this.refs.capture(scope, node, fn);
    return fn;
  }

  private defineClass(s: A.ClassDef, scope: Scope): void {
    const bases: PyType[] = [];
    for (const a of s.bases) {
      if (a.kind !== 'positional') throw new HaltError('unsupported', 'Gradlens does not support class keywords (metaclass=...)', a.span);
      const b = this.evalExpr(a.value, scope);
      if (!(b instanceof PyType)) throw pyError('TypeError', `bases must be types, not ${typeName(b)}`);
      bases.push(b);
    }
    this.node = s;
    const finalizer = finalizerDefinition(s);
    if (finalizer) throw new HaltError('unsupported', ops.FINALIZER_REFUSAL, finalizer.span);
    checkBases(bases, this);
    const decorators = s.decorators.map((d) => this.evalExpr(d, scope));
    const body = new Scope(scopeInfo(s), scope, this.globals, scope.qualPrefix + s.name, '.');
    body.vars.set('__module__', '__main__');
    body.vars.set('__qualname__', scope.qualPrefix + s.name);
    if (this.execBlock(s.body, body) !== NORMAL) throw pyError('SyntaxError', "'return' outside function");
    this.node = s;
    const factory = bases.find((b) => b.classFactory !== null)?.classFactory;
    const cls = factory ? factory(s.name, body.vars, this, bases) : new PyType(s.name, { module: '__main__', bases: bases.length ? bases : [objectType], attrs: body.vars });
    cls.userDefined = true;
    cls.construct = (args, kwargs) => instantiate(cls, args, kwargs, this);
    finishClass(cls, this);
    let result: PyValue = cls;
    for (let i = decorators.length - 1; i >= 0; i--) result = this.callValue(decorators[i], [result], NO_KWARGS);
    this.assignName(s.name, result, scope);
  }

  private makeSuper(args: PyValue[]): PyValue {
    if (args.length === 2) {
      if (!(args[0] instanceof PyType)) throw pyError('TypeError', 'super() argument 1 must be a type');
      return new SuperObject(args[0], args[1]);
    }
    const frame = this.frames[this.frames.length - 1];
    const owner = frame?.fn.ownerClass;
    const first = frame?.fn.node.params[0];
    const self = first ? frame.scope.vars.get(first.name) : undefined;
    if (!owner || self === undefined) throw pyError('RuntimeError', 'super(): no arguments');
    return new SuperObject(owner, self);
  }

  /** Calls any Python callable. */
  callValue(f: PyValue, args: PyValue[], kwargs: Kwargs): PyValue {
    if (f instanceof PyFunction) return this.callFunction(f, args, kwargs);
    if (f instanceof PyBuiltin) return f.fn(args, kwargs, this);
    if (f instanceof PyBoundMethod) return this.callValue(f.fn, [f.self, ...args], kwargs);
    if (f instanceof PyType) {
      if (f.construct) return f.construct(args, kwargs, this);
      throw pyError('TypeError', `cannot create '${f.qualifiedName}' instances`);
    }
    if (f instanceof HostObject) return f.call(args, kwargs, this);
    if (f instanceof PyInstance) {
      const c = f.cls.lookup('__call__');
      if (c !== undefined) return this.callValue(ops.bindAttribute(c, f, this), args, kwargs);
    }
    throw pyError('TypeError', `'${typeName(f)}' object is not callable`);
  }

  private callFunction(fn: PyFunction, args: PyValue[], kwargs: Kwargs): PyValue {
    this.tick();
    if (this.frames.length >= this.recursionLimit) throw pyError(RecursionError, 'maximum recursion depth exceeded');
    const node = fn.node;
    const info = scopeInfo(node);
    const scope = new Scope(info, fn.closure as Scope, this.globals, fn.qualname, '.<locals>.');
    this.bindParams(fn, scope, args, kwargs);
    if (info.generator) return this.makeGenerator(fn, scope);
    const callerNode = this.node;
    const callerScope = this.opScope;
    if (this.frames.length >= this.scopeCallsFrom && this.frames.length !== this.unscopedAt && node.kind !== 'Lambda') this.opScope = functionScope(fn, callerScope);
    const frameStart = hostObjectCount();
    let returned: PyValue = null;
    // NB: a function a consumer calls back (`max(g, key=f)`) draws for itself, not for that consumer.
    const taker = this.takers.taking;
    this.takers.taking = null;
    // A counted closure's frame reads the variables around it while it runs, also if the closure goes meanwhile.
    const around = fn.born >= 0 ? (fn.closure as Scope) : null;
    if (around !== null) this.refs.keepScopes(around);
    this.frames.push({ fn, scope, caller: callerNode });
    try {
      if (node.kind === 'Lambda') {
        returned = this.evalExpr(node.body, scope);
        return returned;
      }
      if (this.execBlock(node.body, scope) === RETURN) {
        returned = this.retval;
        this.retval = null;
      }
      return returned;
    } catch (e) {
      throw this.leaveFrame(e, fn);
    } finally {
      this.takers.taking = taker;
      this.frames.pop();
      this.node = callerNode;
      this.opScope = callerScope;
      const waiting = this.refs.unbound.length;
      if (this.refs.releaseScope(scope, returned) && this.refs.unbound.length > waiting) this.refs.closeLocalGenerators(waiting, frameStart, returned, args, kwargs);
      if (around !== null) this.refs.closureGone(around);
    }
  }

  /** The error leaving a Python frame, with the frame added to its traceback. */
  private leaveFrame(e: unknown, fn: PyFunction): PyError | HaltError {
    const err = this.normalize(e);
    if (err instanceof PyError) err.exc.traceback.push({ name: fn.qualname, span: this.node.span });
    return err;
  }

  private bindParams(fn: PyFunction, scope: Scope, args: PyValue[], kwargs: Kwargs): void {
    const l = layoutOf(fn.node);
    const vars = scope.vars;
    const name = fn.qualname;
    const P = l.positional;
    const n = Math.min(args.length, P.length);
    // NB: the frame's end unbinds every local: a parameter holding a counted value counts as its
    // name, also when a built-in calls the function; a call from Python code also counts its new values.
    const kept = this.argumentsKept;
    this.argumentsKept = false;
    for (let i = 0; i < n; i++) vars.set(P[i].param.name, this.refs.param(args[i], kept));
    if (args.length > P.length) {
      if (!l.varargs) {
        throw tooManyPositional(fn, P, args.length);
      }
      const packed = args.slice(P.length);
      for (let i = 0; i < packed.length; i++) this.refs.packed(packed[i], kept);
      vars.set(l.varargs.name, new PyTuple(packed));
    } else if (l.varargs) vars.set(l.varargs.name, new PyTuple([]));
    let extra: PyDict | null = l.varkw ? new PyDict() : null;
    for (const [k, v] of kwargs) {
      const p = l.byName.get(k);
      if (p) {
        if (vars.has(k)) throw pyError('TypeError', `${name}() got multiple values for argument '${k}'`);
        vars.set(k, this.refs.param(v, kept));
      } else if (extra) extra.setByKey(ops.dictKey(k, this), k, this.refs.packed(v, kept));
      else throw unexpectedKeyword(name, P, k);
    }
    const missing: string[] = [];
    for (const { param, index } of P) {
      if (vars.has(param.name)) continue;
      const d = fn.defaults[index];
      if (d === undefined) missing.push(param.name);
      else vars.set(param.name, d);
    }
    if (missing.length) {
      throw pyError('TypeError', `${name}() missing ${missing.length} required positional argument${missing.length > 1 ? 's' : ''}: ${nameList(missing)}`);
    }
    for (const { param, index } of l.keywordOnly) {
      if (vars.has(param.name)) continue;
      const d = fn.defaults[index];
      if (d === undefined) missing.push(param.name);
      else vars.set(param.name, d);
    }
    if (missing.length) {
      throw pyError('TypeError', `${name}() missing ${missing.length} required keyword-only argument${missing.length > 1 ? 's' : ''}: ${nameList(missing)}`);
    }
    if (l.varkw) vars.set(l.varkw.name, extra!);
    extra = null;
  }

  // ------------------------------------------------------------ modules

  get importedModules(): ReadonlyMap<string, PyModule> {
    return this.moduleCache;
  }

  private hasShim(name: string): boolean {
    return Object.prototype.hasOwnProperty.call(this.modules, name);
  }

  importModule(name: string): PyModule {
    const cached = this.moduleCache.get(name);
    if (cached) return cached;
    const dot = name.lastIndexOf('.');
    const parent = dot > 0 ? this.importModule(name.slice(0, dot)) : null;
    const last = name.slice(dot + 1);
    let mod: PyModule;
    if (this.hasShim(name)) {
      mod = this.modules[name].create(this);
      if (parent && !parent.attrs.has(last)) parent.attrs.set(last, mod);
    } else {
      const sub = parent?.attrs.get(last);
      if (!(sub instanceof PyModule)) {
        const err = pyError('ModuleNotFoundError', unsupportedModuleMessage(name));
        err.exc.bareMessage = true;
        throw err;
      }
      mod = sub;
    }
    this.moduleCache.set(name, mod);
    return mod;
  }

  private importFrom(s: A.ImportFrom, scope: Scope): void {
    if (s.level > 0) throw new HaltError('unsupported', 'Gradlens does not support relative imports: scripts are single files', s.span);
    this.node = { span: s.moduleSpan };
    if (s.module === '__future__') return;
    const mod = this.importModule(s.module);
    if (s.names === null) {
      for (const [k, v] of mod.attrs) if (!k.startsWith('_')) this.assignName(k, v, scope);
      return;
    }
    for (const alias of s.names) {
      this.node = alias;
      let v = mod.attrs.get(alias.name);
      if (v === undefined && this.hasShim(`${s.module}.${alias.name}`)) v = this.importModule(`${s.module}.${alias.name}`);
      if (v === undefined) {
        const err = pyError('ImportError', `cannot import name '${alias.name}' from '${s.module}': Gradlens does not support it`);
        err.exc.bareMessage = true;
        throw err;
      }
      this.assignName(alias.asname ?? alias.name, v, scope);
    }
  }

  // ------------------------------------------------------------ expressions

  /**
   * NB: each case calls a method of its own, so that this function's frame stays
   * small: a Python call nests it several times on the JS stack, and the size of
   * its frame decides how deep Python recursion can go.
   */
  evalExpr(e: A.Expr, scope: Scope): PyValue {
    switch (e.kind) {
      case 'Num':
      case 'Bool':
        return e.value;
      case 'Imag':
        return new ops.PyComplex(0, e.value);
      case 'Str':
        return e.bytes ? new ops.PyBytes(ops.fromLatin1(e.value)) : e.value;
      case 'None':
        return null;
      case 'Ellipsis':
        return ELLIPSIS;
      case 'Name':
        this.node = e;
        return this.lookup(e.id, scope);
      case 'BinOp':
        return this.evalBinOp(e, scope);
      case 'UnaryOp':
        return this.evalUnaryOp(e, scope);
      case 'BoolOp':
        return this.evalBoolOp(e, scope);
      case 'Compare':
        return this.compare(e, scope);
      case 'Call':
        return this.evalCall(e, scope);
      case 'Attribute':
        return this.evalAttribute(e, scope);
      case 'Subscript':
        return this.evalSubscript(e, scope);
      case 'Slice':
        return this.evalSlice(e, scope);
      case 'Tuple':
        return this.held(new PyTuple(this.evalElements(e.elts, scope)));
      case 'List':
        return this.held(new PyList(this.evalElements(e.elts, scope)));
      case 'Set':
        return this.evalSet(e, scope);
      case 'Dict':
        return this.evalDict(e, scope);
      case 'FString':
        return this.evalFString(e, scope);
      case 'FormattedValue':
        return this.formatted(e, scope);
      case 'IfExp':
        return this.evalIfExp(e, scope);
      case 'Lambda':
        return this.makeLambda(e, scope);
      case 'NamedExpr':
        return this.evalNamedExpr(e, scope);
      case 'ListComp':
      case 'SetComp':
      case 'DictComp':
        return this.comprehension(e, scope);
      case 'GeneratorExp':
        return this.generatorExpression(e, scope);
      case 'Yield':
      case 'YieldFrom':
        return this.yielded(e);
      case 'Starred':
        throw pyError('SyntaxError', "can't use starred expression here");
      case 'UnsupportedExpr':
        return this.unsupported(e.what, e);
      case 'ErrorExpr':
        this.node = e;
        throw pyError('SyntaxError', 'invalid syntax');
    }
  }

  private unsupported(what: string, e: A.Expr): never {
    throw new HaltError('unsupported', `Gradlens does not support ${what}`, e.span);
  }

  private evalBinOp(e: A.BinOp, scope: Scope): PyValue {
    const l = this.evalExpr(e.left, scope);
    const r = this.evalExpr(e.right, scope);
    this.node = e;
    if (typeof l === 'number' && typeof r === 'number') return ops.floatOp(e.op as BinaryOp, l, r);
    if (typeof l === 'bigint' && typeof r === 'bigint') return ops.intOp(e.op as BinaryOp, l, r);
    let out: PyValue;
    try {
      out = ops.binary(e.op as BinaryOp, l, r, this);
    } catch (err) {
      this.binaryRaised(err, e, l, r);
      throw err;
    }
    this.refs.madeFrom(l, out);
    this.refs.madeFrom(r, out);
    this.refs.usedOperand(l);
    this.refs.usedOperand(r);
    return out;
  }

  /**
   * An exception `node`'s own op raised (no deeper expression ran since: the interpreter is still
   * at `node`) keeps what the op was applied to, for the editor to show at the line.
   */
  private raisedAt(err: unknown, node: { readonly span: Span }, op: () => FailedOp): void {
    if (err instanceof PyError && this.node === node && err.exc.span === null && err.exc.failedOp === null) err.exc.failedOp = op();
  }

  private evalUnaryOp(e: A.UnaryOp, scope: Scope): PyValue {
    const v = this.evalExpr(e.operand, scope);
    this.node = e;
    const out = ops.unary(e.op, v, this);
    this.refs.usedOperand(v);
    return out;
  }

  private evalBoolOp(e: A.BoolOp, scope: Scope): PyValue {
    const l = this.evalExpr(e.left, scope);
    const t = ops.truthy(l, this);
    if (e.op === 'and' ? !t : t) return l;
    // NB: a left operand that is not the result is a test (`t.isnan().any() or t.sum() > 1`): it goes with the statement.
    this.refs.usedOperand(l);
    return this.evalExpr(e.right, scope);
  }

  private evalIfExp(e: A.IfExp, scope: Scope): PyValue {
    return this.test(e.test, scope) ? this.evalExpr(e.body, scope) : this.evalExpr(e.orelse, scope);
  }

  /**
   * The truth of test `e` (an `if`, `elif`, `assert`, a conditional expression, a comprehension's
   * `if`): its value is a temporary (`if loss < best:`, `if torch.isnan(loss):`) that goes with the statement.
   */
  private test(e: A.Expr, scope: Scope): boolean {
    const v = this.evalExpr(e, scope);
    this.refs.usedOperand(v);
    return ops.truthy(v, this);
  }

  private evalAttribute(e: A.Attribute, scope: Scope): PyValue {
    const obj = this.evalExpr(e.value, scope);
    this.node = e;
    const v = ops.getattr(obj, e.attr, this);
    // A method kept for later (`f = x.sum`) holds its object; an attribute's value (a shape, a
    // dtype, `.T`, `.grad`) holds nothing of a collectable one (a view holds what it needs), so a
    // temporary read for an attribute is used up: `torch.cat([a, b]).shape[0]`. NB: jax's `x.at`
    // holds x, and keeps its values itself while it lives (jax/at.ts).
    if (v instanceof PyBoundMethod && v.self === obj && this.refs.countedInstance(obj)) {
      // `forward = model.forward`, `step = opt.step`: the method holds its instance while it lives, as CPython's does.
      if (this.refs.holdCount(obj)) this.refs.holdOn(v, [obj]);
      else this.refs.escape(obj);
    } else if (v instanceof PyBuiltin || v instanceof PyBoundMethod || v instanceof PyFunction) this.refs.escape(obj);
    else {
      // A host-made container a counted instance holds (`opt.param_groups`) may outlive it: it counts its items itself.
      if (this.refs.countedInstance(obj) && typeof v === 'object' && !this.refs.isCounted(v)) this.refs.adopt(v);
      this.refs.usedOperand(obj);
    }
    return v;
  }

  private evalSubscript(e: A.Subscript, scope: Scope): PyValue {
    const obj = this.evalExpr(e.value, scope);
    const index = this.evalIndex(obj, e.index, scope);
    this.node = e;
    const out = ops.getitem(obj, index, this);
    this.refs.madeFrom(obj, out);
    this.refs.usedOperand(obj);
    this.refs.usedOperand(index);
    return out;
  }

  /**
   * The index of `obj[index]`. A tensor or array reads the items of an index tuple written inline
   * (`w[1, mask]`, `w[mask, 0] = v`) and keeps none of them (what its result needs, it keeps
   * itself): they are its operands, not a tuple's items, which escape (a dict keeps its key, a
   * class's `__getitem__` may).
   */
  private evalIndex(obj: PyValue, e: A.Expr, scope: Scope): PyValue {
    if (e.kind !== 'Tuple' || !(obj instanceof HostObject && obj.collectable) || e.elts.some((x) => x.kind === 'Starred')) return this.evalExpr(e, scope);
    const items = e.elts.map((x) => this.evalExpr(x, scope));
    for (const v of items) this.refs.usedOperand(v);
    return new PyTuple(items);
  }

  private evalSlice(e: A.Slice, scope: Scope): PyValue {
    return new PySlice(
      e.lower ? this.evalExpr(e.lower, scope) : null,
      e.upper ? this.evalExpr(e.upper, scope) : null,
      e.step ? this.evalExpr(e.step, scope) : null,
    );
  }

  private evalSet(e: A.SetLit, scope: Scope): PyValue {
    const s = new PySet();
    const items = this.evalElements(e.elts, scope);
    this.node = e;
    for (const v of items) s.add(ops.dictKey(v, this), v);
    if (e.elts.length > 2 && e.elts.every(isFoldedConstant)) s.fromConstants = s.size;
    this.refs.adopt(s);
    this.refs.holdMutable(s);
    return s;
  }

  private evalDict(e: A.Dict, scope: Scope): PyValue {
    const d = new PyDict();
    for (const item of e.items) {
      if ('unpack' in item) {
        const m = this.evalExpr(item.unpack, scope);
        if (!(m instanceof PyDict)) throw pyError('TypeError', `'${typeName(m)}' object is not a mapping`);
        for (const [hk, [k, v]] of m.map) d.setByKey(hk, k, v);
      } else {
        const k = this.evalExpr(item.key, scope);
        const v = this.evalExpr(item.value, scope);
        this.node = item.key;
        d.setByKey(ops.dictKey(k, this), k, v);
      }
    }
    // It holds its keys and values while it lives, as a list literal holds its items (`batch = {'x': X[i:j], 'y': y[i:j]}`).
    this.refs.adopt(d);
    this.refs.holdMutable(d);
    return d;
  }

  private evalNamedExpr(e: A.NamedExpr, scope: Scope): PyValue {
    const v = this.evalExpr(e.value, scope);
    this.assignName(e.target.id, v, scope);
    // `(r := f()).values`: what r holds may be bound again in this statement; count nothing new in it.
    this.refs.statementStart = Number.MAX_SAFE_INTEGER;
    return v;
  }

  private evalElements(elts: readonly A.Expr[], scope: Scope): PyValue[] {
    const out: PyValue[] = [];
    for (const x of elts) {
      if (x.kind === 'Starred') {
        const v = this.evalExpr(x.value, scope);
        this.node = x;
        for (const item of ops.iterate(v, this)) out.push(item);
      } else out.push(this.evalExpr(x, scope));
    }
    return out;
  }

  /** A list or tuple Python made (a literal, a comprehension) holds its items while it lives, as one an op returns. */
  private held<T extends PyList | PyTuple>(container: T): T {
    this.refs.adopt(container);
    this.refs.holdMutable(container);
    return container;
  }

  private compare(e: A.Compare, scope: Scope): PyValue {
    let left = this.evalExpr(e.left, scope);
    for (let i = 0; i < e.ops.length; i++) {
      const right = this.evalExpr(e.comparators[i], scope);
      this.node = e;
      const op = e.ops[i];
      let r: PyValue;
      switch (op) {
        case 'in':
          r = ops.contains(right, left, this);
          break;
        case 'not in':
          r = !ops.contains(right, left, this);
          break;
        // NB: Object.is, so a float is itself even when it is NaN (`math.nan is math.nan`).
        case 'is':
          r = Object.is(left, right);
          break;
        case 'is not':
          r = !Object.is(left, right);
          break;
        default:
          r = ops.compare(op as CompareOp, left, right, this);
      }
      this.refs.usedOperand(left);
      this.refs.usedOperand(right);
      if (i === e.ops.length - 1) return r;
      if (!ops.truthy(r, this)) return r;
      left = right;
    }
    return left;
  }

  private evalCall(e: A.Call, scope: Scope): PyValue {
    if (e.func.kind !== 'Attribute') return this.callWith(this.evalExpr(e.func, scope), e, scope);
    const receiver = this.evalExpr(e.func.value, scope);
    this.node = e.func;
    // `x.f(...)` about to be called: the method is a temporary, so unlike `f = x.f` it keeps nothing.
    const out = this.callWith(ops.getattr(receiver, e.func.attr, this), e, scope, receiver);
    this.refs.madeFrom(receiver, out);
    this.refs.usedOperand(receiver);
    return out;
  }

  private callWith(f: PyValue, e: A.Call, scope: Scope, receiver?: PyValue): PyValue {
    // NB: sized up front where no `*xs` adds to them: an empty array's first push reserves 16 slots.
    const count = positionalCount(e);
    const args: PyValue[] = count < 0 ? [] : new Array<PyValue>(count);
    // What a call receives, it may keep; an op keeps only what it returns.
    const op = ((f instanceof PyBuiltin || f instanceof HostObject || f instanceof PyType) && f.keepsNoArguments) || this.consuming.has(f);
    // NB: an op's list or tuple literal argument (`torch.stack([a * 2, b])`) is a temporary: its items are the op's arguments.
    const listed: PyValue[] | null = op ? [] : null;
    const kwargs = e.args.length === 0 ? NO_KWARGS : this.evalArguments(e, scope, args, listed);
    this.node = e;
    // NB: a built-in's loop or a host function's kernel may not check the clock: the run is here until it returns.
    this.signal?.at?.(e.span);
    // A Python function's parameters are names like any other (bindParams counts them); only what
    // its *args and **kwargs pack escapes. A built-in that only draws from a generator keeps none.
    const python = !op && (f instanceof PyFunction || (f instanceof PyBoundMethod && f.fn instanceof PyFunction));
    const drawsFrom = !op && !python && this.iteratorConsuming.has(f);
    // A container built-in's result holds what it was given (madeContainer); NB: not a generator,
    // which one that does not draw it out keeps open until the run ends.
    const makesContainer = !op && !python && (this.containerMaking.has(f) || (f instanceof PyType && isContainerType(f)));
    // An nn.Module (`model(x)`, `criterion(model(x), y)`) hands its arguments to its forward and keeps none itself.
    // So does a class whose instances are counted (`nn.Linear(4, 8)`, `SGD(model.parameters())`): what the instance keeps, it holds.
    // And a host method of a counted instance (`model.add_module('fc', layer)`) or container (`xs.append(t)`): what it keeps, it shows.
    // A method kept for later (`step = opt.step; step()`) runs on its instance as `opt.step()` does.
    const on = receiver ?? (f instanceof PyBoundMethod && f.self instanceof PyInstance ? f.self : undefined);
    // `setattr(model, name, layer)`, `heapq.heappush(heap, item)`: a counted first argument holds what it holds after.
    const into = f instanceof PyBuiltin && f.changesFirst && (this.refs.countedInstance(args[0]) || this.refs.countedContainer(args[0])) ? args[0] : undefined;
    const lends =
      !op &&
      !python &&
      ((f instanceof PyInstance && lendsArguments(f)) ||
        (f instanceof PyType && countsInstances(f)) ||
        into !== undefined ||
        (on !== undefined && this.refs.countedInstance(on)) ||
        (receiver !== undefined && this.refs.countedContainer(receiver)));
    if (!op && !python && !lends) {
      for (const a of args) if (!makesContainer && !(a instanceof PyIterator && drawsFrom)) this.refs.escape(a);
      if (!makesContainer) for (const v of kwargs.values()) this.refs.escape(v);
    }
    this.onCall?.(f, args, kwargs, e);
    if (f === this.superBuiltin && args.length === 0) return this.makeSuper(args);
    this.argumentsKept = python;
    // A built-in drawing from a generator (`sum(g)`, `list(g)`, `next(it)`, `dict(zip(keys, g))`) takes what it yields.
    const taker = !python && this.iteratorConsuming.has(f) ? this.takers.argumentsTaker(args) : null;
    let out: PyValue;
    try {
      if (lends) out = this.callLent(f, args, kwargs);
      else out = taker === null ? this.callValue(f, args, kwargs) : this.callTaking(taker, f, args, kwargs);
    } catch (err) {
      this.callRaised(err, e, receiver, args, kwargs);
      throw err;
    } finally {
      this.argumentsKept = false;
      if (taker !== null) this.takers.tookDrawn(taker);
    }
    if (op) {
      this.refs.adopt(out);
      for (const a of args) this.refs.usedArgument(a, out);
      for (const v of kwargs.values()) this.refs.usedArgument(v, out);
      for (const v of listed!) this.refs.usedArgument(v, out);
      return out;
    }
    // A counted instance made, or changed by a host method (`opt.step()`, `model.add_module(...)`), holds what it shows now.
    if (out instanceof PyInstance && (holdsOnlyItsDict(out.cls) ? this.refs.showsMoreThanItHolds(out) : this.refs.holders.has(out))) this.refs.resync(out);
    if (into !== undefined) this.refs.resync(into);
    if (on !== undefined && !python && this.refs.countedInstance(on)) this.refs.resync(on);
    else if (receiver !== undefined && !python && this.refs.countedContainer(receiver)) this.refs.calledOn(receiver, (e.func as A.Attribute).attr, args);
    // A closure called as it was made (`make_loss(batch)(w)`) is a temporary: nothing named it, so it goes with the statement.
    if (python && f instanceof PyFunction && f.born >= 0) this.refs.usedOperand(f);
    if (drawsFrom) for (const a of args) if (a instanceof PyIterator && a !== out && !holds(out, a)) this.refs.drawnFrom(a);
    if (makesContainer) {
      this.refs.madeContainer(out, args);
      for (const a of args) if (!(a instanceof PyGenerator)) this.refs.usedOperand(a);
      for (const v of kwargs.values()) this.refs.usedOperand(v);
    }
    return out;
  }

  /*
   * NB: callWith, evalBinOp, augAssign and bindParams make no closures themselves: a function whose
   * variables a closure reads allocates a context for them at every call, taken or not, and these
   * run at every Python call and operator (W5's micrograd engine, issue 17). These helpers make them.
   */

  /** callValue with the arguments lent (ReferenceCounts.lending): what the call returns holds its items as an op's result does. */
  private callLent(f: PyValue, args: PyValue[], kwargs: Kwargs): PyValue {
    const lent = this.refs.lendArguments(args, kwargs);
    try {
      const out = this.callValue(f, args, kwargs);
      this.refs.adopt(out);
      return out;
    } finally {
      this.refs.giveBack(lent);
    }
  }

  /** callValue with `taker` taking what the generator it draws from yields (Takers.drawing). */
  private callTaking(taker: Taker, f: PyValue, args: PyValue[], kwargs: Kwargs): PyValue {
    return this.takers.drawing(taker, () => this.callValue(f, args, kwargs));
  }

  /** A call expression's callee raised `err`: raisedAt with the call's name and operands. */
  private callRaised(err: unknown, e: A.Call, receiver: PyValue | undefined, args: readonly PyValue[], kwargs: Kwargs): void {
    this.raisedAt(err, e, () => ({ op: e.func.kind === 'Attribute' ? e.func.attr : e.func.kind === 'Name' ? e.func.id : 'call', operands: callOperands(e, receiver, args, kwargs) }));
  }

  /** A binary operator raised `err`: raisedAt with its operands `l` and `r`. */
  private binaryRaised(err: unknown, e: A.BinOp, l: PyValue, r: PyValue): void {
    this.raisedAt(err, e, () => ({ op: e.op, operands: [{ value: l, span: e.left.span }, { value: r, span: e.right.span }] }));
  }

  /** `name op= v` raised `err`: raisedAt with the name's value `cur` and `v`. */
  private augmentedRaised(err: unknown, s: A.AugAssign, cur: PyValue, v: PyValue): void {
    this.raisedAt(err, s, () => ({ op: `${s.op}=`, operands: [{ value: cur, span: s.target.span }, { value: v, span: s.value.span }] }));
  }

  /**
   * Evaluates a call's arguments into `args`; returns its keyword arguments. With `listed`, a list
   * or tuple literal argument's items go there instead of escaping into the container.
   */
  private evalArguments(e: A.Call, scope: Scope, args: PyValue[], listed: PyValue[] | null = null): Kwargs {
    let kwargs = NO_KWARGS;
    // NB: args[k++] = v appends to an array `*xs` grows, and fills one sized for the positional arguments.
    let k = 0;
    for (const a of e.args) {
      switch (a.kind) {
        case 'positional': {
          const literal = a.value;
          if (listed && (literal.kind === 'List' || literal.kind === 'Tuple') && !literal.elts.some((x) => x.kind === 'Starred')) {
            const items = this.evalElements(literal.elts, scope);
            listed.push(...items);
            args[k++] = literal.kind === 'List' ? new PyList(items) : new PyTuple(items);
          } else args[k++] = this.evalExpr(literal, scope);
          break;
        }
        case 'star': {
          const v = this.evalExpr(a.value, scope);
          this.node = a.value;
          for (const x of ops.iterate(v, this, `Value after * must be an iterable, not ${typeName(v)}`)) args[k++] = x;
          break;
        }
        case 'keyword': {
          const v = this.evalExpr(a.value, scope);
          if (kwargs === NO_KWARGS) kwargs = new Map();
          if (kwargs.has(a.name)) throw pyError('SyntaxError', `keyword argument repeated: ${a.name}`);
          kwargs.set(a.name, v);
          break;
        }
        case 'doubleStar': {
          const m = this.evalExpr(a.value, scope);
          this.node = a.value;
          if (!(m instanceof PyDict)) throw pyError('TypeError', `argument after ** must be a mapping, not ${typeName(m)}`);
          if (kwargs === NO_KWARGS) kwargs = new Map();
          for (const [k, v] of m.entries()) {
            if (typeof k !== 'string') throw pyError('TypeError', 'keywords must be strings');
            if (kwargs.has(k)) throw pyError('TypeError', `got multiple values for keyword argument '${k}'`);
            kwargs.set(k, v);
          }
          break;
        }
      }
    }
    return kwargs;
  }

  private evalFString(e: A.FString, scope: Scope): string {
    let out = '';
    for (const p of e.parts) out += typeof p === 'string' ? p : this.formatted(p, scope);
    return out;
  }

  private formatted(fv: A.FormattedValue, scope: Scope): string {
    let v = this.evalExpr(fv.value, scope);
    const conversion = fv.conversion ?? (fv.selfDoc !== null && fv.spec === null ? 'r' : null);
    this.node = fv;
    if (conversion === 'r') v = ops.repr(v, this);
    else if (conversion === 's') v = ops.str(v, this);
    else if (conversion === 'a') v = ops.ascii(v, this);
    const spec = fv.spec ? this.evalFString(fv.spec, scope) : '';
    this.node = fv;
    return (fv.selfDoc ?? '') + ops.formatValue(v, spec, this);
  }

  private comprehension(e: A.Comp | A.DictComp, scope: Scope): PyValue {
    const inner = new Scope(scopeInfo(e), scope, this.globals, scope.owner, scope.ownerSuffix);
    const list: PyValue[] = [];
    // What the list, dict or set holds a count on, counted as each element is made (see `holders`).
    const heldByList: Counted[] = [];
    const set = e.kind === 'SetComp' ? new PySet() : null;
    const dict = e.kind === 'DictComp' ? new PyDict() : null;
    const gens = e.generators;
    const usedUp = this.refs.usedUp.length;
    const drawn = this.takers.drawnByCalls.length;
    const loop = (i: number, iterable: PyValue): void => {
      const g = gens[i];
      // A container that holds its items is held while the comprehension draws from it, as a `for` holds it.
      const held = this.refs.isHolder(iterable);
      if (held) this.refs.bound(iterable);
      else this.refs.escape(iterable);
      this.node = e;
      const nextItem = ops.cursor(iterable, this);
      // The target takes what a generator yields, as a `for` loop's does.
      const taker = this.takers.takerOf(iterable);
      try {
        for (;;) {
          this.node = e;
          const item = this.takers.drawNext(taker, iterable, nextItem);
          if (item === undefined) break;
          this.assign(g.target, item, inner);
          if (taker !== null) this.takers.took(taker);
          if (!this.admits(g, inner)) continue;
          if (i + 1 < gens.length) loop(i + 1, this.evalExpr(gens[i + 1].iter, inner));
          else if (dict) {
            const k = this.evalExpr((e as A.DictComp).key, inner);
            const v = this.evalExpr((e as A.DictComp).value, inner);
            this.refs.adopt(k);
            this.refs.adopt(v);
            if (this.refs.holdItem(k)) heldByList.push(k);
            if (this.refs.holdItem(v)) heldByList.push(v);
            dict.setByKey(ops.dictKey(k, this), k, v);
          } else if (set) {
            const v = this.evalExpr((e as A.Comp).elt, inner);
            this.refs.adopt(v);
            if (this.refs.holdItem(v)) heldByList.push(v);
            set.add(ops.dictKey(v, this), v);
          } else {
            const v = this.evalExpr((e as A.Comp).elt, inner);
            this.refs.adopt(v);
            if (this.refs.holdItem(v)) heldByList.push(v);
            list.push(v);
          }
          // Each element's temporaries go once it is made, not when the whole comprehension is.
          if (this.takers.drawnByCalls.length > drawn) this.takers.releaseDrawn(drawn);
          if (this.refs.usedUp.length > usedUp) this.refs.collectUsedUp(usedUp);
        }
      } finally {
        if (held) this.refs.unbind(iterable);
      }
    };
    // The first iterable is evaluated in the enclosing scope, as in Python.
    loop(0, this.evalExpr(gens[0].iter, scope));
    this.refs.releaseScope(inner);
    const out = dict ?? set ?? new PyList(list);
    this.refs.holdOn(out, heldByList);
    this.refs.holdMutable(out);
    return out;
  }

  // ------------------------------------------------------------ generators (generator.ts, generator_body.ts)

  private makeGenerator(fn: PyFunction, scope: Scope): PyGenerator {
    // NB: its locals go when it finishes (generatorFrame's `finished`), not with any statement.
    return new PyGenerator(fn.name, fn.qualname, functionBody(this.generatorHost, (fn.node as A.FunctionDef).body, scope), this.generatorFrame(fn, scope));
  }

  /** `(f(x) for x in xs)`: `xs` is evaluated and iterated at once, as in Python; the rest runs as items are drawn. */
  private generatorExpression(e: A.Comp, scope: Scope): PyGenerator {
    // NB: its variables go when it finishes (generatorFrame's `finished`), unless a lambda in it keeps them.
    const inner = new Scope(scopeInfo(e), scope, this.globals, scope.owner, scope.ownerSuffix);
    const first = this.evalExpr(e.generators[0].iter, scope);
    for (let s: Scope | null = scope; s !== null && s.info !== null; s = s.parent) s.readers++;
    // It holds a container it iterates until it finishes (`sum(t.sum() for t in [a * 2, b])`), as a `for` holds it.
    const held = this.refs.isHolder(first) ? first : null;
    if (held !== null) this.refs.bound(held);
    else this.refs.escape(first);
    this.node = e;
    const name = '<genexpr>';
    return new PyGenerator(name, scope.qualPrefix + name, this.generatorExpressionBody(e, inner, 0, first), this.generatorFrame(null, inner, name, held));
  }

  /** Whether the item just bound passes the generator's `if` clauses, evaluated in order until one is false. */
  private admits(g: A.Comprehension, inner: Scope): boolean {
    for (const cond of g.ifs) if (!this.test(cond, inner)) return false;
    return true;
  }

  private *generatorExpressionBody(e: A.Comp, inner: Scope, i: number, iterable: PyValue): Generator<PyValue, PyValue, PyValue> {
    const g = e.generators[i];
    const nextItem = ops.cursor(iterable, this);
    // The target takes what a generator yields, as a `for` loop's does.
    const taker = this.takers.takerOf(iterable);
    for (;;) {
      this.node = e;
      const item = this.takers.drawNext(taker, iterable, nextItem);
      if (item === undefined) return null;
      this.assign(g.target, item, inner);
      if (taker !== null) this.takers.took(taker);
      if (!this.admits(g, inner)) continue;
      if (i + 1 < e.generators.length) {
        const it = this.evalExpr(e.generators[i + 1].iter, inner);
        this.refs.escape(it);
        this.node = e;
        yield* this.generatorExpressionBody(e, inner, i + 1, it);
      } else {
        yield this.evalExpr(e.elt, inner);
      }
    }
  }

  /**
   * Each step of a generator runs in its frame: pushed (a `def`'s), with the exceptions it was
   * handling when it last yielded. `iterated`: the container a generator expression holds until it finishes.
   */
  private generatorFrame(fn: PyFunction | null, scope: Scope, name = fn?.qualname ?? '', iterated: PyValue = null): GeneratorFrame {
    let handling: ExceptionObject[] | null = null;
    // A counted closure's generator reads the variables around it until it finishes, also once the closure went.
    let around = fn !== null && fn.born >= 0 ? (fn.closure as Scope) : null;
    if (around !== null) this.refs.keepScopes(around);
    return {
      started: (g) => void this.unfinished.add(g),
      finished: (g) => {
        this.unfinished.delete(g);
        // Its locals go with its frame, as a function's do as it returns.
        this.refs.releaseScope(scope);
        if (around !== null) this.refs.closureGone(around);
        around = null;
        this.refs.unbind(iterated);
        iterated = null;
        // A generator expression no longer reads the scopes around it.
        if (fn === null && scope.parent !== null) this.refs.readerFinished(scope.parent);
      },
      locals: () => scope.vars.values(),
      guarded: () => scope.closeGuards > 0,
      resume: (g, body, thrown, sent) => {
        if (this.frames.length >= this.recursionLimit) throw pyError(RecursionError, 'maximum recursion depth exceeded');
        const callerNode = this.node;
        const base = this.handling.length;
        if (handling) for (const exc of handling) this.handling.push(exc);
        if (fn) this.frames.push({ fn, scope, caller: callerNode });
        // What it yields goes to what drew it (handOver); what its own code draws is its own.
        const taker = this.takers.taking;
        this.takers.taking = null;
        let r: IteratorResult<PyValue, PyValue>;
        try {
          r = thrown ? body.throw(new PyError(thrown)) : body.next(sent);
        } catch (e) {
          throw this.leaveGenerator(e, name);
        } finally {
          if (fn) this.frames.pop();
          handling = this.handling.length > base ? this.handling.splice(base) : null;
          this.node = callerNode;
          this.takers.taking = taker;
        }
        // NB: what it returns rides in a StopIteration the script may keep: its frame's end must not free it.
        if (r.done) this.refs.escape(r.value);
        else this.takers.handOver(g, r.value, taker);
        return r;
      },
    };
  }

  /** The error leaving a generator's frame; a StopIteration becomes RuntimeError there, as PEP 479 has it. */
  private leaveGenerator(e: unknown, name: string): PyError | HaltError {
    let err = this.normalize(e);
    if (err instanceof HaltError) return err;
    if (err.exc.type.isSubtypeOf(StopIteration)) {
      const replaced = pyError(RuntimeError, 'generator raised StopIteration');
      replaced.exc.cause = err.exc;
      replaced.exc.context = err.exc;
      replaced.exc.span = err.exc.span;
      err = replaced;
    }
    err.exc.traceback.push({ name, span: this.node.span });
    return err;
  }

  /** A Yield node's value: what it received, once generator_body.ts ran it ahead of its statement. */
  private yielded(e: A.Yield | A.YieldFrom): PyValue {
    const v = this.yieldResults?.get(e);
    if (v !== undefined) return v;
    this.node = e;
    const frame = this.frames[this.frames.length - 1];
    if (frame && scopeInfo(frame.fn.node).generator) {
      throw new HaltError('unsupported', "Gradlens does not support 'yield' inside a lambda or a comprehension; write a generator function", e.span);
    }
    throw pyError('SyntaxError', "'yield' outside function");
  }

  /** What reference_counts.ts reads of this interpreter. */
  private countingRun(): CountingRun {
    const self = this;
    return {
      ctx: this,
      get running() {
        return self.node;
      },
      get frameDepth() {
        return self.frames.length;
      },
      get returning() {
        return self.retval;
      },
      closeDropped: (g, at) => this.closeDropped(g, at),
    };
  }

  /** What generator_body.ts sees of this interpreter. */
  private readonly generatorHost: GeneratorHost = this.makeGeneratorHost();

  private makeGeneratorHost(): GeneratorHost {
    const self = this;
    return {
      ctx: this,
      get node() {
        return self.node;
      },
      set node(v) {
        self.node = v;
      },
      get retval() {
        return self.retval;
      },
      set retval(v) {
        self.retval = v;
      },
      get yieldResults() {
        return self.yieldResults;
      },
      set yieldResults(v) {
        self.yieldResults = v;
      },
      handling: this.handling,
      execStmt: (s, scope) => this.execStmt(s, scope),
      evalExpr: (e, scope) => this.evalExpr(e, scope),
      assign: (target, value, scope) => this.assign(target, value, scope),
      assignName: (name, value, scope) => this.assignName(name, value, scope),
      handlerMatches: (exc, h, scope) => this.handlerMatches(exc, h, scope),
      enter: (mgr) => this.enter(mgr),
      exitRaised: (mgr, e) => this.exitRaised(mgr, e),
      exitNormally: (mgr, r) => this.exitNormally(mgr, r),
      normalize: (e) => this.normalize(e),
      uncatchable: (e) => e instanceof HaltError || e instanceof StopRun,
      escape: (v) => this.refs.escape(v),
      drawFrom: (it) => this.drawFrom(it),
      delegate: (inner, thrown, sent) => this.delegate(inner, thrown, sent),
      closeAbandoned: (it, madeBefore) => this.closeAbandoned(it, madeBefore),
    };
  }
}

function describeAnnotation(e: A.Expr): string {
  return e.kind === 'Name' ? e.id : e.kind === 'Attribute' ? `${describeAnnotation(e.value)}.${e.attr}` : '...';
}

function describeTarget(e: A.Expr): string {
  switch (e.kind) {
    case 'Call':
      return 'function call';
    case 'Num':
    case 'Str':
    case 'Bool':
    case 'None':
      return 'literal';
    case 'BinOp':
    case 'UnaryOp':
      return 'expression';
    case 'Compare':
      return 'comparison';
    case 'Lambda':
      return 'lambda';
    default:
      return 'expression';
  }
}

function formatBytes(n: number): string {
  const units = ['bytes', 'KiB', 'MiB', 'GiB', 'TiB', 'PiB'];
  let i = 0;
  let v = n;
  while (v >= 1024 && i < units.length - 1) {
    v /= 1024;
    i++;
  }
  return i === 0 ? `${n} bytes` : `${Number.isInteger(v) ? v : v.toFixed(1)} ${units[i]}`;
}

function formatSeconds(ms: number): string {
  return `${Number((ms / 1000).toPrecision(3))} s`;
}

/**
 * The scope of a call of `fn`, named by the function (a `__call__`, a flax-like module, by its
 * class); none of its own where the caller's scope already names it (`@jax.named_scope("head")`
 * on `def head`).
 */
function functionScope(fn: PyFunction, caller: OpScope | null): OpScope | null {
  const name = fn.name === '__call__' && fn.ownerClass ? fn.ownerClass.name : fn.name;
  return caller !== null && caller.kind === 'named_scope' && caller.name === name ? caller : openScope('function', name, null, caller);
}

/**
 * A call's operands: the receiver of a method call, then the arguments with their spans where the
 * call writes each alone (no `*args` or `**kwargs` among them), keyword arguments after.
 */
function callOperands(e: A.Call, receiver: PyValue | undefined, args: readonly PyValue[], kwargs: Kwargs): Operand[] {
  const spread = e.args.some((a) => a.kind === 'star' || a.kind === 'doubleStar');
  const positional = e.args.filter((a) => a.kind === 'positional');
  const keywords = e.args.filter((a) => a.kind === 'keyword');
  return [
    ...(receiver !== undefined && e.func.kind === 'Attribute' ? [{ value: receiver, span: e.func.value.span }] : []),
    ...args.map((value, i) => ({ value, span: spread ? null : positional[i]?.value.span ?? null })),
    ...[...kwargs].map(([name, value]) => ({ value, span: spread ? null : keywords.find((k) => k.kind === 'keyword' && k.name === name)?.value.span ?? null })),
  ];
}

/** `f(a, b, c)` where `f` takes fewer positional parameters and no `*args`. */
function tooManyPositional(fn: PyFunction, P: ParamLayout['positional'], given: number): PyError {
  const required = P.filter((p) => fn.defaults[p.index] === undefined).length;
  const takes = required === P.length ? `${P.length}` : `from ${required} to ${P.length}`;
  return pyError(
    'TypeError',
    `${fn.qualname}() takes ${takes} positional argument${P.length === 1 && required === P.length ? '' : 's'} but ${given} ${given === 1 ? 'was' : 'were'} given`,
  );
}

/** `f(k=...)` where `f` has no parameter `k` a keyword may fill. */
function unexpectedKeyword(name: string, P: ParamLayout['positional'], k: string): PyError {
  if (P.some((q) => q.param.name === k)) return pyError('TypeError', `${name}() got some positional-only arguments passed as keyword arguments: '${k}'`);
  return pyError('TypeError', `${name}() got an unexpected keyword argument '${k}'`);
}

/** Whether `f` is one of the built-in container types or a subclass of one (CONTAINER_TYPES). */
function isContainerType(f: PyType): boolean {
  for (const t of CONTAINER_TYPES) if (f.isSubtypeOf(t)) return true;
  return false;
}

/** How many positional arguments a call passes; -1 where a `*xs` among them makes that known only as it runs. */
function positionalCount(e: A.Call): number {
  let n = 0;
  for (const a of e.args) {
    if (a.kind === 'star') return -1;
    if (a.kind === 'positional') n++;
  }
  return n;
}
