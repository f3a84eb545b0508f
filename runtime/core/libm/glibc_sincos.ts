/**
 * glibc's double sin and cos (sysdeps/ieee754/dbl-64/s_sin.c, IBM's Accurate Mathematical
 * Library), as x86-64 glibc runs them on a CPU with FMA and AVX2
 * (`__sin_fma`/`__cos_fma`: the same C compiled with -mfma, where GCC fuses each multiply whose
 * only uses are additions). Within 0.55 ulp, not correctly rounded: PyTorch's float64 Box-Muller
 * is only bit-identical with these roundings.
 */
import { branred } from './glibc_branred';
import { fma } from './fused';
import { SINCOSTAB } from './glibc_sincos_data';

const SN3 = -1.66666666666664880952546298448555e-1;
const SN5 = 8.33333214285722277379541354343671e-3;
const CS2 = 4.99999999999999999999950396842453e-1;
const CS4 = -4.16666666666664434524222570944589e-2;
const CS6 = 1.38888874007937613028114285595617e-3;
const S1 = -0.16666666666666666; // -0x1.5555555555555p-3
const S2 = 0.008333333333332329; // 0x1.1111111110ECEp-7
const S3 = -0.00019841269834414642; // -0x1.A01A019DB08B8p-13
const S4 = 2.755729806860771e-6; // 0x1.71DE27B9A7ED9p-19
const S5 = -2.5022014848318398e-8; // -0x1.ADDFFC2FCDF59p-26
const BIG = 52776558133248; // 0x1.8p45
const HP0 = 1.5707963267948966; // 0x1.921FB54442D18p0
const HP1 = 6.123233995736766e-17; // 0x1.1A62633145C07p-54
const MP1 = 1.5707963407039642; // 0x1.921FB58p0
const MP2 = -1.3909067564377153e-8; // -0x1.DDE973Cp-27
const PP3 = -4.97899623147991e-17; // -0x1.CB3B398p-55
const PP4 = -1.9034889620193266e-25; // -0x1.d747f23e32ed7p-83
const HPINV = 0.6366197723675814; // 0x1.45F306DC9C883p-1
const TOINT = 6755399441055744; // 0x1.8p52

const view = new DataView(new ArrayBuffer(8));

/** The table row of `big + |x|`: its low word, the index of the nearest k/128. */
function tableRow(u: number): number {
  view.setFloat64(0, u);
  return view.getUint32(4) << 2;
}

function doCos(x: number, dx: number): number {
  if (x < 0) dx = -dx;
  const u = BIG + Math.abs(x);
  x = Math.abs(x) - (u - BIG) + dx;
  const xx = x * x;
  const s = fma(x * xx, fma(xx, SN5, SN3), x);
  const c = xx * fma(xx, fma(xx, CS6, CS4), CS2);
  const k = tableRow(u);
  const sn = SINCOSTAB[k]!;
  const ssn = SINCOSTAB[k + 1]!;
  const cs = SINCOSTAB[k + 2]!;
  const ccs = SINCOSTAB[k + 3]!;
  const cor = fma(-sn, s, fma(-cs, c, fma(-s, ssn, ccs)));
  return cs + cor;
}

function doSin(x: number, dx: number): number {
  const xold = x;
  if (Math.abs(x) < 0.126) {
    const xx = x * x;
    const p = fma(fma(fma(fma(S5, xx, S4), xx, S3), xx, S2), xx, S1);
    const t = fma(fma(p, x, -(0.5 * dx)), xx, dx);
    return x + t;
  }
  if (x <= 0) dx = -dx;
  const u = BIG + Math.abs(x);
  x = Math.abs(x) - (u - BIG);
  const xx = x * x;
  const s = x + fma(x * xx, fma(xx, SN5, SN3), dx);
  const c = fma(x, dx, xx * fma(xx, fma(xx, CS6, CS4), CS2));
  const k = tableRow(u);
  const sn = SINCOSTAB[k]!;
  const ssn = SINCOSTAB[k + 1]!;
  const cs = SINCOSTAB[k + 2]!;
  const ccs = SINCOSTAB[k + 3]!;
  const cor = fma(cs, s, fma(-sn, c, fma(s, ccs, ssn)));
  const r = sn + cor;
  return xold < 0 || Object.is(xold, -0) ? -Math.abs(r) : Math.abs(r);
}

/** x reduced by pi/2: the quadrant and the remainder as a + da. */
function reduce(x: number): [number, number, number] {
  const t = fma(x, HPINV, TOINT);
  const xn = t - TOINT;
  view.setFloat64(0, t);
  const n = view.getUint32(4) & 3;
  const y = fma(-xn, MP2, fma(-xn, MP1, x));
  const t2 = fma(-xn, PP3, y);
  let db = fma(-xn, PP3, y - t2);
  const b = fma(-xn, PP4, t2);
  db += fma(-xn, PP4, t2 - b);
  return [n, b, db];
}

function doSinCos(a: number, da: number, n: number): number {
  const r = n & 1 ? doCos(a, da) : doSin(a, da);
  return n & 2 ? -r : r;
}

/** 0x419921FB00000000: from here on glibc reduces with __branred. */
const LIMIT = 105414336;

function highWord(x: number): number {
  view.setFloat64(0, x);
  return view.getUint32(0) & 0x7fffffff;
}


export function glibcSin(x: number): number {
  const k = highWord(x);
  if (k < 0x3e500000) return x;
  if (k < 0x3feb6000) return doSin(x, 0);
  if (k < 0x400368fd) {
    const r = doCos(HP0 - Math.abs(x), HP1);
    return x < 0 ? -Math.abs(r) : Math.abs(r);
  }
  if (Math.abs(x) < LIMIT) {
    const [n, a, da] = reduce(x);
    return doSinCos(a, da, n);
  }
  if (!Number.isFinite(x)) return NaN;
  const [n, a, da] = branred(x);
  return doSinCos(a, da, n);
}

export function glibcCos(x: number): number {
  const k = highWord(x);
  if (k < 0x3e400000) return 1;
  if (k < 0x3feb6000) return doCos(x, 0);
  if (k < 0x400368fd) {
    const y = HP0 - Math.abs(x);
    const a = y + HP1;
    const da = y - a + HP1;
    return doSin(a, da);
  }
  if (Math.abs(x) < LIMIT) {
    const [n, a, da] = reduce(x);
    return doSinCos(a, da, n + 1);
  }
  if (!Number.isFinite(x)) return NaN;
  const [n, a, da] = branred(x);
  return doSinCos(a, da, n + 1);
}
