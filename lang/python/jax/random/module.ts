/**
 * `jax.random`, in the key layout `jax.config.update('jax_threefry_partitionable', ...)` picks
 * (on, as JAX since 0.5; off: the layout before).
 * Keys and samples are computed on the host with JAX's threefry2x32, bit for bit; samples become
 * float32/int32/bool arrays of the run's backend.
 *
 * NB: keys are host values, so jax.random runs on concrete keys only: under jit, vmap or grad
 * (a traced key or parameter) it raises NotImplementedError at the line.
 */
import type { DType } from '../../../../runtime/core';
import { bindArgs, type HostContext, type Kwargs, pyError, pyFunction, PyList, PyTuple, type PyValue, toIndex, typeName } from '../../interpreter';
import { DTypeObject, PyArray, type JaxRuntime } from '../array';
import { asArray } from '../lax';
import { KeyArray, U32Array } from './keys';
import { bernoulli, broadcastTo, gumbel, normal, randint, shuffleOrder, truncatedNormal, uniform, type HostArray } from './samplers';
import { foldInWords, randomBits, splitWords, type KeyWords } from './threefry';

const CONFIG = {};
interface RandomConfig { partitionable: boolean }
const configOf = (ctx: HostContext): RandomConfig => ctx.state(CONFIG, () => ({ partitionable: true }));

/** `jax.config.jax_threefry_partitionable` for this run. */
export const threefryPartitionable = (ctx: HostContext): boolean => configOf(ctx).partitionable;
export function setThreefryPartitionable(ctx: HostContext, on: boolean): void {
  configOf(ctx).partitionable = on;
}

/** A key argument: a typed key array or a legacy uint32 key (last axis 2). */
interface Keys { words: Uint32Array; shape: readonly number[]; typed: boolean }

function keysOf(fn: string, v: PyValue): Keys {
  if (v instanceof KeyArray) return { words: v.words, shape: v.shape, typed: true };
  if (v instanceof U32Array && v.shape.length > 0 && v.shape[v.shape.length - 1] === 2) return { words: v.data, shape: v.shape.slice(0, -1), typed: false };
  if (v instanceof PyArray && v.traced) throw traced(fn);
  throw pyError('TypeError', `${fn} accepts a single key, but was given ${v instanceof PyArray ? `an array of dtype ${v.dtype}` : typeName(v)}: JAX keys come from jax.random.key or jax.random.PRNGKey`);
}

function traced(fn: string) {
  return pyError('NotImplementedError', `jax.random.${fn} under jit, vmap or grad is not supported by Gradlens yet (its keys are host values); draw the samples outside the transformed function and pass them in`);
}

/** One key (shape ()), as every sampler takes. */
function singleKey(fn: string, v: PyValue): KeyWords {
  const k = keysOf(fn, v);
  if (k.shape.length > 0) {
    throw pyError('TypeError', `${fn} accepts a single key, but was given a key array of shape (${k.shape.join(', ')}${k.shape.length === 1 ? ',' : ''}) != (). Use jax.vmap for batching.`);
  }
  return [k.words[0], k.words[1]];
}

const wrapKeys = (typed: boolean, words: Uint32Array, shape: readonly number[]) => (typed ? new KeyArray(words, shape) : new U32Array(words, [...shape, 2]));

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
function seedOf(rt: JaxRuntime, fn: string, v: PyValue, ctx: HostContext): Uint32Array {
  if (v instanceof KeyArray) throw pyError('TypeError', `${fn} accepts a scalar seed, but was given a PRNG key.`);
  let s: bigint;
  if (v instanceof PyArray) {
    if (v.traced) throw traced(fn);
    if (v.shape.length) throw pyError('TypeError', `${fn} accepts a scalar seed, but was given an array of shape (${v.shape.join(', ')}${v.shape.length === 1 ? ',' : ''}) != (). Use jax.vmap for batching`);
    if (v.dtype !== 'int32' && v.dtype !== 'bool') throw pyError('TypeError', `PRNG key seed must be an integer; got ${ctx.repr(v)}`);
    s = BigInt(v.values(ctx)[0]);
  } else {
    if (typeof v === 'number') throw pyError('TypeError', `PRNG key seed must be an integer; got Array(${ctx.repr(v)}, dtype=float${rt.x64 ? 64 : 32}, weak_type=True)`);
    s = toIndex(v, ctx);
  }
  const bits = rt.x64 ? 64n : 32n;
  if (s < -(2n ** (bits - 1n)) || s >= 2n ** (bits - 1n)) throw pyError('OverflowError', `Python int ${s} too large to convert to int${bits}`);
  const u = BigInt.asUintN(64, s);
  return Uint32Array.from([rt.x64 ? Number(u >> 32n) : 0, Number(u & 0xffffffffn)]);
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
  key: [['seed', '*', 'impl?'], (rt, a, ctx) => new KeyArray(seedOf(rt, 'key', a.required('seed'), ctx), [])],
  PRNGKey: [['seed', '*', 'impl?'], (rt, a, ctx) => new U32Array(seedOf(rt, 'PRNGKey', a.required('seed'), ctx), [2])],
  key_data: [['keys'], (_rt, a) => {
    const k = keysOf('key_data', a.required('keys'));
    return new U32Array(k.words, [...k.shape, 2]);
  }],
  wrap_key_data: [['key_bits_array', '*', 'impl?'], (rt, a, ctx) => {
    const v = a.required('key_bits_array');
    if (v instanceof U32Array) return new KeyArray(v.data, v.shape.slice(0, -1));
    const h = hostValue(rt, 'wrap_key_data', v, ctx);
    if (h.shape[h.shape.length - 1] !== 2) throw pyError('TypeError', `wrap_key_data expects key data of shape (..., 2), got (${h.shape.join(', ')})`);
    return new KeyArray(Uint32Array.from(h.values, (x) => x >>> 0), h.shape.slice(0, -1));
  }],
  split: [['key', 'num?'], (_rt, a, ctx, part) => {
    const k = keysOf('split', a.required('key'));
    const key = singleKey('split', a.required('key'));
    const num = a.get('num') ?? 2n;
    const shape = num instanceof PyTuple || num instanceof PyList ? shapeArg(num, ctx) : [Number(toIndex(num, ctx))];
    return wrapKeys(k.typed, splitWords(key, shape.reduce((n, d) => n * d, 1), part), shape);
  }],
  fold_in: [['key', 'data'], (rt, a, ctx) => {
    const k = keysOf('fold_in', a.required('key'));
    const key = singleKey('fold_in', a.required('key'));
    const d = hostValue(rt, 'fold_in', a.required('data'), ctx);
    if (d.shape.length) throw pyError('TypeError', `fold_in accepts a scalar, but was given an array ofshape (${d.shape.join(', ')}) != (). Use jax.vmap for batching.`);
    return wrapKeys(k.typed, Uint32Array.from(foldInWords(key, d.values[0])), []);
  }],
  bits: [['key', 'shape?', 'dtype?'], (_rt, a, ctx, part) => {
    const key = singleKey('bits', a.required('key'));
    const shape = shapeArg(a.get('shape'), ctx);
    const d = dtypeName(a.get('dtype'), ctx) ?? 'uint32';
    const width = ({ uint8: 8, uint16: 16, uint32: 32 } as Record<string, number>)[d];
    if (!width) throw pyError(d === 'uint64' ? 'NotImplementedError' : 'ValueError', d === 'uint64' ? 'jax.random.bits with dtype uint64 needs jax_enable_x64, which Gradlens does not have' : `dtype argument to \`bits\` must be an unsigned int dtype, got ${d}`);
    if (width !== 32) throw pyError('NotImplementedError', `jax.random.bits with dtype ${d}: Gradlens has uint32 arrays only`);
    return new U32Array(randomBits(key, 32, shape.reduce((n, x) => n * x, 1), part), shape);
  }],
  uniform: [['key', 'shape?', 'dtype?', 'minval?', 'maxval?'], (rt, a, ctx, part) => {
    const key = singleKey('uniform', a.required('key'));
    const shape = shapeArg(a.get('shape'), ctx);
    floatDtype('uniform', a.get('dtype'), ctx);
    const lo = param(rt, 'uniform', a.get('minval') ?? 0, shape, ctx);
    const hi = param(rt, 'uniform', a.get('maxval') ?? 1, shape, ctx);
    return upload(rt, uniform(key, shape, lo, hi, part), shape, 'float32');
  }],
  normal: [['key', 'shape?', 'dtype?'], (rt, a, ctx, part) => {
    const key = singleKey('normal', a.required('key'));
    floatDtype('normal', a.get('dtype'), ctx);
    const shape = shapeArg(a.get('shape'), ctx);
    return upload(rt, normal(key, shape, part), shape, 'float32');
  }],
  truncated_normal: [['key', 'lower', 'upper', 'shape?', 'dtype?'], (rt, a, ctx, part) => {
    const key = singleKey('truncated_normal', a.required('key'));
    floatDtype('truncated_normal', a.get('dtype'), ctx);
    const lower = asArray(rt, a.required('lower'), ctx), upper = asArray(rt, a.required('upper'), ctx);
    const shape = a.opt('shape') !== undefined ? shapeArg(a.get('shape'), ctx) : broadcastShapes(lower.shape, upper.shape);
    return upload(rt, truncatedNormal(key, shape, param(rt, 'truncated_normal', lower, shape, ctx), param(rt, 'truncated_normal', upper, shape, ctx), part), shape, 'float32');
  }],
  randint: [['key', 'shape', 'minval', 'maxval', 'dtype?'], (rt, a, ctx, part) => {
    const key = singleKey('randint', a.required('key'));
    const shape = shapeArg(a.required('shape'), ctx);
    const d = dtypeName(a.get('dtype'), ctx);
    if (d !== null && d !== 'int32' && d !== 'int' && d !== 'int64') throw pyError('NotImplementedError', `jax.random.randint with dtype ${d}: Gradlens samples int32`);
    const lo = param(rt, 'randint', a.required('minval'), shape, ctx);
    const hi = param(rt, 'randint', a.required('maxval'), shape, ctx);
    return upload(rt, randint(key, shape, lo, hi, part), shape, 'int32');
  }],
  bernoulli: [['key', 'p?', 'shape?', 'mode?'], (rt, a, ctx, part) => {
    const key = singleKey('bernoulli', a.required('key'));
    const p = asArray(rt, a.get('p') ?? 0.5, ctx);
    if (p.dtype !== 'float32' && p.dtype !== 'float64') throw pyError('TypeError', `bernoulli probability \`p\` must have a floating dtype, got ${p.dtype}.`);
    if ((a.opt('mode') ?? 'low') !== 'low') throw pyError('NotImplementedError', "jax.random.bernoulli with mode='high' is not supported by Gradlens");
    const shape = a.opt('shape') !== undefined ? shapeArg(a.get('shape'), ctx) : [...p.shape];
    return upload(rt, bernoulli(key, shape, param(rt, 'bernoulli', p, shape, ctx), part), shape, 'bool');
  }],
  categorical: [['key', 'logits', 'axis?', 'shape?', 'replace?', 'mode?'], (rt, a, ctx, part) => {
    const key = singleKey('categorical', a.required('key'));
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
    const key = singleKey('permutation', a.required('key'));
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
    const key = singleKey('choice', args.required('key'));
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

/** Whether `v` is a jax.random key (a host value the transformations cannot trace). */
export const isRandomKey = (v: PyValue): boolean => v instanceof KeyArray || v instanceof U32Array;

