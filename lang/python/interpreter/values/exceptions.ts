/**
 * Python exceptions as JS throwables, the builtin exception classes, and the
 * errors that stop a script without being Python exceptions (budgets, sandbox
 * refusals, cancellation), which `except` clauses cannot catch.
 */
import { ExceptionObject, PyBuiltin, PyList, PyType, type PyValue } from './objects';
import type { Span } from '../../syntax';

/** A Python exception in flight. `except` clauses catch these. */
export class PyError extends Error {
  constructor(readonly exc: ExceptionObject) {
    // NB: no JS stack trace: a Python exception is raised as often as a loop runs, and capturing
    // one cost most of a `raise`; what the user sees is the Python traceback, kept in `exc`.
    super(withoutStackTrace());
    Error.stackTraceLimit = savedStackTraceLimit;
    this.name = exc.type.name;
  }

  override get message(): string {
    return exceptionMessage(this.exc);
  }
}

let savedStackTraceLimit = Error.stackTraceLimit;

function withoutStackTrace(): undefined {
  savedStackTraceLimit = Error.stackTraceLimit;
  Error.stackTraceLimit = 0;
  return undefined;
}

/**
 * budget: a step, time, memory or recursion budget ran out; sandbox: the script
 * reached outside (`open`, `eval`); unsupported: Python that Gradlens does not run
 * (`yield`, `match`); cancelled: the caller cancelled; internal: a bug in Gradlens.
 */
export type HaltKind = 'budget' | 'sandbox' | 'unsupported' | 'cancelled' | 'internal';

/**
 * Stops the script at once: a budget ran out, the script reached for something
 * the sandbox refuses (`open`, `eval`), or the run was cancelled. Not catchable
 * by the script, so `except Exception:` cannot swallow an infinite-loop stop.
 */
export class HaltError extends Error {
  constructor(
    readonly kind: HaltKind,
    message: string,
    public span: Span | null = null,
  ) {
    super(message);
    this.name = 'HaltError';
  }
}

function exceptionClass(name: string, base: PyType | null): PyType {
  const t: PyType = new PyType(name, {
    bases: base ? [base] : [],
    isException: true,
    construct: (args) => new ExceptionObject(t, args),
  });
  return t;
}

export const BaseException = exceptionClass('BaseException', null);
export const Exception = exceptionClass('Exception', BaseException);
export const ArithmeticError = exceptionClass('ArithmeticError', Exception);
export const ZeroDivisionError = exceptionClass('ZeroDivisionError', ArithmeticError);
export const OverflowError = exceptionClass('OverflowError', ArithmeticError);
export const FloatingPointError = exceptionClass('FloatingPointError', ArithmeticError);
export const LookupError = exceptionClass('LookupError', Exception);
export const IndexError = exceptionClass('IndexError', LookupError);
export const KeyError = exceptionClass('KeyError', LookupError);
export const ValueError = exceptionClass('ValueError', Exception);
export const TypeError = exceptionClass('TypeError', Exception);
export const RuntimeError = exceptionClass('RuntimeError', Exception);
export const RecursionError = exceptionClass('RecursionError', RuntimeError);
export const NotImplementedError = exceptionClass('NotImplementedError', RuntimeError);
export const AssertionError = exceptionClass('AssertionError', Exception);
export const AttributeError = exceptionClass('AttributeError', Exception);
export const NameError = exceptionClass('NameError', Exception);
export const UnboundLocalError = exceptionClass('UnboundLocalError', NameError);
export const ImportError = exceptionClass('ImportError', Exception);
export const ModuleNotFoundError = exceptionClass('ModuleNotFoundError', ImportError);
export const StopIteration = exceptionClass('StopIteration', Exception);
export const MemoryError = exceptionClass('MemoryError', Exception);
export const UnicodeError = exceptionClass('UnicodeError', ValueError);
export const UnicodeEncodeError = exceptionClass('UnicodeEncodeError', UnicodeError);
export const UnicodeDecodeError = exceptionClass('UnicodeDecodeError', UnicodeError);
export const SyntaxError = exceptionClass('SyntaxError', Exception);
export const IndentationError = exceptionClass('IndentationError', SyntaxError);
export const TabError = exceptionClass('TabError', IndentationError);
export const KeyboardInterrupt = exceptionClass('KeyboardInterrupt', BaseException);
/** Raised by `sys.exit(code)`: `except Exception` does not catch it; uncaught, it ends the run with its code. */
export const SystemExit = exceptionClass('SystemExit', BaseException);
// The OS errors that scripts name in `except` clauses (the sandbox raises none of them).
export const OSError = exceptionClass('OSError', Exception);
export const FileNotFoundError = exceptionClass('FileNotFoundError', OSError);
export const PermissionError = exceptionClass('PermissionError', OSError);
export const TimeoutError = exceptionClass('TimeoutError', OSError);
export const ConnectionError = exceptionClass('ConnectionError', OSError);
export const EOFError = exceptionClass('EOFError', Exception);
/** Thrown into a generator by `close()`: `except Exception` does not catch it, `finally` runs. */
export const GeneratorExit = exceptionClass('GeneratorExit', BaseException);
// The warning categories (`warnings.warn(msg, DeprecationWarning)`), builtins as in CPython.
export const Warning = exceptionClass('Warning', Exception);
export const WARNING_TYPES: ReadonlyMap<string, PyType> = new Map(
  [
    'UserWarning', 'DeprecationWarning', 'PendingDeprecationWarning', 'SyntaxWarning', 'RuntimeWarning', 'FutureWarning',
    'ImportWarning', 'UnicodeWarning', 'BytesWarning', 'ResourceWarning', 'EncodingWarning',
  ].map((name) => [name, exceptionClass(name, Warning)]),
);

// BaseException.__init__: what `super().__init__(message)` in an exception class reaches.
BaseException.attrs.set(
  '__init__',
  new PyBuiltin('__init__', (args) => {
    const self = args[0];
    if (self instanceof ExceptionObject) self.args = args.slice(1);
    return null;
  }),
);

/** Every builtin exception class by name, as the script sees them. */
export const EXCEPTION_TYPES: ReadonlyMap<string, PyType> = new Map(
  [
    BaseException, Exception, ArithmeticError, ZeroDivisionError, OverflowError, FloatingPointError,
    LookupError, IndexError, KeyError, ValueError, TypeError, RuntimeError, RecursionError,
    NotImplementedError, AssertionError, AttributeError, NameError, UnboundLocalError, ImportError,
    ModuleNotFoundError, StopIteration, MemoryError, UnicodeError, UnicodeEncodeError, UnicodeDecodeError, SyntaxError, IndentationError, TabError, KeyboardInterrupt, SystemExit,
    GeneratorExit, OSError, FileNotFoundError, PermissionError, TimeoutError, ConnectionError, EOFError,
    Warning, ...WARNING_TYPES.values(),
  ].map((t) => [t.name, t]),
);

export type ExceptionName =
  | 'ValueError' | 'TypeError' | 'RuntimeError' | 'ZeroDivisionError' | 'IndexError' | 'KeyError'
  | 'AssertionError' | 'AttributeError' | 'NameError' | 'UnboundLocalError' | 'OverflowError'
  | 'NotImplementedError' | 'RecursionError' | 'ImportError' | 'ModuleNotFoundError' | 'StopIteration'
  | 'MemoryError' | 'LookupError' | 'UnicodeEncodeError' | 'UnicodeDecodeError' | 'ArithmeticError' | 'Exception' | 'SyntaxError' | 'IndentationError' | 'TabError';

/**
 * A Python exception to throw: `throw pyError('ValueError', 'math domain error')`.
 * Host shims use this for every error the script should see as a Python exception.
 */
export function pyError(type: ExceptionName | PyType, message?: string, ...moreArgs: PyValue[]): PyError {
  const t = typeof type === 'string' ? EXCEPTION_TYPES.get(type)! : type;
  const args: PyValue[] = message === undefined ? [] : [message, ...moreArgs];
  return new PyError(new ExceptionObject(t, args));
}

/**
 * `exc.add_note(note)` (Python 3.11): the traceback prints each note on a line of its own after the
 * message, and `str(exc)` leaves them out. Gradlens adds what to do this way where the message is
 * the library's own words, so a script that catches the error reads what the library says.
 */
export function addNote(exc: ExceptionObject, note: string): void {
  const notes = exc.dict.get('__notes__');
  if (notes === undefined) exc.dict.set('__notes__', new PyList([note]));
  else if (notes instanceof PyList) notes.items.push(note);
  else throw pyError('TypeError', 'Cannot add note: __notes__ is not a list');
}

/** An exception raised while `handled` was being handled gets it as its `__context__`, as in Python. */
export function withContext(e: unknown, handled: ExceptionObject): unknown {
  if (e instanceof PyError && e.exc !== handled && e.exc.context === null) e.exc.context = handled;
  return e;
}

/** `KeyError` carries the key itself, so that its message is the key's repr. */
export function keyError(key: PyValue): PyError {
  return new PyError(new ExceptionObject(KeyError, [key]));
}

/** The last line of a Python traceback: `ZeroDivisionError: division by zero`. */
export function exceptionMessage(exc: ExceptionObject, str: (v: PyValue) => string = defaultStr, repr: (v: PyValue) => string = defaultRepr): string {
  const text = exceptionText(exc, str, repr);
  if (exc.bareMessage) return text;
  return text ? `${exc.type.tracebackName}: ${text}` : exc.type.tracebackName;
}

/** `str(e)`: the single argument, or the tuple of them. KeyError shows its key's repr. */
export function exceptionText(exc: ExceptionObject, str: (v: PyValue) => string = defaultStr, repr: (v: PyValue) => string = defaultRepr): string {
  if (exc.args.length === 0) return '';
  if (exc.args.length === 1) {
    if (exc.type.isSubtypeOf(KeyError)) return repr(exc.args[0]);
    return str(exc.args[0]);
  }
  return `(${exc.args.map((a) => repr(a)).join(', ')})`;
}

function defaultStr(v: PyValue): string {
  if (typeof v === 'string') return v;
  if (v === null) return 'None';
  if (typeof v === 'boolean') return v ? 'True' : 'False';
  return String(v);
}

/** Without an interpreter at hand (PyError's JS message): strings quoted, the rest as `defaultStr`. */
function defaultRepr(v: PyValue): string {
  return typeof v === 'string' ? `'${v}'` : defaultStr(v);
}
