/**
 * jax.random's gamma family on the host (jax/_src/random.py, JAX 0.4.35): `_gamma_one`, Marsaglia
 * and Tsang's rejection with JAX's own two while loops and key splits, one key per element (split
 * from the sampler's key); loggamma, beta, dirichlet and t over it, each float operation rounded
 * to float32 as XLA computes it. log, exp, pow and sqrt are correctly rounded here; XLA's float32
 * log and pow are its own approximations and can be an ulp away, which moves a sample by an ulp or,
 * where it decides a rejection test on its boundary (rarely), changes it.
 */
import { splitWords, type KeyWords } from '../../../../runtime/core';
import { normal, uniform } from './samplers';

const f = Math.fround;
const ONE_THIRD = f(1 / 3);
const SQUEEZE = f(0.0331);

function split(key: KeyWords, n: number, partitionable: boolean): KeyWords[] {
  const w = splitWords(key, n, partitionable);
  return Array.from({ length: n }, (_, i): KeyWords => [w[2 * i], w[2 * i + 1]]);
}

const normal0 = (key: KeyWords, part: boolean) => normal(key, [], part)[0];
const uniform0 = (key: KeyWords, part: boolean) => uniform(key, [], 0, 1, part)[0];

/** `_gamma_one`: one Gamma(alpha) sample (its log where `logSpace`), alpha < 1 boosted to alpha + 1. */
export function gammaOne(key: KeyWords, alpha: number, logSpace: boolean, part: boolean): number {
  const alphaOrig = f(alpha);
  const boost = alphaOrig >= 1;
  const a = boost ? alphaOrig : f(alphaOrig + 1);
  const d = f(a - ONE_THIRD);
  const c = f(ONE_THIRD / f(Math.sqrt(d)));
  let [k, subkey] = split(key, 2, part);
  let X = 0, V = 1, U = 2;
  const rejected = () => U >= f(1 - f(SQUEEZE * f(X * X)))
    && f(Math.log(U)) >= f(f(X * 0.5) + f(d * f(f(1 - V) + f(Math.log(V)))));
  while (rejected()) {
    const [next, xKey, uKey] = split(k, 3, part);
    k = next;
    let kx = xKey, x = 0, v = -1;
    while (v <= 0) {
      const [n, s] = split(kx, 2, part);
      kx = n;
      x = normal0(s, part);
      v = f(1 + f(x * c));
    }
    X = f(x * x);
    V = f(f(v * v) * v);
    U = uniform0(uKey, part);
  }
  if (logSpace) {
    // exponential(subkey): -log1p(-u).
    const logSamples = -f(-f(Math.log1p(-uniform0(subkey, part))));
    const logBoost = boost || logSamples === 0 ? 0 : f(logSamples * f(1 / alphaOrig));
    return f(f(f(Math.log(d)) + f(Math.log(V))) + logBoost);
  }
  const samples = f(1 - uniform0(subkey, part));
  const b = boost ? 1 : f(Math.pow(samples, f(1 / alphaOrig)));
  return f(f(d * V) * b);
}

/** `random_gamma`'s impl: one key per element of `a` (split from `key`), a sample each. */
export function gamma(key: KeyWords, a: ArrayLike<number>, logSpace: boolean, part: boolean): Float32Array {
  const keys = split(key, a.length, part);
  return Float32Array.from(keys, (k, i) => gammaOne(k, a[i], logSpace, part));
}

/** `_beta`: loggamma draws of a and b (keys split in two), normalised in log space. */
export function beta(key: KeyWords, a: ArrayLike<number>, b: ArrayLike<number>, part: boolean): Float32Array {
  const [ka, kb] = split(key, 2, part);
  const la = gamma(ka, a, true, part), lb = gamma(kb, b, true, part);
  return la.map((x, i) => {
    const m = Math.max(x, lb[i]);
    const ea = f(Math.exp(f(x - m))), eb = f(Math.exp(f(lb[i] - m)));
    return f(ea / f(ea + eb));
  });
}

/** `_dirichlet`: loggamma draws of alpha (rows of `k` along the last axis), softmax along it. */
export function dirichlet(key: KeyWords, alpha: ArrayLike<number>, k: number, part: boolean): Float32Array {
  const logs = gamma(key, alpha, true, part);
  const out = new Float32Array(logs.length);
  for (let r = 0; r < logs.length; r += k) {
    let m = -Infinity;
    for (let j = 0; j < k; j++) m = Math.max(m, logs[r + j]);
    let s = 0;
    for (let j = 0; j < k; j++) s = f(s + (out[r + j] = f(Math.exp(f(logs[r + j] - m)))));
    for (let j = 0; j < k; j++) out[r + j] = f(out[r + j] / s);
  }
  return out;
}

/** `_t`: normal * sqrt((df / 2) / gamma(df / 2)), the normal and gamma keys split from `key`. */
export function studentT(key: KeyWords, df: ArrayLike<number>, shape: readonly number[], part: boolean): Float32Array {
  const [kn, kg] = split(key, 2, part);
  const n = normal(kn, shape, part);
  const half = Float32Array.from(df, (x) => f(f(x) / 2));
  const g = gamma(kg, half, false, part);
  return n.map((x, i) => f(x * f(Math.sqrt(f(half[i] / g[i])))));
}

/**
 * `_poisson_knuth` for every element at once, as JAX's while loop runs it: each round splits the
 * key and draws a uniform for every element; an element counts while its running log product is
 * above -lam. Returns k - 1.
 */
export function poissonKnuth(key: KeyWords, lam: ArrayLike<number>, part: boolean, checkClock: () => void): Int32Array {
  const n = lam.length;
  const k = new Int32Array(n), logProd = new Float32Array(n);
  const live = () => Array.prototype.some.call(logProd, (p: number, i: number) => p > -f(lam[i]));
  let rng = key;
  while (live()) {
    checkClock();
    const [next, sub] = split(rng, 2, part);
    rng = next;
    for (let i = 0; i < n; i++) if (logProd[i] > -f(lam[i])) k[i] += 1;
    const u = uniform(sub, [n], 0, 1, part);
    for (let i = 0; i < n; i++) logProd[i] = f(logProd[i] + f(Math.log(u[i])));
  }
  return k.map((x) => x - 1);
}
