/**
 * `jax.lax`'s convolutions (`conv_general_dilated`, `conv`, `conv_with_general_padding`,
 * `padtype_to_pads`) and `reduce_window`, and `jnp.convolve`/`jnp.correlate`, as JAX 0.4.35 reads
 * their arguments, over the conv_general_dilated and reduce_window_* primitives.
 */
import { isInexact } from '../../../runtime/core';
import {
  convOutputShape, dilateDim, type ConvDimensionNumbers, type ParamsOf, type WindowParams,
} from '../../../runtime/primitives';
import { bindArgs, type HostContext, iterate, pyError, pyFunction, PyList, PyTuple, type PyValue, toFloat, toIndex } from '../interpreter';
import { PyArray, type JaxRuntime } from './array';
import * as L from './lax';

type Pairs = [number, number][];

const ints = (v: PyValue, ctx: HostContext): number[] => [...iterate(v, ctx)].map((x) => Number(toIndex(x, ctx)));

/** JAX's padtype_to_pads: 'SAME' (the odd unit after), 'SAME_LOWER' (before), 'VALID'. */
export function padtypeToPads(inShape: readonly number[], window: readonly number[], strides: readonly number[], padding: string): Pairs {
  const kind = padding.toUpperCase();
  if (kind === 'VALID') return inShape.map(() => [0, 0]);
  if (kind !== 'SAME' && kind !== 'SAME_LOWER') throw pyError('RuntimeError', `Unrecognized padding type: expected 'VALID' or 'SAME', got ${padding}.`);
  return inShape.map((n, i) => {
    const out = Math.ceil(n / strides[i]);
    const pad = Math.max((out - 1) * strides[i] + window[i] - n, 0);
    const half = Math.floor(pad / 2);
    return kind === 'SAME' ? [half, pad - half] : [pad - half, half];
  });
}

function pairsArg(v: PyValue, n: number, ctx: HostContext): Pairs {
  const pairs = [...iterate(v, ctx)].map((p) => ints(p, ctx));
  if (pairs.length !== n || pairs.some((p) => p.length !== 2)) {
    throw pyError('ValueError', `padding must be a string or a sequence of ${n} (low, high) pairs, got ${ctx.repr(v)}`);
  }
  return pairs as Pairs;
}

/** conv_general_permutations: the position of N, C (O, I) and the spatial characters, in the rhs spec's spatial order. */
export function convDimensionNumbers(rank: number, dn: PyValue | undefined, ctx: HostContext): ConvDimensionNumbers {
  const iota = Array.from({ length: rank }, (_, i) => i);
  if (dn === undefined || dn === null) return { lhsSpec: iota, rhsSpec: iota, outSpec: iota };
  const parts = [...iterate(dn, ctx)];
  if (parts.length !== 3) throw pyError('TypeError', `convolution dimension_numbers list/tuple must be length 3, got ${parts.length}.`);
  if (parts.every((p) => typeof p !== 'string')) {
    const [lhsSpec, rhsSpec, outSpec] = parts.map((p) => ints(p, ctx));
    return { lhsSpec, rhsSpec, outSpec };
  }
  const specs = parts.map((p) => {
    if (typeof p !== 'string') throw pyError('TypeError', 'convolution dimension_numbers elements must be strings');
    if (p.length !== rank) throw pyError('TypeError', `convolution dimension_numbers[${parts.indexOf(p)}] must have len equal to the ndim of lhs and rhs, got ${p.length} for lhs and rhs of rank ${rank}.`);
    return p;
  });
  const pairs = [['N', 'C'], ['O', 'I'], ['N', 'C']];
  specs.forEach((s, i) => {
    const [a, b] = pairs[i];
    if (s.split(a).length !== 2 || s.split(b).length !== 2) {
      throw pyError('TypeError', `convolution dimension_numbers[${i}] must contain the characters '${a}' and '${b}' exactly once, got ${s}.`);
    }
  });
  const rhs = specs[1];
  const perm = (spec: string, [a, b]: string[]): number[] => {
    const spatial = [...spec].map((c, i) => ({ c, i })).filter(({ c }) => c !== a && c !== b);
    if (spec !== rhs) spatial.sort((x, y) => rhs.indexOf(x.c) - rhs.indexOf(y.c));
    return [spec.indexOf(a), spec.indexOf(b), ...spatial.map(({ i }) => i)];
  };
  return { lhsSpec: perm(specs[0], pairs[0]), rhsSpec: perm(specs[1], pairs[1]), outSpec: perm(specs[2], pairs[2]) };
}

interface ConvCall {
  readonly lhs: PyValue;
  readonly rhs: PyValue;
  readonly strides: PyValue;
  readonly padding: PyValue;
  readonly lhsDilation?: PyValue;
  readonly rhsDilation?: PyValue;
  readonly dimensionNumbers?: PyValue;
  readonly featureGroupCount?: number;
  readonly batchGroupCount?: number;
}

export function convGeneralDilated(rt: JaxRuntime, c: ConvCall, ctx: HostContext): PyArray {
  const lhs = L.asArray(rt, c.lhs, ctx);
  const rhs = L.asArray(rt, c.rhs, ctx);
  if (lhs.dtype !== rhs.dtype) {
    throw pyError('TypeError', `lax.conv_general_dilated requires arguments to have the same dtypes, got ${lhs.dtype}, ${rhs.dtype}.`);
  }
  if (lhs.shape.length !== rhs.shape.length) {
    throw pyError('ValueError', `conv_general_dilated lhs and rhs must have the same number of dimensions, but got (${lhs.shape.join(', ')}) and (${rhs.shape.join(', ')}).`);
  }
  const spatial = lhs.shape.length - 2;
  const dn = convDimensionNumbers(lhs.shape.length, c.dimensionNumbers, ctx);
  const ones = Array.from({ length: spatial }, () => 1);
  const orOnes = (v: PyValue | undefined) => (v === undefined || v === null ? ones : ints(v, ctx));
  const strides = orOnes(c.strides);
  const lhsDilation = orOnes(c.lhsDilation);
  const rhsDilation = orOnes(c.rhsDilation);
  const g = c.featureGroupCount ?? 1;
  const b = c.batchGroupCount ?? 1;
  const l = dn.lhsSpec.map((d) => lhs.shape[d]);
  const r = dn.rhsSpec.map((d) => rhs.shape[d]);
  if (l[1] % g !== 0) throw pyError('ValueError', `conv_general_dilated feature_group_count must divide lhs feature dimension size, but ${g} does not divide ${l[1]}.`);
  if (l[1] / g !== r[1]) {
    throw pyError('ValueError', `conv_general_dilated lhs feature dimension size divided by feature_group_count must equal the rhs input feature dimension size, but ${l[1]} // ${g} != ${r[1]}.`);
  }
  const padding = typeof c.padding === 'string'
    ? padtypeToPads(l.slice(2), r.slice(2).map((k, i) => dilateDim(k, rhsDilation[i])), strides, c.padding)
    : pairsArg(c.padding, spatial, ctx);
  const params: ParamsOf<'conv_general_dilated'> = {
    windowStrides: strides, padding, lhsDilation, rhsDilation, dimensionNumbers: dn, featureGroupCount: g, batchGroupCount: b,
  };
  convOutputShape(lhs.shape, rhs.shape, params);
  return L.op(rt, () => L.wrap(rt, rt.o.conv(lhs.v, rhs.v, params), false, lhs.numpy && rhs.numpy));
}

/** The reduce_window primitive a (computation, init_value) monoid names, as JAX's _get_monoid_window_reducer. */
function monoid(computation: PyValue, init: number, lax: Readonly<Record<string, PyValue>>, jnp: Readonly<Record<string, PyValue>>): 'sum' | 'max' | null {
  if ((computation === lax.add || computation === jnp.add) && init === 0) return 'sum';
  if ((computation === lax.max || computation === jnp.maximum) && init === -Infinity) return 'max';
  return null;
}

function reduceWindow(rt: JaxRuntime, lax: Readonly<Record<string, PyValue>>, jnp: Readonly<Record<string, PyValue>>, args: PyValue[], kwargs: Map<string, PyValue>, ctx: HostContext): PyArray {
  const a = bindArgs('reduce_window', ['operand', 'init_value', 'computation', 'window_dimensions', 'window_strides', 'padding', 'base_dilation?', 'window_dilation?'], args, kwargs, ctx);
  const x = L.asArray(rt, a.required('operand'), ctx);
  const rank = x.shape.length;
  const window = ints(a.required('window_dimensions'), ctx);
  const strides = ints(a.required('window_strides'), ctx);
  const ones = x.shape.map(() => 1);
  const baseDilation = a.opt('base_dilation') === undefined ? ones : ints(a.required('base_dilation'), ctx);
  const windowDilation = a.opt('window_dilation') === undefined ? ones : ints(a.required('window_dilation'), ctx);
  if (window.length !== rank || strides.length !== rank) {
    throw pyError('TypeError', `reduce_window: window_dimensions and window_strides need ${rank} entries (one per operand axis), got ${window.length} and ${strides.length}`);
  }
  const paddingV = a.required('padding');
  const padding = typeof paddingV === 'string'
    ? padtypeToPads(x.shape, window.map((k, i) => dilateDim(k, windowDilation[i])), strides, paddingV)
    : pairsArg(paddingV, rank, ctx);
  const initV = a.required('init_value');
  const init = initV instanceof PyArray ? toFloat(ctx.call(ctx.getattr(initV, 'item'), []), ctx) : toFloat(initV, ctx);
  const kind = monoid(a.required('computation'), init, lax, jnp);
  if (kind === null) {
    throw pyError('NotImplementedError', 'lax.reduce_window is supported by Gradlens for (lax.add, 0.) and (lax.max, -jnp.inf) only: the general reduce_window (a Python computation or another init_value) is not built yet');
  }
  const params: WindowParams = { windowDimensions: window, windowStrides: strides, padding, baseDilation, windowDilation };
  return L.op(rt, () => L.wrap(rt, kind === 'sum' ? rt.o.reduceWindowSum(x.v, params) : rt.o.reduceWindowMax(x.v, params), x.weak, x.numpy));
}

/** `jax.lax`'s window functions, added to the module's attributes (`lax.add`/`lax.max` name reduce_window's monoids). */
export function laxWindowAttrs(rt: JaxRuntime, lax: Readonly<Record<string, PyValue>>, jnp: Readonly<Record<string, PyValue>>): Record<string, PyValue> {
  return {
    conv_general_dilated: pyFunction('conv_general_dilated', (args, kwargs, ctx) => {
      const a = bindArgs('conv_general_dilated', ['lhs', 'rhs', 'window_strides', 'padding', 'lhs_dilation?', 'rhs_dilation?', 'dimension_numbers?', 'feature_group_count?', 'batch_group_count?', 'precision?', 'preferred_element_type?'], args, kwargs, ctx);
      return convGeneralDilated(rt, {
        lhs: a.required('lhs'), rhs: a.required('rhs'), strides: a.required('window_strides'), padding: a.required('padding'),
        lhsDilation: a.opt('lhs_dilation'), rhsDilation: a.opt('rhs_dilation'), dimensionNumbers: a.opt('dimension_numbers'),
        featureGroupCount: a.int('feature_group_count', 1), batchGroupCount: a.int('batch_group_count', 1),
      }, ctx);
    }),
    conv: pyFunction('conv', (args, kwargs, ctx) => {
      const a = bindArgs('conv', ['lhs', 'rhs', 'window_strides', 'padding', 'precision?', 'preferred_element_type?'], args, kwargs, ctx);
      return convGeneralDilated(rt, { lhs: a.required('lhs'), rhs: a.required('rhs'), strides: a.required('window_strides'), padding: a.required('padding') }, ctx);
    }),
    conv_with_general_padding: pyFunction('conv_with_general_padding', (args, kwargs, ctx) => {
      const a = bindArgs('conv_with_general_padding', ['lhs', 'rhs', 'window_strides', 'padding', 'lhs_dilation', 'rhs_dilation', 'precision?', 'preferred_element_type?'], args, kwargs, ctx);
      return convGeneralDilated(rt, {
        lhs: a.required('lhs'), rhs: a.required('rhs'), strides: a.required('window_strides'), padding: a.required('padding'),
        lhsDilation: a.opt('lhs_dilation'), rhsDilation: a.opt('rhs_dilation'),
      }, ctx);
    }),
    reduce_window: pyFunction('reduce_window', (args, kwargs, ctx) => reduceWindow(rt, lax, jnp, args, kwargs, ctx)),
    padtype_to_pads: pyFunction('padtype_to_pads', (args, kwargs, ctx) => {
      const a = bindArgs('padtype_to_pads', ['in_shape', 'window_shape', 'window_strides', 'padding'], args, kwargs, ctx);
      const pads = padtypeToPads(ints(a.required('in_shape'), ctx), ints(a.required('window_shape'), ctx), ints(a.required('window_strides'), ctx), a.str('padding'));
      return new PyList(pads.map(([lo, hi]) => new PyTuple([BigInt(lo), BigInt(hi)])));
    }),
  };
}

/** jnp.convolve (flip) and jnp.correlate: JAX's _conv over a 1-channel conv_general_dilated. */
export function jnpConvolution(rt: JaxRuntime, name: 'convolve' | 'correlate'): PyValue {
  return pyFunction(name, (args, kwargs, ctx) => {
    const a = bindArgs(name, ['a', 'v', 'mode?', '*', 'precision?', 'preferred_element_type?'], args, kwargs, ctx);
    let x = L.asArray(rt, a.required('a'), ctx);
    let v = L.asArray(rt, a.required('v'), ctx);
    const mode = a.str('mode', name === 'convolve' ? 'full' : 'valid');
    if (x.shape.length !== 1 || v.shape.length !== 1) throw pyError('ValueError', `${name}() only support 1-dimensional inputs.`);
    if (x.shape[0] === 0 || v.shape[0] === 0) {
      throw pyError('ValueError', `${name}: inputs cannot be empty, got shapes (${x.shape[0]},) and (${v.shape[0]},).`);
    }
    // NB: JAX promotes to inexact first, as NumPy's convolve does.
    const promoted = L.resultDtype(rt, [L.operand(rt, x, ctx), L.operand(rt, v, ctx)]);
    const dtype = isInexact(promoted) ? promoted : x.numpy && v.numpy ? 'float64' : rt.floatDtype;
    const swap = x.shape[0] < v.shape[0];
    if (swap) [x, v] = [v, x];
    const n = v.shape[0];
    const padding: Pairs = mode === 'valid' ? [[0, 0]] : mode === 'same' ? [[Math.floor(n / 2), n - Math.floor(n / 2) - 1]]
      : mode === 'full' ? [[n - 1, n - 1]] : (() => { throw pyError('ValueError', "mode must be one of ['full', 'same', 'valid']"); })();
    return L.op(rt, () => {
      const o = rt.o;
      const lhs = o.reshape(L.cast(rt, x.v, dtype), [1, 1, x.shape[0]]);
      const kernel = name === 'convolve' ? o.rev(L.cast(rt, v.v, dtype), [0]) : L.cast(rt, v.v, dtype);
      const out = o.conv(lhs, o.reshape(kernel, [1, 1, n]), {
        windowStrides: [1], padding, lhsDilation: [1], rhsDilation: [1],
        dimensionNumbers: { lhsSpec: [0, 1, 2], rhsSpec: [0, 1, 2], outSpec: [0, 1, 2] }, featureGroupCount: 1, batchGroupCount: 1,
      });
      const len = o.shape(out)[2];
      let flat = o.reshape(out, [len]);
      // NB: JAX's correlate of swapped operands is reversed back (numpy's convention).
      if (swap && name === 'correlate') flat = o.rev(flat, [0]);
      return L.wrap(rt, flat, x.weak && v.weak, x.numpy && v.numpy);
    });
  });
}
