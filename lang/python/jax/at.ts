/**
 * `x.at[idx]`: JAX's functional index updates (`set`, `add`, `subtract`, `multiply`/`mul`,
 * `divide`, `power`, `min`, `max`, `get`). The index becomes the flat position in `x` of each
 * element of `x[idx]` (NumPy's indexing rules: ints, slices, None, Ellipsis, integer arrays), and
 * the update is the scatter_add, gather and select primitives over those positions, so every
 * transformation (grad, vmap, jit) uses their rules.
 */
import { isInteger, shapeEq, sizeOf, wordsPerElement, type DType } from '../../../runtime/core';
import { bindArgs, ELLIPSIS, HostObject, hostType, pyError, pyFunction, type HostContext, PySlice, PyTuple, type PyValue, sliceIndices, typeName } from '../interpreter';
import { PyArray, type JaxRuntime } from './array';
import * as L from './lax';
import { Scalar, isTracer, type Val } from './values';

const HELPER_TYPE = hostType('_IndexUpdateHelper', 'jax._src.numpy.array_methods');
const REF_TYPE = hostType('_IndexUpdateRef', 'jax._src.numpy.array_methods');

/**
 * What keeps an array for `x.at` and `x.at[idx]` (and the index): each is a value the interpreter
 * counts the names of, so `x = x.at[i].set(v)` in a loop frees the old x once the statement ends,
 * and `h = x.at; del x` keeps x's values for h.
 */
abstract class ArrayKeeper extends HostObject {
  private kept: readonly PyArray[];

  constructor(kept: readonly PyValue[]) {
    super();
    this.kept = kept.filter((k): k is PyArray => k instanceof PyArray && k.collectable);
    for (const k of this.kept) k.keep();
  }

  override get collectable(): boolean {
    return true;
  }

  override collect(): boolean {
    for (const k of this.kept) k.letGo();
    this.kept = [];
    return true;
  }
}

/** `x.at`. */
export class IndexUpdateHelper extends ArrayKeeper {
  constructor(readonly array: PyArray) {
    super([array]);
  }
  get pyType() { return HELPER_TYPE; }
  override getitem(index: PyValue): PyValue { return new IndexUpdateRef(this.array, index); }
  override repr(ctx: HostContext): string { return `_IndexUpdateHelper(${ctx.repr(this.array)})`; }
}

type Update = 'set' | 'add' | 'mul' | 'div' | 'pow' | 'min' | 'max';
const UPDATES: Readonly<Record<string, Update | 'sub'>> = {
  set: 'set', add: 'add', subtract: 'sub', multiply: 'mul', mul: 'mul', divide: 'div', power: 'pow', min: 'min', max: 'max',
};
const UPDATE_SPEC = ['values', '*', 'indices_are_sorted?', 'unique_indices?', 'mode?', 'wrap_negative_indices?', 'out_sharding?'];

/** `x.at[idx]`. */
export class IndexUpdateRef extends ArrayKeeper {
  constructor(readonly array: PyArray, readonly indexer: PyValue) {
    super([array, ...(indexer instanceof PyTuple ? indexer.items : [indexer])]);
  }
  get pyType() { return REF_TYPE; }
  override repr(ctx: HostContext): string { return `_IndexUpdateRef(${ctx.repr(this.array)}, ${ctx.repr(this.indexer)})`; }
  override getattr(name: string): PyValue | undefined {
    const x = this.array;
    if (name === 'get') {
      return pyFunction('get', (args, kwargs, ctx) => {
        const a = bindArgs('get', ['*', 'indices_are_sorted?', 'unique_indices?', 'mode?', 'fill_value?', 'wrap_negative_indices?', 'out_sharding?'], args, kwargs, ctx);
        const mode = modeOf(a.opt('mode'), 'clip');
        const fill = a.opt('fill_value');
        return L.op(x.rt, () => gatherAt(x, this.indexer, mode, fill === undefined ? null : L.operand(x.rt, fill, ctx).v, a.bool('wrap_negative_indices', true), ctx));
      });
    }
    if (name === 'apply') {
      return pyFunction('apply', () => {
        throw pyError('NotImplementedError', 'x.at[idx].apply(func) is not supported by Gradlens; write x.at[idx].set(func(x[idx]))');
      });
    }
    const kind = UPDATES[name];
    if (!kind) return undefined;
    return pyFunction(name, (args, kwargs, ctx) => {
      const a = bindArgs(name, UPDATE_SPEC, args, kwargs, ctx);
      const mode = modeOf(a.opt('mode'), 'drop');
      let values: PyValue = a.required('values');
      if (kind === 'sub') values = L.unary(x.rt, 'neg', L.asArray(x.rt, values, ctx), ctx);
      const u = values;
      return L.op(x.rt, () => scatterAt(x, this.indexer, kind === 'sub' ? 'add' : kind, u, mode, a.bool('wrap_negative_indices', true), ctx));
    });
  }
}

type Mode = 'clip' | 'drop' | 'fill';

/** JAX's GatherScatterMode by name; `promise_in_bounds` clips gathers and drops scatters, as XLA does. */
function modeOf(v: PyValue | undefined, promised: Mode): Mode {
  if (v === undefined) return promised;
  const name = typeof v === 'string' ? v : null;
  switch (name) {
    case 'clip': return 'clip';
    case 'drop': return 'drop';
    case 'fill': return 'fill';
    case 'promise_in_bounds': return promised;
  }
  throw pyError('ValueError', `Unknown gather mode "${name ?? typeName(v)}"`);
}

/** Where `x[idx]`'s elements sit in `x`, flattened. */
interface Positions {
  /** The shape of `x[idx]`. */
  readonly shape: number[];
  /** int32, shape `shape`: each element's position in `x` flattened (after the mode's clipping). */
  readonly flat: Val;
  /** bool, shape `shape`, or null when every position is in bounds. */
  readonly valid: Val | null;
  /** Whether two elements may share a position: some integer array index has more than one element. */
  readonly mayRepeat: boolean;
}

type Item = { kind: 'none' } | { kind: 'slice'; start: number; step: number; count: number } | { kind: 'array'; v: Val };

function positions(x: PyArray, index: PyValue, mode: Mode, wrap: boolean, ctx: HostContext): Positions {
  const rt = x.rt;
  const o = rt.o;
  const raw = index instanceof PyTuple ? index.items : [index];
  const rank = x.shape.length;
  const used = raw.filter((i) => i !== null && i !== ELLIPSIS).length;
  if (used > rank) throw pyError('IndexError', `Too many indices: ${rank}-dimensional array indexed with ${used} regular ${used === 1 ? 'index' : 'indices'}.`);
  const expanded: PyValue[] = [];
  for (const it of raw) {
    if (it === ELLIPSIS) for (let k = 0; k < rank - used; k++) expanded.push(new PySlice(null, null, null));
    else expanded.push(it);
  }
  while (expanded.filter((i) => i !== null).length < rank) expanded.push(new PySlice(null, null, null));
  let dim = 0;
  const items: Item[] = expanded.map((it): Item => {
    if (it === null) return { kind: 'none' };
    const n = x.shape[dim++];
    if (it instanceof PySlice) {
      const s = sliceIndices(it, n, ctx);
      return { kind: 'slice', start: s.start, step: s.step, count: s.count };
    }
    const v = L.operand(rt, it, ctx).v;
    if (v.dtype === 'bool') throw pyError('NotImplementedError', 'boolean indices in x.at[...] are not supported by Gradlens; use jnp.where(mask, new, x)');
    if (!isInteger(v.dtype)) throw pyError('IndexError', 'Indexer must have integer or boolean type, got indexer with type float32 at position 0, indexer value ' + ctx.repr(it));
    return { kind: 'array', v: L.cast(rt, v, 'int32') };
  });
  const arrays = items.flatMap((it, k) => (it.kind === 'array' ? [{ k, v: it.v }] : []));
  const bshape = broadcastShapes(arrays.map((a) => a.v.shape));
  const adjacent = arrays.every((a, j) => j === 0 || a.k === arrays[j - 1].k + 1);
  // NumPy: the broadcast array dims replace the array indices where these are adjacent, else lead.
  const shape: number[] = adjacent ? [] : [...bshape];
  const at: number[] = [];
  let bStart = adjacent ? -1 : 0;
  items.forEach((it, k) => {
    at.push(shape.length);
    if (it.kind === 'none') shape.push(1);
    else if (it.kind === 'slice') shape.push(it.count);
    else if (adjacent && k === arrays[0].k) {
      bStart = shape.length;
      shape.push(...bshape);
    }
  });
  // An integer array index, broadcast to the arrays' shape, laid along its result axes and broadcast to `shape`.
  const place = (v: Val): Val => {
    const full = Array.from({ length: shape.length }, () => 1);
    bshape.forEach((d, i) => { full[bStart + i] = d; });
    return o.broadcastInDim(o.reshape(o.broadcastTo(v, bshape), full), shape, full.map((_, i) => i));
  };
  let flat: Val | null = null;
  let valid: Val | null = null;
  let stride = sizeOf(x.shape);
  dim = 0;
  items.forEach((it, k) => {
    if (it.kind === 'none') return;
    const n = x.shape[dim++];
    stride /= n;
    let idx: Val;
    if (it.kind === 'slice') {
      const full = shape.map((_, i) => (i === at[k] ? it.count : 1));
      const ids = rt.upload(Array.from({ length: it.count }, (_, j) => it.start + j * it.step), full, 'int32');
      idx = o.broadcastInDim(ids, shape, full.map((_, i) => i));
    } else {
      let v = it.v;
      if (wrap) v = o.select(o.lt(v, int(0)), o.add(v, int(n)), v);
      if (mode === 'clip') v = o.max(o.min(v, int(n - 1)), int(0));
      else {
        const ok = o.select(o.ge(v, int(0)), o.lt(v, int(n)), new Scalar(0, 'bool'));
        const okFull = place(ok);
        valid = valid === null ? okFull : o.select(valid, okFull, valid);
        v = o.max(o.min(v, int(n - 1)), int(0));
      }
      idx = place(v);
    }
    const term = stride === 1 ? idx : o.mul(idx, int(stride));
    flat = flat === null ? term : o.add(flat, term);
  });
  const all: Val = flat ?? o.full(shape, 0, 'int32');
  return { shape, flat: all, valid: valid && !knownTrue(rt, valid) ? valid : null, mayRepeat: sizeOf(bshape) > 1 };
}

const int = (v: number) => new Scalar(v, 'int32');

function knownTrue(rt: JaxRuntime, v: Val): boolean {
  const k = concrete(rt, v);
  return k !== null && Array.from(k).every((b) => b !== 0);
}

/** The values of `v` where they are known (a concrete array, or a tracer over concrete primals). */
function concrete(rt: JaxRuntime, v: Val): ArrayLike<number> | null {
  if (!isTracer(v)) return rt.read(v);
  const k = rt.knownValue(v);
  return k ? rt.read(k) : null;
}

function broadcastShapes(shapes: readonly (readonly number[])[]): number[] {
  const rank = Math.max(0, ...shapes.map((s) => s.length));
  const out = Array.from({ length: rank }, () => 1);
  for (const s of shapes) {
    s.forEach((d, i) => {
      const j = rank - s.length + i;
      if (d !== 1 && out[j] !== 1 && out[j] !== d) throw pyError('IndexError', `shape mismatch: indexing arrays could not be broadcast together with shapes ${shapes.map((t) => `(${t.join(',')}${t.length === 1 ? ',' : ''})`).join(' ')}`);
      if (d !== 1) out[j] = d;
    });
  }
  return out;
}

export function gatherAt(x: PyArray, index: PyValue, mode: Mode, fill: Val | null, wrap: boolean, ctx: HostContext): PyArray {
  const rt = x.rt;
  const o = rt.o;
  const p = positions(x, index, mode === 'clip' ? 'clip' : 'fill', wrap, ctx);
  const n = sizeOf(p.shape);
  let out = o.reshape(o.gather(o.reshape(x.v, [sizeOf(x.shape)]), o.reshape(p.flat, [n]), 0), p.shape);
  if (p.valid) {
    const f = fill === null ? new Scalar(x.dtype === 'bool' ? 1 : x.dtype === 'int32' ? -(2 ** 31) : NaN, x.dtype) : L.cast(rt, fill, x.dtype);
    out = o.select(p.valid, out, o.broadcastTo(f, p.shape));
  }
  return L.wrap(rt, out, x.weak, x.numpy);
}

/** `x.at[index].set(values)`, as NumPy's `x[index] = values` writes it (numpy_views.ts). */
export function setAt(x: PyArray, index: PyValue, values: PyValue, ctx: HostContext): PyArray {
  return L.op(x.rt, () => scatterAt(x, index, 'set', values, 'drop', true, ctx));
}

/**
 * `x` with `values` written at `index`, on concrete arrays: one new array, x's values copied once
 * and the values (cast to x's dtype) written at their positions, the last of a repeated position
 * winning as in NumPy; the scatter's masks and selects made ~5 arrays of x's size.
 */
function writtenAt(x: PyArray, index: PyValue, values: PyValue, mode: Mode, wrap: boolean, ctx: HostContext): PyArray {
  const rt = x.rt;
  const p = positions(x, index, mode === 'clip' ? 'clip' : 'drop', wrap, ctx);
  const u0 = L.operand(rt, values, ctx).v;
  if (!broadcasts(u0.shape, p.shape)) {
    throw pyError('ValueError', `Incompatible shapes for broadcasting: ${fmt(u0.shape)} and requested shape ${fmt(p.shape)}`);
  }
  const at = rt.read(p.flat);
  const valid = p.valid === null ? null : rt.read(p.valid);
  const u = rt.read(sizeOf(u0.shape) === 1 || shapeEq(u0.shape, p.shape) ? u0 : rt.o.broadcastTo(u0, p.shape));
  const cast = x.dtype === 'bool' ? (v: number) => (v !== 0 ? 1 : 0) : isInteger(x.dtype) ? Math.trunc : (v: number) => v;
  // NB: a backend's read is a copy of its own: this is the one copy.
  const data = rt.read(x.v) as Float64Array;
  for (let k = 0; k < at.length; k++) if (valid === null || valid[k]) data[at[k]] = cast(u[u.length === 1 ? 0 : k]);
  return L.wrap(rt, rt.upload(data, x.shape, x.dtype), x.weak, x.numpy);
}

function scatterAt(x: PyArray, index: PyValue, kind: Update, values: PyValue, mode: Mode, wrap: boolean, ctx: HostContext): PyArray {
  // NB: a key array's elements are two words each: it scatters.
  const concrete = !isTracer(x.v) && !(values instanceof PyArray && values.traced) && wordsPerElement(x.dtype) === 1;
  if (kind === 'set' && concrete) return writtenAt(x, index, values, mode, wrap, ctx);
  const rt = x.rt;
  const o = rt.o;
  const p = positions(x, index, mode === 'clip' ? 'clip' : 'drop', wrap, ctx);
  const size = sizeOf(x.shape);
  const m = sizeOf(p.shape);
  const dtype: DType = x.dtype === 'bool' ? 'int32' : x.dtype;
  if (kind === 'pow' && dtype === 'int32') throw pyError('NotImplementedError', 'x.at[idx].power on integer arrays is not supported by Gradlens');
  const u0 = L.cast(rt, L.operand(rt, values, ctx).v, dtype);
  if (!broadcasts(u0.shape, p.shape)) {
    throw pyError('ValueError', `Incompatible shapes for broadcasting: ${fmt(u0.shape)} and requested shape ${fmt(p.shape)}`);
  }
  // Out-of-bounds elements (mode drop) write to one slot past the end, which is cut off.
  let pos: Val = o.reshape(p.flat, [m]);
  if (p.valid) pos = o.select(o.reshape(p.valid, [m]), pos, o.full([m], size, 'int32'));
  const u = o.reshape(o.broadcastTo(u0 instanceof Scalar ? rt.place(u0) : u0, p.shape), [m]);
  let flatX: Val = o.reshape(L.cast(rt, x.v, dtype), [size]);
  if (kind === 'add') flatX = o.add(flatX, scatter(rt, u, pos, size));
  else {
    for (const round of rounds(rt, pos, size, p.mayRepeat, kind)) {
      const pr = round === null ? pos : o.gather(pos, round, 0);
      const ur = round === null ? u : o.gather(u, round, 0);
      flatX = updateOnce(rt, flatX, kind, ur, pr, size);
    }
  }
  const out = o.reshape(flatX, x.shape);
  return L.wrap(rt, x.dtype === 'bool' ? o.ne(out, int(0)) : out, x.weak, x.numpy);
}

/** Zeros of `size` with `u` added at `pos` (positions may be `size`, the dropped slot). */
function scatter(rt: JaxRuntime, u: Val, pos: Val, size: number): Val {
  const o = rt.o;
  return o.slice(o.scatterAdd(u, pos, 0, [size + 1]), [0], [size]);
}

/** One update at distinct positions. */
function updateOnce(rt: JaxRuntime, x: Val, kind: Exclude<Update, 'add'>, u: Val, pos: Val, size: number): Val {
  const o = rt.o;
  const s = scatter(rt, u, pos, size);
  const hit = o.gt(scatter(rt, o.full(u.shape, 1, 'int32'), pos, size), int(0));
  const one = new Scalar(1, x.dtype);
  switch (kind) {
    case 'set': return o.select(hit, s, x);
    case 'mul': return o.select(hit, o.mul(x, s), x);
    // NB: the untaken branch must stay finite, or its zero cotangent times an infinite derivative is NaN.
    case 'div': return o.select(hit, o.div(x, o.select(hit, s, o.broadcastTo(one, [size]))), x);
    case 'pow': return o.select(hit, o.pow(o.select(hit, x, o.broadcastTo(one, [size])), s), x);
    case 'min': return o.select(hit, o.min(x, s), x);
    case 'max': return o.select(hit, o.max(x, s), x);
  }
}

/**
 * The update applied in rounds where positions repeat, each round taking the next occurrence of
 * each position, so repeated updates apply one after another in index order as XLA's CPU scatter
 * does (the last `set` wins). `null`: one round of all elements.
 */
function rounds(rt: JaxRuntime, pos: Val, size: number, mayRepeat: boolean, kind: Update): (Val | null)[] {
  if (!mayRepeat) return [null];
  const values = concrete(rt, pos);
  if (values === null) {
    throw pyError('NotImplementedError', `x.at[idx].${kind === 'mul' ? 'multiply' : kind === 'div' ? 'divide' : kind === 'pow' ? 'power' : kind} with a traced index array of more than one element is not supported by Gradlens: `
      + 'it cannot rule out repeated indices, whose updates JAX applies one after another; use .add, or indices that are not traced (a NumPy or Python list closed over)');
  }
  const seen = new Map<number, number>();
  const occurrence = Array.from(values, (p) => {
    if (p === size) return 0;
    const k = seen.get(p) ?? 0;
    seen.set(p, k + 1);
    return k;
  });
  const last = Math.max(0, ...occurrence);
  if (last === 0) return [null];
  return Array.from({ length: last + 1 }, (_, r) => {
    const ids = occurrence.flatMap((k, i) => (k === r && values[i] !== size ? [i] : []));
    return rt.upload(ids, [ids.length], 'int32');
  });
}

function broadcasts(from: readonly number[], to: readonly number[]): boolean {
  if (shapeEq(from, to)) return true;
  if (from.length > to.length) return false;
  return from.every((d, i) => d === 1 || d === to[to.length - from.length + i]);
}

const fmt = (s: readonly number[]) => `(${s.join(', ')}${s.length === 1 ? ',' : ''})`;
