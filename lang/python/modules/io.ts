/**
 * `io`: `StringIO`, an in-memory text file, as CPython's (Modules/_io/stringio.c): write at the
 * position (past the end pads with NULs), read, readline, iteration by lines, seek/tell,
 * getvalue, truncate, a context manager, and ValueError once closed. It is what `json.dump`,
 * `csv.writer` and `print(file=...)` write into in a sandbox that opens no files.
 */
import { bindArgs, EXCEPTION_TYPES, type HostContext, HostObject, hostType, iterate, type Kwargs, PyBuiltin, pyError, PyList, PyModule, type PyType, type PyValue, toIndex, typeName, type ModuleShim } from '../interpreter';

/** A text stream's `write(s)` and `writelines(lines)`, over its own write of one string (sys.ts's streams share it). */
export function writeMethod(owner: HostObject, name: 'write' | 'writelines', write: (s: PyValue) => bigint, ctx: HostContext): PyBuiltin {
  if (name === 'write') return new PyBuiltin(name, (args, kwargs) => write(bindArgs('write', ['s'], args, kwargs, ctx).required('s')), owner);
  return new PyBuiltin(name, (args, kwargs) => {
    for (const line of iterate(bindArgs('writelines', ['lines'], args, kwargs, ctx).required('lines'), ctx)) write(line);
    return null;
  }, owner);
}

class StringIO extends HostObject {
  static readonly type: PyType = hostType('StringIO', '_io', (args, kwargs, ctx) => {
    const a = bindArgs('StringIO', ['initial_value?', 'newline?'], args, kwargs, ctx);
    const initial = a.opt('initial_value') ?? '';
    if (typeof initial !== 'string') throw pyError('TypeError', `initial_value must be str or None, not ${typeName(initial)}`);
    return new StringIO(initial);
  });

  private pos = 0;
  private closed = false;

  constructor(private text: string) {
    super();
  }

  get pyType(): PyType {
    return StringIO.type;
  }

  private open(): void {
    if (this.closed) throw pyError('ValueError', 'I/O operation on closed file');
  }

  private write(s: PyValue, ctx: HostContext): bigint {
    this.open();
    if (typeof s !== 'string') throw pyError('TypeError', `string argument expected, got '${typeName(s)}'`);
    ctx.tick(s.length / 64);
    const before = this.text.length < this.pos ? this.text + '\0'.repeat(this.pos - this.text.length) : this.text.slice(0, this.pos);
    this.text = before + s + this.text.slice(this.pos + s.length);
    this.pos += s.length;
    return BigInt(s.length);
  }

  private readline(limit: number): string {
    this.open();
    if (this.pos >= this.text.length) return '';
    const newline = this.text.indexOf('\n', this.pos);
    let end = newline < 0 ? this.text.length : newline + 1;
    if (limit >= 0) end = Math.min(end, this.pos + limit);
    const line = this.text.slice(this.pos, end);
    this.pos = end;
    return line;
  }

  private size(v: PyValue | undefined, ctx: HostContext): number {
    return v === undefined || v === null ? -1 : Number(toIndex(v, ctx));
  }

  override getattr(name: string, ctx: HostContext): PyValue | undefined {
    const method = (f: (args: PyValue[], kwargs: Kwargs) => PyValue) => new PyBuiltin(name, (args, kwargs) => f(args, kwargs), this);
    switch (name) {
      case 'write':
      case 'writelines':
        return writeMethod(this, name, (text) => this.write(text, ctx), ctx);
      case 'read':
        return method((args, kwargs) => {
          this.open();
          const n = this.size(bindArgs('read', ['size?'], args, kwargs, ctx).opt('size'), ctx);
          const start = Math.min(this.pos, this.text.length);
          const end = n < 0 ? this.text.length : Math.min(this.text.length, start + n);
          this.pos = Math.max(this.pos, end);
          return this.text.slice(start, end);
        });
      case 'readline':
        return method((args, kwargs) => this.readline(this.size(bindArgs('readline', ['size?'], args, kwargs, ctx).opt('size'), ctx)));
      case 'readlines':
        return method((args, kwargs) => {
          bindArgs('readlines', ['hint?'], args, kwargs, ctx);
          const lines: PyValue[] = [];
          for (let line = this.readline(-1); line !== ''; line = this.readline(-1)) lines.push(line);
          return new PyList(lines);
        });
      case 'getvalue':
        return method(() => (this.open(), this.text));
      case 'tell':
        return method(() => (this.open(), BigInt(this.pos)));
      case 'seek':
        return method((args, kwargs) => {
          this.open();
          const a = bindArgs('seek', ['pos', 'whence?'], args, kwargs, ctx);
          const pos = Number(toIndex(a.required('pos'), ctx));
          const whence = a.int('whence', 0);
          if (whence === 0) {
            if (pos < 0) throw pyError('ValueError', `Negative seek position ${pos}`);
            this.pos = pos;
          } else if (pos !== 0) {
            throw pyError(EXCEPTION_TYPES.get('OSError')!, "Can't do nonzero cur-relative seeks");
          } else if (whence === 2) {
            this.pos = this.text.length;
          } else if (whence !== 1) {
            throw pyError('ValueError', `Invalid whence (${whence}, should be 0, 1 or 2)`);
          }
          return BigInt(this.pos);
        });
      case 'truncate':
        return method((args, kwargs) => {
          this.open();
          const size = bindArgs('truncate', ['pos?'], args, kwargs, ctx).opt('pos');
          const at = size === undefined ? this.pos : Number(toIndex(size, ctx));
          if (at < 0) throw pyError('ValueError', `Negative size value ${at}`);
          this.text = this.text.slice(0, at);
          return BigInt(at);
        });
      case 'close':
        return method(() => {
          this.closed = true;
          return null;
        });
      case 'closed':
        return this.closed;
      case 'readable':
      case 'writable':
      case 'seekable':
        return method(() => (this.open(), true));
      case 'flush':
        return method(() => (this.open(), null));
      case '__enter__':
        return method(() => (this.open(), this));
      case '__exit__':
        return method(() => {
          this.closed = true;
          return null;
        });
      default:
        return undefined;
    }
  }

  override iter(): Iterable<PyValue> {
    this.open();
    const self = this;
    return {
      *[Symbol.iterator]() {
        for (let line = self.readline(-1); line !== ''; line = self.readline(-1)) yield line;
      },
    };
  }

  override enter(): PyValue {
    this.open();
    return this;
  }

  override exit(): boolean {
    this.closed = true;
    return false;
  }

  override repr(): string {
    return '<_io.StringIO object>';
  }
}

export const ioModule: ModuleShim = {
  exports: ['StringIO'],
  create() {
    return new PyModule('io', new Map<string, PyValue>([['StringIO', StringIO.type]]));
  },
};
