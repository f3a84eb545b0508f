/**
 * `x[i, a:b] = v` on a NumPy array, for a basic index (ints, slices, Ellipsis, None), written on the
 * host: x's values copied, the selected positions overwritten, one upload. The general path
 * (at.ts's setAt, a scatter) runs some twenty array ops per assignment, which is what a NumPy loop
 * filling arrays item by item pays on every item (min-char-rnn's one-hot `x[ix] = 1`, its
 * `dy[target] -= 1`). Whatever this path does not take (an index out of bounds, a value that does
 * not broadcast, a cast NumPy does in its own way) goes the general way, which raises NumPy's errors.
 */
import { isFloat, stridesOf, type DType } from '../../../runtime/core';
import { ELLIPSIS, type HostContext, PySlice, PyTuple, type PyValue, sliceIndices } from '../interpreter';
import { PyArray } from './array';
import * as L from './lax';

/** One axis of the selection: how many positions, and how far apart they are in x's values. */
interface SelectedAxis {
  readonly count: number;
  readonly stride: number;
}

/** The values to write and their shape, cast as NumPy casts what is assigned; null when this path does not take it. */
function hostValue(x: PyArray, value: PyValue, ctx: HostContext): { values: ArrayLike<number>; shape: readonly number[] } | null {
  const target = x.dtype;
  if (typeof value === 'number') return isFloat(target) ? { values: [target === 'float32' ? Math.fround(value) : value], shape: [] } : null;
  if (typeof value === 'boolean') return target === 'bool' || isFloat(target) || target === 'int32' || target === 'int64' ? { values: [value ? 1 : 0], shape: [] } : null;
  if (typeof value === 'bigint') {
    const n = Number(value);
    if (isFloat(target)) return { values: [target === 'float32' ? Math.fround(n) : n], shape: [] };
    const fits = target === 'int64' ? Number.isSafeInteger(n) : target === 'int32' ? n === (n | 0) : false;
    return fits ? { values: [n], shape: [] } : null;
  }
  if (!(value instanceof PyArray) || value.traced) return null;
  const from = value.dtype;
  const same = from === target;
  const widening = isFloat(target) && (isFloat(from) || from === 'bool' || from === 'int32' || from === 'int64');
  if (!same && !widening) return null;
  const values = value.values(ctx);
  if (target !== 'float32' || from === 'float32') return { values, shape: value.shape };
  return { values: Float32Array.from(values), shape: value.shape };
}

/** The selected axes (None as an axis of one position) and the offset of the first position; null for an index out of bounds. */
function selection(shape: readonly number[], items: readonly PyValue[], ctx: HostContext): { axes: SelectedAxis[]; base: number } | null {
  const used = items.filter((it) => it !== null && it !== ELLIPSIS).length;
  if (used > shape.length || items.filter((it) => it === ELLIPSIS).length > 1) return null;
  const strides = stridesOf(shape);
  const axes: SelectedAxis[] = [];
  let base = 0;
  let dim = 0;
  const whole = (d: number) => axes.push({ count: shape[d]!, stride: strides[d]! });
  for (const it of items) {
    if (it === null) axes.push({ count: 1, stride: 0 });
    else if (it === ELLIPSIS) for (let k = 0; k < shape.length - used; k++) whole(dim++);
    else if (typeof it === 'bigint') {
      const n = shape[dim]!;
      const i = Number(it) < 0 ? Number(it) + n : Number(it);
      if (!(i >= 0 && i < n)) return null;
      base += i * strides[dim++]!;
    } else {
      const s = sliceIndices(it as PySlice, shape[dim]!, ctx);
      base += s.start * strides[dim]!;
      axes.push({ count: s.count, stride: s.step * strides[dim++]! });
    }
  }
  while (dim < shape.length) whole(dim++);
  return { axes, base };
}

/** x with `value` written at the basic index `index`, as a new array for `x.assign`; null where the general path must take it. */
export function writtenOnHost(x: PyArray, index: PyValue, value: PyValue, ctx: HostContext): PyArray | null {
  const rt = x.rt;
  if (rt.backend.name === 'webgpu' || x.traced || !hostDtype(x.dtype)) return null;
  const items = (index instanceof PyTuple ? index.items : [index]).map((it) => integerScalar(it, ctx));
  if (!items.every((it) => typeof it === 'bigint' || it instanceof PySlice || it === null || it === ELLIPSIS)) return null;
  const picked = selection(x.shape, items, ctx);
  const v = picked && hostValue(x, value, ctx);
  if (!picked || !v) return null;
  const { axes, base } = picked;
  // The value's strides over the selection, broadcast as NumPy broadcasts it into x[index].
  const lead = axes.length - v.shape.length;
  if (lead < 0) return null;
  const vStrides = axes.map(() => 0);
  for (let d = v.shape.length - 1, stride = 1; d >= 0; stride *= v.shape[d]!, d--) {
    const n = v.shape[d]!;
    if (n !== 1 && n !== axes[lead + d]!.count) return null;
    vStrides[lead + d] = n === 1 ? 0 : stride;
  }
  const total = axes.reduce((p, a) => p * a.count, 1);
  ctx.tick(total);
  const out = Float64Array.from(rt.peek(x.v));
  const coord = axes.map(() => 0);
  let at = base;
  let from = 0;
  for (let k = 0; k < total; k++) {
    out[at] = v.values[from]!;
    for (let d = axes.length - 1; d >= 0; d--) {
      at += axes[d]!.stride;
      from += vStrides[d]!;
      if (++coord[d]! < axes[d]!.count) break;
      at -= axes[d]!.stride * axes[d]!.count;
      from -= vStrides[d]! * axes[d]!.count;
      coord[d] = 0;
    }
  }
  return L.op(rt, () => L.wrap(rt, rt.upload(out, x.shape, x.dtype), false, true));
}

/** A NumPy integer scalar (`np.random.choice(n)`'s pick) as the int it indexes with; anything else as it is. */
function integerScalar(it: PyValue, ctx: HostContext): PyValue {
  if (!(it instanceof PyArray) || it.shape.length !== 0 || it.traced || (it.dtype !== 'int32' && it.dtype !== 'int64')) return it;
  return BigInt(it.values(ctx)[0]!);
}

/** The dtypes whose values a Float64Array holds exactly (int64 within 2^53, as the backends hold them). */
function hostDtype(dtype: DType): boolean {
  return dtype === 'float32' || dtype === 'float64' || dtype === 'int32' || dtype === 'int64' || dtype === 'bool';
}
