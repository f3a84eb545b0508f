/**
 * `pprint` as CPython 3.11's `Lib/pprint.py` lays out dicts, lists, tuples, sets and frozensets:
 * one line when the repr fits the width, else one item a line, indented under the opening bracket
 * (`indent`, `width`, `depth`, `compact`, `sort_dicts`, `underscore_numbers`). Other values print
 * as their repr; where CPython would break one over lines (a long str, a defaultdict, a
 * dataclass) Gradlens refuses at the call rather than print another layout.
 */
import {
  bindArgs,
  compares,
  HaltError,
  type HostContext,
  HostObject,
  hostType,
  type Kwargs,
  nameTable,
  PyBuiltin,
  PyDict,
  pyError,
  PyError,
  pyFunction,
  PyList,
  PyModule,
  PySet,
  PyTuple,
  type PyType,
  type PyValue,
  toIndex,
  truthy,
  typeOf,
  writeStdout,
  type ModuleShim,
} from '../interpreter';

interface Settings {
  readonly indent: number;
  readonly width: number;
  readonly depth: number | null;
  readonly compact: boolean;
  readonly sortDicts: boolean;
  readonly underscoreNumbers: boolean;
}

const SETTING_PARAMS = ['indent?', 'width?', 'depth?', '*', 'compact?', 'sort_dicts?', 'underscore_numbers?'];

function settings(a: ReturnType<typeof bindArgs>, ctx: HostContext, sortDicts = true): Settings {
  const indent = Number(toIndex(a.opt('indent') ?? 1n, ctx));
  const width = Number(toIndex(a.opt('width') ?? 80n, ctx));
  const depthArg = a.opt('depth') ?? null;
  const depth = depthArg === null ? null : Number(toIndex(depthArg, ctx));
  if (indent < 0) throw pyError('ValueError', 'indent must be >= 0');
  if (depth !== null && depth <= 0) throw pyError('ValueError', 'depth must be > 0');
  if (width <= 0) throw pyError('ValueError', 'width must be != 0');
  const flag = (name: string, dflt: boolean) => (a.opt(name) === undefined ? dflt : truthy(a.opt(name)!, ctx));
  return { indent, width, depth, compact: flag('compact', false), sortDicts: flag('sort_dicts', sortDicts), underscoreNumbers: flag('underscore_numbers', false) };
}

const isExact = (v: PyValue, cls: typeof PyDict | typeof PyList | typeof PyTuple): boolean => v instanceof cls && v.subclass === null;

/** pprint's _safe_key ordering: Python's `<` where the two compare, else by type name (as `(str(type(x)), id(x))`). */
function safeSort<T>(items: T[], key: (t: T) => PyValue, ctx: HostContext): T[] {
  return items.sort((x, y) => {
    const a = key(x);
    const b = key(y);
    try {
      return compares('<', a, b, ctx) ? -1 : compares('<', b, a, ctx) ? 1 : 0;
    } catch (e) {
      if (!(e instanceof PyError) || e.exc.type.name !== 'TypeError') throw e;
      const ta = `<class '${typeOf(a).qualifiedName}'>`;
      const tb = `<class '${typeOf(b).qualifiedName}'>`;
      return ta < tb ? -1 : ta > tb ? 1 : 0;
    }
  });
}

function dictItems(d: PyDict, s: Settings, ctx: HostContext): [PyValue, PyValue][] {
  const items = [...d.entries()];
  return s.sortDicts ? safeSort(items, ([k]) => k, ctx) : items;
}

class Printer {
  private out = '';
  /** The containers being printed, outermost first: a container inside itself is refused. */
  private readonly active = new Set<PyValue>();

  constructor(
    private readonly s: Settings,
    private readonly ctx: HostContext,
  ) {}

  format(v: PyValue): string {
    this.out = '';
    this.layout(v, 0, 0, 0);
    return this.out;
  }

  /** pprint's _safe_repr: the one-line form, with dicts sorted and `...` past `depth`. */
  repr(v: PyValue, level: number): string {
    const { s, ctx } = this;
    const deeper = s.depth !== null && level >= s.depth;
    if (isExact(v, PyDict)) {
      const d = v as PyDict;
      if (d.size === 0) return '{}';
      if (deeper) return '{...}';
      this.enter(v);
      const body = dictItems(d, s, ctx).map(([k, x]) => `${this.repr(k, level + 1)}: ${this.repr(x, level + 1)}`);
      this.active.delete(v);
      return `{${body.join(', ')}}`;
    }
    if (isExact(v, PyList) || isExact(v, PyTuple)) {
      const items = (v as PyList | PyTuple).items;
      const [open, close] = v instanceof PyList ? ['[', ']'] : ['(', items.length === 1 ? ',)' : ')'];
      if (items.length === 0) return open + (v instanceof PyList ? ']' : ')');
      if (deeper) return `${open}...${v instanceof PyList ? ']' : ')'}`;
      this.enter(v);
      const body = items.map((x) => this.repr(x, level + 1));
      this.active.delete(v);
      return open + body.join(', ') + close;
    }
    if (v instanceof PyDict && v.subclass?.userDefined && v.subclass.lookup('__repr__') === undefined) {
      throw new HaltError('unsupported', `pprint of a ${v.subclass.name} (a dict subclass with dict's repr, which pprint sorts) is not supported by Gradlens: pprint dict(x)`);
    }
    if (typeof v === 'bigint' && s.underscoreNumbers) return v.toString().replace(/\B(?=(\d{3})+(?!\d))/g, '_');
    return ctx.repr(v);
  }

  private enter(v: PyValue): void {
    if (this.active.has(v)) throw new HaltError('unsupported', 'pprint of a container that holds itself is not supported by Gradlens: print its repr() instead');
    this.active.add(v);
  }

  private write(text: string): void {
    this.ctx.tick(1 + text.length / 64);
    this.out += text;
  }

  /** pprint's _format: the repr where it fits in what is left of the line, else the container over lines. */
  private layout(v: PyValue, indent: number, allowance: number, level: number): void {
    const rep = this.repr(v, level);
    if (rep.length <= this.s.width - indent - allowance) return this.write(rep);
    if (isExact(v, PyDict)) return this.dict(v as PyDict, indent, allowance, level + 1);
    if (isExact(v, PyList)) return this.sequence(v, '[', ']', (v as PyList).items, indent, allowance, level + 1);
    if (isExact(v, PyTuple)) {
      const items = (v as PyTuple).items;
      return this.sequence(v, '(', items.length === 1 ? ',)' : ')', items, indent, allowance, level + 1);
    }
    if (v instanceof PySet && v.size > 0) {
      const sorted = safeSort([...v.map.values()], (x) => x, this.ctx);
      if (v.frozen) return this.sequence(v, 'frozenset({', '})', sorted, indent + 'frozenset'.length + 1, allowance, level + 1);
      return this.sequence(v, '{', '}', sorted, indent, allowance, level + 1);
    }
    if (breaksOverLines(v)) {
      throw new HaltError('unsupported', `pprint would break this ${typeOf(v).name} over lines, a layout Gradlens does not reproduce: give pprint a larger width=, or print it with print()`);
    }
    this.write(rep);
  }

  private dict(d: PyDict, indent: number, allowance: number, level: number): void {
    const per = this.s.indent;
    this.write('{' + ' '.repeat(Math.max(per - 1, 0)));
    this.enter(d);
    const items = dictItems(d, this.s, this.ctx);
    const inner = indent + per;
    items.forEach(([k, x], i) => {
      const last = i === items.length - 1;
      const rep = this.repr(k, level);
      this.write(`${rep}: `);
      this.layout(x, inner + rep.length + 2, last ? allowance + 1 : 1, level);
      if (!last) this.write(',\n' + ' '.repeat(inner));
    });
    this.active.delete(d);
    this.write('}');
  }

  /** pprint's _format_items: `container`'s items between `open` and `close`. */
  private sequence(container: PyValue, open: string, close: string, items: readonly PyValue[], indent: number, allowance: number, level: number): void {
    const per = this.s.indent;
    this.write(open);
    this.enter(container);
    const inner = indent + per;
    allowance += close.length;
    if (per > 1) this.write(' '.repeat(per - 1));
    const delimnl = ',\n' + ' '.repeat(inner);
    let delim = '';
    let width = this.s.width - inner + 1;
    let maxWidth = width;
    items.forEach((x, i) => {
      const last = i === items.length - 1;
      if (last) {
        maxWidth -= allowance;
        width -= allowance;
      }
      if (this.s.compact) {
        const rep = this.repr(x, level);
        const w = rep.length + 2;
        if (width < w) {
          width = maxWidth;
          if (delim) delim = delimnl;
        }
        if (width >= w) {
          width -= w;
          this.write(delim);
          delim = ', ';
          this.write(rep);
          return;
        }
      }
      this.write(delim);
      delim = delimnl;
      this.layout(x, inner, last ? allowance : 1, level);
    });
    this.active.delete(container);
    this.write(close);
  }
}

/**
 * What CPython's pprint breaks over lines by rules Gradlens does not reproduce, when its repr is
 * too wide: a str or bytes with places to break, the collections types (OrderedDict, defaultdict,
 * Counter, deque, ...), dict/list/tuple subclasses, dataclass instances.
 */
function breaksOverLines(v: PyValue): boolean {
  if (typeof v === 'string') return /\s/.test(v);
  const t = typeOf(v);
  if (t.name === 'bytes' || t.name === 'bytearray' || t.module === 'collections') return true;
  if (v instanceof PyDict || v instanceof PyList || v instanceof PyTuple) return true;
  return t.lookup('__dataclass_fields__') !== undefined;
}

const pformat = (v: PyValue, s: Settings, ctx: HostContext): string => new Printer(s, ctx).format(v);

/** Writes `text` and a newline to `stream`, or where print writes when it is None. */
function emit(text: string, stream: PyValue, ctx: HostContext): null {
  if (stream === null) writeStdout(ctx, text + '\n');
  else ctx.call(ctx.getattr(stream, 'write'), [text + '\n']);
  return null;
}

/** `PrettyPrinter(indent=1, width=80, depth=None, stream=None, *, compact, sort_dicts, underscore_numbers)`. */
class PrettyPrinter extends HostObject {
  static readonly type: PyType = hostType('PrettyPrinter', 'pprint', (args, kwargs, ctx) => {
    const a = bindArgs('PrettyPrinter', ['indent?', 'width?', 'depth?', 'stream?', '*', 'compact?', 'sort_dicts?', 'underscore_numbers?'], args, kwargs, ctx);
    return new PrettyPrinter(settings(a, ctx), a.opt('stream') ?? null);
  });

  constructor(
    private readonly s: Settings,
    private readonly stream: PyValue,
  ) {
    super();
  }

  get pyType(): PyType {
    return PrettyPrinter.type;
  }

  override getattr(name: string, ctx: HostContext): PyValue | undefined {
    const method = (f: (v: PyValue) => PyValue) => new PyBuiltin(name, (args, kwargs) => f(bindArgs(name, ['object'], args, kwargs, ctx).required('object')), this);
    switch (name) {
      case 'pformat':
        return method((v) => pformat(v, this.s, ctx));
      case 'pprint':
        return method((v) => emit(pformat(v, this.s, ctx), this.stream, ctx));
      default:
        return undefined;
    }
  }
}

const FUNCTIONS = nameTable<PyValue>({
  pformat: pyFunction('pformat', (args: PyValue[], kwargs: Kwargs, ctx: HostContext) => {
    const a = bindArgs('pformat', ['object', ...SETTING_PARAMS], args, kwargs, ctx);
    return pformat(a.required('object'), settings(a, ctx), ctx);
  }),
  pprint: pyFunction('pprint', (args, kwargs, ctx) => {
    const a = bindArgs('pprint', ['object', 'stream?', ...SETTING_PARAMS], args, kwargs, ctx);
    return emit(pformat(a.required('object'), settings(a, ctx), ctx), a.opt('stream') ?? null, ctx);
  }),
  // pp is pprint with sort_dicts=False by default.
  pp: pyFunction('pp', (args, kwargs, ctx) => {
    const a = bindArgs('pp', ['object', 'stream?', ...SETTING_PARAMS], args, kwargs, ctx);
    return emit(pformat(a.required('object'), settings(a, ctx, false), ctx), a.opt('stream') ?? null, ctx);
  }),
  saferepr: pyFunction('saferepr', (args, kwargs, ctx) => {
    const v = bindArgs('saferepr', ['object'], args, kwargs, ctx).required('object');
    return new Printer({ indent: 1, width: 80, depth: null, compact: false, sortDicts: true, underscoreNumbers: false }, ctx).repr(v, 0);
  }),
  PrettyPrinter: PrettyPrinter.type,
});

export const pprintModule: ModuleShim = {
  exports: Object.keys(FUNCTIONS),
  create() {
    return new PyModule('pprint', new Map<string, PyValue>(Object.entries(FUNCTIONS)));
  },
};
