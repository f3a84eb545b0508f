import * as tf from '@tensorflow/tfjs-core';
import { libm, sizeOf, type AbstractValue } from '../../core';
import { BITWISE, COMPLEX_PARTS, CUMULATIVE, familyRules, RANDOM_BITS, RESHAPES, SORTING, type ParamsOf, type Primitive } from '../../primitives';
import type { WasmMathPrimitive } from '../../wasm';
import type { Kernel, KernelTable } from '../backend';
import { TfjsArray, type TfjsBackendName } from './array';
import { bitwise, convert, div, integerPow, log1p, logWithZeroAsInf, maxOrMin, roundTies, select, sigmoid, sign } from './elementwise';
import {
  argmax, broadcastInDim, concatenate, dotGeneral, dynamicSlice, dynamicUpdateSlice, gather, iota, pad, reduce, scatterAdd, slice,
} from './structural';
import { onWasmPolynomial } from './wasm_math';
import { cbrt, cumulative, erf, erfinv, fmod, onHost } from './along_axis';
import { xlaCbrt } from '../reference';
import { convGeneralDilated, reduceWindow, rev, selectAndGatherAdd, selectAndScatterAdd } from './windows';

type TensorOp<P extends Primitive> = (xs: readonly tf.Tensor[], params: ParamsOf<P>, out: AbstractValue) => tf.Tensor;

/** Checks that every operand lives on `backend`, for a clear error instead of tfjs silently copying it. */
export function unwrap(backend: TfjsBackendName, x: TfjsArray, op: string): tf.Tensor {
  if (!(x instanceof TfjsArray) || x.backend !== backend) {
    const from = (x as { backend?: string }).backend ?? 'unknown';
    throw new Error(`${op}: the ${backend} backend got an array from the ${from} backend; read it back and upload it here first`);
  }
  if (x.tensor.isDisposed) throw new Error(`${op}: an operand on the ${backend} backend was already disposed`);
  return x.tensor;
}

/**
 * Wraps a tensor op as a kernel: intermediates die in tf.tidy, only the result survives, and a
 * result that is an operand's own tensor is cloned so that disposing one never frees the other.
 */
function kernel<P extends Primitive>(backend: TfjsBackendName, prim: P, op: TensorOp<P>): Kernel<P, TfjsArray> {
  return (inputs, params, out) => {
    if (out.dtype !== 'float32' && out.dtype !== 'int32' && out.dtype !== 'bool') {
      throw new Error(`${prim}: the ${backend} backend has no ${out.dtype} (tfjs stores at most 32 bits); ${out.dtype} needs the reference backend`);
    }
    const dtype = out.dtype;
    const xs = inputs.map((x) => unwrap(backend, x, prim));
    const result = tf.tidy(() => {
      if (sizeOf(out.shape) === 0) return tf.zeros([...out.shape], dtype);
      const r = op(xs, params, out);
      return xs.includes(r) ? tf.clone(r) : r;
    });
    if (result.dtype !== out.dtype || result.shape.length !== out.shape.length || result.shape.some((d, i) => d !== out.shape[i])) {
      const got = `${result.dtype}[${result.shape.join(',')}]`;
      result.dispose();
      throw new Error(`${prim}: the ${backend} kernel made ${got}, not ${out.dtype}[${out.shape.join(',')}] (a bug in runtime/backends/tfjs)`);
    }
    return new TfjsArray(backend, result, out.shape, out.dtype);
  };
}

const unary = (f: (x: tf.Tensor) => tf.Tensor) => (xs: readonly tf.Tensor[]) => f(xs[0]);
const binary = (f: (a: tf.Tensor, b: tf.Tensor) => tf.Tensor) => (xs: readonly tf.Tensor[]) => f(xs[0], xs[1]);

/** Every primitive as tfjs ops, for the tfjs backend named `b`. */
export function tfjsKernels(b: TfjsBackendName): KernelTable<TfjsArray> {
  const log = b === 'webgpu' ? logWithZeroAsInf : tf.log;
  const onWasm = (prim: WasmMathPrimitive, op: (x: tf.Tensor) => tf.Tensor) => (b === 'wasm' ? onWasmPolynomial(prim, op) : op);
  return {
    add: kernel(b, 'add', binary(tf.add)),
    sub: kernel(b, 'sub', binary(tf.sub)),
    mul: kernel(b, 'mul', binary(tf.mul)),
    div: kernel(b, 'div', binary(div)),
    pow: kernel(b, 'pow', binary(tf.pow)),
    max: kernel(b, 'max', binary((x, y) => maxOrMin(x, y, tf.maximum))),
    min: kernel(b, 'min', binary((x, y) => maxOrMin(x, y, tf.minimum))),
    lt: kernel(b, 'lt', binary(tf.less)),
    le: kernel(b, 'le', binary(tf.lessEqual)),
    gt: kernel(b, 'gt', binary(tf.greater)),
    ge: kernel(b, 'ge', binary(tf.greaterEqual)),
    eq: kernel(b, 'eq', binary(tf.equal)),
    ne: kernel(b, 'ne', binary(tf.notEqual)),
    neg: kernel(b, 'neg', unary(tf.neg)),
    integer_pow: kernel(b, 'integer_pow', ([x], { y }) => integerPow(x, y)),
    exp: kernel(b, 'exp', unary(onWasm('exp', tf.exp))),
    log: kernel(b, 'log', unary(onWasm('log', log))),
    log1p: kernel(b, 'log1p', unary((x) => log1p(x, log))),
    expm1: kernel(b, 'expm1', unary(tf.expm1)),
    sin: kernel(b, 'sin', unary(onWasm('sin', tf.sin))),
    cos: kernel(b, 'cos', unary(onWasm('cos', tf.cos))),
    tan: kernel(b, 'tan', unary(tf.tan)),
    tanh: kernel(b, 'tanh', unary(onWasm('tanh', tf.tanh))),
    logistic: kernel(b, 'logistic', unary(onWasm('logistic', sigmoid))),
    sqrt: kernel(b, 'sqrt', unary(tf.sqrt)),
    rsqrt: kernel(b, 'rsqrt', unary(tf.rsqrt)),
    abs: kernel(b, 'abs', unary(tf.abs)),
    sign: kernel(b, 'sign', unary(sign)),
    stop_gradient: kernel(b, 'stop_gradient', unary(tf.clone)),
    select: kernel(b, 'select', ([p, t, f], _, out) => select(p, t, f, out.shape)),
    clamp: kernel(b, 'clamp', ([lo, x, hi], _, out) => tf.broadcastTo(maxOrMin(maxOrMin(x, lo, tf.maximum), hi, tf.minimum), [...out.shape])),
    ...familyRules(BITWISE, (p) => kernel(b, p, (xs, _p, out) => bitwise(p, xs, out.shape, b === 'webgpu'))),
    convert_element_type: kernel(b, 'convert_element_type', ([x], { newDtype }) => convert(x, newDtype)),
    reduce_sum: kernel(b, 'reduce_sum', ([x], { axes }, out) => reduce(x, axes, 'sum', out)),
    reduce_max: kernel(b, 'reduce_max', ([x], { axes }, out) => reduce(x, axes, 'max', out)),
    reduce_min: kernel(b, 'reduce_min', ([x], { axes }, out) => reduce(x, axes, 'min', out)),
    reduce_prod: kernel(b, 'reduce_prod', ([x], { axes }, out) => reduce(x, axes, 'prod', out)),
    argmax: kernel(b, 'argmax', ([x], { axis }) => argmax(x, axis)),
    broadcast_in_dim: kernel(b, 'broadcast_in_dim', ([x], p) => broadcastInDim(x, p)),
    // NB: the result's shape is the new one whichever way the params spell it.
    ...familyRules(RESHAPES, (p) => kernel(b, p, ([x], _, out) => tf.reshape(x, [...out.shape]))),
    transpose: kernel(b, 'transpose', ([x], { permutation }) => tf.transpose(x, [...permutation])),
    slice: kernel(b, 'slice', ([x], p) => slice(x, p)),
    dynamic_slice: kernel(b, 'dynamic_slice', ([x, ...starts], p) => dynamicSlice(x, starts, p)),
    dynamic_update_slice: kernel(b, 'dynamic_update_slice', ([x, update, ...starts]) => dynamicUpdateSlice(x, update, starts)),
    gather: kernel(b, 'gather', ([x, idx], { axis }) => gather(x, idx, axis)),
    scatter_add: kernel(b, 'scatter_add', ([u, idx], p) => scatterAdd(u, idx, p)),
    concatenate: kernel(b, 'concatenate', (xs, { dimension }) => concatenate(xs, dimension)),
    pad: kernel(b, 'pad', ([x], p) => pad(x, p)),
    dot_general: kernel(b, 'dot_general', ([x, y], { dimensionNumbers }, out) => dotGeneral(x, y, dimensionNumbers, out)),
    iota: kernel(b, 'iota', (_, p) => iota(p)),
    erf: kernel(b, 'erf', unary(erf)),
    // NB: on the CPU backends, the reference's float32 loop (XLA's algorithm with a correctly rounded log1p), so a
    // jitted jax.random.normal equals the host's bit for bit; WebGPU's tfjs ops may differ from it by an ulp.
    erfinv: kernel(b, 'erfinv', unary(b === 'webgpu' ? erfinv : (x) => tf.tensor(Float32Array.from(x.dataSync(), libm.erfinvFloat32), x.shape, 'float32'))),
    // NB: on the CPU backends the reference's loop (XLA's pow(|x|, 1/3) with the sign put back); WebGPU's pow may differ by an ulp.
    cbrt: kernel(b, 'cbrt', unary(b === 'webgpu' ? cbrt : (x) => tf.tensor(Float32Array.from(x.dataSync(), (v) => xlaCbrt(v, true)), x.shape, 'float32'))),
    logit: kernel(b, 'logit', ([x], { eps }) => {
      const z = eps === null ? x : select(tf.less(x, eps), tf.scalar(eps), select(tf.greater(x, 1 - eps), tf.scalar(1 - eps), x, x.shape), x.shape);
      // NB: WGSL need not carry a NaN through the clamp and log (SwiftShader gave 89.1 for logit(NaN, eps=0.2)).
      return tf.where(tf.isNaN(x), x, onWasm('log', log)(div(z, tf.sub(tf.scalar(1), z))));
    }),
    floor: kernel(b, 'floor', unary(tf.floor)),
    ceil: kernel(b, 'ceil', unary(tf.ceil)),
    round: kernel(b, 'round', ([x], { roundingMethod }) => roundTies(x, roundingMethod)),
    ...familyRules(CUMULATIVE, (p) => kernel(b, p, ([x], params, out) => (b === 'webgpu' ? cumulative(p, x, params) : onHost(p, x, params, out)))),
    ...familyRules(SORTING, (p) => kernel(b, p, ([x], params, out) => onHost(p, x, params, out))),
    rev: kernel(b, 'rev', ([x], p) => rev(x, p)),
    conv_general_dilated: kernel(b, 'conv_general_dilated', ([x, w], p) => convGeneralDilated(x, w, p)),
    reduce_window_sum: kernel(b, 'reduce_window_sum', ([x], p) => reduceWindow(x, p, 'sum')),
    reduce_window_max: kernel(b, 'reduce_window_max', ([x], p) => reduceWindow(x, p, 'max')),
    select_and_gather_add: kernel(b, 'select_and_gather_add', ([t, x], p) => selectAndGatherAdd(t, x, p)),
    select_and_scatter_add: kernel(b, 'select_and_scatter_add', ([s, x], p) => selectAndScatterAdd(s, x, p)),
    // NB: each of these has a uint32 or key operand or result, which tfjs cannot store (it has no
    // unsigned type; int32 bit patterns would make every comparison and conversion signed):
    // withHostDtypes runs them on the host with the reference kernels, so none reaches tfjs.
    ...familyRules(RANDOM_BITS, (p) => (): TfjsArray => {
      throw new Error(`${p}: the ${b} backend holds uint32 and key arrays on the host (withHostDtypes); this kernel runs there`);
    }),
    // lax.rem: on int32, C's remainder from the truncating division; on float32, fmod (exact on the CPU backends' host loop).
    // x - x is 0 exactly when x is finite (NaN for an infinity or a NaN), on every tfjs backend.
    is_finite: kernel(b, 'is_finite', unary((x) => tf.equal(tf.sub(x, x), tf.scalar(0, 'float32')))),
    rem: kernel(b, 'rem', ([x, y], _p, out) => (out.dtype === 'int32' ? tf.sub(x, tf.mul(div(x, y), y)) : fmod(x, y, out, b === 'webgpu'))),
    // NB: each has a complex operand or result, which tfjs cannot store; withHostDtypes runs them on the host.
    ...familyRules(COMPLEX_PARTS, (p) => (): TfjsArray => {
      throw new Error(`${p}: the ${b} backend holds complex arrays on the host (withHostDtypes); this kernel runs there`);
    }),
  };
}
