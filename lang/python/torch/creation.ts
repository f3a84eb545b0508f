/** Tensor creation: torch.tensor, zeros/ones/full (and their _like forms), arange, linspace, logspace, eye (random tensors: random.ts). */
import { fma, fmaf } from '../../../runtime/core';
import { preservedStrides } from '../../../runtime/eager';
import { bindArgs, flattenNested, type Args, pyError, type HostContext, HostObject, hostValues, PyList, PyTuple, PyType, type Kwargs, type PyValue, toIndex, typeName, warn } from '../interpreter';
import { checkDeviceArg } from './device';
import { intoOut } from './out';
import { DTYPES, LackingDType, STORAGE, TorchDType, isFloating, type TorchDTypeName } from './dtype';
import { checkIntegers } from './errors';
import { shareWithNumpy, tensorSharing } from './numpy_bridge';
import { TorchSize } from './size';
import { PyTensor, checkRequiresGrad, type TorchRuntime } from './tensor';
import { toDType } from './tensor_ops';

/** A `dtype=` argument: a torch dtype, or Python's `float`, `int`, `bool` as PyTorch reads them. */
export function dtypeArg(v: PyValue | undefined): TorchDTypeName | null {
  if (v === undefined || v === null) return null;
  if (v instanceof TorchDType) return v.name;
  if (v instanceof LackingDType) throw v.refusal();
  if (v instanceof PyType && v.module === 'builtins') {
    if (v.name === 'float') return 'float64';
    if (v.name === 'int') return 'int64';
    if (v.name === 'bool') return 'bool';
  }
  throw pyError('TypeError', `dtype must be torch.dtype, not ${typeName(v)}`);
}

/** A size given as `zeros(2, 3)`, `zeros((2, 3))`, `zeros([2, 3])` or `zeros(x.shape)`. */
export function sizeArgs(rest: readonly PyValue[], ctx: HostContext, fname: string): number[] {
  const one = rest.length === 1 ? rest[0] : null;
  const items = one instanceof PyList || one instanceof PyTuple ? one.items : one instanceof TorchSize ? one.dims.map(BigInt) : rest;
  return items.map((v) => {
    if (typeof v === 'number') throw pyError('TypeError', `${fname}(): argument 'size' must be tuple of ints, but found element of type float`);
    return Number(toIndex(v, ctx));
  });
}

export function finish(rt: TorchRuntime, t: PyTensor, a: Args): PyValue {
  checkDeviceArg(a);
  if (a.bool('requires_grad', false)) {
    checkRequiresGrad(t, true);
    rt.run(() => t.t.requiresGrad_(true));
  }
  const out = a.opt('out');
  return out === undefined || out === null ? t : intoOut(rt, a.fname, [], out, () => t, rt.ctx, true);
}

/** `torch.tensor(data)`: the dtype from the data (bool, int64 or float32) unless given. */
export function tensorFromData(rt: TorchRuntime, data: PyValue, dtype: TorchDTypeName | null, ctx: HostContext): PyTensor {
  if (data instanceof PyTensor) {
    const d = dtype ?? data.dtype;
    return rt.run(() => rt.wrap(rt.convert(data.t.detach(), d), d));
  }
  // Another library's array (a NumPy ndarray, a jax Array): copied with its dtype, as PyTorch copies `__array__`.
  const other = data instanceof HostObject ? data.arrayData(ctx) : undefined;
  if (other) {
    // NB: PyTorch 1.13 has no uint16, uint32 or uint64.
    if (other.dtype === 'uint16' || other.dtype === 'uint32' || other.dtype === 'uint64') {
      throw pyError('TypeError', `can't convert np.ndarray of type numpy.${other.dtype}. The only supported types are: float64, float32, float16, complex64, complex128, int64, int32, int16, int8, uint8, and bool.`);
    }
    return rt.fromValues(other.values, other.shape, dtype ?? other.dtype);
  }
  const nested = flattenNested(data, ctx);
  const empty = nested.data.length === 0;
  const d = dtype ?? (nested.kind === 'float' || empty ? 'float32' : nested.kind === 'int' ? 'int64' : 'bool');
  return rt.fromValues(nested.data, nested.shape, d);
}

export function filled(rt: TorchRuntime, shape: number[], value: number, dtype: TorchDTypeName): PyTensor {
  rt.charge(shape, dtype);
  checkIntegers([value], dtype, true);
  // A broadcast scalar on the backend: no host array of the tensor's size.
  return rt.run(() => rt.wrap(rt.ops.full(shape, value, STORAGE[dtype]), dtype));
}


/** The dtype `torch.full` infers from its fill value. */
function valueDType(v: PyValue): TorchDTypeName {
  return typeof v === 'boolean' ? 'bool' : typeof v === 'bigint' ? 'int64' : 'float32';
}

export function numberOf(v: PyValue, ctx: HostContext): number {
  if (typeof v === 'boolean') return v ? 1 : 0;
  if (typeof v === 'bigint') return Number(v);
  if (typeof v === 'number') return v;
  if (v instanceof PyTensor) return v.float(ctx);
  throw pyError('TypeError', `expected a number, not ${typeName(v)}`);
}

type Creator = (rt: TorchRuntime, args: PyValue[], kwargs: Kwargs, ctx: HostContext) => PyValue;

const COMMON = ['dtype?', 'requires_grad?', 'device?', 'layout?', 'pin_memory?'];

function sized(name: string, value: number): Creator {
  return (rt, args, kwargs, ctx) => {
    const a = bindArgs(name, ['*size', '*', 'size?', 'out?', ...COMMON], args, kwargs, ctx);
    const shape = sizeArgs(a.has('size') ? [a.required('size')] : a.rest, ctx, name);
    return finish(rt, filled(rt, shape, value, dtypeArg(a.get('dtype')) ?? 'float32'), a);
  };
}

function like(name: string, value: number | null): Creator {
  return (rt, args, kwargs, ctx) => {
    const spec = value === null ? ['input', 'fill_value', '*', ...COMMON, 'memory_format?'] : ['input', '*', ...COMMON, 'memory_format?'];
    const a = bindArgs(name, spec, args, kwargs, ctx);
    const x = a.required('input');
    if (!(x instanceof PyTensor)) throw pyError('TypeError', `${name}(): argument 'input' must be Tensor, not ${typeName(x)}`);
    const v = value ?? numberOf(a.required('fill_value'), ctx);
    const out = filled(rt, [...x.shape], v, dtypeArg(a.get('dtype')) ?? x.dtype);
    // NB: preserve_format, PyTorch's default: zeros_like(x.t()) is transposed in memory too.
    out.t.memoryStrides = preservedStrides(x.t.layout.strides, x.shape);
    return finish(rt, out, a);
  };
}

/**
 * The legacy typed constructors (`torch.LongTensor([1, 2])`, `torch.FloatTensor(2, 3)`), as the NLP
 * tutorials still call them: data becomes a tensor of that dtype; integer sizes give an
 * uninitialized one, which Gradlens fills with zeros as its `torch.empty` does.
 */
function legacy(name: string, dtype: TorchDTypeName): Creator {
  return (rt, args, kwargs, ctx) => {
    const a = bindArgs(name, ['*data', '*', 'device?'], args, kwargs, ctx);
    checkDeviceArg(a);
    const given = a.rest;
    if (given.length === 0) return filled(rt, [0], 0, dtype);
    if (given.every((v) => typeof v === 'bigint')) return filled(rt, sizeArgs(given, ctx, name), 0, dtype);
    if (given.length > 1) throw pyError('TypeError', `new(): data must be a sequence (got ${typeName(given[0])})`);
    return tensorFromData(rt, given[0], dtype, ctx);
  };
}

export const LEGACY_TENSOR_TYPES = {
  FloatTensor: 'float32', DoubleTensor: 'float64', LongTensor: 'int64', IntTensor: 'int32', ShortTensor: 'int16', CharTensor: 'int8', ByteTensor: 'uint8', BoolTensor: 'bool',
} as const;

/**
 * Element i of a float `torch.arange`, as PyTorch 1.13's CPU kernel makes it (RangeFactoriesKernel.cpp,
 * run as its AVX2 build, whose compiler fuses each `a + b * c` into an FMA): the elements in blocks
 * of two vectors (2 x 8 float32 lanes, 2 x 4 float64) are `base + k * step`, each vector's `base`
 * being `start + step * (its first index)` in double rounded to the dtype; the last n mod 16 (8)
 * elements are `start + step * i`. Equal to Debian's PyTorch on 1,500 random (start, end, step,
 * dtype); `start + i * step` alone differs in the last bit in 1,352 of 3,000. NB: this is one
 * thread's loop; PyTorch splits an arange of 32,768 elements or more among its threads, and each
 * chunk's vectors start at the chunk's own first index.
 */
function floatArangeAt(start: number, step: number, n: number, dtype: 'float32' | 'float64'): (i: number) => number {
  const lanes = dtype === 'float32' ? 8 : 4;
  const rounded = dtype === 'float32' ? Math.fround : (v: number) => v;
  const vectorEnd = n - (n % (2 * lanes));
  return (i) => {
    if (i >= vectorEnd) return rounded(fma(step, i, start));
    const k = i % lanes;
    return rounded(fma(k, step, rounded(fma(step, i - k, start))));
  };
}

/**
 * Element i of a float `torch.linspace` (steps >= 2), as PyTorch 1.13's CPU kernel makes it
 * (RangeFactoriesKernel.cpp's linspace_kernel, as its AVX2 build compiles it) in the dtype's own
 * arithmetic: step = (end - start) / (steps - 1), then blocks of two vectors (2 x 8 float32 lanes,
 * 2 x 4 float64), each vector `base + k * step` (the product rounded, then the sum) from a base
 * that is `start + step * first` (one FMA) where its first index is in the first half, else
 * `end - step * (steps - first - 1)`, lanes past the half included; the last steps mod 16 (8) are
 * those two FMAs, each by its own index. Equal to Debian's PyTorch on 600 random (start, end,
 * steps), float32 and float64 (test/fixtures/random/linspaces.json); the same sums without FMAs
 * and vectors, as Gradlens made them, missed the last bit in two thirds of them.
 */
function floatLinspaceAt(start: number, end: number, steps: number, dtype: 'float32' | 'float64'): (i: number) => number {
  const lanes = dtype === 'float32' ? 8 : 4;
  const r = dtype === 'float32' ? Math.fround : (v: number) => v;
  const fused = dtype === 'float32' ? fmaf : fma;
  const [a, b] = [r(start), r(end)];
  const step = r(r(b - a) / (steps - 1));
  const half = Math.floor(steps / 2);
  const at = (i: number) => (i < half ? fused(step, i, a) : fused(-step, steps - i - 1, b));
  const vectorEnd = steps - (steps % (2 * lanes));
  return (i) => {
    if (i >= vectorEnd) return at(i);
    const k = i % lanes;
    return r(at(i - k) + r(k * step));
  };
}

/** Element i of an integer `torch.linspace` (steps >= 2): stepped in double from each end (the dtype's conversion truncates). */
function integerLinspaceAt(start: number, end: number, steps: number): (i: number) => number {
  const step = (end - start) / (steps - 1);
  const half = Math.floor(steps / 2);
  return (i) => (i < half ? start + step * i : end - step * (steps - i - 1));
}

export const CREATORS: Readonly<Record<string, Creator>> = {
  ...Object.fromEntries(Object.entries(LEGACY_TENSOR_TYPES).map(([name, dtype]) => [name, legacy(name, dtype)])),
  tensor(rt, args, kwargs, ctx) {
    const a = bindArgs('tensor', ['data', '*', ...COMMON], args, kwargs, ctx);
    return finish(rt, tensorFromData(rt, a.required('data'), dtypeArg(a.get('dtype')), ctx), a);
  },
  // NB: PyTorch's tensor shares the ndarray's memory: in Gradlens each holds a copy, kept equal (numpy_bridge.ts).
  from_numpy(rt, args, kwargs, ctx) {
    const a = bindArgs('from_numpy', ['ndarray'], args, kwargs, ctx);
    const x = a.required('ndarray');
    if (!(x instanceof HostObject && x.pyType.module === 'numpy' && x.pyType.name === 'ndarray')) throw pyError('TypeError', `expected np.ndarray (got ${typeName(x)})`);
    const sharing = tensorSharing(rt, x);
    if (sharing) return sharing;
    const t = tensorFromData(rt, x, null, ctx);
    shareWithNumpy(t, x, 'torch.from_numpy');
    return t;
  },
  // A tensor of the dtype asked for is itself, a tensor of another its conversion (on the tape), data a new tensor.
  as_tensor(rt, args, kwargs, ctx) {
    const a = bindArgs('as_tensor', ['data', 'dtype?', 'device?'], args, kwargs, ctx);
    checkDeviceArg(a);
    const data = a.required('data');
    const dtype = dtypeArg(a.get('dtype'));
    if (data instanceof PyTensor) return dtype === null || dtype === data.dtype ? data : toDType(data, dtype);
    if (data instanceof HostObject && data.pyType.module === 'numpy' && data.pyType.name === 'ndarray' && dtype === null) return CREATORS.from_numpy(rt, [data], new Map(), ctx);
    return tensorFromData(rt, data, dtype, ctx);
  },
  zeros: sized('zeros', 0),
  ones: sized('ones', 1),
  empty: sized('empty', 0),
  zeros_like: like('zeros_like', 0),
  ones_like: like('ones_like', 1),
  empty_like: like('empty_like', 0),
  full_like: like('full_like', null),
  full(rt, args, kwargs, ctx) {
    const a = bindArgs('full', ['size', 'fill_value', '*', 'out?', ...COMMON], args, kwargs, ctx);
    const fill = a.required('fill_value');
    const shape = sizeArgs([a.required('size')], ctx, 'full');
    return finish(rt, filled(rt, shape, numberOf(fill, ctx), dtypeArg(a.get('dtype')) ?? valueDType(fill)), a);
  },
  arange(rt, args, kwargs, ctx) {
    const a = bindArgs('arange', ['start', 'end?', 'step?', '*', 'out?', ...COMMON], args, kwargs, ctx);
    const ends = a.has('end') && a.get('end') !== null ? [a.required('start'), a.required('end')] : [0n, a.required('start')];
    const step = a.opt('step') ?? 1n;
    const all = [...ends, step];
    const dtype = dtypeArg(a.get('dtype')) ?? (all.some((v) => typeof v === 'number' || v instanceof PyTensor && isFloating(v.dtype)) ? 'float32' : 'int64');
    const [start, end, s] = all.map((v) => numberOf(v, ctx));
    if (s === 0) throw pyError('RuntimeError', 'step must be nonzero');
    if ((end - start) / s < 0) throw pyError('RuntimeError', 'upper bound and larger bound inconsistent with step sign');
    const n = Math.ceil((end - start) / s);
    rt.charge([n], dtype);
    const at = dtype === 'float32' || dtype === 'float64' ? floatArangeAt(start, s, n, dtype) : (i: number) => start + i * s;
    return finish(rt, rt.fromValues(hostValues(n, at, ctx), [n], dtype), a);
  },
  /** The deprecated torch.range: `end` included, the default dtype (float32) whatever the arguments, with PyTorch's warning. */
  range(rt, args, kwargs, ctx) {
    const a = bindArgs('range', ['start', 'end', 'step?', '*', 'out?', ...COMMON], args, kwargs, ctx);
    warn(ctx, "torch.range is deprecated and will be removed in a future release because its behavior is inconsistent with Python's range builtin. Instead, use torch.arange, which produces values in [start, end).");
    const dtype = dtypeArg(a.get('dtype')) ?? 'float32';
    const [start, end, step] = [a.required('start'), a.required('end'), a.opt('step') ?? 1n].map((v) => numberOf(v, ctx));
    if (step === 0) throw pyError('RuntimeError', 'step must be nonzero');
    if ((end - start) / step < 0) throw pyError('RuntimeError', 'upper bound and larger bound inconsistent with step sign');
    const n = Math.floor((end - start) / step) + 1;
    rt.charge([n], dtype);
    return finish(rt, rt.fromValues(hostValues(n, (i) => start + i * step, ctx), [n], dtype), a);
  },
  linspace(rt, args, kwargs, ctx) {
    const a = bindArgs('linspace', ['start', 'end', 'steps', '*', 'out?', ...COMMON], args, kwargs, ctx);
    const start = numberOf(a.required('start'), ctx);
    const end = numberOf(a.required('end'), ctx);
    const steps = a.int('steps');
    if (steps < 0) throw pyError('RuntimeError', 'number of steps must be non-negative');
    const dtype = dtypeArg(a.get('dtype')) ?? 'float32';
    rt.charge([steps], dtype);
    // NB: one step is the start alone (PyTorch: `linspace(0, 1, 1)` is `[0.]`).
    const at = steps === 1 ? () => start : dtype === 'float32' || dtype === 'float64' ? floatLinspaceAt(start, end, steps, dtype) : integerLinspaceAt(start, end, steps);
    return finish(rt, rt.fromValues(hostValues(steps, at, ctx), [steps], dtype), a);
  },
  logspace(rt, args, kwargs, ctx) {
    const a = bindArgs('logspace', ['start', 'end', 'steps', 'base?', '*', 'out?', ...COMMON], args, kwargs, ctx);
    const dtype = dtypeArg(a.get('dtype')) ?? 'float32';
    // Values are made in double, then cast as C++ casts them (an integer dtype truncates).
    const r = dtype === 'float32' ? Math.fround : dtype === 'float64' ? (x: number) => x : Math.trunc;
    const start = r(numberOf(a.required('start'), ctx));
    const end = r(numberOf(a.required('end'), ctx));
    const steps = a.int('steps');
    const base = a.float('base', 10);
    if (steps < 0) throw pyError('RuntimeError', 'number of steps must be non-negative');
    rt.charge([steps], dtype);
    // PyTorch's CPU kernel: the exponent stepped in double, from the start for the first half, from the end for the second.
    const step = (end - start) / (steps - 1);
    const half = Math.floor(steps / 2);
    const values = hostValues(steps, (i) => r(steps === 1 ? base ** start : i < half ? base ** (start + step * i) : base ** (end - step * (steps - i - 1))), ctx);
    return finish(rt, rt.fromValues(values, [steps], dtype), a);
  },
  eye(rt, args, kwargs, ctx) {
    const a = bindArgs('eye', ['n', 'm?', '*', 'out?', ...COMMON], args, kwargs, ctx);
    const n = a.int('n');
    const m = a.int('m', n);
    const dtype = dtypeArg(a.get('dtype')) ?? 'float32';
    rt.charge([n, m], dtype);
    const values = hostValues(n * m, (k) => (Math.floor(k / m) === k % m ? 1 : 0), ctx);
    return finish(rt, rt.fromValues(values, [n, m], dtype), a);
  },
};

export { DTYPES };
