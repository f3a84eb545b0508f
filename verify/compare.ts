/**
 * Gradlens's value and gradient beside the real library's, at the same example inputs: either
 * they match to a float32 tolerance, or the first number that differs, with where it is.
 */
import type { EvaluationResult, Numbers } from '../protocol/results';

/** What the verify script is given: the function and the example inputs Gradlens used. */
export interface VerifyRequest {
  readonly file: string;
  readonly function: string;
  readonly style: EvaluationResult['style'];
  /** Each input's numbers; `grad`: a float input Gradlens differentiated by (a float32 leaf requiring grad there too). */
  readonly inputs: Readonly<Record<string, { readonly value: Numbers; readonly grad: boolean }>>;
}

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

// Both sides compute in float32 (Gradlens's float32 kernels, the library's): its rounding, grown over a few ops.
export const RELATIVE_TOLERANCE = 1e-5;
export const ABSOLUTE_TOLERANCE = 1e-6;

export function verifyRequest(result: EvaluationResult, file: string): VerifyRequest {
  return {
    file, function: result.function, style: result.style,
    inputs: Object.fromEntries(Object.entries(result.inputs).map(([k, v]) => [k, { value: v, grad: k in result.grad }])),
  };
}

/** The first number of the value, then of each gradient, that differs from the library's beyond the tolerance. */
export function compareWithLibrary(ours: Pick<EvaluationResult, 'function' | 'value' | 'grad'>, theirs: RealRun): Verdict {
  const library = `${theirs.library} ${theirs.version}`;
  const parts: [string, Numbers, Numbers | undefined][] = [
    [ours.function, ours.value, theirs.value],
    ...Object.entries(ours.grad).map(([k, v]): [string, Numbers, Numbers | undefined] => [`∂${ours.function}/∂${k}`, v, theirs.grad[k]]),
  ];
  for (const [name, a, b] of parts) {
    if (b === undefined) return { matches: false, what: name, ours: a, theirs: NaN, text: `${library} computed no ${name}` };
    const d = firstDifference(a, b, []);
    if (d) {
      const what = `${name}${d.index.map((i) => `[${i}]`).join('')}`;
      return { matches: false, what, ours: d.ours, theirs: d.theirs, text: `differs from ${library} at ${what}: Gradlens ${show(d.ours)}, ${theirs.library} ${show(d.theirs)}` };
    }
  }
  const grads = parts.length - 1;
  return { matches: true, text: `matches ${library} to ${RELATIVE_TOLERANCE.toExponential()} (value${grads ? ` and ${grads} gradient${grads === 1 ? '' : 's'}` : ''})` };
}

function firstDifference(a: Numbers, b: Numbers, index: number[]): { index: number[]; ours: Numbers; theirs: Numbers } | null {
  if (Array.isArray(a) || Array.isArray(b)) {
    if (!Array.isArray(a) || !Array.isArray(b) || a.length !== b.length) return { index, ours: a, theirs: b };
    for (let i = 0; i < a.length; i++) {
      const d = firstDifference(a[i]!, b[i]!, [...index, i]);
      if (d) return d;
    }
    return null;
  }
  return close(Number(a), Number(b)) ? null : { index, ours: a, theirs: b };
}

function close(a: number, b: number): boolean {
  if (Number.isNaN(a) || Number.isNaN(b)) return Number.isNaN(a) && Number.isNaN(b);
  if (!Number.isFinite(a) || !Number.isFinite(b)) return a === b;
  return Math.abs(a - b) <= ABSOLUTE_TOLERANCE + RELATIVE_TOLERANCE * Math.abs(b);
}

function show(v: Numbers): string {
  if (Array.isArray(v)) return `a list of ${v.length}`;
  return String(v);
}
