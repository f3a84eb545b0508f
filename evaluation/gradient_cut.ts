/**
 * Where the gradient stopped flowing in an eager run, as the result reports it: the line, what
 * the user wrote, and whether a gradient shown is zero because of it. PyTorch cuts there too,
 * silently; Gradlens says so at the line, so that a 0 is never taken for a derivative.
 */
import type { GradientCut as Cut } from '../lang/python/torch';
import type { GradientCut, Numbers } from '../protocol/results';
import { rangeOfSpan } from './failure';

const HOW: { readonly [W in Cut['what']]: string } = {
  item: 'reads a tensor that requires grad as a Python number',
  float: 'reads a tensor that requires grad as a Python float',
  int: 'reads a tensor that requires grad as a Python int',
  tolist: 'reads a tensor that requires grad as Python numbers',
  detach: 'detaches a tensor that requires grad',
};

const FIX: { readonly [W in Cut['what']]: string } = {
  item: 'keep the tensor (drop .item()) where the value feeds the result',
  float: "use torch's functions on the tensor (torch.exp(x), not math.exp(x) or float(x)) where the value feeds the result",
  int: 'keep the tensor where the value feeds the result',
  tolist: 'keep the tensor where the values feed the result',
  detach: 'drop the detach() where the gradient should flow',
};

/** The `math` functions a plain-Python function is differentiated through (see liftedMath). */
const LIFTED = 'exp, log, log2, log10, log1p, expm1, exp2, sqrt, sin, cos, tan, tanh, sinh, cosh, fabs, pow, hypot, degrees, radians';

/**
 * The cuts as the result reports them. In a plain-Python function (`plain`) the tensors are the
 * floats Gradlens differentiates: what cut them is a `math` function it does not differentiate, or
 * a conversion (`float(x)`, `int(x)`) that makes a constant of the float, as it would for autograd.
 */
export function gradientCuts(cuts: readonly Cut[], source: string, file: string, fn: string, grad: Readonly<Record<string, Numbers>>, plain: boolean): GradientCut[] {
  const zero = Object.entries(grad).filter(([, g]) => allZero(g)).map(([name]) => name);
  return [...cuts].sort((a, b) => a.span.from - b.span.from).map((cut) => {
    const code = source.slice(cut.span.from, cut.span.to);
    const effect = zero.length > 0
      ? `so ∂${fn}/∂${zero.join(`, ∂${fn}/∂`)} = 0 where the real derivative flows through it`
      : 'so the gradient shown leaves out what flows through it';
    const what = !plain ? `${HOW[cut.what]}: the gradient stops here, as in PyTorch, ${effect}; ${FIX[cut.what]}`
      : code.startsWith('math.') ? `is not differentiated by Gradlens (it reads its argument as a constant): the gradient stops here, ${effect}; write it with the math functions Gradlens differentiates (${LIFTED})`
        : `makes a constant of a differentiated float: the gradient stops here, as it would for autograd, ${effect}; keep the float as it is where the value feeds the result`;
    return {
      range: rangeOfSpan(cut.span),
      what: cut.what,
      message: `${file}:${cut.span.line}:${cut.span.col}: warning: '${code}' ${what}`,
      zeroGradient: zero.length > 0,
    };
  });
}

function allZero(g: Numbers): boolean {
  return Array.isArray(g) ? g.every(allZero) : g === 0 || g === false;
}
