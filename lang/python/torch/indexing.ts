/**
 * `x[index]` and `x[index] = v` with PyTorch's (NumPy's) rules: ints, slices with steps, None,
 * Ellipsis, tuples of them, and advanced indices (int lists and tensors, bool masks).
 * Basic indexing slices and reshapes, as PyTorch's views do; advanced indexing gathers.
 */
import { stridesOf } from '../../../runtime/core';
import { dropDims, gradEdge, scatterInto, sliceLayout, unsqueezeLayout, type Layout, type Tensor } from '../../../runtime/eager';
import { pyError, HostObject, type HostContext, ELLIPSIS, PyList, PyRange, PySlice, PyTuple, type PyValue, sliceIndices, toIndex, typeName } from '../interpreter';
import { asTensor } from './arith';
import { isFloating } from './dtype';
import { PyTensor, checkInPlace } from './tensor';
import { asView, rename } from './tensor_ops';

type Item =
  | { kind: 'int'; i: number; dim: number }
  | { kind: 'slice'; start: number; step: number; count: number; dim: number }
  | { kind: 'none' }
  | { kind: 'adv'; shape: number[]; values: number[]; dim: number };

function isAdvanced(v: PyValue): boolean {
  return v instanceof PyList || (v instanceof PyTensor && (v.shape.length > 0 || v.dtype === 'bool'));
}

/** The index items with Ellipsis expanded and each bound to the source dim it consumes. */
function parse(x: PyTensor, index: PyValue, ctx: HostContext): Item[] {
  // A range indexes as the list of its ints (`x[range(n), target]`), as PyTorch reads any sequence.
  const raw = (index instanceof PyTuple ? [...index.items] : [index]).map((v) => (v instanceof PyRange ? new PyList(Array.from({ length: Number(v.length) }, (_, i) => v.at(BigInt(i)))) : v));
  const consumes = (v: PyValue) => (v === null || v === ELLIPSIS ? 0 : v instanceof PyTensor && v.dtype === 'bool' ? Math.max(v.shape.length, 1) : 1);
  const used = raw.reduce<number>((n, v) => n + consumes(v), 0);
  const rank = x.shape.length;
  if (used > rank) {
    if (rank === 0) throw pyError('IndexError', 'invalid index of a 0-dim tensor. Use `tensor.item()` in Python or `tensor.item<T>()` in C++ to convert a 0-dim tensor to a number');
    throw pyError('IndexError', `too many indices for tensor of dimension ${rank}`);
  }
  const items: Item[] = [];
  let dim = 0;
  let sawEllipsis = false;
  for (const v of raw) {
    if (v === ELLIPSIS) {
      if (sawEllipsis) throw pyError('IndexError', 'an index can only have a single ellipsis (\'...\')');
      sawEllipsis = true;
      for (let k = 0; k < rank - used; k++) items.push(sliceItem(new PySlice(null, null, null), x, dim++, ctx, true));
    } else if (v === null) items.push({ kind: 'none' });
    else if (v instanceof PySlice) items.push(sliceItem(v, x, dim++, ctx));
    else if (isAdvanced(v)) {
      const t = v instanceof PyTensor ? v : asTensor(x.rt, v, ctx, 'index');
      if (t.dtype === 'bool') {
        for (const item of maskItems(x, t, dim)) items.push(item);
        dim += Math.max(t.shape.length, 1);
      } else {
        if (isFloating(t.dtype)) throw pyError('IndexError', 'tensors used as indices must be long, int, byte or bool tensors');
        const size = x.shape[dim];
        const values = t.values().map((i) => checkBound(i, size, dim));
        items.push({ kind: 'adv', shape: [...t.shape], values, dim: dim++ });
      }
    } else {
      if (typeof v === 'number' || (v instanceof PyTensor && isFloating(v.dtype)) || !(typeof v === 'bigint' || typeof v === 'boolean' || v instanceof HostObject)) {
        throw pyError('IndexError', 'only integers, slices (`:`), ellipsis (`...`), None and long or byte Variables are valid tensor indices (got ' + typeName(v) + ')');
      }
      const i = Number(toIndex(v, ctx));
      items.push({ kind: 'int', i: checkBound(i, x.shape[dim], dim), dim: dim++ });
    }
  }
  while (dim < rank) items.push(sliceItem(new PySlice(null, null, null), x, dim++, ctx, true));
  return items;
}

function checkBound(i: number, size: number, dim: number): number {
  if (i < -size || i >= size) throw pyError('IndexError', `index ${i} is out of bounds for dimension ${dim} with size ${size}`);
  return i < 0 ? i + size : i;
}

function sliceItem(s: PySlice, x: PyTensor, dim: number, ctx: HostContext, implicit = false): Item & { implicit?: boolean } {
  const { start, step, count } = sliceIndices(s, x.shape[dim], ctx);
  if (step <= 0) throw pyError('ValueError', 'step must be greater than zero');
  return { kind: 'slice', start, step, count, dim, ...(implicit ? { implicit: true } : {}) };
}

/** A bool mask as NumPy reads it: one int index array per dim it covers, from its true positions. */
function maskItems(x: PyTensor, mask: PyTensor, dim: number): Item[] {
  const mshape = mask.shape.length ? mask.shape : [1];
  mshape.forEach((s, k) => {
    const size = x.shape.length ? x.shape[dim + k] : 1;
    if (s !== size) throw pyError('IndexError', `The shape of the mask [${mask.shape.join(', ')}] at index ${k} does not match the shape of the indexed tensor [${x.shape.join(', ')}] at index ${dim + k}`);
  });
  const values = mask.values();
  const strides = stridesOf(mshape);
  const hits: number[][] = mshape.map(() => []);
  values.forEach((v, flat) => {
    if (!v) return;
    mshape.forEach((_, k) => hits[k].push(Math.floor(flat / strides[k]) % mshape[k]));
  });
  return mshape.map((_, k) => ({ kind: 'adv', shape: [hits[k].length], values: hits[k], dim: dim + k }));
}

/** NumPy broadcasting of index array shapes. */
function broadcast(shapes: number[][]): number[] {
  const rank = Math.max(0, ...shapes.map((s) => s.length));
  const out = new Array<number>(rank).fill(1);
  for (const s of shapes) {
    s.forEach((d, i) => {
      const o = rank - s.length + i;
      if (out[o] === 1) out[o] = d;
      else if (d !== 1 && d !== out[o]) throw pyError('IndexError', `shape mismatch: indexing tensors could not be broadcast together with shapes ${shapes.map((q) => `[${q.join(', ')}]`).join(', ')}`);
    });
  }
  return out;
}

interface Located {
  /** Flat source positions, in the result's row-major order. */
  flat: number[];
  shape: number[];
}

/** The source position of every element of `x[index]` (the advanced-indexing path). */
function locate(x: PyTensor, items: Item[]): Located {
  type AdvItem = Extract<Item, { kind: 'adv' | 'int' }>;
  const adv = items.flatMap((it, k) => (it.kind === 'adv' || it.kind === 'int' ? [{ it: it as AdvItem, k }] : []));
  const advShape = broadcast(adv.map(({ it }) => (it.kind === 'adv' ? it.shape : [])));
  const advPositions = adv.map(({ k }) => k);
  const contiguous = advPositions.every((p, i) => i === 0 || p === advPositions[i - 1] + 1);
  type Out = { kind: 'slice'; item: Extract<Item, { kind: 'slice' }> } | { kind: 'none' } | { kind: 'adv' };
  const outs: Out[] = [];
  let placed = false;
  if (!contiguous) {
    outs.push({ kind: 'adv' });
    placed = true;
  }
  for (const it of items) {
    if (it.kind === 'slice') outs.push({ kind: 'slice', item: it });
    else if (it.kind === 'none') outs.push({ kind: 'none' });
    else if (!placed) {
      outs.push({ kind: 'adv' });
      placed = true;
    }
  }
  const shape: number[] = outs.flatMap((o) => (o.kind === 'slice' ? [o.item.count] : o.kind === 'none' ? [1] : advShape));
  const strides = stridesOf(x.shape);
  const advStrides = stridesOf(advShape);
  const advSize = advShape.reduce((p, d) => p * d, 1);
  // Each advanced item's value at each position of the broadcast shape.
  const advAt = adv.map(({ it }) => {
    if (it.kind === 'int') return () => it.i;
    const own = stridesOf(it.shape);
    const lead = advShape.length - it.shape.length;
    return (pos: number) => {
      let src = 0;
      it.shape.forEach((d, i) => {
        if (d !== 1) src += (Math.floor(pos / advStrides[lead + i]) % advShape[lead + i]) * own[i];
      });
      return it.values[src];
    };
  });
  const total = shape.reduce((p, d) => p * d, 1);
  x.rt.ctx.tick(total);
  const flat = new Array<number>(total);
  const outStrides = stridesOf(shape);
  for (let n = 0; n < total; n++) {
    let src = 0;
    let axisOut = 0;
    let advPos = 0;
    for (const o of outs) {
      if (o.kind === 'slice') {
        const c = Math.floor(n / outStrides[axisOut]) % shape[axisOut];
        src += (o.item.start + c * o.item.step) * strides[o.item.dim];
        axisOut++;
      } else if (o.kind === 'none') axisOut++;
      else {
        for (let i = 0; i < advShape.length; i++) advPos = advPos * advShape[i] + (Math.floor(n / outStrides[axisOut + i]) % shape[axisOut + i]);
        axisOut += advShape.length;
      }
    }
    adv.forEach(({ it }, j) => {
      src += advAt[j](advSize ? advPos : 0) * strides[it.dim];
    });
    flat[n] = src;
  }
  return { flat, shape };
}

function basicName(items: Item[], single: boolean): string {
  let name = 'AliasBackward0';
  for (const it of items) {
    if ((it as { implicit?: boolean }).implicit) continue;
    if (it.kind === 'int') name = 'SelectBackward0';
    else if (it.kind === 'slice') name = 'SliceBackward0';
    else if (it.kind === 'none') name = 'UnsqueezeBackward0';
  }
  void single;
  return name;
}

export function getIndex(x: PyTensor, index: PyValue, ctx: HostContext, name?: string): PyTensor {
  const rt = x.rt;
  const items = parse(x, index, ctx);
  const o = rt.ops;
  if (items.some((it) => it.kind === 'adv')) {
    const { flat, shape } = locate(x, items);
    return rt.run(() => {
      const idx = rt.engine.fromValues(flat, shape, 'int32');
      const out = o.gather(o.reshape(x.t, [x.numel]), idx, 0);
      return rt.result(rename(out, [x.t], 'IndexBackward0'), [x]);
    });
  }
  return rt.run(() => {
    const rank = x.shape.length;
    const start = x.shape.map(() => 0);
    const limit = [...x.shape];
    const strides = x.shape.map(() => 1);
    const shape: number[] = [];
    for (const it of items) {
      if (it.kind === 'int') {
        start[it.dim] = it.i;
        limit[it.dim] = it.i + 1;
      } else if (it.kind === 'slice') {
        start[it.dim] = it.start;
        limit[it.dim] = it.count ? it.start + (it.count - 1) * it.step + 1 : it.start;
        strides[it.dim] = it.step;
        shape.push(it.count);
      } else if (it.kind === 'none') shape.push(1);
    }
    const trivial = start.every((s, i) => s === 0 && limit[i] === x.shape[i] && strides[i] === 1);
    let out: Tensor = trivial || rank === 0 ? x.t : o.slice(x.t, start, limit, strides.some((s) => s !== 1) ? strides : null);
    out = o.bind('reshape', [out], { newSizes: shape });
    return rt.result(asView(x, rename(out, [x.t], name ?? basicName(items, !(index instanceof PyTuple))), (l) => basicLayout(l, items, start, strides)), [x]);
  });
}

/** Where basic indexing's result lies in x's memory: x sliced, its int-indexed dims dropped, a size-1 dim at each None. */
function basicLayout(l: Layout, items: readonly Item[], starts: readonly number[], steps: readonly number[]): Layout {
  let out = dropDims(sliceLayout(l, starts, steps), items.flatMap((it) => (it.kind === 'int' ? [it.dim] : [])));
  const shape = items.flatMap((it) => (it.kind === 'slice' ? [it.count] : []));
  let at = 0;
  for (const it of items) {
    if (it.kind === 'slice') at++;
    else if (it.kind === 'none') {
      out = unsqueezeLayout(out, shape, at);
      shape.splice(at++, 0, 1);
    }
  }
  return out;
}

export function setIndex(x: PyTensor, index: PyValue, value: PyValue, ctx: HostContext): void {
  const rt = x.rt;
  checkInPlace(x);
  const items = parse(x, index, ctx);
  const advanced = items.some((it) => it.kind === 'adv');
  const withAdv = advanced ? items : items.map((it): Item => (it.kind === 'int' ? { kind: 'adv', shape: [], values: [it.i], dim: it.dim } : it));
  const { flat, shape } = locate(x, withAdv);
  const v = asTensor(rt, value, ctx, 'value');
  try {
    writeIndexed(x, flat, shape, v, advanced);
  } finally {
    // A tensor made here of a Python number or list (`w[1, mask] = 0.5`) goes with the assignment.
    if (v !== value) v.collect();
  }
}

/** Writes `v`, broadcast to `shape`, at the flat positions `flat` of `x`. */
function writeIndexed(x: PyTensor, flat: readonly number[], shape: readonly number[], v: PyTensor, advanced: boolean): void {
  const rt = x.rt;
  const vshape = v.shape;
  const lead = shape.length - vshape.length;
  const fits = lead >= 0 ? vshape.every((d, i) => d === 1 || d === shape[lead + i]) : vshape.slice(0, -lead).every((d) => d === 1) && vshape.slice(-lead).every((d, i) => d === 1 || d === shape[i]);
  if (!fits) throw pyError('RuntimeError', `shape mismatch: value tensor of shape [${vshape.join(', ')}] cannot be broadcast to indexing result of shape [${shape.join(', ')}]`);
  rt.run(() => {
    const o = rt.ops;
    rt.engine.inPlace(x.t, (old) => {
      const vt = lead < 0 ? o.reshape(v.t, vshape.slice(-lead)) : v.t;
      const out = scatterInto(rt.engine, old, flat, o.broadcastTo(o.convert(vt, old.dtype), shape));
      if (advanced) return rename(out, [old], 'IndexPutBackward0');
      // CopySlices over a copy_ of the value: its edges are x's and the value's.
      if (out.gradFn) out.gradFn.shownNext = [gradEdge(old), gradEdge(v.t)];
      return rename(out, [old], 'CopySlices');
    });
  });
}
