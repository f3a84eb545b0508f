/**
 * Dynamic slice starts and `x[idx]` by slicing, as JAX 0.4.35 computes them: slicing.py's
 * _dynamic_slice_indices (a negative start counts from the end) and lax_numpy.py's
 * _attempt_rewriting_take_via_slice (ints, 0-d integer arrays, contiguous slices and `::-1` as
 * rev, slice or dynamic_slice, then squeeze). What JAX stages for each kind of start is kept, so
 * make_jaxpr prints JAX's equations, those on constants included.
 */
import { isInteger } from '../../../runtime/core';
import { ELLIPSIS, type HostContext, PySlice, type PyValue, sliceIndices, toIndex } from '../interpreter';
import { PyArray, type JaxRuntime } from './array';
import { isTracer, Scalar, type Val } from './values';

/**
 * A start index, by what JAX holds for it: a Python int (folded at once); a NumPy constant
 * (lax._const's np.array(0) for the other axes of a *_in_dim function: NumPy compares it on the
 * host, JAX adds and selects); a Python int promoted with traced indices into an array (JAX stages
 * every op on it); or an int32 array, weakly typed when made from a Python int.
 */
export type Start =
  | { readonly kind: 'int'; readonly value: number }
  | { readonly kind: 'numpy'; readonly value: number }
  | { readonly kind: 'promoted'; readonly value: number }
  | { readonly kind: 'array'; readonly v: Val; readonly weak: boolean };

const int32 = (n: number) => new Scalar(n, 'int32');

/** slicing.py's _dynamic_slice_indices for one start along an axis of size `n`: an int32 value in [0, n) where it was in [-n, n). */
export function normalizedStart(rt: JaxRuntime, s: Start, n: number): Val {
  const staged = rt.stagingTrace() !== null;
  if (s.kind === 'int' || (s.kind !== 'array' && !staged)) return int32(s.value < 0 ? s.value + n : s.value);
  const o = rt.o;
  if (s.kind === 'numpy') {
    const c = int32(s.value);
    return o.select(new Scalar(s.value < 0 ? 1 : 0, 'bool'), o.add(c, int32(n)), c);
  }
  const v = s.kind === 'promoted' ? int32(s.value) : s.v;
  const negative = o.lt(v, int32(0));
  // NB: `i + n` promotes a weak traced i to the strong int32 of n, a convert_element_type JAX records (one on a constant it folds).
  const strong = s.kind === 'array' && s.weak && !(v instanceof Scalar) ? o.bind('convert_element_type', [v], { newDtype: 'int32' }) : v;
  return o.select(negative, o.add(strong, int32(n)), v);
}

/** A Python int as an index: a Python int or a NumPy integer scalar (np.int64); null for anything else. */
function staticInt(it: PyValue, ctx: HostContext): number | null {
  if (typeof it === 'bigint') return Number(it);
  if (it instanceof PyArray && it.numpy && it.isScalar && isInteger(it.dtype) && !it.traced) return Number(toIndex(it, ctx));
  return null;
}

/** A 0-d integer array (traced or not) as an index, which dynamic_slice takes (it clamps into the axis, as JAX's mode=None does). */
const isScalarIndexArray = (it: PyValue, ctx: HostContext): it is PyArray =>
  it instanceof PyArray && it.shape.length === 0 && isInteger(it.dtype) && staticInt(it, ctx) === null;

const isReverse = (it: PyValue) => it instanceof PySlice && it.start === null && it.stop === null && it.step === -1n;
const isContiguous = (it: PyValue, ctx: HostContext) => it instanceof PySlice
  && (it.start === null || staticInt(it.start, ctx) !== null) && (it.stop === null || staticInt(it.stop, ctx) !== null)
  && (it.step === null || staticInt(it.step, ctx) === 1);

/**
 * `x[items]` when JAX computes it by slicing (lax_numpy.py's _attempt_rewriting_take_via_slice),
 * else null (None among the items, integer arrays, strided slices, an int out of range: a gather).
 * Items hold no more indices than x has axes.
 */
export function takeViaSlice(rt: JaxRuntime, x: PyArray, items: readonly PyValue[], ctx: HostContext): Val | null {
  const rank = x.shape.length;
  if (items.length > rank || items.includes(null) || items.filter((i) => i === ELLIPSIS).length > 1) return null;
  const full = () => new PySlice(null, null, null);
  const idx = items.flatMap((it) => (it === ELLIPSIS ? Array.from({ length: rank - items.length + 1 }, full) : [it]));
  while (idx.length < rank) idx.push(full());
  const reversed: number[] = [];
  const intAxes: number[] = [];
  for (const [d, it] of idx.entries()) {
    const n = x.shape[d]!;
    const i = staticInt(it, ctx);
    if (isReverse(it)) reversed.push(d);
    else if (n > 0 && ((i !== null && i >= -n && i < n) || isScalarIndexArray(it, ctx))) intAxes.push(d);
    else if (!isContiguous(it, ctx)) return null;
  }
  let v: Val = rt.o.rev(x.v, reversed);
  const starts: Start[] = [];
  const sizes: number[] = [];
  for (const [d, it] of idx.entries()) {
    if (intAxes.includes(d)) {
      const i = staticInt(it, ctx);
      starts.push(i !== null ? { kind: 'int', value: i } : { kind: 'array', v: (it as PyArray).v, weak: (it as PyArray).weak });
      sizes.push(1);
    } else {
      const s = reversed.includes(d) ? { start: 0, count: x.shape[d]! } : sliceIndices(it as PySlice, x.shape[d]!, ctx);
      starts.push({ kind: 'int', value: s.start });
      sizes.push(s.count);
    }
  }
  const partial = starts.some((s, d) => !intAxes.includes(d) && (sizes[d] !== x.shape[d] || (s.kind === 'int' && s.value !== 0)));
  if (intAxes.length === 0 && !partial) return v;
  if (starts.every((s) => s.kind === 'int' && s.value >= 0)) {
    const at = starts.map((s) => (s.kind === 'int' ? s.value : 0));
    v = rt.o.slice(v, at, at.map((a, d) => a + sizes[d]!), null);
  } else {
    v = rt.o.bind('dynamic_slice', [v, ...promoted(rt, starts).map((s, d) => normalizedStart(rt, s, x.shape[d]!))], { sliceSizes: sizes });
  }
  return rt.o.squeeze(v, intAxes);
}

/**
 * util.promote_dtypes over several starts: Python ints become int32 arrays (weak unless an array
 * among them is strong), and a weak traced start meeting a strong one is converted.
 */
function promoted(rt: JaxRuntime, starts: readonly Start[]): Start[] {
  const asInt32 = starts.map((s): Start => (s.kind === 'array' && s.v.dtype !== 'int32' ? { ...s, v: rt.o.convert(s.v, 'int32') } : s));
  if (asInt32.length < 2) return asInt32;
  const weak = asInt32.every((s) => s.kind !== 'array' || s.weak);
  return asInt32.map((s): Start => {
    if (s.kind !== 'array') return { kind: 'promoted', value: s.value };
    if (s.weak && !weak && isTracer(s.v)) return { kind: 'array', v: rt.o.bind('convert_element_type', [s.v], { newDtype: 'int32' }), weak: false };
    return s;
  });
}
