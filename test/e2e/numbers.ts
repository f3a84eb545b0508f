/**
 * Reading numbers back from what the editor shows (`0.574443`, `[0.5, -1.0]`, `nan`,
 * `f32[4,3] ‖∇‖=0.41`) and comparing them with the float64 values of the fixture.
 */

/** A fixture number: JSON has no NaN or Infinity, so those are the strings Python prints. */
export type FixtureNumbers = number | string | boolean | readonly FixtureNumbers[];

export function flatten(x: FixtureNumbers): number[] {
  if (Array.isArray(x)) return x.flatMap(flatten);
  if (typeof x === 'boolean') return [x ? 1 : 0];
  if (typeof x === 'string') return [Number(x.replace('nan', 'NaN').replace('inf', 'Infinity'))];
  return [x as number];
}

/** Type tokens (`f32[4,3]`), which hold digits that are not values. */
const TYPE_TOKEN = /\b[a-z]+\d*\[[\d,\s]*\]/gi;
const NUMBER = /[-−]?(?:inf\b|nan\b|(?:\d+\.?\d*|\.\d+)(?:e[-+]?\d+)?)/gi;

/** The numbers in a shown text, in order, each with the half unit of its last printed digit. */
export function shownNumbers(text: string): { value: number; halfUnit: number }[] {
  const cleaned = text.replace(TYPE_TOKEN, ' ');
  return [...cleaned.matchAll(NUMBER)].map(([s]) => {
    const t = s.replace('−', '-').toLowerCase();
    if (t.endsWith('nan')) return { value: NaN, halfUnit: 0 };
    if (t.endsWith('inf')) return { value: t.startsWith('-') ? -Infinity : Infinity, halfUnit: 0 };
    const [mantissa, exponent = '0'] = t.split('e');
    const decimals = mantissa.includes('.') ? mantissa.length - mantissa.indexOf('.') - 1 : 0;
    return { value: Number(t), halfUnit: 0.5 * 10 ** (Number(exponent) - decimals) };
  });
}

/**
 * The tolerance: the values are computed in float32 (torch's and JAX's default dtype) and the
 * fixture in float64, so each element may differ by 1e-4 of itself plus 1e-5 of the array's
 * largest magnitude (float32 carries ~7 digits; sums and transcendental kernels lose a few),
 * plus half a unit of the last digit the editor printed.
 */
export function mismatch(shown: readonly { value: number; halfUnit: number }[], want: readonly number[]): string | null {
  if (shown.length !== want.length) return `${shown.length} numbers shown where ${want.length} are expected`;
  const scale = Math.max(1, ...want.filter(Number.isFinite).map(Math.abs));
  for (let i = 0; i < want.length; i++) {
    const got = shown[i].value;
    const w = want[i];
    if (Number.isNaN(w) || !Number.isFinite(w)) {
      if (!Object.is(got, w) && !(Number.isNaN(got) && Number.isNaN(w))) return `element ${i}: ${got} where ${w} is expected`;
      continue;
    }
    const tolerance = 1e-4 * Math.abs(w) + 1e-5 * scale + shown[i].halfUnit;
    if (!(Math.abs(got - w) <= tolerance)) return `element ${i}: ${got} where ${w} is expected (tolerance ${tolerance.toExponential(1)})`;
  }
  return null;
}

export function norm(xs: readonly number[]): number {
  return Math.sqrt(xs.reduce((s, x) => s + x * x, 0));
}
