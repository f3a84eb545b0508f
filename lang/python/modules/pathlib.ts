/**
 * `pathlib` as CPython 3.11's pure POSIX paths compute: `Path('runs') / 'exp1' / 'model.pt'`,
 * `name`, `stem`, `suffix(es)`, `parent(s)`, `parts`, `with_name/stem/suffix`, `relative_to`,
 * comparisons and hashing. The sandbox's file system is empty: `exists()`, `is_file()` and
 * `is_dir()` are False, `Path.cwd()` is '/', and what reads or writes files (`mkdir`, `open`,
 * `read_text`, `glob`, ...) is refused at the line.
 */
import {
  type CompareOp,
  type HostContext,
  HostObject,
  type Kwargs,
  NOT_IMPLEMENTED,
  PyBuiltin,
  pyError,
  PyList,
  PyTuple,
  PyType,
  type PyValue,
  type BinaryOp,
  pyHash,
  type ModuleShim,
  PyModule,
  pyFunction,
} from '../interpreter';
import { pathText, refuseFileSystem, SANDBOX_CWD } from './posixpath';

const PurePath = new PyType('PurePath', { module: 'pathlib' });
const PurePosixPath = new PyType('PurePosixPath', { module: 'pathlib', bases: [PurePath] });
const Path = new PyType('Path', { module: 'pathlib', bases: [PurePath] });
const PosixPath = new PyType('PosixPath', { module: 'pathlib', bases: [Path, PurePosixPath] });

const FILE_METHODS = [
  'mkdir', 'open', 'read_text', 'write_text', 'read_bytes', 'write_bytes', 'glob', 'rglob', 'iterdir', 'unlink', 'rmdir', 'touch',
  'stat', 'lstat', 'rename', 'replace', 'resolve', 'absolute', 'expanduser', 'samefile', 'symlink_to', 'chmod', 'owner', 'group', 'readlink',
];
const ABSENT_CHECKS = ['exists', 'is_file', 'is_dir', 'is_symlink', 'is_mount', 'is_socket', 'is_fifo', 'is_block_device', 'is_char_device'];

/** A POSIX path's root ('', '/' or '//', as CPython keeps exactly two leading slashes) and its parts past it. */
function parse(text: string): { root: string; parts: string[] } {
  let root = '';
  if (text.startsWith('/')) root = text.startsWith('//') && !text.startsWith('///') ? '//' : '/';
  return { root, parts: text.split('/').filter((p) => p !== '' && p !== '.') };
}

class PathValue extends HostObject {
  constructor(
    readonly cls: PyType,
    readonly root: string,
    readonly parts: readonly string[],
  ) {
    super();
  }

  static of(cls: PyType, segments: readonly string[]): PathValue {
    let root = '';
    let parts: string[] = [];
    for (const s of segments) {
      const p = parse(s);
      if (p.root) {
        root = p.root;
        parts = [...p.parts];
      } else parts.push(...p.parts);
    }
    return new PathValue(cls, root, parts);
  }

  get pyType(): PyType {
    return this.cls;
  }

  get text(): string {
    return this.root + this.parts.join('/') || '.';
  }

  get name(): string {
    return this.parts.length ? this.parts[this.parts.length - 1]! : '';
  }

  get suffix(): string {
    const i = this.name.lastIndexOf('.');
    return i > 0 && i < this.name.length - 1 ? this.name.slice(i) : '';
  }

  get stem(): string {
    const i = this.name.lastIndexOf('.');
    return i > 0 && i < this.name.length - 1 ? this.name.slice(0, i) : this.name;
  }

  get parent(): PathValue {
    return this.parts.length ? new PathValue(this.cls, this.root, this.parts.slice(0, -1)) : this;
  }

  private with(parts: readonly string[]): PathValue {
    return new PathValue(this.cls, this.root, parts);
  }

  private withName(name: string): PathValue {
    if (!this.name) throw pyError('ValueError', `${this.repr()} has an empty name`);
    if (!name || name.includes('/') || name === '.') throw pyError('ValueError', `Invalid name '${name}'`);
    return this.with([...this.parts.slice(0, -1), name]);
  }

  private joined(others: readonly PyValue[], ctx: HostContext): PathValue {
    return PathValue.of(this.cls, [this.text, ...others.map((o) => pathText(o, 'joinpath', ctx))]);
  }

  override repr(): string {
    return `${this.cls.name}('${this.text.replaceAll('\\', '\\\\').replaceAll("'", "\\'")}')`;
  }

  override str(): string {
    return this.text;
  }

  override binary(op: BinaryOp, other: PyValue, reflected: boolean, ctx: HostContext): PyValue {
    if (op !== '/') return NOT_IMPLEMENTED;
    if (typeof other !== 'string' && !(other instanceof PathValue)) return NOT_IMPLEMENTED;
    const o = pathText(other, '/', ctx);
    return reflected ? PathValue.of(this.cls, [o, this.text]) : PathValue.of(this.cls, [this.text, o]);
  }

  override compare(op: CompareOp, other: PyValue): PyValue {
    if (!(other instanceof PathValue)) {
      if (op === '==') return false;
      if (op === '!=') return true;
      return NOT_IMPLEMENTED;
    }
    // NB: CPython orders POSIX paths by their parts, as lists of strings.
    const a = [this.root, ...this.parts];
    const b = [other.root, ...other.parts];
    let c = 0;
    for (let i = 0; i < Math.min(a.length, b.length) && c === 0; i++) c = a[i]! < b[i]! ? -1 : a[i]! > b[i]! ? 1 : 0;
    if (c === 0) c = a.length - b.length;
    switch (op) {
      case '==': return c === 0;
      case '!=': return c !== 0;
      case '<': return c < 0;
      case '<=': return c <= 0;
      case '>': return c > 0;
      case '>=': return c >= 0;
    }
  }

  override valueKey(): string {
    return `path:${this.text}`;
  }

  override hashValue(ctx: HostContext): bigint {
    return pyHash(this.text, ctx);
  }

  override getattr(name: string, ctx: HostContext): PyValue | undefined {
    const method = (f: (args: PyValue[], kwargs: Kwargs) => PyValue) => new PyBuiltin(name, (args, kwargs) => f(args, kwargs), this);
    if (FILE_METHODS.includes(name) && this.cls.isSubtypeOf(Path)) {
      return method(() => {
        throw refuseFileSystem(`Path.${name}`);
      });
    }
    if (ABSENT_CHECKS.includes(name) && this.cls.isSubtypeOf(Path)) return method(() => false);
    switch (name) {
      case 'name':
        return this.name;
      case 'suffix':
        return this.suffix;
      case 'suffixes':
        return new PyList(this.name.endsWith('.') ? [] : this.name.replace(/^\.+/, '').split('.').slice(1).map((s) => `.${s}`));
      case 'stem':
        return this.stem;
      case 'parent':
        return this.parent;
      case 'parents': {
        const out: PathValue[] = [];
        for (let p: PathValue = this; p.parts.length; p = p.parent) out.push(p.parent);
        return new PyTuple(out);
      }
      case 'parts':
        return new PyTuple([...(this.root ? [this.root] : []), ...this.parts]);
      case 'root':
        return this.root;
      case 'anchor':
        return this.root;
      case 'drive':
        return '';
      case '__fspath__':
      case 'as_posix':
        return method(() => this.text);
      case 'is_absolute':
        return method(() => this.root !== '');
      case 'joinpath':
        return method((args) => this.joined(args, ctx));
      case 'with_name':
        return method((args) => this.withName(pathText(args[0] ?? null, 'with_name', ctx)));
      case 'with_stem':
        return method((args) => this.withName(pathText(args[0] ?? null, 'with_stem', ctx) + this.suffix));
      case 'with_suffix':
        return method((args) => {
          const suffix = pathText(args[0] ?? null, 'with_suffix', ctx);
          if (suffix.includes('/') || (suffix && (!suffix.startsWith('.') || suffix === '.'))) throw pyError('ValueError', `Invalid suffix '${suffix}'`);
          if (!this.name) throw pyError('ValueError', `${this.repr()} has an empty name`);
          return this.with([...this.parts.slice(0, -1), this.stem + suffix]);
        });
      case 'relative_to':
        return method((args) => {
          const other = PathValue.of(this.cls, args.map((a) => pathText(a, 'relative_to', ctx)));
          const n = other.parts.length;
          if (other.root !== this.root || this.parts.slice(0, n).join('/') !== other.parts.join('/') || this.parts.length < n) {
            throw pyError('ValueError', `'${this.text}' is not in the subpath of '${other.text}' OR one path is relative and the other is absolute.`);
          }
          return new PathValue(this.cls, '', this.parts.slice(n));
        });
      case 'is_relative_to':
        return method((args) => {
          const other = PathValue.of(this.cls, args.map((a) => pathText(a, 'is_relative_to', ctx)));
          return other.root === this.root && this.parts.length >= other.parts.length && other.parts.every((p, i) => this.parts[i] === p);
        });
      default:
        return undefined;
    }
  }
}

function construct(cls: PyType): (args: PyValue[], kwargs: Kwargs, ctx: HostContext) => PathValue {
  return (args, kwargs, ctx) => {
    if (kwargs.size) throw pyError('TypeError', `${cls.name}() takes no keyword arguments`);
    return PathValue.of(cls, args.map((a) => pathText(a, cls.name, ctx)));
  };
}

PurePath.construct = construct(PurePosixPath);
PurePosixPath.construct = construct(PurePosixPath);
Path.construct = construct(PosixPath);
PosixPath.construct = construct(PosixPath);
Path.attrs.set('cwd', pyFunction('cwd', () => PathValue.of(PosixPath, [SANDBOX_CWD])));
Path.attrs.set('home', pyFunction('home', () => {
  throw refuseFileSystem('Path.home');
}));

export const pathlibModule: ModuleShim = {
  exports: ['Path', 'PurePath', 'PosixPath', 'PurePosixPath'],
  create: () => new PyModule('pathlib', new Map<string, PyValue>([['Path', Path], ['PurePath', PurePath], ['PosixPath', PosixPath], ['PurePosixPath', PurePosixPath]]), true),
};
