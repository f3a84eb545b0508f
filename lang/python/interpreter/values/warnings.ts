/**
 * Python's warnings machinery as CPython 3.11's `warnings.py` has it: the filters (first match
 * wins, the default action otherwise), the per-module registry that makes the `default` action
 * show a warning once per place, the once-registry, `error` raising the warning, and what is shown:
 * `FILE:LINE: Category: message` then the source line, on stderr. `warnings.warn` in a script and
 * library code (a torch shim's `UserWarning`) both come here (`warningChannel(ctx)`).
 */
import type { Span } from '../../syntax';
import { PyError, pyError, Warning, WARNING_TYPES } from './exceptions';
import { ExceptionObject, type HostContext, PyType, type PyValue } from './objects';
import { typeName } from './types';

export type WarningAction = 'error' | 'ignore' | 'always' | 'default' | 'module' | 'once';
/** The builtin categories library code warns with. */
export type LibraryWarning = 'UserWarning' | 'DeprecationWarning' | 'RuntimeWarning' | 'FutureWarning';

export const WARNING_ACTIONS: readonly WarningAction[] = ['error', 'ignore', 'always', 'default', 'module', 'once'];

/**
 * How a filter matches a message or module: a string exactly (the default filters), else a
 * compiled pattern's `match` (`warnings.filters` holds `re.compile` objects); null matches everything.
 */
export type WarningMatcher = string | ((text: string) => boolean) | null;

/** One entry of `warnings.filters`: (action, message regex, category, module regex, lineno). */
export interface WarningFilter {
  /** One of WARNING_ACTIONS, unless a script put something else in warnings.filters (refused when it matches). */
  readonly action: string;
  readonly message: WarningMatcher;
  readonly category: PyType;
  readonly module: WarningMatcher;
  /** 0 matches every line. */
  readonly lineno: number;
  /** The entry as `repr` shows it, for the error an unknown action raises. */
  readonly describe?: () => string;
}

/**
 * Once the script imports `warnings`, its `filters` list (and `defaultaction`) are what the
 * channel reads, as CPython's C `_warnings` reads the module's attributes on every warning.
 */
export interface WarningFilterSource {
  filters(): Iterable<WarningFilter>;
  defaultAction(): string;
}

/** A warning shown (not filtered out): what `catch_warnings(record=True)` records and stderr prints. */
export interface ShownWarning {
  /** The Warning instance (what `showwarning` was given, when the script called it). */
  readonly message: PyValue;
  /** `str(message)`: `Input #0 requires gradient and is not a double precision ...`. */
  readonly what: string;
  readonly category: PyType;
  readonly filename: string;
  readonly lineno: number;
  /** The place in the script; null where the stack level went past the script's frames (`sys:1`). */
  readonly span: Span | null;
  /** As CPython's `showwarning` writes it: `FILE:LINE: UserWarning: text\n  source line\n`. */
  readonly text: string;
}

/** What the channel needs from the interpreter it serves. */
export interface WarningHost {
  readonly file: string;
  /** The script's source line (1-based), as linecache gives it; '' when unknown. */
  sourceLine(line: number): string;
  /** Where `stacklevel` points: 1 the running expression, 2 the call of the running function, ...; null past the stack. */
  siteOf(stacklevel: number): Span | null;
  /** Shows a warning no recorder took: the run's stderr. */
  show(w: ShownWarning): void;
}

/** CPython's default filters (a release build): DeprecationWarning shown from `__main__` only. */
function defaultFilters(): WarningFilter[] {
  const ignore = (name: string): WarningFilter => ({ action: 'ignore', message: null, category: WARNING_TYPES.get(name)!, module: null, lineno: 0 });
  return [
    { action: 'default', message: null, category: WARNING_TYPES.get('DeprecationWarning')!, module: '__main__', lineno: 0 },
    ignore('DeprecationWarning'),
    ignore('PendingDeprecationWarning'),
    ignore('ImportWarning'),
    ignore('ResourceWarning'),
  ];
}

/**
 * A `__warningregistry__`-like record of where a warning was acted on: keys `(text, category,
 * lineno)`, and `(text, category)` (lineno null) for `once` and `module`.
 */
export interface WarningRegistry {
  /** Whether the key is there (the filters' version checked first, as `already_warned` does). */
  has(text: string, category: PyType, lineno: number | null): boolean;
  add(text: string, category: PyType, lineno: number | null): void;
}

/** A warning to act on: its instance, text and category, and the place it is reported at. */
export interface ExplicitWarning {
  readonly instance: ExceptionObject;
  readonly text: string;
  readonly category: PyType;
  readonly filename: string;
  readonly lineno: number;
  readonly module: string;
}


/** How `warnings.warn` was called: its stacklevel, the module it warns from, and the line of that module's file. */
export interface WarnOptions {
  readonly stacklevel?: number;
  /** The name the filters match (the script is `__main__`; a library shim may name itself). */
  readonly module?: string;
  /**
   * The line of the library's file that warns (stacklevel 1 in library code, as torch/nn/modules/lazy.py:180):
   * the registry and the filters key the warning by it, so it shows once a run under the default action,
   * while it is reported at the script's line that led there.
   */
  readonly libraryLine?: number;
}

export class WarningChannel {
  /** The filters until the script imports `warnings` (then `source`'s). */
  readonly filters: readonly WarningFilter[] = defaultFilters();
  source: WarningFilterSource | null = null;
  /** Set by `catch_warnings(record=True)`: shown warnings go to its list instead of stderr. */
  recorder: ((w: ShownWarning) => void) | null = null;
  /**
   * Set by the `warnings` module when imported: CPython's `_showwarnmsg`, which calls a replaced
   * `warnings.showwarning` (or formats with a replaced `formatwarning`) before `deliver`.
   */
  presenter: ((ctx: HostContext, w: ShownWarning) => void) | null = null;
  /** `_filters_version`: a registry made under other filters is cleared before it is read. */
  version = 1;
  /** Each module's `__warningregistry__`: the (text, category, line) keys already acted on; cleared when the filters change. */
  private readonly registries = new Map<string, Set<string>>();
  private readonly onceRegistry = new Set<string>();

  constructor(private readonly host: WarningHost) {}

  /** `_filters_mutated()`: every registry forgets, so a new filter applies to places already warned at. */
  mutated(): void {
    this.registries.clear();
    this.version++;
  }

  /**
   * `warnings.warn(message, category, stacklevel)`: `message` a string (with `category`,
   * UserWarning when null) or a Warning instance; `module` is the name the filters match (the
   * script is `__main__`; a library shim may name itself, so `ignore::DeprecationWarning` holds for it).
   */
  warn(ctx: HostContext, message: PyValue, categoryGiven: PyValue, options: WarnOptions = {}): void {
    let category = categoryGiven ?? WARNING_TYPES.get('UserWarning')!;
    if (message instanceof ExceptionObject && message.type.isSubtypeOf(Warning)) category = message.type;
    if (!(category instanceof PyType) || !category.isSubtypeOf(Warning)) {
      throw pyError('TypeError', `category must be a Warning subclass, not '${typeName(category)}'`);
    }
    const span = this.host.siteOf(options.stacklevel ?? 1);
    const filename = span ? this.host.file : 'sys';
    const lineno = span ? span.line : 1;
    // The line the registry and the filters know it by: the library's own, where it warns from one.
    const keyLine = options.libraryLine ?? lineno;
    const module = span ? (options.module ?? '__main__') : 'sys';
    let instance: ExceptionObject;
    if (message instanceof ExceptionObject && message.type.isSubtypeOf(Warning)) instance = message;
    else {
      const made = ctx.call(category, [message]);
      if (!(made instanceof ExceptionObject)) throw pyError('TypeError', 'exceptions must derive from BaseException');
      instance = made;
    }
    const text = typeof message === 'string' ? message : ctx.str(instance);
    const key = `${text}\0${categoryKey(category)}\0${keyLine}`;
    let registry = this.registries.get(module);
    if (!registry) this.registries.set(module, (registry = new Set()));
    if (registry.has(key)) return;
    const action = this.actionFor(text, category, module, keyLine);
    if (action === 'ignore') return;
    if (action === 'error') throw new PyError(instance);
    if (action === 'once') {
      registry.add(key);
      const onceKey = `${text}\0${categoryKey(category)}`;
      if (this.onceRegistry.has(onceKey)) return;
      this.onceRegistry.add(onceKey);
    } else if (action === 'module') {
      registry.add(key);
      const moduleKey = `${text}\0${categoryKey(category)}\0${0}`;
      if (registry.has(moduleKey)) return;
      registry.add(moduleKey);
    } else if (action === 'default') registry.add(key);
    const what = ctx.str(instance);
    this.present(ctx, { message: instance, what, category, filename, lineno, span, text: this.format(what, category, filename, lineno) });
  }

  /**
   * `warnings.warn_explicit`, as CPython 3.11's C `warn_explicit` acts: the registry given (none:
   * nothing is remembered, so `default` shows each time), the filters matched against `module`,
   * and `once` remembered in the registry given or else the global once-registry.
   */
  warnExplicit(ctx: HostContext, w: ExplicitWarning, registry: WarningRegistry | null): void {
    if (registry?.has(w.text, w.category, w.lineno)) return;
    const action = this.actionFor(w.text, w.category, w.module, w.lineno);
    if (action === 'error') throw new PyError(w.instance);
    if (action === 'ignore') return;
    if (action !== 'always') registry?.add(w.text, w.category, w.lineno);
    if (action === 'once') {
      if (registry) {
        if (registry.has(w.text, w.category, null)) return;
        registry.add(w.text, w.category, null);
      } else {
        const onceKey = `${w.text}\0${categoryKey(w.category)}`;
        if (this.onceRegistry.has(onceKey)) return;
        this.onceRegistry.add(onceKey);
      }
    } else if (action === 'module' && registry) {
      // NB: the C warn_explicit keys `module` as `once`, (text, category), where warnings.py adds a 0.
      if (registry.has(w.text, w.category, null)) return;
      registry.add(w.text, w.category, null);
    }
    const what = ctx.str(w.instance);
    this.present(ctx, { message: w.instance, what, category: w.category, filename: w.filename, lineno: w.lineno, span: null, text: this.format(what, w.category, w.filename, w.lineno) });
  }

  private present(ctx: HostContext, shown: ShownWarning): void {
    if (this.presenter) this.presenter(ctx, shown);
    else this.deliver(shown);
  }

  /** `_showwarnmsg_impl`: to the log of `catch_warnings(record=True)`, else to stderr. */
  deliver(shown: ShownWarning): void {
    if (this.recorder) this.recorder(shown);
    else this.host.show(shown);
  }

  /** `warnings.formatwarning`: the header line, then the source line stripped (when there is one). */
  format(text: string, category: PyType, filename: string, lineno: number, line: string | null = null): string {
    const source = (line ?? (filename === this.host.file ? this.host.sourceLine(lineno) : '')).trim();
    return `${filename}:${lineno}: ${category.name}: ${text}\n${source ? `  ${source}\n` : ''}`;
  }

  /** The C `get_filter`: the first filter that matches gives the action, else the default action. */
  private actionFor(text: string, category: PyType, module: string, lineno: number): WarningAction {
    for (const f of this.source?.filters() ?? this.filters) {
      if (!matches(f.message, text)) continue;
      if (!category.isSubtypeOf(f.category)) continue;
      if (!matches(f.module, module)) continue;
      if (f.lineno !== 0 && f.lineno !== lineno) continue;
      return known(f.action, f.describe?.() ?? null);
    }
    return known(this.source?.defaultAction() ?? 'default', null);
  }
}

const categoryIds = new WeakMap<PyType, number>();
let nextCategoryId = 1;
function categoryKey(t: PyType): number {
  let id = categoryIds.get(t);
  if (id === undefined) categoryIds.set(t, (id = nextCategoryId++));
  return id;
}

function matches(m: WarningMatcher, text: string): boolean {
  return m === null || (typeof m === 'string' ? m === text : m(text));
}

/** warn_explicit's check of the action a filter (or `defaultaction`) gave. */
function known(action: string, entry: string | null): WarningAction {
  if ((WARNING_ACTIONS as readonly string[]).includes(action)) return action as WarningAction;
  throw pyError('RuntimeError', `Unrecognized action ('${action}') in warnings.filters:\n ${entry ?? 'None'}`);
}

/** The run's channel, in its per-run state: the interpreter opens it (`openWarningChannel`) before the script starts. */
const CHANNEL = {};

export function openWarningChannel(ctx: HostContext, host: WarningHost): WarningChannel {
  return ctx.state(CHANNEL, () => new WarningChannel(host));
}

/** The channel of the run `ctx` is: where `warnings.warn` and library shims send warnings. */
export function warningChannel(ctx: HostContext): WarningChannel {
  return ctx.state(CHANNEL, () => {
    throw new Error('the interpreter opens its warnings channel before the script runs');
  });
}

/** `warnings.warn(text, category)` from library code (a torch shim): at the script's line that called it. */
export function warn(ctx: HostContext, text: string, category: LibraryWarning = 'UserWarning', module?: string, libraryLine?: number): void {
  warningChannel(ctx).warn(ctx, text, WARNING_TYPES.get(category)!, { ...(module ? { module } : {}), ...(libraryLine === undefined ? {} : { libraryLine }) });
}
