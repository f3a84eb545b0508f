/**
 * `jax.random`, in the key layout `jax.config.update('jax_threefry_partitionable', ...)` picks
 * (on, as JAX since 0.5; off: the layout before). Keys are arrays: typed keys (`jax.random.key`,
 * dtype key<fry>) and raw uint32[..., 2] keys (`PRNGKey`), as JAX's.
 * On concrete keys and parameters the samples are computed on the host with JAX's threefry2x32,
 * bit for bit (samplers.ts); where a key or a parameter is traced (jit, vmap, grad) or a function
 * is staged (jit, make_jaxpr), key, PRNGKey, key_data, wrap_key_data, split, fold_in, bits,
 * uniform, normal, bernoulli and randint bind the random primitives (staged.ts) as JAX does; the
 * other samplers raise NotImplementedError at the line there.
 */
import { foldInWords, KEY_DTYPE, randomBits, splitWords, type DType, type KeyWords } from '../../../../runtime/core';
import { bindArgs, type HostContext, type Kwargs, pyError, pyFunction, PyList, PyTuple, type PyValue, toIndex, typeName } from '../../interpreter';
import { DTypeObject, PyArray, type JaxRuntime } from '../array';
import { asArray, op, operand } from '../lax';
import { Scalar, type Val } from '../values';
import { bernoulli, broadcastTo, gumbel, normal, randint, shuffleOrder, truncatedNormal, uniform, type HostArray } from './samplers';
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
    + 'draw its samples outside the transformed function and pass them in (key, split, fold_in, bits, uniform, normal, bernoulli and randint trace)');
}

/** Whether this call stages: a traced key or operand, or a function staged by jit or make_jaxpr. */
const stages = (rt: JaxRuntime, ...vs: readonly (PyValue | undefined)[]) =>
  rt.stagingTrace() !== null || vs.some((v) => v instanceof PyArray && v.traced);

/** The words of the key of a sampler that runs on the host only. */
function hostOnlyKey(rt: JaxRuntime, fn: string, v: PyValue, ctx: HostContext): KeyWords {
  const k = singleKey(rt, fn, v, ctx);
  if (stages(rt, k.key)) throw traced(fn);
  return wordsOf(k, ctx);
}

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
    if (stages(rt, k.key, lower, upper)) throw traced('truncated_normal');
    const shape = a.opt('shape') !== undefined ? shapeArg(a.get('shape'), ctx) : broadcastShapes(lower.shape, upper.shape);
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
    const key = hostOnlyKey(rt, 'categorical', a.required('key'), ctx);
    const logits = hostValue(rt, 'categorical', a.required('logits'), ctx);
    if (!a.bool('replace', true)) throw pyError('NotImplementedError', 'jax.random.categorical with replace=False is not supported by Gradlens');
    const rank = logits.shape.length;
    let axis = a.int('axis', -1);
    if (axis < 0) axis += rank;
    const batch = logits.shape.filter((_, i) => i !== axis);
    const shape = a.opt('shape') !== undefined ? shapeArg(a.get('shape'), ctx) : batch;
    const prefix = shape.slice(0, shape.length - batch.length);
    const logitsShape = [...shape.slice(shape.length - batch.length)];
    logitsShape.splice(axis, 0, logits.shape[axis]);
    const full = [...prefix, ...logitsShape];
    const g = gumbel(key, full, part);
    const l = broadcastTo({ data: Float32Array.from(logits.values), shape: logits.shape }, full);
    const ax = prefix.length + axis;
    const n = full[ax], inner = full.slice(ax + 1).reduce((m, d) => m * d, 1), outer = full.slice(0, ax).reduce((m, d) => m * d, 1);
    const out = new Int32Array(outer * inner);
    for (let o = 0; o < outer; o++) {
      for (let i = 0; i < inner; i++) {
        let best = -Infinity, arg = 0;
        for (let k = 0; k < n; k++) {
          const at = (o * n + k) * inner + i;
          const v = Math.fround(g[at] + l[at]);
          if (v > best || (Number.isNaN(v) && !Number.isNaN(best))) [best, arg] = [v, k];
        }
        out[o * inner + i] = arg;
      }
    }
    return upload(rt, out, shape, 'int32');
  }],
  permutation: [['key', 'x', 'axis?', 'independent?'], (rt, a, ctx, part) => {
    const key = hostOnlyKey(rt, 'permutation', a.required('key'), ctx);
    const x = a.required('x');
    if (typeof x === 'bigint' || (x instanceof PyArray && x.shape.length === 0)) {
      const n = Number(typeof x === 'bigint' ? x : toIndex(x, ctx));
      return upload(rt, shuffleOrder(key, n, part), [n], 'int32');
    }
    if (a.bool('independent', false)) throw pyError('NotImplementedError', 'jax.random.permutation with independent=True is not supported by Gradlens');
    const h = hostValue(rt, 'permutation', x, ctx);
    let axis = a.int('axis', 0);
    if (axis < 0) axis += h.shape.length;
    const t = take(h.values, h.shape, axis, shuffleOrder(key, h.shape[axis], part));
    return upload(rt, t.data, t.shape, h.dtype);
  }],
  choice: [['key', 'a', 'shape?', 'replace?', 'p?', 'axis?', 'mode?'], (rt, args, ctx, part) => {
    const key = hostOnlyKey(rt, 'choice', args.required('key'), ctx);
    const shapeV = args.get('shape') ?? new PyTuple([]);
    if (!(shapeV instanceof PyTuple || shapeV instanceof PyList)) throw pyError('TypeError', `shape argument of jax.random.choice must be a sequence, got ${ctx.repr(shapeV)}`);
    const shape = shapeArg(shapeV, ctx);
    const av = args.required('a');
    const arr = hostValue(rt, 'choice', av, ctx);
    let axis = args.int('axis', 0);
    if (arr.shape.length && axis < 0) axis += arr.shape.length;
    const nInputs = arr.shape.length === 0 ? Number(arr.values[0]) : arr.shape[axis];
    const nDraws = shape.reduce((n, d) => n * d, 1);
    if (nInputs <= 0) throw pyError('ValueError', 'a must be greater than 0 unless no samples are taken');
    const replace = args.bool('replace', true);
    if (!replace && nDraws > nInputs) throw pyError('ValueError', `Cannot take a larger sample (size ${nDraws}) than population (size ${nInputs}) when 'replace=False'`);
    let ind: number[];
    const p = args.opt('p');
    if (p === undefined) {
      if (replace) ind = Array.from(randint(key, shape, new Float64Array(nDraws).fill(0), new Float64Array(nDraws).fill(nInputs), part));
      else ind = shuffleOrder(key, nInputs, part).slice(0, nDraws);
    } else {
      const pv = hostValue(rt, 'choice', p, ctx);
      if (pv.shape.length !== 1 || pv.shape[0] !== nInputs) throw pyError('ValueError', `p must be None or a 1D vector with the same size as a.shape[axis]. p has shape (${pv.shape.join(', ')}${pv.shape.length === 1 ? ',' : ''}) and a.shape[axis] is ${nInputs}.`);
      if (!replace) throw pyError('NotImplementedError', 'jax.random.choice with p and replace=False is not supported by Gradlens');
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


