/**
 * unique, unique_consecutive, bincount and histc as PyTorch 1.13's CPU kernels compute them, on
 * the host: their output sizes are the data's. None has a gradient (PyTorch's Unique2Backward0
 * raises on backward), so their values are made without one.
 */
import { bindArgs, type Args, pyError, type HostContext, PyTuple, type PyValue, typeName } from '../interpreter';
import { SCALAR_TYPE, isFloating, type TorchDTypeName } from './dtype';
import { PyTensor, type Method } from './tensor';
import * as T from './tensor_ops';

function def(name: string, spec: readonly string[], body: (x: PyTensor, a: Args, ctx: HostContext) => PyValue): Method {
  return (self, args, kwargs, ctx) => body(self, bindArgs(name, spec, args, kwargs, ctx), ctx);
}

/** x's values as slices along `axis` (each a row of the slice's values in row-major order). */
function slicesAlong(x: PyTensor, axis: number): number[][] {
  const values = x.values();
  const n = x.shape[axis];
  const inner = x.shape.slice(axis + 1).reduce((p, d) => p * d, 1);
  const outer = x.shape.slice(0, axis).reduce((p, d) => p * d, 1);
  return Array.from({ length: n }, (_, j) => {
    const slice: number[] = [];
    for (let o = 0; o < outer; o++) for (let i = 0; i < inner; i++) slice.push(values[(o * n + j) * inner + i]);
    return slice;
  });
}

/** The slices back as a tensor of x's shape with `count` along `axis`. */
function fromSlices(x: PyTensor, axis: number, slices: readonly number[][]): PyTensor {
  const n = slices.length;
  const inner = x.shape.slice(axis + 1).reduce((p, d) => p * d, 1);
  const outer = x.shape.slice(0, axis).reduce((p, d) => p * d, 1);
  const out = new Float64Array(outer * n * inner);
  slices.forEach((slice, j) => {
    for (let o = 0; o < outer; o++) for (let i = 0; i < inner; i++) out[(o * n + j) * inner + i] = slice[o * inner + i];
  });
  return x.rt.fromValues(out, x.shape.map((d, i) => (i === axis ? n : d)), x.dtype);
}

function compareSlices(a: readonly number[], b: readonly number[]): number {
  for (let i = 0; i < a.length; i++) if (a[i] !== b[i]) return a[i] < b[i] ? -1 : 1;
  return 0;
}

interface Grouped { readonly keys: number[][]; readonly inverse: number[]; readonly counts: number[] }

/** Distinct slices in ascending order, each slice's place among them, and how often each occurs. */
function groupSorted(slices: readonly number[][]): Grouped {
  const order = slices.map((_, i) => i).sort((i, j) => compareSlices(slices[i], slices[j]) || i - j);
  return groupRuns(order.map((i) => slices[i]), order);
}

/** Runs of equal slices in the order given (`origin[k]` is where the k-th slice was in the input). */
function groupRuns(slices: readonly number[][], origin: readonly number[]): Grouped {
  const keys: number[][] = [];
  const counts: number[] = [];
  const inverse = new Array<number>(slices.length);
  slices.forEach((s, k) => {
    if (keys.length === 0 || compareSlices(keys[keys.length - 1], s) !== 0) {
      keys.push(s);
      counts.push(0);
    }
    counts[counts.length - 1]++;
    inverse[origin[k]] = keys.length - 1;
  });
  return { keys, inverse, counts };
}

/** unique's and unique_consecutive's answer: the values alone, or a tuple with the inverse and counts asked for. */
function answer(x: PyTensor, a: Args, consecutive: boolean): PyValue {
  const rt = x.rt;
  const dim = a.opt('dim') === undefined ? null : T.axis(x, a.int('dim'));
  const slices = dim === null ? x.values().map((v) => [v]) : slicesAlong(x, dim);
  const g = consecutive ? groupRuns(slices, slices.map((_, i) => i)) : groupSorted(slices);
  const values = dim === null ? rt.fromValues(g.keys.map((k) => k[0]), [g.keys.length], x.dtype) : fromSlices(x, dim, g.keys);
  const parts: PyValue[] = [values];
  if (a.bool('return_inverse', false)) parts.push(rt.fromValues(g.inverse, dim === null ? x.shape : [x.shape[dim]], 'int64'));
  if (a.bool('return_counts', false)) parts.push(rt.fromValues(g.counts, [g.counts.length], 'int64'));
  return parts.length === 1 ? values : new PyTuple(parts);
}

function unique(x: PyTensor, a: Args): PyValue {
  if (a.bool('sorted', true) || a.opt('dim') !== undefined) return answer(x, a, false);
  // PyTorch 1.13's CPU unique without a dim copies a std::unordered_set in its iteration order.
  const values = x.values();
  const keys = unorderedSetOrder(values, x.dtype);
  const place = new Map(keys.map((k, i) => [k, i]));
  const rt = x.rt;
  const parts: PyValue[] = [rt.fromValues(keys, [keys.length], x.dtype)];
  if (a.bool('return_inverse', false)) parts.push(rt.fromValues(values.map((v) => place.get(v)!), x.shape, 'int64'));
  if (a.bool('return_counts', false)) {
    const counts = new Array<number>(keys.length).fill(0);
    for (const v of values) counts[place.get(v)!]++;
    parts.push(rt.fromValues(counts, [counts.length], 'int64'));
  }
  return parts.length === 1 ? parts[0] : new PyTuple(parts);
}

/** libstdc++'s bucket counts as an unordered_set grows by single insertions (13 first, then the prime past twice the last). */
const BUCKET_COUNTS = [
  13, 29, 59, 127, 257, 541, 1109, 2357, 5087, 10273, 20753, 42043, 85229, 172933, 351061, 712697, 1447153, 2938679, 5967347, 12117689,
  24607243, 49969847,
];

const MURMUR = 0xc6a4a7935bd1e995n;
const MASK = (1n << 64n) - 1n;
const shiftMix = (v: bigint) => v ^ (v >> 47n);

/** libstdc++'s std::hash of a float or double (_Hash_bytes over its bytes, seed 0xc70f6907; 0 for +-0). */
function floatHash(v: number, bytes: 4 | 8): bigint {
  if (v === 0) return 0n;
  const view = new DataView(new ArrayBuffer(8));
  if (bytes === 4) view.setFloat32(0, v, true);
  else view.setFloat64(0, v, true);
  let hash = 0xc70f6907n ^ ((BigInt(bytes) * MURMUR) & MASK);
  if (bytes === 8) {
    const data = (shiftMix((view.getBigUint64(0, true) * MURMUR) & MASK) * MURMUR) & MASK;
    hash = ((hash ^ data) * MURMUR) & MASK;
  } else {
    hash = ((hash ^ BigInt(view.getUint32(0, true))) * MURMUR) & MASK;
  }
  hash = (shiftMix(hash) * MURMUR) & MASK;
  return shiftMix(hash);
}

/**
 * The iteration order of a libstdc++ std::unordered_set filled from `values` in order: a singly
 * linked list where a key entering an empty bucket goes to the front and one entering a
 * non-empty bucket goes before that bucket's first key, rebuilt in list order at each rehash.
 */
function unorderedSetOrder(values: readonly number[], dtype: TorchDTypeName): number[] {
  const hash = (v: number): bigint => (isFloating(dtype) ? floatHash(v, dtype === 'float32' ? 4 : 8) : BigInt.asUintN(64, BigInt(v)));
  const keys: number[] = [];
  const hashes: bigint[] = [];
  const next: number[] = [];
  // NB: node -1 is the list's before-begin; before[b] is the node before bucket b's first, or undefined.
  let head = -1;
  let before = new Map<number, number>();
  let size = 0;
  let buckets = 1;
  const setNext = (node: number, to: number) => {
    if (node === -1) head = to;
    else next[node] = to;
  };
  const nextOf = (node: number) => (node === -1 ? head : next[node]);
  const bucketOf = (node: number) => Number(hashes[node] % BigInt(buckets));
  const seen = new Set<number>();
  for (const v of values) {
    if (seen.has(v)) continue;
    if (!Number.isNaN(v)) seen.add(v);
    if (buckets === 1 || size === buckets) {
      const order: number[] = [];
      for (let n = head; n !== -1; n = next[n]) order.push(n);
      buckets = BUCKET_COUNTS[BUCKET_COUNTS.indexOf(buckets) + 1];
      before = new Map();
      head = -1;
      let beginBucket = -1;
      for (const n of order) {
        const b = bucketOf(n);
        const at = before.get(b);
        if (at === undefined) {
          next[n] = head;
          head = n;
          before.set(b, -1);
          if (next[n] !== -1) before.set(beginBucket, n);
          beginBucket = b;
        } else {
          next[n] = nextOf(at);
          setNext(at, n);
        }
      }
    }
    const n = keys.length;
    keys.push(v);
    hashes.push(hash(v));
    const b = bucketOf(n);
    const at = before.get(b);
    if (at !== undefined) {
      next[n] = nextOf(at);
      setNext(at, n);
    } else {
      next[n] = head;
      head = n;
      if (next[n] !== -1) before.set(bucketOf(next[n]), n);
      before.set(b, -1);
    }
    size++;
  }
  const out: number[] = [];
  for (let n = head; n !== -1; n = next[n]) out.push(keys[n]);
  return out;
}

/** The float type weights accumulate in: float32 weights in float (rounded at each add), any other in double. */
function weightsType(w: PyTensor): TorchDTypeName {
  return w.dtype === 'float32' ? 'float32' : 'float64';
}

function bincount(x: PyTensor, a: Args): PyTensor {
  if (isFloating(x.dtype)) throw pyError('RuntimeError', `"bincount_cpu" not implemented for '${SCALAR_TYPE[x.dtype]}'`);
  const minlength = a.int('minlength', 0);
  if (minlength < 0) throw pyError('RuntimeError', 'minlength should be >= 0');
  const values = x.values();
  if (x.shape.length !== 1 || values.some((v) => v < 0)) throw pyError('RuntimeError', 'bincount only supports 1-d non-negative integral inputs.');
  const w = a.opt('weights');
  if (w !== undefined && !(w instanceof PyTensor)) throw pyError('TypeError', `bincount(): argument 'weights' must be Tensor, not ${typeName(w)}`);
  if (w !== undefined && (w.shape.length !== 1 || w.shape[0] !== values.length)) throw pyError('RuntimeError', 'weights should be 1-d and have the same length as input');
  const length = Math.max(minlength, values.length ? Math.max(...values) + 1 : 0);
  const out = new Array<number>(length).fill(0);
  if (w === undefined) {
    for (const v of values) out[v]++;
    return x.rt.fromValues(out, [length], 'int64');
  }
  const dtype = weightsType(w);
  const round = dtype === 'float32' ? Math.fround : (v: number) => v;
  const weights = w.values();
  values.forEach((v, i) => { out[v] = round(out[v] + weights[i]); });
  return x.rt.fromValues(out, [length], dtype);
}

/**
 * PyTorch's histc (Histogram.cpp, the linear kernel): the range [min, max], or the data's when
 * they are equal; bin edges from a float linspace; an element's bin (x - lo) * bins / (hi - lo)
 * computed in the input's type and truncated, the last edge counted in the last bin.
 */
function histc(x: PyTensor, a: Args): PyTensor {
  if (!isFloating(x.dtype)) throw pyError('RuntimeError', `"histogram_cpu" not implemented for '${SCALAR_TYPE[x.dtype]}'`);
  const bins = a.int('bins', 100);
  if (bins <= 0) throw pyError('RuntimeError', 'torch.histc(): bins must be > 0');
  const values = x.values();
  let lo = a.float('min', 0);
  let hi = a.float('max', 0);
  if (lo === hi && values.length > 0) {
    lo = Math.min(...values);
    hi = Math.max(...values);
  }
  if (lo === hi) {
    lo -= 1;
    hi += 1;
  }
  if (!Number.isFinite(lo) || !Number.isFinite(hi)) throw pyError('RuntimeError', `torch.histc: range of [${lo}, ${hi}] is not finite`);
  if (!(lo < hi)) throw pyError('RuntimeError', 'torch.histc: max must be larger than min');
  const round = x.dtype === 'float32' ? Math.fround : (v: number) => v;
  const left = round(lo);
  const right = round(hi);
  const out = new Array<number>(bins).fill(0);
  for (const v of values) {
    if (!(v >= left && v <= right)) continue;
    let pos = Math.trunc(round(round(round(v - left) * bins) / round(right - left)));
    if (pos === bins) pos -= 1;
    out[pos]++;
  }
  return x.rt.fromValues(out, [bins], x.dtype);
}

export const COUNTING_METHODS: Readonly<Record<string, Method>> = {
  unique: def('unique', ['sorted?', 'return_inverse?', 'return_counts?', 'dim?'], unique),
  unique_consecutive: def('unique_consecutive', ['return_inverse?', 'return_counts?', 'dim?'], (x, a) => answer(x, a, true)),
  bincount: def('bincount', ['weights?', 'minlength?'], bincount),
  histc: def('histc', ['bins?', 'min?', 'max?'], histc),
};

/** Names whose `torch.f(input, ...)` form is the method. */
export const COUNTING_FUNCTION_NAMES = Object.keys(COUNTING_METHODS);
