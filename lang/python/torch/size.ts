/** `torch.Size`: a tuple of ints that prints as `torch.Size([2, 3])`. */
import { HostObject, NOT_IMPLEMENTED, hostType, type BinaryOp, type CompareOp, type HostContext, PySlice, PyTuple, type PyValue, getitem, iterate, toIndex, pyError, pyFunction, bindArgs } from '../interpreter';

export const sizeType = hostType('Size', 'torch', (args, kwargs, ctx) => {
  const a = bindArgs('Size', ['sizes?'], args, kwargs, ctx);
  const v = a.get('sizes');
  return new TorchSize(v === undefined ? [] : [...iterate(v, ctx)].map((x) => Number(toIndex(x, ctx))));
});

export class TorchSize extends HostObject {
  constructor(readonly dims: readonly number[]) {
    super();
  }

  get pyType() {
    return sizeType;
  }

  private get tuple(): PyTuple {
    return new PyTuple(this.dims.map(BigInt));
  }

  override repr(): string {
    return `torch.Size([${this.dims.join(', ')}])`;
  }

  override len(): number {
    return this.dims.length;
  }

  override iter(): Iterable<PyValue> {
    return this.dims.map(BigInt);
  }

  override getitem(index: PyValue, ctx: HostContext): PyValue {
    const r = getitem(this.tuple, index, ctx);
    return index instanceof PySlice && r instanceof PyTuple ? new TorchSize(r.items.map((x) => Number(x))) : r;
  }

  override contains(item: PyValue): PyValue {
    return this.dims.some((d) => BigInt(d) === item || d === item);
  }

  override bool(): boolean {
    return this.dims.length > 0;
  }

  override compare(op: CompareOp, other: PyValue): PyValue {
    const o = other instanceof TorchSize ? other.dims : other instanceof PyTuple ? other.items : null;
    if (o === null || (op !== '==' && op !== '!=')) return op === '==' ? false : op === '!=' ? true : NOT_IMPLEMENTED;
    const same = o.length === this.dims.length && o.every((v, i) => v === this.dims[i] || v === BigInt(this.dims[i]));
    return op === '==' ? same : !same;
  }

  override binary(op: BinaryOp, other: PyValue, reflected: boolean): PyValue {
    if (op !== '+') return NOT_IMPLEMENTED;
    const o = other instanceof TorchSize ? other.dims.map(BigInt) : other instanceof PyTuple ? other.items : null;
    if (o === null) return NOT_IMPLEMENTED;
    const items = reflected ? [...o, ...this.dims.map(BigInt)] : [...this.dims.map(BigInt), ...o];
    return items.every((v) => typeof v === 'bigint') ? new TorchSize(items.map(Number)) : new PyTuple(items);
  }

  override getattr(name: string): PyValue | undefined {
    if (name === 'numel') return pyFunction('numel', () => BigInt(this.dims.reduce((n, d) => n * d, 1)));
    if (name === 'count') return pyFunction('count', (args) => BigInt(this.dims.filter((d) => BigInt(d) === args[0]).length));
    if (name === 'index') {
      return pyFunction('index', (args) => {
        const i = this.dims.findIndex((d) => BigInt(d) === args[0]);
        if (i < 0) throw pyError('ValueError', 'tuple.index(x): x not in tuple');
        return BigInt(i);
      });
    }
    return undefined;
  }
}
