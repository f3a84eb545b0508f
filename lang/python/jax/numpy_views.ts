/**
 * NumPy's mutable arrays: item and slice assignment (`x[0] = 10`, `x[1:3] = 0`, `x[:, 1] = v`,
 * `x[mask] = 0`, `x[idx] += 1`), augmented assignment in place (`x += 1` keeps `x` the same
 * object), and views: basic indexing (ints, slices, None, ...), `.T`/`transpose` and a reshape of
 * a contiguous array give arrays whose values follow their base's and whose writes go through to
 * it (see ArrayView in array.ts); `copy`, `flatten`, fancy indexing and `np.array(x)` give new
 * arrays. jax arrays stay immutable (`x.at[...]`).
 */
import type { DType } from '../../../runtime/core';
import { ELLIPSIS, EXCEPTION_TYPES, NOT_IMPLEMENTED, pyError, PySlice, PyTuple, PyType, sliceIndices, type BinaryOp, type HostContext, type PyValue } from '../interpreter';
import { PyArray } from './array';
import { setAt } from './at';
import * as L from './lax';
import { writtenOnHost } from './numpy_host_writes';

const isBasic = (it: PyValue) => typeof it === 'bigint' || it instanceof PySlice || it === null || it === ELLIPSIS;

/** The items of a basic index (ints, slices, None, Ellipsis), or null for an advanced one (arrays, lists, bools). */
function basicItems(index: PyValue): readonly PyValue[] | null {
  const items = index instanceof PyTuple ? index.items : [index];
  return items.every(isBasic) ? items : null;
}

/**
 * Whether `x[items]` is C-contiguous in `x`: leading ints, then at most one slice of step 1,
 * then whole axes (NumPy's flag, but for axes of length 1, which NumPy ignores).
 */
function contiguousIndex(x: PyArray, items: readonly PyValue[], ctx: HostContext): boolean {
  const used = items.filter((i) => i !== null && i !== ELLIPSIS).length;
  const expanded = items.flatMap((it) => (it === ELLIPSIS ? Array.from({ length: x.shape.length - used }, () => new PySlice(null, null, null)) : it === null ? [] : [it]));
  // NB: once an axis is kept (a slice), every later axis must be whole.
  let sliced = false;
  for (const [dim, it] of expanded.entries()) {
    if (typeof it === 'bigint') {
      if (sliced) return false;
      continue;
    }
    const s = sliceIndices(it as PySlice, x.shape[dim], ctx);
    const whole = s.step === 1 && s.start === 0 && s.count === x.shape[dim];
    if (!whole && (sliced || s.step !== 1)) return false;
    sliced = true;
  }
  return true;
}

/**
 * A tuple index with 1-D boolean masks among its items (`x[mask, 1:]`) as NumPy reads it: each
 * mask is the positions where it is true along its axis. Masks after an Ellipsis or None, and
 * masks of more axes, are refused at the line.
 */
function maskedAxesAsPositions(x: PyArray, index: PyValue, ctx: HostContext): PyValue {
  if (!(index instanceof PyTuple) || !index.items.some((it) => it instanceof PyArray && it.dtype === 'bool')) return index;
  let axis = 0;
  let free = true;
  const items = index.items.map((it) => {
    if (it instanceof PyArray && it.dtype === 'bool') {
      if (!free || it.shape.length !== 1 || it.traced) {
        throw pyError('NotImplementedError', 'a boolean mask in an index tuple is supported by Gradlens only as a 1-D mask before any ... or None; index with np.nonzero(mask) instead');
      }
      const picks = truePositions(x, it, ctx, axis);
      axis += 1;
      return L.arrayFromData(x.rt, new PyTuple(picks), 'int32', ctx, true);
    }
    if (it === ELLIPSIS || it === null) free = false;
    else axis += 1;
    return it;
  });
  return new PyTuple(items);
}

/** Lets go of the position arrays maskedAxesAsPositions made for `index` (the caller's own index items stay). */
function discardPositions(made: PyValue, index: PyValue): void {
  if (made === index || !(made instanceof PyTuple) || !(index instanceof PyTuple)) return;
  made.items.forEach((it, i) => {
    if (it !== index.items[i] && it instanceof PyArray) it.discard();
  });
}

/** `x[index]`: a NumPy array indexed with a basic index is a view of it (0-d results are scalars, copies). */
/** JAX's error for a boolean mask whose values are traced: the result's shape would depend on them. */
export const NonConcreteBooleanIndexError = new PyType('NonConcreteBooleanIndexError', { module: 'jax.errors', bases: [EXCEPTION_TYPES.get('IndexError')!] });

export function getIndex(x: PyArray, index: PyValue, ctx: HostContext): PyArray {
  const indexItems = index instanceof PyTuple ? index.items : [index];
  const tracedMask = indexItems.find((it): it is PyArray => it instanceof PyArray && it.dtype === 'bool' && it.traced && it.shape.length > 0);
  if (tracedMask) {
    const err = pyError(NonConcreteBooleanIndexError, `Array boolean indices must be concrete; got ${tracedMask.dtype}[${tracedMask.shape.join(',')}]\n\nSee https://jax.readthedocs.io/en/latest/errors.html#jax.errors.NonConcreteBooleanIndexError`);
    throw err;
  }
  // NB: a concrete mask (a NumPy one under jit, too) picks its positions on the host, as JAX's _expand_bool_indices does.
  if (index instanceof PyArray && index.dtype === 'bool' && !index.traced) return masked(x, index, ctx);
  if (x.numpy && !x.traced) {
    const positions = maskedAxesAsPositions(x, index, ctx);
    if (positions !== index) {
      // NB: an index with arrays in it makes a copy, never a view.
      const out = L.getIndex(x.rt, x, positions, ctx);
      discardPositions(positions, index);
      return out;
    }
  }
  const out = L.getIndex(x.rt, x, index, ctx);
  const items = x.numpy && !x.traced && out.shape.length > 0 ? basicItems(index) : null;
  if (!items) return out;
  return out.viewOf(
    x,
    (p) => L.getIndex(p.rt, p, index, ctx),
    (p, values) => writtenOnHost(p, index, values, ctx) ?? setAt(p, index, values, ctx),
    contiguousIndex(x, items, ctx),
  );
}

/** The true positions of a boolean mask over x's axes from `first` on, row-major (NumPy's `x[mask]` and `x[mask] = v`). */
function truePositions(x: PyArray, mask: PyArray, ctx: HostContext, first = 0): bigint[] {
  checkMaskShape(x, mask, first);
  const values = mask.values(ctx, 'index');
  const picks: bigint[] = [];
  for (let i = 0; i < values.length; i++) if (values[i]) picks.push(BigInt(i));
  return picks;
}

/** NumPy's IndexError for a boolean mask whose shape is not that of x's axes from `first` on. */
function checkMaskShape(x: PyArray, mask: PyArray, first = 0): void {
  for (const [i, n] of mask.shape.entries()) {
    const dim = first + i;
    if (x.shape[dim] !== n) {
      throw pyError('IndexError', `boolean index did not match indexed array along dimension ${dim}; dimension is ${x.shape[dim] ?? 0} but corresponding boolean dimension is ${n}`);
    }
  }
}

/** `x[mask]`: the rows (elements, for a mask of x's shape) where the mask is true, as a new array. */
function masked(x: PyArray, mask: PyArray, ctx: HostContext): PyArray {
  const rt = x.rt;
  const picks = truePositions(x, mask, ctx);
  const rows = mask.shape.reduce((n, d) => n * d, 1);
  const flat = L.reshaped(rt, x, [rows, ...x.shape.slice(mask.shape.length)]);
  const positions = L.arrayFromData(rt, new PyTuple(picks), 'int32', ctx, true);
  const out = L.getIndex(rt, flat, positions, ctx);
  flat.discard();
  positions.discard();
  return out;
}

/** A new array with `x`'s values, a view of nothing (`x.copy()`, `np.copy(x)`, `x.flatten()`). */
export function copyOf(x: PyArray): PyArray {
  return sameKind(x, new PyArray(x.rt, x.v, x.weak, x.numpy));
}

/**
 * What a method of `x` gives back in place of `x` (a copy, a reshape, a transpose, a cast): an
 * ndarray when `x` is one, 0-d included (`np.arange(1).reshape(())` prints `array(0)`), a NumPy
 * scalar when `x` is one (`np.float64(2).astype(np.int64)` is an `int64`).
 */
export function sameKind(x: PyArray, out: PyArray): PyArray {
  return x.isScalar ? out : out.keptAsArray();
}

function shapeText(shape: readonly number[]): string {
  return `(${shape.join(',')}${shape.length === 1 ? ',' : ''})`;
}

function broadcastsInto(from: readonly number[], to: readonly number[]): boolean {
  if (from.length > to.length) return from.slice(0, from.length - to.length).every((d) => d === 1) && broadcastsInto(from.slice(from.length - to.length), to);
  return from.every((d, i) => d === 1 || d === to[to.length - from.length + i]);
}

/** `value` as an array of `dtype` (NumPy casts what is assigned into the array's dtype: 2.7 into an int array is 2): `value` itself, or a new array the caller discards. */
function valueArray(x: PyArray, value: PyValue, dtype: DType, ctx: HostContext): PyArray {
  const v = value instanceof PyArray ? value : L.arrayFromData(x.rt, value, undefined, ctx, true);
  if (v.dtype === dtype) return v;
  const cast = L.op(x.rt, () => L.wrap(x.rt, L.cast(x.rt, v.v, dtype), false, true));
  if (v !== value) v.discard();
  return cast;
}

/** `x[index] = value` on a NumPy array: written into `x` and every array `x` is a view of. */
export function setIndex(x: PyArray, index: PyValue, value: PyValue, ctx: HostContext): void {
  const rt = x.rt;
  if (x.traced) throw pyError('TypeError', 'assignment into a NumPy array inside a traced (jit, grad, vmap) function is not supported; use a jax array and x.at[idx].set(y)');
  if (!x.writeable) throw pyError('ValueError', 'assignment destination is read-only');
  if (index instanceof PyArray && index.dtype === 'bool') return setMasked(x, index, value, ctx);
  const onHost = writtenOnHost(x, index, value, ctx);
  if (onHost) return x.assign(onHost);
  const positions = maskedAxesAsPositions(x, index, ctx);
  try {
    // NB: reading x[index] first raises NumPy's IndexError for an index out of bounds (the scatter would drop it).
    const read = L.getIndex(rt, x, positions, ctx);
    const target = read.shape;
    read.discard();
    const v = valueArray(x, value, x.dtype, ctx);
    try {
      if (!broadcastsInto(v.shape, target)) {
        throw pyError('ValueError', `could not broadcast input array from shape ${shapeText(v.shape)} into shape ${shapeText(target)}`);
      }
      x.assign(setAt(x, positions, v, ctx));
    } finally {
      if (v !== value) v.discard();
    }
  } finally {
    discardPositions(positions, index);
  }
}

/**
 * `x[mask] = value`: a scalar where the mask is true; an array of as many values as it has trues,
 * in order; for a mask over x's leading axes, a value broadcast into each row it picks.
 */
function setMasked(x: PyArray, mask: PyArray, value: PyValue, ctx: HostContext): void {
  const rt = x.rt;
  const v = valueArray(x, value, x.dtype, ctx);
  try {
    if (mask.shape.length >= x.shape.length && v.shape.length === 0) {
      // NB: a scalar where a full mask is true (`h[h <= 0] = 0`) needs no positions: one select.
      checkMaskShape(x, mask);
      x.assign(L.op(rt, () => L.wrap(rt, rt.o.select(mask.v, rt.o.broadcastTo(v.v, x.shape), x.v), false, true)));
      return;
    }
    const picks = truePositions(x, mask, ctx);
    if (mask.shape.length < x.shape.length) {
      const rest = x.shape.slice(mask.shape.length);
      const target = [picks.length, ...rest];
      if (!broadcastsInto(v.shape, target)) {
        throw pyError('ValueError', `shape mismatch: value array of shape ${shapeText(v.shape)} could not be broadcast to indexing result of shape ${shapeText(target)}`);
      }
      if (picks.length === 0) return;
      const rows = L.reshaped(rt, x, [mask.shape.reduce((n, d) => n * d, 1), ...rest]);
      const positions = L.arrayFromData(rt, new PyTuple(picks), 'int32', ctx, true);
      const written = setAt(rows, positions, v, ctx);
      x.assign(L.reshaped(rt, written, [...x.shape]));
      for (const temporary of [rows, positions, written]) temporary.discard();
      return;
    }
    // NB: an array of values goes to the true positions in row-major order, as NumPy assigns them.
    if (v.shape.length !== 1 || v.shape[0] !== picks.length) {
      throw pyError('ValueError', `NumPy boolean array indexing assignment cannot assign ${v.shape.reduce((n, d) => n * d, 1)} input values to the ${picks.length} output values where the mask is true`);
    }
    const flat = L.reshaped(rt, x, [-1]);
    const positions = L.arrayFromData(rt, new PyTuple(picks), 'int32', ctx, true);
    const written = setAt(flat, positions, v, ctx);
    x.assign(L.reshaped(rt, written, [...x.shape]));
    for (const temporary of [flat, positions, written]) temporary.discard();
  } finally {
    if (v !== value) v.discard();
  }
}

const UFUNC: Partial<Record<BinaryOp, string>> = {
  '+': 'add', '-': 'subtract', '*': 'multiply', '/': 'divide', '//': 'floor_divide', '%': 'remainder', '**': 'power',
};

// NB: 'same_kind' casting lets an unsigned result into a signed array, never the reverse (np.can_cast(np.int16, np.uint8, 'same_kind') is False).
const KIND: Readonly<Record<DType, number>> = {
  bool: 0, uint8: 1, uint16: 1, uint32: 1, uint64: 1, int8: 2, int16: 2, int32: 2, int64: 2, float32: 3, float64: 3, 'key<fry>': -1, complex64: 4, complex128: 4,
};

/**
 * `x op= other` on a NumPy array: the result is written into `x` (writeOut), and `x` stays the
 * same object, as NumPy's ufuncs with `out=x` do.
 */
export function inplace(op: BinaryOp, x: PyArray, other: PyValue, ctx: HostContext): PyValue {
  if (x.traced) return NOT_IMPLEMENTED;
  if (op === '@') throw pyError('TypeError', "In-place matrix multiplication is not (yet) supported. Use 'a = a @ b' instead of 'a @= b'.");
  const ufunc = UFUNC[op];
  if (!ufunc) return NOT_IMPLEMENTED;
  if (!x.writeable) throw pyError('ValueError', 'output array is read-only');
  const r = x.binary(op, other, false, ctx);
  if (!(r instanceof PyArray)) return NOT_IMPLEMENTED;
  return writeOut(ufunc, r, x, ctx);
}

/**
 * Writes a ufunc's result `r` (a temporary) into the NumPy array `out` (and what `out` is a view
 * of), as `np.add(a, b, out=out)` and `out += b` do: a result of a wider kind (a float into an int
 * array) is NumPy's casting error, and a result of another shape NumPy's broadcast error.
 */
export function writeOut(ufunc: string, r: PyArray, out: PyArray, ctx: HostContext): PyArray {
  if (!out.writeable) {
    r.discard();
    throw pyError('ValueError', 'output array is read-only');
  }
  if (KIND[r.dtype] > KIND[out.dtype]) {
    throw pyError('TypeError', `Cannot cast ufunc '${ufunc}' output from dtype('${r.dtype}') to dtype('${out.dtype}') with casting rule 'same_kind'`);
  }
  if (r.shape.join(',') !== out.shape.join(',')) {
    throw pyError('ValueError', `non-broadcastable output operand with shape ${shapeText(out.shape)} doesn't match the broadcast shape ${shapeText(r.shape)}`);
  }
  out.assign(r.dtype === out.dtype ? r : valueArray(out, r, out.dtype, ctx));
  r.discard();
  return out;
}
