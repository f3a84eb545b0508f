/**
 * `jax.scipy.special.expit`/`ndtr` and `jax.scipy.stats.norm` (`logpdf`, `pdf`, `cdf`), composed
 * from lax operations in JAX's order (jax/_src/scipy/special.py, jax/_src/lax/special.py ndtr,
 * jax/_src/scipy/stats/norm.py), so values, gradients under grad/jit/vmap follow from the parts.
 */
import { erfcOf } from '../../../runtime/ops';
import { bindArgs, pyError, pyFunction, type HostContext, type PyValue } from '../interpreter';
import { PyArray, type JaxRuntime } from './array';
import * as L from './lax';

/** A float array of `x`: JAX's promote_args_inexact for one argument (an integer array becomes the default float). */
function inexact(rt: JaxRuntime, x: PyValue, ctx: HostContext): PyArray {
  const a = L.asArray(rt, x, ctx);
  return a.dtype === 'float32' || a.dtype === 'float64' ? a : L.op(rt, () => L.wrap(rt, L.cast(rt, a.v, rt.floatDtype), a.weak, false));
}

/** lax.special.ndtr: 0.5 (1 + erf(x/sqrt 2)) near 0, 0.5 erfc(|x|/sqrt 2) (or 1 minus it) in the tails. */
function ndtr(rt: JaxRuntime, x: PyArray, ctx: HostContext): PyArray {
  const d = x.dtype;
  if (d !== 'float32' && d !== 'float64') throw pyError('TypeError', `x.dtype=${d} is not supported, see docstring for supported types.`);
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

/** norm.logpdf: (log(2 pi scale^2) + (x - loc)^2 / scale^2) / -2. */
function normLogpdf(rt: JaxRuntime, x: PyArray, loc: PyArray, scale: PyArray, ctx: HostContext): PyArray {
  const b = (p: Parameters<typeof L.binary>[1], l: PyValue, r: PyValue) => L.binary(rt, p, l, r, ctx);
  const scaleSquared = b('mul', scale, scale);
  const logNormalizer = L.unary(rt, 'log', b('mul', 2 * Math.PI, scaleSquared), ctx);
  const centred = b('sub', x, loc);
  const quadratic = b('div', b('mul', centred, centred), scaleSquared);
  return b('div', b('add', logNormalizer, quadratic), -2);
}

export function scipyModules(rt: JaxRuntime): { special: Record<string, PyValue>; norm: Record<string, PyValue> } {
  const op = (name: string, spec: string[], body: (values: PyArray[], ctx: HostContext) => PyArray) => pyFunction(name, (args, kwargs, ctx) => {
    const a = bindArgs(name, spec, args, kwargs, ctx);
    const values = spec.map((s) => s.replace('?', '')).map((p, i) => inexact(rt, a.opt(p) ?? (i === 1 ? 0n : 1n), ctx));
    return rt.run(() => body(values, ctx), (r) => [r.v]);
  });
  return {
    special: {
      expit: op('expit', ['x'], ([x], ctx) => L.unary(rt, 'logistic', x!, ctx)),
      ndtr: pyFunction('ndtr', (args, kwargs, ctx) => {
        const x = L.asArray(rt, bindArgs('ndtr', ['x'], args, kwargs, ctx).required('x'), ctx);
        return rt.run(() => ndtr(rt, x, ctx), (r) => [r.v]);
      }),
    },
    norm: {
      logpdf: op('logpdf', ['x', 'loc?', 'scale?'], ([x, loc, scale], ctx) => normLogpdf(rt, x!, loc!, scale!, ctx)),
      pdf: op('pdf', ['x', 'loc?', 'scale?'], ([x, loc, scale], ctx) => L.unary(rt, 'exp', normLogpdf(rt, x!, loc!, scale!, ctx), ctx)),
      cdf: op('cdf', ['x', 'loc?', 'scale?'], ([x, loc, scale], ctx) => ndtr(rt, L.binary(rt, 'div', L.binary(rt, 'sub', x!, loc!, ctx), scale!, ctx), ctx)),
    },
  };
}

export const SCIPY_SPECIAL_NAMES = ['expit', 'ndtr'];
export const NORM_NAMES = ['logpdf', 'pdf', 'cdf'];
