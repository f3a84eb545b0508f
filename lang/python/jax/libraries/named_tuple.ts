/**
 * Library namedtuples implemented in TypeScript (optax's `ScaleByAdamState`, `EmptyState`, its
 * `GradientTransformation`): they print, unpack, index and read fields as namedtuples do, and
 * are pytree nodes as JAX's namedtuples are (`CustomNode(namedtuple[...], [...])`).
 */
import { bindArgs, type HostContext, hostType, type Kwargs, pyError, pyFunction, PyTuple, type PyType, type PyValue, toIndex } from '../../interpreter';
import { HostTreeNode, type KeyEntry } from '../pytree';

export class HostNamedTuple extends HostTreeNode {
  constructor(readonly type: PyType, readonly fields: readonly string[], readonly values: readonly PyValue[]) {
    super();
  }
  get pyType(): PyType { return this.type; }
  field(name: string): PyValue {
    return this.values[this.fields.indexOf(name)];
  }
  override getattr(name: string): PyValue | undefined {
    const i = this.fields.indexOf(name);
    if (i >= 0) return this.values[i];
    if (name === '_fields') return new PyTuple([...this.fields]);
    if (name === '_replace') {
      return pyFunction('_replace', (_args, kwargs) => {
        const next = [...this.values];
        for (const [k, v] of kwargs) {
          const j = this.fields.indexOf(k);
          if (j < 0) throw pyError('ValueError', `Got unexpected field names: ['${k}']`);
          next[j] = v;
        }
        return new HostNamedTuple(this.type, this.fields, next);
      });
    }
    return undefined;
  }
  override len(): number { return this.values.length; }
  override iter(): Iterable<PyValue> { return this.values; }
  override getitem(index: PyValue, ctx: HostContext): PyValue {
    const i = Number(toIndex(index, ctx));
    const j = i < 0 ? i + this.values.length : i;
    if (j < 0 || j >= this.values.length) throw pyError('IndexError', 'tuple index out of range');
    return this.values[j];
  }
  override repr(ctx: HostContext): string {
    return `${this.type.name}(${this.fields.map((f, i) => `${f}=${ctx.repr(this.values[i])}`).join(', ')})`;
  }
  treeChildren(): readonly PyValue[] { return this.values; }
  treeKeys(): readonly KeyEntry[] { return this.fields.map((name) => ({ kind: 'attr', name })); }
  treeRebuild(children: readonly PyValue[]): PyValue { return new HostNamedTuple(this.type, this.fields, children); }
  treeNodeName(): string { return `namedtuple[${this.type.name}]`; }
}

/** A namedtuple class: `Name(*values)` or `Name(field=value, ...)`. */
export function namedTupleType(name: string, module: string, fields: readonly string[]): PyType {
  const type = hostType(name, module, (args: PyValue[], kwargs: Kwargs, ctx: HostContext) => {
    const a = bindArgs(name, [...fields], args, kwargs, ctx);
    return new HostNamedTuple(type, fields, fields.map((f) => a.required(f)));
  });
  type.attrs.set('_fields', new PyTuple([...fields]));
  return type;
}

export const make = (type: PyType, values: readonly PyValue[]): HostNamedTuple =>
  new HostNamedTuple(type, (type.attrs.get('_fields') as PyTuple).items.map(String), values);
