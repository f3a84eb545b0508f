/**
 * `argparse` as CPython 3.11's `Lib/argparse.py` parses and reports: ArgumentParser with
 * positionals and options (`type`, `default`, `choices`, `nargs`, `required`, `dest`, `metavar`,
 * the store/const/true/false/append/extend/count/help/version actions), abbreviated long options,
 * `-xVALUE` and `--opt=value`, combined short flags, `--`, argument groups and mutually exclusive
 * groups, `set_defaults`, `parse_args()` (from sys.argv, which in a run is the script's name
 * alone, so every argument takes its default) and `parse_args([...])`, errors as argparse prints
 * them (usage and `prog: error: ...` on stderr, SystemExit(2)), and `-h` (argparse_help.ts).
 * Custom Action classes, subparsers and reading arguments from files are refused by name.
 */
import {
  bindArgs,
  EXCEPTION_TYPES,
  ExceptionObject,
  getattrOrUndefined,
  HaltError,
  type HostContext,
  HostObject,
  hostType,
  isCallable,
  iterate,
  type Kwargs,
  PyBuiltin,
  PyError,
  pyError,
  PyList,
  PyModule,
  PyTuple,
  PyType,
  type PyValue,
  setattr,
  SystemExit,
  contains,
  truthy,
  typeName,
  writeStderr,
  writeStdout,
  type ModuleShim,
} from '../interpreter';
import { Action, ACTION_KINDS, type ActionKind, BOOLEAN_OPTIONAL_ACTION, type Nargs, nargsOf, SUPPRESS } from './argparse_action';
import { type ExclusiveGroup, formatHelp, formatUsage, type FormatterKind, type HelpSection, type HelpSource } from './argparse_help';
import { namespaceType } from './namespace';
import { sysModuleOf } from './sys';

const FORMATTERS: readonly FormatterKind[] = ['HelpFormatter', 'RawDescriptionHelpFormatter', 'RawTextHelpFormatter', 'ArgumentDefaultsHelpFormatter'];

/** The module's classes, made once per run (the script may subclass Namespace, catch ArgumentError). */
interface ArgparseTypes {
  readonly namespace: PyType;
  readonly argumentError: PyType;
  readonly argumentTypeError: PyType;
  readonly formatters: ReadonlyMap<PyType, FormatterKind>;
}

const TYPES = {};

function argparseTypes(ctx: HostContext): ArgparseTypes {
  return ctx.state(TYPES, () => {
    const exception = (name: string): PyType => {
      const t: PyType = new PyType(name, { module: 'argparse', bases: [EXCEPTION_TYPES.get('Exception')!], isException: true, construct: (args) => new ExceptionObject(t, args) });
      return t;
    };
    return {
      namespace: namespaceType('Namespace', 'argparse', 'Namespace', (n) => `Namespace.__init__() takes 1 positional argument but ${n + 1} were given`),
      argumentError: exception('ArgumentError'),
      argumentTypeError: exception('ArgumentTypeError'),
      formatters: new Map(FORMATTERS.map((f) => [new PyType(f, { module: 'argparse' }), f])),
    };
  });
}

/** An `ArgumentError`: `argument --lr: invalid float value: 'x'`, raised inside and reported by `error()` (or raised with exit_on_error=False). */
function argumentError(ctx: HostContext, action: Action | null, message: string): PyError {
  const name = action?.name ?? null;
  const exc = new ExceptionObject(argparseTypes(ctx).argumentError, [name === null ? message : `argument ${name}: ${message}`]);
  exc.dict.set('argument_name', name);
  exc.dict.set('message', message);
  return new PyError(exc);
}

const NEGATIVE_NUMBER = /^-\d+$|^-\d*\.\d+$/;

/** The regex over the `O`/`A`/`-` pattern of the strings that an action's nargs takes. */
function nargsPattern(action: Action): string {
  const { nargs } = action;
  let p: string;
  if (nargs === null) p = '(-*A-*)';
  else if (nargs === '?') p = '(-*A?-*)';
  else if (nargs === '*') p = '(-*[A-]*)';
  else if (nargs === '+') p = '(-*A[A-]*)';
  else p = `(-*${Array<string>(nargs).fill('A').join('-*')}-*)`;
  if (!action.isPositional) p = p.replaceAll('-*', '').replaceAll('-', '');
  return p;
}

class ArgumentGroup extends HostObject {
  static readonly type: PyType = hostType('_ArgumentGroup', 'argparse');
  readonly actions: Action[] = [];

  constructor(
    readonly parser: ArgumentParser,
    readonly title: string | null,
    readonly description: string | null,
    readonly exclusive: { required: boolean } | null,
  ) {
    super();
  }

  get pyType(): PyType {
    return ArgumentGroup.type;
  }

  override getattr(name: string, ctx: HostContext): PyValue | undefined {
    if (name === 'add_argument') return new PyBuiltin(name, (args, kwargs) => this.parser.addArgument(args, kwargs, ctx, this), this);
    if (name === 'title') return this.title;
    if (name === 'description') return this.description;
    if (name === 'required' && this.exclusive) return this.exclusive.required;
    if (name === 'add_mutually_exclusive_group' && !this.exclusive) {
      return new PyBuiltin(name, (args, kwargs) => this.parser.exclusiveGroup(args, kwargs, ctx, this), this);
    }
    return undefined;
  }
}

class ArgumentParser extends HostObject {
  static readonly type: PyType = hostType('ArgumentParser', 'argparse', (args, kwargs, ctx) => new ArgumentParser(args, kwargs, ctx));

  prog: string;
  usage: string | null;
  description: string | null;
  epilog: string | null;
  readonly formatter: FormatterKind;
  readonly argumentDefault: PyValue;
  readonly allowAbbrev: boolean;
  readonly exitOnError: boolean;
  readonly actions: Action[] = [];
  readonly optionActions = new Map<string, Action>();
  readonly groups: ArgumentGroup[] = [];
  readonly exclusive: ArgumentGroup[] = [];
  readonly defaults = new Map<string, PyValue>();
  private readonly positionals: ArgumentGroup;
  private readonly optionals: ArgumentGroup;

  constructor(args: PyValue[], kwargs: Kwargs, ctx: HostContext) {
    super();
    const a = bindArgs('ArgumentParser', [
      'prog?', 'usage?', 'description?', 'epilog?', 'parents?', 'formatter_class?', 'prefix_chars?', 'fromfile_prefix_chars?',
      'argument_default?', 'conflict_handler?', 'add_help?', 'allow_abbrev?', 'exit_on_error?',
    ], args, kwargs, ctx);
    const text = (name: string): string | null => {
      const v = a.opt(name);
      return v === undefined ? null : ctx.str(v);
    };
    const argv0 = scriptArgv(ctx)[0];
    this.prog = text('prog') ?? baseName(argv0 === undefined ? ctx.file : ctx.str(argv0));
    this.usage = text('usage');
    this.description = text('description');
    this.epilog = text('epilog');
    const formatterClass = a.opt('formatter_class');
    const formatter = formatterClass === undefined ? 'HelpFormatter' : argparseTypes(ctx).formatters.get(formatterClass as PyType);
    if (formatter === undefined) {
      throw new HaltError('unsupported', `argparse: formatter_class=${ctx.repr(formatterClass!)} is not supported by Gradlens; use one of ${FORMATTERS.map((f) => `argparse.${f}`).join(', ')}`);
    }
    this.formatter = formatter;
    if (a.str('prefix_chars', '-') !== '-') throw new HaltError('unsupported', "argparse: prefix_chars other than '-' is not supported by Gradlens");
    if (a.opt('fromfile_prefix_chars') !== undefined) {
      throw new HaltError('sandbox', 'argparse: fromfile_prefix_chars is not available in Gradlens: scripts cannot read files; pass the arguments to parse_args([...])');
    }
    if (a.str('conflict_handler', 'error') !== 'error') throw new HaltError('unsupported', "argparse: conflict_handler='resolve' is not supported by Gradlens; give each option once");
    this.argumentDefault = a.opt('argument_default') ?? null;
    this.allowAbbrev = a.bool('allow_abbrev', true);
    this.exitOnError = a.bool('exit_on_error', true);
    this.positionals = new ArgumentGroup(this, 'positional arguments', null, null);
    this.optionals = new ArgumentGroup(this, 'options', null, null);
    this.groups.push(this.positionals, this.optionals);
    if (a.bool('add_help', true)) {
      this.addArgument(['-h', '--help'], new Map<string, PyValue>([['action', 'help'], ['default', SUPPRESS], ['help', 'show this help message and exit']]), ctx, null);
    }
    const parents = a.opt('parents');
    if (parents !== undefined) {
      for (const parent of iterate(parents, ctx)) {
        if (!(parent instanceof ArgumentParser)) throw pyError('TypeError', `parents must be ArgumentParsers, not ${typeName(parent)}`);
        this.inherit(parent, ctx);
      }
    }
  }

  get pyType(): PyType {
    return ArgumentParser.type;
  }

  /** `parents=[...]`: the parent's arguments (its help too, which clashes with ours unless it has add_help=False, as in CPython), groups and defaults. */
  private inherit(parent: ArgumentParser, ctx: HostContext): void {
    const groupOf = new Map<Action, ArgumentGroup | null>();
    for (const g of parent.groups) {
      let mine = this.groups.find((h) => h.title === g.title);
      if (!mine) {
        mine = new ArgumentGroup(this, g.title, g.description, null);
        this.groups.push(mine);
      }
      for (const action of g.actions) groupOf.set(action, mine);
    }
    for (const g of parent.exclusive) {
      const mine = new ArgumentGroup(this, null, null, { required: g.exclusive!.required });
      this.exclusive.push(mine);
      for (const action of g.actions) mine.actions.push(action);
    }
    for (const action of parent.actions) this.addAction(action, groupOf.get(action) ?? null, ctx);
    for (const [k, v] of parent.defaults) this.defaults.set(k, v);
  }

  exclusiveGroup(args: PyValue[], kwargs: Kwargs, ctx: HostContext, within: ArgumentGroup | null): ArgumentGroup {
    const required = bindArgs('add_mutually_exclusive_group', ['required?'], args, kwargs, ctx).bool('required', false);
    const group = new ArgumentGroup(this, null, null, { required });
    // NB: its actions are listed under the group it was made in (the parser's optionals), as CPython's container.
    (group as { parentGroup?: ArgumentGroup | null }).parentGroup = within;
    this.exclusive.push(group);
    return group;
  }

  /** `add_argument(*names, **kwargs)`, into `group` (an argument group, a mutually exclusive one) when given. */
  addArgument(args: PyValue[], kwargs: Kwargs, ctx: HostContext, group: ArgumentGroup | null): Action {
    const names = args.map((n) => {
      if (typeof n !== 'string') throw pyError('TypeError', `'${typeName(n)}' object is not subscriptable`);
      return n;
    });
    const k = new Map(kwargs);
    const take = (name: string): PyValue | undefined => {
      const v = k.get(name);
      k.delete(name);
      return v;
    };
    const positional = names.length === 0 || (names.length === 1 && !names[0]!.startsWith('-'));
    let dest: string;
    let optionStrings: string[] = [];
    const destGiven = take('dest');
    let required: boolean;
    const nargsGiven = take('nargs');
    const nargsValue = nargsGiven === undefined ? undefined : nargsOf(nargsGiven);
    if (positional) {
      if (names.length && destGiven !== undefined) throw pyError('ValueError', 'dest supplied twice for positional argument');
      if (k.has('required')) throw pyError('TypeError', "'required' is an invalid argument for positionals");
      const d = names[0] ?? destGiven;
      if (typeof d !== 'string') throw pyError('TypeError', "add_argument() missing 1 required positional argument: 'dest'");
      dest = d;
      required = !(nargsValue === '?' || (nargsValue === '*' && k.has('default')));
    } else {
      for (const n of names) {
        if (!n.startsWith('-')) throw pyError('ValueError', `invalid option string '${n}': must start with a character '-'`);
      }
      optionStrings = names;
      if (destGiven !== undefined && destGiven !== null) dest = ctx.str(destGiven);
      else {
        const from = names.find((n) => n.startsWith('--')) ?? names[0]!;
        dest = from.replace(/^-+/, '');
        if (!dest) throw pyError('ValueError', `dest= is required for options like '${from}'`);
        dest = dest.replaceAll('-', '_');
      }
      required = truthy(take('required') ?? false, ctx);
    }
    const actionGiven = take('action') ?? 'store';
    const booleanOptional = actionGiven === BOOLEAN_OPTIONAL_ACTION;
    if (!booleanOptional && (typeof actionGiven !== 'string' || !(ACTION_KINDS as readonly string[]).includes(actionGiven))) {
      const shown = typeof actionGiven === 'string' ? `'${actionGiven}'` : ctx.repr(actionGiven);
      if (typeof actionGiven === 'string') throw pyError('ValueError', `unknown action "${actionGiven}"`);
      throw new HaltError('unsupported', `argparse: action=${shown} (an Action class) is not supported by Gradlens; use one of the actions by name: ${ACTION_KINDS.map((n) => `'${n}'`).join(', ')}`);
    }
    const kind: ActionKind = booleanOptional ? 'boolean_optional' : (actionGiven as ActionKind);
    // NB: BooleanOptionalAction adds `--no-x` after each `--x` (CPython 3.11's argparse).
    if (booleanOptional) optionStrings = optionStrings.flatMap((o) => (o.startsWith('--') ? [o, `--no-${o.slice(2)}`] : [o]));
    let defaultValue = take('default');
    if (defaultValue === undefined) {
      if (this.defaults.has(dest)) defaultValue = this.defaults.get(dest)!;
      else if (this.argumentDefault !== null) defaultValue = this.argumentDefault;
    }
    const constGiven = take('const');
    const typeGiven = take('type') ?? null;
    const choices = take('choices') ?? null;
    const help = take('help') ?? null;
    const metavar = take('metavar') ?? null;
    const version = take('version') ?? null;
    const leftover = [...k.keys()];
    const takesNone = kind !== 'store' && kind !== 'append' && kind !== 'extend';
    if (leftover.length) {
      const extra = leftover[0]!;
      const name = { store: '_StoreAction', store_const: '_StoreConstAction', store_true: '_StoreTrueAction', store_false: '_StoreFalseAction', append: '_AppendAction', append_const: '_AppendConstAction', extend: '_ExtendAction', count: '_CountAction', help: '_HelpAction', version: '_VersionAction', boolean_optional: 'BooleanOptionalAction' }[kind];
      throw pyError('TypeError', `${name}.__init__() got an unexpected keyword argument '${extra}'`);
    }
    if (booleanOptional && (nargsGiven !== undefined || constGiven !== undefined)) throw pyError('TypeError', `BooleanOptionalAction.__init__() got an unexpected keyword argument '${nargsGiven !== undefined ? 'nargs' : 'const'}'`);
    if (takesNone && nargsGiven !== undefined) throw pyError('TypeError', `_${kind.split('_').map((w) => w[0]!.toUpperCase() + w.slice(1)).join('')}Action.__init__() got an unexpected keyword argument 'nargs'`);
    let nargs: Nargs = takesNone ? 0 : nargsValue ?? null;
    if (!takesNone && nargs === 0) {
      throw pyError('ValueError', kind === 'store'
        ? 'nargs for store actions must be != 0; if you have nothing to store, actions such as store true or store const may be more appropriate'
        : 'nargs for append actions must be != 0; if arg strings are not supplying the value to append, the append const action may be more appropriate');
    }
    if (!takesNone && constGiven !== undefined && nargs !== '?') throw pyError('ValueError', "nargs must be '?' to supply const");
    if (positional && nargs === 0) nargs = 0;
    let constValue: PyValue = constGiven ?? null;
    if (kind === 'store_true') {
      constValue = true;
      defaultValue ??= false;
    } else if (kind === 'store_false') {
      constValue = false;
      defaultValue ??= true;
    } else if (kind === 'help' || kind === 'version') {
      defaultValue ??= SUPPRESS;
      dest = destGiven === undefined ? SUPPRESS : dest;
    }
    const action = new Action(
      kind, optionStrings, dest, nargs, constValue, defaultValue ?? null, typeGiven, choices, required,
      help, metavar, kind === 'version' ? version : null,
    );
    if (typeGiven !== null && !isCallable(typeGiven, ctx)) throw pyError('ValueError', `${ctx.repr(typeGiven)} is not callable`);
    if (action.isPositional && typeof metavar !== 'string' && metavar !== null && !takesNone) {
      throw pyError('ValueError', 'length of metavar tuple does not match nargs');
    }
    this.addAction(action, group, ctx);
    return action;
  }

  private addAction(action: Action, group: ArgumentGroup | null, _ctx: HostContext): void {
    const clashes = action.optionStrings.filter((o) => this.optionActions.has(o));
    if (clashes.length) {
      throw argumentError(_ctx, action, `conflicting option string${clashes.length > 1 ? 's' : ''}: ${clashes.join(', ')}`);
    }
    this.actions.push(action);
    for (const o of action.optionStrings) this.optionActions.set(o, action);
    let listed = group;
    if (group?.exclusive) {
      group.actions.push(action);
      listed = (group as { parentGroup?: ArgumentGroup | null }).parentGroup ?? null;
    }
    (listed ?? (action.isPositional ? this.positionals : this.optionals)).actions.push(action);
  }

  private helpSource(): HelpSource {
    const sections: HelpSection[] = this.groups.map((g) => ({ title: g.title, description: g.description, actions: g.actions }));
    const exclusive: ExclusiveGroup[] = this.exclusive.map((g) => ({ required: g.exclusive!.required, actions: g.actions }));
    return { prog: this.prog, usage: this.usage, description: this.description, epilog: this.epilog, formatter: this.formatter, actions: this.actions, sections, exclusive };
  }

  formatUsage(ctx: HostContext): string {
    return formatUsage(this.helpSource(), ctx).replace(/\n+$/, '\n');
  }

  formatHelp(ctx: HostContext): string {
    return formatHelp(this.helpSource(), ctx);
  }

  /** `exit(status, message)`: the message to stderr, then SystemExit(status). */
  exitWith(status: PyValue, message: string | null, ctx: HostContext): never {
    if (message) writeStderr(ctx, message);
    throw new PyError(new ExceptionObject(SystemExit, [status]));
  }

  /** `error(message)`: the usage and `prog: error: message` on stderr, then SystemExit(2). */
  error(message: string, ctx: HostContext): never {
    writeStderr(ctx, this.formatUsage(ctx));
    this.exitWith(2n, `${this.prog}: error: ${message}\n`, ctx);
  }

  /** `parse_known_args(args, namespace)`: the namespace and the strings no argument took. */
  parseKnown(argsGiven: PyValue | undefined, namespaceGiven: PyValue | undefined, ctx: HostContext): [PyValue, string[]] {
    const strings = (argsGiven === undefined ? scriptArgv(ctx).slice(1) : [...iterate(argsGiven, ctx)]).map((s) => {
      if (typeof s !== 'string') throw pyError('TypeError', `'${typeName(s)}' object is not subscriptable`);
      return s;
    });
    const namespace = namespaceGiven ?? ctx.call(argparseTypes(ctx).namespace, []);
    for (const action of this.actions) {
      if (action.dest !== SUPPRESS && getattrOrUndefined(namespace, action.dest, ctx) === undefined && action.default_ !== SUPPRESS) {
        setattr(namespace, action.dest, action.default_, ctx);
      }
    }
    for (const [dest, v] of this.defaults) if (getattrOrUndefined(namespace, dest, ctx) === undefined) setattr(namespace, dest, v, ctx);
    try {
      return [namespace, new Parse(this, strings, namespace, ctx).run()];
    } catch (e) {
      if (this.exitOnError && e instanceof PyError && e.exc.type === argparseTypes(ctx).argumentError) this.error(ctx.str(e.exc), ctx);
      throw e;
    }
  }

  override getattr(name: string, ctx: HostContext): PyValue | undefined {
    const method = (f: (args: PyValue[], kwargs: Kwargs) => PyValue) => new PyBuiltin(name, (args, kwargs) => f(args, kwargs), this);
    switch (name) {
      case 'add_argument':
        return method((args, kwargs) => this.addArgument(args, kwargs, ctx, null));
      case 'add_argument_group':
        return method((args, kwargs) => {
          const a = bindArgs('add_argument_group', ['title?', 'description?'], args, kwargs, ctx);
          const title = a.opt('title');
          const description = a.opt('description');
          const group = new ArgumentGroup(this, title === undefined ? null : ctx.str(title), description === undefined ? null : ctx.str(description), null);
          this.groups.push(group);
          return group;
        });
      case 'add_mutually_exclusive_group':
        return method((args, kwargs) => this.exclusiveGroup(args, kwargs, ctx, null));
      case 'add_subparsers':
        return method(() => {
          throw new HaltError('unsupported', 'argparse: add_subparsers is not supported by Gradlens; choose the command with a positional argument and choices=[...]');
        });
      case 'set_defaults':
        return method((args, kwargs) => {
          if (args.length) throw pyError('TypeError', `set_defaults() takes 1 positional argument but ${args.length + 1} were given`);
          for (const [k, v] of kwargs) {
            this.defaults.set(k, v);
            for (const action of this.actions) if (action.dest === k) action.default_ = v;
          }
          return null;
        });
      case 'get_default':
        return method((args, kwargs) => {
          const dest = bindArgs('get_default', ['dest'], args, kwargs, ctx).required('dest');
          const action = this.actions.find((act) => act.dest === dest && act.default_ !== null);
          if (action) return action.default_;
          return typeof dest === 'string' ? this.defaults.get(dest) ?? null : null;
        });
      case 'parse_args':
      case 'parse_known_args':
        return method((args, kwargs) => {
          const a = bindArgs(name, ['args?', 'namespace?'], args, kwargs, ctx);
          const [namespace, extras] = this.parseKnown(a.opt('args'), a.opt('namespace'), ctx);
          if (name === 'parse_known_args') return new PyTuple([namespace, new PyList(extras)]);
          if (extras.length) this.error(`unrecognized arguments: ${extras.join(' ')}`, ctx);
          return namespace;
        });
      case 'format_help':
        return method(() => this.formatHelp(ctx));
      case 'format_usage':
        return method(() => this.formatUsage(ctx));
      case 'print_help':
      case 'print_usage':
        return method((args, kwargs) => {
          const file = bindArgs(name, ['file?'], args, kwargs, ctx).opt('file');
          const text = name === 'print_help' ? this.formatHelp(ctx) : this.formatUsage(ctx);
          if (file === undefined) writeStdout(ctx, text);
          else ctx.call(ctx.getattr(file, 'write'), [text]);
          return null;
        });
      case 'error':
        return method((args, kwargs) => this.error(ctx.str(bindArgs('error', ['message'], args, kwargs, ctx).required('message')), ctx));
      case 'exit':
        return method((args, kwargs) => {
          const a = bindArgs('exit', ['status?', 'message?'], args, kwargs, ctx);
          const message = a.opt('message');
          this.exitWith(a.get('status') ?? 0n, message === undefined ? null : ctx.str(message), ctx);
        });
      case 'prog':
        return this.prog;
      case 'usage':
        return this.usage;
      case 'description':
        return this.description;
      case 'epilog':
        return this.epilog;
      default:
        return undefined;
    }
  }

  override setattr(name: string, value: PyValue, ctx: HostContext): void {
    const text = value === null ? null : ctx.str(value);
    if (name === 'prog' && text !== null) this.prog = text;
    else if (name === 'usage') this.usage = text;
    else if (name === 'description') this.description = text;
    else if (name === 'epilog') this.epilog = text;
    else super.setattr(name, value, ctx);
  }

  override repr(ctx: HostContext): string {
    const fields: [string, PyValue][] = [
      ['prog', this.prog], ['usage', this.usage], ['description', this.description], ['formatter_class', `<class 'argparse.${this.formatter}'>`],
      ['conflict_handler', 'error'], ['add_help', this.optionActions.has('-h')],
    ];
    return `ArgumentParser(${fields.map(([k, v]) => `${k}=${k === 'formatter_class' ? v : ctx.repr(v)}`).join(', ')})`;
  }
}

/** os.path.basename. */
function baseName(path: string): string {
  return path.slice(path.lastIndexOf('/') + 1);
}

/** `sys.argv` as the script left it (a script may set it before parse_args()). */
function scriptArgv(ctx: HostContext): PyValue[] {
  const argv = ctx.getattr(sysModuleOf(ctx), 'argv');
  return [...iterate(argv, ctx)];
}

/** One `_parse_known_args`: options and positionals consumed in turn over the strings' O/A pattern. */
class Parse {
  private readonly found = new Map<number, [Action | null, string, string | null]>();
  private readonly pattern: string;
  private readonly seen = new Set<Action>();
  private readonly seenNonDefault = new Set<Action>();
  private readonly extras: string[] = [];
  private positionals: Action[];
  private readonly conflicts = new Map<Action, Action[]>();

  constructor(
    private readonly parser: ArgumentParser,
    private readonly strings: string[],
    private readonly namespace: PyValue,
    private readonly ctx: HostContext,
  ) {
    const parts: string[] = [];
    let afterDashes = false;
    strings.forEach((s, i) => {
      if (afterDashes) parts.push('A');
      else if (s === '--') {
        parts.push('-');
        afterDashes = true;
      } else {
        const option = this.parseOptional(s);
        if (option === null) parts.push('A');
        else {
          this.found.set(i, option);
          parts.push('O');
        }
      }
    });
    this.pattern = parts.join('');
    this.positionals = parser.actions.filter((a) => a.isPositional);
    for (const group of parser.exclusive) {
      group.actions.forEach((action, i) => {
        const list = this.conflicts.get(action) ?? [];
        list.push(...group.actions.slice(0, i), ...group.actions.slice(i + 1));
        this.conflicts.set(action, list);
      });
    }
  }

  /** `_parse_optional`: the action an option string names, with a value given in it (`--lr=0.1`, `-b32`). */
  private parseOptional(s: string): [Action | null, string, string | null] | null {
    if (!s || s[0] !== '-') return null;
    const options = this.parser.optionActions;
    if (options.has(s)) return [options.get(s)!, s, null];
    if (s.length === 1) return null;
    const eq = s.indexOf('=');
    if (eq >= 0 && options.has(s.slice(0, eq))) return [options.get(s.slice(0, eq))!, s.slice(0, eq), s.slice(eq + 1)];
    const tuples = this.optionTuples(s);
    if (tuples.length > 1) this.parser.error(`ambiguous option: ${s} could match ${tuples.map((t) => t[1]).join(', ')}`, this.ctx);
    if (tuples.length === 1) return tuples[0]!;
    if (NEGATIVE_NUMBER.test(s) && ![...options.keys()].some((o) => NEGATIVE_NUMBER.test(o))) return null;
    if (s.includes(' ')) return null;
    return [null, s, null];
  }

  /** `_get_option_tuples`: the options a prefix may abbreviate, or a short option with its value attached. */
  private optionTuples(s: string): [Action, string, string | null][] {
    const out: [Action, string, string | null][] = [];
    const options = this.parser.optionActions;
    if (s[1] === '-') {
      if (!this.parser.allowAbbrev) return out;
      const eq = s.indexOf('=');
      const prefix = eq >= 0 ? s.slice(0, eq) : s;
      const explicit = eq >= 0 ? s.slice(eq + 1) : null;
      for (const [o, action] of options) if (o.startsWith(prefix)) out.push([action, o, explicit]);
    } else {
      const short = s.slice(0, 2);
      for (const [o, action] of options) {
        if (o === short) out.push([action, o, s.slice(2)]);
        else if (o.startsWith(s)) out.push([action, o, null]);
      }
    }
    return out;
  }

  /** `_match_argument`: how many strings from here an option's nargs takes, or its error. */
  private matchArgument(action: Action, pattern: string): number {
    const m = new RegExp(`^${nargsPattern(action)}`).exec(pattern);
    if (m === null) {
      const { nargs } = action;
      const message = nargs === null ? 'expected one argument'
        : nargs === '?' ? 'expected at most one argument'
        : nargs === '+' ? 'expected at least one argument'
        : `expected ${nargs} argument${nargs === 1 ? '' : 's'}`;
      throw argumentError(this.ctx, action, message);
    }
    return m[1]!.length;
  }

  /** `_match_arguments_partial`: as many positionals as match from here, each with its count. */
  private matchPartial(actions: readonly Action[], pattern: string): number[] {
    for (let i = actions.length; i > 0; i--) {
      const m = new RegExp(`^${actions.slice(0, i).map(nargsPattern).join('')}`).exec(pattern);
      if (m) return m.slice(1).map((g) => g.length);
    }
    return [];
  }

  /** `type(string)`, with argparse's message when it raises TypeError, ValueError or ArgumentTypeError. */
  private value(action: Action, s: string): PyValue {
    if (action.type === null) return s;
    try {
      return this.ctx.call(action.type, [s]);
    } catch (e) {
      if (!(e instanceof PyError)) throw e;
      if (e.exc.type.isSubtypeOf(argparseTypes(this.ctx).argumentTypeError)) throw argumentError(this.ctx, action, this.ctx.str(e.exc));
      if (e.exc.type.name === 'TypeError' || e.exc.type.name === 'ValueError') {
        const name = getattrOrUndefined(action.type, '__name__', this.ctx);
        throw argumentError(this.ctx, action, `invalid ${typeof name === 'string' ? name : this.ctx.repr(action.type)} value: ${this.ctx.repr(s)}`);
      }
      throw e;
    }
  }

  private check(action: Action, v: PyValue): void {
    if (action.choices === null || contains(action.choices, v, this.ctx)) return;
    const choices = [...iterate(action.choices, this.ctx)].map((c) => this.ctx.repr(c)).join(', ');
    throw argumentError(this.ctx, action, `invalid choice: ${this.ctx.repr(v)} (choose from ${choices})`);
  }

  /** `_get_values`: the strings an action took, converted and checked. */
  private values(action: Action, given: string[]): PyValue {
    const strings = [...given];
    const dashes = strings.indexOf('--');
    if (dashes >= 0) strings.splice(dashes, 1);
    if (!strings.length && action.nargs === '?') {
      let v = action.isPositional ? action.default_ : action.constValue;
      if (typeof v === 'string') {
        v = this.value(action, v);
        this.check(action, v);
      }
      return v;
    }
    if (!strings.length && action.nargs === '*' && action.isPositional) {
      const v = action.default_ !== null ? action.default_ : new PyList([]);
      this.check(action, v);
      return v;
    }
    if (strings.length === 1 && (action.nargs === null || action.nargs === '?')) {
      const v = this.value(action, strings[0]!);
      this.check(action, v);
      return v;
    }
    if (action.nargs === 0) return new PyList([]);
    const vs = strings.map((s) => this.value(action, s));
    for (const v of vs) this.check(action, v);
    return new PyList(vs);
  }

  private take(action: Action, strings: string[], optionString: string | null): void {
    this.seen.add(action);
    const values = this.values(action, strings);
    if (values !== action.default_) {
      this.seenNonDefault.add(action);
      for (const other of this.conflicts.get(action) ?? []) {
        if (this.seenNonDefault.has(other)) throw argumentError(this.ctx, action, `not allowed with argument ${other.name}`);
      }
    }
    this.apply(action, values, optionString);
  }

  /** What each action does with its values (the `__call__` of CPython's Action classes). */
  private apply(action: Action, values: PyValue, optionString: string | null): void {
    const { ctx, namespace } = this;
    const current = () => getattrOrUndefined(namespace, action.dest, ctx) ?? null;
    const copied = (v: PyValue): PyList => {
      if (v === null) return new PyList([]);
      if (v instanceof PyList) return new PyList([...v.items]);
      throw new HaltError('unsupported', `argparse: the default of '${action.dest}' is a ${typeName(v)}; Gradlens's append actions start from None or a list`);
    };
    switch (action.kind) {
      case 'store':
        return setattr(namespace, action.dest, values, ctx);
      case 'store_const':
      case 'store_true':
      case 'store_false':
        return setattr(namespace, action.dest, action.constValue, ctx);
      case 'append':
      case 'append_const': {
        const items = copied(current());
        items.items.push(action.kind === 'append' ? values : action.constValue);
        return setattr(namespace, action.dest, items, ctx);
      }
      case 'extend': {
        const items = copied(current());
        items.items.push(...iterate(values, ctx));
        return setattr(namespace, action.dest, items, ctx);
      }
      case 'boolean_optional':
        return setattr(namespace, action.dest, !(optionString ?? '').startsWith('--no-'), ctx);
      case 'count': {
        const count = current();
        return setattr(namespace, action.dest, (typeof count === 'bigint' ? count : 0n) + 1n, ctx);
      }
      case 'help':
        writeStdout(ctx, this.parser.formatHelp(ctx));
        return this.parser.exitWith(0n, null, ctx);
      case 'version': {
        const text = action.version === null ? '' : ctx.str(action.version).replaceAll('%(prog)s', this.parser.prog);
        writeStdout(ctx, `${text.replace(/\s+/g, ' ').trim()}\n`);
        return this.parser.exitWith(0n, null, ctx);
      }
    }
  }

  /** `consume_optional`: an option and the strings it takes, short flags run together (`-vv`) taken one by one. */
  private consumeOptional(start: number): number {
    let [action, optionString, explicit] = this.found.get(start)!;
    const taken: [Action, string[], string][] = [];
    let stop = start + 1;
    for (;;) {
      if (action === null) {
        this.extras.push(this.strings[start]!);
        return start + 1;
      }
      if (explicit !== null) {
        const count = this.matchArgument(action, 'A');
        if (count === 0 && optionString[1] !== '-' && explicit !== '') {
          taken.push([action, [], optionString]);
          optionString = `-${explicit[0]}`;
          const next = this.parser.optionActions.get(optionString);
          if (next === undefined) throw argumentError(this.ctx, action, `ignored explicit argument ${this.ctx.repr(explicit)}`);
          action = next;
          explicit = explicit.slice(1) || null;
        } else if (count === 1) {
          stop = start + 1;
          taken.push([action, [explicit], optionString]);
          break;
        } else throw argumentError(this.ctx, action, `ignored explicit argument ${this.ctx.repr(explicit)}`);
      } else {
        const from = start + 1;
        const count = this.matchArgument(action, this.pattern.slice(from));
        stop = from + count;
        taken.push([action, this.strings.slice(from, stop), optionString]);
        break;
      }
    }
    for (const [a, strings, o] of taken) this.take(a, strings, o);
    return stop;
  }

  /** `consume_positionals`: as many positionals as the strings from here fill. */
  private consumePositionals(start: number): number {
    const counts = this.matchPartial(this.positionals, this.pattern.slice(start));
    let at = start;
    counts.forEach((count, i) => {
      this.take(this.positionals[i]!, this.strings.slice(at, at + count), null);
      at += count;
    });
    this.positionals = this.positionals.slice(counts.length);
    return at;
  }

  run(): string[] {
    const optionIndices = [...this.found.keys()].sort((a, b) => a - b);
    const lastOption = optionIndices.length ? optionIndices[optionIndices.length - 1]! : -1;
    let start = 0;
    while (start <= lastOption) {
      const next = optionIndices.find((i) => i >= start)!;
      if (start !== next) {
        const end = this.consumePositionals(start);
        if (end > start) {
          start = end;
          continue;
        }
        start = end;
      }
      if (!this.found.has(start)) {
        this.extras.push(...this.strings.slice(start, next));
        start = next;
      }
      start = this.consumeOptional(start);
    }
    const stop = this.consumePositionals(start);
    this.extras.push(...this.strings.slice(stop));
    const missing: string[] = [];
    for (const action of this.parser.actions) {
      if (this.seen.has(action)) continue;
      if (action.required) missing.push(action.name ?? '');
      else if (typeof action.default_ === 'string' && getattrOrUndefined(this.namespace, action.dest, this.ctx) === action.default_) {
        setattr(this.namespace, action.dest, this.value(action, action.default_), this.ctx);
      }
    }
    if (missing.length) this.parser.error(`the following arguments are required: ${missing.join(', ')}`, this.ctx);
    for (const group of this.parser.exclusive) {
      if (!group.exclusive!.required || group.actions.some((a) => this.seenNonDefault.has(a))) continue;
      const names = group.actions.filter((a) => !a.helpSuppressed).map((a) => a.name);
      this.parser.error(`one of the arguments ${names.join(' ')} is required`, this.ctx);
    }
    return this.extras;
  }
}

export const argparseModule: ModuleShim = {
  exports: [
    'ArgumentParser', 'BooleanOptionalAction', 'Namespace', 'ArgumentError', 'ArgumentTypeError', 'SUPPRESS', 'OPTIONAL', 'ZERO_OR_MORE', 'ONE_OR_MORE',
    ...FORMATTERS,
  ],
  create(ctx) {
    const types = argparseTypes(ctx);
    const attrs = new Map<string, PyValue>([
      ['ArgumentParser', ArgumentParser.type],
      ['Namespace', types.namespace],
      ['BooleanOptionalAction', BOOLEAN_OPTIONAL_ACTION],
      ['ArgumentError', types.argumentError],
      ['ArgumentTypeError', types.argumentTypeError],
      ['SUPPRESS', SUPPRESS],
      ['OPTIONAL', '?'],
      ['ZERO_OR_MORE', '*'],
      ['ONE_OR_MORE', '+'],
    ]);
    for (const [cls, name] of types.formatters) attrs.set(name, cls);
    return new PyModule('argparse', attrs, true);
  },
};

