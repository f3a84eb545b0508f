/**
 * Gradlens's value and gradient beside the real library's, at the same example inputs: either
 * they match to the tolerance of the precision both computed in (float32, or float64 where the
 * inputs are), or the first number that differs, with where it is.
 */
import type { EvaluationResult, Numbers } from '../protocol/results';

/** What the verify script is given: the function and the example inputs Gradlens used. */
export interface VerifyRequest {
  readonly file: string;
  readonly function: string;
  readonly style: EvaluationResult['style'];
  /**
   * Each input's numbers; `grad`: a float input Gradlens differentiated by (a leaf requiring grad
   * there too); `dtype`: a tensor's or array's (built in it there: float64 stays float64), else a Python number.
   */
  readonly inputs: Readonly<Record<string, { readonly value: Numbers; readonly grad: boolean; readonly dtype?: VerifiedDtype }>>;
}

/** The dtypes an input is built in on both sides, as torch and NumPy name them. */
const VERIFIED_DTYPES = ['float32', 'float64', 'int32', 'int64', 'bool'] as const;
export type VerifiedDtype = (typeof VERIFIED_DTYPES)[number];

/** What both sides compute in: float64 where the inputs are float64 (none float32), else float32. */
export type Precision = 'float32' | 'float64';

/** What the real library computed. */
export interface RealRun {
  readonly library: 'torch' | 'jax';
  readonly version: string;
  readonly value: Numbers;
  readonly grad: Readonly<Record<string, Numbers>>;
}

export type Verdict =
  | { readonly matches: true; readonly text: string }
  | { readonly matches: false; readonly text: string; readonly what: string; readonly ours: Numbers; readonly theirs: Numbers };

// Each precision's rounding on both sides (Gradlens's kernels, the library's), grown over a few ops.
export const TOLERANCES: { readonly [P in Precision]: { readonly relative: number; readonly absolute: number } } = {
  float32: { relative: 1e-5, absolute: 1e-6 },
  float64: { relative: 1e-10, absolute: 1e-12 },
};

export function verifyRequest(result: EvaluationResult, file: string): VerifyRequest {
  const dtypes = result.inputDtypes ?? {};
  const dtypeOf = (k: string): { dtype?: VerifiedDtype } => {
    const dtype = VERIFIED_DTYPES.find((d) => d === dtypes[k]);
    return dtype ? { dtype } : {};
  };
  return {
    file, function: result.function, style: result.style,
    inputs: Object.fromEntries(Object.entries(result.inputs).map(([k, v]) => [k, { value: v, grad: k in result.grad, ...dtypeOf(k) }])),
  };
}

/** float64 where an input is float64 and none float32 (a Python float is float32 to PyTorch's and JAX's default dtype). */
export function precisionOf(request: VerifyRequest): Precision {
  const floats = Object.values(request.inputs).filter((i) => i.dtype === 'float32' || i.dtype === 'float64' || (i.dtype === undefined && i.grad));
  return floats.length > 0 && floats.every((i) => i.dtype === 'float64') ? 'float64' : 'float32';
}

/** The first number of the value, then of each gradient, that differs from the library's beyond the tolerance. */
export function compareWithLibrary(ours: Pick<EvaluationResult, 'function' | 'value' | 'grad'>, theirs: RealRun, precision: Precision = 'float32'): Verdict {
  const library = `${theirs.library} ${theirs.version}`;
  const tolerance = TOLERANCES[precision];
  const parts: [string, Numbers, Numbers | undefined][] = [
    [ours.function, ours.value, theirs.value],
    ...Object.entries(ours.grad).map(([k, v]): [string, Numbers, Numbers | undefined] => [`∂${ours.function}/∂${k}`, v, theirs.grad[k]]),
  ];
  for (const [name, a, b] of parts) {
    if (b === undefined) return { matches: false, what: name, ours: a, theirs: NaN, text: `${library} computed no ${name}` };
    const d = firstDifference(a, b, [], tolerance);
    if (d) {
      const what = `${name}${d.index.map((i) => `[${i}]`).join('')}`;
      return { matches: false, what, ours: d.ours, theirs: d.theirs, text: `differs from ${library} at ${what}: Gradlens ${show(d.ours)}, ${theirs.library} ${show(d.theirs)}` };
    }
  }
  const grads = parts.length - 1;
  const what = `value${grads ? ` and ${grads} gradient${grads === 1 ? '' : 's'}` : ''}`;
  return { matches: true, text: `matches ${library} to ${tolerance.relative.toExponential()} (${precision === 'float64' ? `float64, ${what}` : what})` };
}

type Tolerance = (typeof TOLERANCES)[Precision];

function firstDifference(a: Numbers, b: Numbers, index: number[], tolerance: Tolerance): { index: number[]; ours: Numbers; theirs: Numbers } | null {
  if (Array.isArray(a) || Array.isArray(b)) {
    if (!Array.isArray(a) || !Array.isArray(b) || a.length !== b.length) return { index, ours: a, theirs: b };
    for (let i = 0; i < a.length; i++) {
      const d = firstDifference(a[i]!, b[i]!, [...index, i], tolerance);
      if (d) return d;
    }
    return null;
  }
  return close(Number(a), Number(b), tolerance) ? null : { index, ours: a, theirs: b };
}

function close(a: number, b: number, tolerance: Tolerance): boolean {
  if (Number.isNaN(a) || Number.isNaN(b)) return Number.isNaN(a) && Number.isNaN(b);
  if (!Number.isFinite(a) || !Number.isFinite(b)) return a === b;
  return Math.abs(a - b) <= tolerance.absolute + tolerance.relative * Math.abs(b);
}

function show(v: Numbers): string {
  if (Array.isArray(v)) return `a list of ${v.length}`;
  return String(v);
}
