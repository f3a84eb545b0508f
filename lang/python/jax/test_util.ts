/**
 * `jax.test_util.check_grads` (with `check_jvp` and `check_vjp`) as public_test_util.py writes it:
 * along one random direction (NumPy's RandomState(0), as JAX draws it), the JVP and the VJP from
 * autodiff against central differences with eps = 1e-4, computed in each argument's dtype as
 * NumPy computes them; orders above 1 check the derivative functions the same way. A mismatch
 * raises numpy.testing's AssertionError naming the check (`JVP tangent`, `VJP of JVP
 * cotangent projection`), as JAX's does.
 */
import { isFloat, LegacyGauss, NumpyMT19937, type DType } from '../../../runtime/core';
import { bindArgs, type HostContext, iterate, type Kwargs, PyDict, pyError, pyFunction, PyTuple, type PyValue, toFloat, truthy, typeName } from '../interpreter';
import { PyArray, toDtype, type JaxRuntime } from './array';
import * as L from './lax';
import { flattenPy, unflattenPy, type PyTreeDef } from './pytree';

const EPS = 1e-4;

/** public_test_util.py's default_gradient_tolerance, for the float dtypes Gradlens has. */
const GRADIENT_TOLERANCE: Readonly<Partial<Record<DType, number>>> = { float32: 2e-3, float64: 1e-5 };

/** A leaf's values on the host, in its dtype; `python` for a Python float, which stays one (`.item()`). */
interface HostLeaf {
  readonly values: readonly number[];
  readonly shape: readonly number[];
  readonly dtype: DType;
  readonly python: boolean;
}

/** A tolerance argument: one number for every dtype, or per dtype over the defaults. */
type Tolerance = (dtype: DType) => number;

/** What the checks call: the run's jax.jvp, jax.vjp and numpy.testing.assert_allclose. */
export interface GradCheckTools {
  readonly jvp: PyValue;
  readonly vjp: PyValue;
  readonly assertAllclose: PyValue;
}

class GradChecker {
  constructor(private readonly rt: JaxRuntime, private readonly tools: GradCheckTools, private readonly atol: Tolerance, private readonly rtol: Tolerance, private readonly eps: number, private readonly ctx: HostContext) {}

  private leaf(x: PyValue): HostLeaf {
    if (typeof x === 'number') return { values: [x], shape: [], dtype: 'float64', python: true };
    if (x instanceof PyArray && isFloat(x.dtype)) return { values: Array.from(x.values(this.ctx, 'numpy')), shape: x.shape, dtype: x.dtype, python: false };
    const what = x instanceof PyArray ? `an array of dtype ${x.dtype}` : typeName(x);
    throw pyError('TypeError', `check_grads differentiates float arguments; got ${what} (Gradlens's check_grads takes float arrays and Python floats)`);
  }

  private value(l: HostLeaf): PyValue {
    if (l.python) return l.values[0]!;
    return L.op(this.rt, () => new PyArray(this.rt, this.rt.upload(l.values, l.shape, l.dtype), false, true));
  }

  private leaves(tree: PyValue): [HostLeaf[], PyTreeDef] {
    const [xs, def] = flattenPy(tree, this.ctx);
    return [xs.map((x) => this.leaf(x)), def];
  }

  private tree(leaves: readonly HostLeaf[], def: PyTreeDef): PyValue {
    return unflattenPy(def, leaves.map((l) => this.value(l)), this.ctx);
  }

  /** Elementwise in the first operand's dtype, rounded as NumPy rounds it. */
  private zip(a: readonly HostLeaf[], b: readonly HostLeaf[], fn: (x: number, y: number) => number): HostLeaf[] {
    return a.map((x, i) => ({ ...x, values: x.values.map((v, k) => round(x.dtype, fn(v, b[i]!.values[k]!))) }));
  }

  private scale(xs: readonly HostLeaf[], s: number): HostLeaf[] {
    return xs.map((x) => ({ ...x, values: x.values.map((v) => round(x.dtype, v * round(x.dtype, s))) }));
  }

  /** `rand_like`: standard normals from `rng` in the leaf's shape and dtype. */
  private randLike(draw: () => number, xs: readonly HostLeaf[]): HostLeaf[] {
    return xs.map((x) => ({ ...x, values: x.values.map(() => round(x.dtype, draw())) }));
  }

  /** `numerical_jvp`: (f(x + eps t) - f(x - eps t)) / 2 eps, with inf - inf taken as 0. */
  private numericalJvp(f: PyValue, args: readonly HostLeaf[], def: PyTreeDef, tangent: readonly HostLeaf[]): [HostLeaf[], PyTreeDef] {
    const delta = this.scale(tangent, this.eps);
    const call = (xs: HostLeaf[]) => this.leaves(this.ctx.call(f, positional(this.tree(xs, def))));
    const [pos, outDef] = call(this.zip(args, delta, (x, d) => x + d));
    const [neg] = call(this.zip(args, delta, (x, d) => x - d));
    return [this.scale(this.zip(pos, neg, (x, y) => (x === y ? 0 : x - y)), 0.5 / this.eps), outDef];
  }

  /** `check_close`: numpy.testing.assert_allclose leaf by leaf, its tolerances scaled by the leaf's size. */
  private checkClose(xs: PyValue, ys: PyValue, errMsg: string): void {
    const [a] = flattenPy(xs, this.ctx);
    const [b] = flattenPy(ys, this.ctx);
    a.forEach((x, i) => {
      const la = this.leaf(x), lb = this.leaf(b[i]!);
      if (la.shape.length !== lb.shape.length || la.shape.some((d, k) => d !== lb.shape[k])) throw pyError('AssertionError', '');
      const size = (l: HostLeaf) => l.values.length;
      const atol = Math.max(this.atol(this.canonical(la.dtype)), this.atol(this.canonical(lb.dtype))) * size(la);
      const rtol = Math.max(this.rtol(this.canonical(la.dtype)), this.rtol(this.canonical(lb.dtype))) * size(lb);
      const kwargs: Kwargs = new Map<string, PyValue>([['err_msg', errMsg]]);
      if (atol) kwargs.set('atol', atol);
      if (rtol) kwargs.set('rtol', rtol);
      this.ctx.call(this.tools.assertAllclose, [x, b[i]!], kwargs);
    });
  }

  private canonical(d: DType): DType {
    return d === 'float64' && !this.rt.x64 ? 'float32' : d;
  }

  /** `_check_dtypes_match`: a bare assert in JAX. */
  private checkDtypesMatch(xs: PyValue, ys: PyValue): void {
    const [a] = flattenPy(xs, this.ctx);
    const [b] = flattenPy(ys, this.ctx);
    a.forEach((x, i) => {
      if (this.canonical(this.leaf(x).dtype) !== this.canonical(this.leaf(b[i]!).dtype)) throw pyError('AssertionError', '');
    });
  }

  /** `inner_prod`: the sum over leaves of each leaf's dot product, in float32 where every leaf is float32. */
  private innerProd(xs: readonly HostLeaf[], ys: readonly HostLeaf[]): PyValue {
    let sum = 0;
    xs.forEach((x, i) => x.values.forEach((v, k) => (sum += v * ys[i]!.values[k]!)));
    const dtype: DType = [...xs, ...ys].every((l) => l.dtype === 'float32') ? 'float32' : 'float64';
    return this.value({ values: [round(dtype, sum)], shape: [], dtype, python: false });
  }

  /** `check_jvp(f, f_jvp, args)`: f_jvp(primals, tangents) gives (primal out, tangent out). */
  checkJvp(f: PyValue, fJvp: PyValue, args: PyValue, errMsg: string): void {
    const [primals, def] = this.leaves(args);
    const gauss = new LegacyGauss(), bg = NumpyMT19937.fromSeed(0);
    const tangent = this.randLike(() => gauss.next(bg), primals);
    const out = this.ctx.call(fJvp, [this.tree(primals, def), this.tree(tangent, def)]);
    const [vOut, tOut] = pair(out, this.ctx);
    this.checkDtypesMatch(vOut, tOut);
    const vExpected = this.ctx.call(f, positional(this.tree(primals, def)));
    this.checkDtypesMatch(vOut, vExpected);
    const [tExpected, tDef] = this.numericalJvp(f, primals, def, tangent);
    this.checkClose(vOut, vExpected, errMsg ? `${errMsg} primal` : 'primal');
    this.checkClose(tOut, this.tree(tExpected, tDef), errMsg ? `${errMsg} tangent` : 'tangent');
  }

  /** `check_vjp(f, f_vjp, args)`: f_vjp(*args) gives (primal out, vjp function). */
  checkVjp(f: PyValue, fVjp: PyValue, args: PyValue, errMsg: string): void {
    const [primals, def] = this.leaves(args);
    const gauss = new LegacyGauss(), bg = NumpyMT19937.fromSeed(0);
    const draw = () => gauss.next(bg);
    const [vOut, vjpFun] = pair(this.ctx.call(fVjp, positional(this.tree(primals, def))), this.ctx);
    const vExpected = this.ctx.call(f, positional(this.tree(primals, def)));
    this.checkClose(vOut, vExpected, errMsg ? `${errMsg} primal` : 'primal');
    const tangent = this.randLike(draw, primals);
    const [tangentOut] = this.numericalJvp(f, primals, def, tangent);
    const [outs, outDef] = this.leaves(vOut);
    const cotangent = this.randLike(draw, outs);
    const [cotangentOut] = this.leaves(this.ctx.call(vjpFun, [this.tree(cotangent, outDef)]));
    const ip = this.innerProd(tangent, cotangentOut);
    const ipExpected = this.innerProd(tangentOut, cotangent);
    this.checkClose(ip, ipExpected, errMsg ? `${errMsg} cotangent projection` : 'cotangent projection');
  }

  checkGrads(f: PyValue, args: PyValue, order: number, modes: readonly string[], errMsg = ''): void {
    if (modes.includes('fwd')) {
      const msg = errMsg ? `JVP of ${errMsg}` : 'JVP';
      // partial(jax.jvp, f)
      const jvpOfF = pyFunction('jvp', (xs, _kw, c) => c.call(this.tools.jvp, [f, ...xs]));
      this.checkJvp(f, jvpOfF, args, msg);
      if (order > 1) this.checkGrads(jvpOfF, new PyTuple([args, args]), order - 1, modes, msg);
    }
    if (modes.includes('rev')) {
      const msg = errMsg ? `VJP of ${errMsg}` : 'VJP';
      this.checkVjp(f, pyFunction('vjp', (xs, _kw, c) => c.call(this.tools.vjp, [f, ...xs])), args, msg);
      if (order > 1) {
        const fVjp = pyFunction('f_vjp', (xs, _kw, c) => {
          const [out, vjpFun] = pair(c.call(this.tools.vjp, [f, ...xs]), c);
          return c.call(vjpFun, [out]);
        });
        this.checkGrads(fVjp, args, order - 1, modes, msg);
      }
    }
  }
}

function round(dtype: DType, v: number): number {
  return dtype === 'float32' ? Math.fround(v) : v;
}

const positional = (args: PyValue): PyValue[] => (args as PyTuple).items.slice();

function pair(v: PyValue, ctx: HostContext): [PyValue, PyValue] {
  const items = [...iterate(v, ctx)];
  return [items[0]!, items[1]!];
}

/** `atol=`/`rtol=`: None for the defaults, a number for every dtype, or a dict of dtype to tolerance over the defaults. */
function tolerance(rt: JaxRuntime, v: PyValue | undefined, ctx: HostContext): Tolerance {
  const defaults = (d: DType) => GRADIENT_TOLERANCE[d] ?? 0;
  if (v === undefined || v === null) return defaults;
  if (v instanceof PyDict) {
    const given = new Map([...v.entries()].map(([k, t]) => [toDtype(k, rt, true), toFloat(t, ctx)] as const));
    return (d) => given.get(d) ?? defaults(d);
  }
  const t = toFloat(v, ctx);
  return () => t;
}

/** `jax.test_util`'s attributes. */
export function testUtilAttrs(rt: JaxRuntime, tools: GradCheckTools): Record<string, PyValue> {
  const checker = (a: ReturnType<typeof bindArgs>, ctx: HostContext) =>
    new GradChecker(rt, tools, tolerance(rt, a.opt('atol'), ctx), tolerance(rt, a.opt('rtol'), ctx), a.opt('eps') === undefined || !truthy(a.required('eps'), ctx) ? EPS : a.float('eps'), ctx);
  const argsTuple = (v: PyValue, ctx: HostContext) => new PyTuple([...iterate(v, ctx)]);
  return {
    check_grads: pyFunction('check_grads', (args, kwargs, ctx) => {
      const a = bindArgs('check_grads', ['f', 'args', 'order', 'modes?', 'atol?', 'rtol?', 'eps?'], args, kwargs, ctx);
      const modes = a.opt('modes') === undefined ? ['fwd', 'rev'] : [...iterate(a.required('modes'), ctx)].map((m) => ctx.str(m));
      checker(a, ctx).checkGrads(a.required('f'), argsTuple(a.required('args'), ctx), a.int('order'), modes);
      return null;
    }),
    check_jvp: pyFunction('check_jvp', (args, kwargs, ctx) => {
      const a = bindArgs('check_jvp', ['f', 'f_jvp', 'args', 'atol?', 'rtol?', 'eps?', 'err_msg?'], args, kwargs, ctx);
      checker(a, ctx).checkJvp(a.required('f'), a.required('f_jvp'), argsTuple(a.required('args'), ctx), a.str('err_msg', ''));
      return null;
    }),
    check_vjp: pyFunction('check_vjp', (args, kwargs, ctx) => {
      const a = bindArgs('check_vjp', ['f', 'f_vjp', 'args', 'atol?', 'rtol?', 'eps?', 'err_msg?'], args, kwargs, ctx);
      checker(a, ctx).checkVjp(a.required('f'), a.required('f_vjp'), argsTuple(a.required('args'), ctx), a.str('err_msg', ''));
      return null;
    }),
  };
}
