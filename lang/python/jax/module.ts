/**
 * The modules `jax`, `jax.numpy`, `jax.nn`, `jax.lax`, `jax.scipy.special` and `numpy`, built once
 * per run over the backend the caller gives.
 */
import type { Backend } from '../../../runtime/backends';
import { printJaxpr } from '../../../runtime/ir';
import { bindArgs, type Args, PyBuiltin, pyError, pyFunction, type HostContext, createModule, type ModuleRegistry, type ModuleShim, PyModule, type NativeFn, type PyValue } from '../interpreter';
import { ConcretizationTypeError, TracerArrayConversionError, TracerBoolConversionError, TracerIntegerConversionError } from '../staging';
import { isFloat, isInexact } from '../../../runtime/core';
import { flattenPy, unflattenPy } from './pytree';
import { ARRAY_TYPE, arrayOp, JaxRuntime, NDARRAY_TYPE, PyArray } from './array';
import { ARRAY_BEHAVIOUR } from './array_behaviour';
import { JaxConfig } from './config';
import * as L from './lax';
import { orderingLaxAttrs, specialFunctions } from './numpy_ordering';
import { jnpConvolution, laxWindowAttrs } from './lax_windows';
import { laxSlicingAttrs } from './lax_slicing';
import { debuggingAttrs } from './debugging';
import { evalShapeAttrs } from './eval_shape';
import { laxRoundingAttrs } from './jnp_rounding';
import { nnAttrs, NN_NAMES } from './nn';
import { SCIPY_SPECIAL_NAMES, scipyModules } from './scipy';
import { STATS_DISTRIBUTIONS } from './scipy_stats';
import { FUNCTIONS, numpyAttrs } from './numpy';
import { JNP_SHAPE_FUNCTIONS } from './jnp_shape_ops';
import { JNP_BITWISE_FUNCTIONS, laxBitwiseAttrs } from './bitwise';
import { DTYPE_INFO_NAMES } from './jnp_dtypes';
import { piecewiseFunction } from './jnp_piecewise';
import { NonConcreteBooleanIndexError } from './numpy_views';
import { namedScopeAttrs } from './named_scope';
import { checkpointAttrs } from './checkpoint';
import { pyplotSession, type FigureListener } from '../matplotlib';
import { deviceAttrs } from './devices';
import { hessianTransform, jacfwdTransform, jacrevTransform, linearizeCall, linearTransposeCall } from './jacobians';
import { NUMPY_RANDOM_NAMES, numpyRandomModule } from './numpy_random';
import { testingModule } from './numpy_testing';
import { initializersAttrs, optaxAttrs, OPTAX_NAMES, optimizersAttrs, OPTIMIZERS_NAMES, staxAttrs, staxCombinatorAttrs, staxConvAttrs } from './libraries';
import { randomAttrs, RANDOM_NAMES } from './random';
import { treeAttrs, treeUtilAttrs, TREE_NAMES, TREE_UTIL_NAMES } from './tree_util';
import { gradTransform, jitTransform, jvpCall, makeJaxprTransform, vjpCall, vmapTransform } from './transforms';
import { controlFlowAttrs } from './control_flow';
import { testUtilAttrs } from './test_util';
import { customDerivativeAttrs } from './custom_derivatives';

export interface JaxModules {
  readonly runtime: JaxRuntime;
  readonly jax: PyModule;
  readonly jnp: PyModule;
  readonly nn: PyModule;
  readonly lax: PyModule;
  readonly scipy: PyModule;
  readonly special: PyModule;
  readonly stats: PyModule;
  /** jax.scipy.stats' distributions (norm, bernoulli, ...), each a module. */
  readonly distributions: Readonly<Record<string, PyModule>>;
  readonly np: PyModule;
  readonly npRandom: PyModule;
  readonly treeUtil: PyModule;
  readonly tree: PyModule;
  readonly random: PyModule;
  readonly initializers: PyModule;
  readonly exampleLibraries: PyModule;
  readonly stax: PyModule;
  readonly optimizers: PyModule;
  readonly optax: PyModule;
  readonly testUtil: PyModule;
}

/** A transformation usable as `jax.jit(f, ...)` and as a bare decorator `@jax.jit`. */
function transformFn(name: string, spec: readonly string[], make: (fun: PyValue, a: Args, ctx: HostContext) => PyValue): NativeFn {
  return (args, kwargs, ctx) => {
    const a = bindArgs(name, spec, args, kwargs, ctx);
    return make(a.required(spec[0]), a, ctx);
  };
}

/** `jax.jit`'s parameters; shardings, devices and compiler options have nothing to act on here. */
const JIT_SPEC = ['fun?', '*', 'in_shardings?', 'out_shardings?', 'static_argnums?', 'static_argnames?', 'donate_argnums?', 'donate_argnames?', 'keep_unused?', 'device?', 'backend?', 'inline?', 'compiler_options?'];

const JAC_SPEC = ['fun', 'argnums?', 'has_aux?', 'holomorphic?', 'allow_int?'];
const jacOpts = (a: Args) => ({ argnums: a.get('argnums'), hasAux: a.bool('has_aux', false), holomorphic: a.bool('holomorphic', false) });

function laxAttrs(rt: JaxRuntime, jnp: Record<string, PyValue>): Record<string, PyValue> {
  const attrs: Record<string, PyValue> = {};
  for (const n of ['add', 'sub', 'mul', 'div', 'max', 'min', 'lt', 'le', 'gt', 'ge', 'eq', 'ne'] as const) {
    attrs[n] = pyFunction(n, (args, kwargs, ctx) => {
      const a = bindArgs(n, ['x', 'y'], args, kwargs, ctx);
      L.checkSameDtypes(rt, n, [a.required('x'), a.required('y')], ctx);
      return L.binary(rt, n, a.required('x'), a.required('y'), ctx);
    });
  }
  for (const n of ['neg', 'exp', 'log', 'log1p', 'expm1', 'sin', 'cos', 'tan', 'tanh', 'logistic', 'sqrt', 'rsqrt', 'cbrt', 'abs', 'sign'] as const) {
    attrs[n] = pyFunction(n, (args, kwargs, ctx) => L.unary(rt, n, bindArgs(n, ['x'], args, kwargs, ctx).required('x'), ctx));
  }
  for (const n of ['real', 'imag', 'conj'] as const) {
    attrs[n] = pyFunction(n, (args, kwargs, ctx) => L.complexPart(rt, n, bindArgs(n, ['x'], args, kwargs, ctx).required('x'), ctx));
  }
  attrs.complex = pyFunction('complex', (args, kwargs, ctx) => {
    const a = bindArgs('complex', ['x', 'y'], args, kwargs, ctx);
    return L.makeComplex(rt, a.required('x'), a.required('y'), ctx);
  });
  attrs.integer_pow = pyFunction('integer_pow', (args, kwargs, ctx) => {
    const a = bindArgs('integer_pow', ['x', 'y'], args, kwargs, ctx);
    return L.power(rt, L.asArray(rt, a.required('x'), ctx), BigInt(a.int('y')), ctx);
  });
  attrs.clamp = pyFunction('clamp', (args, kwargs, ctx) => {
    const a = bindArgs('clamp', ['min', 'x', 'max'], args, kwargs, ctx);
    return L.clamp(rt, a.required('min'), a.required('x'), a.required('max'), ctx);
  });
  attrs.rem = pyFunction('rem', (args, kwargs, ctx) => {
    const a = bindArgs('rem', ['x', 'y'], args, kwargs, ctx);
    L.checkSameDtypes(rt, 'rem', [a.required('x'), a.required('y')], ctx);
    return L.fmod(rt, a.required('x'), a.required('y'), ctx);
  });
  Object.assign(attrs, laxRoundingAttrs(rt));
  attrs.is_finite = pyFunction('is_finite', (args, kwargs, ctx) => {
    const x = L.asArray(rt, bindArgs('is_finite', ['x'], args, kwargs, ctx).required('x'), ctx);
    // lax.py unop_dtype_rule: is_finite_p accepts floating dtypes only.
    if (!isFloat(x.dtype)) throw pyError('TypeError', `is_finite does not accept dtype ${x.dtype}. Accepted dtypes are subtypes of floating.`);
    return L.op(rt, () => L.wrap(rt, rt.o.bind('is_finite', [x.v], {}), false, false));
  });
  attrs.floor = pyFunction('floor', (args, kwargs, ctx) => L.floor(rt, bindArgs('floor', ['x'], args, kwargs, ctx).required('x'), ctx));
  attrs.pow = pyFunction('pow', (args, kwargs, ctx) => {
    const a = bindArgs('pow', ['x', 'y'], args, kwargs, ctx);
    return L.binary(rt, 'pow', a.required('x'), a.required('y'), ctx);
  });
  attrs.select = pyFunction('select', (args, kwargs, ctx) => {
    const a = bindArgs('select', ['pred', 'on_true', 'on_false'], args, kwargs, ctx);
    // NB: lax.select is select_n(pred, on_false, on_true): its dtype check names the cases in that order.
    L.checkSameDtypes(rt, 'select', [a.required('on_false'), a.required('on_true')], ctx);
    return L.where(rt, a.required('pred'), a.required('on_true'), a.required('on_false'), ctx);
  });
  // A pytree's float leaves through the identity whose derivative is zero; others as they are (as JAX).
  attrs.stop_gradient = pyFunction('stop_gradient', (args, kwargs, ctx) => {
    const [leaves, def] = flattenPy(bindArgs('stop_gradient', ['x'], args, kwargs, ctx).required('x'), ctx);
    return unflattenPy(def, leaves.map((l) => {
      if (!(l instanceof PyArray ? isInexact(l.dtype) : typeof l === 'number')) return l;
      const a = L.asArray(rt, l, ctx);
      return L.op(rt, () => L.wrap(rt, rt.o.bind('stop_gradient', [a.v], {}), a.weak, a.numpy));
    }));
  });
  attrs.dot = jnp.dot;
  attrs.reshape = jnp.reshape;
  attrs.transpose = jnp.transpose;
  attrs.concatenate = pyFunction('concatenate', (args, kwargs, ctx) => {
    const a = bindArgs('concatenate', ['operands', 'dimension'], args, kwargs, ctx);
    return ctx.call(jnp.concatenate, [a.required('operands'), a.required('dimension')]);
  });
  Object.assign(attrs, laxBitwiseAttrs(rt));
  const ops = arrayOps(rt, attrs);
  // NB: reduce_window knows its monoids by these ops (lax.add); control flow calls Python functions, which may keep what they make.
  return { ...ops, ...arrayOps(rt, laxWindowAttrs(rt, ops, jnp)), ...arrayOps(rt, laxSlicingAttrs(rt, ops, jnp)), ...controlFlowAttrs(rt) };
}

/**
 * Functions that compute new arrays from their arguments' values and call no Python code (lax's,
 * jax.nn's): ops, as jax.numpy's are (numpyAttrs), so a temporary argument goes when the statement
 * ends, a named one when its name goes, and what they made on the way (an array of a Python
 * scalar) when they return.
 */
function arrayOps(rt: JaxRuntime, attrs: Readonly<Record<string, PyValue>>): Record<string, PyValue> {
  // NB: a NumPy array argument enters as a jax array of its canonical dtype (float64 as float32 without x64), as JAX's bind makes it.
  const jaxArg = (x: PyValue, ctx: HostContext) => (x instanceof PyArray && x.numpy ? L.arrayFromData(rt, x, undefined, ctx, false) : x);
  return Object.fromEntries(Object.entries(attrs).map(([name, f]) => [
    name,
    f instanceof PyBuiltin && !f.keepsNoArguments
      ? arrayOp(rt, name, (args, kwargs, ctx) => f.fn(args.map((x) => jaxArg(x, ctx)), new Map([...kwargs].map(([k, x]) => [k, jaxArg(x, ctx)])), ctx))
      : f,
  ]));
}

function buildModules(backend: Backend, ctx: HostContext, options: JaxModuleOptions): JaxModules {
  const rt = new JaxRuntime(backend, ctx, ARRAY_BEHAVIOUR);
  rt.source = options.source ?? null;
  rt.tracesNumpyCode = options.tracesNumpyCode ?? false;
  const jnpAttrs = { ...numpyAttrs(rt, false), convolve: jnpConvolution(rt, 'convolve'), correlate: jnpConvolution(rt, 'correlate'), piecewise: piecewiseFunction(rt) };
  const jnp = createModule('jax.numpy', { ...jnpAttrs, ndarray: ARRAY_TYPE });
  const npRandom = numpyRandomModule(rt);
  const np = createModule('numpy', { ...numpyAttrs(rt, true), convolve: jnpConvolution(rt, 'convolve'), correlate: jnpConvolution(rt, 'correlate'), ndarray: NDARRAY_TYPE, random: npRandom, testing: testingModule(rt), __version__: '1.26.4' });
  const nnA = arrayOps(rt, nnAttrs(rt));
  const nn = createModule('jax.nn', nnA);
  const laxA = { ...laxAttrs(rt, jnpAttrs), ...arrayOps(rt, orderingLaxAttrs(rt)) };
  const lax = createModule('jax.lax', laxA);
  const scipyA = scipyModules(rt, jnpAttrs);
  const special = createModule('jax.scipy.special', { logsumexp: nnA.logsumexp, ...specialFunctions(rt, 'erfinv'), ...arrayOps(rt, scipyA.special) });
  const distributions = Object.fromEntries(Object.entries(scipyA.stats).map(([name, fns]) => [name, createModule(`jax.scipy.stats.${name}`, arrayOps(rt, fns))]));
  const stats = createModule('jax.scipy.stats', distributions);
  const scipy = createModule('jax.scipy', { special, stats });
  const errors = createModule('jax.errors', { ConcretizationTypeError, TracerBoolConversionError, TracerIntegerConversionError, TracerArrayConversionError, NonConcreteBooleanIndexError });
  const treeUtilA = treeUtilAttrs();
  const treeUtil = createModule('jax.tree_util', treeUtilA);
  const tree = createModule('jax.tree', treeAttrs(treeUtilA));
  const randomA = randomAttrs(rt);
  const random = createModule('jax.random', randomA);
  const initA = initializersAttrs(jnpAttrs, randomA);
  const initializers = createModule('jax.nn.initializers', initA);
  nn.attrs.set('initializers', initializers);
  const stax = createModule('jax.example_libraries.stax', { ...staxAttrs(jnpAttrs, nnA, randomA, initA), ...staxConvAttrs(jnpAttrs, laxA, randomA, initA), ...staxCombinatorAttrs(jnpAttrs, nnA, randomA, initA) });
  const optimizers = createModule('jax.example_libraries.optimizers', optimizersAttrs(jnpAttrs, (name, fn) => arrayOp(rt, name, fn)));
  const exampleLibraries = createModule('jax.example_libraries', { stax, optimizers });
  const optax = createModule('optax', optaxAttrs(jnpAttrs, nnA, (name, fn) => arrayOp(rt, name, fn)));
  const debugging = debuggingAttrs(rt);
  const debug = createModule('jax.debug', debugging.debug);
  const testing = np.attrs.get('testing') as PyModule;
  const jax = createModule('jax', {
    debug, ...debugging.jax, ...evalShapeAttrs(rt),
    numpy: jnp, nn, lax, scipy, errors, tree_util: treeUtil, tree, random, example_libraries: exampleLibraries, Array: ARRAY_TYPE, __version__: '0.4.35', config: new JaxConfig(rt),
    grad: pyFunction('grad', transformFn('grad', ['fun', 'argnums?', 'has_aux?', 'holomorphic?'], (fun, a) =>
      gradTransform(rt, fun, { argnums: a.get('argnums'), hasAux: a.bool('has_aux', false), holomorphic: a.bool('holomorphic', false), withValue: false }))),
    value_and_grad: pyFunction('value_and_grad', transformFn('value_and_grad', ['fun', 'argnums?', 'has_aux?', 'holomorphic?'], (fun, a) =>
      gradTransform(rt, fun, { argnums: a.get('argnums'), hasAux: a.bool('has_aux', false), holomorphic: a.bool('holomorphic', false), withValue: true }))),
    jit: pyFunction('jit', (args, kwargs, ctx) => {
      const a = bindArgs('jit', JIT_SPEC, args, kwargs, ctx);
      const opts = { staticArgnums: a.get('static_argnums'), staticArgnames: a.get('static_argnames'), donateArgnums: a.get('donate_argnums'), donateArgnames: a.get('donate_argnames') };
      // Without the function (JAX 0.8.1+), `jax.jit(static_argnums=...)` is a decorator factory.
      if (!a.has('fun')) return pyFunction('jit', (fargs, _kw, c) => jitTransform(rt, fargs[0], opts, c));
      return jitTransform(rt, a.required('fun'), opts, ctx);
    }),
    vmap: pyFunction('vmap', transformFn('vmap', ['fun', 'in_axes?', 'out_axes?', 'axis_name?', 'axis_size?', 'spmd_axis_name?'], (fun, a) =>
      vmapTransform(rt, fun, a.has('in_axes') ? a.get('in_axes')! : 0n, a.has('out_axes') ? a.get('out_axes')! : 0n, a.opt('axis_size') === undefined ? null : a.int('axis_size')))),
    jacfwd: pyFunction('jacfwd', transformFn('jacfwd', JAC_SPEC, (fun, a) => jacfwdTransform(rt, fun, jacOpts(a)))),
    jacrev: pyFunction('jacrev', transformFn('jacrev', JAC_SPEC, (fun, a) => jacrevTransform(rt, fun, jacOpts(a)))),
    jacobian: pyFunction('jacobian', transformFn('jacobian', JAC_SPEC, (fun, a) => jacrevTransform(rt, fun, jacOpts(a), 'jacobian'))),
    hessian: pyFunction('hessian', transformFn('hessian', JAC_SPEC, (fun, a) => hessianTransform(rt, fun, jacOpts(a)))),
    linearize: pyFunction('linearize', (args, kwargs, c) => {
      const a = bindArgs('linearize', ['fun', '*primals'], args, kwargs, c);
      return linearizeCall(rt, a.required('fun'), a.rest, c);
    }),
    linear_transpose: pyFunction('linear_transpose', (args, kwargs, c) => {
      const a = bindArgs('linear_transpose', ['fun', '*primals', 'reduce_axes?'], args, kwargs, c);
      return linearTransposeCall(rt, a.required('fun'), a.rest, c);
    }),
    jvp: pyFunction('jvp', (args, kwargs, c) => {
      const a = bindArgs('jvp', ['fun', 'primals', 'tangents'], args, kwargs, c);
      return jvpCall(rt, a.required('fun'), a.required('primals'), a.required('tangents'), c);
    }),
    vjp: pyFunction('vjp', (args, kwargs, c) => {
      const a = bindArgs('vjp', ['fun', '*primals', 'has_aux?'], args, kwargs, c);
      return vjpCall(rt, a.required('fun'), a.rest, a.bool('has_aux', false), c);
    }),
    make_jaxpr: pyFunction('make_jaxpr', transformFn('make_jaxpr', ['fun', 'static_argnums?'], (fun, a) =>
      makeJaxprTransform(rt, fun, a.get('static_argnums'), (j) => printJaxpr(j)))),
    device_get: pyFunction('device_get', (args) => args[0]),
    block_until_ready: pyFunction('block_until_ready', (args) => args[0]),
    ...deviceAttrs(rt),
    ...checkpointAttrs(),
    ...namedScopeAttrs(),
    ...customDerivativeAttrs(rt),
  });
  const testUtil = createModule('jax.test_util', testUtilAttrs(rt, { jvp: jax.attrs.get('jvp')!, vjp: jax.attrs.get('vjp')!, assertAllclose: testing.attrs.get('assert_allclose')! }));
  jax.attrs.set('test_util', testUtil);
  return { runtime: rt, jax, jnp, nn, lax, scipy, special, stats, distributions, np, npRandom, treeUtil, tree, random, initializers, exampleLibraries, stax, optimizers, optax, testUtil };
}

export interface JaxModuleOptions {
  /** The script's source, so that tracing errors quote the code they point at. */
  readonly source?: string;
  /** The editor traces a NumPy function into a jaxpr (function_at.ts): its NumPy values and functions keep NumPy's meaning on the traced values. */
  readonly tracesNumpyCode?: boolean;
  /** Hears each matplotlib figure the script shows (`plt.show()`, or open when the run ends). */
  readonly onFigure?: FigureListener;
}

export interface JaxSession {
  readonly modules: ModuleRegistry;
  /** Runs `fn`, in which Gradlens traces a function itself (a lens, `gradlens graph`): a traced value asked for its value raises Gradlens's advice, not JAX's words. */
  tracedByGradlens<R>(fn: () => R): R;
  /** Shows the figures still open and frees every array the runs made (call when the run ends). */
  dispose(): void;
}

/**
 * The module shims for `import jax` (with `jax.numpy`, `jax.nn`, `jax.lax`, `jax.scipy.special`)
 * and `import numpy`, over `backend`, and a way to free what the run made. One session serves one
 * run at a time: it keeps its per-run state in the run's context.
 */
export function jaxSession(backend: Backend, options: JaxModuleOptions = {}): JaxSession {
  const key = {};
  const runtimes: JaxRuntime[] = [];
  const get = (ctx: HostContext): JaxModules => ctx.state(key, () => {
    const m = buildModules(backend, ctx, options);
    runtimes.push(m.runtime);
    return m;
  });
  const shim = (pick: (m: JaxModules) => PyModule, exports?: readonly string[]): ModuleShim => ({ create: (ctx) => pick(get(ctx)), ...(exports ? { exports } : {}) });
  const npNames = [...Object.keys(FUNCTIONS), ...Object.keys(JNP_SHAPE_FUNCTIONS), ...Object.keys(JNP_BITWISE_FUNCTIONS), ...DTYPE_INFO_NAMES, 'piecewise', 'convolve', 'correlate', 'asarray', 'float32', 'float64', 'int32', 'int64', 'bool_', 'complex64', 'complex128', 'pi', 'e', 'inf', 'nan', 'newaxis', 'ndarray'];
  // NB: matplotlib draws NumPy arrays (hist's counts are np.histogram's): it comes with numpy.
  const plots = pyplotSession((ctx) => get(ctx).np, options.onFigure);
  const modules: ModuleRegistry = {
    ...plots.modules,
    jax: shim((m) => m.jax, ['numpy', 'nn', 'lax', 'scipy', 'errors', 'tree_util', 'test_util', 'tree', 'random', 'example_libraries', 'Array', '__version__', 'config', 'grad', 'value_and_grad', 'jit', 'vmap', 'jvp', 'vjp', 'make_jaxpr', 'device_get', 'block_until_ready', 'devices', 'jacfwd', 'jacrev', 'jacobian', 'hessian', 'linearize', 'linear_transpose', 'local_devices', 'device_count', 'local_device_count', 'default_backend', 'device_put', 'checkpoint', 'remat', 'checkpoint_policies', 'custom_jvp', 'custom_vjp', 'named_scope', 'named_call', 'debug', 'disable_jit', 'eval_shape', 'ShapeDtypeStruct']),
    'jax.debug': shim((m) => m.jax.attrs.get('debug') as PyModule, ['print']),
    'jax.numpy': shim((m) => m.jnp, npNames),
    'jax.nn': shim((m) => m.nn, [...NN_NAMES, 'initializers']),
    'jax.lax': shim((m) => m.lax),
    'jax.tree_util': shim((m) => m.treeUtil, TREE_UTIL_NAMES),
    'jax.test_util': shim((m) => m.testUtil, ['check_grads', 'check_jvp', 'check_vjp']),
    'jax.tree': shim((m) => m.tree, TREE_NAMES),
    'jax.random': shim((m) => m.random, RANDOM_NAMES),
    'jax.nn.initializers': shim((m) => m.initializers),
    'jax.example_libraries': shim((m) => m.exampleLibraries, ['stax', 'optimizers']),
    'jax.example_libraries.stax': shim((m) => m.stax),
    'jax.example_libraries.optimizers': shim((m) => m.optimizers, OPTIMIZERS_NAMES),
    optax: shim((m) => m.optax, OPTAX_NAMES),
    'jax.scipy': shim((m) => m.scipy, ['special', 'stats']),
    'jax.scipy.special': shim((m) => m.special, ['logsumexp', 'erf', 'erfinv', ...SCIPY_SPECIAL_NAMES]),
    'jax.scipy.stats': shim((m) => m.stats, STATS_DISTRIBUTIONS),
    ...Object.fromEntries(STATS_DISTRIBUTIONS.map((name) => [`jax.scipy.stats.${name}`, shim((m) => m.distributions[name])])),
    numpy: shim((m) => m.np, [...npNames, 'random', 'testing', '__version__']),
    'numpy.testing': shim((m) => m.np.attrs.get('testing') as PyModule, ['assert_allclose']),
    'numpy.random': shim((m) => m.npRandom, NUMPY_RANDOM_NAMES),
  };
  return {
    modules,
    tracedByGradlens: (fn) => {
      const traced = [...runtimes];
      for (const rt of traced) rt.tracedByGradlens = true;
      try {
        return fn();
      } finally {
        for (const rt of traced) rt.tracedByGradlens = false;
      }
    },
    dispose: () => {
      plots.end();
      for (const rt of runtimes.splice(0)) rt.dispose();
    },
  };
}

/** The jax and numpy module shims over `backend` (arrays live until the process drops them; `jaxSession` frees them). */
export function jaxModules(backend: Backend, options: JaxModuleOptions = {}): ModuleRegistry {
  return jaxSession(backend, options).modules;
}
