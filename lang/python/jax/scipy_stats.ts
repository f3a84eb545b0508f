/**
 * `jax.scipy.stats`' distributions, each function as jax/_src/scipy/stats/<name>.py writes it (the
 * same lax operations in the same order), over the special functions scipy.ts provides.
 */
import type { PyValue } from '../interpreter';
import type { PyArray } from './array';
import { betaln, lgamma, type ScipyFunction, type ScipyMath } from './scipy_special';

type Unary = (m: ScipyMath, x: PyArray) => PyArray;
type Binary = (m: ScipyMath, xs: PyArray[]) => PyArray;

/** What the distributions call: special functions (custom_jvp ones among them) and jnp functions. */
export interface StatsParts {
  readonly ndtr: Unary;
  readonly ndtri: Unary;
  readonly logNdtr: (m: ScipyMath, xs: PyArray[]) => PyArray;
  readonly xlogy: Binary;
  readonly xlog1py: Binary;
  readonly logit: Binary;
  readonly arctan: Unary;
  /** jnp.logaddexp, called as Python calls it. */
  readonly logaddexp: PyValue;
}

/** The distributions `distributions` defines: the modules of jax.scipy.stats. */
export const STATS_DISTRIBUTIONS = ['norm', 'uniform', 'bernoulli', 'poisson', 'expon', 'laplace', 'logistic', 'cauchy', 'gamma', 'beta', 't', 'multivariate_normal'] as const;

const LOC = ['loc', 0n] as [string, PyValue];
const SCALE = ['scale', 1n] as [string, PyValue];
const located = ['x', LOC, SCALE] as const;

export function distributions(p: StatsParts): Record<Exclude<(typeof STATS_DISTRIBUTIONS)[number], 'multivariate_normal'>, Record<string, ScipyFunction>> {
  const jnp = (m: ScipyMath, f: PyValue, args: PyValue[]) => m.ctx.call(f, args) as PyArray;
  const standardized = (m: ScipyMath, x: PyArray, loc: PyArray, scale: PyArray) => m.div(m.sub(x, loc), scale);

  const normLogpdf = (m: ScipyMath, x: PyArray, loc: PyArray, scale: PyArray) => {
    const scaleSquared = m.square(scale);
    const logNormalizer = m.log(m.mul(m.c(x, 2 * Math.PI), scaleSquared));
    const quadratic = m.div(m.square(m.sub(x, loc)), scaleSquared);
    return m.div(m.add(logNormalizer, quadratic), m.c(x, -2));
  };
  const normCdf = (m: ScipyMath, x: PyArray, loc: PyArray, scale: PyArray) => p.ndtr(m, standardized(m, x, loc, scale));
  const normLogcdf = (m: ScipyMath, x: PyArray, loc: PyArray, scale: PyArray) => p.logNdtr(m, [standardized(m, x, loc, scale)]);
  const normPpf = (m: ScipyMath, q: PyArray, loc: PyArray, scale: PyArray) => m.add(m.mul(p.ndtri(m, q), scale), loc);

  const expSf = (m: ScipyMath, x: PyArray, loc: PyArray, scale: PyArray) => m.exp(expLogsf(m, x, loc, scale));
  const expLogsf = (m: ScipyMath, x: PyArray, loc: PyArray, scale: PyArray) => {
    const negScaled = m.div(m.sub(loc, x), scale);
    return m.where(m.lt(x, loc), 0, negScaled);
  };

  const cauchyCdf = (m: ScipyMath, x: PyArray, loc: PyArray, scale: PyArray) =>
    m.add(m.c(x, 0.5), m.mul(m.div(m.c(x, 1), m.c(x, Math.PI)), p.arctan(m, standardized(m, x, loc, scale))));
  const cauchyPpf = (m: ScipyMath, q: PyArray, loc: PyArray, scale: PyArray, upper: boolean) => {
    const angle = upper ? m.sub(m.c(q, Math.PI / 2), m.mul(m.c(q, Math.PI), q)) : m.sub(m.mul(m.c(q, Math.PI), q), m.c(q, Math.PI / 2));
    return m.add(m.mul(m.tan(angle), scale), loc);
  };

  const uniformLogpdf = (m: ScipyMath, x: PyArray, loc: PyArray, scale: PyArray) =>
    m.where(m.or(m.gt(x, m.add(loc, scale)), m.lt(x, loc)), -Infinity, m.neg(m.log(scale)));
  const laplaceLogpdf = (m: ScipyMath, x: PyArray, loc: PyArray, scale: PyArray) =>
    m.neg(m.add(m.div(m.abs(m.sub(x, loc)), scale), m.log(m.mul(m.c(x, 2), scale))));
  const logisticLogpdf = (m: ScipyMath, x0: PyArray, loc: PyArray, scale: PyArray) => {
    const x = standardized(m, x0, loc, scale);
    const half = m.div(x, m.c(x, 2));
    return m.sub(m.mul(m.neg(m.c(x, 2)), jnp(m, p.logaddexp, [half, m.neg(half)])), m.log(scale));
  };
  const cauchyLogpdf = (m: ScipyMath, x: PyArray, loc: PyArray, scale: PyArray) => {
    const scaled = standardized(m, x, loc, scale);
    return m.neg(m.add(m.log(m.mul(m.c(x, Math.PI), scale)), m.log1p(m.mul(scaled, scaled))));
  };
  const expLogpdf = (m: ScipyMath, x: PyArray, loc: PyArray, scale: PyArray) =>
    m.where(m.lt(x, loc), -Infinity, m.neg(m.add(m.div(m.sub(x, loc), scale), m.log(scale))));

  const bernoulliLogpmf = (m: ScipyMath, k: PyArray, prob: PyArray, loc: PyArray) => {
    const x = m.sub(k, loc);
    const logProbs = m.add(p.xlogy(m, [x, prob]), p.xlog1py(m, [m.sub(m.c(k, 1), x), m.neg(prob)]));
    return m.where(m.or(m.lt(x, m.c(k, 0)), m.gt(x, m.c(k, 1))), -Infinity, logProbs);
  };
  const poissonLogpmf = (m: ScipyMath, k: PyArray, mu: PyArray, loc: PyArray) => {
    const x = m.sub(k, loc);
    const logProbs = m.sub(m.sub(p.xlogy(m, [x, mu]), lgamma(m, m.add(x, 1))), mu);
    // NB: jnp.round(k) != k is floor(k) != k for every float k (both keep integers, inf and NaN).
    return m.where(m.or(m.lt(x, m.c(k, 0)), m.ne(m.floor(k), k)), -Infinity, logProbs);
  };
  const gammaLogpdf = (m: ScipyMath, x: PyArray, a: PyArray, loc: PyArray, scale: PyArray) => {
    const ok = m.ge(x, loc);
    const one = m.c(x, 1);
    const y = m.where(ok, standardized(m, x, loc, scale), one);
    const logLinear = m.sub(p.xlogy(m, [m.sub(a, one), y]), y);
    const shapeTerms = m.add(lgamma(m, a), m.log(scale));
    return m.where(ok, m.sub(logLinear, shapeTerms), -Infinity);
  };
  const betaLogpdf = (m: ScipyMath, x: PyArray, a: PyArray, b: PyArray, loc: PyArray, scale: PyArray) => {
    const one = m.c(x, 1);
    const zero = m.c(a, 0);
    const shapeTerm = m.neg(betaln(m, a, b));
    const y = standardized(m, x, loc, scale);
    const logLinear = m.add(p.xlogy(m, [m.sub(a, one), y]), p.xlog1py(m, [m.sub(b, one), m.neg(y)]));
    const logProbs = m.sub(m.add(shapeTerm, logLinear), m.log(scale));
    const result = m.where(m.or(m.gt(x, m.add(loc, scale)), m.lt(x, loc)), -Infinity, logProbs);
    return m.where(m.or(m.or(m.le(a, zero), m.le(b, zero)), m.le(scale, zero)), NaN, result);
  };
  const tLogpdf = (m: ScipyMath, x: PyArray, df: PyArray, loc: PyArray, scale: PyArray) => {
    const two = m.c(x, 2);
    const scaled = standardized(m, x, loc, scale);
    const dfOverTwo = m.div(df, two);
    const dfPlusOneOverTwo = m.add(dfOverTwo, m.c(x, 0.5));
    const normalizeConst = m.mul(m.mul(scale, scale), m.c(x, Math.PI));
    const normalizeTmp = m.div(m.log(m.mul(normalizeConst, df)), two);
    const normalize = m.sub(m.add(lgamma(m, dfOverTwo), normalizeTmp), lgamma(m, dfPlusOneOverTwo));
    const quadratic = m.div(m.mul(scaled, scaled), df);
    return m.neg(m.add(normalize, m.mul(dfPlusOneOverTwo, m.log1p(quadratic))));
  };

  return {
    norm: {
      logpdf: [located, (m, [x, loc, scale]) => normLogpdf(m, x, loc, scale)],
      pdf: [located, (m, [x, loc, scale]) => m.exp(normLogpdf(m, x, loc, scale))],
      cdf: [located, (m, [x, loc, scale]) => normCdf(m, x, loc, scale)],
      logcdf: [located, (m, [x, loc, scale]) => normLogcdf(m, x, loc, scale)],
      sf: [located, (m, [x, loc, scale]) => normCdf(m, m.neg(x), m.neg(loc), scale)],
      logsf: [located, (m, [x, loc, scale]) => normLogcdf(m, m.neg(x), m.neg(loc), scale)],
      ppf: [['q', LOC, SCALE], (m, [q, loc, scale]) => normPpf(m, q, loc, scale)],
      isf: [['q', LOC, SCALE], (m, [q, loc, scale]) => normPpf(m, m.sub(m.c(q, 1), q), loc, scale)],
    },
    uniform: {
      logpdf: [located, (m, [x, loc, scale]) => uniformLogpdf(m, x, loc, scale)],
      pdf: [located, (m, [x, loc, scale]) => m.exp(uniformLogpdf(m, x, loc, scale))],
      // jnp.select([x < loc, x > loc + scale, loc <= x <= loc + scale], [0, 1, (x - loc) / scale]), 0 otherwise (NaN).
      cdf: [located, (m, [x, loc, scale]) => {
        const inside = m.and(m.ge(x, loc), m.le(x, m.add(loc, scale)));
        return m.where(m.lt(x, loc), m.c(x, 0), m.where(m.gt(x, m.add(loc, scale)), m.c(x, 1), m.where(inside, standardized(m, x, loc, scale), m.c(x, 0))));
      }],
      ppf: [['q', LOC, SCALE], (m, [q, loc, scale]) => m.where(m.or(m.or(m.isnan(q), m.lt(q, 0)), m.gt(q, 1)), NaN, m.add(loc, m.mul(scale, q)))],
    },
    bernoulli: {
      logpmf: [['k', 'p', LOC], (m, [k, prob, loc]) => bernoulliLogpmf(m, k, prob, loc)],
      pmf: [['k', 'p', LOC], (m, [k, prob, loc]) => m.exp(bernoulliLogpmf(m, k, prob, loc))],
    },
    poisson: {
      logpmf: [['k', 'mu', LOC], (m, [k, mu, loc]) => poissonLogpmf(m, k, mu, loc)],
      pmf: [['k', 'mu', LOC], (m, [k, mu, loc]) => m.exp(poissonLogpmf(m, k, mu, loc))],
    },
    expon: {
      logpdf: [located, (m, [x, loc, scale]) => expLogpdf(m, x, loc, scale)],
      pdf: [located, (m, [x, loc, scale]) => m.exp(expLogpdf(m, x, loc, scale))],
      cdf: [located, (m, [x, loc, scale]) => {
        const negScaled = m.div(m.sub(loc, x), scale);
        return m.where(m.lt(x, loc), 0, m.neg(m.expm1(negScaled)));
      }],
      logcdf: [located, (m, [x, loc, scale]) => m.log1p(m.neg(expSf(m, x, loc, scale)))],
      sf: [located, (m, [x, loc, scale]) => expSf(m, x, loc, scale)],
      logsf: [located, (m, [x, loc, scale]) => expLogsf(m, x, loc, scale)],
      ppf: [['q', LOC, SCALE], (m, [q, loc, scale]) => m.where(m.or(m.or(m.isnan(q), m.lt(q, 0)), m.gt(q, 1)), NaN, m.sub(loc, m.mul(scale, m.log1p(m.neg(q)))))],
    },
    laplace: {
      logpdf: [located, (m, [x, loc, scale]) => laplaceLogpdf(m, x, loc, scale)],
      pdf: [located, (m, [x, loc, scale]) => m.exp(laplaceLogpdf(m, x, loc, scale))],
      cdf: [located, (m, [x, loc, scale]) => {
        const diff = standardized(m, x, loc, scale);
        const half = m.c(x, 0.5);
        return m.select(m.le(diff, m.c(x, 0)), m.mul(half, m.exp(diff)), m.sub(m.c(x, 1), m.mul(half, m.exp(m.neg(diff)))));
      }],
    },
    logistic: {
      logpdf: [located, (m, [x, loc, scale]) => logisticLogpdf(m, x, loc, scale)],
      pdf: [located, (m, [x, loc, scale]) => m.exp(logisticLogpdf(m, x, loc, scale))],
      cdf: [located, (m, [x, loc, scale]) => m.logistic(standardized(m, x, loc, scale))],
      sf: [located, (m, [x, loc, scale]) => m.logistic(m.neg(standardized(m, x, loc, scale)))],
      ppf: [located, (m, [x, loc, scale]) => m.add(m.mul(p.logit(m, [x]), scale), loc)],
      isf: [located, (m, [x, loc, scale]) => m.add(m.mul(m.neg(p.logit(m, [x])), scale), loc)],
    },
    cauchy: {
      logpdf: [located, (m, [x, loc, scale]) => cauchyLogpdf(m, x, loc, scale)],
      pdf: [located, (m, [x, loc, scale]) => m.exp(cauchyLogpdf(m, x, loc, scale))],
      cdf: [located, (m, [x, loc, scale]) => cauchyCdf(m, x, loc, scale)],
      logcdf: [located, (m, [x, loc, scale]) => m.log(cauchyCdf(m, x, loc, scale))],
      sf: [located, (m, [x, loc, scale]) => cauchyCdf(m, m.neg(x), m.neg(loc), scale)],
      logsf: [located, (m, [x, loc, scale]) => m.log(cauchyCdf(m, m.neg(x), m.neg(loc), scale))],
      ppf: [['q', LOC, SCALE], (m, [q, loc, scale]) => cauchyPpf(m, q, loc, scale, false)],
      isf: [['q', LOC, SCALE], (m, [q, loc, scale]) => cauchyPpf(m, q, loc, scale, true)],
    },
    gamma: {
      logpdf: [['x', 'a', LOC, SCALE], (m, [x, a, loc, scale]) => gammaLogpdf(m, x, a, loc, scale)],
      pdf: [['x', 'a', LOC, SCALE], (m, [x, a, loc, scale]) => m.exp(gammaLogpdf(m, x, a, loc, scale))],
    },
    beta: {
      logpdf: [['x', 'a', 'b', LOC, SCALE], (m, [x, a, b, loc, scale]) => betaLogpdf(m, x, a, b, loc, scale)],
      pdf: [['x', 'a', 'b', LOC, SCALE], (m, [x, a, b, loc, scale]) => m.exp(betaLogpdf(m, x, a, b, loc, scale))],
    },
    t: {
      logpdf: [['x', 'df', LOC, SCALE], (m, [x, df, loc, scale]) => tLogpdf(m, x, df, loc, scale)],
      pdf: [['x', 'df', LOC, SCALE], (m, [x, df, loc, scale]) => m.exp(tLogpdf(m, x, df, loc, scale))],
    },
  };
}
