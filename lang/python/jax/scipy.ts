/**
 * `jax.scipy.special` and `jax.scipy.stats`: each function composed from lax operations in JAX's
 * order (jax/_src/scipy/special.py, jax/_src/lax/special.py ndtr, jax/_src/scipy/stats/*.py), so
 * values and gradients under grad/jit/vmap follow from the parts; JAX's custom_jvp functions
 * (logit, xlogy, xlog1py, log_ndtr) are custom_jvp functions here too, with JAX's rules.
 */
import { atanOf, choleskyLower, erfcOf, identity, matmul, transposed } from '../../../runtime/ops';
import { bindArgs, pyError, pyFunction, PyTuple, type HostContext, type PyValue } from '../interpreter';
import { PyArray, type JaxRuntime } from './array';
import { CustomJvpFunction } from './custom_derivatives';
import * as L from './lax';
import { Scalar, type Val } from './values';
import { betaln, digamma, lgamma, ndtri, scipyMath, type ScipyFunction, type ScipyMath } from './scipy_special';
import { distributions } from './scipy_stats';

/** lax.special.ndtr: 0.5 (1 + erf(x/sqrt 2)) near 0, 0.5 erfc(|x|/sqrt 2) (or 1 minus it) in the tails. */
export function ndtr(rt: JaxRuntime, x: PyArray, ctx: HostContext): PyArray {
  const d = floatOperand(x);
  const round = d === 'float32' ? Math.fround : (v: number) => v;
  const halfSqrt2 = round(0.5 * round(Math.SQRT2));
  const b = (p: Parameters<typeof L.binary>[1], l: PyValue, r: PyValue) => L.binary(rt, p, l, r, ctx);
  const w = b('mul', x, halfSqrt2);
  const z = L.unary(rt, 'abs', w, ctx);
  const erf = L.op(rt, () => L.wrap(rt, rt.o.bind('erf', [w.v], {}), w.weak, false));
  const erfc = L.op(rt, () => L.wrap(rt, erfcOf(rt.o, z.v), z.weak, false));
  const y = L.where(rt, b('lt', z, halfSqrt2), b('add', 1, erf), L.where(rt, b('gt', w, 0), b('sub', 2, erfc), erfc, ctx), ctx);
  return b('mul', 0.5, y);
}

/** ndtr's, ndtri's and log_ndtr's dtype check: a float array, or JAX's TypeError. */
function floatOperand(x: PyArray): 'float32' | 'float64' {
  const d = x.dtype;
  if (d !== 'float32' && d !== 'float64') throw pyError('TypeError', `x.dtype=${d} is not supported, see docstring for supported types.`);
  return d;
}

type Tangent = (m: ScipyMath, primals: PyArray[], tangents: PyArray[], out: PyArray) => PyArray;

/**
 * A custom_jvp function of float arrays: `value` computes it, `tangent` is JAX's rule (given the
 * rule's own call of the function, as JAX's rules call it), cast to the output's dtype.
 */
function customJvp(rt: JaxRuntime, name: string, value: (m: ScipyMath, xs: PyArray[]) => PyArray, tangent: Tangent): CustomJvpFunction {
  const fun = pyFunction(name, (args, _kw, ctx) => value(scipyMath(rt, ctx), args.map((x) => L.asArray(rt, x, ctx))));
  const rule = pyFunction(`_${name}_jvp`, (args, _kw, ctx) => {
    const [primals, tangents] = (args as PyTuple[]).map((t) => t.items.map((x) => L.asArray(rt, x, ctx)));
    const out = ctx.call(self, primals) as PyArray;
    const t = tangent(scipyMath(rt, ctx), primals, tangents, out);
    return new PyTuple([out, t.dtype === out.dtype ? t : L.op(rt, () => L.wrap(rt, L.cast(rt, t.v, out.dtype), false, false))]);
  });
  const self = CustomJvpFunction.withRule(rt, fun, rule);
  return self;
}

/** JAX's custom_jvp functions of jax.scipy.special, each built once per run. */
export interface CustomSpecials {
  readonly logit: CustomJvpFunction;
  readonly xlogy: CustomJvpFunction;
  readonly xlog1py: CustomJvpFunction;
  readonly xlogx: CustomJvpFunction;
  readonly logNdtr: CustomJvpFunction;
}

/** log_ndtr's segments by dtype: past `upper` -ndtr(-x), below `lower` the asymptotic series (JAX's _LOGNDTR_*). */
const LOG_NDTR_SEGMENTS = { float64: { lower: -20, upper: 8 }, float32: { lower: -10, upper: 5 } } as const;
const LOG_SQRT_2PI = Math.log(Math.sqrt(2 * Math.PI));

/** special._log_ndtr_lower with series_order 3: log of ndtr's asymptotic expansion for x << -1. */
function logNdtrLower(m: ScipyMath, x: PyArray): PyArray {
  const x2 = m.square(x);
  const logScale = m.sub(m.sub(m.mul(-m.c(x, 0.5), x2), m.log(m.neg(x))), m.c(x, 0.5 * Math.log(2 * Math.PI)));
  // _log_ndtr_asymptotic_series: 1 + sum of (-1)^n (2n-1)!! / x^2n, odd and even terms summed apart.
  let even: PyValue = 0;
  let odd: PyValue = 0;
  let x2n = x2;
  [1, 3, 15].forEach((doubleFactorial, i) => {
    const y = m.div(doubleFactorial, x2n);
    if (i % 2 === 0) odd = m.add(odd, y);
    else even = m.add(even, y);
    x2n = m.mul(x2n, x2);
  });
  return m.add(logScale, m.log(m.sub(m.add(m.c(x, 1), even), odd)));
}

function customSpecials(rt: JaxRuntime): CustomSpecials {
  const xlogy = customJvp(rt, 'xlogy', (m, [x, y]) => m.where(m.or(m.ne(x, 0), m.isnan(y)), m.mul(x, m.log(y)), 0),
    (m, [x, y], [dx, dy]) => m.add(m.mul(dx, m.log(y)), m.div(m.mul(dy, x), y)));
  const xlog1py = customJvp(rt, 'xlog1py', (m, [x, y]) => m.where(m.or(m.ne(x, 0), m.isnan(y)), m.mul(x, m.log1p(y)), 0),
    (m, [x, y], [dx, dy]) => m.add(m.mul(dx, m.log1p(y)), m.div(m.mul(dy, x), m.add(1, y))));
  return {
    xlogy,
    xlog1py,
    logit: customJvp(rt, 'logit', (m, [x]) => m.log(m.div(x, m.sub(m.c(x, 1), x))),
      (m, [x], [g]) => m.div(g, m.mul(x, m.sub(m.c(x, 1), x)))),
    xlogx: customJvp(rt, '_xlogx', (m, [x]) => xlogy.call([x, x], new Map(), m.ctx) as PyArray,
      (m, [x], [dx]) => m.mul(dx, m.add(m.log(x), 1))),
    logNdtr: customJvp(rt, 'log_ndtr', (m, [x]) => {
      const { lower, upper } = LOG_NDTR_SEGMENTS[floatOperand(x)];
      const above = m.gt(x, upper);
      const ndtrResult = ndtr(rt, m.where(above, m.neg(x), m.max(x, lower)), m.ctx);
      return m.where(above, m.neg(ndtrResult), m.where(m.gt(x, lower), m.log(ndtrResult), logNdtrLower(m, m.min(x, lower))));
    }, (m, [x], [t], out) => m.mul(t, m.exp(m.sub(m.sub(m.mul(m.c(x, -0.5), m.square(x)), m.c(x, LOG_SQRT_2PI)), out)))),
  };
}

function moduleFunction(rt: JaxRuntime, name: string, [params, body]: ScipyFunction): PyValue {
  const names = params.map((p) => (typeof p === 'string' ? p : p[0]));
  const spec = params.map((p) => (typeof p === 'string' ? p : `${p[0]}?`));
  return pyFunction(name, (args, kwargs, ctx) => {
    const a = bindArgs(name, spec, args, kwargs, ctx);
    const xs = params.map((p, i) => L.inexact(rt, typeof p === 'string' ? a.required(names[i]) : a.opt(p[0]) ?? p[1], ctx));
    return rt.run(() => body(scipyMath(rt, ctx), xs), (r) => [r.v]);
  });
}

export function scipyModules(rt: JaxRuntime, jnp: Readonly<Record<string, PyValue>>): { special: Record<string, PyValue>; stats: Record<string, Record<string, PyValue>> } {
  const custom = customSpecials(rt);
  const call = (f: CustomJvpFunction) => (m: ScipyMath, xs: PyArray[]) => f.call(xs, new Map(), m.ctx) as PyArray;
  const special: Record<string, ScipyFunction> = {
    expit: [['x'], (m, [x]) => m.logistic(x)],
    logit: [['x'], call(custom.logit)],
    xlogy: [['x', 'y'], call(custom.xlogy)],
    xlog1py: [['x', 'y'], call(custom.xlog1py)],
    entr: [['x'], (m, [x]) => m.select(m.lt(x, 0), -Infinity, m.neg(call(custom.xlogx)(m, [x])))],
    gammaln: [['x'], (m, [x]) => lgamma(m, x)],
    digamma: [['x'], (m, [x]) => digamma(m, x)],
    betaln: [['a', 'b'], (m, [a, b]) => betaln(m, a, b)],
  };
  // NB: ndtr, ndtri and log_ndtr refuse integers (JAX's TypeError) rather than promote them.
  const floatOnly = (name: string, body: (m: ScipyMath, x: PyArray) => PyArray) => pyFunction(name, (args, kwargs, ctx) => {
    const x = L.asArray(rt, bindArgs(name, ['x'], args, kwargs, ctx).required('x'), ctx);
    floatOperand(x);
    return rt.run(() => body(scipyMath(rt, ctx), x), (r) => [r.v]);
  });
  const logNdtr = pyFunction('log_ndtr', (args, kwargs, ctx) => {
    const a = bindArgs('log_ndtr', ['x', 'series_order?'], args, kwargs, ctx);
    const order = a.opt('series_order');
    if (order !== undefined && order !== 3n) throw pyError('NotImplementedError', `log_ndtr(series_order=${ctx.repr(order)}) is not supported by Gradlens; leave series_order at its default 3`);
    const x = L.asArray(rt, a.required('x'), ctx);
    floatOperand(x);
    return rt.run(() => custom.logNdtr.call([x], new Map(), ctx) as PyArray, (r) => [r.v]);
  });
  const stats = distributions({ ndtr: (m, x) => ndtr(rt, x, m.ctx), ndtri: (m, x) => ndtri(m, x), logNdtr: call(custom.logNdtr), xlogy: call(custom.xlogy), xlog1py: call(custom.xlog1py), logit: call(custom.logit), logaddexp: jnp.logaddexp, arctan: (_m, x) => L.op(rt, () => L.wrap(rt, atanOf(rt.o, x.v), x.weak, false)) });
  return {
    special: {
      ...Object.fromEntries(Object.entries(special).map(([name, f]) => [name, moduleFunction(rt, name, f)])),
      ndtr: floatOnly('ndtr', (m, x) => ndtr(rt, x, m.ctx)),
      ndtri: floatOnly('ndtri', ndtri),
      log_ndtr: logNdtr,
    },
    stats: {
      ...Object.fromEntries(Object.entries(stats).map(([dist, fns]) => [dist, Object.fromEntries(Object.entries(fns).map(([name, f]) => [name, moduleFunction(rt, name, f)]))])),
      multivariate_normal: {
        logpdf: pyFunction('logpdf', (args, kwargs, ctx) => {
          const a = bindArgs('logpdf', ['x', 'mean', 'cov', 'allow_singular?'], args, kwargs, ctx);
          const [x, mean, cov] = ['x', 'mean', 'cov'].map((k) => L.inexact(rt, a.required(k), ctx));
          if (a.opt('allow_singular') !== undefined && a.opt('allow_singular') !== null) throw pyError('NotImplementedError', 'allow_singular argument of multivariate_normal.logpdf');
          return rt.run(() => mvnLogpdf(scipyMath(rt, ctx), x, mean, cov), (r) => [r.v]);
        }),
      },
    },
  };
}

/**
 * multivariate_normal.logpdf as JAX writes it: a scalar mean is the univariate density; with a
 * covariance matrix, y = L^-1 (x - mean) by forward substitution on its Cholesky factor L (JAX's
 * triangular_solve), then -y.y/2 - n/2 log(2 pi) - sum(log diag L).
 */
function mvnLogpdf(m: ScipyMath, x: PyArray, mean: PyArray, cov: PyArray): PyArray {
  const rt = m.rt;
  const log2pi = m.c(x, Math.log(2 * Math.PI));
  if (mean.shape.length === 0) return m.sub(m.div(m.mul(-0.5, m.square(m.sub(x, mean))), cov), m.mul(0.5, m.add(log2pi, m.log(cov))));
  const n = mean.shape[mean.shape.length - 1];
  const d = m.sub(x, mean);
  const sumLast = (v: PyArray) => L.reduce(rt, 'sum', v, -1n, false, m.ctx);
  if (cov.shape.length === 0) return m.sub(m.div(m.mul(-0.5, sumLast(m.mul(d, d))), cov), m.mul(n / 2, m.add(log2pi, m.log(cov))));
  if (cov.shape.length !== 2 || cov.shape[0] !== n || cov.shape[1] !== n) throw pyError('ValueError', 'multivariate_normal.logpdf got incompatible shapes');
  const o = rt.o;
  const symmetric = o.div(o.add(cov.v, transposed(o, cov.v)), new Scalar(2, cov.dtype));
  const factor = choleskyLower(o, symmetric).factor;
  const batch = d.shape.slice(0, -1);
  const rows = batch.reduce((p, k) => p * k, 1);
  const flat = o.reshape(d.v, [rows, n]);
  const ys: Val[] = [];
  for (let i = 0; i < n; i++) {
    let yi = o.reshape(o.slice(flat, [0, i], [rows, i + 1]), [rows]);
    if (i > 0) yi = o.sub(yi, o.reshape(matmul(o, o.concatenate(ys.map((y) => o.reshape(y, [rows, 1])), 1), o.reshape(o.slice(factor, [i, 0], [i + 1, i]), [i, 1])), [rows]));
    ys.push(o.div(yi, o.broadcastTo(o.reshape(o.slice(factor, [i, i], [i + 1, i + 1]), [1]), [rows])));
  }
  const y = L.wrap(rt, o.reshape(o.concatenate(ys.map((v) => o.reshape(v, [rows, 1])), 1), [...batch, n]), false, false);
  const logDiagonal = L.wrap(rt, o.reduceSum(o.log(o.reduceSum(o.mul(factor, identity(o, n, n, cov.dtype)), [1])), [0]), false, false);
  return m.sub(m.sub(m.mul(-0.5, sumLast(m.mul(y, y))), m.mul(n / 2, log2pi)), logDiagonal);
}

export const SCIPY_SPECIAL_NAMES = ['expit', 'ndtr', 'ndtri', 'log_ndtr', 'logit', 'xlogy', 'xlog1py', 'entr', 'gammaln', 'digamma', 'betaln'];
