/**
 * `torch.clamp(x, min=tensor, max=tensor)`, `clamp_min`/`clamp_max` with a tensor bound: the three
 * broadcast together, the result in their promoted dtype, and the gradient routed as PyTorch 1.13's
 * clamp_backward and clamp_backward_min_max route it: to x where min <= x <= max, to min where
 * x < min < max, to max where x > max or max < min. Where min == max and x < min nobody gets it.
 */
import type { Tensor } from '../../../runtime/eager';
import { pyError } from '../interpreter';
import { broadcastShape, checkBroadcast } from './arith';
import { isFloating, promote, type TorchDTypeName } from './dtype';
import { followOperands, type PyTensor } from './tensor';
import * as T from './tensor_ops';

export type ClampNode = 'ClampBackward0' | 'ClampMinBackward1' | 'ClampMaxBackward1';

const category = (d: TorchDTypeName): number => (d === 'bool' ? 0 : isFloating(d) ? 2 : 1);

/** PyTorch's result_type over tensors: a 0-d one raises the dtype only when it is of a higher category. */
function resultType(tensors: readonly PyTensor[]): TorchDTypeName {
  const promoted = (ts: readonly PyTensor[]) => ts.map((t) => t.dtype).reduce(promote);
  const dimensioned = tensors.filter((t) => t.shape.length > 0);
  const zeroDim = tensors.filter((t) => t.shape.length === 0);
  if (dimensioned.length === 0) return promoted(zeroDim);
  const d = promoted(dimensioned);
  if (zeroDim.length === 0) return d;
  const z = promoted(zeroDim);
  return category(z) > category(d) ? z : d;
}

export function clampByTensors(x: PyTensor, min: PyTensor | null, max: PyTensor | null, node: ClampNode): PyTensor {
  const operands = [x, min, max].filter((t): t is PyTensor => t !== null);
  let shape = x.shape;
  for (const b of operands.slice(1)) {
    checkBroadcast(shape, b.shape);
    shape = broadcastShape(shape, b.shape);
  }
  const dtype = resultType(operands);
  const rt = x.rt;
  const o = rt.ops;
  return followOperands(rt.run(() => {
    const ready = (t: PyTensor) => o.broadcastTo(rt.convert(t.t, dtype), shape);
    const xs = ready(x);
    const lo = min && ready(min);
    const hi = max && ready(max);
    const and = (a: Tensor, b: Tensor) => o.select(a, b, a);
    const or = (a: Tensor, b: Tensor) => o.select(a, a, b);
    // std::min(std::max(x, min), max), as ATen's kernel: x stays where it equals a bound (-0.0 too).
    let value = o.stop_gradient(xs);
    if (lo) value = o.select(o.lt(value, lo), o.stop_gradient(lo), value);
    if (hi) value = o.select(o.lt(hi, value), o.stop_gradient(hi), value);
    let toX: Tensor | null = null;
    if (lo) toX = o.ge(xs, lo);
    if (hi) toX = toX ? and(toX, o.le(xs, hi)) : o.le(xs, hi);
    const toMin = lo && (hi ? and(o.lt(xs, lo), o.lt(lo, hi)) : o.lt(xs, lo));
    const toMax = hi && (lo ? or(o.gt(xs, hi), o.lt(hi, lo)) : o.gt(xs, hi));
    let routed = value;
    if (toMax && hi) routed = o.select(toMax, hi, routed);
    if (toMin && lo) routed = o.select(toMin, lo, routed);
    routed = o.select(toX!, xs, routed);
    let out = routed;
    if (isFloating(dtype)) {
      // ATen's vectorised clamp gives NaN where any of the three is NaN; the gradient still goes where clamp_backward sends it.
      for (const b of [lo, hi]) if (b) value = o.select(o.ne(b, b), o.stop_gradient(b), value);
      const nan = o.ne(value, value);
      out = o.select(nan, o.add(value, o.sub(routed, o.stop_gradient(routed))), routed);
    }
    return rt.wrap(T.asOp(out, operands.map((t) => t.t), node), dtype);
  }), operands);
}

/**
 * PyTorch's refusal of a tensor bound beside a number (its overloads take two tensors or two
 * numbers), in torch.clamp's words (the method's list its overloads without `input`).
 */
export function refuseMixedBounds(name: string, min: unknown, max: unknown): never {
  const kind = (v: unknown) => (typeof v === 'number' ? 'float' : typeof v === 'bigint' ? 'int' : typeof v === 'boolean' ? 'bool' : 'Tensor');
  throw pyError('TypeError', `${name}() received an invalid combination of arguments - got (Tensor, ${kind(min)}, ${kind(max)}), but expected one of:
 * (Tensor input, Tensor min, Tensor max, *, Tensor out)
 * (Tensor input, Number min, Number max, *, Tensor out)
`);
}
