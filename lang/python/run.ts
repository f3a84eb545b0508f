/**
 * The entry point: run a script and get what it printed and how it ended.
 *
 *   const r = run(source, { file: 'examples/fit.py' });
 *   process.stdout.write(r.output);
 *   if (r.error) console.error(formatError(r.error));
 */
import {
  HaltError,
  PyError,
  type HaltKind,
  type ExceptionObject,
  type FailedOp,
  Interpreter,
  StopRun,
  SystemExit,
  type Budgets,
  type CancelSignal,
  type InterpreterOptions,
  type AssignListener,
  type ModuleRegistry,
  type ShownWarning,
  PyList,
} from './interpreter';
import { STANDARD_MODULES } from './modules';
import { parse, syntaxErrorClass, type ParseResult, type Span, walkStatements } from './syntax';

export interface RunOptions {
  /** The file name errors are reported against (`examples/x.py:12:8: error: ...`). */
  file?: string;
  /** Receives output as the script prints it, in addition to `RunResult.output`. */
  stdout?: (text: string) => void;
  /** Receives what the script writes to stderr (its warnings as CPython writes them, `sys.stderr.write`, `logging`), in addition to `RunResult.stderr`. */
  stderr?: (text: string) => void;
  /** Receives each warning shown, with its place. */
  onWarning?: (w: ShownWarning) => void;
  /** Module shims the script may import, added to (and overriding) the standard ones (`math`). */
  modules?: ModuleRegistry;
  budgets?: Partial<Budgets>;
  signal?: CancelSignal;
  /** Hears each assignment to a name, from the script's first statement on (InterpreterOptions.onAssign). */
  onAssign?: AssignListener;
}

export type ScriptErrorKind = 'syntax' | 'exception' | HaltKind;

/** How a script failed, with the span to show it at. */
export interface ScriptError {
  readonly kind: ScriptErrorKind;
  /** What a user reads: `ZeroDivisionError: division by zero`, `the script ran more than ...`. */
  readonly message: string;
  /** The Python exception class for `kind: 'exception'`, e.g. `ZeroDivisionError`. */
  readonly exceptionType: string | null;
  readonly file: string | null;
  readonly span: Span;
  /** Python frames the exception passed through, innermost first. */
  readonly traceback: readonly { readonly name: string; readonly span: Span }[];
  /** The op that raised it itself, and what it was applied to (ExceptionObject.failedOp). */
  readonly failedOp?: FailedOp;
}

export interface RunResult {
  /** Everything the script printed; when it failed, what it printed before failing. */
  readonly output: string;
  readonly error: ScriptError | null;
  /** The warnings shown (not filtered out), in order. */
  readonly warnings: readonly ShownWarning[];
  /** Everything the script wrote to stderr, in order: its warnings' `text`s, what it wrote there itself. */
  readonly stderr: string;
  /** Where `sys.exit(code)` (an uncaught SystemExit) ended the run: the process's exit status, as CPython gives it. */
  readonly exitCode?: number;
}

/** `file:line:col: error: message`, or `line N: message` when there is no file name. */
export function formatError(err: ScriptError): string {
  if (err.file) return `${err.file}:${err.span.line}:${err.span.col}: error: ${err.message}`;
  return `line ${err.span.line}: ${err.message}`;
}

export function syntaxError(parsed: ParseResult, file: string | null): ScriptError | null {
  const first = parsed.errors[0];
  if (!first) return null;
  const exceptionType = syntaxErrorClass(first);
  return { kind: 'syntax', message: `${exceptionType}: ${first.message}`, exceptionType, file, span: first.span, traceback: [] };
}

/**
 * The first construct Gradlens cannot run at all (`yield`, `await`, `match`,
 * `async def`), refused before the script starts, as a syntax error is.
 */
export function unsupportedSyntax(parsed: ParseResult, file: string | null): ScriptError | null {
  let found: { what: string; span: Span } | null = null;
  const note = (what: string, span: Span) => {
    if (!found || span.from < found.span.from) found = { what, span };
  };
  walkStatements(parsed.module.body, {
    stmt: (s) => {
      if (s.kind === 'UnsupportedStmt') note(s.what, s.span);
      if (s.kind === 'FunctionDef' && s.isAsync) note("'async def'", s.span);
    },
    expr: (e) => {
      // Complex and bytes literals stop the run only when evaluated, as a value would.
      if (e.kind === 'UnsupportedExpr' && e.what !== 'complex numbers') note(e.what, e.span);
    },
  });
  const f = found as { what: string; span: Span } | null;
  if (!f) return null;
  return { kind: 'unsupported', message: `Gradlens does not support ${f.what}`, exceptionType: null, file, span: f.span, traceback: [] };
}

/** A ScriptError from what a run threw. */
export function scriptError(interp: Interpreter, e: unknown, file: string | null): ScriptError {
  const err = e instanceof PyError || e instanceof HaltError ? e : interp.normalize(e);
  if (err instanceof HaltError) {
    return { kind: err.kind, message: err.message, exceptionType: null, file, span: err.span ?? interp.span, traceback: [] };
  }
  const exc = err.exc;
  return {
    kind: 'exception',
    message: uncaughtMessage(interp, exc),
    exceptionType: exc.type.name,
    file,
    span: exc.span ?? interp.span,
    traceback: [...exc.traceback],
    ...(exc.failedOp ? { failedOp: exc.failedOp } : {}),
  };
}

/** Python's last traceback line; str(exc) through the interpreter honours an exception class's own __str__. */
function uncaughtMessage(interp: Interpreter, exc: ExceptionObject): string {
  const text = interp.str(exc);
  if (exc.bareMessage) return text;
  const notes = exc.dict.get('__notes__');
  const noted = notes instanceof PyList ? notes.items.map((n) => `\n${typeof n === 'string' ? n : interp.str(n)}`).join('') : '';
  return (text ? `${exc.type.tracebackName}: ${text}` : exc.type.tracebackName) + noted;
}

/**
 * The interpreter a script runs in under `options`: its file name, the standard
 * modules and the caller's, and what it prints sent to `write` then `options.stdout`.
 */
export function scriptInterpreter(
  options: RunOptions,
  write: (text: string) => void,
  hooks: Pick<InterpreterOptions, 'onCall' | 'onDefine' | 'source'> = {},
  warned: (w: ShownWarning) => void = () => {},
  writeStderr: (text: string) => void = () => {},
): Interpreter {
  return new Interpreter({
    file: options.file ?? '<string>',
    write: (text) => {
      write(text);
      options.stdout?.(text);
    },
    writeStderr: (text) => {
      writeStderr(text);
      options.stderr?.(text);
    },
    onWarning: (w) => {
      warned(w);
      writeStderr(w.text);
      options.onWarning?.(w);
      options.stderr?.(w.text);
    },
    modules: { ...STANDARD_MODULES, ...options.modules },
    budgets: options.budgets,
    signal: options.signal,
    ...(options.onAssign ? { onAssign: options.onAssign } : {}),
    ...hooks,
  });
}

export function run(source: string, options: RunOptions = {}): RunResult {
  const file = options.file ?? null;
  const parsed = parse(source);
  const refused = syntaxError(parsed, file) ?? unsupportedSyntax(parsed, file);
  if (refused) return { output: '', error: refused, warnings: [], stderr: '' };
  let output = '';
  let stderr = '';
  const warnings: ShownWarning[] = [];
  const toStderr = (text: string) => void (stderr += text);
  const interp = scriptInterpreter(options, (text) => void (output += text), { source }, (w) => void warnings.push(w), toStderr);
  let error: RunResult['error'] = null;
  let exitCode: number | undefined;
  try {
    interp.runModule(parsed.module);
  } catch (e) {
    if (e instanceof StopRun) return { output, error: null, warnings, stderr };
    if (e instanceof PyError && e.exc.type.isSubtypeOf(SystemExit)) {
      exitCode = systemExitCode(interp, e.exc, (text) => {
        toStderr(text);
        options.stderr?.(text);
      });
    } else {
      error = scriptError(interp, e, file);
      // A budget or a refusal stops the run there; after a Python exception, CPython still finalizes.
      if (!(e instanceof PyError)) return { output, error, warnings, stderr };
    }
  }
  try {
    interp.finalize();
  } catch (e) {
    if (!(e instanceof StopRun)) error ??= scriptError(interp, e, file);
  }
  return { output, error, warnings, stderr, ...(exitCode === undefined ? {} : { exitCode }) };
}

/**
 * CPython's handle_system_exit: `sys.exit()` or `sys.exit(None)` is status 0, an int is itself,
 * anything else is written to stderr (`sys.exit("bad config")`) and is status 1.
 */
function systemExitCode(interp: Interpreter, exc: ExceptionObject, writeStderr: (text: string) => void): number {
  const code = interp.getattr(exc, 'code');
  if (code === null) return 0;
  if (typeof code === 'bigint') return Number(BigInt.asIntN(32, code));
  if (typeof code === 'boolean') return code ? 1 : 0;
  writeStderr(`${interp.str(code)}\n`);
  return 1;
}
