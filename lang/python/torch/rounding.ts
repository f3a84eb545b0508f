/**
 * `torch.floor`, `ceil`, `round` (with `decimals=`), `trunc`/`fix` and `frac`, their Tensor methods
 * and in-place forms, over the runtime's rounding primitives (lax.floor, ceil and round with ties
 * to even, which is PyTorch's nearbyint). Their gradients are zero, as PyTorch's FloorBackward0 ...
 * TruncBackward0 give; frac's is one (FracBackward0).
 */
import { ROUNDING_METHODS } from '../../../runtime/primitives';
import type { Tensor } from '../../../runtime/eager';
import { bindArgs, type Args, type HostContext, pyError, type PyValue } from '../interpreter';
import { isFloating, SCALAR_TYPE, type TorchDTypeName } from './dtype';
import { checkInPlace, followOperands, type Method, type PyTensor, type TorchRuntime } from './tensor';
import { clone } from './tensor_ops';

function def(name: string, spec: readonly string[], body: (x: PyTensor, a: Args, ctx: HostContext) => PyValue): Method {
  return (self, args, kwargs, ctx) => body(self, bindArgs(name, spec, args, kwargs, ctx), ctx);
}

/** PyTorch's scalar type names in its "not implemented for 'Long'" messages. */
const KERNEL_TYPE_NAMES: Record<TorchDTypeName, string> = SCALAR_TYPE;

const notForIntegers = (kernel: string, x: PyTensor): Error =>
  pyError('RuntimeError', `"${kernel}_cpu" not implemented for '${KERNEL_TYPE_NAMES[x.dtype]}'`);

/** One rounding of a float tensor's value, the node named as PyTorch names it. */
type Rounding = (rt: TorchRuntime, t: Tensor) => Tensor;

const floor: Rounding = (rt, t) => rt.ops.bind('floor', [t], {});
const ceil: Rounding = (rt, t) => rt.ops.bind('ceil', [t], {});
const round: Rounding = (rt, t) => rt.ops.bind('round', [t], { roundingMethod: ROUNDING_METHODS.TO_NEAREST_EVEN });
/** Toward zero: ceil below zero, floor elsewhere, so -0.5 truncates to -0 as C's trunc. */
const trunc: Rounding = (rt, t) => rt.engine.composite('TruncBackward0', () => {
  const o = rt.ops;
  return o.select(o.lt(t, o.scalarLike(0, t)), ceil(rt, t), floor(rt, t));
});
/** x - trunc(x): the sign of x, -0 - -0 = 0 and inf - inf = NaN as C computes it. */
const frac: Rounding = (rt, t) => rt.engine.composite('FracBackward0', () => rt.ops.sub(t, trunc(rt, t)));

/**
 * PyTorch's round_decimals kernel in the tensor's dtype: nearbyint(x * 10^d) / 10^d, or for a
 * negative d nearbyint(x / 10^-d) * 10^-d (so round(1250., decimals=-2) is 1200., ties to even).
 */
function roundDecimals(rt: TorchRuntime, t: Tensor, decimals: number): Tensor {
  const o = rt.ops;
  const scale = o.scalarLike(10 ** Math.abs(decimals), t);
  return rt.engine.composite('RoundBackward1', () =>
    (decimals >= 0 ? o.div(round(rt, o.mul(t, scale)), scale) : o.mul(round(rt, o.div(t, scale)), scale)));
}

/** `f` of a float tensor; an integer tensor's floor, ceil, round or trunc is a copy of it, as PyTorch's. */
function rounded(x: PyTensor, kernel: string, f: Rounding, integersAsThey: boolean): PyTensor {
  const rt = x.rt;
  if (!isFloating(x.dtype)) {
    if (!integersAsThey) throw notForIntegers(kernel, x);
    return clone(x);
  }
  return followOperands(rt.run(() => rt.wrap(f(rt, x.t), x.dtype)), [x]);
}

/** The in-place form: `x.floor_()` writes floor(x) into x (its node FloorBackward0, as the out-of-place one). */
function roundedInPlace(x: PyTensor, kernel: string, f: Rounding, integersAsThey: boolean): PyTensor {
  const rt = x.rt;
  checkInPlace(x);
  if (!isFloating(x.dtype)) {
    if (!integersAsThey) throw notForIntegers(kernel, x);
    return x;
  }
  return rt.run(() => {
    rt.engine.inPlace(x.t, (snapshot) => f(rt, snapshot));
    return x;
  });
}

/** `decimals=` of torch.round; given at all, it is the round_decimals kernel, which takes no integers. */
function roundArgs(x: PyTensor, a: Args): Rounding {
  if (a.opt('decimals') === undefined) return round;
  const decimals = a.int('decimals');
  if (!isFloating(x.dtype)) throw notForIntegers('round', x);
  return (rt, t) => roundDecimals(rt, t, decimals);
}

const plain = (name: string, kernel: string, f: Rounding, integersAsThey: boolean): Record<string, Method> => ({
  [name]: def(name, [], (x) => rounded(x, kernel, f, integersAsThey)),
  [`${name}_`]: def(`${name}_`, [], (x) => roundedInPlace(x, kernel, f, integersAsThey)),
});

export const TORCH_ROUNDING_METHODS: Readonly<Record<string, Method>> = {
  ...plain('floor', 'floor', floor, true),
  ...plain('ceil', 'ceil', ceil, true),
  ...plain('trunc', 'trunc', trunc, true),
  // NB: torch.fix is an alias of trunc (its node is TruncBackward0).
  ...plain('fix', 'trunc', trunc, true),
  ...plain('frac', 'frac', frac, false),
  round: def('round', ['*', 'decimals?'], (x, a) => rounded(x, 'round', roundArgs(x, a), true)),
  round_: def('round_', ['*', 'decimals?'], (x, a) => roundedInPlace(x, 'round', roundArgs(x, a), true)),
};

/** Names whose `torch.f(input, ...)` form is the method. */
export const ROUNDING_FUNCTION_NAMES = ['floor', 'ceil', 'round', 'trunc', 'fix', 'frac'] as const;
