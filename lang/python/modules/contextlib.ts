/**
 * Python's `contextlib` as ML code uses it: `contextmanager` (a generator function as a `with`
 * block's set-up and tear-down, the block's exception thrown in at its `yield`), `suppress` and
 * `nullcontext`; as CPython 3.11 behaves, its RuntimeErrors for misbehaving generators included.
 */
import {
  bindArgs,
  ExceptionObject,
  type HostContext,
  HostObject,
  hostType,
  isCallable,
  type Kwargs,
  type ModuleShim,
  PyError,
  pyError,
  pyFunction,
  PyGenerator,
  PyModule,
  PyType,
  type PyValue,
  StopIteration,
  typeName,
} from '../interpreter';

import { exitStackType } from './exit_stack';

function isStopIteration(e: unknown): e is PyError {
  return e instanceof PyError && e.exc.type.isSubtypeOf(StopIteration);
}

/** What calling a `@contextmanager` function returns: `with` runs the generator to its `yield`, then on. */
class GeneratorContextManager extends HostObject {
  static readonly type = hostType('_GeneratorContextManager', 'contextlib');

  constructor(private readonly gen: PyGenerator) {
    super();
  }

  get pyType(): PyType {
    return GeneratorContextManager.type;
  }

  override enter(): PyValue {
    try {
      return this.gen.send(null);
    } catch (e) {
      if (isStopIteration(e)) throw pyError('RuntimeError', "generator didn't yield");
      throw e;
    }
  }

  override exit(exc: ExceptionObject | null): boolean {
    if (exc === null) {
      try {
        this.gen.send(null);
      } catch (e) {
        if (isStopIteration(e)) return false;
        throw e;
      }
      throw pyError('RuntimeError', "generator didn't stop");
    }
    try {
      this.gen.send(null, exc);
    } catch (e) {
      // It caught the exception and returned: the exception is swallowed.
      if (isStopIteration(e)) return e.exc !== exc;
      // The generator let the exception through: the `with` statement raises it on.
      if (e instanceof PyError && e.exc === exc) return false;
      // PEP 479 turned a StopIteration from the block into RuntimeError: the original goes on.
      if (e instanceof PyError && exc.type.isSubtypeOf(StopIteration) && e.exc.cause === exc) return false;
      throw e;
    }
    throw pyError('RuntimeError', "generator didn't stop after throw()");
  }
}

function contextmanager(args: PyValue[], kwargs: Kwargs, ctx: HostContext): PyValue {
  const func = bindArgs('contextmanager', ['func'], args, kwargs, ctx).required('func');
  if (!isCallable(func, ctx)) throw pyError('TypeError', `'${typeName(func)}' object is not callable`);
  const name = ctx.getattr(func, '__name__');
  return pyFunction(typeof name === 'string' ? name : 'helper', (a, k, c) => {
    const gen = c.call(func, a, k);
    // CPython fails at the `with`, reading `__next__`; the same error, earlier.
    if (!(gen instanceof PyGenerator)) throw pyError('TypeError', `'${typeName(gen)}' object is not an iterator`);
    return new GeneratorContextManager(gen);
  });
}

/** `suppress(E1, E2)`: a `with` block whose exception of those types is swallowed. */
class Suppress extends HostObject {
  static readonly type = hostType('suppress', 'contextlib', (args) => new Suppress(args));

  constructor(private readonly types: readonly PyValue[]) {
    super();
  }

  get pyType(): PyType {
    return Suppress.type;
  }

  override enter(): PyValue {
    return null;
  }

  override exit(exc: ExceptionObject | null): boolean {
    if (exc === null) return false;
    return this.types.some((t) => {
      if (!(t instanceof PyType)) throw pyError('TypeError', 'catching classes that do not inherit from BaseException is not allowed');
      return exc.type.isSubtypeOf(t);
    });
  }
}

/** `nullcontext(x)`: a `with` block that does nothing and gives `x`. */
class NullContext extends HostObject {
  static readonly type = hostType('nullcontext', 'contextlib', (args, kwargs, ctx) => {
    const a = bindArgs('nullcontext', ['enter_result?'], args, kwargs, ctx);
    return new NullContext(a.opt('enter_result') ?? null);
  });

  constructor(private readonly result: PyValue) {
    super();
  }

  get pyType(): PyType {
    return NullContext.type;
  }

  override enter(): PyValue {
    return this.result;
  }
}

export const contextlibModule: ModuleShim = {
  exports: ['contextmanager', 'suppress', 'nullcontext', 'ExitStack'],
  create() {
    return new PyModule('contextlib', new Map<string, PyValue>([
      ['contextmanager', pyFunction('contextmanager', contextmanager)],
      ['suppress', Suppress.type],
      ['nullcontext', NullContext.type],
      ['ExitStack', exitStackType],
    ]), true);
  },
};
