/**
 * `jax.random`, in the key layout `jax.config.update('jax_threefry_partitionable', ...)` picks
 * (on, as JAX since 0.5; off: the layout before). Keys are arrays: typed keys (`jax.random.key`,
 * dtype key<fry>) and raw uint32[..., 2] keys (`PRNGKey`), as JAX's.
 * On concrete keys and parameters the samples are computed on the host with JAX's threefry2x32,
 * bit for bit (samplers.ts); where a key or a parameter is traced (jit, vmap, grad) or a function
 * is staged (jit, make_jaxpr), every sampler binds the random primitives (staged.ts) as JAX
 * does; those with no host twin (permutation with independent=True, choice with p and
 * replace=False, the samplers over uniform and normal draws) bind them on concrete keys too.
 * gamma, loggamma, beta, dirichlet, t and poisson run JAX's rejection loops on the host
 * (gamma.ts), on concrete keys and parameters only: traced, they raise at the line.
 */
import { foldInWords, KEY_DTYPE, randomBits, splitWords, type DType, type KeyWords } from '../../../../runtime/core';
import { bindArgs, type HostContext, type Kwargs, pyError, pyFunction, PyList, PyTuple, type PyValue, toIndex, typeName } from '../../interpreter';
import { DTypeObject, PyArray, ScalarType, type JaxRuntime } from '../array';
import { asArray, op, operand } from '../lax';
import { Scalar, type Val } from '../values';
import { bernoulli, broadcastTo, gumbel, normal, randint, shuffleOrder, truncatedNormal, uniform, type HostArray } from './samplers';
import * as gammas from './gamma';
import * as staged from './staged';

const CONFIG = {};
interface RandomConfig { partitionable: boolean }
const configOf = (ctx: HostContext): RandomConfig => ctx.state(CONFIG, () => ({ partitionable: true }));

/** `jax.config.jax_threefry_partitionable` for this run. */
export const threefryPartitionable = (ctx: HostContext): boolean => configOf(ctx).partitionable;
export function setThreefryPartitionable(ctx: HostContext, on: boolean): void {
  configOf(ctx).partitionable = on;
}

const shapeStr = (s: readonly number[]) => `(${s.join(', ')}${s.length === 1 ? ',' : ''})`;

/**
 * A key argument, as JAX's _check_prng_key: a key<fry> array as it is; uint32 key data (a
 * PRNGKey) wrapped with random_wrap (`wrapped`: the result is unwrapped again, as JAX's
 * _return_prng_keys); anything else refused with JAX's words.
 */
interface Keys { readonly key: PyArray; readonly wrapped: boolean; readonly argShape: readonly number[] }

function keysOf(rt: JaxRuntime, v: PyValue, ctx: HostContext): Keys {
  if (v instanceof PyArray && v.dtype === KEY_DTYPE) return { key: v, wrapped: false, argShape: v.shape };
  // NB: JAX's _arraylike takes NumPy scalars (a Python number, a str) as key data, which has no ndim.
  if (typeof v === 'number' || typeof v === 'bigint' || typeof v === 'boolean' || typeof v === 'string') {
    throw pyError('TypeError', `JAX encountered invalid PRNG key data: expected key_data to have ndim, shape, and dtype attributes. Got ${ctx.str(v)}`);
  }
  if (!(v instanceof PyArray)) throw pyError('TypeError', `unexpected PRNG key type <class '${typeName(v)}'>`);
  const data = v;
  if (data.shape.length < 1) throw pyError('TypeError', `JAX encountered invalid PRNG key data: expected key_data.ndim >= 1; got ndim=${data.shape.length}`);
  if (data.shape[data.shape.length - 1] !== 2) throw pyError('TypeError', `JAX encountered invalid PRNG key data: expected key_data.shape to end with (2,); got shape=${shapeStr(data.shape)} for impl=PRNGImpl(threefry2x32)`);
  if (data.dtype !== 'uint32') throw pyError('TypeError', `JAX encountered invalid PRNG key data: expected key_data.dtype = uint32; got dtype=${data.dtype}`);
  return { key: op(rt, () => arrayOf(rt, rt.bind('random_wrap', [data.v], { impl: 'fry' }))), wrapped: true, argShape: data.shape };
}

const arrayOf = (rt: JaxRuntime, v: Val) => new PyArray(rt, rt.place(v), false, false);

/** JAX's _return_prng_keys: keys made from uint32 key data go back as uint32 key data. */
function returnKeys(rt: JaxRuntime, k: Keys, keys: Val): PyArray {
  return op(rt, () => arrayOf(rt, k.wrapped ? rt.bind('random_unwrap', [keys], {}) : keys));
}

/** One key (shape ()), as every sampler takes. */
function singleKey(rt: JaxRuntime, fn: string, v: PyValue, ctx: HostContext): Keys {
  const k = keysOf(rt, v, ctx);
  if (k.key.shape.length > 0) {
    throw pyError('TypeError', `${fn} accepts a single key, but was given a key array of shape ${shapeStr(k.argShape)} != (). Use jax.vmap for batching.`);
  }
  return k;
}

function traced(fn: string) {
  return pyError('NotImplementedError', `jax.random.${fn} with a traced key or parameter (under jit, vmap, grad or make_jaxpr) is not supported by Gradlens yet; `
    + 'draw its samples outside the transformed function and pass them in');
}

/** Whether this call stages: a traced key or operand, or a function staged by jit or make_jaxpr. */
const stages = (rt: JaxRuntime, ...vs: readonly (PyValue | undefined)[]) =>
  rt.stagingTrace() !== null || vs.some((v) => v instanceof PyArray && v.traced);

/** A concrete key's two words. */
function wordsOf(k: Keys, ctx: HostContext): KeyWords {
  const w = k.key.values(ctx);
  return [w[0], w[1]];
}

/** Concrete keys made on the host: key<fry>, or uint32 key data where the argument was. */
const hostKeys = (rt: JaxRuntime, wrapped: boolean, words: ArrayLike<number>, shape: readonly number[]) =>
  op(rt, () => arrayOf(rt, rt.upload(words, wrapped ? [...shape, 2] : shape, wrapped ? 'uint32' : KEY_DTYPE)));

function shapeArg(v: PyValue | undefined, ctx: HostContext): number[] {
  if (v === undefined || v === null) return [];
  if (!(v instanceof PyTuple || v instanceof PyList)) {
    throw pyError('TypeError', `Shapes must be 1D sequences of concrete values of integer type, got ${ctx.repr(v)}.`);
  }
  return v.items.map((d) => Number(toIndex(d, ctx)));
}

function dtypeName(v: PyValue | undefined, ctx: HostContext): string | null {
  if (v === undefined || v === null) return null;
  if (typeof v === 'string') return v;
  if (v instanceof DTypeObject) return v.name;
  if (v instanceof ScalarType) return v.dtype;
  const name = ctx.getattr(v, '__name__');
  return typeof name === 'string' ? name : ctx.str(v);
}

function floatDtype(fn: string, v: PyValue | undefined, ctx: HostContext): void {
  const d = dtypeName(v, ctx);
  if (d !== null && d !== 'float32' && d !== 'float64' && d !== 'float') throw pyError('ValueError', `dtype argument to \`${fn}\` must be a float dtype, got ${d}`);
}

/** A parameter (a number or an array) as float64 values broadcast to `shape`. */
function param(rt: JaxRuntime, fn: string, v: PyValue, shape: readonly number[], ctx: HostContext): Float64Array {
  const a = asArray(rt, v, ctx);
  if (a.traced) throw traced(fn);
  const host: HostArray<Float32Array | Int32Array> = { data: Float32Array.from(a.values(ctx)), shape: a.shape };
  try {
    return broadcastTo(host, shape);
  } catch {
    throw pyError('ValueError', `${fn} parameter shapes must be broadcast-compatible with shape argument, and the result of broadcasting the shapes must equal the shape argument, but got result (${a.shape.join(', ')}) for shape argument (${shape.join(', ')}${shape.length === 1 ? ',' : ''}).`);
  }
}

function hostValue(rt: JaxRuntime, fn: string, v: PyValue, ctx: HostContext): { values: ArrayLike<number>; shape: readonly number[]; dtype: DType } {
  const a = asArray(rt, v, ctx);
  if (a.traced) throw traced(fn);
  return { values: a.values(ctx), shape: a.shape, dtype: a.dtype };
}

const upload = (rt: JaxRuntime, data: ArrayLike<number>, shape: readonly number[], dtype: DType) => new PyArray(rt, rt.upload(data, shape, dtype), false, false);

/** `x` with its rows along `axis` taken in `order` (jnp.take with unique indices). */
function take(values: ArrayLike<number>, shape: readonly number[], axis: number, order: readonly number[]): { data: number[]; shape: number[] } {
  const outer = shape.slice(0, axis).reduce((n, d) => n * d, 1);
  const inner = shape.slice(axis + 1).reduce((n, d) => n * d, 1);
  const n = shape[axis];
  const data: number[] = [];
  for (let o = 0; o < outer; o++) for (const r of order) for (let i = 0; i < inner; i++) data.push(values[(o * n + r) * inner + i]);
  return { data, shape: [...shape.slice(0, axis), order.length, ...shape.slice(axis + 1)] };
}

/** A seed's key words: int32 (`[0, seed]`), or int64 under jax_enable_x64 (`[seed >> 32, seed & 0xFFFFFFFF]`), as threefry_seed. */
function seedOf(rt: JaxRuntime, fn: string, v: PyValue, ctx: HostContext): Val {
  if (v instanceof PyArray && v.dtype === KEY_DTYPE) throw pyError('TypeError', `${fn} accepts a scalar seed, but was given a PRNG key.`);
  let s: bigint;
  if (v instanceof PyArray) {
    if (v.shape.length) throw pyError('TypeError', `${fn} accepts a scalar seed, but was given an array of shape (${v.shape.join(', ')}${v.shape.length === 1 ? ',' : ''}) != (). Use jax.vmap for batching`);
    if (v.dtype !== 'int32' && v.dtype !== 'int64' && v.dtype !== 'bool') throw pyError('TypeError', `PRNG key seed must be an integer; got ${ctx.repr(v)}`);
    if (v.traced) return v.dtype === 'bool' ? rt.bind('convert_element_type', [v.v], { newDtype: 'int32' }) : v.v;
    s = BigInt(v.values(ctx)[0]);
  } else {
    if (typeof v === 'number') throw pyError('TypeError', `PRNG key seed must be an integer; got Array(${ctx.repr(v)}, dtype=float${rt.x64 ? 64 : 32}, weak_type=True)`);
    s = toIndex(v, ctx);
  }
  const bits = rt.x64 ? 64n : 32n;
  if (s < -(2n ** (bits - 1n)) || s >= 2n ** (bits - 1n)) throw pyError('OverflowError', `Python int ${s} too large to convert to int${bits}`);
  // NB: an int64 seed past 2**53 is refused by the int64 dtype itself (runtime/core/dtype.ts).
  return new Scalar(Number(s), rt.x64 ? 'int64' : 'int32');
}

/** `jax.random.key(seed)`: random_seed of the seed, staged or at once (the seed's words on the host). */
function seedKeys(rt: JaxRuntime, fn: string, v: PyValue, ctx: HostContext): Val {
  const seed = seedOf(rt, fn, v, ctx);
  if (!(seed instanceof Scalar) || stages(rt)) return rt.bind('random_seed', [seed], { impl: 'fry' });
  const u = BigInt.asUintN(64, BigInt(seed.value));
  return rt.upload([seed.dtype === 'int64' ? Number(u >> 32n) : 0, Number(u & 0xffffffffn)], [], KEY_DTYPE);
}

/** What runs under jax_enable_x64 (keys); the samplers there draw 64-bit values Gradlens does not have yet. */
const KEY_FUNCTIONS = new Set(['key', 'PRNGKey', 'key_data', 'wrap_key_data', 'split', 'fold_in']);

type Sampler = (rt: JaxRuntime, a: ReturnType<typeof bindArgs>, ctx: HostContext, partitionable: boolean) => PyValue;

function def(name: string, spec: string[], body: Sampler, rt: JaxRuntime): PyValue {
  return pyFunction(name, (args: PyValue[], kwargs: Kwargs, ctx: HostContext) => {
    if (rt.x64 && !KEY_FUNCTIONS.has(name)) throw pyError('NotImplementedError', `jax.random.${name} under jax_enable_x64 is not supported by Gradlens yet (it draws 64-bit values); leave jax_enable_x64 off`);
    return body(rt, bindArgs(name, spec, args, kwargs, ctx), ctx, configOf(ctx).partitionable);
  });
}

/**
 * A sampler of `shape` standard draws with no parameter (`exponential`, `gumbel`, ...): JAX's
 * composition of uniform or normal draws, bound as equations (on concrete keys too: the same
 * kernels give eager and jit the same bits).
 */
function unitSampler(name: string, draw: (rt: JaxRuntime, key: Val, shape: readonly number[], partitionable: boolean) => Val): [string[], Sampler] {
  return [['key', 'shape?', 'dtype?'], (rt, a, ctx, part) => {
    const k = singleKey(rt, name, a.required('key'), ctx);
    floatDtype(name, a.get('dtype'), ctx);
    const shape = shapeArg(a.get('shape'), ctx);
    return op(rt, () => arrayOf(rt, draw(rt, k.key.v, shape, part)));
  }];
}

/** `gamma` and `loggamma`: Marsaglia and Tsang on the host (gamma.ts), concrete keys and shapes only. */
function gammaSampler(name: string, logSpace: boolean): [string[], Sampler] {
  return [['key', 'a', 'shape?', 'dtype?'], (rt, args, ctx, part) => {
    const k = singleKey(rt, name, args.required('key'), ctx);
    floatDtype(name, args.get('dtype'), ctx);
    const a = asArray(rt, args.required('a'), ctx);
    if (stages(rt, k.key, a)) throw traced(name);
    const shape = args.opt('shape') !== undefined ? shapeArg(args.get('shape'), ctx) : [...a.shape];
    checkShape(name, shape, a.shape);
    return upload(rt, gammas.gamma(wordsOf(k, ctx), param(rt, name, a, shape, ctx), logSpace, part), shape, 'float32');
  }];
}

const SAMPLERS: Record<string, [string[], Sampler]> = {
  key: [['seed', '*', 'impl?'], (rt, a, ctx) => op(rt, () => arrayOf(rt, seedKeys(rt, 'key', a.required('seed'), ctx)))],
  PRNGKey: [['seed', '*', 'impl?'], (rt, a, ctx) => op(rt, () => arrayOf(rt, rt.bind('random_unwrap', [seedKeys(rt, 'PRNGKey', a.required('seed'), ctx)], {})))],
  key_data: [['keys'], (rt, a, ctx) => {
    const k = keysOf(rt, a.required('keys'), ctx);
    return op(rt, () => arrayOf(rt, rt.bind('random_unwrap', [k.key.v], {})));
  }],
  wrap_key_data: [['key_bits_array', '*', 'impl?'], (rt, a, ctx) => keysOf(rt, a.required('key_bits_array'), ctx).key],
  split: [['key', 'num?'], (rt, a, ctx, part) => {
    const k = singleKey(rt, 'split', a.required('key'), ctx);
    const num = a.get('num') ?? 2n;
    const shape = num instanceof PyTuple || num instanceof PyList ? shapeArg(num, ctx) : [Number(toIndex(num, ctx))];
    if (stages(rt, k.key)) return returnKeys(rt, k, rt.bind('random_split', [k.key.v], { shape, partitionable: part }));
    return hostKeys(rt, k.wrapped, splitWords(wordsOf(k, ctx), shape.reduce((n, d) => n * d, 1), part), shape);
  }],
  fold_in: [['key', 'data'], (rt, a, ctx) => {
    const k = singleKey(rt, 'fold_in', a.required('key'), ctx);
    const data = asArray(rt, a.required('data'), ctx);
    if (data.shape.length) throw pyError('TypeError', `fold_in accepts a scalar, but was given an array ofshape ${shapeStr(data.shape)} != (). Use jax.vmap for batching.`);
    if (stages(rt, k.key, data)) {
      // jnp.asarray(data, dtype='uint32'): a Python int is a uint32 literal, an array converts.
      const msg = data.traced || !data.weak ? rt.bind('convert_element_type', [data.v], { newDtype: 'uint32' }) : new Scalar(data.values(ctx)[0], 'uint32');
      return returnKeys(rt, k, rt.bind('random_fold_in', [k.key.v, msg], {}));
    }
    return hostKeys(rt, k.wrapped, foldInWords(wordsOf(k, ctx), data.values(ctx)[0]), []);
  }],
  bits: [['key', 'shape?', 'dtype?'], (rt, a, ctx, part) => {
    const k = singleKey(rt, 'bits', a.required('key'), ctx);
    const shape = shapeArg(a.get('shape'), ctx);
    const d = dtypeName(a.get('dtype'), ctx) ?? 'uint32';
    const width = ({ uint8: 8, uint16: 16, uint32: 32 } as Record<string, number>)[d];
    if (!width) throw pyError(d === 'uint64' ? 'NotImplementedError' : 'ValueError', d === 'uint64' ? 'jax.random.bits with dtype uint64 needs jax_enable_x64, which Gradlens does not have' : `dtype argument to \`bits\` must be an unsigned int dtype, got ${d}`);
    if (width !== 32) throw pyError('NotImplementedError', `jax.random.bits with dtype ${d}: Gradlens has uint32 arrays only`);
    if (stages(rt, k.key)) return op(rt, () => arrayOf(rt, staged.randomBits(rt, k.key.v, shape, part)));
    return upload(rt, randomBits(wordsOf(k, ctx), 32, shape.reduce((n, x) => n * x, 1), part), shape, 'uint32');
  }],
  uniform: [['key', 'shape?', 'dtype?', 'minval?', 'maxval?'], (rt, a, ctx, part) => {
    const k = singleKey(rt, 'uniform', a.required('key'), ctx);
    const shape = shapeArg(a.get('shape'), ctx);
    floatDtype('uniform', a.get('dtype'), ctx);
    const minval = a.get('minval') ?? 0, maxval = a.get('maxval') ?? 1;
    if (stages(rt, k.key, minval, maxval)) {
      return op(rt, () => arrayOf(rt, staged.uniform(rt, k.key.v, shape, operand(rt, minval, ctx), operand(rt, maxval, ctx), part)));
    }
    const lo = param(rt, 'uniform', minval, shape, ctx);
    const hi = param(rt, 'uniform', maxval, shape, ctx);
    return upload(rt, uniform(wordsOf(k, ctx), shape, lo, hi, part), shape, 'float32');
  }],
  normal: [['key', 'shape?', 'dtype?'], (rt, a, ctx, part) => {
    const k = singleKey(rt, 'normal', a.required('key'), ctx);
    floatDtype('normal', a.get('dtype'), ctx);
    const shape = shapeArg(a.get('shape'), ctx);
    if (stages(rt, k.key)) return op(rt, () => arrayOf(rt, staged.normal(rt, k.key.v, shape, part)));
    return upload(rt, normal(wordsOf(k, ctx), shape, part), shape, 'float32');
  }],
  truncated_normal: [['key', 'lower', 'upper', 'shape?', 'dtype?'], (rt, a, ctx, part) => {
    const k = singleKey(rt, 'truncated_normal', a.required('key'), ctx);
    floatDtype('truncated_normal', a.get('dtype'), ctx);
    const lower = asArray(rt, a.required('lower'), ctx), upper = asArray(rt, a.required('upper'), ctx);
    const shape = a.opt('shape') !== undefined ? shapeArg(a.get('shape'), ctx) : broadcastShapes(lower.shape, upper.shape);
    if (stages(rt, k.key, lower, upper)) {
      checkShape('truncated_normal', shape, lower.shape, upper.shape);
      const lo = operand(rt, a.required('lower'), ctx), hi = operand(rt, a.required('upper'), ctx);
      return op(rt, () => arrayOf(rt, staged.truncatedNormal(rt, k.key.v, lo, hi, shape, part)));
    }
    return upload(rt, truncatedNormal(wordsOf(k, ctx), shape, param(rt, 'truncated_normal', lower, shape, ctx), param(rt, 'truncated_normal', upper, shape, ctx), part), shape, 'float32');
  }],
  randint: [['key', 'shape', 'minval', 'maxval', 'dtype?'], (rt, a, ctx, part) => {
    const k = singleKey(rt, 'randint', a.required('key'), ctx);
    const shape = shapeArg(a.required('shape'), ctx);
    const d = dtypeName(a.get('dtype'), ctx);
    if (d !== null && d !== 'int32' && d !== 'int' && d !== 'int64') throw pyError('NotImplementedError', `jax.random.randint with dtype ${d}: Gradlens samples int32`);
    const minval = a.required('minval'), maxval = a.required('maxval');
    checkShape('randint', shape, asArray(rt, minval, ctx).shape, asArray(rt, maxval, ctx).shape);
    if (stages(rt, k.key, minval, maxval)) {
      return op(rt, () => arrayOf(rt, staged.randint(rt, k.key.v, shape, operand(rt, minval, ctx), operand(rt, maxval, ctx), part)));
    }
    const lo = param(rt, 'randint', minval, shape, ctx);
    const hi = param(rt, 'randint', maxval, shape, ctx);
    return upload(rt, randint(wordsOf(k, ctx), shape, lo, hi, part), shape, 'int32');
  }],
  bernoulli: [['key', 'p?', 'shape?', 'mode?'], (rt, a, ctx, part) => {
    const k = singleKey(rt, 'bernoulli', a.required('key'), ctx);
    const pv = a.get('p') ?? 0.5;
    const p = asArray(rt, pv, ctx);
    if (p.dtype !== 'float32' && p.dtype !== 'float64') throw pyError('TypeError', `bernoulli probability \`p\` must have a floating dtype, got ${p.dtype}.`);
    if ((a.opt('mode') ?? 'low') !== 'low') throw pyError('NotImplementedError', "jax.random.bernoulli with mode='high' is not supported by Gradlens");
    const shape = a.opt('shape') !== undefined ? shapeArg(a.get('shape'), ctx) : [...p.shape];
    if (stages(rt, k.key, p)) return op(rt, () => arrayOf(rt, staged.bernoulli(rt, k.key.v, shape, operand(rt, pv, ctx), part)));
    return upload(rt, bernoulli(wordsOf(k, ctx), shape, param(rt, 'bernoulli', p, shape, ctx), part), shape, 'bool');
  }],
  categorical: [['key', 'logits', 'axis?', 'shape?', 'replace?', 'mode?'], (rt, a, ctx, part) => {
    const k = singleKey(rt, 'categorical', a.required('key'), ctx);
    const logitsArr = asArray(rt, a.required('logits'), ctx);
    if (!a.bool('replace', true)) throw pyError('NotImplementedError', 'jax.random.categorical with replace=False is not supported by Gradlens');
    const rank = logitsArr.shape.length;
    let axis = a.int('axis', -1);
    if (axis < 0) axis += rank;
    const batch = logitsArr.shape.filter((_, i) => i !== axis);
    const shape = a.opt('shape') !== undefined ? shapeArg(a.get('shape'), ctx) : batch;
    const prefix = shape.slice(0, shape.length - batch.length);
    const logitsShape = [...shape.slice(shape.length - batch.length)];
    logitsShape.splice(axis, 0, logitsArr.shape[axis]);
    const full = [...prefix, ...logitsShape];
    if (stages(rt, k.key, logitsArr)) {
      return op(rt, () => {
        const l = logitsArr.dtype === 'float32' ? logitsArr.v : rt.bind('convert_element_type', [logitsArr.v], { newDtype: 'float32' });
        return arrayOf(rt, staged.categorical(rt, k.key.v, l, axis, prefix, logitsShape, part));
      });
    }
    const logits = hostValue(rt, 'categorical', logitsArr, ctx);
    const g = gumbel(wordsOf(k, ctx), full, part);
    const l = broadcastTo({ data: Float32Array.from(logits.values), shape: logits.shape }, full);
    const ax = prefix.length + axis;
    const n = full[ax], inner = full.slice(ax + 1).reduce((m, d) => m * d, 1), outer = full.slice(0, ax).reduce((m, d) => m * d, 1);
    const out = new Int32Array(outer * inner);
    for (let o = 0; o < outer; o++) {
      for (let i = 0; i < inner; i++) {
        let best = -Infinity, arg = 0;
        for (let j = 0; j < n; j++) {
          const at = (o * n + j) * inner + i;
          const v = Math.fround(g[at] + l[at]);
          if (v > best || (Number.isNaN(v) && !Number.isNaN(best))) [best, arg] = [v, j];
        }
        out[o * inner + i] = arg;
      }
    }
    return upload(rt, out, shape, 'int32');
  }],
  permutation: [['key', 'x', 'axis?', 'independent?'], (rt, a, ctx, part) => {
    const k = singleKey(rt, 'permutation', a.required('key'), ctx);
    const x = a.required('x');
    if (typeof x === 'bigint' || (x instanceof PyArray && x.shape.length === 0)) {
      const n = Number(typeof x === 'bigint' ? x : toIndex(x, ctx));
      if (stages(rt, k.key)) return op(rt, () => arrayOf(rt, staged.permutation(rt, k.key.v, n, 0, false, part)));
      return upload(rt, shuffleOrder(wordsOf(k, ctx), n, part), [n], 'int32');
    }
    const xa = asArray(rt, x, ctx);
    let axis = a.int('axis', 0);
    if (axis < 0) axis += xa.shape.length;
    const independent = a.bool('independent', false);
    // NB: independent rows run as staged equations on concrete keys too (no host twin).
    if (independent || stages(rt, k.key, xa)) return op(rt, () => arrayOf(rt, staged.permutation(rt, k.key.v, xa.v, axis, independent, part)));
    const h = hostValue(rt, 'permutation', xa, ctx);
    const t = take(h.values, h.shape, axis, shuffleOrder(wordsOf(k, ctx), h.shape[axis], part));
    return upload(rt, t.data, t.shape, h.dtype);
  }],
  choice: [['key', 'a', 'shape?', 'replace?', 'p?', 'axis?', 'mode?'], (rt, args, ctx, part) => {
    const k = singleKey(rt, 'choice', args.required('key'), ctx);
    const shapeV = args.get('shape') ?? new PyTuple([]);
    if (!(shapeV instanceof PyTuple || shapeV instanceof PyList)) throw pyError('TypeError', `shape argument of jax.random.choice must be a sequence, got ${ctx.repr(shapeV)}`);
    const shape = shapeArg(shapeV, ctx);
    const av = args.required('a');
    const arrA = asArray(rt, av, ctx);
    let axis = args.int('axis', 0);
    if (arrA.shape.length && axis < 0) axis += arrA.shape.length;
    const nInputs = arrA.shape.length === 0 ? Number(toIndex(av, ctx)) : arrA.shape[axis];
    const nDraws = shape.reduce((n, d) => n * d, 1);
    if (nInputs <= 0) throw pyError('ValueError', 'a must be greater than 0 unless no samples are taken');
    const replace = args.bool('replace', true);
    if (!replace && nDraws > nInputs) throw pyError('ValueError', `Cannot take a larger sample (size ${nDraws}) than population (size ${nInputs}) when 'replace=False'`);
    const p = args.opt('p');
    const pA = p === undefined ? null : asArray(rt, p, ctx);
    if (pA !== null && (pA.shape.length !== 1 || pA.shape[0] !== nInputs)) {
      throw pyError('ValueError', `p must be None or a 1D vector with the same size as a.shape[axis]. p has shape (${pA.shape.join(', ')}${pA.shape.length === 1 ? ',' : ''}) and a.shape[axis] is ${nInputs}.`);
    }
    // NB: p without replacement (the Gumbel top-k trick) runs as staged equations on concrete keys too (no host twin).
    if (stages(rt, k.key, arrA, pA ?? undefined) || (pA !== null && !replace)) {
      return op(rt, () => {
        const pv = pA === null ? null : pA.dtype === 'float32' ? pA.v : rt.bind('convert_element_type', [pA.v], { newDtype: 'float32' });
        return arrayOf(rt, staged.choice(rt, k.key.v, arrA.shape.length === 0 ? null : arrA.v, axis, { n: nInputs, shape, replace, p: pv }, part));
      });
    }
    const key = wordsOf(k, ctx);
    const arr = hostValue(rt, 'choice', arrA, ctx);
    let ind: number[];
    if (pA === null) {
      if (replace) ind = Array.from(randint(key, shape, new Float64Array(nDraws).fill(0), new Float64Array(nDraws).fill(nInputs), part));
      else ind = shuffleOrder(key, nInputs, part).slice(0, nDraws);
    } else {
      const pv = hostValue(rt, 'choice', pA, ctx);
      const cum: number[] = [];
      let s = 0;
      for (let i = 0; i < nInputs; i++) cum.push((s = Math.fround(s + pv.values[i])));
      const u = uniform(key, shape, 0, 1, part);
      ind = Array.from(u, (x) => {
        const r = Math.fround(cum[nInputs - 1] * Math.fround(1 - x));
        let i = 0;
        while (i < nInputs && cum[i] < r) i++;
        return i;
      });
    }
    if (arr.shape.length === 0) return upload(rt, ind, shape, 'int32');
    const t = take(arr.values, arr.shape, axis, ind);
    return upload(rt, t.data, [...arr.shape.slice(0, axis), ...shape, ...arr.shape.slice(axis + 1)], arr.dtype);
  }],
  exponential: unitSampler('exponential', staged.exponential),
  laplace: unitSampler('laplace', staged.laplace),
  logistic: unitSampler('logistic', staged.logistic),
  cauchy: unitSampler('cauchy', staged.cauchy),
  gumbel: unitSampler('gumbel', staged.gumbel),
  maxwell: unitSampler('maxwell', staged.maxwell),
  rademacher: [['key', 'shape?', 'dtype?'], (rt, a, ctx, part) => {
    const k = singleKey(rt, 'rademacher', a.required('key'), ctx);
    const shape = shapeArg(a.get('shape'), ctx);
    const d = dtypeName(a.get('dtype'), ctx) ?? 'int32';
    const dtype = ({ int: 'int32', int32: 'int32', int64: 'int32', float: 'float32', float32: 'float32', float64: 'float32' } as Record<string, DType>)[d];
    if (!dtype) throw pyError('NotImplementedError', `jax.random.rademacher with dtype ${d}: Gradlens samples int32 or float32`);
    return op(rt, () => arrayOf(rt, staged.rademacher(rt, k.key.v, shape, dtype, part)));
  }],
  pareto: [['key', 'b', 'shape?', 'dtype?'], (rt, a, ctx, part) => {
    const k = singleKey(rt, 'pareto', a.required('key'), ctx);
    floatDtype('pareto', a.get('dtype'), ctx);
    const b = asArray(rt, a.required('b'), ctx);
    const shape = a.opt('shape') !== undefined ? shapeArg(a.get('shape'), ctx) : [...b.shape];
    checkShape('pareto', shape, b.shape);
    return op(rt, () => arrayOf(rt, staged.pareto(rt, k.key.v, operand(rt, a.required('b'), ctx), shape, part)));
  }],
  double_sided_maxwell: [['key', 'loc', 'scale', 'shape?', 'dtype?'], (rt, a, ctx, part) => {
    const k = singleKey(rt, 'double_sided_maxwell', a.required('key'), ctx);
    floatDtype('double_sided_maxwell', a.get('dtype'), ctx);
    const loc = a.required('loc'), scale = a.required('scale');
    const params = broadcastShapes(asArray(rt, loc, ctx).shape, asArray(rt, scale, ctx).shape);
    const given = shapeArg(a.get('shape'), ctx);
    // NB: as JAX's: the parameters' shape is appended to `shape` (to itself when `shape` is empty).
    const shape = [...(given.length ? given : params), ...params];
    return op(rt, () => arrayOf(rt, staged.doubleSidedMaxwell(rt, k.key.v, operand(rt, loc, ctx), operand(rt, scale, ctx), shape, part)));
  }],
  weibull_min: [['key', 'scale', 'concentration', 'shape?', 'dtype?'], (rt, a, ctx, part) => {
    const k = singleKey(rt, 'weibull_min', a.required('key'), ctx);
    floatDtype('weibull_min', a.get('dtype'), ctx);
    const shape = shapeArg(a.get('shape'), ctx);
    return op(rt, () => arrayOf(rt, staged.weibullMin(rt, k.key.v, operand(rt, a.required('scale'), ctx), operand(rt, a.required('concentration'), ctx), shape, part)));
  }],
  gamma: gammaSampler('gamma', false),
  loggamma: gammaSampler('loggamma', true),
  beta: [['key', 'a', 'b', 'shape?', 'dtype?'], (rt, args, ctx, part) => {
    const k = singleKey(rt, 'beta', args.required('key'), ctx);
    floatDtype('beta', args.get('dtype'), ctx);
    const a = asArray(rt, args.required('a'), ctx), b = asArray(rt, args.required('b'), ctx);
    if (stages(rt, k.key, a, b)) throw traced('beta');
    const shape = args.opt('shape') !== undefined ? shapeArg(args.get('shape'), ctx) : broadcastShapes(a.shape, b.shape);
    checkShape('beta', shape, a.shape, b.shape);
    return upload(rt, gammas.beta(wordsOf(k, ctx), param(rt, 'beta', a, shape, ctx), param(rt, 'beta', b, shape, ctx), part), shape, 'float32');
  }],
  dirichlet: [['key', 'alpha', 'shape?', 'dtype?'], (rt, args, ctx, part) => {
    const k = singleKey(rt, 'dirichlet', args.required('key'), ctx);
    floatDtype('dirichlet', args.get('dtype'), ctx);
    const alpha = asArray(rt, args.required('alpha'), ctx);
    if (stages(rt, k.key, alpha)) throw traced('dirichlet');
    if (alpha.shape.length < 1) throw pyError('ValueError', `dirichlet requires alpha.ndim >= 1, got alpha.ndim == ${alpha.shape.length}`);
    const batch = alpha.shape.slice(0, -1);
    const shape = args.opt('shape') !== undefined ? shapeArg(args.get('shape'), ctx) : batch;
    checkShape('dirichlet', shape, batch);
    const n = alpha.shape[alpha.shape.length - 1];
    const full = [...shape, n];
    return upload(rt, gammas.dirichlet(wordsOf(k, ctx), param(rt, 'dirichlet', alpha, full, ctx), n, part), full, 'float32');
  }],
  t: [['key', 'df', 'shape?', 'dtype?'], (rt, args, ctx, part) => {
    const k = singleKey(rt, 't', args.required('key'), ctx);
    floatDtype('t', args.get('dtype'), ctx);
    const df = asArray(rt, args.required('df'), ctx);
    if (stages(rt, k.key, df)) throw traced('t');
    const shape = args.opt('shape') !== undefined ? shapeArg(args.get('shape'), ctx) : [...df.shape];
    checkShape('t', shape, df.shape);
    return upload(rt, gammas.studentT(wordsOf(k, ctx), param(rt, 't', df, shape, ctx), shape, part), shape, 'float32');
  }],
  poisson: [['key', 'lam', 'shape?', 'dtype?'], (rt, args, ctx, part) => {
    const k = singleKey(rt, 'poisson', args.required('key'), ctx);
    const lam = asArray(rt, args.required('lam'), ctx);
    const d = dtypeName(args.get('dtype'), ctx);
    if (d !== null && d !== 'int32' && d !== 'int' && d !== 'int64') throw pyError('NotImplementedError', `jax.random.poisson with dtype ${d}: Gradlens samples int32`);
    if (stages(rt, k.key, lam)) throw traced('poisson');
    const shape = args.opt('shape') !== undefined ? shapeArg(args.get('shape'), ctx) : [...lam.shape];
    const rates = param(rt, 'poisson', lam, shape, ctx).map(Math.fround);
    // NB: JAX draws rates of 10 and more by Hormann's transformed rejection, over XLA's float32 lgamma.
    if (rates.some((r) => r >= 10)) {
      throw pyError('NotImplementedError', 'jax.random.poisson with lam >= 10 (JAX\'s transformed rejection sampler) is not supported by Gradlens yet; Knuth\'s sampler for lam < 10 is');
    }
    const ks = gammas.poissonKnuth(wordsOf(k, ctx), rates, part, () => ctx.checkClock());
    return upload(rt, ks.map((x, i) => (rates[i] === 0 ? 0 : x)), shape, 'int32');
  }],
};

/** JAX's _check_shape: the parameters' shapes broadcast with `shape` to `shape` itself. */
function checkShape(fn: string, shape: readonly number[], ...params: (readonly number[])[]): void {
  const all = [shape, ...params];
  const n = Math.max(...all.map((s) => s.length));
  const result: number[] = [];
  for (let i = 0; i < n; i++) {
    const dims = new Set(all.map((s) => s[s.length - n + i] ?? 1).filter((d) => d !== 1));
    if (dims.size > 1) throw pyError('ValueError', `Incompatible shapes for broadcasting: shapes=[${all.map(shapeStr).join(', ')}]`);
    result.push(dims.size ? [...dims][0] : 1);
  }
  if (result.length !== shape.length || result.some((d, i) => d !== shape[i])) {
    throw pyError('ValueError', `${fn} parameter shapes must be broadcast-compatible with shape argument, and the result of broadcasting the shapes must equal the shape argument, but got result ${shapeStr(result)} for shape argument ${shapeStr(shape)}.`);
  }
}

function broadcastShapes(a: readonly number[], b: readonly number[]): number[] {
  const n = Math.max(a.length, b.length);
  return Array.from({ length: n }, (_, i) => {
    const x = a[a.length - n + i] ?? 1, y = b[b.length - n + i] ?? 1;
    return x === 1 ? y : x;
  });
}

export const RANDOM_NAMES = Object.keys(SAMPLERS);

/** `jax.random`'s attributes over the run's jax runtime. */
export function randomAttrs(rt: JaxRuntime): Record<string, PyValue> {
  const attrs: Record<string, PyValue> = {};
  for (const [name, [spec, body]] of Object.entries(SAMPLERS)) attrs[name] = def(name, spec, body, rt);
  return attrs;
}


