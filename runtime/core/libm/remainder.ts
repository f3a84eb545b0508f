/**
 * IEEE 754's remainder, x - n y with n the integer nearest x/y (ties to even), exact: CPython's
 * m_remainder (Modules/mathmodule.c), which math.remainder calls and glibc's remainder agrees
 * with. JS's % is C's fmod, exact too.
 */
export function remainder(x: number, y: number): number {
  if (Number.isFinite(x) && Number.isFinite(y)) {
    if (y === 0) return NaN;
    const absx = Math.abs(x);
    const absy = Math.abs(y);
    const m = absx % absy;
    // m against half of absy, through its complement c = absy - m (0.5 absy may round, c is exact where it matters)
    const c = absy - m;
    let r: number;
    if (m < c) r = m;
    else if (m > c) r = -c;
    else r = m - 2 * ((0.5 * (absx - m)) % absy); // halfway: m for an even multiple, -m for an odd one
    return (x < 0 || Object.is(x, -0) ? -1 : 1) * r;
  }
  if (Number.isNaN(x)) return x;
  if (Number.isNaN(y)) return y;
  if (!Number.isFinite(x)) return NaN;
  return x;
}
