/**
 * `sys`, as far as a sandboxed script may see it: `argv` is the script's name alone (a run has no
 * command line), `exit` raises SystemExit (uncaught, it ends the run with its status), `stdout` and
 * `stderr` write where `print` and the run's warnings go, `stdin` refuses to read. The version is
 * CPython 3.11's, the language Gradlens runs; `platform` is 'linux' (scripts test it to pick a
 * device or a path separator, and Gradlens's paths are POSIX ones, as os.path's). The recursion
 * limit is the run's recursion budget, which `setrecursionlimit` may lower and never raise.
 */
import {
  bindArgs,
  HaltError,
  type HostContext,
  HostObject,
  hostType,
  type Kwargs,
  PyBuiltin,
  pyError,
  pyFunction,
  PyList,
  PyModule,
  PyTuple,
  type PyType,
  type PyValue,
  SystemExit,
  PyError,
  ExceptionObject,
  EXCEPTION_TYPES,
  toIndex,
  typeName,
  writeStderr,
  writeStdout,
  type ModuleShim,
} from '../interpreter';
import { writeMethod } from './io';
import { makeNamedTuple } from './namedtuple';
import { ModulesView } from './sys_modules';

type StreamName = 'stdout' | 'stderr' | 'stdin';

/** `sys.stdout`, `sys.stderr`, `sys.stdin`: text streams over the run's output; stdin has nothing to read. */
class TextStream extends HostObject {
  static readonly type: PyType = hostType('TextIOWrapper', '_io');

  constructor(readonly stream: StreamName) {
    super();
  }

  get pyType(): PyType {
    return TextStream.type;
  }

  override repr(): string {
    return `<_io.TextIOWrapper name='<${this.stream}>' mode='${this.stream === 'stdin' ? 'r' : 'w'}' encoding='utf-8'>`;
  }

  private write(s: PyValue, ctx: HostContext): bigint {
    if (this.stream === 'stdin') throw pyError(EXCEPTION_TYPES.get('OSError')!, 'not writable');
    if (typeof s !== 'string') throw pyError('TypeError', `write() argument must be str, not ${typeName(s)}`);
    ctx.tick(s.length / 64);
    if (this.stream === 'stdout') writeStdout(ctx, s);
    else writeStderr(ctx, s);
    return BigInt(s.length);
  }

  override getattr(name: string, ctx: HostContext): PyValue | undefined {
    const method = (f: (args: PyValue[], kwargs: Kwargs) => PyValue) => new PyBuiltin(name, (args, kwargs) => f(args, kwargs), this);
    switch (name) {
      case 'write':
      case 'writelines':
        return writeMethod(this, name, (text) => this.write(text, ctx), ctx);
      case 'flush':
        return method(() => null);
      case 'isatty':
        return method(() => false);
      case 'fileno':
        return method(() => BigInt(['stdin', 'stdout', 'stderr'].indexOf(this.stream)));
      case 'read':
      case 'readline':
      case 'readlines':
        return method(() => {
          throw new HaltError('sandbox', `'sys.${this.stream}.${name}' is not available in Gradlens: scripts cannot read input; give the values in the script`);
        });
      case 'name':
        return `<${this.stream}>`;
      case 'encoding':
        return 'utf-8';
      case 'mode':
        return this.stream === 'stdin' ? 'r' : 'w';
      case 'closed':
        return false;
      default:
        return undefined;
    }
  }
}

/** What `sys.exc_info()` gives as the traceback: an object to pass on, whose frames Gradlens does not expose. */
class Traceback extends HostObject {
  static readonly type: PyType = hostType('traceback', 'builtins');

  get pyType(): PyType {
    return Traceback.type;
  }

  override getattr(name: string): PyValue | undefined {
    if (name.startsWith('tb_')) throw new HaltError('unsupported', `traceback.${name} is not available in Gradlens: a traceback's frames are not exposed; use the exception's message and type`);
    return undefined;
  }
}

/** `sys.exc_info()`: (type, exception, traceback) of the exception the running `except` handles, else three Nones. */
const excInfo = pyFunction('exc_info', (args, kwargs, ctx) => {
  bindArgs('exc_info', [], args, kwargs, ctx);
  const exc = ctx.handledException;
  return exc === null ? new PyTuple([null, null, null]) : new PyTuple([exc.type, exc, new Traceback()]);
});

/** `sys.exit(status=None)`: raises SystemExit(status), which `except SystemExit` catches. */
const exit = pyFunction('exit', (args, kwargs, ctx) => {
  const a = bindArgs('exit', ['status?'], args, kwargs, ctx);
  const status = a.opt('status');
  throw new PyError(new ExceptionObject(SystemExit, status === undefined ? [] : [status]));
});

function recursionFunctions(): [string, PyValue][] {
  return [
    ['getrecursionlimit', pyFunction('getrecursionlimit', (args, kwargs, ctx) => {
      bindArgs('getrecursionlimit', [], args, kwargs, ctx);
      return BigInt(ctx.recursionLimit);
    })],
    ['setrecursionlimit', pyFunction('setrecursionlimit', (args, kwargs, ctx) => {
      const limit = bindArgs('setrecursionlimit', ['limit'], args, kwargs, ctx).required('limit');
      if (typeof limit === 'number') throw pyError('TypeError', "'float' object cannot be interpreted as an integer");
      const n = toIndex(limit, ctx);
      if (n < 1n) throw pyError('ValueError', 'recursion limit must be greater or equal than 1');
      if (n > BigInt(ctx.maxRecursionLimit)) {
        throw new HaltError(
          'budget',
          `sys.setrecursionlimit(${n}) asks for more than Gradlens's recursion budget of ${ctx.maxRecursionLimit} frames; `
            + `write the recursion as a loop, or leave the limit at ${ctx.maxRecursionLimit} or below`,
        );
      }
      ctx.recursionLimit = Number(n);
      return null;
    })],
  ];
}

/** A `sys` struct sequence (`sys.version_info`, `sys.float_info`): a named tuple, as CPython's compare and unpack. */
function structSequence(name: string, fields: Record<string, PyValue>, ctx: HostContext): PyValue {
  const cls = makeNamedTuple(`sys.${name}`, Object.keys(fields), [], new Map(), ctx);
  return ctx.call(cls, Object.values(fields));
}

const VERSION = '3.11.2';

const SYS = {};

/** The run's `sys` module, one per run: argparse reads the `argv` the script may have set. */
export function sysModuleOf(ctx: HostContext): PyModule {
  return ctx.state(SYS, () => createSys(ctx));
}

export const sysModule: ModuleShim = {
  exports: [
    'argv', 'exit', 'exc_info', 'modules', 'stdout', 'stderr', 'stdin', '__stdout__', '__stderr__', '__stdin__', 'version', 'version_info', 'hexversion',
    'maxsize', 'float_info', 'path', 'platform', 'byteorder', 'executable', 'getdefaultencoding', 'getrecursionlimit', 'setrecursionlimit',
  ],
  create: sysModuleOf,
};

function createSys(ctx: HostContext): PyModule {
    const stdout = new TextStream('stdout');
    const stderr = new TextStream('stderr');
    const stdin = new TextStream('stdin');
    const attrs = new Map<string, PyValue>([
      ['argv', new PyList([ctx.file])],
      ['exit', exit],
      ['exc_info', excInfo],
      ['modules', new ModulesView()],
      ['stdout', stdout],
      ['stderr', stderr],
      ['stdin', stdin],
      ['__stdout__', stdout],
      ['__stderr__', stderr],
      ['__stdin__', stdin],
      ['version', `${VERSION} (Gradlens)`],
      ['version_info', structSequence('version_info', { major: 3n, minor: 11n, micro: 2n, releaselevel: 'final', serial: 0n }, ctx)],
      ['hexversion', 0x030b02f0n],
      ['maxsize', 2n ** 63n - 1n],
      ['float_info', structSequence('float_info', {
        max: Number.MAX_VALUE, max_exp: 1024n, max_10_exp: 308n, min: 2.2250738585072014e-308, min_exp: -1021n, min_10_exp: -307n,
        dig: 15n, mant_dig: 53n, epsilon: Number.EPSILON, radix: 2n, rounds: 1n,
      }, ctx)],
      ['path', new PyList([''])],
      ['platform', 'linux'],
      ['byteorder', 'little'],
      ['executable', ''],
      ['getdefaultencoding', pyFunction('getdefaultencoding', () => 'utf-8')],
      ...recursionFunctions(),
    ]);
    return new PyModule('sys', attrs, true);
}
