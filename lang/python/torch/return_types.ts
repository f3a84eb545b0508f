/** `torch.return_types.max(values=..., indices=...)`: the named tuple that max/min with a dim return. */
import { HostObject, NOT_IMPLEMENTED, hostType, type HostContext, PyTuple, PyType, type PyValue, getitem, repr } from '../interpreter';

const types = new Map<string, PyType>();

export class ReturnTuple extends HostObject {
  constructor(
    readonly name: string,
    readonly fields: readonly string[],
    readonly items: readonly PyValue[],
  ) {
    super();
  }

  get pyType(): PyType {
    let t = types.get(this.name);
    if (!t) types.set(this.name, (t = hostType(this.name, 'torch.return_types')));
    return t;
  }

  override getattr(name: string): PyValue | undefined {
    const i = this.fields.indexOf(name);
    return i >= 0 ? this.items[i] : undefined;
  }

  override getitem(index: PyValue, ctx: HostContext): PyValue {
    return getitem(new PyTuple(this.items), index, ctx);
  }

  override len(): number {
    return this.items.length;
  }

  override iter(): Iterable<PyValue> {
    return this.items;
  }

  override compare(): PyValue {
    return NOT_IMPLEMENTED;
  }

  override repr(ctx: HostContext): string {
    const body = this.fields.map((f, i) => `${f}=${repr(this.items[i], ctx)}`).join(',\n');
    return `torch.return_types.${this.name}(\n${body})`;
  }
}
