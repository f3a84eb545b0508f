/**
 * One argument of an argparse parser, as `add_argument` makes it (CPython 3.11's Action classes,
 * by their `action=` names): its option strings or none (a positional), where it stores, how many
 * strings it takes, and what it stores. The script sees it as the value add_argument returns.
 */
import { HostObject, hostType, type HostContext, PyList, pyError, type PyType, type PyValue, typeName } from '../interpreter';

/** argparse.SUPPRESS: a default, help or dest that is left out. */
export const SUPPRESS = '==SUPPRESS==';

export type ActionKind = 'store' | 'store_const' | 'store_true' | 'store_false' | 'append' | 'append_const' | 'extend' | 'count' | 'help' | 'version' | 'boolean_optional';

/** `argparse.BooleanOptionalAction`, the one Action class a script may name (`action=argparse.BooleanOptionalAction`): `--flag`/`--no-flag`. */
export const BOOLEAN_OPTIONAL_ACTION: PyType = hostType('BooleanOptionalAction', 'argparse');

/** The actions named by string (`action='store_true'`). */
export const ACTION_KINDS: readonly ActionKind[] = ['store', 'store_const', 'store_true', 'store_false', 'append', 'append_const', 'extend', 'count', 'help', 'version'];

/** `nargs`: null one string, '?' zero or one, '*' any, '+' at least one, a count; 0 for the actions that take none. */
export type Nargs = null | '?' | '*' | '+' | number;

/** CPython's class name of each action, for the repr and its messages. */
const CLASS_NAMES: Readonly<Record<ActionKind, string>> = {
  store: '_StoreAction',
  store_const: '_StoreConstAction',
  store_true: '_StoreTrueAction',
  store_false: '_StoreFalseAction',
  append: '_AppendAction',
  append_const: '_AppendConstAction',
  extend: '_ExtendAction',
  count: '_CountAction',
  help: '_HelpAction',
  version: '_VersionAction',
  boolean_optional: 'BooleanOptionalAction',
};

const actionType: PyType = hostType('Action', 'argparse');

/** The attributes a script may set on an action after add_argument (`parser.add_argument(...).default = 3` is rare, help is not). */
const WRITABLE = new Set(['default', 'help', 'metavar', 'required', 'choices', 'const', 'type']);

export class Action extends HostObject {
  constructor(
    readonly kind: ActionKind,
    readonly optionStrings: readonly string[],
    readonly dest: string,
    readonly nargs: Nargs,
    public constValue: PyValue,
    public default_: PyValue,
    public type: PyValue,
    public choices: PyValue,
    public required: boolean,
    public help: PyValue,
    public metavar: PyValue,
    readonly version: PyValue,
  ) {
    super();
  }

  get pyType(): PyType {
    return actionType;
  }

  get isPositional(): boolean {
    return this.optionStrings.length === 0;
  }

  get helpSuppressed(): boolean {
    return this.help === SUPPRESS;
  }

  /** `_get_action_name`: how errors name it (`--lr`, `-b/--batch-size`, a positional's metavar or dest). */
  get name(): string | null {
    if (this.optionStrings.length) return this.optionStrings.join('/');
    if (this.metavar !== null && this.metavar !== SUPPRESS && typeof this.metavar === 'string') return this.metavar;
    if (this.dest !== SUPPRESS) return this.dest;
    return null;
  }

  /** What `vars(action)` holds, in CPython's order: what `%(name)s` in a help string reads. */
  fields(): [string, PyValue][] {
    return [
      ['option_strings', new PyList([...this.optionStrings])],
      ['dest', this.dest],
      ['nargs', typeof this.nargs === 'number' ? BigInt(this.nargs) : this.nargs],
      ['const', this.constValue],
      ['default', this.default_],
      ['type', this.type],
      ['choices', this.choices],
      ['required', this.required],
      ['help', this.help],
      ['metavar', this.metavar],
    ];
  }

  override getattr(name: string): PyValue | undefined {
    const field = this.fields().find(([k]) => k === name);
    if (field) return field[1];
    if (name === 'version' && this.kind === 'version') return this.version;
    return undefined;
  }

  override setattr(name: string, value: PyValue): void {
    if (!WRITABLE.has(name)) throw pyError('AttributeError', `Gradlens's argparse action does not let '${name}' be set; pass it to add_argument`);
    if (name === 'default') this.default_ = value;
    else if (name === 'help') this.help = value;
    else if (name === 'metavar') this.metavar = value;
    else if (name === 'required') this.required = value === true;
    else if (name === 'choices') this.choices = value;
    else if (name === 'const') this.constValue = value;
    else this.type = value;
  }

  override repr(ctx: HostContext): string {
    const shown = this.fields().filter(([k]) => k !== 'const' || this.kind !== 'help');
    return `${CLASS_NAMES[this.kind]}(${shown.map(([k, v]) => `${k}=${ctx.repr(v)}`).join(', ')})`;
  }
}

/** How an action's strings are counted in a message: `expected 2 arguments`. */
export function nargsOf(v: PyValue): Nargs {
  if (v === null || v === '?' || v === '*' || v === '+') return v;
  if (typeof v === 'bigint') return Number(v);
  if (typeof v === 'string') {
    throw pyError('ValueError', v === '...' || v === 'A...'
      ? `nargs=${v === '...' ? 'argparse.REMAINDER' : 'argparse.PARSER'} is not supported by Gradlens's argparse; take the strings with nargs='*'`
      : 'invalid nargs value');
  }
  throw pyError('ValueError', `invalid nargs value: nargs must be None, '?', '*', '+' or an int, not ${typeName(v)}`);
}
