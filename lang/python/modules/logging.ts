/**
 * `logging` as CPython 3.11's `Lib/logging/__init__.py` routes and formats: loggers by dotted
 * name under the root (levels inherited, records passed up to the parents' handlers unless
 * `propagate` is off), `basicConfig` (level, format, datefmt, style, stream, handlers, force),
 * StreamHandler (to sys.stderr by default) and NullHandler, Formatter with `%`- and `{}`-style
 * fields, the module-level functions that configure the root on first use ('LEVEL:name:message'
 * on stderr), the last-resort handler (the bare message on stderr for warnings and above) and
 * `exception()` with the handled exception's traceback. Log files are refused: a script cannot
 * write files. The clock (`asctime`, `created`) is real, in UTC as the sandbox's local time.
 */
import {
  binary,
  bindArgs,
  dictKey,
  ExceptionObject,
  HaltError,
  type HostContext,
  HostObject,
  hostType,
  iterate,
  type Kwargs,
  nameTable,
  PyBuiltin,
  PyDict,
  pyError,
  pyFunction,
  PyList,
  PyModule,
  PyTuple,
  PyType,
  type PyValue,
  toIndex,
  truthy,
  typeName,
  type ModuleShim,
} from '../interpreter';
import { sysModuleOf } from './sys';
import { formatLocalTime } from './time_calendar';

const LEVELS: readonly [string, number][] = [['CRITICAL', 50], ['ERROR', 40], ['WARNING', 30], ['INFO', 20], ['DEBUG', 10], ['NOTSET', 0]];
const BASIC_FORMAT = '%(levelname)s:%(name)s:%(message)s';

/** The run's logging: its loggers by name and the level names (addLevelName adds to them). */
interface LoggingState {
  readonly root: Logger;
  readonly loggers: Map<string, Logger>;
  readonly levelNames: Map<number, string>;
  readonly levelNumbers: Map<string, number>;
  /** `logging.disable(level)`: records at or below it are dropped everywhere. */
  disabledAt: number;
  /** When the module was imported, for `relativeCreated`. */
  readonly startMs: number;
}

const STATE = {};

function loggingState(ctx: HostContext): LoggingState {
  return ctx.state(STATE, () => {
    const root = new Logger('root', 30, null);
    return {
      root,
      loggers: new Map(),
      levelNames: new Map(LEVELS.map(([n, v]) => [v, n])),
      levelNumbers: new Map([...LEVELS, ['WARN', 30], ['FATAL', 50]] as [string, number][]),
      disabledAt: 0,
      startMs: Date.now(),
    };
  });
}

function levelName(level: number, ctx: HostContext): string {
  return loggingState(ctx).levelNames.get(level) ?? `Level ${level}`;
}

/** `_checkLevel`: an int, or a registered level's name. */
function checkLevel(v: PyValue, ctx: HostContext): number {
  if (typeof v === 'bigint' || typeof v === 'boolean') return Number(v);
  if (typeof v === 'string') {
    const n = loggingState(ctx).levelNumbers.get(v);
    if (n === undefined) throw pyError('ValueError', `Unknown level: '${v}'`);
    return n;
  }
  throw pyError('TypeError', `Level not an integer or a valid string: ${ctx.repr(v)}`);
}

/** One call's record: what a Formatter's fields read. */
interface LogRecord {
  readonly name: string;
  readonly msg: PyValue;
  readonly args: PyValue;
  readonly levelno: number;
  readonly levelname: string;
  readonly lineno: number;
  readonly funcName: string;
  readonly created: number;
  readonly relativeCreated: number;
  readonly excText: string | null;
}

/** `LogRecord.getMessage()`: `msg % args` when there are args. */
function message(r: LogRecord, ctx: HostContext): string {
  const text = ctx.str(r.msg);
  const hasArgs = r.args instanceof PyTuple ? r.args.items.length > 0 : r.args !== null;
  if (!hasArgs) return text;
  const args = r.args instanceof PyTuple && r.args.items.length === 1 && r.args.items[0] instanceof PyDict ? r.args.items[0] : r.args;
  const formatted = binary('%', text, args, ctx);
  return typeof formatted === 'string' ? formatted : ctx.str(formatted);
}

class Formatter extends HostObject {
  static readonly type: PyType = hostType('Formatter', 'logging', (args, kwargs, ctx) => {
    const a = bindArgs('Formatter', ['fmt?', 'datefmt?', 'style?', 'validate?'], args, kwargs, ctx);
    const style = a.str('style', '%');
    if (style !== '%' && style !== '{') throw new HaltError('unsupported', `logging: style='${style}' is not supported by Gradlens; use '%' or '{'`);
    const fmt = a.opt('fmt');
    const datefmt = a.opt('datefmt');
    return new Formatter(fmt === undefined ? null : ctx.str(fmt), datefmt === undefined ? null : ctx.str(datefmt), style);
  });

  constructor(
    readonly fmt: string | null,
    readonly datefmt: string | null,
    readonly style: '%' | '{',
  ) {
    super();
  }

  get pyType(): PyType {
    return Formatter.type;
  }

  private get format_(): string {
    return this.fmt ?? (this.style === '%' ? '%(message)s' : '{message}');
  }

  /** `formatTime`: `2026-12-07 10:15:02,123`, or `datefmt` through strftime. */
  formatTime(r: LogRecord): string {
    if (this.datefmt !== null) return formatLocalTime(this.datefmt, r.created);
    const msecs = Math.floor((r.created - Math.floor(r.created)) * 1000);
    return `${formatLocalTime('%Y-%m-%d %H:%M:%S', r.created)},${String(msecs).padStart(3, '0')}`;
  }

  formatRecord(r: LogRecord, ctx: HostContext): string {
    const fields = new PyDict();
    const put = (k: string, v: PyValue) => fields.setByKey(dictKey(k, ctx), k, v);
    const base = ctx.file.slice(ctx.file.lastIndexOf('/') + 1);
    put('name', r.name);
    put('msg', r.msg);
    put('args', r.args);
    put('levelname', r.levelname);
    put('levelno', BigInt(r.levelno));
    put('pathname', ctx.file);
    put('filename', base);
    put('module', base.replace(/\.py$/, ''));
    put('lineno', BigInt(r.lineno));
    put('funcName', r.funcName);
    put('created', r.created);
    put('msecs', Math.floor((r.created - Math.floor(r.created)) * 1000) + 0.0);
    put('relativeCreated', r.relativeCreated);
    put('thread', 0n);
    put('threadName', 'MainThread');
    put('processName', 'MainProcess');
    put('message', message(r, ctx));
    const fmt = this.format_;
    if (this.style === '%' ? fmt.includes('%(asctime)') : fmt.includes('{asctime')) put('asctime', this.formatTime(r));
    let s: PyValue;
    if (this.style === '%') s = binary('%', fmt, fields, ctx);
    else s = ctx.call(ctx.getattr(fmt, 'format'), [], new Map([...fields.entries()].map(([k, v]) => [k as string, v])));
    let text = ctx.str(s);
    if (r.excText !== null) text += `${text.endsWith('\n') ? '' : '\n'}${r.excText.replace(/\n$/, '')}`;
    return text;
  }

  override getattr(name: string): PyValue | undefined {
    if (name === '_fmt') return this.fmt;
    if (name === 'datefmt') return this.datefmt;
    return undefined;
  }
}

class Handler extends HostObject {
  static readonly streamType: PyType = hostType('StreamHandler', 'logging', (args, kwargs, ctx) => {
    const stream = bindArgs('StreamHandler', ['stream?'], args, kwargs, ctx).opt('stream');
    return new Handler('stream', stream ?? ctx.getattr(sysModuleOf(ctx), 'stderr'));
  });
  static readonly nullType: PyType = hostType('NullHandler', 'logging', (args, kwargs, ctx) => {
    bindArgs('NullHandler', [], args, kwargs, ctx);
    return new Handler('null', null);
  });

  level = 0;
  formatter: Formatter | null = null;

  constructor(
    readonly kind: 'stream' | 'null',
    readonly stream: PyValue,
  ) {
    super();
  }

  get pyType(): PyType {
    return this.kind === 'stream' ? Handler.streamType : Handler.nullType;
  }

  handle(r: LogRecord, ctx: HostContext): void {
    if (this.kind === 'null' || r.levelno < this.level) return;
    const formatter = this.formatter ?? new Formatter(null, null, '%');
    ctx.call(ctx.getattr(this.stream, 'write'), [`${formatter.formatRecord(r, ctx)}\n`]);
  }

  override getattr(name: string, ctx: HostContext): PyValue | undefined {
    const method = (f: (args: PyValue[], kwargs: Kwargs) => PyValue) => new PyBuiltin(name, (args, kwargs) => f(args, kwargs), this);
    switch (name) {
      case 'setLevel':
        return method((args, kwargs) => {
          this.level = checkLevel(bindArgs('setLevel', ['level'], args, kwargs, ctx).required('level'), ctx);
          return null;
        });
      case 'setFormatter':
        return method((args, kwargs) => {
          const f = bindArgs('setFormatter', ['fmt'], args, kwargs, ctx).required('fmt');
          if (f !== null && !(f instanceof Formatter)) throw new HaltError('unsupported', `logging: a formatter of type ${typeName(f)} is not supported by Gradlens; use logging.Formatter(fmt)`);
          this.formatter = f;
          return null;
        });
      case 'flush':
      case 'close':
        return method(() => null);
      case 'level':
        return BigInt(this.level);
      case 'formatter':
        return this.formatter;
      case 'stream':
        return this.stream;
      default:
        return undefined;
    }
  }
}

class Logger extends HostObject {
  static readonly type: PyType = hostType('Logger', 'logging');
  readonly handlers = new PyList([]);
  propagate = true;
  disabled = false;

  constructor(
    readonly name: string,
    public level: number,
    public parent: Logger | null,
  ) {
    super();
  }

  get pyType(): PyType {
    return this.parent === null ? rootType : Logger.type;
  }

  effectiveLevel(): number {
    for (let l: Logger | null = this; l; l = l.parent) if (l.level) return l.level;
    return 0;
  }

  enabledFor(level: number, ctx: HostContext): boolean {
    if (this.disabled || level <= loggingState(ctx).disabledAt) return false;
    return level >= this.effectiveLevel();
  }

  /** `Logger._log`: the record made at the script's line, then `callHandlers` up the chain, the last resort when none. */
  log(level: number, msg: PyValue, args: PyValue[], kwargs: Kwargs, ctx: HostContext): void {
    for (const k of kwargs.keys()) {
      if (k !== 'exc_info' && k !== 'stack_info' && k !== 'stacklevel' && k !== 'extra') throw pyError('TypeError', `Logger._log() got an unexpected keyword argument '${k}'`);
    }
    if (!this.enabledFor(level, ctx)) return;
    if (kwargs.get('extra') !== undefined && kwargs.get('extra') !== null) throw new HaltError('unsupported', "logging: extra= is not supported by Gradlens; put the values in the message");
    if (kwargs.has('stack_info') && truthy(kwargs.get('stack_info')!, ctx)) throw new HaltError('unsupported', 'logging: stack_info=True is not supported by Gradlens');
    const excInfo = kwargs.get('exc_info');
    let excText: string | null = null;
    if (excInfo !== undefined && truthy(excInfo, ctx)) {
      const exc = excInfo instanceof ExceptionObject ? excInfo : ctx.handledException;
      excText = exc === null ? 'NoneType: None' : ctx.formatException(exc);
    }
    const state = loggingState(ctx);
    const now = Date.now();
    const record: LogRecord = {
      name: this.name, msg, args: new PyTuple(args), levelno: level, levelname: levelName(level, ctx), lineno: ctx.span.line, funcName: ctx.functionName,
      created: now / 1000, relativeCreated: now - state.startMs, excText,
    };
    let found = 0;
    for (let l: Logger | null = this; l; l = l.propagate ? l.parent : null) {
      for (const h of l.handlers.items) {
        found++;
        if (h instanceof Handler) h.handle(record, ctx);
      }
    }
    if (found === 0 && level >= 30) {
      ctx.call(ctx.getattr(ctx.getattr(sysModuleOf(ctx), 'stderr'), 'write'), [`${new Formatter(null, null, '%').formatRecord(record, ctx)}\n`]);
    }
  }

  override getattr(name: string, ctx: HostContext): PyValue | undefined {
    const method = (f: (args: PyValue[], kwargs: Kwargs) => PyValue) => new PyBuiltin(name, (args, kwargs) => f(args, kwargs), this);
    const level = LEVEL_METHODS[name];
    if (level !== undefined) {
      return method((args, kwargs) => {
        if (!args.length) throw pyError('TypeError', `Logger.${name}() missing 1 required positional argument: 'msg'`);
        const k = name === 'exception' && !kwargs.has('exc_info') ? new Map([...kwargs, ['exc_info', true as PyValue]]) : kwargs;
        this.log(level, args[0]!, args.slice(1), k, ctx);
        return null;
      });
    }
    switch (name) {
      case 'log':
        return method((args, kwargs) => {
          if (args.length < 2) throw pyError('TypeError', "Logger.log() missing required positional arguments: 'level' and 'msg'");
          const l = args[0]!;
          if (typeof l !== 'bigint') throw pyError('TypeError', 'level must be an integer');
          this.log(Number(l), args[1]!, args.slice(2), kwargs, ctx);
          return null;
        });
      case 'setLevel':
        return method((args, kwargs) => {
          this.level = checkLevel(bindArgs('setLevel', ['level'], args, kwargs, ctx).required('level'), ctx);
          return null;
        });
      case 'getEffectiveLevel':
        return method(() => BigInt(this.effectiveLevel()));
      case 'isEnabledFor':
        return method((args, kwargs) => this.enabledFor(Number(toIndex(bindArgs('isEnabledFor', ['level'], args, kwargs, ctx).required('level'), ctx)), ctx));
      case 'addHandler':
        return method((args, kwargs) => {
          const h = bindArgs('addHandler', ['hdlr'], args, kwargs, ctx).required('hdlr');
          if (!(h instanceof Handler)) throw new HaltError('unsupported', `logging: a handler of type ${typeName(h)} is not supported by Gradlens; use logging.StreamHandler(stream)`);
          if (!this.handlers.items.includes(h)) this.handlers.items.push(h);
          return null;
        });
      case 'removeHandler':
        return method((args, kwargs) => {
          const h = bindArgs('removeHandler', ['hdlr'], args, kwargs, ctx).required('hdlr');
          const i = this.handlers.items.indexOf(h);
          if (i >= 0) this.handlers.items.splice(i, 1);
          return null;
        });
      case 'hasHandlers':
        return method(() => {
          for (let l: Logger | null = this; l; l = l.propagate ? l.parent : null) if (l.handlers.items.length) return true;
          return false;
        });
      case 'getChild':
        return method((args, kwargs) => {
          const suffix = ctx.str(bindArgs('getChild', ['suffix'], args, kwargs, ctx).required('suffix'));
          return getLogger(this.parent === null ? suffix : `${this.name}.${suffix}`, ctx);
        });
      case 'name':
        return this.name;
      case 'level':
        return BigInt(this.level);
      case 'parent':
        return this.parent;
      case 'handlers':
        return this.handlers;
      case 'propagate':
        return this.propagate;
      case 'disabled':
        return this.disabled;
      default:
        return undefined;
    }
  }

  override setattr(name: string, value: PyValue, ctx: HostContext): void {
    if (name === 'propagate') this.propagate = truthy(value, ctx);
    else if (name === 'disabled') this.disabled = truthy(value, ctx);
    else if (name === 'level') this.level = checkLevel(value, ctx);
    else super.setattr(name, value, ctx);
  }

  override repr(ctx: HostContext): string {
    const shown = levelName(this.effectiveLevel(), ctx);
    return this.parent === null ? `<RootLogger root (${shown})>` : `<Logger ${this.name} (${shown})>`;
  }
}

const rootType: PyType = new PyType('RootLogger', { module: 'logging', bases: [Logger.type] });

// NB: a prototype-less table: `logging.root.constructor` must not find Object's.
const LEVEL_METHODS = nameTable<number>({ debug: 10, info: 20, warning: 30, warn: 30, error: 40, exception: 40, critical: 50, fatal: 50 });

/** `getLogger(name)`: one logger per dotted name, its parent the nearest existing ancestor (or root), as the Manager places it. */
function getLogger(name: string | null, ctx: HostContext): Logger {
  const state = loggingState(ctx);
  if (name === null || name === '' || name === 'root') return state.root;
  let logger = state.loggers.get(name);
  if (logger) return logger;
  logger = new Logger(name, 0, null);
  state.loggers.set(name, logger);
  const parentOf = (n: string): Logger => {
    for (let i = n.lastIndexOf('.'); i > 0; i = n.lastIndexOf('.', i - 1)) {
      const found = state.loggers.get(n.slice(0, i));
      if (found) return found;
    }
    return state.root;
  };
  logger.parent = parentOf(name);
  // A logger made before under this name ('a.b.c' before 'a.b') hangs from it now, unless one nearer already holds it.
  for (const [other, l] of state.loggers) {
    if (other.startsWith(`${name}.`) && l.parent !== null && !l.parent.name.startsWith(`${name}.`)) l.parent = logger;
  }
  return logger;
}

/** `basicConfig(**kwargs)`: a StreamHandler with BASIC_FORMAT on the root, unless it has handlers (or `force`). */
function basicConfig(kwargs: Kwargs, ctx: HostContext): void {
  const known = ['level', 'format', 'datefmt', 'style', 'stream', 'handlers', 'force', 'filename', 'filemode', 'encoding', 'errors'];
  for (const k of kwargs.keys()) if (!known.includes(k)) throw pyError('ValueError', `Unrecognised argument(s): ${k}`);
  const root = loggingState(ctx).root;
  const force = truthy(kwargs.get('force') ?? false, ctx);
  if (force) root.handlers.items.length = 0;
  if (root.handlers.items.length) return;
  if (kwargs.has('filename')) {
    throw new HaltError('sandbox', "logging.basicConfig(filename=...) is not available in Gradlens: scripts cannot write files; leave out filename= and the log goes to stderr");
  }
  if (kwargs.has('stream') && kwargs.has('handlers')) throw pyError('ValueError', "'stream' and 'handlers' should not be specified together");
  const style = kwargs.get('style') ?? '%';
  if (style !== '%' && style !== '{') throw new HaltError('unsupported', `logging: style=${ctx.repr(style)} is not supported by Gradlens; use '%' or '{'`);
  const fmt = kwargs.get('format');
  const datefmt = kwargs.get('datefmt');
  const formatter = new Formatter(fmt === undefined || fmt === null ? (style === '%' ? BASIC_FORMAT : '{levelname}:{name}:{message}') : ctx.str(fmt), datefmt === undefined || datefmt === null ? null : ctx.str(datefmt), style);
  const given = kwargs.get('handlers');
  const handlers = given !== undefined && given !== null ? [...iterate(given, ctx)] : [new Handler('stream', kwargs.get('stream') ?? ctx.getattr(sysModuleOf(ctx), 'stderr'))];
  for (const h of handlers) {
    if (!(h instanceof Handler)) throw new HaltError('unsupported', `logging: a handler of type ${typeName(h)} is not supported by Gradlens; use logging.StreamHandler(stream)`);
    h.formatter ??= formatter;
    root.handlers.items.push(h);
  }
  const level = kwargs.get('level');
  if (level !== undefined && level !== null) root.level = checkLevel(level, ctx);
}

const refuseFileHandler = pyFunction('FileHandler', () => {
  throw new HaltError('sandbox', 'logging.FileHandler is not available in Gradlens: scripts cannot write files; use logging.StreamHandler() (stderr)');
});

export const loggingModule: ModuleShim = {
  exports: [
    ...LEVELS.map(([n]) => n), 'WARN', 'FATAL', 'basicConfig', 'getLogger', 'getLevelName', 'addLevelName', 'disable', 'log',
    ...Object.keys(LEVEL_METHODS), 'Logger', 'RootLogger', 'Formatter', 'StreamHandler', 'NullHandler', 'FileHandler', 'Handler', 'root', 'BASIC_FORMAT',
  ],
  create(ctx) {
    const state = loggingState(ctx);
    const attrs = new Map<string, PyValue>();
    for (const [n, v] of LEVELS) attrs.set(n, BigInt(v));
    attrs.set('WARN', 30n);
    attrs.set('FATAL', 50n);
    attrs.set('BASIC_FORMAT', BASIC_FORMAT);
    attrs.set('root', state.root);
    attrs.set('Logger', Logger.type);
    attrs.set('RootLogger', rootType);
    attrs.set('Formatter', Formatter.type);
    attrs.set('StreamHandler', Handler.streamType);
    attrs.set('Handler', Handler.streamType);
    attrs.set('NullHandler', Handler.nullType);
    attrs.set('FileHandler', refuseFileHandler);
    attrs.set('basicConfig', pyFunction('basicConfig', (args, kwargs, c) => {
      if (args.length) throw pyError('TypeError', `basicConfig() takes 0 positional arguments but ${args.length} were given`);
      basicConfig(kwargs, c);
      return null;
    }));
    attrs.set('getLogger', pyFunction('getLogger', (args, kwargs, c) => {
      const name = bindArgs('getLogger', ['name?'], args, kwargs, c).opt('name');
      if (name !== undefined && typeof name !== 'string') throw pyError('TypeError', 'A logger name must be a string');
      return getLogger(name ?? null, c);
    }));
    attrs.set('getLevelName', pyFunction('getLevelName', (args, kwargs, c) => {
      const level = bindArgs('getLevelName', ['level'], args, kwargs, c).required('level');
      if (typeof level === 'string') {
        const n = loggingState(c).levelNumbers.get(level);
        return n === undefined ? `Level ${level}` : BigInt(n);
      }
      return levelName(Number(toIndex(level, c)), c);
    }));
    attrs.set('addLevelName', pyFunction('addLevelName', (args, kwargs, c) => {
      const a = bindArgs('addLevelName', ['level', 'levelName'], args, kwargs, c);
      const level = Number(toIndex(a.required('level'), c));
      const name = a.str('levelName');
      loggingState(c).levelNames.set(level, name);
      loggingState(c).levelNumbers.set(name, level);
      return null;
    }));
    attrs.set('disable', pyFunction('disable', (args, kwargs, c) => {
      const level = bindArgs('disable', ['level?'], args, kwargs, c).get('level');
      loggingState(c).disabledAt = level === undefined ? 50 : checkLevel(level, c);
      return null;
    }));
    // The module-level functions configure the root on first use, as CPython's do.
    const onRoot = (name: string, level: number | null) => pyFunction(name, (args, kwargs, c) => {
      const root = loggingState(c).root;
      if (!root.handlers.items.length) basicConfig(new Map(), c);
      const call = root.getattr(level === null ? 'log' : name, c) as PyBuiltin;
      return call.fn(args, kwargs, c);
    });
    for (const [name, level] of Object.entries(LEVEL_METHODS)) attrs.set(name, onRoot(name, level));
    attrs.set('log', onRoot('log', null));
    return new PyModule('logging', attrs, true);
  },
};
