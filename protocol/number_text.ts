/**
 * Numbers as the libraries print them, for every surface (lens, inlay hint, hover, panel): a
 * float32 value as the shortest decimal that reads back as the same float32 (`0.3`, as JAX and
 * PyTorch print it, not the float64 expansion `0.30000001192092896`), in Python's repr form
 * (`7.0`, `1e-05`, `nan`, `-inf`). NB: the protocol's numbers carry no dtype: a value exactly
 * representable in float32 is taken for one (float64 arithmetic lands on a float32 value with a
 * longer repr about once in 2^29 draws).
 */
import type { Numbers } from './results';

export function isFloat32(x: number): boolean {
  return Math.fround(x) === x || Number.isNaN(x);
}

/** `7.0`, `0.3`, `1e-05`, `-0.0`, `nan`, `inf`: Python's repr of the float, shortest at its precision. */
export function formatNumber(x: number): string {
  if (Number.isNaN(x)) return 'nan';
  if (x === Infinity) return 'inf';
  if (x === -Infinity) return '-inf';
  if (x === 0) return Object.is(x, -0) ? '-0.0' : '0.0';
  const float32 = isFloat32(x);
  const abs = Math.abs(x);
  let text = '';
  for (let p = 1; p <= 17; p++) {
    text = abs.toExponential(p - 1);
    const back = Number(text);
    if (float32 ? Math.fround(back) === abs : back === abs) break;
  }
  const [mantissa, exponent] = text.split('e');
  return (x < 0 ? '-' : '') + pythonLayout(mantissa.replace('.', '').replace(/0+$/, '') || '0', Number(exponent));
}

/** Significant digits and a decimal exponent in Python's repr layout: positional for 1e-4 <= |x| < 1e16, else `1.5e-05`. */
function pythonLayout(digits: string, exp: number): string {
  if (exp < -4 || exp >= 16) {
    const m = digits.length > 1 ? `${digits[0]}.${digits.slice(1)}` : digits;
    return `${m}e${exp < 0 ? '-' : '+'}${String(Math.abs(exp)).padStart(2, '0')}`;
  }
  if (exp >= 0) return `${digits.slice(0, exp + 1).padEnd(exp + 1, '0')}.${digits.slice(exp + 1) || '0'}`;
  return `0.${'0'.repeat(-exp - 1)}${digits}`;
}

/** `True`, `7.0`, `[0.5, -1.0]`, with at most `maxItems` items a list (then `…`). */
export function formatNumbers(v: Numbers, maxItems = Infinity): string {
  if (typeof v === 'boolean') return v ? 'True' : 'False';
  if (typeof v === 'number') return formatNumber(v);
  const shown = v.slice(0, maxItems).map((x) => formatNumbers(x, maxItems));
  if (v.length > maxItems) shown.push(`… ${v.length - maxItems} more`);
  return `[${shown.join(', ')}]`;
}

/** The shape of a rectangular nested list (`[4, 3]`), or undefined for a ragged one. */
export function shapeOf(v: Numbers): number[] | undefined {
  if (!Array.isArray(v)) return [];
  if (v.length === 0) return [0];
  const inner = v.map(shapeOf);
  const first = inner[0];
  if (!first || inner.some((s) => !s || s.join() !== first.join())) return undefined;
  return [v.length, ...first];
}

function flat(v: Numbers): (number | boolean)[] {
  return typeof v === 'number' || typeof v === 'boolean' ? [v] : v.flatMap(flat);
}

/** `f32[4,3]` (`f64` where a value is not float32, `bool` for booleans), as the graphs write types. */
export function typeOf(v: Numbers): string {
  const items = flat(v);
  const dtype = items.some((x) => typeof x === 'boolean') ? 'bool' : items.every((x) => isFloat32(x as number)) ? 'f32' : 'f64';
  const shape = shapeOf(v);
  return `${dtype}[${shape ? shape.join(',') : '…'}]`;
}

/** The Euclidean norm of every number in `v`. */
export function normOf(v: Numbers): number {
  return Math.sqrt(flat(v).reduce<number>((sum, x) => sum + Number(x) * Number(x), 0));
}

/**
 * Short enough for a lens or an inline hint: a scalar in full (`0.3`), a tensor by its type and
 * norm (`f32[4,3] ‖∇‖=0.41`, `norm` naming it), a list of one number as it is.
 */
export function summarize(v: Numbers, norm: string): string {
  if (!Array.isArray(v)) return formatNumbers(v);
  if (flat(v).length <= 1) return formatNumbers(v);
  return `${typeOf(v)} ${norm}=${formatSignificant(normOf(v), 2)}`;
}

/**
 * `x` to `digits` significant digits as Python's `format(x, '.2g')` writes it: `0.41`, `17`,
 * `2.3e+02`. NB: never `230.0` for 232.87, which reads as an exact value; a rounded number shows
 * no digit it does not have.
 */
export function formatSignificant(x: number, digits: number): string {
  if (!Number.isFinite(x) || x === 0) return formatNumber(x);
  const [mantissa, exponent] = x.toExponential(digits - 1).split('e');
  const exp = Number(exponent);
  const trimmed = (text: string) => (text.includes('.') ? text.replace(/0+$/, '').replace(/\.$/, '') : text);
  if (exp < -4 || exp >= digits) return `${trimmed(mantissa)}e${exp < 0 ? '-' : '+'}${String(Math.abs(exp)).padStart(2, '0')}`;
  return trimmed(x.toFixed(digits - 1 - exp));
}
