/**
 * The numbers matplotlib draws, read as it reads them (`np.asarray(x)`): lists and tuples of
 * numbers, NumPy arrays, torch tensors and jax arrays through their `__array__` (so a tensor that
 * requires grad raises PyTorch's own RuntimeError, as it does under real matplotlib).
 */
import type { DataValue } from '../../../protocol/figures';
import { HostObject, PyList, PyTuple, pyError, type HostContext, type PyValue } from '../interpreter';

/** Row-major values and their shape. */
export interface Data {
  readonly values: number[];
  readonly shape: readonly number[];
  /** Whether every value is an int or a bool (an image's 0..255 channels rather than 0..1). */
  readonly integral: boolean;
}

export function readData(v: PyValue, ctx: HostContext, what: string): Data {
  if (typeof v === 'number') return { values: [v], shape: [], integral: false };
  if (typeof v === 'bigint') return { values: [Number(v)], shape: [], integral: true };
  if (typeof v === 'boolean') return { values: [v ? 1 : 0], shape: [], integral: true };
  if (typeof v === 'string') throw pyError('TypeError', `${what}: categorical (string) data is not supported by Gradlens; plot numbers (positions) and name them with set_xticks(positions, labels)`);
  if (v instanceof HostObject) {
    const array = v.arrayData(ctx);
    if (array === undefined) throw pyError('TypeError', `${what}: cannot draw a '${v.pyType.nativeName}'; pass a list, a NumPy array or a tensor`);
    return { values: Array.from(array.values), shape: array.shape, integral: !array.dtype.startsWith('float') };
  }
  if (v instanceof PyList || v instanceof PyTuple) {
    const items = v.items.map((item) => readData(item, ctx, what));
    if (items.length === 0) return { values: [], shape: [0], integral: false };
    const inner = items[0].shape;
    if (items.some((it) => it.shape.length !== inner.length || it.shape.some((d, k) => d !== inner[k]))) {
      throw pyError('ValueError', `setting an array element with a sequence. The requested array has an inhomogeneous shape after 1 dimensions. The detected shape was (${items.length},) + inhomogeneous part.`);
    }
    return { values: items.flatMap((it) => it.values), shape: [items.length, ...inner], integral: items.every((it) => it.integral) };
  }
  throw pyError('TypeError', `${what}: cannot draw a '${v === null ? 'NoneType' : typeof v}'; pass a list, a NumPy array or a tensor`);
}

/** A 1-D sequence (a column vector or a scalar counts as one, as matplotlib flattens them). */
export function readVector(v: PyValue, ctx: HostContext, what: string): number[] {
  const d = readData(v, ctx, what);
  if (d.shape.filter((n) => n !== 1).length > 1) throw pyError('ValueError', `${what} must be 1-D, not of shape (${d.shape.join(', ')})`);
  return d.values;
}

/** JSON's form of drawn values: null where not finite (matplotlib leaves such points out). */
export function finiteOrNull(values: readonly number[]): DataValue[] {
  return values.map((x) => (Number.isFinite(x) ? x : null));
}
