/**
 * `jax.tree_util.Partial`: functools.partial as a pytree node (tree_util.py), so a function with
 * arguments bound ahead passes through `jit` and the other transformations. Its children are the
 * bound arguments and keywords, its node data the function: two Partials of one function share a
 * structure, two of different functions do not.
 */
import { hashKey, type HostContext, hostType, isCallable, type Kwargs, pyError, PyDict, PyTuple, type PyValue } from '../interpreter';
import { HostTreeNode, type KeyEntry } from './pytree';

export class TreePartial extends HostTreeNode {
  static readonly type = hostType('Partial', 'jax.tree_util', (args, kwargs, ctx) => {
    if (args.length === 0) throw pyError('TypeError', "type 'partial' takes at least one argument");
    const [func, ...bound] = args;
    if (!isCallable(func, ctx)) throw pyError('TypeError', 'the first argument must be callable');
    // NB: unlike functools.partial, a Partial of a partial keeps it whole: its arguments are not this node's children.
    return new TreePartial(func, bound, new Map(kwargs), `Partial[${ctx.repr(func)}]`);
  });

  constructor(readonly func: PyValue, readonly args: readonly PyValue[], readonly keywords: Kwargs, private readonly name: string) {
    super();
  }
  get pyType() { return TreePartial.type; }
  override call(args: PyValue[], kwargs: Kwargs, ctx: HostContext): PyValue {
    return ctx.call(this.func, [...this.args, ...args], new Map([...this.keywords, ...kwargs]));
  }
  private keywordDict(): PyDict {
    const d = new PyDict();
    for (const [k, v] of this.keywords) d.setByKey(hashKey(k)!, k, v);
    return d;
  }
  override getattr(name: string): PyValue | undefined {
    if (name === 'func') return this.func;
    if (name === 'args') return new PyTuple([...this.args]);
    if (name === 'keywords') return this.keywordDict();
    return undefined;
  }
  /** CPython 3.11's partial repr, which names a subclass by its bare name. */
  override repr(ctx: HostContext): string {
    const parts = [ctx.repr(this.func), ...this.args.map((a) => ctx.repr(a)), ...[...this.keywords].map(([k, v]) => `${k}=${ctx.repr(v)}`)];
    return `Partial(${parts.join(', ')})`;
  }
  treeChildren(): readonly PyValue[] { return [new PyTuple([...this.args]), this.keywordDict()]; }
  treeKeys(): readonly KeyEntry[] { return [{ kind: 'flat', idx: 0 }, { kind: 'flat', idx: 1 }]; }
  treeRebuild(children: readonly PyValue[]): PyValue {
    const [args, keywords] = children as [PyTuple, PyDict];
    const kwargs: Kwargs = new Map([...keywords.entries()].map(([k, v]) => [String(k), v]));
    return new TreePartial(this.func, args.items, kwargs, this.name);
  }
  treeNodeName(): string { return this.name; }
}

