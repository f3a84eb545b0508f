/**
 * NumPy's and jax.numpy's index tricks: `r_` and `c_` (concatenation by index syntax:
 * `np.c_[r * np.sin(t), r * np.cos(t)]`, the spiral data of cs231n and nnfs), `mgrid`/`ogrid`
 * (grids from slices, a complex step meaning a count: `np.mgrid[-1:1:5j, 0:3]`), `s_` and
 * `index_exp`. Each follows its library's Python source: numpy/lib/index_tricks.py (NumPy 1.24:
 * AxisConcatenator, nd_grid, IndexExpression) and jax/_src/numpy/index_tricks.py (JAX 0.4.35:
 * _AxisConcat, _Mgrid, _Ogrid), built from the module's own functions so dtypes and values are
 * theirs. The matrix directives 'r' and 'c' (np.matrix) are refused at the line.
 */
import { HostObject, hostType, type HostContext, PyBuiltin, PyComplex, PyList, pyError, PySlice, PyTuple, type PyValue, toFloat, typeName } from '../interpreter';
import { promoteTypes, type DType } from '../../../runtime/core';
import { PyArray, type JaxRuntime } from './array';
import { numpyResultDtype } from './numpy_promotion';

/** The module's own functions these are built from (numpy's or jax.numpy's, as the module wraps them). */
type ModuleFunctions = Readonly<Record<string, PyValue>>;

/** One call of a module function by name. */
function call(fns: ModuleFunctions, name: string, args: PyValue[], kwargs: [string, PyValue][], ctx: HostContext): PyValue {
  const f = fns[name];
  if (!(f instanceof PyBuiltin)) throw new Error(`index tricks: the module has no function ${name}`);
  return f.fn(args, new Map(kwargs), ctx);
}

const asArray = (fns: ModuleFunctions, x: PyValue, ctx: HostContext): PyArray => call(fns, 'asarray', [x], [], ctx) as PyArray;

/** `x` as an array of `dtype` (itself where it already is one). */
const ofDtype = (fns: ModuleFunctions, x: PyArray, dtype: DType, ctx: HostContext): PyArray =>
  x.dtype === dtype ? x : (call(fns, 'asarray', [x], [['dtype', dtype]], ctx) as PyArray);

/** A slice bound or step as NumPy counts it: a complex step (`5j`) by its magnitude. */
const magnitude = (v: PyValue): PyValue => (v instanceof PyComplex ? Math.hypot(v.re, v.im) : v);

/** A slice's step as a count of points (`5j`), or null for an ordinary step. */
function pointCount(step: PyValue): number | null {
  return step instanceof PyComplex ? Math.trunc(magnitude(step) as number) : null;
}

/** `start:stop:step` as the 1-D grid both libraries make of it: arange, or linspace for a complex step. */
function gridOfSlice(fns: ModuleFunctions, s: PySlice, ctx: HostContext): PyArray {
  const start = s.start ?? 0n;
  const count = pointCount(s.step);
  if (count !== null) return call(fns, 'linspace', [start, s.stop, BigInt(count)], [], ctx) as PyArray;
  return call(fns, 'arange', [start, s.stop, s.step ?? 1n], [], ctx) as PyArray;
}

/** `array(x, ndmin=ndmin)`: ones in front of the shape up to ndmin dimensions. */
function atLeast(fns: ModuleFunctions, x: PyArray, ndmin: number, ctx: HostContext): PyArray {
  if (x.shape.length >= ndmin) return x;
  const shape = [...Array<bigint>(ndmin - x.shape.length).fill(1n), ...x.shape.map(BigInt)];
  return call(fns, 'reshape', [x, new PyTuple(shape)], [], ctx) as PyArray;
}

const transposed = (fns: ModuleFunctions, x: PyArray, axes: readonly number[], ctx: HostContext): PyArray =>
  call(fns, 'transpose', [x, new PyTuple(axes.map(BigInt))], [], ctx) as PyArray;

interface Concatenation {
  readonly axis: number;
  readonly ndmin: number;
  readonly trans1d: number;
}

/** A leading string directive: 'axis' or 'axis,ndmin[,trans1d]' (the matrix directives are refused). */
function directive(text: string, defaults: Concatenation, numpy: boolean): Concatenation {
  if (text === 'r' || text === 'c') {
    throw pyError('NotImplementedError', `the matrix directive '${text}' (an np.matrix result) is not supported by Gradlens; use np.atleast_2d on the result`);
  }
  const parts = text.split(',').slice(0, 3).map((p) => p.trim());
  const ints = parts.map((p) => (/^[+-]?\d+$/.test(p) ? Number(p) : NaN));
  if (ints.some(Number.isNaN) || (numpy && parts.length === 2 && ints.length < 2)) {
    throw pyError('ValueError', numpy ? (text.includes(',') ? `unknown special directive '${text}'` : 'unknown special directive') : `could not understand directive '${text}'`);
  }
  if (ints.length === 1) return { ...defaults, axis: ints[0]! };
  return { axis: ints[0]!, ndmin: ints[1]!, trans1d: ints[2] ?? defaults.trans1d };
}

/**
 * Where an item of fewer than ndmin dimensions puts its own axes (trans1d): NumPy transposes by
 * `axes[:k1] + axes[k2:] + axes[k1:k2]`, JAX rotates left by `ndmin - |ndmin + trans1d + 1| % ndmin`.
 */
function placedAxes(ndmin: number, itemNdim: number, trans1d: number, numpy: boolean): number[] {
  const axes = Array.from({ length: ndmin }, (_, i) => i);
  if (!numpy) {
    const shifts = ndmin - (Math.abs(ndmin + trans1d + 1) % ndmin);
    return [...axes.slice(shifts), ...axes.slice(0, shifts)];
  }
  const k2 = ndmin - itemNdim;
  const k1 = trans1d < 0 ? trans1d + k2 + 1 : trans1d;
  return [...axes.slice(0, k1), ...axes.slice(k2), ...axes.slice(k1, k2)];
}

const CONCATENATOR_TYPES = {
  r_: { numpy: hostType('RClass', 'numpy.lib.index_tricks'), jax: hostType('RClass', 'jax._src.numpy.index_tricks') },
  c_: { numpy: hostType('CClass', 'numpy.lib.index_tricks'), jax: hostType('CClass', 'jax._src.numpy.index_tricks') },
} as const;

/** `r_` (axis 0) and `c_` (the last axis, items raised to 2-D as columns). */
class AxisConcatenator extends HostObject {
  constructor(
    private readonly rt: JaxRuntime,
    private readonly fns: ModuleFunctions,
    private readonly numpy: boolean,
    private readonly name: 'r_' | 'c_',
    private readonly defaults: Concatenation,
  ) {
    super();
  }

  get pyType() { return CONCATENATOR_TYPES[this.name][this.numpy ? 'numpy' : 'jax']; }

  override repr(): string {
    return this.numpy ? `<numpy.lib.index_tricks.${this.name === 'r_' ? 'RClass' : 'CClass'} object>` : `<jax._src.numpy.index_tricks.${this.name === 'r_' ? 'RClass' : 'CClass'} object>`;
  }

  override getitem(key: PyValue, ctx: HostContext): PyValue {
    if (typeof key === 'string') throw pyError('NotImplementedError', `np.${this.name} of a string (np.matrix's bmat syntax) is not supported by Gradlens`);
    let items = key instanceof PyTuple ? [...key.items] : [key];
    let spec = this.defaults;
    if (typeof items[0] === 'string') {
      spec = directive(items[0], this.defaults, this.numpy);
      items = items.slice(1);
    }
    const pieces: PyArray[] = [];
    const scalar: boolean[] = [];
    for (const item of items) {
      if (typeof item === 'string') {
        throw pyError('ValueError', this.numpy ? 'special directives must be the first entry.' : 'string directive must be placed at the beginning');
      }
      const isSlice = item instanceof PySlice;
      const isScalar = this.numpy && (typeof item === 'number' || typeof item === 'bigint' || typeof item === 'boolean');
      const raw = isSlice ? gridOfSlice(this.fns, item, ctx) : asArray(this.fns, item, ctx);
      // NB: NumPy raises a slice's grid to ndmin and moves its axis as a 1-D item's; JAX counts a slice as 0-d.
      const itemNdim = isSlice ? (this.numpy ? 1 : 0) : raw.shape.length;
      let piece = isScalar ? raw : atLeast(this.fns, raw, spec.ndmin, ctx);
      if (!isScalar && spec.trans1d !== -1 && itemNdim < spec.ndmin) piece = transposed(this.fns, piece, placedAxes(spec.ndmin, itemNdim, spec.trans1d, this.numpy), ctx);
      pieces.push(piece);
      scalar.push(isScalar);
    }
    if (pieces.length === 0) return call(this.fns, 'array', [new PyList([])], [], ctx);
    // NumPy casts every piece to the result type of the arrays' dtypes and the scalars' values
    // (value-based: np.r_[int32_array, 3] stays int32), then concatenates.
    const final = this.numpy ? numpyResultDtype(this.rt, pieces.map((p, i) => ({ v: p.v, weak: scalar[i]! }))) : null;
    const joined = pieces.map((p, i) => {
      const raised = scalar[i] ? atLeast(this.fns, p, spec.ndmin, ctx) : p;
      return final === null ? raised : ofDtype(this.fns, raised, final, ctx);
    });
    return call(this.fns, 'concatenate', [new PyTuple(joined)], [['axis', BigInt(spec.axis)]], ctx);
  }
}

const GRID_TYPES = {
  mgrid: { numpy: hostType('MGridClass', 'numpy.lib.index_tricks'), jax: hostType('_Mgrid', 'jax._src.numpy.index_tricks') },
  ogrid: { numpy: hostType('OGridClass', 'numpy.lib.index_tricks'), jax: hostType('_Ogrid', 'jax._src.numpy.index_tricks') },
} as const;

/** A number of a slice (int or float) as NumPy reads it; a complex one is a step count. */
function sliceNumber(v: PyValue, ctx: HostContext): number {
  return toFloat(magnitude(v), ctx);
}

/** `mgrid` (dense) and `ogrid` (open): index grids over slices. */
class GridMaker extends HostObject {
  constructor(
    private readonly rt: JaxRuntime,
    private readonly fns: ModuleFunctions,
    private readonly numpy: boolean,
    private readonly sparse: boolean,
  ) {
    super();
  }

  get pyType() { return GRID_TYPES[this.sparse ? 'ogrid' : 'mgrid'][this.numpy ? 'numpy' : 'jax']; }

  override getitem(key: PyValue, ctx: HostContext): PyValue {
    const name = this.sparse ? 'ogrid' : 'mgrid';
    if (key instanceof PySlice) return this.numpy ? this.numpyLine(key, ctx) : gridOfSlice(this.fns, key, ctx);
    const slices = key instanceof PyTuple ? key.items : [key];
    for (const s of slices) if (!(s instanceof PySlice)) throw pyError(this.numpy ? 'TypeError' : 'AttributeError', this.numpy ? `'${typeName(s)}' object is not subscriptable` : `'${typeName(s)}' object has no attribute 'start' (jnp.${name} takes slices)`);
    const lines = (slices as PySlice[]).map((s) => (this.numpy ? this.numpyAxis(s, ctx) : gridOfSlice(this.fns, s, ctx)));
    // NumPy: every axis in the result type of 0 and all starts, stops and steps (a count step as its
    // magnitude); JAX: the 1-D grids promoted together.
    const dtype = this.numpy
      ? numpyResultDtype(this.rt, [0n, ...(slices as PySlice[]).flatMap((p) => [p.start ?? 0n, p.stop, p.step ?? 1n])]
        .map((v) => ({ v: asArray(this.fns, magnitude(v), ctx).v, weak: true })))
      : lines.map((l) => l.dtype).reduce(promoteTypes);
    const typed = lines.map((l) => ofDtype(this.fns, l, dtype, ctx));
    if (typed.length === 0) return this.numpy ? new PyList([]) : call(this.fns, 'arange', [0n], [], ctx);
    const sizes = typed.map((l) => BigInt(l.shape[0]!));
    if (this.sparse) {
      // Each axis's values along its own axis, ones elsewhere: (n, 1), (1, m), as meshgrid(sparse=True, indexing='ij').
      return new PyList(typed.map((l, k) => call(this.fns, 'reshape', [l, new PyTuple(sizes.map((n, j) => (j === k ? n : 1n)))], [], ctx)));
    }
    const grids = call(this.fns, 'meshgrid', typed, [['indexing', 'ij']], ctx) as PyList;
    return call(this.fns, 'stack', [grids], [], ctx);
  }

  /** NumPy's values along one axis of a grid: `index * step + start` (a count step: (stop - start) / (count - 1)). */
  private numpyAxis(s: PySlice, ctx: HostContext): PyArray {
    const start = s.start === null ? 0 : sliceNumber(s.start, ctx);
    const count = pointCount(s.step);
    const stop = sliceNumber(s.stop, ctx);
    if (count !== null) {
      const step = count !== 1 ? (stop - start) / (count - 1) : 1;
      return this.scaled(call(this.fns, 'arange', [BigInt(count)], [], ctx) as PyArray, step, start, ctx);
    }
    const step = s.step === null ? 1 : sliceNumber(s.step, ctx);
    const size = Math.ceil((stop - start) / step);
    const ints = [s.start, s.stop, s.step].every((v) => v === null || typeof v === 'bigint');
    const index = call(this.fns, 'arange', [BigInt(Math.max(0, size))], [], ctx) as PyArray;
    return ints ? (call(this.fns, 'add', [call(this.fns, 'multiply', [index, s.step ?? 1n], [], ctx), s.start ?? 0n], [], ctx) as PyArray) : this.scaled(index, step, start, ctx);
  }

  /** NumPy's one-slice grid (`np.mgrid[0:1:5j]`): arange(0, count) * step + start, or arange(start, stop, step). */
  private numpyLine(s: PySlice, ctx: HostContext): PyArray {
    if (pointCount(s.step) !== null) return this.numpyAxis(s, ctx);
    return call(this.fns, 'arange', [s.start ?? 0n, s.stop, ...(s.step === null ? [] : [s.step])], [], ctx) as PyArray;
  }

  private scaled(index: PyArray, step: number, start: number, ctx: HostContext): PyArray {
    return call(this.fns, 'add', [call(this.fns, 'multiply', [index, step], [], ctx), start], [], ctx) as PyArray;
  }
}

const INDEX_EXPRESSION_TYPE = hostType('IndexExpression', 'numpy.lib.index_tricks');

/** `s_` (the index as written) and `index_exp` (always a tuple): NumPy's IndexExpression, which jax.numpy re-exports. */
class IndexExpression extends HostObject {
  constructor(private readonly makeTuple: boolean) {
    super();
  }

  get pyType() { return INDEX_EXPRESSION_TYPE; }

  override getitem(key: PyValue): PyValue {
    return this.makeTuple && !(key instanceof PyTuple) ? new PyTuple([key]) : key;
  }
}

/** The index tricks of numpy (`numpy` true) or jax.numpy, over that module's own functions. */
export function indexTricks(rt: JaxRuntime, fns: ModuleFunctions, numpy: boolean): Record<string, PyValue> {
  return {
    r_: new AxisConcatenator(rt, fns, numpy, 'r_', { axis: 0, ndmin: 1, trans1d: -1 }),
    c_: new AxisConcatenator(rt, fns, numpy, 'c_', { axis: -1, ndmin: 2, trans1d: 0 }),
    mgrid: new GridMaker(rt, fns, numpy, false),
    ogrid: new GridMaker(rt, fns, numpy, true),
    s_: new IndexExpression(false),
    index_exp: new IndexExpression(true),
  };
}
