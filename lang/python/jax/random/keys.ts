/**
 * Values jax.random makes that the array runtime has no dtype for: uint32 arrays (legacy
 * `PRNGKey`s, `key_data`, `bits`) and typed key arrays (`jax.random.key`, dtype `key<fry>`).
 * Both live on the host; they print, index, iterate and unpack as JAX's do.
 */
import { HostObject, hostType, type HostContext, pyError, PyTuple, type PyType, type PyValue, sliceIndices, PySlice, toIndex } from '../../interpreter';
import { array2string, arrayStr } from '../print';

const ARRAY = hostType('Array', 'jaxlib._jax');

const shapeTuple = (s: readonly number[]) => new PyTuple(s.map((d) => BigInt(d)));
const sizeOf = (s: readonly number[]) => s.reduce((n, d) => n * d, 1);

/** The rows of the leading axis that `index` selects (an int or a slice), and whether the axis stays. */
function leading(index: PyValue, n: number, what: string, ctx: HostContext): { rows: number[]; keep: boolean } {
  if (index instanceof PySlice) {
    const { start, step, count } = sliceIndices(index, n, ctx);
    return { rows: Array.from({ length: count }, (_, i) => start + i * step), keep: true };
  }
  if (index instanceof PyTuple && index.items.length === 1) return leading(index.items[0], n, what, ctx);
  if (typeof index === 'bigint' || typeof index === 'boolean' || index instanceof HostObject) {
    const i = Number(toIndex(index, ctx));
    const j = i < 0 ? i + n : i;
    if (j < 0 || j >= n) throw pyError('IndexError', `index ${i} is out of bounds for axis 0 with size ${n}`);
    return { rows: [j], keep: false };
  }
  throw pyError('NotImplementedError', `Gradlens indexes ${what} with an int or a slice along the first axis only`);
}

/** A uint32 array on the host: `Array([0, 42], dtype=uint32)`. */
export class U32Array extends HostObject {
  constructor(readonly data: Uint32Array, readonly shape: readonly number[]) {
    super();
  }
  get pyType(): PyType { return ARRAY; }
  private printable() { return { values: Array.from(this.data), shape: this.shape, dtype: 'int32' as const }; }
  override str(): string { return arrayStr(this.printable()); }
  override repr(): string {
    if (this.shape.length === 0) return `Array(${this.data[0]}, dtype=uint32)`;
    return `Array(${array2string(this.printable(), { prefix: 'Array(', suffix: ',', separator: ', ' })}, dtype=uint32)`;
  }
  override getattr(name: string): PyValue | undefined {
    switch (name) {
      case 'shape': return shapeTuple(this.shape);
      case 'ndim': return BigInt(this.shape.length);
      case 'size': return BigInt(this.data.length);
      case 'dtype': return 'uint32';
      default: return undefined;
    }
  }
  override len(): number {
    if (this.shape.length === 0) throw pyError('TypeError', 'len() of unsized object');
    return this.shape[0];
  }
  override getitem(index: PyValue, ctx: HostContext): PyValue {
    if (this.shape.length === 0) throw pyError('IndexError', 'Too many indices: 0-dimensional array indexed with 1 regular index.');
    const { rows, keep } = leading(index, this.shape[0], 'a uint32 array', ctx);
    const row = sizeOf(this.shape.slice(1));
    const data = new Uint32Array(rows.length * row);
    rows.forEach((r, k) => data.set(this.data.subarray(r * row, (r + 1) * row), k * row));
    return new U32Array(data, keep ? [rows.length, ...this.shape.slice(1)] : this.shape.slice(1));
  }
  override iter(ctx: HostContext): Iterable<PyValue> {
    return Array.from({ length: this.len() }, (_, i) => this.getitem(BigInt(i), ctx));
  }
  override int(): bigint {
    if (this.data.length !== 1) throw pyError('TypeError', 'only length-1 arrays can be converted to Python scalars');
    return BigInt(this.data[0]);
  }
  override index(): bigint { return this.int(); }
}

const KEY_TYPE = hostType('PRNGKeyArray', 'jax._src.prng');

/** A typed key array (`jax.random.key(0)`): `Array((), dtype=key<fry>) overlaying:\n[0 0]`. */
export class KeyArray extends HostObject {
  constructor(
    /** Two words per key, row-major. */
    readonly words: Uint32Array,
    /** The key array's shape (without the trailing 2 of the words). */
    readonly shape: readonly number[],
  ) {
    super();
  }
  get pyType(): PyType { return KEY_TYPE; }
  get keyData(): U32Array { return new U32Array(this.words, [...this.shape, 2]); }
  override repr(): string {
    const s = this.shape;
    return `Array((${s.join(', ')}${s.length === 1 ? ',' : ''}), dtype=key<fry>) overlaying:\n${this.keyData.str()}`;
  }
  override getattr(name: string): PyValue | undefined {
    switch (name) {
      case 'shape': return shapeTuple(this.shape);
      case 'ndim': return BigInt(this.shape.length);
      case 'size': return BigInt(sizeOf(this.shape));
      case 'dtype': return 'key<fry>';
      default: return undefined;
    }
  }
  override len(): number {
    if (this.shape.length === 0) throw pyError('TypeError', 'len() of unsized object');
    return this.shape[0];
  }
  override getitem(index: PyValue, ctx: HostContext): PyValue {
    if (this.shape.length === 0) throw pyError('IndexError', 'Too many indices: 0-dimensional array indexed with 1 regular index.');
    const sub = this.keyData.getitem(index, ctx) as U32Array;
    return new KeyArray(sub.data, sub.shape.slice(0, -1));
  }
  override iter(ctx: HostContext): Iterable<PyValue> {
    return Array.from({ length: this.len() }, (_, i) => this.getitem(BigInt(i), ctx));
  }
}
