/**
 * Forward-mode tangents PyTorch 1.13 computes by a formula of its own (tools/autograd/derivatives.yaml's
 * `result:` lines, torch/csrc/autograd/FunctionsManual.cpp) rather than through the ops a function is
 * made of: softmax, log_softmax, logsumexp and the vector norm. Each is written op for op as PyTorch
 * orders it, so float32 tangents print PyTorch's digits (composed from Gradlens's primitives they
 * differed in the last bits: 18 of 21 softmax values of a 3x7 input).
 */
import { tangentByFormula, type Tensor } from '../../../runtime/eager';
import type { TorchRuntime } from './tensor';

/** FunctionsManual's logsumexp_jvp: sum(exp(x - amax(x)) * t) / sum(exp(x - amax(x))) over `axes`. */
function logsumexpJvp(rt: TorchRuntime, x: Tensor, t: Tensor, axes: readonly number[], keepdim: boolean): Tensor {
  const o = rt.ops;
  const keep = (r: Tensor) => (keepdim ? o.expandDims(r, axes) : r);
  const e = o.exp(o.sub(x, o.expandDims(o.reduceMax(x, axes), axes)));
  const sumExp = keep(o.reduceSum(e, axes));
  return o.div(keep(o.reduceSum(o.mul(e, t), axes)), sumExp);
}

/** `logsumexp(x, axes, keepdim)` gave `result`: its tangent as PyTorch's `logsumexp_jvp`. */
export function logsumexpTangent(rt: TorchRuntime, x: Tensor, result: Tensor, axes: readonly number[], keepdim: boolean): void {
  tangentByFormula(rt.engine, x, result, (t) => logsumexpJvp(rt, x, t, axes, keepdim));
}

/** `softmax`/`log_softmax(x, axis)` gave `result`: `result * (t - lse')` and `t - lse'`, as derivatives.yaml's _softmax/_log_softmax. */
export function softmaxTangent(rt: TorchRuntime, x: Tensor, result: Tensor, axis: number, log: boolean): void {
  tangentByFormula(rt.engine, x, result, (t) => {
    const centred = rt.ops.sub(t, logsumexpJvp(rt, x, t, [axis], true));
    return log ? centred : rt.ops.mul(result, centred);
  });
}

/**
 * The p-norm of `x` over `axes` gave `norm`: its tangent as FunctionsManual's norm_jvp for p = 1, 2
 * and other finite p > 0 (0 where the norm is 0); p = inf keeps its composed tangent, already
 * PyTorch's (the largest entry's tangent, as norm_jvp gives it when one entry is the maximum).
 */
export function normTangent(rt: TorchRuntime, x: Tensor, norm: Tensor, p: number, axes: readonly number[], keepdim: boolean): void {
  if (!(p > 0 && Number.isFinite(p))) return;
  const o = rt.ops;
  const sum = (v: Tensor) => (keepdim ? o.expandDims(o.reduceSum(v, axes), axes) : o.reduceSum(v, axes));
  const zeroWhereNormIs0 = (v: Tensor) => o.select(o.eq(norm, o.scalarLike(0, norm)), o.zerosLike(v), v);
  const power = (v: Tensor, e: number) => o.pow(v, o.scalarLike(e, v));
  tangentByFormula(rt.engine, x, norm, (t) => {
    if (p === 1) return sum(o.mul(o.sign(x), t));
    if (p === 2) return zeroWhereNormIs0(o.div(sum(o.mul(x, t)), norm));
    const a = o.abs(x);
    if (p < 1) {
      const scaled = o.select(o.eq(x, o.scalarLike(0, x)), o.zerosLike(x), power(a, p - 1));
      return o.mul(sum(o.mul(scaled, o.mul(o.sign(x), t))), power(norm, 1 - p));
    }
    const sumPow = p < 2 ? sum(o.mul(power(a, p - 1), o.mul(o.sign(x), t))) : sum(o.mul(power(a, p - 2), o.mul(x, t)));
    return zeroWhereNormIs0(o.div(sumPow, power(norm, p - 1)));
  });
}
