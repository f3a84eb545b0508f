/**
 * `contextlib.ExitStack` as CPython 3.11's Lib/contextlib.py runs it: `enter_context`, `push`,
 * `callback`, `pop_all`, `close`; on exit the callbacks run last-in first-out, each seeing the
 * exception the ones after it left (a callback that returns true suppresses it, one that raises
 * replaces it, the replaced exception becoming the new one's `__context__`), and the stack's
 * `__exit__` suppresses the block's exception only when a callback did.
 */
import {
  bindArgs,
  ExceptionObject,
  type HostContext,
  HostObject,
  hostType,
  type Kwargs,
  PyBuiltin,
  PyError,
  pyError,
  PyInstance,
  type PyType,
  type PyValue,
  truthy,
  typeOf,
} from '../interpreter';

/** One registered exit: given the exception leaving (or null), says whether to suppress it. */
type ExitCallback = (exc: ExceptionObject | null, ctx: HostContext) => boolean;

function excDetails(exc: ExceptionObject | null): PyValue[] {
  return exc ? [exc.type, exc, null] : [null, null, null];
}

/** The `__enter__`/`__exit__` pair of a context manager; CPython 3.11's TypeError when it has none. */
function protocol(cm: PyValue, ctx: HostContext): { enter: () => PyValue; exit: ExitCallback } {
  if (cm instanceof HostObject) {
    return { enter: () => cm.enter(ctx), exit: (exc, c) => cm.exit(exc, c) };
  }
  const cls = typeOf(cm);
  const enter = cm instanceof PyInstance ? cls.lookup('__enter__') : undefined;
  const exit = cm instanceof PyInstance ? cls.lookup('__exit__') : undefined;
  if (enter === undefined || exit === undefined) {
    const where = cls.module === 'builtins' && !cls.userDefined ? 'builtins' : cls.module;
    throw pyError('TypeError', `'${where}.${cls.name}' object does not support the context manager protocol`);
  }
  return {
    enter: () => ctx.call(ctx.getattr(cm, '__enter__'), []),
    exit: (exc, c) => truthy(c.call(c.getattr(cm, '__exit__'), excDetails(exc)), c),
  };
}

class ExitStack extends HostObject {
  static readonly type: PyType = hostType('ExitStack', 'contextlib', (args, kwargs, ctx) => {
    bindArgs('ExitStack', [], args, kwargs, ctx);
    return new ExitStack();
  });

  private callbacks: ExitCallback[] = [];

  get pyType(): PyType {
    return ExitStack.type;
  }

  override getattr(name: string, ctx: HostContext): PyValue | undefined {
    const method = (f: (args: PyValue[], kwargs: Kwargs) => PyValue) => new PyBuiltin(name, (args, kwargs) => f(args, kwargs), this);
    switch (name) {
      case 'enter_context':
        return method((args, kwargs) => {
          const cm = bindArgs('enter_context', ['cm'], args, kwargs, ctx).required('cm');
          const { enter, exit } = protocol(cm, ctx);
          const result = enter();
          this.callbacks.push(exit);
          return result;
        });
      case 'push':
        return method((args, kwargs) => {
          const exit = bindArgs('push', ['exit'], args, kwargs, ctx).required('exit');
          // An object with __exit__ is pushed as its __exit__; anything else is called as one.
          const hasExit = exit instanceof HostObject || (exit instanceof PyInstance && exit.cls.lookup('__exit__') !== undefined);
          this.callbacks.push(hasExit && exit instanceof HostObject
            ? (exc, c) => exit.exit(exc, c)
            : hasExit
              ? (exc, c) => truthy(c.call(c.getattr(exit, '__exit__'), excDetails(exc)), c)
              : (exc, c) => truthy(c.call(exit, excDetails(exc)), c));
          return exit;
        });
      case 'callback':
        return method((args, kwargs) => {
          if (args.length === 0) throw pyError('TypeError', "ExitStack.callback() missing 1 required positional argument: 'callback'");
          const [fn, ...rest] = args;
          // A plain callback never suppresses: its result is ignored.
          this.callbacks.push((_exc, c) => {
            c.call(fn, rest, kwargs);
            return false;
          });
          return fn;
        });
      case 'pop_all':
        return method(() => {
          const moved = new ExitStack();
          moved.callbacks = this.callbacks;
          this.callbacks = [];
          return moved;
        });
      case 'close':
        return method(() => {
          this.exit(null, ctx);
          return null;
        });
      case '__enter__':
        return method(() => this);
      case '__exit__':
        return method((args) => {
          const exc = args[1] instanceof ExceptionObject ? args[1] : null;
          return this.exit(exc, ctx);
        });
      default:
        return undefined;
    }
  }

  override enter(): PyValue {
    return this;
  }

  override exit(received: ExceptionObject | null, ctx: HostContext): boolean {
    let current = received;
    let suppressed = false;
    let pending = false;
    while (this.callbacks.length) {
      const cb = this.callbacks.pop()!;
      try {
        if (cb(current, ctx)) {
          suppressed = true;
          pending = false;
          current = null;
        }
      } catch (e) {
        if (!(e instanceof PyError)) throw e;
        if (e.exc !== current && e.exc.context === null && current !== null) e.exc.context = current;
        pending = true;
        current = e.exc;
      }
    }
    if (pending && current) throw new PyError(current);
    return received !== null && suppressed;
  }

}

export const exitStackType = ExitStack.type;
