/**
 * `os.path` as CPython 3.11's `posixpath` computes on strings (join, split, splitext, basename,
 * dirname, normpath, abspath, relpath, commonpath/commonprefix, isabs) over a sandbox whose file
 * system is empty: nothing exists in it (`exists` is False), its working directory is '/', and
 * what would read a file's metadata (`getsize`, `getmtime`) is refused at the line.
 */
import { HaltError, type HostContext, iterate, pyError, pyFunction, PyModule, PyTuple, type PyValue, typeName, type Kwargs } from '../interpreter';

/** The working directory os.getcwd() gives: the root of the sandbox's empty file system. */
export const SANDBOX_CWD = '/';

export function pathText(v: PyValue, fn: string, ctx: HostContext): string {
  if (typeof v === 'string') return v;
  const fspath = v !== null && typeof v === 'object' ? ctx.getattr(v, '__fspath__') : undefined;
  if (fspath !== undefined) return pathText(ctx.call(fspath, []), fn, ctx);
  throw pyError('TypeError', `${fn}: expected str, bytes or os.PathLike object, not ${typeName(v)}`);
}

export function join(a: string, ...rest: string[]): string {
  let path = a;
  for (const b of rest) {
    if (b.startsWith('/')) path = b;
    else if (!path || path.endsWith('/')) path += b;
    else path += `/${b}`;
  }
  return path;
}

export function split(p: string): [string, string] {
  const i = p.lastIndexOf('/') + 1;
  let head = p.slice(0, i);
  if (head && head !== '/'.repeat(head.length)) head = head.replace(/\/+$/, '');
  return [head, p.slice(i)];
}

export function splitext(p: string): [string, string] {
  const sep = p.lastIndexOf('/');
  const dot = p.lastIndexOf('.');
  if (dot > sep) {
    for (let i = sep + 1; i < dot; i++) if (p[i] !== '.') return [p.slice(0, dot), p.slice(dot)];
  }
  return [p, ''];
}

export function normpath(path: string): string {
  if (!path) return '.';
  let initial = path.startsWith('/') ? 1 : 0;
  if (initial && path.startsWith('//') && !path.startsWith('///')) initial = 2;
  const comps: string[] = [];
  for (const comp of path.split('/')) {
    if (comp === '' || comp === '.') continue;
    if (comp !== '..' || (!initial && !comps.length) || (comps.length && comps[comps.length - 1] === '..')) comps.push(comp);
    else if (comps.length) comps.pop();
  }
  return '/'.repeat(initial) + comps.join('/') || '.';
}

export function abspath(p: string): string {
  return normpath(p.startsWith('/') ? p : join(SANDBOX_CWD, p));
}

function relpath(path: string, start: string): string {
  if (!path) throw pyError('ValueError', 'no path specified');
  const startList = abspath(start).split('/').filter((x) => x);
  const pathList = abspath(path).split('/').filter((x) => x);
  let i = 0;
  while (i < startList.length && i < pathList.length && startList[i] === pathList[i]) i++;
  const rel = [...Array<string>(startList.length - i).fill('..'), ...pathList.slice(i)];
  return rel.length ? join(rel[0]!, ...rel.slice(1)) : '.';
}

function commonprefix(paths: string[]): string {
  if (!paths.length) return '';
  const sorted = [...paths].sort();
  const [s1, s2] = [sorted[0]!, sorted[sorted.length - 1]!];
  let i = 0;
  while (i < s1.length && s1[i] === s2[i]) i++;
  return s1.slice(0, i);
}

function commonpath(paths: string[]): string {
  if (!paths.length) throw pyError('ValueError', 'commonpath() arg is an empty sequence');
  const absolute = paths.map((p) => p.startsWith('/'));
  if (absolute.some((a) => a !== absolute[0])) throw pyError('ValueError', "Can't mix absolute and relative paths");
  const splitPaths = paths.map((p) => p.split('/').filter((c) => c && c !== '.'));
  const sorted = [...splitPaths].sort((a, b) => (a.join('\0') < b.join('\0') ? -1 : 1));
  const [s1, s2] = [sorted[0]!, sorted[sorted.length - 1]!];
  let i = 0;
  while (i < s1.length && s1[i] === s2[i]) i++;
  return (absolute[0] ? '/' : '') + s1.slice(0, i).join('/');
}

type PathFn = (args: PyValue[], kwargs: Kwargs, ctx: HostContext) => PyValue;

function paths(fn: string, args: PyValue[], kwargs: Kwargs, ctx: HostContext, count: number): string[] {
  if (kwargs.size) throw pyError('TypeError', `${fn}() takes no keyword arguments`);
  if (args.length !== count) throw pyError('TypeError', `${fn}() takes exactly ${count} argument${count === 1 ? '' : 's'} (${args.length} given)`);
  return args.map((a) => pathText(a, fn, ctx));
}

const one = (fn: string, f: (p: string) => PyValue): PathFn => (args, kwargs, ctx) => f(paths(fn, args, kwargs, ctx, 1)[0]!);

/** What os.path would answer from the file system: nothing exists in the sandbox's. */
const ABSENT = ['exists', 'lexists', 'isfile', 'isdir', 'islink', 'ismount'];
/** What would read a file's metadata: refused. */
const METADATA = ['getsize', 'getmtime', 'getatime', 'getctime', 'samefile', 'realpath', 'expanduser', 'expandvars'];

export function refuseFileSystem(what: string): HaltError {
  return new HaltError('sandbox', `'${what}' is not available in Gradlens: scripts cannot read or write files; give the data in the script`);
}

const FUNCTIONS: Readonly<Record<string, PathFn>> = {
  join: (args, kwargs, ctx) => {
    if (kwargs.size) throw pyError('TypeError', 'join() takes no keyword arguments');
    if (!args.length) throw pyError('TypeError', 'join() missing 1 required positional argument: \'a\'');
    const [a, ...rest] = args.map((x) => pathText(x, 'join', ctx));
    return join(a!, ...rest);
  },
  split: one('split', (p) => new PyTuple(split(p))),
  splitext: one('splitext', (p) => new PyTuple(splitext(p))),
  splitdrive: one('splitdrive', (p) => new PyTuple(['', p])),
  basename: one('basename', (p) => split(p)[1]),
  dirname: one('dirname', (p) => split(p)[0]),
  normpath: one('normpath', normpath),
  normcase: one('normcase', (p) => p),
  abspath: one('abspath', abspath),
  isabs: one('isabs', (p) => p.startsWith('/')),
  relpath: (args, kwargs, ctx) => {
    const [path, start] = [args[0] ?? kwargs.get('path'), args[1] ?? kwargs.get('start') ?? '.'];
    if (path === undefined) throw pyError('TypeError', "relpath() missing 1 required positional argument: 'path'");
    return relpath(pathText(path, 'relpath', ctx), pathText(start, 'relpath', ctx));
  },
  commonprefix: (args, _kwargs, ctx) => commonprefix([...iterate(args[0] ?? null, ctx)].map((p) => pathText(p, 'commonprefix', ctx))),
  commonpath: (args, _kwargs, ctx) => commonpath([...iterate(args[0] ?? null, ctx)].map((p) => pathText(p, 'commonpath', ctx))),
};

export const POSIXPATH_EXPORTS = [...Object.keys(FUNCTIONS), ...ABSENT, ...METADATA, 'sep', 'pathsep', 'extsep', 'curdir', 'pardir'];

export function posixpathModule(): PyModule {
  const attrs = new Map<string, PyValue>(Object.entries(FUNCTIONS).map(([name, f]) => [name, pyFunction(name, f)]));
  for (const name of ABSENT) attrs.set(name, pyFunction(name, (args, kwargs, ctx) => {
    paths(name, args, kwargs, ctx, 1);
    return false;
  }));
  for (const name of METADATA) attrs.set(name, pyFunction(name, () => {
    throw refuseFileSystem(`os.path.${name}`);
  }));
  for (const [k, v] of [['sep', '/'], ['pathsep', ':'], ['extsep', '.'], ['curdir', '.'], ['pardir', '..']]) attrs.set(k!, v!);
  return new PyModule('posixpath', attrs, true);
}
