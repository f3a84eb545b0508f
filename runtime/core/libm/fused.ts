/**
 * Fused multiply-adds as an FMA instruction computes them (one rounding), for the generators
 * whose compiled kernels GCC fused for AVX2 (PyTorch's normal and uniform kernels, in float32 and
 * in double). A JS multiply or add of two float32 values rounded with Math.fround is the float32
 * operation (double has room for the exact product, and rounding twice is harmless for + - * /
 * and sqrt); a fused multiply-add needs the exact sum.
 */
import { wasmFma } from './fused_wasm';

const fround = Math.fround;

/**
 * `fmaf(a, b, c)`: a*b + c rounded once to float32, for float32 a, b, c. The product is exact in
 * double; the double sum s is exact up to err (two-sum), and rounding s to float32 can only go
 * the wrong way when s lies exactly halfway between two float32 values and err is not zero.
 */
export function fmaf(a: number, b: number, c: number): number {
  const p = a * b;
  const s = p + c;
  const r = fround(s);
  if (r === s) return r;
  const other = 2 * s - r;
  if (fround(other) !== other) return r;
  const bv = s - p;
  const err = p - (s - bv) + (c - bv);
  if (err === 0) return r;
  return err > 0 === other > r ? other : r;
}

const view = new DataView(new ArrayBuffer(4));

export function float32Bits(x: number): number {
  view.setFloat32(0, x);
  return view.getUint32(0);
}

export function float32FromBits(bits: number): number {
  view.setUint32(0, bits >>> 0);
  return view.getFloat32(0);
}

const SPLITTER = 134217729; // 2^27 + 1

/**
 * a*b - p exactly, for p the double a*b rounds to: `fma(a, b, -p)` without the sum (Dekker's exact
 * product with Veltkamp's split). Exact where fma's is (below), +0 where a*b is exact.
 */
export function productError(a: number, b: number, p: number): number {
  let t = SPLITTER * a;
  const ah = t - (t - a);
  const al = a - ah;
  t = SPLITTER * b;
  const bh = t - (t - b);
  const bl = b - bh;
  return ah * bh - p + ah * bl + al * bh + al * bl;
}

/**
 * `fma(a, b, c)` in double: a*b + c rounded once. Dekker's exact product a*b = p + pl (Veltkamp's
 * split), then s = p + c rounded: where pl is 0 that is the answer. Otherwise the exact value is
 * s + e + pl (e the sum's error, by TwoSum), and r = s + (e + pl) rounds it right unless s + (e + pl)
 * lies exactly halfway between two doubles, where the bits of e + pl lost in its own rounding decide
 * (|e + pl| is under 2 ulp of s, so away from a halfway point those bits cannot move r). Exact
 * wherever the rounded product neither overflows nor falls below 2^-969 (its error would not be
 * representable), unless a*b is exact: every argument the libm and the samplers pass. Computed in
 * WebAssembly (fused_wasm.ts: a libm function's calls then box no doubles), but for the rare
 * arguments, fmaRare's.
 */
export const fma: (a: number, b: number, c: number) => number = wasmFma(fmaRare);

/** fma's infinities and NaNs, factors past 2^996, and sums s + (e + pl) that r rounds from a halfway point. */
function fmaRare(a: number, b: number, c: number, s: number, e: number, pl: number, r: number, h: number): number {
  // an infinite c with finite factors is the answer even where a*b rounds to an infinity of the other sign
  if (!(Math.abs(s) < Infinity)) return Math.abs(c) === Infinity && Number.isFinite(a) && Number.isFinite(b) ? c : s;
  // NB: a factor past 2^996 overflows its split (pl is NaN): the same product with it scaled down
  if (pl !== pl) return Math.abs(a) > Math.abs(b) ? fma(a * 2 ** -70, b * 2 ** 70, c) : fma(a * 2 ** 70, b * 2 ** -70, c);
  // r overflowed
  if (r + 2 * h - r !== 2 * h) return r;
  const v = e + pl;
  const ev = v - e;
  const w = e - (v - ev) + (pl - ev);
  return w === 0 || h > 0 !== w > 0 ? r : r + 2 * h;
}
