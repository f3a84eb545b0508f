/**
 * PyTorch's random streams: `torch.manual_seed`/`seed`/`initial_seed`, `torch.Generator`,
 * `get_rng_state`/`set_rng_state`, the sampling functions (`rand`, `randn`, `randint`, `randperm`,
 * `normal`, `bernoulli`, `multinomial` and the `_like` forms) and the in-place samplers
 * (`uniform_`, `normal_`, `random_`, `bernoulli_`, `exponential_`), each drawing from the
 * generator what PyTorch 1.13's CPU kernels draw (runtime/core/rng), so a seeded script prints
 * PyTorch's numbers. Draws happen on the host, in memory order.
 */
import {
  TorchGenerator, checkInterrupt, torchBernoulli, torchBernoulliScalar, torchDropoutNoise, torchExponential, torchMultinomialDraws, torchMultinomialFrom,
  torchNormal, torchRandint, torchRandperm, torchUniform, type Shape, type TorchFloat, type TorchGeneratorState,
} from '../../../runtime/core';
import {
  bindArgs, type Args, pyError, HostObject, hostType, pyFunction, type HostContext, type Kwargs, type PyType, type PyValue,
  toIndex, typeName,
} from '../interpreter';
import { elementwiseStrides, isRowMajor, memoryToRowMajor, preservedStrides, tangentByFormula, type Tensor } from '../../../runtime/eager';
import { dtypeArg, sizeArgs } from './creation';
import { checkDeviceArg } from './device';
import { SCALAR_TYPE, STORAGE, isFloating, type TorchDTypeName } from './dtype';
import { PyTensor, checkInPlace, checkRequiresGrad, type Method, type TorchRuntime } from './tensor';
import { type DrawKind, drawUnderVmap } from './vmap_randomness';

/** A `torch.Generator`: a generator of its own, or the run's default one (`torch.default_generator`). */
export class PyGenerator extends HostObject {
  constructor(
    readonly rt: TorchRuntime,
    readonly g: TorchGenerator,
  ) {
    super();
  }

  get pyType(): PyType {
    return generatorTypes.get(this.rt)!;
  }

  override getattr(name: string): PyValue | undefined {
    const rt = this.rt;
    const g = this.g;
    const method = (f: (a: Args, ctx: HostContext) => PyValue, spec: string[] = []) =>
      pyFunction(name, (args, kwargs, ctx) => f(bindArgs(name, spec, args, kwargs, ctx), ctx));
    switch (name) {
      case 'manual_seed':
        return method((a, ctx) => {
          g.manualSeed(seedValue(a.required('seed'), ctx));
          return this;
        }, ['seed']);
      case 'seed':
        return method(() => {
          const s = entropySeed();
          g.manualSeed(s);
          return s;
        });
      case 'initial_seed':
        return method(() => g.initialSeed());
      case 'get_state':
        return method(() => stateTensor(rt, g));
      case 'set_state':
        return method((a) => {
          g.restore(stateFrom(a.required('new_state')));
          return this;
        }, ['new_state']);
      case 'device':
        return 'cpu';
    }
    return undefined;
  }

  override repr(): string {
    return '<torch._C.Generator object>';
  }
}

const generatorTypes = new WeakMap<TorchRuntime, PyType>();

/** The run's `torch.Generator` type: `torch.Generator()` starts from PyTorch's fixed seed 67280421310721. */
function generatorType(rt: TorchRuntime): PyType {
  let type = generatorTypes.get(rt);
  if (!type) {
    type = hostType('Generator', 'torch', (args, kwargs, ctx) => {
      const a = bindArgs('Generator', ['device?'], args, kwargs, ctx);
      const device = a.opt('device');
      if (device !== undefined && device !== 'cpu') throw pyError('RuntimeError', `Gradlens runs on the CPU only: torch.Generator(device=${typeof device === 'string' ? `'${device}'` : typeName(device)}) is not supported; leave device out`);
      return new PyGenerator(rt, new TorchGenerator());
    });
    generatorTypes.set(rt, type);
  }
  return type;
}

/** A seed as `manual_seed` reads it: an int below 2^64, a negative one taken in two's complement. */
function seedValue(v: PyValue, ctx: HostContext): bigint {
  const s = typeof v === 'number' ? BigInt(Math.trunc(v)) : toIndex(v, ctx);
  if (s >= 1n << 64n || s < -(1n << 63n)) throw pyError('RuntimeError', 'Overflow when unpacking long');
  return BigInt.asUintN(64, s);
}

/** What `torch.seed()` seeds with: 64 bits from the operating system, as PyTorch's /dev/urandom read. */
function entropySeed(): bigint {
  const words = new Uint32Array(2);
  globalThis.crypto.getRandomValues(words);
  return (BigInt(words[0]!) << 32n) | BigInt(words[1]!);
}

// ---- get_state / set_state: PyTorch's CPUGeneratorImplState, byte for byte ---------------------------------------
const STATE_BYTES = 5056;
const WORDS = 624;
const AT_STATE = 24;
const AT_NORMAL_Y = AT_STATE + WORDS * 8 + 8;
const AT_NORMAL_VALID = AT_NORMAL_Y + 16;

/** The state as PyTorch serialises it (seed, mt19937's `left`/`seeded`/`next`, its words, the cached double normal). */
function stateBytes(g: TorchGenerator): Uint8Array {
  const s = g.state();
  const bytes = new Uint8Array(STATE_BYTES);
  const view = new DataView(bytes.buffer);
  // NB: mt19937 counts `left` down to a refill and `next` up; fresh from seeding they are 1 and 0.
  const next = s.fresh ? 0 : s.engine.position;
  view.setBigUint64(0, s.seed, true);
  view.setInt32(8, s.fresh ? 1 : WORDS + 1 - next, true);
  view.setInt32(12, 1, true);
  view.setBigUint64(16, BigInt(next), true);
  s.engine.words.forEach((w, i) => view.setBigUint64(AT_STATE + 8 * i, BigInt(w), true));
  if (s.nextDoubleNormal !== null) {
    view.setFloat64(AT_NORMAL_Y, s.nextDoubleNormal, true);
    view.setInt32(AT_NORMAL_VALID, 1, true);
  }
  return bytes;
}

function stateTensor(rt: TorchRuntime, g: TorchGenerator): PyTensor {
  return rt.run(() => rt.fromValues(stateBytes(g), [STATE_BYTES], 'int64'));
}

function stateFrom(v: PyValue): TorchGeneratorState {
  if (!(v instanceof PyTensor)) throw pyError('TypeError', `expected a torch.ByteTensor, but got ${typeName(v)}`);
  if (v.numel !== STATE_BYTES) throw pyError('RuntimeError', 'RNG state is wrong size');
  const values = v.values();
  if (values.some((b) => !Number.isInteger(b) || b < 0 || b > 255)) throw pyError('RuntimeError', 'RNG state holds values outside 0..255: pass what get_rng_state() returned');
  const view = new DataView(Uint8Array.from(values).buffer);
  const next = Number(view.getBigUint64(16, true));
  const left = view.getInt32(8, true);
  if (next > WORDS || left < 1 || left > WORDS + 1) throw pyError('RuntimeError', 'RNG state is corrupt: pass what get_rng_state() returned');
  const fresh = next === 0 && left === 1;
  return {
    seed: view.getBigUint64(0, true),
    engine: { words: Array.from({ length: WORDS }, (_, i) => Number(view.getBigUint64(AT_STATE + 8 * i, true) & 0xffffffffn)), position: fresh ? WORDS : next },
    nextDoubleNormal: view.getInt32(AT_NORMAL_VALID, true) !== 0 ? view.getFloat64(AT_NORMAL_Y, true) : null,
    fresh,
  };
}

// ---- arguments ----------------------------------------------------------------------------------------------------
/** The `generator=` argument, or the run's default generator. */
function generatorOf(rt: TorchRuntime, a: Args): TorchGenerator {
  const v = a.opt('generator');
  if (v === undefined) return rt.rng;
  if (!(v instanceof PyGenerator)) throw pyError('TypeError', `${a.fname}(): argument 'generator' must be torch.Generator, not ${typeName(v)}`);
  return v.g;
}

const TYPE_NAME: { readonly [D in TorchDTypeName]: string } = SCALAR_TYPE;

/** The float dtype a float sampler fills, or PyTorch's error naming its kernel. */
function floatDType(dtype: TorchDTypeName, kernel: string): TorchFloat {
  if (!isFloating(dtype)) throw pyError('RuntimeError', `"${kernel}" not implemented for '${TYPE_NAME[dtype]}'`);
  return dtype as TorchFloat;
}

function refuseOut(a: Args): void {
  if (a.opt('out') !== undefined) throw pyError('NotImplementedError', `${a.fname}(out=...) is not supported by Gradlens: assign the result instead`);
}

const numel = (shape: Shape): number => shape.reduce((n, d) => n * d, 1);

/** A new tensor of these values, with `requires_grad=` applied. */
function made(rt: TorchRuntime, a: Args, values: ArrayLike<number>, shape: Shape, dtype: TorchDTypeName): PyTensor {
  checkDeviceArg(a);
  const t = rt.fromValues(values, shape, dtype);
  if (a.bool('requires_grad', false)) {
    checkRequiresGrad(t, true);
    t.t.requiresGrad_(true);
  }
  return t;
}

/**
 * Where the k-th value drawn lands among the row-major values of a tensor of these strides: PyTorch
 * fills in memory order (TensorIterator's); null where that is the row-major order.
 */
function memoryOrder(strides: readonly number[], shape: Shape): ((k: number) => number) | null {
  const dense = elementwiseStrides(shape, [{ shape, strides }]);
  return dense === null ? null : memoryToRowMajor(dense, shape);
}

/** Values drawn in memory order, placed in row-major order. */
function placed(values: ArrayLike<number>, at: ((k: number) => number) | null): ArrayLike<number> {
  if (at === null) return values;
  const out = new Float64Array(values.length);
  for (let k = 0; k < values.length; k++) out[at(k)] = values[k];
  return out;
}

/**
 * Draws on the host inside a torch op (so a long draw checks the run's clock), charged first:
 * `fill(n)` draws n values in memory order; under vmap, as its randomness says (vmap_randomness.ts),
 * the whole batch's draw being `batch(B)` (B * n values by default, as PyTorch draws `[B, *shape]`).
 */
function drawn(rt: TorchRuntime, shape: Shape, dtype: TorchDTypeName, a: Args, kind: DrawKind, fill: (n: number) => ArrayLike<number>, batch?: (size: number) => ArrayLike<number>): PyTensor {
  // NB: before the draw, as PyTorch refuses the device before it draws.
  checkDeviceArg(a);
  rt.charge(shape, dtype);
  const n = numel(shape);
  return rt.run(() => made(rt, a, drawUnderVmap(rt, `torch.${a.fname}`, kind, n, () => fill(n), batch ?? ((size) => fill(size * n))), shape, dtype));
}

/** Overwrites x with drawn values (an in-place sampler: `x.uniform_()`), in memory order. */
function fillInPlace(x: PyTensor, name: string, draw: () => ArrayLike<number>): PyTensor {
  const rt = x.rt;
  checkInPlace(x);
  const at = memoryOrder(x.t.layout.strides, x.shape);
  return rt.run(() => {
    const values = placed(drawUnderVmap(rt, `Tensor.${name}`, 'in-place', x.numel, draw, () => draw()), at);
    rt.engine.withGradMode(false, () => rt.engine.inPlace(x.t, (old) => rt.engine.fromValues(values, old.shape, old.dtype)));
    return x;
  });
}

function intsOf(values: readonly bigint[], dtype: TorchDTypeName): Float64Array {
  const out = new Float64Array(values.length);
  for (let i = 0; i < values.length; i++) {
    const v = values[i]!;
    const bits = dtype === 'int64' ? 53n : dtype === 'int32' ? 31n : null;
    if (bits !== null && (v >= 2n ** bits || v < -(2n ** bits))) {
      throw pyError('NotImplementedError', `a random integer (${v}) is past 2**${bits}, where Gradlens stores ${dtype} exactly: draw from a smaller range`);
    }
    out[i] = Number(v);
  }
  return out;
}

function tensorArg(v: PyValue | undefined, fname: string, what = 'input'): PyTensor {
  if (!(v instanceof PyTensor)) throw pyError('TypeError', `${fname}(): argument '${what}' must be Tensor, not ${typeName(v ?? null)}`);
  return v;
}

const COMMON = ['dtype?', 'layout?', 'device?', 'pin_memory?', 'requires_grad?'];
const SIZED = ['*size', '*', 'size?', 'generator?', 'out?', ...COMMON];

type Creator = (rt: TorchRuntime, args: PyValue[], kwargs: Kwargs, ctx: HostContext) => PyValue;

function sizeOfCall(a: Args, ctx: HostContext): number[] {
  return sizeArgs(a.has('size') ? [a.required('size')] : a.rest, ctx, a.fname);
}

/** `rand`/`randn`: a float tensor of the given size, filled by a sampler. */
function sampled(name: string, kernel: string, fill: (g: TorchGenerator, n: number, dtype: TorchFloat) => Float64Array): Creator {
  return (rt, args, kwargs, ctx) => {
    const a = bindArgs(name, SIZED, args, kwargs, ctx);
    refuseOut(a);
    const shape = sizeOfCall(a, ctx);
    const dtype = floatDType(dtypeArg(a.get('dtype')) ?? 'float32', kernel);
    const g = generatorOf(rt, a);
    return drawn(rt, shape, dtype, a, 'sized', (n) => fill(g, n, dtype));
  };
}

function sampledLike(name: string, kernel: string, fill: (g: TorchGenerator, n: number, dtype: TorchFloat, contiguous: boolean) => Float64Array): Creator {
  return (rt, args, kwargs, ctx) => {
    const a = bindArgs(name, ['input', '*', ...COMMON, 'memory_format?'], args, kwargs, ctx);
    const x = tensorArg(a.required('input'), name);
    const dtype = floatDType(dtypeArg(a.get('dtype')) ?? x.dtype, kernel);
    return drawnLike(rt, x, dtype, a, (n, contiguous) => fill(rt.rng, n, dtype, contiguous));
  };
}

/**
 * A `*_like` draw: the result keeps x's memory order (empty_like's preserve_format), and the draws
 * fill it in that order, `fill(n, contiguous)` drawing them.
 */
function drawnLike(rt: TorchRuntime, x: PyTensor, dtype: TorchDTypeName, a: Args, fill: (n: number, contiguous: boolean) => ArrayLike<number>): PyTensor {
  const strides = preservedStrides(x.t.layout.strides, x.shape);
  const at = strides === null ? null : memoryOrder(strides, x.shape);
  const r = drawn(rt, x.shape, dtype, a, 'like', (n) => placed(fill(n, at === null), at), at === null ? undefined : () => {
    throw pyError('NotImplementedError', `torch.${a.fname} of a tensor not in row-major memory order under vmap is not supported by Gradlens (PyTorch draws in the batch's memory order): pass x.contiguous()`);
  });
  r.t.memoryStrides = strides;
  return r;
}

function randintCall(rt: TorchRuntime, a: Args, low: bigint, high: bigint, shape: Shape, dtype: TorchDTypeName): PyTensor {
  if (low >= high) throw pyError('RuntimeError', `random_ expects 'from' to be less than 'to', but got from=${low} >= to=${high}`);
  const g = generatorOf(rt, a);
  return drawn(rt, shape, dtype, a, 'sized', (n) => intsOf(torchRandint(g, n, low, high), dtype));
}

/** `torch.normal`'s four forms: (float, float, size), and mean and/or std as tensors (drawn as N(0, 1) then scaled). */
function normalCall(rt: TorchRuntime, a: Args, ctx: HostContext): PyTensor {
  const mean = a.required('mean');
  const std = a.has('std') ? a.required('std') : 1;
  const g = generatorOf(rt, a);
  if (!(mean instanceof PyTensor) && !(std instanceof PyTensor)) {
    if (!a.has('size')) throw pyError('TypeError', 'normal() received an invalid combination of arguments: with float mean and std, give a size');
    const shape = sizeArgs([a.required('size')], ctx, 'normal');
    const m = a.float('mean');
    const s = a.float('std');
    if (s < 0) throw pyError('RuntimeError', `normal expects std >= 0.0, but found std ${s}`);
    const dtype = floatDType(dtypeArg(a.get('dtype')) ?? 'float32', 'normal_kernel_cpu');
    return drawn(rt, shape, dtype, a, 'sized', (n) => torchNormal(g, n, dtype, m, s));
  }
  // NB: PyTorch samples N(0, 1) (N(0, std) for a float std) into the output, then output.mul_(std).add_(mean).
  const meanT = mean instanceof PyTensor ? mean : null;
  const stdT = std instanceof PyTensor ? std : null;
  const shape = meanT && stdT ? broadcastShape(meanT.shape, stdT.shape) : (meanT ?? stdT)!.shape;
  const dtype = floatDType((meanT ?? stdT)!.dtype, 'normal_kernel_cpu');
  if (stdT && stdT.values().some((v) => v < 0)) throw pyError('RuntimeError', 'normal expects all elements of std >= 0.0');
  const s0 = stdT ? 1 : Number(std instanceof PyTensor ? 1 : toNumber(std, ctx));
  if (s0 < 0) throw pyError('RuntimeError', `normal expects std >= 0.0, but found std ${s0}`);
  const n = numel(shape);
  const o = rt.ops;
  // PyTorch's normal is not reparameterized: NormalBackward1-3 give mean and std zero gradients
  // (derivatives.yaml), and zero tangents. They enter through stop_gradient, whose derivative is
  // zero, and the result still requires grad, as PyTorch's does.
  const frozen = (t: Tensor) => o.broadcastTo(o.bind('stop_gradient', [t], {}), shape);
  const name = meanT && stdT ? 'NormalBackward3' : meanT ? 'NormalBackward1' : 'NormalBackward2';
  return rt.run(() => {
    // Under vmap the noise is drawn over the batch ([B, *shape]: 16+ values in all take the vectorised path), then each entry's mean and std applied.
    const noise = made(rt, a, drawUnderVmap(rt, 'torch.normal', 'operand', n, () => torchNormal(g, n, dtype, 0, s0), (size) => torchNormal(g, size * n, dtype, 0, s0)), shape, dtype);
    const out = rt.engine.composite(name, () => {
      const scaled = stdT ? o.mul(noise.t, frozen(stdT.t)) : noise.t;
      return meanT ? o.add(scaled, frozen(meanT.t)) : o.add(scaled, rt.scalar(toNumber(mean, ctx), dtype));
    });
    // As PyTorch's forward formula: a zero tangent, not none, where mean or std has one.
    for (const input of [meanT, stdT]) if (input) tangentByFormula(rt.engine, input.t, out, () => o.zerosLike(out));
    return rt.wrap(out, dtype);
  });
}

function toNumber(v: PyValue, ctx: HostContext): number {
  if (typeof v === 'number') return v;
  if (typeof v === 'bigint') return Number(v);
  if (typeof v === 'boolean') return v ? 1 : 0;
  if (v instanceof PyTensor) return v.float(ctx);
  throw pyError('TypeError', `expected a number, not ${typeName(v)}`);
}

function broadcastShape(a: readonly number[], b: readonly number[]): number[] {
  const n = Math.max(a.length, b.length);
  return Array.from({ length: n }, (_, i) => {
    const x = a[a.length - n + i] ?? 1;
    const y = b[b.length - n + i] ?? 1;
    if (x !== y && x !== 1 && y !== 1) throw pyError('RuntimeError', `The size of tensor a (${x}) must match the size of tensor b (${y}) at non-singleton dimension ${i}`);
    return x === 1 ? y : x;
  });
}

function multinomialCall(rt: TorchRuntime, x: PyTensor, a: Args): PyTensor {
  const k = a.int('num_samples');
  const replacement = a.bool('replacement', false);
  const rank = x.shape.length;
  if (rank < 1 || rank > 2) throw pyError('RuntimeError', 'prob_dist must be 1 or 2 dim');
  const dtype = floatDType(x.dtype, 'multinomial');
  const categories = x.shape[rank - 1]!;
  const rows = rank === 2 ? x.shape[0]! : 1;
  if (k <= 0) throw pyError('RuntimeError', 'cannot sample n_sample <= 0 samples');
  if (!replacement && k > categories) throw pyError('RuntimeError', 'cannot sample n_sample > prob_dist.size(-1) samples without replacement');
  const w = x.values();
  if (w.some((v) => !Number.isFinite(v) || v < 0)) throw pyError('RuntimeError', 'probability tensor contains either `inf`, `nan` or element < 0');
  for (let r = 0; r < rows; r++) {
    const row = w.slice(r * categories, (r + 1) * categories);
    if (row.every((v) => v === 0)) throw pyError('RuntimeError', 'invalid multinomial distribution (sum of probabilities <= 0)');
    if (!replacement && row.filter((v) => v > 0).length < k) throw pyError('RuntimeError', 'invalid multinomial distribution (with replacement=False, not enough non-negative category to sample)');
  }
  const g = generatorOf(rt, a);
  const shape = rank === 2 ? [rows, k] : [k];
  // The draws do not depend on the weights: under vmap, each entry applies its own weights to its slice of the batch's draws.
  const perEntry = !replacement || k === 1 ? rows * categories : rows * k;
  rt.charge(shape, 'int64');
  return rt.run(() => {
    const draws = drawUnderVmap(rt, 'torch.multinomial', 'operand', perEntry, () => torchMultinomialDraws(g, rows, categories, k, replacement, dtype),
      (size) => torchMultinomialDraws(g, size * rows, categories, k, replacement, dtype));
    return made(rt, a, torchMultinomialFrom(draws, w, rows, categories, k, replacement, dtype), shape, 'int64');
  });
}

function bernoulliCall(rt: TorchRuntime, x: PyTensor, a: Args, ctx: HostContext): PyTensor {
  const g = generatorOf(rt, a);
  const dtype = floatDType(x.dtype, 'bernoulli_tensor_cpu_p_');
  const p = a.opt('p');
  if (p !== undefined) {
    const prob = toNumber(p, ctx);
    if (!(prob >= 0 && prob <= 1)) throw pyError('RuntimeError', `bernoulli_ expects p to be in [0, 1], but got p=${prob}`);
    return drawn(rt, x.shape, dtype, a, 'bernoulli-p', (n) => torchBernoulliScalar(g, n, prob));
  }
  const probs = x.values();
  if (probs.some((v) => !(v >= 0 && v <= 1))) throw pyError('RuntimeError', 'Expected p_in >= 0 && p_in <= 1 to be true, but got false.');
  // One uniform of the probabilities' dtype per element, 1 where u < p: under vmap, each entry compares its slice of the batch's uniforms.
  rt.charge(x.shape, dtype);
  return rt.run(() => {
    const u = drawUnderVmap(rt, 'torch.bernoulli', 'operand', x.numel, () => torchUniform(g, x.numel, dtype), (size) => torchUniform(g, size * x.numel, dtype));
    return made(rt, a, Float64Array.from(probs, (p, i) => (u[i]! < p ? 1 : 0)), x.shape, dtype);
  });
}

export const RANDOM_CREATORS: Readonly<Record<string, Creator>> = {
  rand: sampled('rand', 'check_uniform_bounds', (g, n, d) => torchUniform(g, n, d)),
  randn: sampled('randn', 'normal_kernel_cpu', (g, n, d) => torchNormal(g, n, d)),
  rand_like: sampledLike('rand_like', 'check_uniform_bounds', (g, n, d) => torchUniform(g, n, d)),
  randn_like: sampledLike('randn_like', 'normal_kernel_cpu', (g, n, d, contiguous) => torchNormal(g, n, d, 0, 1, contiguous)),
  randint(rt, args, kwargs, ctx) {
    const a = bindArgs('randint', ['low', 'high?', 'size?', '*', 'generator?', 'out?', ...COMMON], args, kwargs, ctx);
    refuseOut(a);
    // randint(high, size) or randint(low, high, size)
    const two = !a.has('size');
    const low = two ? 0n : toIndex(a.required('low'), ctx);
    const high = toIndex(two ? a.required('low') : a.required('high'), ctx);
    const shape = sizeArgs([two ? a.required('high') : a.required('size')], ctx, 'randint');
    return randintCall(rt, a, low, high, shape, dtypeArg(a.get('dtype')) ?? 'int64');
  },
  randint_like(rt, args, kwargs, ctx) {
    const a = bindArgs('randint_like', ['input', 'low', 'high?', '*', ...COMMON, 'memory_format?'], args, kwargs, ctx);
    const x = tensorArg(a.required('input'), 'randint_like');
    const two = a.opt('high') === undefined;
    const low = two ? 0n : toIndex(a.required('low'), ctx);
    const high = toIndex(two ? a.required('low') : a.required('high'), ctx);
    if (low >= high) throw pyError('RuntimeError', `random_ expects 'from' to be less than 'to', but got from=${low} >= to=${high}`);
    const dtype = dtypeArg(a.get('dtype')) ?? x.dtype;
    const g = generatorOf(rt, a);
    return drawnLike(rt, x, dtype, a, (n) => intsOf(torchRandint(g, n, low, high), dtype));
  },
  randperm(rt, args, kwargs, ctx) {
    const a = bindArgs('randperm', ['n', '*', 'generator?', 'out?', ...COMMON], args, kwargs, ctx);
    refuseOut(a);
    const n = a.int('n');
    if (n < 0) throw pyError('RuntimeError', `n must be non-negative, got${n}`);
    const dtype = dtypeArg(a.get('dtype')) ?? 'int64';
    if (dtype !== 'int64' && dtype !== 'int32' && dtype !== 'float64' && n > 2 ** 24) throw pyError('RuntimeError', `n cannot be greater than 2^24+1 for Float type.`);
    const g = generatorOf(rt, a);
    // NB: functorch draws one permutation per entry, in a loop, for randomness='different'.
    return drawn(rt, [n], dtype, a, 'permutation', () => torchRandperm(g, n), (size) => Array.from({ length: size }, () => Array.from(torchRandperm(g, n))).flat());
  },
  normal(rt, args, kwargs, ctx) {
    const a = bindArgs('normal', ['mean', 'std?', 'size?', '*', 'generator?', 'out?', ...COMMON], args, kwargs, ctx);
    refuseOut(a);
    return normalCall(rt, a, ctx);
  },
  bernoulli(rt, args, kwargs, ctx) {
    const a = bindArgs('bernoulli', ['input', 'p?', '*', 'generator?', 'out?'], args, kwargs, ctx);
    refuseOut(a);
    return bernoulliCall(rt, tensorArg(a.required('input'), 'bernoulli'), a, ctx);
  },
  multinomial(rt, args, kwargs, ctx) {
    const a = bindArgs('multinomial', ['input', 'num_samples', 'replacement?', '*', 'generator?', 'out?'], args, kwargs, ctx);
    refuseOut(a);
    return multinomialCall(rt, tensorArg(a.required('input'), 'multinomial'), a);
  },
};

function method(name: string, spec: string[], body: (x: PyTensor, a: Args, ctx: HostContext) => PyValue): Method {
  return (x, args, kwargs, ctx) => body(x, bindArgs(name, spec, args, kwargs, ctx), ctx);
}

/** The samplers that are tensor methods. */
export const RANDOM_METHODS: Readonly<Record<string, Method>> = {
  uniform_: method('uniform_', ['from?', 'to?', '*', 'generator?'], (x, a) => {
    const dtype = floatDType(x.dtype, 'check_uniform_bounds');
    const from = a.float('from', 0);
    const to = a.float('to', 1);
    if (!(from <= to)) throw pyError('RuntimeError', `uniform_ expects to return a [from, to) range, but found from=${from} > to=${to}`);
    const g = generatorOf(x.rt, a);
    return fillInPlace(x, 'uniform_', () => torchUniform(g, x.numel, dtype, from, to));
  }),
  normal_: method('normal_', ['mean?', 'std?', '*', 'generator?'], (x, a) => {
    const dtype = floatDType(x.dtype, 'normal_kernel_cpu');
    const std = a.float('std', 1);
    if (std < 0) throw pyError('RuntimeError', `normal expects std >= 0.0, but found std ${std}`);
    const g = generatorOf(x.rt, a);
    return fillInPlace(x, 'normal_', () => torchNormal(g, x.numel, dtype, a.float('mean', 0), std, isRowMajor(x.t.layout.strides, x.shape)));
  }),
  random_: method('random_', ['from?', 'to?', '*', 'generator?'], (x, a, ctx) => {
    const g = generatorOf(x.rt, a);
    const from = a.opt('from');
    const to = a.opt('to');
    // random_(to) is random_(0, to); random_() draws over the dtype's whole range.
    const [lo, hi] = to !== undefined ? [from === undefined ? 0n : toIndex(from, ctx), toIndex(to, ctx)] : from !== undefined && !a.has('to') ? [0n, toIndex(from, ctx)] : [null, null];
    if (lo === null || hi === null) {
      if (x.dtype === 'int64') throw pyError('NotImplementedError', 'random_() on an int64 tensor draws up to 2**63, past the 2**53 to which Gradlens stores int64 exactly: give bounds, x.random_(0, n)');
      const n = x.numel;
      const draw = (): Float64Array => {
        const out = new Float64Array(n);
        for (let i = 0; i < n; i++) {
          if ((i & 0xffff) === 0) checkInterrupt();
          out[i] = x.dtype === 'float32' ? g.random() % 16777217 : x.dtype === 'float64' ? Number(g.random64() % 9007199254740993n) : x.dtype === 'bool' ? g.random() & 1 : g.random() % 2147483648;
        }
        return out;
      };
      checkInPlace(x);
      return fillInPlace(x, 'random_', draw);
    }
    if (lo >= hi) throw pyError('RuntimeError', `random_ expects 'from' to be less than 'to', but got from=${lo} >= to=${hi}`);
    return fillInPlace(x, 'random_', () => intsOf(torchRandint(g, x.numel, lo, hi), x.dtype));
  }),
  bernoulli_: method('bernoulli_', ['p?', '*', 'generator?'], (x, a, ctx) => {
    const g = generatorOf(x.rt, a);
    const p = a.opt('p') ?? 0.5;
    if (p instanceof PyTensor) {
      const probs = p.values();
      if (p.numel !== x.numel && p.numel !== 1) throw pyError('NotImplementedError', 'bernoulli_(p) with a p of another shape than the tensor is not supported by Gradlens: expand p first');
      const dtype = floatDType(p.dtype, 'bernoulli_tensor_cpu_p_');
      // Each draw in x's memory order reads the probability of the element it fills.
      const at = memoryOrder(x.t.layout.strides, x.shape);
      const inOrder = probs.length === 1 ? new Float64Array(x.numel).fill(probs[0]!) : at === null ? probs : Float64Array.from(probs, (_, k) => probs[at(k)]!);
      return fillInPlace(x, 'bernoulli_', () => torchBernoulli(g, inOrder, dtype));
    }
    const prob = toNumber(p, ctx);
    if (!(prob >= 0 && prob <= 1)) throw pyError('RuntimeError', `bernoulli_ expects p to be in [0, 1], but got p=${prob}`);
    return fillInPlace(x, 'bernoulli_', () => torchBernoulliScalar(g, x.numel, prob));
  }),
  exponential_: method('exponential_', ['lambd?', '*', 'generator?'], (x, a) => {
    const dtype = floatDType(x.dtype, 'exponential_cpu');
    const lambd = a.float('lambd', 1);
    if (!(lambd > 0)) throw pyError('RuntimeError', `exponential_ expects lambda > 0.0, but found lambda=${lambd}`);
    const g = generatorOf(x.rt, a);
    return fillInPlace(x, 'exponential_', () => torchExponential(g, x.numel, lambd, dtype));
  }),
  bernoulli: method('bernoulli', ['p?', '*', 'generator?'], (x, a, ctx) => bernoulliCall(x.rt, x, a, ctx)),
  multinomial: method('multinomial', ['num_samples', 'replacement?', '*', 'generator?'], (x, a) => multinomialCall(x.rt, x, a)),
};

/** The functions `torch` itself exports for its generators. */
export function randomAttrs(rt: TorchRuntime): Record<string, PyValue> {
  const defaultGenerator = new PyGenerator(rt, rt.rng);
  const fn = (name: string, spec: string[], body: (a: Args, ctx: HostContext) => PyValue) =>
    pyFunction(name, (args, kwargs, ctx) => body(bindArgs(name, spec, args, kwargs, ctx), ctx));
  return {
    Generator: generatorType(rt),
    default_generator: defaultGenerator,
    manual_seed: fn('manual_seed', ['seed'], (a, ctx) => {
      rt.rng.manualSeed(seedValue(a.required('seed'), ctx));
      return defaultGenerator;
    }),
    seed: fn('seed', [], () => {
      const s = entropySeed();
      rt.rng.manualSeed(s);
      return s;
    }),
    initial_seed: fn('initial_seed', [], () => rt.rng.initialSeed()),
    get_rng_state: fn('get_rng_state', [], () => stateTensor(rt, rt.rng)),
    set_rng_state: fn('set_rng_state', ['new_state'], (a) => {
      rt.rng.restore(stateFrom(a.required('new_state')));
      return null;
    }),
  };
}

export const RANDOM_NAMES = [
  ...Object.keys(RANDOM_CREATORS), 'Generator', 'default_generator', 'manual_seed', 'seed', 'initial_seed', 'get_rng_state', 'set_rng_state',
];

/**
 * The noise `F.dropout(x, p, training=True)` multiplies x by, drawn as PyTorch's CPU path draws
 * it (`empty_like(x).bernoulli_(1 - p)`, then `div_(1 - p)`), for 0 < p < 1; PyTorch draws
 * nothing when p is 0 (it returns x) or 1 (x * 0). `shape` is x's shape, or the feature-noise
 * shape of the Dropout2d family (`[N, C, 1, 1]`).
 */
export function dropoutNoise(rt: TorchRuntime, shape: Shape, dtype: TorchDTypeName, p: number, kind: 'dropout' | 'in-place dropout' = 'dropout'): PyTensor {
  const d = floatDType(dtype, 'bernoulli_scalar_cpu_');
  rt.charge(shape, dtype);
  const n = numel(shape);
  return rt.run(() => {
    // Under vmap(randomness='different') PyTorch draws the mask of the batch, entries first.
    const values = drawUnderVmap(rt, 'dropout', kind, n, () => torchDropoutNoise(rt.rng, n, p, d), (size) => torchDropoutNoise(rt.rng, size * n, p, d));
    return rt.wrap(rt.engine.fromValues(values, shape, STORAGE[dtype]), dtype);
  });
}
