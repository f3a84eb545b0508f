/**
 * `torch.autograd.gradcheck` and `gradgradcheck` as PyTorch 1.13's gradcheck.py runs them in its
 * default slow mode: the numerical Jacobian by central differences in each input's own dtype
 * (`(f(x + eps) - f(x - eps)) / (2 eps)`, one entry at a time), the analytical one row by row
 * through backward (twice, to check reentrancy) and, with `check_forward_ad=True`, column by column
 * through forward-mode AD; `torch.allclose(analytical, numerical, rtol, atol)` per output and input,
 * then backward with zero grad_outputs must give zeros. A failure raises `GradcheckError` with
 * PyTorch's text, or returns False when `raise_exception=False`.
 * NB: each perturbed evaluation gets a fresh copy of the input, where PyTorch writes the entry into
 * the input's `.data` (a function that reads the input through a closure sees the unperturbed value).
 * An input that requires grad and is not float64 gets PyTorch's UserWarning. `fast_mode=True` is
 * gradcheck_fast.ts. The undefined-gradient checks run as PyTorch's do, with zeros for an undefined
 * output gradient (Gradlens has no undefined gradients: a backward always gets zeros there, as a
 * custom Function's does by default). check_batched_grad and check_batched_forward_grad draw their
 * random cotangents and tangents from the script's stream as PyTorch does, and compare the batched
 * result with the one-at-a-time results; Gradlens's vmap of a backward runs it one entry at a time.
 */
import { TorchGenerator, torchNormal, torchUniform } from '../../../runtime/core';
import { enterDualLevel, exitDualLevel, makeDual, tangentAt } from '../../../runtime/eager';
import {
  bindArgs, EXCEPTION_TYPES, ExceptionObject, floatRepr, type HostContext, PyError, pyError, pyFunction, PyBuiltin, PyList, PyTuple, PyType, type PyValue, typeName, warn,
} from '../interpreter';
import { FAILED_NONDET_MSG, fastGradcheck, type GradcheckHost } from './gradcheck_fast';
import { isFloating, STORAGE, type TorchDTypeName } from './dtype';
import { tensorRepr } from './print';
import { PyTensor, type TorchRuntime } from './tensor';

export const GRADCHECK_NAMES = ['gradcheck', 'gradgradcheck', 'GradcheckError'] as const;

export const GradcheckError: PyType = new PyType('GradcheckError', {
  module: 'torch.autograd.gradcheck',
  bases: [EXCEPTION_TYPES.get('RuntimeError')!],
  isException: true,
  construct: (args) => new ExceptionObject(GradcheckError, args),
});

const fail = (message: string) => pyError(GradcheckError, message);

interface Options {
  eps: number;
  atol: number;
  rtol: number;
  nondetTol: number;
  checkForwardAd: boolean;
  checkBackwardAd: boolean;
  fastMode: boolean;
  checkUndefinedGrad: boolean;
  checkBatchedGrad: boolean;
  checkBatchedForwardGrad: boolean;
}

/** Rounds a double to the dtype's precision, as a tensor op of that dtype would store it. */
const rounder = (dtype: TorchDTypeName) => (dtype === 'float32' ? Math.fround : (x: number) => x);

const asTuple = (v: PyValue): PyValue[] => (v instanceof PyTuple || v instanceof PyList ? [...v.items] : [v]);

/** A Jacobian, [input entry][output entry], row-major, in `dtype`. */
interface Jacobian {
  readonly values: Float64Array;
  readonly rows: number;
  readonly cols: number;
  readonly dtype: TorchDTypeName;
}

function jacobianText(rt: TorchRuntime, j: Jacobian): string {
  return tensorRepr({ values: j.values, shape: [j.rows, j.cols], dtype: j.dtype, gradFn: null, requiresGrad: false }, rt.printOptions);
}

/** torch.allclose(a, b, rtol, atol): |a - b| <= atol + rtol |b| everywhere, NaN never close. */
function allclose(a: Jacobian, b: Jacobian, rtol: number, atol: number): boolean {
  return a.values.every((x, k) => {
    const y = b.values[k];
    if (x === y) return true;
    if (!Number.isFinite(x) || !Number.isFinite(y)) return false;
    return Math.abs(x - y) <= atol + rtol * Math.abs(y);
  });
}

function outputsOf(v: PyValue, ctx: HostContext): PyTensor[] {
  return asTuple(v).map((o) => {
    if (!(o instanceof PyTensor)) throw pyError('AttributeError', `'${typeName(o)}' object has no attribute 'requires_grad'`);
    void ctx;
    return o;
  });
}

class Checker implements GradcheckHost {
  constructor(
    readonly rt: TorchRuntime,
    private readonly ctx: HostContext,
    private readonly func: PyValue,
    readonly inputs: readonly PyValue[],
    private readonly o: Options,
  ) {}

  get eps(): number {
    return this.o.eps;
  }

  get atol(): number {
    return this.o.atol;
  }

  get rtol(): number {
    return this.o.rtol;
  }

  get nondetTol(): number {
    return this.o.nondetTol;
  }

  fail(message: string): PyError {
    return fail(message);
  }

  get diffIndices(): number[] {
    return this.inputs.flatMap((x, k) => (x instanceof PyTensor && x.t.requiresGrad ? [k] : []));
  }

  private call(inputs: readonly PyValue[]): PyTensor[] {
    return outputsOf(this.ctx.call(this.func, inputs), this.ctx);
  }

  /** A new leaf with `values`, as the input at `k` (requiring grad as it does). */
  private leafLike(x: PyTensor, values: ArrayLike<number>): PyTensor {
    const rt = this.rt;
    const t = rt.fromValues(values, [...x.shape], x.dtype);
    t.t.requiresGrad = x.t.requiresGrad;
    return t;
  }

  run(): boolean {
    const funcOut = this.call(this.inputs);
    const outputs = funcOut.filter((o) => o.t.requiresGrad);
    if (this.o.fastMode) {
      if (this.o.checkBackwardAd) fastGradcheck(this, funcOut, outputs, false);
      if (this.o.checkForwardAd) {
        fastGradcheck(this, funcOut, outputs, true);
        if (this.o.checkUndefinedGrad) this.undefinedForward();
      }
    } else this.slow(funcOut, outputs);
    if (this.o.checkBatchedForwardGrad) this.batchedForward();
    if (!this.o.checkBackwardAd) return true;
    if (this.o.checkBatchedGrad) outputs.forEach((out, i) => this.batchedBackward(out, i));
    this.backwardMultipliesGradOutput(outputs);
    if (this.o.checkUndefinedGrad) this.undefinedBackward(outputs);
    return true;
  }

  private slow(funcOut: readonly PyTensor[], outputs: readonly PyTensor[]): void {
    const floatOuts = funcOut.filter((o) => isFloating(o.dtype));
    if (outputs.length === 0) {
      for (const perInput of this.numerical(floatOuts.length)) {
        for (const j of perInput) if (j.values.some((v) => v !== 0)) throw fail('Numerical gradient for function expected to be zero');
      }
    } else {
      const numerical = this.numerical(floatOuts.length);
      const outIndex = floatOuts.map((o, i) => (o.t.requiresGrad ? i : -1)).filter((i) => i >= 0);
      if (this.o.checkBackwardAd) {
        outputs.forEach((out, i) => {
          const analytical = this.analytical(out);
          analytical.forEach((a, j) => {
            const n = numerical[j][outIndex[i]];
            if (!allclose(a, n, this.o.rtol, this.o.atol)) throw fail(this.mismatch(a, n, i, j, ''));
          });
        });
      }
      if (this.o.checkForwardAd) {
        const forward = this.forwardJacobians(floatOuts);
        outIndex.forEach((oi, i) => {
          numerical.forEach((perInput, j) => {
            const a = forward[j][oi];
            const n = perInput[oi];
            if (!allclose(a, n, this.o.rtol, this.o.atol)) throw fail(this.mismatch(a, n, i, j, 'computed with forward mode '));
          });
        });
        if (this.o.checkUndefinedGrad) this.undefinedForward();
      }
    }
  }

  private mismatch(a: Jacobian, n: Jacobian, i: number, j: number, mode: string): string {
    return `Jacobian ${mode}mismatch for output ${i} with respect to input ${j},\nnumerical:${jacobianText(this.rt, n)}\nanalytical:${jacobianText(this.rt, a)}\n`;
  }

  /** Per differentiable input, per floating output: central differences, one input entry at a time, in each dtype. */
  private numerical(floatOutputs: number, eps = this.o.eps): Jacobian[][] {
    return this.diffIndices.map((k) => {
      const x = this.inputs[k] as PyTensor;
      const base = x.values();
      const round = rounder(x.dtype);
      let jacobians: { values: Float64Array; cols: number; dtype: TorchDTypeName; rows: number }[] | null = null;
      for (let e = 0; e < base.length; e++) {
        const evaluate = (shift: number): PyTensor[] => {
          const values = base.slice();
          values[e] = round(base[e] + shift);
          const inputs = this.inputs.slice();
          inputs[k] = this.leafLike(x, values);
          return this.call(inputs).filter((o) => isFloating(o.dtype));
        };
        const outA = evaluate(-round(eps)).map((o) => ({ o, v: o.values() }));
        const outB = evaluate(round(eps)).map((o) => ({ o, v: o.values() }));
        jacobians ??= outA.map(({ o }) => ({ values: new Float64Array(base.length * o.numel), rows: base.length, cols: o.numel, dtype: o.dtype }));
        outA.forEach(({ o: a, v: va }, i) => {
          const b = outB[i].o;
          if (a.shape.join() !== b.shape.join()) {
            throw pyError('AssertionError', `Expected \`func\` to return outputs with the same shape when inputs are perturbed on index {idx} by ${this.ctx.repr(eps)}, but got: shapes torch.Size([${a.shape.join(', ')}]) and torch.Size([${b.shape.join(', ')}]).`);
          }
          const r = rounder(a.dtype);
          const twoEps = r(2 * eps);
          const j = (jacobians as Jacobian[])[i];
          outB[i].v.forEach((vb, c) => {
            j.values[e * j.cols + c] = r(r(vb - va[c]) / twoEps);
          });
        });
      }
      void floatOutputs;
      return jacobians ?? [];
    });
  }

  /** Per differentiable input: the Jacobian of `out`, row by row through backward; computed twice, as PyTorch checks reentrancy. */
  private analytical(out: PyTensor): Jacobian[] {
    const first = this.backwardRows(out);
    const second = this.backwardRows(out);
    const reentrant = first.every((j, i) => j.values.length === 0 || j.values.every((v, k) => !(Math.abs(v - second[i].values[k]) > this.o.nondetTol)));
    if (!reentrant) {
      throw fail('Backward is not reentrant, i.e., running backward with same input and grad_output multiple times gives different values, although analytical gradient matches numerical gradient.'
        + `The tolerance for nondeterminism was ${this.ctx.repr(this.o.nondetTol)}.${FAILED_NONDET_MSG}`);
    }
    return first;
  }

  private backwardRows(out: PyTensor): Jacobian[] {
    const rt = this.rt;
    const diff = this.diffIndices.map((k) => this.inputs[k] as PyTensor);
    const jacobians = diff.map((x) => ({ values: new Float64Array(x.numel * out.numel), rows: x.numel, cols: out.numel, dtype: x.dtype }));
    for (let c = 0; c < out.numel; c++) {
      const grads = rt.run(() => {
        const oneHot = new Float64Array(out.numel);
        oneHot[c] = 1;
        const gradOut = rt.engine.fromValues(oneHot, out.shape, STORAGE[out.dtype]);
        const gs = rt.engine.withGradMode(true, () => rt.engine.grad([out.t], diff.map((x) => x.t), [gradOut], { retainGraph: true, allowUnused: true }));
        return gs.map((g) => (g === null ? null : Array.from(g.dataSync())));
      });
      grads.forEach((g, i) => {
        if (g === null) return;
        const j = jacobians[i];
        g.forEach((v, e) => {
          j.values[e * j.cols + c] = v;
        });
      });
    }
    return jacobians;
  }

  /** Per differentiable input, per floating output: the Jacobian column by column through forward-mode AD on detached inputs. */
  private forwardJacobians(floatOuts: readonly PyTensor[]): Jacobian[][] {
    const rt = this.rt;
    const diff = this.diffIndices;
    rt.run(() => enterDualLevel(rt.engine));
    try {
      return diff.map((k) => {
        const x = this.inputs[k] as PyTensor;
        const jacobians = floatOuts.map((o) => ({ values: new Float64Array(x.numel * o.numel), rows: x.numel, cols: o.numel, dtype: o.dtype }));
        for (let e = 0; e < x.numel; e++) {
          const inputs = this.inputs.map((v, m) => {
            if (!diff.includes(m)) return v;
            const input = v as PyTensor;
            const tangent = new Float64Array(input.numel);
            if (m === k) tangent[e] = 1;
            return rt.run(() => rt.wrap(makeDual(rt.engine, input.t.detach(), rt.engine.fromValues(tangent, input.shape, STORAGE[input.dtype])), input.dtype));
          });
          const outs = this.call(inputs).filter((o) => isFloating(o.dtype));
          outs.forEach((o, i) => {
            const tangent = tangentAt(o.t, rt.engine.forwardLevel);
            if (tangent === null) return;
            const values = rt.run(() => tangent.dataSync());
            const j = jacobians[i];
            values.forEach((v, c) => {
              j.values[e * j.cols + c] = v;
            });
          });
        }
        return jacobians;
      });
    } finally {
      exitDualLevel(rt.engine);
    }
  }

  /** The function's outputs with the input at `k` replaced by a leaf of `values` (fast mode's perturbations). */
  perturbed(k: number, values: ArrayLike<number>): PyTensor[] {
    const inputs = this.inputs.slice();
    inputs[k] = this.leafLike(this.inputs[k] as PyTensor, values);
    return this.call(inputs);
  }

  vjp(out: PyTensor, cotangent: Float64Array): (Float64Array | null)[] {
    const rt = this.rt;
    const diff = this.diffIndices.map((k) => this.inputs[k] as PyTensor);
    return rt.run(() => {
      const gradOut = rt.engine.fromValues(cotangent, out.shape, STORAGE[out.dtype]);
      const gs = rt.engine.withGradMode(true, () => rt.engine.grad([out.t], diff.map((x) => x.t), [gradOut], { retainGraph: true, allowUnused: true }));
      return gs.map((g) => (g === null ? null : Float64Array.from(g.dataSync())));
    });
  }

  /**
   * The floating outputs' tangents (null where an output has none) in a dual level where each
   * differentiable input `m` is a dual with `tangentOf(m)`, or the plain detached input where that is null.
   */
  private tangentsOut(tangentOf: (m: number) => ArrayLike<number> | null): (Float64Array | null)[] {
    const rt = this.rt;
    const diff = this.diffIndices;
    rt.run(() => enterDualLevel(rt.engine));
    try {
      const inputs = this.inputs.map((v, m) => {
        if (!diff.includes(m)) return v;
        const input = v as PyTensor;
        const tangent = tangentOf(m);
        return rt.run(() => rt.wrap(tangent === null ? input.t.detach() : makeDual(rt.engine, input.t.detach(), rt.engine.fromValues(tangent, input.shape, STORAGE[input.dtype])), input.dtype));
      });
      return this.call(inputs).filter((o) => isFloating(o.dtype)).map((o) => {
        const tangent = tangentAt(o.t, rt.engine.forwardLevel);
        return tangent === null ? null : rt.run(() => Float64Array.from(tangent.dataSync()));
      });
    } finally {
      exitDualLevel(rt.engine);
    }
  }

  jvp(k: number, u: Float64Array): (Float64Array | null)[] {
    return this.tangentsOut((m) => (m === k ? u : new Float64Array((this.inputs[m] as PyTensor).numel)));
  }

  slowJacobians(inputIndex: number, outputIndex: number, forward: boolean): { numerical: string; analytical: string; maxDiff: string; close: boolean } {
    const floatOuts = this.call(this.inputs).filter((o) => isFloating(o.dtype));
    const n = this.numerical(floatOuts.length, 1e-3)[inputIndex][outputIndex];
    const outputs = this.call(this.inputs).filter((o) => o.t.requiresGrad);
    const a = forward ? this.forwardJacobians(floatOuts)[inputIndex][outputIndex] : this.backwardRows(outputs[outputIndex])[inputIndex];
    // NB: an f-string formats a 0-d tensor as its Python float.
    const round = rounder(n.dtype);
    const maxDiff = floatRepr(n.values.reduce((m, v, k) => Math.max(m, Math.abs(round(v - a.values[k]))), 0));
    return { numerical: jacobianText(this.rt, n), analytical: jacobianText(this.rt, a), maxDiff, close: allclose(a, n, this.o.rtol, this.o.atol) };
  }

  /** `_test_undefined_forward_mode`: for each input, a zero tangent and no tangent at all give the same output tangents. */
  private undefinedForward(): void {
    const g = new TorchGenerator();
    const diff = this.diffIndices;
    const allU = new Map(diff.map((m) => {
      const x = this.inputs[m] as PyTensor;
      const r = rounder(x.dtype);
      const v = torchUniform(g, x.numel, 'float32');
      const norm = r(Math.sqrt(v.reduce((s, e) => s + e * e, 0)));
      return [m, v.map((e) => r(e / norm))];
    }));
    for (const k of diff) {
      const zeroTangent = this.tangentsOut((m) => (m === k ? new Float64Array((this.inputs[m] as PyTensor).numel) : allU.get(m)!));
      const noTangent = this.tangentsOut((m) => (m === k ? null : allU.get(m)!));
      zeroTangent.forEach((t1, o) => {
        const t2 = noTangent[o];
        if (t1 === null || t2 === null) return;
        if (!t1.every((v, e) => v === t2[e] || Math.abs(v - t2[e]) <= 1e-8 + 1e-5 * Math.abs(t2[e]))) {
          throw fail(`Mismatch in tangent values for output with index: ${o} when input: ${this.ctx.repr(this.inputs[k])} has an undefined tangent value. Got: ${this.ctx.repr(this.rt.fromValues(t1, [t1.length], 'float64'))} but expected: ${this.ctx.repr(this.rt.fromValues(t2, [t2.length], 'float64'))}`);
        }
      });
    }
  }

  /**
   * `_test_undefined_backward_mode`: backward with every output's gradient undefined, then (several
   * outputs) with each one's undefined in turn, must give zero or no input gradients. Gradlens's
   * undefined gradient is zeros.
   */
  private undefinedBackward(outputs: readonly PyTensor[]): void {
    const rt = this.rt;
    const diff = this.diffIndices.map((k) => this.inputs[k] as PyTensor);
    const runs = outputs.length > 1 ? 1 + outputs.length : 1;
    for (let r = 0; r < runs; r++) {
      const outs = this.call(this.inputs).filter((o) => o.t.requiresGrad);
      const grads = rt.run(() => {
        const zeros = outs.map((o) => rt.engine.withGradMode(false, () => rt.ops.zerosLike(o.t.detach())));
        const gs = rt.engine.withGradMode(true, () => rt.engine.grad(outs.map((o) => o.t), diff.map((x) => x.t), zeros, { allowUnused: true }));
        return gs.map((g) => (g === null ? null : Array.from(g.dataSync())));
      });
      if (grads.some((g) => g !== null && g.some((v) => v !== 0))) {
        warn(this.ctx, 'Backwards compatibility: New undefined gradient support checking feature is enabled by default, but it may break existing callers of this function. '
          + 'If this is true for you, you can call this function with "check_undefined_grad=False" to disable the feature', 'UserWarning', 'torch.autograd.gradcheck');
        throw fail('Expected all input grads to be undefined or zero when all output grads are undefined or zero. Please look at "Notes about undefined output gradients" in "tools/autograd/derivatives.yaml"');
      }
    }
  }

  /**
   * `_test_batched_grad`: two cotangents drawn as `torch.randn_like(output)` from the script's
   * stream, backward with each, and backward batched over both (vmap), which must agree.
   */
  private batchedBackward(out: PyTensor, outputIndex: number): void {
    const cotangents = [0, 1].map(() => torchNormal(this.rt.rng, out.numel, out.dtype === 'float64' ? 'float64' : 'float32'));
    const expected = cotangents.map((c) => this.vjp(out, c));
    const batched = cotangents.map((c) => this.vjp(out, c));
    this.compareBatched(expected, batched, outputIndex, FAILED_BATCHED_GRAD_MSG);
  }

  /** `_test_batched_grad_forward_ad`: two tangents per input drawn as `torch.randn_like(input)`, one at a time and batched. */
  private batchedForward(): void {
    for (const k of this.diffIndices) {
      const x = this.inputs[k] as PyTensor;
      const tangents = [0, 1].map(() => torchNormal(this.rt.rng, x.numel, x.dtype === 'float64' ? 'float64' : 'float32'));
      const only = (u: Float64Array) => this.tangentsOut((m) => (m === k ? u : null));
      this.compareBatched(tangents.map(only), tangents.map(only), this.diffIndices.indexOf(k), FAILED_BATCHED_GRAD_MSG_FWD_AD);
    }
  }

  private compareBatched(expected: (Float64Array | null)[][], batched: (Float64Array | null)[][], index: number, why: string): void {
    expected[0].forEach((_, i) => {
      const same = expected.every((e, b) => {
        const x = e[i];
        const y = batched[b][i];
        return x === null ? y === null : y !== null && x.every((v, c) => v === y[c] || Math.abs(v - y[c]) <= 1e-8 + 1e-5 * Math.abs(y[c]));
      });
      if (!same) throw fail(`For output ${index} and input ${i}:\n\n${why}`);
    });
  }

  private backwardMultipliesGradOutput(outputs: readonly PyTensor[]): void {
    const rt = this.rt;
    const diff = this.diffIndices.map((k) => this.inputs[k] as PyTensor);
    if (diff.length === 0) throw fail('no Tensors requiring grad found in input');
    const grads = rt.run(() => {
      const zeros = outputs.map((o) => rt.engine.withGradMode(false, () => rt.ops.zerosLike(o.t.detach())));
      const gs = rt.engine.withGradMode(true, () => rt.engine.grad(outputs.map((o) => o.t), diff.map((x) => x.t), zeros, { allowUnused: true }));
      return gs.map((g) => (g === null ? null : Array.from(g.dataSync())));
    });
    for (const g of grads) if (g !== null && g.some((v) => v !== 0)) throw fail('backward not multiplied by grad_output');
  }
}


const FAILED_BATCHED_GRAD_MSG = `gradcheck or gradgradcheck failed while testing batched gradient computation.
This could have been invoked in a number of ways (via a test that calls
gradcheck/gradgradcheck directly or via an autogenerated test).

If you are adding a new operator, please file an issue and then use one of the
workarounds. The workaround depends on how your test invokes gradcheck/gradgradcheck.
If the test
- manually invokes gradcheck/gradgradcheck, then call gradcheck/gradgradcheck
  with \`check_batched_grad=False\` as a keyword argument.
- is OpInfo-based (e.g., in test_ops_gradients.py), then modify the OpInfo for the test
  to have \`check_batched_grad=False\` and/or \`check_batched_gradgrad=False\`.`;

const FAILED_BATCHED_GRAD_MSG_FWD_AD = `gradcheck failed while testing batched gradient computation with forward-mode AD.
This test is enabled automatically when both \`check_batched_grad=True\`
and \`check_forward_ad=True\`, but can be disabled in the following ways
dependong on how the test was invoked (via a test that calls gradcheck
directly or via an autogenerated test).`;

function checkInputs(inputs: readonly PyValue[], ctx: HostContext): void {
  inputs.forEach((x, idx) => {
    if (!(x instanceof PyTensor && x.t.requiresGrad) || x.dtype === 'float64') return;
    warn(ctx, `Input #${idx} requires gradient and is not a double precision floating point or complex. This check will likely fail if all the inputs are not of double precision floating point or complex. `,
      'UserWarning', 'torch.autograd.gradcheck');
  });
  if (!inputs.some((x) => x instanceof PyTensor && x.t.requiresGrad)) {
    throw pyError('ValueError', 'gradcheck expects at least one input tensor to require gradient, but none of the them have requires_grad=True.');
  }
}

/** Runs a check; with raise_exception=False a GradcheckError becomes False. */
function guarded(raise: boolean, check: () => boolean): boolean {
  if (raise) return check();
  try {
    return check();
  } catch (e) {
    if (e instanceof PyError && e.exc.type === GradcheckError) return false;
    throw e;
  }
}

function runGradcheck(rt: TorchRuntime, ctx: HostContext, func: PyValue, inputs: PyValue, o: Options & { raise: boolean }): boolean {
  if (!o.checkForwardAd && !o.checkBackwardAd) throw pyError('AssertionError', 'Expected at least one of check_forward_ad or check_backward_ad to be True');
  if (o.checkBatchedGrad && !o.checkBackwardAd) throw pyError('AssertionError', 'Setting check_batched_grad=True requires check_backward_ad to be True');
  if (o.checkBatchedForwardGrad && !o.checkForwardAd) throw pyError('AssertionError', 'Setting check_batched_forward_grad=True requires check_forward_ad to be True');
  const tupled = asTuple(inputs);
  return guarded(o.raise, () => {
    checkInputs(tupled, ctx);
    return new Checker(rt, ctx, func, tupled, o).run();
  });
}

export function gradcheckAttrs(rt: TorchRuntime): Record<(typeof GRADCHECK_NAMES)[number], PyValue> {
  const gradcheck = pyFunction('gradcheck', (args, kwargs, ctx) => {
    const a = bindArgs('gradcheck', ['func', 'inputs', '*', 'eps?', 'atol?', 'rtol?', 'raise_exception?', 'check_sparse_nnz?', 'nondet_tol?', 'check_undefined_grad?',
      'check_grad_dtypes?', 'check_batched_grad?', 'check_batched_forward_grad?', 'check_forward_ad?', 'check_backward_ad?', 'fast_mode?'], args, kwargs, ctx);
    return runGradcheck(rt, ctx, a.required('func'), a.required('inputs'), {
      eps: a.float('eps', 1e-6), atol: a.float('atol', 1e-5), rtol: a.float('rtol', 1e-3), nondetTol: a.float('nondet_tol', 0),
      checkForwardAd: a.bool('check_forward_ad', false), checkBackwardAd: a.bool('check_backward_ad', true), raise: a.bool('raise_exception', true),
      fastMode: a.bool('fast_mode', false), checkUndefinedGrad: a.bool('check_undefined_grad', true),
      checkBatchedGrad: a.bool('check_batched_grad', false), checkBatchedForwardGrad: a.bool('check_batched_forward_grad', false),
    });
  });

  const gradgradcheck = pyFunction('gradgradcheck', (args, kwargs, ctx) => {
    const a = bindArgs('gradgradcheck', ['func', 'inputs', 'grad_outputs?', '*', 'eps?', 'atol?', 'rtol?', 'gen_non_contig_grad_outputs?', 'raise_exception?', 'nondet_tol?',
      'check_undefined_grad?', 'check_grad_dtypes?', 'check_batched_grad?', 'check_fwd_over_rev?', 'check_rev_over_rev?', 'fast_mode?'], args, kwargs, ctx);
    const checkRevOverRev = a.bool('check_rev_over_rev', true);
    const checkUndefinedGrad = a.bool('check_undefined_grad', true);
    const checkBatchedGrad = a.bool('check_batched_grad', false);
    if (!a.bool('check_fwd_over_rev', false) && !checkRevOverRev) throw pyError('AssertionError', 'Expected at least one of check_fwd_over_rev or check_rev_over_rev to be True');
    if (checkUndefinedGrad && !checkRevOverRev) throw pyError('AssertionError', 'Setting check_undefined_grad=True requires check_rev_over_rev to be True');
    if (checkBatchedGrad && !checkRevOverRev) throw pyError('AssertionError', 'Setting check_batched_grad=True requires check_rev_over_rev to be True');
    const func = a.required('func');
    const inputs = asTuple(a.required('inputs'));
    const given = a.opt('grad_outputs');
    // PyTorch's make_tensor(low=-1, high=1): high * r + low * (1 - r) over torch.rand's draws.
    const gradOutputs = given !== undefined ? asTuple(given) : outputsOf(ctx.call(func, inputs), ctx).filter((o) => o.t.requiresGrad).map((o) => {
      const dtype: TorchDTypeName = isFloating(o.dtype) ? o.dtype : 'float64';
      const round = rounder(dtype);
      const r = torchUniform(rt.rng, o.numel, dtype === 'float32' ? 'float32' : 'float64');
      const t = rt.run(() => rt.fromValues(Array.from(r, (v) => round(round(1 * v) + round(-1 * round(1 - v)))), [...o.shape], dtype));
      t.t.requiresGrad = true;
      return t;
    });
    const n = gradOutputs.length;
    const diffInputs = new Set(inputs.flatMap((x, k) => (x instanceof PyTensor && x.t.requiresGrad ? [k] : [])));
    const diffGradOutputs = new Set(gradOutputs.flatMap((x, k) => (x instanceof PyTensor && x.t.requiresGrad ? [k] : [])));
    const requireGrad = (x: PyValue, on: boolean): PyValue => {
      if (on && x instanceof PyTensor && x.t.isLeaf) rt.run(() => (x.t.requiresGrad = true));
      return x;
    };
    const newFunc = new PyBuiltin('new_func', (fargs, _kw, c) => {
      const inputArgs = fargs.slice(0, fargs.length - n).map((x, k) => requireGrad(x, diffInputs.has(k)));
      const outputs = outputsOf(c.call(func, inputArgs), c).filter((o) => o.t.requiresGrad);
      const grads = fargs.slice(fargs.length - n).map((x, k) => requireGrad(x, diffGradOutputs.has(k)));
      const diffArgs = inputArgs.filter((_, k) => diffInputs.has(k)) as PyTensor[];
      return rt.run(() => {
        const gs = rt.engine.withGradMode(true, () => rt.engine.grad(outputs.map((o) => o.t), diffArgs.map((x) => x.t), grads.map((g) => (g as PyTensor).t), { createGraph: true, retainGraph: true, allowUnused: true }));
        return new PyTuple(gs.flatMap((g, k) => (g === null ? [] : [rt.wrap(g, diffArgs[k].dtype)])));
      });
    });
    return runGradcheck(rt, ctx, newFunc, new PyTuple([...inputs, ...gradOutputs]), {
      eps: a.float('eps', 1e-6), atol: a.float('atol', 1e-5), rtol: a.float('rtol', 1e-3), nondetTol: a.float('nondet_tol', 0),
      checkForwardAd: a.bool('check_fwd_over_rev', false), checkBackwardAd: checkRevOverRev, raise: a.bool('raise_exception', true),
      fastMode: a.bool('fast_mode', false), checkUndefinedGrad, checkBatchedGrad, checkBatchedForwardGrad: false,
    });
  });

  return { gradcheck, gradgradcheck, GradcheckError };
}
