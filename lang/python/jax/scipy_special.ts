/**
 * `jax.scipy.special`'s functions beyond expit and ndtr, composed in JAX's order
 * (jax/_src/scipy/special.py, jax/_src/third_party/scipy/betaln.py) so that values and
 * derivatives follow from the parts: `logit`, `xlogy`, `xlog1py` and `log_ndtr` are custom_jvp
 * functions with JAX's rules (so `grad(xlogy)(0., y)` is log y, as JAX's); `ndtri` is the netlib
 * rational approximation JAX transcribes, differentiated through. `gammaln` and `digamma` are
 * XLA's Lanczos approximations (xla/hlo/builder/lib/math.cc Lgamma, Digamma), written as lax
 * operations: JAX binds one `lgamma`/`digamma` primitive that XLA expands to the same
 * operations, so the values agree; the derivative of this lgamma is XLA's digamma formula.
 */
import type { HostContext, PyValue } from '../interpreter';
import { PyArray, type JaxRuntime } from './array';
import { bitwiseBinary } from './bitwise';
import * as L from './lax';

/** The lax and jnp operations JAX's definitions are written in, over one call's context. */
export function scipyMath(rt: JaxRuntime, ctx: HostContext) {
  type Bin = Parameters<typeof L.binary>[1];
  const b = (p: Bin) => (x: PyValue, y: PyValue) => L.binary(rt, p, x, y, ctx);
  const u = (p: Parameters<typeof L.unary>[1]) => (x: PyValue) => L.unary(rt, p, x, ctx);
  return {
    rt, ctx,
    add: b('add'), sub: b('sub'), mul: b('mul'), div: b('div'), max: b('max'), min: b('min'),
    lt: b('lt'), le: b('le'), gt: b('gt'), ge: b('ge'), eq: b('eq'), ne: b('ne'),
    neg: u('neg'), exp: u('exp'), log: u('log'), log1p: u('log1p'), expm1: u('expm1'), abs: u('abs'),
    sqrt: u('sqrt'), sin: u('sin'), cos: u('cos'), tan: u('tan'), logistic: u('logistic'),
    floor: (x: PyValue) => L.floor(rt, x, ctx),
    square: (x: PyValue) => L.power(rt, x, 2n, ctx),
    /** lax.select(c, x, y), broadcasting as jnp would not: for lax-level definitions. */
    select: (c: PyValue, x: PyValue, y: PyValue) => L.where(rt, c, x, y, ctx),
    /** jnp.where(c, x, y). */
    where: (c: PyValue, x: PyValue, y: PyValue) => L.jnpWhere(rt, c, x, y, ctx),
    or: (x: PyValue, y: PyValue) => bitwiseBinary(rt, 'or', x, y, ctx),
    and: (x: PyValue, y: PyValue) => bitwiseBinary(rt, 'and', x, y, ctx),
    isnan: (x: PyValue) => L.binary(rt, 'ne', x, x, ctx),
    /** A constant of x's dtype, rounded to it (JAX's _lax_const and dtype(...) constants). */
    c: (x: PyArray, v: number) => (x.dtype === 'float32' ? Math.fround(v) : v),
  };
}
export type ScipyMath = ReturnType<typeof scipyMath>;

/** One module function: its parameters (with defaults), each promoted to a float array, and its body. */
export type ScipyFunction = [params: readonly (string | [string, PyValue])[], body: (m: ScipyMath, xs: PyArray[]) => PyArray];

/** jnp.polyval(p, x): Horner's rule, y * x + p_i (JAX's scan starts from zeros: its first step is p_0 exactly). */
function polyval(m: ScipyMath, coefficients: readonly number[], x: PyArray): PyArray {
  let y: PyValue = m.c(x, coefficients[0]);
  for (const p of coefficients.slice(1)) y = m.add(m.mul(y, x), m.c(x, p));
  return y as PyArray;
}

const NDTRI_P0 = [-5.99633501014107895267E1, 9.80010754185999661536E1, -5.66762857469070293439E1, 1.39312609387279679503E1, -1.23916583867381258016E0];
const NDTRI_Q0 = [1.0, 1.95448858338141759834E0, 4.67627912898881538453E0, 8.63602421390890590575E1, -2.25462687854119370527E2, 2.00260212380060660359E2, -8.20372256168333339912E1, 1.59056225126211695515E1, -1.18331621121330003142E0];
const NDTRI_P1 = [4.05544892305962419923E0, 3.15251094599893866154E1, 5.71628192246421288162E1, 4.40805073893200834700E1, 1.46849561928858024014E1, 2.18663306850790267539E0, -1.40256079171354495875E-1, -3.50424626827848203418E-2, -8.57456785154685413611E-4];
const NDTRI_Q1 = [1.0, 1.57799883256466749731E1, 4.53907635128879210584E1, 4.13172038254672030440E1, 1.50425385692907503408E1, 2.50464946208309415979E0, -1.42182922854787788574E-1, -3.80806407691578277194E-2, -9.33259480895457427372E-4];
const NDTRI_P2 = [3.23774891776946035970E0, 6.91522889068984211695E0, 3.93881025292474443415E0, 1.33303460815807542389E0, 2.01485389549179081538E-1, 1.23716634817820021358E-2, 3.01581553508235416007E-4, 2.65806974686737550832E-6, 6.23974539184983293730E-9];
const NDTRI_Q2 = [1.0, 6.02427039364742014255E0, 3.67983563856160859403E0, 1.37702099489081330271E0, 2.16236993594496635890E-1, 1.34204006088543189037E-2, 3.28014464682127739104E-4, 2.89247864745380683936E-6, 6.79019408009981274425E-9];

/** special._ndtri: the inverse of the standard normal CDF by cephes' three rational approximations. */
export function ndtri(m: ScipyMath, p: PyArray): PyArray {
  const k = (v: number) => m.c(p, v);
  const complemented = m.where(m.gt(p, k(-Math.expm1(-2))), m.sub(k(1), p), p);
  const sanitized = m.where(m.eq(complemented, k(0)), k(0.5), complemented);
  const w = m.sub(sanitized, k(0.5));
  const ww = m.square(w);
  let big = m.add(w, m.mul(m.mul(w, ww), m.div(polyval(m, NDTRI_P0, ww), polyval(m, NDTRI_Q0, ww))));
  big = m.mul(big, -k(Math.sqrt(2 * Math.PI)));
  const z = m.sqrt(m.mul(k(-2), m.log(sanitized)));
  const first = m.sub(z, m.div(m.log(z), z));
  const invZ = m.div(1, z);
  const smallP = m.div(m.div(polyval(m, NDTRI_P2, invZ), polyval(m, NDTRI_Q2, invZ)), z);
  const otherwise = m.div(m.div(polyval(m, NDTRI_P1, invZ), polyval(m, NDTRI_Q1, invZ)), z);
  let x = m.where(m.gt(sanitized, k(Math.exp(-2))), big, m.where(m.ge(z, k(8)), m.sub(first, smallP), m.sub(first, otherwise)));
  x = m.where(m.gt(p, k(1 - Math.exp(-2))), x, m.neg(x));
  return m.where(m.eq(p, k(0)), -Infinity, m.where(m.eq(p, k(1)), Infinity, x));
}

const LANCZOS_GAMMA = 7;
const LANCZOS_BASE = 0.99999999999980993227684700473478;
const LANCZOS = [
  676.520368121885098567009190444019, -1259.13921672240287047156078755283, 771.3234287776530788486528258894,
  -176.61502916214059906584551354, 12.507343278686904814458936853, -0.13857109526572011689554707,
  9.984369578019570859563e-6, 1.50563273514931155834e-7,
];

/** XLA's Lgamma: Lanczos (g = 7, 9 terms) at x - 1, reflected below 0.5 through log(pi / |sin(pi x)|). */
export function lgamma(m: ScipyMath, input: PyArray): PyArray {
  const k = (v: number) => m.c(input, v);
  const reflect = m.lt(input, k(0.5));
  const z = m.select(reflect, m.neg(input), m.sub(input, k(1)));
  let x: PyValue = k(LANCZOS_BASE);
  LANCZOS.forEach((coefficient, i) => { x = m.add(x, m.div(k(coefficient), m.add(m.add(z, k(i)), k(1)))); });
  const t = m.add(k(LANCZOS_GAMMA + 0.5), z);
  const logT = m.add(k(Math.log(LANCZOS_GAMMA + 0.5)), m.log1p(m.div(z, k(LANCZOS_GAMMA + 0.5))));
  const logY = m.add(m.add(k((Math.log(2) + Math.log(Math.PI)) / 2), m.mul(m.sub(m.add(z, k(0.5)), m.div(t, logT)), logT)), m.log(x));
  // NB: |sin(pi x)| from the fractional part of |x|, folded below 0.5: exact zeros at the poles, no pi * x overflow.
  // Where no reflection is taken its input is 0.5 (sin 1, log 0), so the unused branch's derivative is no 0 * inf.
  const absInput = m.abs(m.select(reflect, input, k(0.5)));
  const frac = m.sub(absInput, m.floor(absInput));
  const reduced = m.select(m.gt(frac, k(0.5)), m.sub(k(1), frac), frac);
  const denominator = m.log(m.sin(m.mul(k(Math.PI), reduced)));
  const finite = m.lt(m.abs(denominator), Infinity);
  const reflection = m.select(finite, m.sub(m.sub(k(Math.log(Math.PI)), denominator), logY), m.neg(denominator));
  const result = m.select(reflect, reflection, logY);
  return m.select(m.eq(m.abs(input), Infinity), Infinity, result);
}

/** XLA's Digamma: the Lanczos sum's logarithmic derivative, reflected below 0.5 through pi cot(pi x); NaN at the poles. */
export function digamma(m: ScipyMath, input: PyArray): PyArray {
  const k = (v: number) => m.c(input, v);
  const reflect = m.lt(input, k(0.5));
  const z = m.select(reflect, m.neg(input), m.sub(input, k(1)));
  let num: PyValue = k(0);
  let denom: PyValue = k(LANCZOS_BASE);
  LANCZOS.forEach((coefficient, i) => {
    const shifted = m.add(m.add(z, k(i)), k(1));
    num = m.sub(num, m.div(k(coefficient), m.mul(shifted, shifted)));
    denom = m.add(denom, m.div(k(coefficient), shifted));
  });
  const t = m.add(k(LANCZOS_GAMMA + 0.5), z);
  const logT = m.add(k(Math.log(LANCZOS_GAMMA + 0.5)), m.log1p(m.div(z, k(LANCZOS_GAMMA + 0.5))));
  const y = m.sub(m.add(logT, m.div(num, denom)), m.div(k(LANCZOS_GAMMA), t));
  const reflected = m.select(reflect, input, k(0.5));
  const reduced = m.add(reflected, m.abs(m.floor(m.add(reflected, k(0.5)))));
  const reflection = m.sub(y, m.div(m.mul(k(Math.PI), m.cos(m.mul(k(Math.PI), reduced))), m.sin(m.mul(k(Math.PI), reduced))));
  const real = m.select(reflect, reflection, y);
  const pole = m.and(m.le(input, k(0)), m.eq(input, m.floor(input)));
  return m.select(pole, NaN, real);
}

/** third_party/scipy/betaln.py's algdiv: log(gamma(a) / gamma(a + b)) for b >= 8, a <= b. */
function algdiv(m: ScipyMath, a: PyArray, b: PyArray): PyArray {
  const [c0, c1, c2, c3, c4, c5] = [0.833333333333333e-01, -0.277777777760991e-02, 0.793650666825390e-03, -0.595202931351870e-03, 0.837308034031215e-03, -0.165322962780713e-02];
  const h = m.div(a, b);
  const c = m.div(h, m.add(1, h));
  const x = m.div(h, m.add(1, h));
  const d = m.add(b, m.sub(a, 0.5));
  const x2 = m.mul(x, x);
  const s3 = m.add(1.0, m.add(x, x2));
  const s5 = m.add(1.0, m.add(x, m.mul(x2, s3)));
  const s7 = m.add(1.0, m.add(x, m.mul(x2, s5)));
  const s9 = m.add(1.0, m.add(x, m.mul(x2, s7)));
  const s11 = m.add(1.0, m.add(x, m.mul(x2, s9)));
  const t = m.square(m.div(1.0, b));
  let w = m.add(m.mul(m.add(m.mul(m.add(m.mul(m.add(m.mul(m.add(m.mul(m.mul(c5, s11), t), m.mul(c4, s9)), t), m.mul(c3, s7)), t), m.mul(c2, s5)), t), m.mul(c1, s3)), t), c0);
  w = m.mul(w, m.div(c, b));
  const u = m.mul(d, m.log1p(m.div(a, b)));
  const v = m.mul(a, m.sub(m.log(b), 1.0));
  return m.where(m.le(u, v), m.sub(m.sub(w, v), u), m.sub(m.sub(w, u), v));
}

/** third_party/scipy/betaln.py: lgamma sums for b < 8, algdiv's asymptotic form above. */
export function betaln(m: ScipyMath, a0: PyArray, b0: PyArray): PyArray {
  const a = m.min(a0, b0);
  const b = m.max(a0, b0);
  const small = m.add(lgamma(m, a), m.sub(lgamma(m, b), lgamma(m, m.add(a, b))));
  const large = m.add(lgamma(m, a), algdiv(m, a, b));
  return m.where(m.lt(b, 8), small, large);
}
