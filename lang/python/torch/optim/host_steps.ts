/**
 * Adam, AdamW and SGD steps computed in one pass over the values, where the backend holds every
 * operand on the host (Backend.peek: the wasm backend's small float32 arrays, float64 arrays, the
 * reference backend): one loop where the op path makes a dozen tensors a parameter (a fifth of
 * W7's time). The arithmetic is PyTorch 1.13's `_single_tensor_adam`/`_single_tensor_sgd`,
 * element by element in the parameter's dtype, as its AVX2 CPU kernels round it: GCC contracts
 * `add(other, alpha)` (`self + alpha * other`) and `addcmul` (`self + value * t1 * t2`) into fused
 * multiply-adds, so those round once (fmaf, fma); `mul`, `div`, `sqrt` and `addcdiv` round each
 * step. Python numbers meet a float32 tensor as float32 (ATen casts the scalar to the dtype).
 */
import { libm } from '../../../../runtime/core';
import { fma, fmaf } from '../../../../runtime/core/libm/fused';
import type { EagerEngine, Tensor } from '../../../../runtime/eager';

/** One dtype's rounding: `round` after each operation, `fma` for a contracted multiply-add. */
interface Rounding {
  readonly round: (x: number) => number;
  readonly fma: (a: number, b: number, c: number) => number;
  readonly make: (n: number) => Float32Array | Float64Array;
}

const FLOAT32: Rounding = { round: Math.fround, fma: fmaf, make: (n) => new Float32Array(n) };
const FLOAT64: Rounding = { round: (x) => x, fma, make: (n) => new Float64Array(n) };

/**
 * The host values of `tensors` (all of one float dtype and size) with their rounding, or null
 * where one is elsewhere (a GPU, a large wasm array) or they differ: the op path computes those.
 */
function onHost(engine: EagerEngine, tensors: readonly Tensor[]): { values: ArrayLike<number>[]; r: Rounding } | null {
  const dtype = tensors[0].dtype;
  if ((dtype !== 'float32' && dtype !== 'float64') || engine.forwardLevels.length > 0 || !engine.backend.peek) return null;
  const n = tensors[0].size;
  const values: ArrayLike<number>[] = [];
  for (const t of tensors) {
    if (t.dtype !== dtype || t.size !== n) return null;
    const v = engine.backend.peek(t.array);
    if (v === null || v.length !== n) return null;
    values.push(v);
  }
  return { values, r: dtype === 'float32' ? FLOAT32 : FLOAT64 };
}

/** Gives `target` the values `values` as an in-place op does (its version moves; saved copies see the change). */
function assign(engine: EagerEngine, target: Tensor, values: Float32Array | Float64Array): void {
  engine.inPlace(target, () => engine.fromValues(values, target.shape, target.dtype));
}

export interface AdamStep {
  readonly lr: number;
  readonly beta1: number;
  readonly beta2: number;
  readonly eps: number;
  readonly weightDecay: number;
  /** AdamW: the decay scales the parameter rather than joining the gradient. */
  readonly decoupled: boolean;
  readonly maximize: boolean;
  /** The step count after this step (state['step']). */
  readonly step: number;
}

/**
 * One parameter's Adam or AdamW update on the host; false (nothing changed) where an operand is
 * not on the host. `maxSq` is amsgrad's running maximum, null without amsgrad.
 */
export function adamOnHost(engine: EagerEngine, param: Tensor, grad: Tensor, expAvg: Tensor, expAvgSq: Tensor, maxSq: Tensor | null, h: AdamStep): boolean {
  const host = onHost(engine, maxSq ? [param, grad, expAvg, expAvgSq, maxSq] : [param, grad, expAvg, expAvgSq]);
  if (host === null) return false;
  const { round, fma, make } = host.r;
  const [p0, g0, m0, v0, max0] = host.values;
  const n = p0.length;
  const [p, m, v] = [make(n), make(n), make(n)];
  const max = maxSq ? make(n) : null;
  // The scalars as the kernels see them: Python floats cast to the dtype; step_size and the bias
  // correction in double first, as _single_tensor_adam computes them in Python.
  const decay = round(1 - h.lr * h.weightDecay);
  const wd = round(h.weightDecay);
  const [beta1, beta2, oneMinusBeta1, oneMinusBeta2] = [round(h.beta1), round(h.beta2), round(1 - h.beta1), round(1 - h.beta2)];
  const bc2Sqrt = round(Math.sqrt(1 - libm.pow(h.beta2, h.step)));
  const negStepSize = round(-(h.lr / (1 - libm.pow(h.beta1, h.step))));
  const eps = round(h.eps);
  for (let i = 0; i < n; i++) {
    let pi = p0[i];
    let g = h.maximize ? -g0[i] : g0[i];
    if (h.decoupled) pi = round(pi * decay);
    else if (h.weightDecay !== 0) g = fma(pi, wd, g);
    const mi = fma(g, oneMinusBeta1, round(m0[i] * beta1));
    const vi = fma(round(oneMinusBeta2 * g), g, round(v0[i] * beta2));
    let second = vi;
    if (max) {
      // torch.maximum: NaN wins.
      const was = max0[i];
      second = was !== was || was > vi ? was : vi;
      max[i] = second;
    }
    const denom = round(round(round(Math.sqrt(second)) / bc2Sqrt) + eps);
    p[i] = round(pi + round(round(negStepSize * mi) / denom));
    m[i] = mi;
    v[i] = vi;
  }
  assign(engine, expAvg, m);
  assign(engine, expAvgSq, v);
  if (maxSq && max) assign(engine, maxSq, max);
  assign(engine, param, p);
  return true;
}

export interface SgdStep {
  readonly lr: number;
  readonly momentum: number;
  readonly dampening: number;
  readonly weightDecay: number;
  readonly nesterov: boolean;
  readonly maximize: boolean;
}

/** SGD's momentum buffer: the state's tensor, or null before the first step, when `make` stores the first direction as it. */
export interface MomentumBuffer {
  readonly tensor: Tensor | null;
  readonly make: (values: Float32Array | Float64Array) => void;
}

/** One parameter's SGD update on the host; false (nothing changed) where an operand is not on the host. */
export function sgdOnHost(engine: EagerEngine, param: Tensor, grad: Tensor, buffer: MomentumBuffer | null, h: SgdStep): boolean {
  const had = buffer?.tensor ?? null;
  const host = onHost(engine, had ? [param, grad, had] : [param, grad]);
  if (host === null) return false;
  const { round, fma, make } = host.r;
  const [p0, g0, b0] = host.values;
  const n = p0.length;
  const p = make(n);
  const b = buffer ? make(n) : null;
  const [wd, momentum, oneMinusDampening, negLr] = [round(h.weightDecay), round(h.momentum), round(1 - h.dampening), round(-h.lr)];
  for (let i = 0; i < n; i++) {
    let d = h.maximize ? -g0[i] : g0[i];
    if (h.weightDecay !== 0) d = fma(p0[i], wd, d);
    if (b) {
      // The first step's buffer is a copy of the direction (torch.clone(d_p)).
      const bi = b0 ? fma(d, oneMinusDampening, round(b0[i] * momentum)) : d;
      b[i] = bi;
      d = h.nesterov ? fma(bi, momentum, d) : bi;
    }
    p[i] = fma(d, negLr, p0[i]);
  }
  if (b && had) assign(engine, had, b);
  else if (b) buffer!.make(b);
  assign(engine, param, p);
  return true;
}
