/**
 * gradcheck's `fast_mode=True`, as PyTorch 1.13's `_fast_gradcheck` runs it: random unit vectors
 * u (one per differentiable input) and v (one per differentiable output) from a fresh
 * `torch.Generator()` (so the script's random stream is untouched), the numerical J u by one central
 * difference along u, and then v·(J u) against (vᵀ J)·u through backward, or J u against forward-mode
 * AD's, with atol scaled by sum(u)·sum(v). A mismatch recomputes the slow Jacobians for the message.
 */
import { TorchGenerator, torchUniform } from '../../../runtime/core';
import { floatRepr, type PyError, pyError } from '../interpreter';
import { isFloating, type TorchDTypeName } from './dtype';
import { tensorRepr } from './print';
import type { PyTensor, TorchRuntime } from './tensor';

/** What fast mode needs of the slow checker (gradcheck.ts). */
export interface GradcheckHost {
  readonly rt: TorchRuntime;
  readonly eps: number;
  readonly atol: number;
  readonly rtol: number;
  readonly nondetTol: number;
  readonly inputs: readonly unknown[];
  readonly diffIndices: readonly number[];
  /** The function's outputs at `inputs` with the input at `k` replaced by a leaf holding `values`. */
  perturbed(k: number, values: ArrayLike<number>): PyTensor[];
  /** vᵀ J for one output, per differentiable input (null where the input is unused). */
  vjp(out: PyTensor, cotangent: Float64Array): (Float64Array | null)[];
  /** J u per floating output, by forward-mode AD with the tangent `u` on input `k` (null where it has none). */
  jvp(k: number, u: Float64Array): (Float64Array | null)[];
  /** The slow mode's numerical (eps 1e-3, as PyTorch's helper defaults) and analytical Jacobians, as tensors' text. */
  slowJacobians(inputIndex: number, outputIndex: number, forward: boolean): { numerical: string; analytical: string; maxDiff: string; close: boolean };
  fail(message: string): PyError;
}

const rounder = (dtype: TorchDTypeName) => (dtype === 'float32' ? Math.fround : (x: number) => x);

/** `_vec_from_tensor`: torch.rand(numel, generator) in float32, to the dtype, divided by its norm. */
function unitVector(g: TorchGenerator, numel: number, dtype: TorchDTypeName): Float64Array {
  const r = rounder(dtype);
  const v = torchUniform(g, numel, 'float32');
  const norm = r(Math.sqrt(v.reduce((s, x) => s + x * x, 0)));
  return v.map((x) => r(x / norm));
}

function dot(a: ArrayLike<number>, b: ArrayLike<number>, dtype: TorchDTypeName): number {
  let s = 0;
  for (let i = 0; i < a.length; i++) s += a[i] * b[i];
  return rounder(dtype)(s);
}

const sum = (a: ArrayLike<number>, dtype: TorchDTypeName): number => dot(a, new Float64Array(a.length).fill(1), dtype);

function scalarText(rt: TorchRuntime, v: number, dtype: TorchDTypeName): string {
  return tensorRepr({ values: [v], shape: [], dtype, gradFn: null, requiresGrad: false }, rt.printOptions);
}

function vectorText(rt: TorchRuntime, v: ArrayLike<number>, dtype: TorchDTypeName): string {
  return tensorRepr({ values: Array.from(v), shape: [v.length], dtype, gradFn: null, requiresGrad: false }, rt.printOptions);
}

const FAST_FAIL_SLOW_OK_MSG = `Fast gradcheck failed but element-wise differences are small. This means that the
test might've passed in slow_mode!

If you are adding a new operator, please file an issue and then use one of the
workarounds. The workaround depends on how your test invokes gradcheck/gradgradcheck:

If the test
- manually invokes gradcheck/gradgradcheck, then call gradcheck/gradgradcheck
  with \`fast_mode=False\` as a keyword argument.
- is OpInfo-based (e.g., in test_ops_gradients.py), then modify the OpInfo for the test
  to have \`gradcheck_fast_mode=False\`
- is a Module test (e.g., in common_nn.py), then modify the corresponding
  module_test entry to have \`gradcheck_fast_mode=False\``;

/**
 * `_fast_gradcheck`: `funcOut` is every output, `outputs` the differentiable ones. Throws the
 * host's GradcheckError with PyTorch's text on a mismatch.
 */
export function fastGradcheck(h: GradcheckHost, funcOut: readonly PyTensor[], outputs: readonly PyTensor[], forward: boolean): void {
  const rt = h.rt;
  const g = new TorchGenerator();
  const inputs = h.diffIndices.map((k) => h.inputs[k] as PyTensor);
  const allU = inputs.map((x) => unitVector(g, x.numel, x.dtype));
  const allV = forward ? null : outputs.map((o) => unitVector(g, o.numel, o.dtype));
  const floatOut = funcOut.map((o) => isFloating(o.dtype));
  // Per input: J u per floating output (the central difference along eps u), in each output's dtype.
  const numericalJu = h.diffIndices.map((k, i) => {
    const x = inputs[i];
    const r = rounder(x.dtype);
    const base = x.values();
    const step = allU[i].map((u) => r(u * h.eps));
    const outA = h.perturbed(k, base.map((b, e) => r(b - step[e])));
    const outB = h.perturbed(k, base.map((b, e) => r(b + step[e])));
    return outA.flatMap((a, j) => {
      if (!floatOut[j]) return [];
      const b = outB[j];
      if (a.shape.join() !== b.shape.join()) {
        throw pyError('AssertionError', `Expected \`func\` to return outputs with the same shape when inputs are perturbed by ${floatRepr(h.eps)}, but got: shapes torch.Size([${a.shape.join(', ')}]) and torch.Size([${b.shape.join(', ')}]).`);
      }
      const ro = rounder(a.dtype);
      const twoEps = ro(2 * h.eps);
      const va = a.values();
      const vb = b.values();
      return [{ ju: va.map((v, c) => ro(ro(vb[c] - v) / twoEps)), dtype: a.dtype }];
    });
  });
  if (forward) {
    numericalJu.forEach((perOutput, i) => {
      const analytical = h.jvp(h.diffIndices[i], allU[i]);
      perOutput.forEach(({ ju, dtype }, j) => {
        const a = analytical[j] ?? new Float64Array(ju.length);
        const atol = h.atol * sum(allU[i], inputs[i].dtype);
        const close = ju.every((n, c) => closeTo(a[c], n, h.rtol, atol));
        if (!close) mismatch(h, vectorText(rt, a, dtype), vectorText(rt, ju, dtype), j, i, true);
      });
    });
    return;
  }
  if (outputs.length === 0) {
    for (const perOutput of numericalJu) {
      for (const { ju } of perOutput) if (ju.length > 0 && Math.max(...ju.map(Math.abs)) > h.nondetTol) throw h.fail('Numerical gradient for function expected to be zero');
    }
    return;
  }
  // v · (J u), zipping the differentiable outputs' v with the floating outputs' J u, as PyTorch's zip does.
  const numerical = numericalJu.map((perOutput) => allV!.slice(0, perOutput.length).map((v, j) => ({ value: dot(v, perOutput[j].ju, perOutput[j].dtype), dtype: perOutput[j].dtype })));
  const analytical = outputs.map((o, j) => {
    const first = h.vjp(o, allV![j]);
    const second = h.vjp(o, allV![j]);
    const reentrant = first.every((vj, i) => vj === null || vj.every((x, e) => !(Math.abs(x - (second[i] as Float64Array)[e]) > h.nondetTol)));
    if (!reentrant) {
      throw h.fail('Backward is not reentrant, i.e., running backward with same input and grad_output multiple times gives different values, although analytical gradient matches numerical gradient.'
        + `The tolerance for nondeterminism was ${h.nondetTol}.${FAILED_NONDET_MSG}`);
    }
    return first.map((vj, i) => dot(vj ?? new Float64Array(inputs[i].numel), allU[i], inputs[i].dtype));
  });
  numerical.forEach((perOutput, i) => {
    perOutput.forEach(({ value: n, dtype }, j) => {
      const a = analytical[j][i];
      const atol = h.atol * sum(allU[i], inputs[i].dtype) * sum(allV![j], outputs[j].dtype);
      if (!closeTo(a, n, h.rtol, atol)) mismatch(h, scalarText(rt, a, dtype), scalarText(rt, n, dtype), j, i, false);
    });
  });
}

/** torch.allclose on one entry: |a - n| <= atol + rtol |n|, NaN never close. */
function closeTo(a: number, n: number, rtol: number, atol: number): boolean {
  if (a === n) return true;
  if (!Number.isFinite(a) || !Number.isFinite(n)) return false;
  return Math.abs(a - n) <= atol + rtol * Math.abs(n);
}

function mismatch(h: GradcheckHost, analytical: string, numerical: string, output: number, input: number, forward: boolean): never {
  const slow = h.slowJacobians(input, output, forward);
  const mode = forward ? 'computed with forward mode ' : '';
  throw h.fail(`Jacobian ${mode}mismatch for output ${output} with respect to input ${input},\nnumerical:${numerical}\nanalytical:${analytical}\n`
    + '\nThe above quantities relating the numerical and analytical jacobians are computed \n'
    + 'in fast mode. See: https://github.com/pytorch/pytorch/issues/53876 for more background \n'
    + 'about fast mode. Below, we recompute numerical and analytical jacobians in slow mode:\n\n'
    + `Numerical:\n ${slow.numerical}\nAnalytical:\n${slow.analytical}\n\n`
    + `The max per-element difference (slow mode) is: ${slow.maxDiff}.\n${slow.close ? FAST_FAIL_SLOW_OK_MSG : ''}`);
}

export const FAILED_NONDET_MSG = `\n
NOTE: If your op relies on non-deterministic operations i.e., it is listed here:
https://pytorch.org/docs/stable/generated/torch.use_deterministic_algorithms.html
this failure might be expected.

If you are adding a new operator, please file an issue and then use one of the
workarounds. The workaround depends on how your test invokes gradcheck/gradgradcheck.
If the test
- manually invokes gradcheck/gradgradcheck, then call gradcheck/gradgradcheck
  with \`nondet_tol=<tol>\` as a keyword argument.
- is OpInfo-based (e.g., in test_ops_gradients.py), then modify the OpInfo for the test
  to have \`gradcheck_nondet_tol=<tol>\`.
- is a Module test (e.g., in common_nn.py), then modify the corresponding
  module_test entry to have \`gradcheck_nondet_tol=<tol>\`
`;
