/**
 * Python's `warnings` as CPython 3.11 has it: `warn` (category, stacklevel, a Warning instance),
 * `filterwarnings`/`simplefilter`/`resetwarnings` (the actions `error`, `ignore`, `always`,
 * `default`, `module`, `once`), `catch_warnings` (record=True gives the list of WarningMessage
 * objects), `formatwarning` and `WarningMessage`. The filters, registries and
 * stderr are the run's warning channel (interpreter/values/warnings.ts), which library shims warn through too.
 */
import {
  bindArgs,
  type HostContext,
  HostObject,
  hostType,
  type Kwargs,
  type ModuleShim,
  pyError,
  pyFunction,
  PyList,
  PyModule,
  PyType,
  type PyValue,
  type SavedWarningState,
  type ShownWarning,
  toIndex,
  Warning,
  WARNING_ACTIONS,
  type WarningAction,
  warningChannel,
  warningPattern,
} from '../interpreter';

function assertion(ok: boolean, message: string): void {
  if (!ok) throw pyError('AssertionError', message);
}

function action(v: PyValue, ctx: HostContext): WarningAction {
  assertion(typeof v === 'string' && (WARNING_ACTIONS as readonly string[]).includes(v), `invalid action: ${ctx.repr(v)}`);
  return v as WarningAction;
}

function lineno(v: PyValue | undefined, ctx: HostContext): number {
  if (v === undefined) return 0;
  assertion((typeof v === 'bigint' || typeof v === 'boolean') && toIndex(v, ctx) >= 0n, 'lineno must be an int >= 0');
  return Number(toIndex(v, ctx));
}

function warn(args: PyValue[], kwargs: Kwargs, ctx: HostContext): null {
  const a = bindArgs('warn', ['message', 'category?', 'stacklevel?', 'source?'], args, kwargs, ctx);
  warningChannel(ctx).warn(ctx, a.required('message'), a.get('category') ?? null, { stacklevel: a.int('stacklevel', 1) });
  return null;
}

function filterwarnings(args: PyValue[], kwargs: Kwargs, ctx: HostContext): null {
  const a = bindArgs('filterwarnings', ['action', 'message?', 'category?', 'module?', 'lineno?', 'append?'], args, kwargs, ctx);
  const act = action(a.required('action'), ctx);
  const message = a.get('message') ?? '';
  assertion(typeof message === 'string', 'message must be a string');
  const category = a.get('category') ?? Warning;
  assertion(category instanceof PyType, 'category must be a class');
  assertion((category as PyType).isSubtypeOf(Warning), 'category must be a Warning subclass');
  const module = a.get('module') ?? '';
  assertion(typeof module === 'string', 'module must be a string');
  warningChannel(ctx).addFilter(
    {
      action: act,
      message: message ? warningPattern(message as string, true) : null,
      category: category as PyType,
      module: module ? warningPattern(module as string, false) : null,
      lineno: lineno(a.get('lineno'), ctx),
    },
    a.bool('append', false),
  );
  return null;
}

function simplefilter(args: PyValue[], kwargs: Kwargs, ctx: HostContext): null {
  const a = bindArgs('simplefilter', ['action', 'category?', 'lineno?', 'append?'], args, kwargs, ctx);
  addSimpleFilter(ctx, action(a.required('action'), ctx), a.get('category') ?? Warning, lineno(a.get('lineno'), ctx), a.bool('append', false));
  return null;
}

function addSimpleFilter(ctx: HostContext, act: WarningAction, category: PyValue, line: number, append: boolean): void {
  if (!(category instanceof PyType)) throw pyError('TypeError', `issubclass() arg 1 must be a class`);
  warningChannel(ctx).addFilter({ action: act, message: null, category, module: null, lineno: line }, append);
}

function resetwarnings(args: PyValue[], kwargs: Kwargs, ctx: HostContext): null {
  bindArgs('resetwarnings', [], args, kwargs, ctx);
  const channel = warningChannel(ctx);
  channel.filters = [];
  channel.mutated();
  return null;
}

function formatwarning(args: PyValue[], kwargs: Kwargs, ctx: HostContext): string {
  const a = bindArgs('formatwarning', ['message', 'category', 'filename', 'lineno', 'line?'], args, kwargs, ctx);
  const category = a.required('category');
  if (!(category instanceof PyType)) throw pyError('AttributeError', `'${ctx.repr(category)}' object has no attribute '__name__'`);
  const line = a.opt('line');
  return warningChannel(ctx).format(ctx.str(a.required('message')), category, ctx.str(a.required('filename')), Number(toIndex(a.required('lineno'), ctx)), line === undefined ? null : ctx.str(line));
}

/** `warnings.WarningMessage`: what `catch_warnings(record=True)` records. */
class WarningMessage extends HostObject {
  static readonly type = hostType('WarningMessage', 'warnings');

  constructor(private readonly shown: ShownWarning) {
    super();
  }

  get pyType(): PyType {
    return WarningMessage.type;
  }

  override getattr(name: string): PyValue | undefined {
    const w = this.shown;
    const attrs: Record<string, PyValue> = { message: w.message, category: w.category, filename: w.filename, lineno: BigInt(w.lineno), file: null, line: null, source: null };
    return Object.hasOwn(attrs, name) ? attrs[name] : undefined;
  }

  override str(ctx: HostContext): string {
    const w = this.shown;
    return `{message : ${ctx.repr(w.message)}, category : ${ctx.repr(w.category.name)}, filename : ${ctx.repr(w.filename)}, lineno : ${w.lineno}, line : None}`;
  }
}

/** `with warnings.catch_warnings(record=..., action=...)`: the filters (and where warnings go) put back on exit. */
class CatchWarnings extends HostObject {
  static readonly type = hostType('catch_warnings', 'warnings', (args, kwargs, ctx) => {
    const a = bindArgs('catch_warnings', ['*', 'record?', 'module?', 'action?', 'category?', 'lineno?', 'append?'], args, kwargs, ctx);
    const act = a.opt('action');
    const filter = act === undefined ? null : { action: action(act, ctx), category: a.get('category') ?? Warning, lineno: lineno(a.get('lineno'), ctx), append: a.bool('append', false) };
    return new CatchWarnings(a.bool('record', false), filter);
  });

  private saved: SavedWarningState | null = null;
  private entered = false;

  constructor(
    private readonly record: boolean,
    private readonly filter: { action: WarningAction; category: PyValue; lineno: number; append: boolean } | null,
  ) {
    super();
  }

  get pyType(): PyType {
    return CatchWarnings.type;
  }

  override enter(ctx: HostContext): PyValue {
    if (this.entered) throw pyError('RuntimeError', `Cannot enter ${this.repr()} twice`);
    this.entered = true;
    const channel = warningChannel(ctx);
    this.saved = channel.save();
    channel.restore(this.saved);
    if (this.filter) addSimpleFilter(ctx, this.filter.action, this.filter.category, this.filter.lineno, this.filter.append);
    if (!this.record) return null;
    const log = new PyList([]);
    channel.recorder = (w) => void log.items.push(new WarningMessage(w));
    return log;
  }

  override exit(_exc: unknown, ctx: HostContext): boolean {
    if (!this.entered || !this.saved) throw pyError('RuntimeError', `Cannot exit ${this.repr()} without entering first`);
    warningChannel(ctx).restore(this.saved);
    return false;
  }

  override repr(): string {
    const args = [this.record ? 'record=True' : ''].filter((x) => x);
    return `catch_warnings(${args.join(', ')})`;
  }
}

export const warningsModule: ModuleShim = {
  exports: ['warn', 'filterwarnings', 'simplefilter', 'resetwarnings', 'catch_warnings', 'formatwarning', 'WarningMessage'],
  create() {
    return new PyModule('warnings', new Map<string, PyValue>([
      ['warn', pyFunction('warn', warn)],
      ['filterwarnings', pyFunction('filterwarnings', filterwarnings)],
      ['simplefilter', pyFunction('simplefilter', simplefilter)],
      ['resetwarnings', pyFunction('resetwarnings', resetwarnings)],
      ['catch_warnings', CatchWarnings.type],
      ['formatwarning', pyFunction('formatwarning', formatwarning)],
      ['WarningMessage', WarningMessage.type],
    ]), true);
  },
};
