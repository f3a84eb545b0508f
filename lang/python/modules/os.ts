/**
 * `os` as a sandboxed script may use it: `os.path` (posixpath.ts), `environ` (empty at the start:
 * a run has no environment; a script may set and read its own entries, as `os.environ[...] = ...`
 * before importing a library), `getenv`, `getcwd` (the root of the empty file system), and the
 * path constants. What reaches files, processes or the machine (`makedirs`, `listdir`, `remove`,
 * `system`, ...) is refused at the line.
 */
import { bindArgs, HaltError, type HostContext, PyDict, pyError, pyFunction, PyModule, type PyValue, dictKey, type ModuleShim } from '../interpreter';
import { POSIXPATH_EXPORTS, posixpathModule, refuseFileSystem, SANDBOX_CWD } from './posixpath';

const FILE_SYSTEM = [
  'makedirs', 'mkdir', 'listdir', 'scandir', 'walk', 'remove', 'unlink', 'rmdir', 'removedirs', 'rename', 'replace', 'stat', 'lstat',
  'chdir', 'chmod', 'open', 'symlink', 'link', 'readlink', 'access', 'utime', 'truncate',
];
const PROCESS = ['system', 'popen', 'getpid', 'getppid', 'kill', 'fork', 'execv', 'execvp', 'spawnv', 'cpu_count', 'urandom', 'getlogin', 'uname', 'putenv', 'unsetenv'];

const PATH = {};

/** The run's os.path: one module, whether reached as `os.path` or imported as `os.path`. */
function osPath(ctx: HostContext): PyModule {
  return ctx.state(PATH, posixpathModule);
}

const OS = {};

function createOs(ctx: HostContext): PyModule {
  const environ = new PyDict();
  const attrs = new Map<string, PyValue>([
    ['path', osPath(ctx)],
    ['environ', environ],
    ['getenv', pyFunction('getenv', (args, kwargs, c) => {
      const a = bindArgs('getenv', ['key', 'default?'], args, kwargs, c);
      const key = a.required('key');
      if (typeof key !== 'string') throw pyError('TypeError', `str expected, not ${typeof key === 'bigint' ? 'int' : 'object'}`);
      return environ.getByKey(dictKey(key, c)) ?? a.get('default') ?? null;
    })],
    ['getcwd', pyFunction('getcwd', (args, kwargs, c) => {
      bindArgs('getcwd', [], args, kwargs, c);
      return SANDBOX_CWD;
    })],
    ['sep', '/'],
    ['altsep', null],
    ['pathsep', ':'],
    ['extsep', '.'],
    ['curdir', '.'],
    ['pardir', '..'],
    ['linesep', '\n'],
    ['devnull', '/dev/null'],
    ['name', 'posix'],
    ['fspath', pyFunction('fspath', (args, kwargs, c) => {
      const p = bindArgs('fspath', ['path'], args, kwargs, c).required('path');
      if (typeof p === 'string') return p;
      const f = p !== null && typeof p === 'object' ? c.getattr(p, '__fspath__') : undefined;
      if (f === undefined) throw pyError('TypeError', `expected str, bytes or os.PathLike object, not ${c.repr(p).split('(')[0]}`);
      return c.call(f, []);
    })],
  ]);
  for (const name of FILE_SYSTEM) attrs.set(name, pyFunction(name, () => {
    throw refuseFileSystem(`os.${name}`);
  }));
  for (const name of PROCESS) attrs.set(name, pyFunction(name, () => {
    throw new HaltError('sandbox', `'os.${name}' is not available in Gradlens: scripts cannot reach processes or the machine`);
  }));
  return new PyModule('os', attrs, true);
}

export const osModule: ModuleShim = {
  exports: ['path', 'environ', 'getenv', 'getcwd', 'sep', 'altsep', 'pathsep', 'extsep', 'curdir', 'pardir', 'linesep', 'devnull', 'name', 'fspath', ...FILE_SYSTEM, ...PROCESS],
  create: (ctx) => ctx.state(OS, () => createOs(ctx)),
};

export const osPathModule: ModuleShim = {
  exports: POSIXPATH_EXPORTS,
  create: osPath,
};
