/**
 * glibc's float tanf (sysdeps/ieee754/flt-32/s_tanf.c, k_tanf.c: fdlibm's float kernel), which
 * NumPy 1.24 calls for float32 arrays on a CPU without AVX-512. The argument is reduced modulo
 * pi/2 in double as sinf and cosf reduce it (one multiply and subtract below 120, the exact
 * 4/pi product above), then split into a float head and tail for the kernel. glibc builds it
 * without FMA: each float operation is one Math.fround.
 */
import { float32Bits, float32FromBits } from './fused';
import { reduceLarge } from './glibc_sincosf';

const f = Math.fround;

const PIO4 = f(7.8539812565e-01);
const PIO4_LO = f(3.7748947079e-08);
const T = [
  3.3333334327e-01, 1.3333334029e-01, 5.3968254477e-02, 2.1869488060e-02, 8.8632395491e-03, 3.5920790397e-03, 1.4562094584e-03,
  5.8804126456e-04, 2.4646313977e-04, 7.8179444245e-05, 7.1407252108e-05, -1.8558637748e-05, 2.5907305826e-05,
].map(f);

/** |x| from which the kernel works on pi/4 - |x| (0.6744). */
const NEAR_PIO4 = 0x3f2ca140;

/**
 * __kernel_tanf(x, y, iy): tan(x + y) for iy = 1, -1/tan(x + y) for iy = -1, x + y within pi/4
 * (y a tail below x's last bit).
 */
function kernelTanf(x: number, y: number, iy: 1 | -1): number {
  const hx = float32Bits(x) | 0;
  const ix = hx & 0x7fffffff;
  if (ix < 0x39000000) {
    if ((ix | (iy + 1)) === 0) return 1 / Math.abs(x);
    return iy === 1 ? x : -1 / x;
  }
  const sign = hx < 0 ? -1 : 1;
  if (ix >= NEAR_PIO4) {
    if (hx < 0) {
      x = -x;
      y = -y;
    }
    x = f(f(PIO4 - x) + f(PIO4_LO - y));
    y = 0;
    if (Math.abs(x) < 2 ** -13) return f(sign * iy * f(1 - f(2 * iy * x)));
  }
  const z = f(x * x);
  const w = f(z * z);
  // x^5 (T1 + x^4 T3 + ...) + x^5 (x^2 (T2 + x^4 T4 + ...)): two polynomials in w
  let r = T[11]!;
  for (const k of [9, 7, 5, 3, 1]) r = f(T[k]! + f(w * r));
  let v = T[12]!;
  for (const k of [10, 8, 6, 4, 2]) v = f(T[k]! + f(w * v));
  v = f(z * v);
  const s = f(z * x);
  r = f(y + f(z * f(f(s * f(r + v)) + y)));
  r = f(r + f(T[0]! * s));
  const sum = f(x + r);
  if (ix >= NEAR_PIO4) return f(sign * f(iy - f(2 * f(x - f(f(f(sum * sum) / f(sum + iy)) - r)))));
  if (iy === 1) return sum;
  // -1/(x + r) accurately: heads of sum and of -1/sum with 12 low bits cleared, then one correction
  const head = float32FromBits(float32Bits(sum) & 0xfffff000);
  const tail = f(r - f(head - x));
  const a = f(-1 / sum);
  const t = float32FromBits(float32Bits(a) & 0xfffff000);
  const e = f(1 + f(t * head));
  return f(t + f(a * f(e + f(t * tail))));
}

const HPI_INV = 10680707.430881744; // 2^24 2/pi: the quadrant lands in bits 24..31
const HPI = 1.5707963267948966;

export function glibcTanf(x: number): number {
  const ix = float32Bits(x) & 0x7fffffff;
  if (ix <= 0x3f490fda) return kernelTanf(x, 0, 1);
  if (ix >= 0x7f800000) return NaN;
  let dx: number;
  let n: number;
  if (Math.abs(x) < 120) {
    n = (Math.trunc(x * HPI_INV) + 0x800000) >> 24;
    dx = x - n * HPI;
  } else {
    const reduced = reduceLarge(float32Bits(x));
    n = reduced.n;
    dx = x < 0 ? -reduced.r : reduced.r;
  }
  const head = f(dx);
  return kernelTanf(head, f(dx - head), (n & 1) === 0 ? 1 : -1);
}
