/** `jax.nn` (and `jax.scipy.special.logsumexp`), composed from jax.numpy operations as JAX defines them. */
import { bindArgs, pyError, pyFunction as makeFunction, type HostContext, type PyValue } from '../interpreter';
import { PyArray, toDtype, type JaxRuntime } from './array';
import * as L from './lax';

type Unary = (rt: JaxRuntime, x: PyArray, ctx: HostContext) => PyArray;

const asArr = (rt: JaxRuntime, x: PyValue, ctx: HostContext) => (x instanceof PyArray ? x : L.arrayFromData(rt, x, undefined, ctx, false));

/** `logsumexp(x, axis, keepdims)`: max-shifted, with the max's gradient stopped by the shift cancelling. */
function logsumexp(rt: JaxRuntime, x: PyArray, axis: PyValue | undefined, keepdims: boolean, ctx: HostContext): PyArray {
  const m = L.reduce(rt, 'max', x, axis, true, ctx);
  const s = L.reduce(rt, 'sum', L.unary(rt, 'exp', L.binary(rt, 'sub', x, m, ctx), ctx), axis, true, ctx);
  const out = L.binary(rt, 'add', L.unary(rt, 'log', s, ctx), m, ctx);
  if (keepdims) return out;
  const axes = L.axesOf(axis, x.shape.length, ctx);
  return L.reshaped(rt, out, x.shape.filter((_, i) => !axes.includes(i)));
}

const ELEMENTWISE: Record<string, Unary> = {
  sigmoid: (rt, x, ctx) => L.unary(rt, 'logistic', x, ctx),
  relu: (rt, x, ctx) => L.binary(rt, 'max', x, 0, ctx),
  softplus: (rt, x, ctx) => {
    // logaddexp(x, 0) = max(x, 0) + log1p(exp(-|x|)), stable for large |x|
    const pos = L.binary(rt, 'max', x, 0, ctx);
    return L.binary(rt, 'add', pos, L.unary(rt, 'log1p', L.unary(rt, 'exp', L.unary(rt, 'neg', L.unary(rt, 'abs', x, ctx), ctx), ctx), ctx), ctx);
  },
  silu: (rt, x, ctx) => L.binary(rt, 'mul', x, L.unary(rt, 'logistic', x, ctx), ctx),
  tanh: (rt, x, ctx) => L.unary(rt, 'tanh', x, ctx),
};

export function nnAttrs(rt: JaxRuntime): Record<string, PyValue> {
  const attrs: Record<string, PyValue> = {};
  // Each function is one op: its intermediates are freed when it returns.
  const pyFunction = (name: string, f: (args: PyValue[], kwargs: Map<string, PyValue>, ctx: HostContext) => PyArray) =>
    makeFunction(name, (args, kwargs, ctx) => L.op(rt, () => f(args, kwargs, ctx)));
  for (const [name, f] of Object.entries(ELEMENTWISE)) {
    attrs[name] = pyFunction(name, (args, kwargs, ctx) => f(rt, asArr(rt, bindArgs(name, ['x'], args, kwargs, ctx).required('x'), ctx), ctx));
  }
  attrs.swish = attrs.silu;
  attrs.gelu = pyFunction('gelu', (args, kwargs, ctx) => {
    const a = bindArgs('gelu', ['x', 'approximate?'], args, kwargs, ctx);
    const x = asArr(rt, a.required('x'), ctx);
    if (!a.bool('approximate', true)) {
      throw pyError('NotImplementedError', 'gelu(approximate=False) needs erf, which Gradlens lacks; use the default approximate=True');
    }
    // JAX's default: the tanh approximation, 0.5x(1 + tanh(sqrt(2/pi)(x + 0.044715x^3)))
    const inner = L.binary(rt, 'mul', Math.sqrt(2 / Math.PI), L.binary(rt, 'add', x, L.binary(rt, 'mul', 0.044715, L.power(rt, x, 3n, ctx), ctx), ctx), ctx);
    return L.binary(rt, 'mul', L.binary(rt, 'mul', 0.5, x, ctx), L.binary(rt, 'add', 1, L.unary(rt, 'tanh', inner, ctx), ctx), ctx);
  });
  attrs.logsumexp = pyFunction('logsumexp', (args, kwargs, ctx) => {
    const a = bindArgs('logsumexp', ['a', 'axis?', 'b?', 'keepdims?'], args, kwargs, ctx);
    return logsumexp(rt, asArr(rt, a.required('a'), ctx), a.get('axis'), a.bool('keepdims', false), ctx);
  });
  attrs.softmax = pyFunction('softmax', (args, kwargs, ctx) => {
    const a = bindArgs('softmax', ['x', 'axis?'], args, kwargs, ctx);
    const x = asArr(rt, a.required('x'), ctx);
    const axis = a.has('axis') ? a.get('axis') : -1n;
    const e = L.unary(rt, 'exp', L.binary(rt, 'sub', x, L.reduce(rt, 'max', x, axis, true, ctx), ctx), ctx);
    return L.binary(rt, 'div', e, L.reduce(rt, 'sum', e, axis, true, ctx), ctx);
  });
  attrs.one_hot = pyFunction('one_hot', (args, kwargs, ctx) => {
    const a = bindArgs('one_hot', ['x', 'num_classes', '*', 'dtype?', 'axis?'], args, kwargs, ctx);
    const x = asArr(rt, a.required('x'), ctx);
    const n = a.int('num_classes');
    const d = a.opt('dtype') === undefined ? rt.floatDtype : toDtype(a.required('dtype'), rt, false);
    const rank = x.shape.length + 1;
    let axis = a.int('axis', -1);
    if (axis < 0) axis += rank;
    const classes = rt.o.iota('int32', [...x.shape.slice(0, axis), n, ...x.shape.slice(axis)], axis);
    const expanded = rt.o.expandDims(L.cast(rt, x.v, 'int32'), [axis]);
    return L.wrap(rt, rt.o.convert(rt.o.eq(expanded, classes), d), false, false);
  });
  attrs.log_softmax = pyFunction('log_softmax', (args, kwargs, ctx) => {
    const a = bindArgs('log_softmax', ['x', 'axis?'], args, kwargs, ctx);
    const x = asArr(rt, a.required('x'), ctx);
    const axis = a.has('axis') ? a.get('axis') : -1n;
    const shifted = L.binary(rt, 'sub', x, L.reduce(rt, 'max', x, axis, true, ctx), ctx);
    return L.binary(rt, 'sub', shifted, L.unary(rt, 'log', L.reduce(rt, 'sum', L.unary(rt, 'exp', shifted, ctx), axis, true, ctx), ctx), ctx);
  });
  return attrs;
}

export const NN_NAMES = ['one_hot', 'sigmoid', 'relu', 'softplus', 'silu', 'swish', 'tanh', 'gelu', 'logsumexp', 'softmax', 'log_softmax'];
