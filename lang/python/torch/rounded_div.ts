/** `torch.div(a, b, rounding_mode='floor' | 'trunc')`: the quotient rounded, its gradient zero (PyTorch's DivBackward2). */
import { pyError, type PyValue } from '../interpreter';
import { arith, type Operand } from './arith';
import { followOperands, PyTensor, type TorchRuntime } from './tensor';

export function roundedDivide(rt: TorchRuntime, x: PyTensor, other: Operand, mode: PyValue): PyTensor {
  if (mode !== 'floor' && mode !== 'trunc') throw pyError('RuntimeError', `div expected rounding_mode to be one of None, 'trunc', or 'floor' but found '${String(mode)}'`);
  const floating = x.dtype === 'float32' || x.dtype === 'float64' || typeof other === 'number' || (other instanceof PyTensor && (other.dtype === 'float32' || other.dtype === 'float64'));
  if (!floating) {
    if (mode === 'floor') return arith(rt, 'floordiv', x, other);
    const y = other instanceof PyTensor ? other : rt.fromValues([Number(other)], [], x.dtype);
    if (y.values('index').some((v) => v === 0)) throw pyError('RuntimeError', 'ZeroDivisionError');
    // The runtime's integer division truncates toward zero, as C's and PyTorch's trunc mode do.
    return rt.run(() => rt.result(rt.ops.div(...rt.torch.coerce(x.t, y.t)), [x, y]));
  }
  const quotient = arith(rt, 'div', x, other);
  return followOperands(rt.run(() => {
    const o = rt.ops;
    const q = quotient.t;
    const out = rt.engine.composite('DivBackward2', () => {
      const value = rt.engine.withGradMode(false, () => {
        if (mode === 'floor') return arith(rt, 'floordiv', x, other).t;
        // C's trunc of the quotient: ceil below zero, floor elsewhere, so -0.5 truncates to -0.
        const d = q.detach();
        return o.select(o.lt(d, o.scalarLike(0, d)), o.bind('ceil', [d], {}), o.bind('floor', [d], {}));
      });
      // The rounded quotient is piecewise constant: its gradient is zero, and PyTorch gives zeros, not None.
      // NB: a zero of the quotient's sign, which the rounded value shares where it is zero; an infinite quotient adds 0, not inf * 0.
      const finite = o.select(o.bind('is_finite', [q], {}), q, o.zerosLike(q));
      return o.add(value, o.mul(finite, o.scalarLike(0, q)));
    });
    return rt.wrap(out, quotient.dtype);
  }), [x, other instanceof PyTensor ? other : null]);
}
