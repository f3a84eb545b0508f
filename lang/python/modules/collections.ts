/**
 * Python's `collections`, the part that needs no dict or tuple subclass: `deque`, the bounded
 * double-ended queue of replay buffers, sliding windows and BFS queues, as CPython 3.11's.
 */
import { counterType, defaultdictType, orderedDictType } from './dict_subclasses';
import { makeNamedTuple, namedTupleFields } from './namedtuple';
import {
  bindArgs,
  compare,
  eq,
  HostObject,
  hostType,
  iterate,
  materialize,
  NOT_IMPLEMENTED,
  pyError,
  pyFunction,
  PyList,
  PyModule,
  toIndex,
  truthy,
  type CompareOp,
  type HostContext,
  type Kwargs,
  type ModuleShim,
  type PyType,
  type PyValue,
} from '../interpreter';

export class Deque extends HostObject {
  static readonly type: PyType = hostType('deque', 'collections', (args, kwargs, ctx) => {
    const a = bindArgs('deque', ['iterable?', 'maxlen?'], args, kwargs, ctx);
    const bound = a.opt('maxlen');
    const maxlen = bound === undefined ? null : Number(toIndex(bound, ctx, 'an integer is required'));
    if (maxlen !== null && maxlen < 0) throw pyError('ValueError', 'maxlen must be non-negative');
    const d = new Deque(maxlen);
    const source = a.opt('iterable');
    if (source !== undefined) d.extend(source, ctx);
    return d;
  });

  items: PyValue[] = [];

  constructor(readonly maxlen: number | null) {
    super();
  }

  get pyType(): PyType {
    return Deque.type;
  }

  append(v: PyValue): void {
    if (this.maxlen === 0) return;
    if (this.maxlen !== null && this.items.length === this.maxlen) this.items.shift();
    this.items.push(v);
  }

  appendleft(v: PyValue): void {
    if (this.maxlen === 0) return;
    if (this.maxlen !== null && this.items.length === this.maxlen) this.items.pop();
    this.items.unshift(v);
  }

  extend(source: PyValue, ctx: HostContext): void {
    // d.extend(d) reads a snapshot, as CPython does for an iterable that is the deque itself.
    for (const v of source === this ? [...this.items] : iterate(source, ctx)) this.append(v);
  }

  private indexOf(v: PyValue, ctx: HostContext, what: string): number {
    const i = this.items.findIndex((x) => eq(x, v, ctx));
    if (i < 0) throw pyError('ValueError', what);
    return i;
  }

  private position(index: PyValue, ctx: HostContext): number {
    let i = Number(toIndex(index, ctx, 'sequence index must be integer, not slice'));
    if (i < 0) i += this.items.length;
    if (i < 0 || i >= this.items.length) throw pyError('IndexError', 'deque index out of range');
    return i;
  }

  override getattr(name: string, ctx: HostContext): PyValue | undefined {
    if (name === 'maxlen') return this.maxlen === null ? null : BigInt(this.maxlen);
    const method = this.method(name);
    return method && pyFunction(name, (args, kwargs) => method(args, kwargs, ctx));
  }

  private method(name: string): ((args: PyValue[], kwargs: Kwargs, ctx: HostContext) => PyValue) | undefined {
    switch (name) {
      case 'append': return ([v]) => (this.append(v!), null);
      case 'appendleft': return ([v]) => (this.appendleft(v!), null);
      case 'extend': return ([v], _k, ctx) => (this.extend(v!, ctx), null);
      case 'extendleft': return ([v], _k, ctx) => {
        for (const x of iterate(v!, ctx)) this.appendleft(x);
        return null;
      };
      case 'pop': return () => {
        if (this.items.length === 0) throw pyError('IndexError', 'pop from an empty deque');
        return this.items.pop()!;
      };
      case 'popleft': return () => {
        if (this.items.length === 0) throw pyError('IndexError', 'pop from an empty deque');
        return this.items.shift()!;
      };
      case 'clear': return () => ((this.items = []), null);
      case 'copy': return () => {
        const twin = new Deque(this.maxlen);
        twin.items = [...this.items];
        return twin;
      };
      case 'count': return ([v], _k, ctx) => BigInt(this.items.filter((x) => eq(x, v!, ctx)).length);
      case 'index': return ([v], _k, ctx) => BigInt(this.indexOf(v!, ctx, `${ctx.repr(v!)} is not in deque`));
      case 'remove': return ([v], _k, ctx) => (this.items.splice(this.indexOf(v!, ctx, `${ctx.repr(v!)} is not in deque`), 1), null);
      case 'reverse': return () => (this.items.reverse(), null);
      case 'insert': return ([i, v], _k, ctx) => {
        if (this.maxlen !== null && this.items.length === this.maxlen) throw pyError('IndexError', 'deque already at its maximum size');
        const n = this.items.length;
        let at = Number(toIndex(i!, ctx));
        if (at < 0) at = Math.max(0, at + n);
        this.items.splice(Math.min(at, n), 0, v!);
        return null;
      };
      case 'rotate': return ([k], _kw, ctx) => {
        const n = this.items.length;
        if (n > 1) {
          const steps = ((Number(toIndex(k ?? 1n, ctx)) % n) + n) % n;
          this.items = [...this.items.slice(n - steps), ...this.items.slice(0, n - steps)];
        }
        return null;
      };
      default: return undefined;
    }
  }

  override len(): number {
    return this.items.length;
  }

  override bool(): boolean {
    return this.items.length > 0;
  }

  override iter(): Iterable<PyValue> {
    return [...this.items];
  }

  override getitem(index: PyValue, ctx: HostContext): PyValue {
    return this.items[this.position(index, ctx)]!;
  }

  override setitem(index: PyValue, value: PyValue, ctx: HostContext): void {
    this.items[this.position(index, ctx)] = value;
  }

  override contains(item: PyValue, ctx: HostContext): PyValue {
    return this.items.some((x) => eq(x, item, ctx));
  }

  override compare(op: CompareOp, other: PyValue, ctx: HostContext): PyValue {
    if (!(other instanceof Deque)) return op === '==' ? false : op === '!=' ? true : NOT_IMPLEMENTED;
    if (op === '==' || op === '!=') {
      const same = this.items.length === other.items.length && this.items.every((x, i) => eq(x, other.items[i]!, ctx));
      return op === '==' ? same : !same;
    }
    return compare(op, new PyList(this.items), new PyList(other.items), ctx);
  }

  override repr(ctx: HostContext): string {
    const body = `[${this.items.map((x) => ctx.repr(x)).join(', ')}]`;
    return this.maxlen === null ? `deque(${body})` : `deque(${body}, maxlen=${this.maxlen})`;
  }
}

/** `namedtuple(typename, field_names, *, rename=False, defaults=None, module=None)`. */
const namedtuple = pyFunction('namedtuple', (args, kwargs, ctx) => {
  const a = bindArgs('namedtuple', ['typename', 'field_names', '*', 'rename?', 'defaults?', 'module?'], args, kwargs, ctx);
  const typename = a.required('typename');
  if (typeof typename !== 'string') throw pyError('TypeError', 'Type names and field names must be strings');
  const fields = namedTupleFields(typename, a.required('field_names'), truthy(a.opt('rename') ?? false, ctx), ctx);
  const defaults = a.opt('defaults');
  return makeNamedTuple(typename, fields, defaults === undefined || defaults === null ? [] : materialize(defaults, ctx), new Map(), ctx);
});

export const collectionsModule: ModuleShim = {
  exports: ['deque', 'namedtuple', 'defaultdict', 'OrderedDict', 'Counter'],
  create() {
    return new PyModule('collections', new Map<string, PyValue>([
      ['deque', Deque.type],
      ['namedtuple', namedtuple],
      ['defaultdict', defaultdictType],
      ['OrderedDict', orderedDictType],
      ['Counter', counterType],
    ]), true);
  },
};
