/**
 * `jax.nn` (and `jax.scipy.special.logsumexp`), composed from jax.numpy operations as JAX defines
 * them (jax/_src/nn/functions.py, jax/_src/ops/special.py), in JAX's order of operations.
 */
import { erfcOf } from '../../../runtime/ops';
import { bindArgs, pyError, pyFunction as makeFunction, PyTuple, type Args, type HostContext, type PyValue } from '../interpreter';
import { PyArray, toDtype, type JaxRuntime } from './array';
import * as L from './lax';

type Body = (a: Args, ctx: HostContext) => PyValue;

const asArr = (rt: JaxRuntime, x: PyValue, ctx: HostContext) => (x instanceof PyArray ? x : L.arrayFromData(rt, x, undefined, ctx, false));

/** The compositions JAX writes, over one run's runtime and the current call's context. */
function compose(rt: JaxRuntime, ctx: HostContext) {
  const add = (a: PyValue, b: PyValue) => L.binary(rt, 'add', a, b, ctx);
  const sub = (a: PyValue, b: PyValue) => L.binary(rt, 'sub', a, b, ctx);
  const mul = (a: PyValue, b: PyValue) => L.binary(rt, 'mul', a, b, ctx);
  const div = (a: PyValue, b: PyValue) => L.binary(rt, 'div', a, b, ctx);
  const maximum = (a: PyValue, b: PyValue) => L.binary(rt, 'max', a, b, ctx);
  const minimum = (a: PyValue, b: PyValue) => L.binary(rt, 'min', a, b, ctx);
  const where = (c: PyValue, a: PyValue, b: PyValue) => L.where(rt, c, a, b, ctx);
  const cmp = (p: 'gt' | 'ge' | 'lt' | 'le' | 'ne', a: PyValue, b: PyValue) => L.binary(rt, p, a, b, ctx);
  const u = (p: Parameters<typeof L.unary>[1], a: PyValue) => L.unary(rt, p, a, ctx);
  const stopGradient = (a: PyArray) => L.op(rt, () => L.wrap(rt, rt.o.bind('stop_gradient', [a.v], {}), a.weak, a.numpy));
  const inexact = (x: PyValue) => L.inexact(rt, x, ctx);
  /** jnp.logaddexp(x, 0): max(x, 0) + log1p(exp(-|x|)). */
  const softplus = (x: PyValue) => add(maximum(x, 0), u('log1p', u('exp', u('neg', u('abs', x)))));
  const elu = (x: PyArray, alpha: PyValue) => where(cmp('gt', x, 0), x, mul(alpha, u('expm1', where(cmp('gt', x, 0), 0, x))));
  /**
   * relu6's value min(max(x, 0), 6) with JAX's custom JVP: the tangent passes where 0 < x < 6 only
   * (0 at both kinks, where max and min would split it); relu is the same with no upper bound.
   */
  const relu6 = (x: PyArray, upper: number | null) => {
    const value = stopGradient(upper === null ? maximum(x, 0) : minimum(maximum(x, 0), upper));
    const inside = upper === null ? x : where(cmp('lt', x, upper), x, value);
    return where(cmp('gt', x, 0), inside, value);
  };
  const hardSigmoid = (x: PyArray) => div(relu6(add(x, 3), 6), 6);
  return { add, sub, mul, div, maximum, minimum, where, cmp, u, stopGradient, inexact, softplus, elu, relu6, hardSigmoid };
}

/**
 * `logsumexp(a, axis, b, keepdims, return_sign)` as jax.nn.logsumexp: the max shift is finite and
 * its gradient stopped; with `b`, terms whose b is 0 drop out, and a negative sum is NaN unless the
 * sign is returned beside log|sum|.
 */
function logsumexp(rt: JaxRuntime, a: Args, ctx: HostContext): PyValue {
  const c = compose(rt, ctx);
  if (a.opt('where') !== undefined) throw pyError('NotImplementedError', 'logsumexp(where=...) is not supported by Gradlens; mask the terms with jnp.where(mask, a, -jnp.inf)');
  let x = c.inexact(a.required('a'));
  const bv = a.opt('b');
  const b = bv === undefined ? null : c.inexact(bv);
  if (b) x = c.where(c.cmp('ne', b, 0), x, -Infinity);
  const axis = a.get('axis');
  const keepdims = a.bool('keepdims', false);
  const axes = L.axesOf(axis, x.shape.length, ctx);
  const amax0 = L.reduce(rt, 'max', x, axis, true, ctx);
  const finite = c.cmp('lt', c.u('abs', amax0), Infinity);
  const amax = c.stopGradient(c.where(finite, amax0, 0));
  let e = c.u('exp', c.sub(x, amax));
  if (b) e = c.mul(e, b);
  const sumexp = L.reduce(rt, 'sum', e, axis, true, ctx);
  const drop = (v: PyArray) => (keepdims ? v : L.reshaped(rt, v, v.shape.filter((_, i) => !axes.includes(i))));
  const sign = c.u('sign', sumexp);
  let out = c.add(c.u('log', c.u('abs', sumexp)), amax);
  if (a.bool('return_sign', false)) return new PyTuple([drop(out), drop(sign)]);
  if (b) out = c.where(c.cmp('lt', sign, 0), NaN, out);
  return drop(out);
}

const SQRT_2_OVER_PI = Math.fround(Math.sqrt(2 / Math.PI));
const SQRT_HALF = Math.fround(Math.sqrt(0.5));
const SELU_ALPHA = 1.6732632423543772848170429916717;
const SELU_SCALE = 1.0507009873554804934193349852946;

/** Each function's parameters and body, as JAX's signature and definition. */
function functions(rt: JaxRuntime): Record<string, [string[], Body]> {
  const x1 = (body: (x: PyArray, c: ReturnType<typeof compose>, a: Args, ctx: HostContext) => PyValue): Body =>
    (a, ctx) => body(asArr(rt, a.required('x'), ctx), compose(rt, ctx), a, ctx);
  return {
    identity: [['x'], x1((x) => x)],
    sigmoid: [['x'], x1((x, c) => c.u('logistic', x))],
    relu: [['x'], x1((x, c) => c.relu6(x, null))],
    relu6: [['x'], x1((x, c) => c.relu6(x, 6))],
    softplus: [['x'], x1((x, c) => c.softplus(x))],
    log_sigmoid: [['x'], x1((x, c) => c.u('neg', c.softplus(c.u('neg', x))))],
    silu: [['x'], x1((x, c) => c.mul(x, c.u('logistic', x)))],
    mish: [['x'], x1((x, c) => c.mul(x, c.u('tanh', c.softplus(x))))],
    tanh: [['x'], x1((x, c) => c.u('tanh', x))],
    soft_sign: [['x'], x1((x, c) => c.div(x, c.add(c.u('abs', x), 1)))],
    squareplus: [['x', 'b?'], x1((x, c, a, ctx) => c.div(c.add(x, c.u('sqrt', c.add(L.power(rt, x, 2n, ctx), a.get('b') ?? 4n))), 2))],
    sparse_plus: [['x'], x1((x, c, _a, ctx) => c.where(c.cmp('le', x, -1), 0, c.where(c.cmp('ge', x, 1), x, c.div(L.power(rt, c.add(x, 1), 2n, ctx), 4))))],
    // NB: jnp.clip(x + 1.0, 0.0, 2.0) is maximum(0.0, .) then minimum(2.0, .).
    sparse_sigmoid: [['x'], x1((x, c) => c.mul(0.5, c.minimum(2, c.maximum(0, c.add(x, 1)))))],
    elu: [['x', 'alpha?'], x1((x, c, a) => c.elu(x, a.get('alpha') ?? 1))],
    selu: [['x'], x1((x, c) => c.mul(SELU_SCALE, c.elu(x, SELU_ALPHA)))],
    celu: [['x', 'alpha?'], x1((x, c, a) => {
      const alpha = a.get('alpha') ?? 1;
      return c.add(c.maximum(x, 0), c.mul(alpha, c.u('expm1', c.div(c.minimum(x, 0), alpha))));
    })],
    leaky_relu: [['x', 'negative_slope?'], x1((x, c, a) => c.where(c.cmp('ge', x, 0), x, c.mul(a.get('negative_slope') ?? 0.01, x)))],
    hard_tanh: [['x'], x1((x, c) => c.where(c.cmp('gt', x, 1), 1, c.where(c.cmp('lt', x, -1), -1, x)))],
    hard_sigmoid: [['x'], x1((x, c) => c.hardSigmoid(x))],
    hard_silu: [['x'], x1((x, c) => c.mul(x, c.hardSigmoid(x)))],
    log1mexp: [['x'], x1((x, c) => c.where(c.cmp('lt', x, Math.log(2)), c.u('log', c.u('neg', c.u('expm1', c.u('neg', x)))), c.u('log1p', c.u('neg', c.u('exp', c.u('neg', x))))))],
    gelu: [['x', 'approximate?'], (a, ctx) => {
      const c = compose(rt, ctx);
      const x = c.inexact(a.required('x'));
      if (a.bool('approximate', true)) {
        const cdf = c.mul(0.5, c.add(1, c.u('tanh', c.mul(SQRT_2_OVER_PI, c.add(x, c.mul(0.044715, L.power(rt, x, 3n, ctx)))))));
        return c.mul(x, cdf);
      }
      // 0.5 * x * erfc(-x * sqrt(1/2)): erfc keeps the far negative tail, where 1 + erf(.) cancels to 0.
      const arg = c.mul(c.u('neg', x), SQRT_HALF);
      const erfc = L.op(rt, () => L.wrap(rt, erfcOf(rt.o, arg.v), arg.weak, arg.numpy));
      return c.mul(c.mul(0.5, x), erfc);
    }],
    glu: [['x', 'axis?'], (a, ctx) => {
      const c = compose(rt, ctx);
      const x = asArr(rt, a.required('x'), ctx);
      let axis = a.int('axis', -1);
      if (axis < 0) axis += x.shape.length;
      const n = x.shape[axis];
      if (n % 2 !== 0) throw pyError('AssertionError', 'axis size must be divisible by 2');
      const half = (k: number) => L.op(rt, () => L.wrap(rt, rt.o.slice(x.v, x.shape.map((_, i) => (i === axis ? k * n / 2 : 0)), x.shape.map((d, i) => (i === axis ? (k + 1) * n / 2 : d))), x.weak, x.numpy));
      return c.mul(half(0), c.u('logistic', half(1)));
    }],
    standardize: [['x', 'axis?', 'mean?', 'variance?', 'epsilon?', 'where?'], (a, ctx) => {
      const c = compose(rt, ctx);
      if (a.opt('where') !== undefined) throw pyError('NotImplementedError', 'standardize(where=...) is not supported by Gradlens');
      const x = asArr(rt, a.required('x'), ctx);
      const axis = a.has('axis') ? a.get('axis') : -1n;
      const mean = a.get('mean') ?? meanOf(rt, x, axis, ctx);
      let variance = a.get('variance');
      if (variance === undefined || variance === null) {
        // JAX's "fast" variance mean(x^2) - mean(x)^2, clipped at 0 (jnp.clip(variance, 0)).
        const v = c.sub(meanOf(rt, L.power(rt, x, 2n, ctx), axis, ctx), L.power(rt, asArr(rt, mean, ctx), 2n, ctx));
        variance = c.maximum(0, v);
      }
      return c.mul(c.sub(x, mean), c.u('rsqrt', c.add(variance, a.get('epsilon') ?? 1e-5)));
    }],
    logsumexp: [['a', 'axis?', 'b?', 'keepdims?', 'return_sign?', 'where?'], (a, ctx) => logsumexp(rt, a, ctx)],
    softmax: [['x', 'axis?'], (a, ctx) => {
      const c = compose(rt, ctx);
      const x = asArr(rt, a.required('x'), ctx);
      const axis = a.has('axis') ? a.get('axis') : -1n;
      const e = c.u('exp', c.sub(x, L.reduce(rt, 'max', x, axis, true, ctx)));
      return c.div(e, L.reduce(rt, 'sum', e, axis, true, ctx));
    }],
    log_softmax: [['x', 'axis?'], (a, ctx) => {
      const c = compose(rt, ctx);
      const x = asArr(rt, a.required('x'), ctx);
      const axis = a.has('axis') ? a.get('axis') : -1n;
      const shifted = c.sub(x, c.stopGradient(L.reduce(rt, 'max', x, axis, true, ctx)));
      return c.sub(shifted, c.u('log', L.reduce(rt, 'sum', c.u('exp', shifted), axis, true, ctx)));
    }],
    one_hot: [['x', 'num_classes', '*', 'dtype?', 'axis?'], (a, ctx) => {
      const x = asArr(rt, a.required('x'), ctx);
      const n = a.int('num_classes');
      const d = a.opt('dtype') === undefined ? rt.floatDtype : toDtype(a.required('dtype'), rt, false);
      const rank = x.shape.length + 1;
      let axis = a.int('axis', -1);
      if (axis < 0) axis += rank;
      const classes = rt.o.iota('int32', [...x.shape.slice(0, axis), n, ...x.shape.slice(axis)], axis);
      const expanded = rt.o.expandDims(L.cast(rt, x.v, 'int32'), [axis]);
      return L.wrap(rt, rt.o.convert(rt.o.eq(expanded, classes), d), false, false);
    }],
  };
}

/** jnp.mean(x, axis, keepdims=True). */
const meanOf = (rt: JaxRuntime, x: PyArray, axis: PyValue | undefined, ctx: HostContext) => L.reduce(rt, 'mean', x, axis, true, ctx);

export function nnAttrs(rt: JaxRuntime): Record<string, PyValue> {
  const attrs: Record<string, PyValue> = {};
  // Each function is one op: its intermediates are freed when it returns.
  for (const [name, [spec, body]] of Object.entries(functions(rt))) {
    attrs[name] = makeFunction(name, (args, kwargs, ctx) => {
      const a = bindArgs(name, spec, args, kwargs, ctx);
      return rt.run(() => body(a, ctx), (r) => (r instanceof PyTuple ? r.items : [r]).map((v) => (v as PyArray).v));
    });
  }
  attrs.swish = attrs.silu;
  attrs.hard_swish = attrs.hard_silu;
  return attrs;
}

export const NN_NAMES = [
  'one_hot', 'identity', 'sigmoid', 'relu', 'relu6', 'softplus', 'log_sigmoid', 'silu', 'swish', 'mish', 'tanh', 'soft_sign', 'squareplus',
  'sparse_plus', 'sparse_sigmoid', 'elu', 'selu', 'celu', 'leaky_relu', 'hard_tanh', 'hard_sigmoid', 'hard_silu', 'hard_swish', 'log1mexp',
  'gelu', 'glu', 'standardize', 'logsumexp', 'softmax', 'log_softmax',
];
