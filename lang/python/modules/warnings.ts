/**
 * Python's `warnings` as CPython 3.11 has it: `warn` (category, stacklevel, a Warning instance),
 * `warn_explicit` (a place and registry of the caller's), `filterwarnings`/`simplefilter`/`resetwarnings`
 * (the actions `error`, `ignore`, `always`, `default`, `module`, `once`), `catch_warnings`
 * (record=True gives the list of WarningMessage objects), `showwarning` and `formatwarning` (a
 * script may replace either, and what is shown goes through its replacement, as `_showwarnmsg`
 * does) and `WarningMessage`. The filters, registries and
 * stderr are the run's warning channel (interpreter/values/warnings.ts), which library shims warn through too.
 */
import {
  ExceptionObject,
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
  type ShownWarning,
  getitem,
  hashKey,
  isCallable,
  PyDict,
  PyTuple,
  setitem,
  toIndex,
  truthy,
  type WarningRegistry,
  Warning,
  WARNING_ACTIONS,
  type WarningAction,
  warningChannel,
  type WarningFilter,
  type WarningMatcher,
  eq,
  typeName,
} from '../interpreter';
import { compilePattern } from './re';

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
  const line = lineno(a.get('lineno'), ctx);
  addFilter(ctx, [act, message ? compilePattern(message as string, true, ctx) : null, category, module ? compilePattern(module as string, false, ctx) : null, BigInt(line)], a.bool('append', false));
  return null;
}

/** The run's `warnings.filters` as the module's functions see it (`filters`, the module's global). */
function filterList(ctx: HostContext): PyList {
  const list = moduleState(ctx).module.attrs.get('filters');
  if (!(list instanceof PyList)) throw pyError('AttributeError', "'NoneType' object has no attribute 'remove'");
  return list;
}

/** `_add_filter`: a new filter goes first (an equal one is moved), or last with `append` unless already there; then `_filters_mutated()`. */
function addFilter(ctx: HostContext, item: PyValue[], append: boolean): void {
  const filters = filterList(ctx);
  const entry = new PyTuple(item);
  const at = filters.items.findIndex((f) => eq(f, entry, ctx));
  if (!append) {
    if (at >= 0) filters.items.splice(at, 1);
    filters.items.unshift(entry);
  } else if (at < 0) filters.items.push(entry);
  warningChannel(ctx).mutated();
}

function simplefilter(args: PyValue[], kwargs: Kwargs, ctx: HostContext): null {
  const a = bindArgs('simplefilter', ['action', 'category?', 'lineno?', 'append?'], args, kwargs, ctx);
  addSimpleFilter(ctx, action(a.required('action'), ctx), a.get('category') ?? Warning, lineno(a.get('lineno'), ctx), a.bool('append', false));
  return null;
}

function addSimpleFilter(ctx: HostContext, act: WarningAction, category: PyValue, line: number, append: boolean): void {
  addFilter(ctx, [act, null, category, null, BigInt(line)], append);
}

function resetwarnings(args: PyValue[], kwargs: Kwargs, ctx: HostContext): null {
  bindArgs('resetwarnings', [], args, kwargs, ctx);
  filterList(ctx).items.length = 0;
  warningChannel(ctx).mutated();
  return null;
}

/** A filter's message or module as the C `check_matched` reads it: None, a str (equal), else the object's `match(text)`. */
function matcherOf(v: PyValue, ctx: HostContext): WarningMatcher {
  if (v === null || typeof v === 'string') return v;
  return (text: string) => truthy(ctx.call(ctx.getattr(v, 'match'), [text]), ctx);
}

/** The C `get_filter`'s walk over `warnings.filters`, each entry checked as it reads it. */
function* listedFilters(ctx: HostContext): Iterable<WarningFilter> {
  const list = moduleState(ctx).module.attrs.get('filters');
  if (!(list instanceof PyList)) throw pyError('ValueError', '_warnings.filters must be a list');
  for (let i = 0; i < list.items.length; i++) {
    const item = list.items[i];
    if (!(item instanceof PyTuple) || item.items.length !== 5) throw pyError('ValueError', `_warnings.filters item ${i} isn't a 5-tuple`);
    const [action, message, category, module, line] = item.items;
    if (typeof action !== 'string') throw pyError('TypeError', `action must be a string, not '${typeName(action)}'`);
    if (!(category instanceof PyType)) throw pyError('TypeError', 'issubclass() arg 2 must be a class, a tuple of classes, or a union');
    yield { action, message: matcherOf(message, ctx), category, module: matcherOf(module, ctx), lineno: Number(toIndex(line, ctx)), describe: () => ctx.repr(item) };
  }
}

function defaultAction(ctx: HostContext): string {
  const action = moduleState(ctx).module.attrs.get('defaultaction');
  if (typeof action !== 'string') throw pyError('TypeError', `_warnings.defaultaction must be a string, not '${typeName(action ?? null)}'`);
  return action;
}

function formatwarning(args: PyValue[], kwargs: Kwargs, ctx: HostContext): string {
  const a = bindArgs('formatwarning', ['message', 'category', 'filename', 'lineno', 'line?'], args, kwargs, ctx);
  const line = a.opt('line');
  return formatImpl(a.required('message'), a.required('category'), a.required('filename'), a.required('lineno'), line === undefined ? null : line, ctx);
}

/** `_formatwarnmsg_impl`: `FILE:LINE: Category: message`, then the source line stripped. */
function formatImpl(message: PyValue, category: PyValue, filename: PyValue, line: PyValue, source: PyValue, ctx: HostContext): string {
  if (!(category instanceof PyType)) throw pyError('AttributeError', `'${ctx.repr(category)}' object has no attribute '__name__'`);
  return warningChannel(ctx).format(ctx.str(message), category, ctx.str(filename), Number(toIndex(line, ctx)), source === null ? null : ctx.str(source));
}

/** The run's `warnings` module, and its own showwarning and formatwarning (`_showwarning_orig`, `_formatwarning_orig`). */
interface WarningsModuleState {
  module: PyModule;
  showOrig: PyValue;
  formatOrig: PyValue;
}

const MODULE_STATE = {};

function moduleState(ctx: HostContext): WarningsModuleState {
  return ctx.state(MODULE_STATE, () => {
    throw new Error('the warnings module makes its state when imported');
  });
}

/** `_formatwarnmsg`: through a replaced `warnings.formatwarning` (given message, category, filename, lineno, line), else the default text. */
function formatShown(ctx: HostContext, w: { message: PyValue; category: PyType; filename: string; lineno: number; text: string }, line: PyValue): string {
  const state = moduleState(ctx);
  const fw = state.module.attrs.get('formatwarning') ?? null;
  if (fw === state.formatOrig) return line === null ? w.text : formatImpl(w.message, w.category, w.filename, BigInt(w.lineno), line, ctx);
  return ctx.str(ctx.call(fw, [w.message, w.category, w.filename, BigInt(w.lineno), line]));
}

/** `_showwarnmsg`: a replaced `warnings.showwarning` gets (message, category, filename, lineno, file, line); else the log or stderr. */
function present(ctx: HostContext, w: ShownWarning): void {
  const state = moduleState(ctx);
  const sw = state.module.attrs.get('showwarning') ?? null;
  if (sw !== state.showOrig) {
    if (!isCallable(sw, ctx)) throw pyError('TypeError', 'warnings.showwarning() must be set to a function or method');
    ctx.call(sw, [w.message, w.category, w.filename, BigInt(w.lineno), null, null]);
    return;
  }
  const channel = warningChannel(ctx);
  if (channel.recorder) channel.recorder(w);
  else channel.deliver({ ...w, text: formatShown(ctx, w, null) });
}

/** `warnings.showwarning(message, category, filename, lineno, file=None, line=None)`: the text written to `file` (stderr when None). */
function showwarning(args: PyValue[], kwargs: Kwargs, ctx: HostContext): null {
  const a = bindArgs('showwarning', ['message', 'category', 'filename', 'lineno', 'file?', 'line?'], args, kwargs, ctx);
  const message = a.required('message');
  const category = a.required('category');
  const file = a.opt('file') ?? null;
  const line = a.opt('line') ?? null;
  const filename = a.required('filename');
  const lineno = a.required('lineno');
  const text = formatImpl(message, category, filename, lineno, line, ctx);
  const shown: ShownWarning = { message, what: ctx.str(message), category: category as PyType, filename: ctx.str(filename), lineno: Number(toIndex(lineno, ctx)), span: null, text };
  const channel = warningChannel(ctx);
  if (channel.recorder) {
    channel.recorder(shown);
    return null;
  }
  const written = formatShown(ctx, shown, line);
  if (file === null) channel.deliver({ ...shown, text: written });
  else ctx.call(ctx.getattr(file, 'write'), [written]);
  return null;
}

/** A registry dict as the C `already_warned` keeps it: `version`, then `(text, category, lineno)` keys set to True. */
function dictRegistry(d: PyDict, ctx: HostContext): WarningRegistry {
  const key = (text: string, category: PyType, lineno: number | null) => new PyTuple(lineno === null ? [text, category] : [text, category, BigInt(lineno)]);
  const checkVersion = (): boolean => {
    const version = BigInt(warningChannel(ctx).version);
    const now = d.getByKey(hashKey('version') as string);
    if (typeof now === 'bigint' && now === version) return true;
    d.map.clear();
    setitem(d, 'version', version, ctx);
    return false;
  };
  return {
    has: (text, category, lineno) => {
      if (!checkVersion()) return false;
      const k = key(text, category, lineno);
      try {
        return truthy(getitem(d, k, ctx), ctx);
      } catch {
        return false;
      }
    },
    add: (text, category, lineno) => {
      checkVersion();
      setitem(d, key(text, category, lineno), true, ctx);
    },
  };
}

/** `warnings.warn_explicit(message, category, filename, lineno, module=None, registry=None, module_globals=None, source=None)`. */
function warnExplicit(args: PyValue[], kwargs: Kwargs, ctx: HostContext): null {
  const a = bindArgs('warn_explicit', ['message', 'category', 'filename', 'lineno', 'module?', 'registry?', 'module_globals?', 'source?'], args, kwargs, ctx);
  const given = a.required('message');
  const filename = a.required('filename');
  if (typeof filename !== 'string') throw pyError('TypeError', `warn_explicit() argument 3 must be str, not ${ctx.repr(typeOfName(filename))}`);
  const lineno = Number(toIndex(a.required('lineno'), ctx));
  const moduleArg = a.opt('module') ?? null;
  const module = moduleArg !== null ? ctx.str(moduleArg) : filename === '' ? '<unknown>' : filename.endsWith('.py') ? filename.slice(0, -3) : filename;
  const registryArg = a.opt('registry') ?? null;
  if (registryArg !== null && !(registryArg instanceof PyDict)) throw pyError('TypeError', `'registry' must be a dict or None, not '${typeOfName(registryArg)}'`);
  let instance: PyValue;
  let category: PyValue = a.required('category');
  let text: string;
  if (given instanceof ExceptionObject && given.type.isSubtypeOf(Warning)) {
    instance = given;
    category = given.type;
    text = ctx.str(given);
  } else {
    text = ctx.str(given);
    instance = ctx.call(category, [given]);
  }
  if (!(category instanceof PyType) || !(instance instanceof ExceptionObject)) throw pyError('TypeError', 'issubclass() arg 1 must be a class');
  warningChannel(ctx).warnExplicit(ctx, { instance, text, category, filename, lineno, module }, registryArg === null ? null : dictRegistry(registryArg, ctx));
  return null;
}

function typeOfName(v: PyValue): string {
  return v === null ? 'NoneType' : typeof v === 'string' ? 'str' : typeof v === 'bigint' ? 'int' : typeof v === 'number' ? 'float' : typeof v === 'boolean' ? 'bool' : 'object';
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

  private saved: { filters: PyValue; recorder: ((w: ShownWarning) => void) | null } | null = null;
  private savedShow: PyValue = null;
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
    const state = moduleState(ctx);
    // self._filters = self._module.filters; self._module.filters = self._filters[:]
    const filters = state.module.attrs.get('filters') ?? null;
    this.saved = { filters, recorder: channel.recorder };
    // NB: filters[:] of a list; CPython would slice whatever the script put there.
    if (!(filters instanceof PyList)) throw pyError('TypeError', `'${typeName(filters)}' object is not subscriptable`);
    state.module.attrs.set('filters', new PyList([...filters.items]));
    channel.mutated();
    this.savedShow = state.module.attrs.get('showwarning') ?? null;
    if (this.filter) addSimpleFilter(ctx, this.filter.action, this.filter.category, this.filter.lineno, this.filter.append);
    if (!this.record) return null;
    state.module.attrs.set('showwarning', state.showOrig);
    const log = new PyList([]);
    channel.recorder = (w) => void log.items.push(new WarningMessage(w));
    return log;
  }

  override exit(_exc: unknown, ctx: HostContext): boolean {
    if (!this.entered || !this.saved) throw pyError('RuntimeError', `Cannot exit ${this.repr()} without entering first`);
    const channel = warningChannel(ctx);
    moduleState(ctx).module.attrs.set('filters', this.saved.filters);
    channel.recorder = this.saved.recorder;
    channel.mutated();
    moduleState(ctx).module.attrs.set('showwarning', this.savedShow);
    return false;
  }

  override repr(): string {
    const args = [this.record ? 'record=True' : ''].filter((x) => x);
    return `catch_warnings(${args.join(', ')})`;
  }
}

export const warningsModule: ModuleShim = {
  exports: ['warn', 'warn_explicit', 'filterwarnings', 'simplefilter', 'resetwarnings', 'catch_warnings', 'showwarning', 'formatwarning', 'WarningMessage', 'filters', 'defaultaction', '_filters_mutated'],
  create(ctx) {
    const channel = warningChannel(ctx);
    const showOrig = pyFunction('showwarning', showwarning);
    const formatOrig = pyFunction('formatwarning', formatwarning);
    const module = new PyModule('warnings', new Map<string, PyValue>([
      ['warn', pyFunction('warn', warn)],
      ['warn_explicit', pyFunction('warn_explicit', warnExplicit)],
      ['filterwarnings', pyFunction('filterwarnings', filterwarnings)],
      ['simplefilter', pyFunction('simplefilter', simplefilter)],
      ['resetwarnings', pyFunction('resetwarnings', resetwarnings)],
      ['catch_warnings', CatchWarnings.type],
      ['showwarning', showOrig],
      ['formatwarning', formatOrig],
      ['WarningMessage', WarningMessage.type],
      ['filters', new PyList(channel.filters.map((f) => new PyTuple([f.action, matcherValue(f.message), f.category, matcherValue(f.module), BigInt(f.lineno)])))],
      ['defaultaction', 'default'],
      ['_filters_mutated', pyFunction('_filters_mutated', (args, kwargs, c) => {
        bindArgs('_filters_mutated', [], args, kwargs, c);
        warningChannel(c).mutated();
        return null;
      })],
    ]), true);
    ctx.state(MODULE_STATE, () => ({ module, showOrig, formatOrig }));
    channel.presenter = present;
    channel.source = { filters: () => listedFilters(ctx), defaultAction: () => defaultAction(ctx) };
    return module;
  },
};

/** The default filters' matchers are None or a module name (str), as CPython's are. */
function matcherValue(m: WarningMatcher): PyValue {
  if (typeof m === 'function') throw new Error('only the default filters exist before warnings is imported');
  return m;
}
