/**
 * Products and fused multiply-adds: addmm, addmv, addbmm, baddbmm (beta/alpha), addcmul and
 * addcdiv (value=), lerp, vdot, outer/ger, inner, tensordot, kron, cross and trace, as PyTorch
 * 1.13 computes them: the same float32 operation order where it decides the printed digits
 * (addcmul is self + (value * t1) * t2, lerp switches formula at |weight| = 0.5), and the grad_fn
 * names PyTorch gives.
 */
import type { Tensor } from '../../../runtime/eager';
import { bindArgs, type Args, pyError, type HostContext, PyList, PyTuple, type PyValue, toFloat } from '../interpreter';
import { arith, asTensor, isScalar } from './arith';
import { inferSizeMessage } from './errors';
import { isFloating } from './dtype';
import { followOperands, PyTensor, type Method, type TorchRuntime } from './tensor';
import * as T from './tensor_ops';

function def(name: string, spec: readonly string[], body: (x: PyTensor, a: Args, ctx: HostContext) => PyValue): Method {
  return (self, args, kwargs, ctx) => body(self, bindArgs(name, spec, args, kwargs, ctx), ctx);
}

function shapeOf(shapes: readonly (readonly number[])[]): number[] {
  const rank = Math.max(...shapes.map((s) => s.length));
  return Array.from({ length: rank }, (_, i) => Math.max(...shapes.map((s) => s[i - (rank - s.length)] ?? 1)));
}

function broadcastAll(shapes: readonly (readonly number[])[]): number[] {
  const message = inferSizeMessage(shapes);
  if (message !== null) throw pyError('RuntimeError', message);
  return shapeOf(shapes);
}

function scalarArg(a: Args, name: string, ctx: HostContext, dflt: number): number {
  const v = a.opt(name);
  if (v === undefined) return dflt;
  return v instanceof PyTensor ? v.float(ctx) : toFloat(v, ctx);
}

/** The dtype PyTorch computes in for these tensors (float64 wins, else float32, else the integer one). */
function commonDType(rt: TorchRuntime, ts: readonly Tensor[]): Tensor[] {
  let acc = ts[0];
  for (const t of ts.slice(1)) acc = rt.torch.coerce(acc, t)[0];
  return ts.map((t) => rt.ops.convert(t, acc.dtype));
}

// ---- beta * input + alpha * (product)

/** `input` must broadcast to the product's shape, in expand's words. */
function checkExpand(input: readonly number[], target: readonly number[]): void {
  const lead = target.length - input.length;
  input.forEach((d, i) => {
    if (d !== 1 && d !== target[lead + i]) {
      throw pyError('RuntimeError', `The expanded size of the tensor (${target[lead + i]}) must match the existing size (${d}) at non-singleton dimension ${lead + i}.  Target sizes: [${target.join(', ')}].  Tensor sizes: [${input.join(', ')}]`);
    }
  });
  if (lead < 0) throw pyError('RuntimeError', `expand: the number of sizes provided (${target.length}) must be greater or equal to the number of dimensions in the tensor (${input.length})`);
}

/** BLAS's beta * C + alpha * (A B): beta 0 ignores the input (NaN in it does not reach the result). */
function addProduct(name: string, input: PyTensor, operands: readonly PyTensor[], shape: readonly number[], product: (ts: Tensor[]) => Tensor, beta: number, alpha: number): PyTensor {
  checkExpand(input.shape, shape);
  const rt = input.rt;
  const o = rt.ops;
  return rt.run(() => {
    const [c, ...ts] = commonDType(rt, [input.t, ...operands.map((p) => p.t)]);
    const out = rt.engine.composite(name, () => {
      let p = product(ts);
      if (alpha !== 1) p = o.mul(p, o.scalarLike(alpha, p));
      if (beta === 0) return p;
      const scaled = beta === 1 ? c : o.mul(c, o.scalarLike(beta, c));
      return o.add(o.broadcastTo(scaled, shape), p);
    });
    return rt.result(out, [input, ...operands]);
  });
}

const mm = (rt: TorchRuntime) => ([a, b]: Tensor[]) => rt.ops.dotGeneral(a, b, { lhsContracting: [1], rhsContracting: [0], lhsBatch: [], rhsBatch: [] });
const bmm = (rt: TorchRuntime) => ([a, b]: Tensor[]) => rt.ops.dotGeneral(a, b, { lhsContracting: [2], rhsContracting: [1], lhsBatch: [0], rhsBatch: [0] });

function matrices(a: Args, names: readonly [string, string], rank: number, ctx: HostContext, x: PyTensor): [PyTensor, PyTensor] {
  const [m1, m2] = names.map((n) => asTensor(x.rt, a.required(n), ctx, n));
  if (rank === 2) {
    if (m1.shape.length !== 2) throw pyError('RuntimeError', `${names[0]} must be a matrix, got ${m1.shape.length}-D tensor`);
    if (m2.shape.length !== 2) throw pyError('RuntimeError', `${names[1]} must be a matrix, got ${m2.shape.length}-D tensor`);
    if (m1.shape[1] !== m2.shape[0]) throw pyError('RuntimeError', `mat1 and mat2 shapes cannot be multiplied (${m1.shape[0]}x${m1.shape[1]} and ${m2.shape[0]}x${m2.shape[1]})`);
  } else {
    if (m1.shape.length !== 3) throw pyError('RuntimeError', `batch1 must be a 3D tensor`);
    if (m2.shape.length !== 3) throw pyError('RuntimeError', `batch2 must be a 3D tensor`);
    if (m1.shape[0] !== m2.shape[0] || m1.shape[2] !== m2.shape[1]) {
      throw pyError('RuntimeError', `Expected size for first two dimensions of batch2 tensor to be: [${m1.shape[0]}, ${m1.shape[2]}] but got: [${m2.shape[0]}, ${m2.shape[1]}].`);
    }
  }
  return [m1, m2];
}

function addmm(x: PyTensor, a: Args, ctx: HostContext): PyTensor {
  const [m1, m2] = matrices(a, ['mat1', 'mat2'], 2, ctx, x);
  return addProduct('AddmmBackward0', x, [m1, m2], [m1.shape[0], m2.shape[1]], mm(x.rt), scalarArg(a, 'beta', ctx, 1), scalarArg(a, 'alpha', ctx, 1));
}

function addmv(x: PyTensor, a: Args, ctx: HostContext): PyTensor {
  const mat = asTensor(x.rt, a.required('mat'), ctx, 'mat');
  const vec = asTensor(x.rt, a.required('vec'), ctx, 'vec');
  if (mat.shape.length !== 2 || vec.shape.length !== 1 || mat.shape[1] !== vec.shape[0]) {
    throw pyError('RuntimeError', `vector + matrix @ vector expected, got ${x.shape.length}, ${mat.shape.length}, ${vec.shape.length}`);
  }
  const product = ([m, v]: Tensor[]) => x.rt.ops.dotGeneral(m, v, { lhsContracting: [1], rhsContracting: [0], lhsBatch: [], rhsBatch: [] });
  return addProduct('AddmvBackward0', x, [mat, vec], [mat.shape[0]], product, scalarArg(a, 'beta', ctx, 1), scalarArg(a, 'alpha', ctx, 1));
}

function addbmm(x: PyTensor, a: Args, ctx: HostContext, batched: boolean): PyTensor {
  const [b1, b2] = matrices(a, ['batch1', 'batch2'], 3, ctx, x);
  const rt = x.rt;
  const shape = batched ? [b1.shape[0], b1.shape[1], b2.shape[2]] : [b1.shape[1], b2.shape[2]];
  const product = batched ? bmm(rt) : (ts: Tensor[]) => rt.ops.reduceSum(bmm(rt)(ts), [0]);
  return addProduct(batched ? 'BaddbmmBackward0' : 'AddbmmBackward0', x, [b1, b2], shape, product, scalarArg(a, 'beta', ctx, 1), scalarArg(a, 'alpha', ctx, 1));
}

// ---- pointwise multiply-adds

/** self + (value * t1) op t2, PyTorch's kernel order (addcmul_cpu_kernel, addcdiv_cpu_kernel). */
function addcOp(x: PyTensor, a: Args, ctx: HostContext, op: 'mul' | 'div'): PyTensor {
  const rt = x.rt;
  const t1 = asTensor(rt, a.required('tensor1'), ctx, 'tensor1');
  const t2 = asTensor(rt, a.required('tensor2'), ctx, 'tensor2');
  if (op === 'div' && !isFloating(t1.dtype) && !isFloating(t2.dtype)) {
    throw pyError('RuntimeError', 'Integer division with addcdiv is no longer supported, and in a future  release addcdiv will perform a true division of tensor1 and tensor2. The historic addcdiv behavior can be implemented as (input + value * torch.trunc(tensor1 / tensor2)).to(input.dtype) for integer inputs and as (input + value * tensor1 / tensor2) for float inputs. The future addcdiv behavior is just the latter implementation: (input + value * tensor1 / tensor2), for all dtypes.');
  }
  const value = scalarArg(a, 'value', ctx, 1);
  const shape = broadcastAll([x.shape, t1.shape, t2.shape]);
  const o = rt.ops;
  return followOperands(rt.run(() => {
    const [s, u, v] = commonDType(rt, [x.t, t1.t, t2.t]).map((t) => o.broadcastTo(t, shape));
    const out = rt.engine.composite(op === 'mul' ? 'AddcmulBackward0' : 'AddcdivBackward0', () => {
      const scaled = o.mul(u, o.scalarLike(value, u));
      return o.add(s, op === 'mul' ? o.mul(scaled, v) : o.div(scaled, v));
    });
    return rt.result(out, [x, t1, t2]);
  }), [x, t1, t2]);
}

/** PyTorch's lerp: self + w (end - self) for |w| < 0.5, else end - (end - self)(1 - w), so w = 1 gives end exactly. */
function lerp(x: PyTensor, a: Args, ctx: HostContext): PyTensor {
  const rt = x.rt;
  const end = asTensor(rt, a.required('end'), ctx, 'end');
  const w = a.required('weight');
  const weight = w instanceof PyTensor ? w : null;
  if (!isFloating(x.dtype)) throw pyError('RuntimeError', `"lerp_kernel_scalar" not implemented for '${x.dtype === 'int32' ? 'Int' : x.dtype === 'bool' ? 'Bool' : 'Long'}'`);
  if (end.dtype !== x.dtype) throw pyError('RuntimeError', `expected dtype ${x.dtype === 'float32' ? 'float' : 'double'} for \`end\` but got dtype ${end.dtype === 'float32' ? 'float' : end.dtype === 'float64' ? 'double' : end.dtype}`);
  const shape = broadcastAll(weight ? [x.shape, end.shape, weight.shape] : [x.shape, end.shape]);
  const o = rt.ops;
  return followOperands(rt.run(() => {
    const s = o.broadcastTo(x.t, shape);
    const e = o.broadcastTo(end.t, shape);
    const wt = weight ? o.broadcastTo(rt.convert(weight.t, x.dtype), shape) : o.full(shape, isScalar(w) ? Number(w) : toFloat(w, ctx), x.t.dtype);
    const out = rt.engine.composite(weight ? 'LerpBackward1' : 'LerpBackward0', () => {
      const diff = o.sub(e, s);
      const small = o.lt(o.abs(wt), o.scalarLike(0.5, wt));
      return o.select(small, o.add(s, o.mul(wt, diff)), o.sub(e, o.mul(diff, o.sub(o.onesLike(wt), wt))));
    });
    return rt.wrap(out, x.dtype);
  }), [x, end, weight]);
}

// ---- products of vectors and tensors

function vectors(x: PyTensor, a: Args, ctx: HostContext, name: string): PyTensor {
  const y = asTensor(x.rt, a.required(name), ctx, name);
  if (x.shape.length !== 1 || y.shape.length !== 1) throw pyError('RuntimeError', `1D tensors expected, but got ${x.shape.length}D and ${y.shape.length}D tensors`);
  if (x.shape[0] !== y.shape[0]) throw pyError('RuntimeError', `inconsistent tensor size, expected tensor [${x.shape[0]}] and src [${y.shape[0]}] to have the same number of elements, but got ${x.shape[0]} and ${y.shape[0]} elements respectively`);
  return y;
}

function vdot(x: PyTensor, a: Args, ctx: HostContext): PyTensor {
  const y = vectors(x, a, ctx, 'other');
  const rt = x.rt;
  return rt.run(() => {
    const [u, v] = commonDType(rt, [x.t, y.t]);
    return rt.result(rt.engine.composite('VdotBackward0', () => rt.ops.dotGeneral(u, v, { lhsContracting: [0], rhsContracting: [0], lhsBatch: [], rhsBatch: [] })), [x, y]);
  });
}

/** outer and ger: self as a column times vec2 (MulBackward0, as PyTorch computes it). */
function outer(x: PyTensor, a: Args, ctx: HostContext): PyTensor {
  const y = asTensor(x.rt, a.required('vec2'), ctx, 'vec2');
  if (x.shape.length !== 1) throw pyError('RuntimeError', `outer: Expected 1-D argument self, but got ${x.shape.length}-D`);
  if (y.shape.length !== 1) throw pyError('RuntimeError', `outer: Expected 1-D argument vec2, but got ${y.shape.length}-D`);
  return x.rt.composite(() => arith(x.rt, 'mul', T.reshape(x, [x.shape[0], 1], 'ReshapeAliasBackward0'), y));
}

/**
 * tensordot as PyTorch composes it: each operand permuted to (free, contracted) or (contracted,
 * free) and reshaped to a matrix, one mm, the result reshaped to the free dims.
 */
function tensordot(x: PyTensor, y: PyTensor, dimsX: readonly number[], dimsY: readonly number[]): PyTensor {
  if (dimsX.length !== dimsY.length) throw pyError('RuntimeError', 'both dimension lists should have same length');
  const ax = dimsX.map((d) => T.axis(x, d));
  const ay = dimsY.map((d) => T.axis(y, d));
  ax.forEach((d, i) => {
    const sx = x.shape[d];
    const sy = y.shape[ay[i]];
    if (sx !== sy) throw pyError('RuntimeError', `contracted dimensions need to match, but first has size ${sx} in dim ${dimsX[i]} and second has size ${sy} in dim ${dimsY[i]}`);
  });
  const freeX = x.shape.map((_, i) => i).filter((i) => !ax.includes(i));
  const freeY = y.shape.map((_, i) => i).filter((i) => !ay.includes(i));
  const size = (t: PyTensor, dims: readonly number[]) => dims.reduce((p, d) => p * t.shape[d], 1);
  const rt = x.rt;
  const o = rt.ops;
  return rt.run(() => {
    const [u, v] = commonDType(rt, [x.t, y.t]);
    const lhs = o.reshape(o.transpose(u, [...freeX, ...ax]), [size(x, freeX), size(x, ax)]);
    const rhs = o.reshape(o.transpose(v, [...ay, ...freeY]), [size(y, ay), size(y, freeY)]);
    const product = o.dotGeneral(lhs, rhs, { lhsContracting: [1], rhsContracting: [0], lhsBatch: [], rhsBatch: [] });
    const out = o.reshape(product, [...freeX.map((d) => x.shape[d]), ...freeY.map((d) => y.shape[d])]);
    return rt.result(T.rename(out, [u, v], 'ReshapeAliasBackward0'), [x, y]);
  });
}

function tensordotDims(x: PyTensor, y: PyTensor, v: PyValue | undefined, ctx: HostContext): [number[], number[]] {
  if (v === undefined) return tensordotDims(x, y, 2n, ctx);
  if (v instanceof PyTensor && v.shape.length === 0) return tensordotDims(x, y, BigInt(v.values()[0]), ctx);
  if (typeof v === 'bigint' || typeof v === 'number') {
    const n = Number(v);
    if (n < 0) throw pyError('RuntimeError', `tensordot expects dims >= 0, but got dims=${n}`);
    return [Array.from({ length: n }, (_, i) => i - n), Array.from({ length: n }, (_, i) => i)];
  }
  const pair = v instanceof PyTensor ? v.values().length === 0 ? [] : [v.values()] : v instanceof PyList || v instanceof PyTuple ? v.items : null;
  if (pair === null || pair.length !== 2) throw pyError('RuntimeError', 'tensordot expects dims to be a pair of lists of dimensions');
  const side = (s: PyValue | number[]): number[] => {
    if (Array.isArray(s)) return s;
    if (s instanceof PyList || s instanceof PyTuple) return s.items.map((i) => Number(i as bigint));
    if (s instanceof PyTensor) return s.values();
    return [Number(s as bigint)];
  };
  void ctx;
  return [side(pair[0]), side(pair[1])];
}

function inner(x: PyTensor, a: Args, ctx: HostContext): PyTensor {
  const y = asTensor(x.rt, a.required('other'), ctx, 'other');
  if (x.shape.length === 0 || y.shape.length === 0) return arith(x.rt, 'mul', x, y);
  const last = (t: PyTensor) => t.shape[t.shape.length - 1];
  if (last(x) !== last(y)) {
    throw pyError('RuntimeError', `inner() the last dimension must match on both input tensors but got shapes [${x.shape.join(', ')}] and [${y.shape.join(', ')}]`);
  }
  return tensordot(x, y, [-1], [-1]);
}

/** kron: x[i..] * y[k..] laid out block by block (PyTorch's reshape of a broadcast product: UnsafeViewBackward0). */
function kron(x: PyTensor, a: Args, ctx: HostContext): PyTensor {
  const y = asTensor(x.rt, a.required('other'), ctx, 'other');
  const rank = Math.max(x.shape.length, y.shape.length);
  const pad = (s: readonly number[]) => [...new Array<number>(rank - s.length).fill(1), ...s];
  const sx = pad(x.shape);
  const sy = pad(y.shape);
  const rt = x.rt;
  const o = rt.ops;
  return rt.run(() => {
    const [u, v] = commonDType(rt, [x.t, y.t]);
    const inter = sx.flatMap((d, i) => [d, sy[i]]);
    const left = o.broadcastInDim(o.reshape(u, sx), inter, sx.map((_, i) => 2 * i));
    const right = o.broadcastInDim(o.reshape(v, sy), inter, sy.map((_, i) => 2 * i + 1));
    const out = o.reshape(o.mul(left, right), sx.map((d, i) => d * sy[i]));
    return rt.result(T.rename(out, [u, v], 'UnsafeViewBackward0'), [x, y]);
  });
}

/** torch.cross: dim None means the first dim of size 3 (PyTorch 1.13's deprecated default); linalg.cross's is -1. */
function cross(x: PyTensor, y: PyTensor, dim: number | null): PyTensor {
  const shape = broadcastAll([x.shape, y.shape]);
  let axis: number;
  if (dim === null) {
    axis = shape.findIndex((d) => d === 3);
    if (axis < 0) throw pyError('RuntimeError', 'no dimension of size 3 in input');
  } else {
    axis = T.axis(x, dim, shape.length);
  }
  if (x.shape.length !== y.shape.length) throw pyError('RuntimeError', `linalg.cross: inputs must have the same number of dimensions.`);
  if (shape[axis] !== 3 || x.shape[axis] !== 3 || y.shape[axis] !== 3) {
    throw pyError('RuntimeError', `linalg.cross: inputs dimension ${axis} must have length 3. Got ${x.shape[axis]} and ${y.shape[axis]}`);
  }
  const rt = x.rt;
  const o = rt.ops;
  return rt.run(() => {
    const [u, v] = commonDType(rt, [x.t, y.t]).map((t) => o.broadcastTo(t, shape));
    const part = (t: Tensor, k: number) => o.slice(t, shape.map((_, i) => (i === axis ? k : 0)), shape.map((d, i) => (i === axis ? k + 1 : d)));
    const out = rt.engine.composite('LinalgCrossBackward0', () => {
      const term = (i: number, j: number) => o.sub(o.mul(part(u, i), part(v, j)), o.mul(part(u, j), part(v, i)));
      return o.concatenate([term(1, 2), term(2, 0), term(0, 1)], axis);
    });
    return rt.result(out, [x, y]);
  });
}

function trace(x: PyTensor): PyTensor {
  if (x.shape.length !== 2) throw pyError('RuntimeError', `trace: expected a matrix, but got tensor with dim ${x.shape.length}`);
  const rt = x.rt;
  const o = rt.ops;
  const [rows, cols] = x.shape;
  const n = Math.min(rows, cols);
  const dtype = isFloating(x.dtype) ? x.dtype : 'int64';
  return rt.run(() => {
    const t = rt.convert(x.t, dtype);
    const diagonal = rt.engine.fromValues(Int32Array.from({ length: n }, (_, i) => i * (cols + 1)), [n], 'int32');
    const out = rt.engine.composite('TraceBackward0', () => o.reduceSum(o.gather(o.reshape(t, [rows * cols]), diagonal, 0), [0]));
    return rt.wrap(out, dtype);
  });
}

export const BLAS_METHODS: Readonly<Record<string, Method>> = {
  addmm: def('addmm', ['mat1', 'mat2', '*', 'beta?', 'alpha?'], addmm),
  addmv: def('addmv', ['mat', 'vec', '*', 'beta?', 'alpha?'], addmv),
  addbmm: def('addbmm', ['batch1', 'batch2', '*', 'beta?', 'alpha?'], (x, a, ctx) => addbmm(x, a, ctx, false)),
  baddbmm: def('baddbmm', ['batch1', 'batch2', '*', 'beta?', 'alpha?'], (x, a, ctx) => addbmm(x, a, ctx, true)),
  addcmul: def('addcmul', ['tensor1', 'tensor2', '*', 'value?'], (x, a, ctx) => addcOp(x, a, ctx, 'mul')),
  addcdiv: def('addcdiv', ['tensor1', 'tensor2', '*', 'value?'], (x, a, ctx) => addcOp(x, a, ctx, 'div')),
  lerp: def('lerp', ['end', 'weight'], lerp),
  vdot: def('vdot', ['other'], vdot),
  outer: def('outer', ['vec2'], outer),
  ger: def('ger', ['vec2'], outer),
  inner: def('inner', ['other'], inner),
  kron: def('kron', ['other'], kron),
  cross: def('cross', ['other', 'dim?'], (x, a, ctx) => cross(x, asTensor(x.rt, a.required('other'), ctx, 'other'), a.opt('dim') === undefined ? null : a.int('dim'))),
  trace: def('trace', [], trace),
};

/** The in-place forms PyTorch has (`p.addcdiv_(m, d, value=-lr)`), made by methods.ts's inPlaceForm. */
export const BLAS_IN_PLACE = ['addmm', 'addmv', 'addbmm', 'baddbmm', 'addcmul', 'addcdiv', 'lerp'] as const;

/** Names whose `torch.f(input, ...)` form is the method. */
export const BLAS_FUNCTION_NAMES = Object.keys(BLAS_METHODS);

/** `torch.tensordot(a, b, dims=2)`. */
export function tensordotFunction(rt: TorchRuntime, args: PyValue[], kwargs: Map<string, PyValue>, ctx: HostContext): PyTensor {
  const a = bindArgs('tensordot', ['a', 'b', 'dims?', 'out?'], args, kwargs, ctx);
  const x = asTensor(rt, a.required('a'), ctx, 'a');
  const y = asTensor(rt, a.required('b'), ctx, 'b');
  const [dx, dy] = tensordotDims(x, y, a.opt('dims'), ctx);
  return tensordot(x, y, dx, dy);
}
