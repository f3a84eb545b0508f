/**
 * Fused multiply-adds as an FMA instruction computes them (one rounding), for the generators
 * whose compiled kernels GCC fused for AVX2 (PyTorch's normal and uniform kernels, in float32 and
 * in double). A JS multiply or add of two float32 values rounded with Math.fround is the float32
 * operation (double has room for the exact product, and rounding twice is harmless for + - * /
 * and sqrt); a fused multiply-add needs the exact sum.
 */
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

const bits = new DataView(new ArrayBuffer(8));

/** x rounded to odd: x itself when exact (err 0), else x or its neighbour toward err, whichever is odd. */
function roundToOdd(x: number, err: number): number {
  if (err === 0 || !Number.isFinite(x)) return x;
  bits.setFloat64(0, x);
  let lo = bits.getUint32(4);
  if ((lo & 1) === 1) return x;
  // x's last bit is even: one unit toward the exact value (up in magnitude when err has x's sign)
  let hi = bits.getUint32(0);
  if (err > 0 === x > 0) {
    lo += 1; // even, so no carry
  } else if (lo === 0) {
    hi -= 1;
    lo = 0xffffffff;
  } else {
    lo -= 1;
  }
  bits.setUint32(0, hi);
  bits.setUint32(4, lo);
  return bits.getFloat64(0);
}

const SPLITTER = 134217729; // 2^27 + 1

/**
 * `fma(a, b, c)` in double: a*b + c rounded once. Boldo and Melquiond's emulation: the exact
 * product (Dekker's, with Veltkamp's split), an exact sum with c, and the small parts added with
 * rounding to odd, so that the last rounding is the only one that counts. Inlined: the samplers
 * call it several times a draw.
 */
export function fma(a: number, b: number, c: number): number {
  const p = a * b;
  if (!Number.isFinite(p) || !Number.isFinite(c)) return p + c;
  let t = SPLITTER * a;
  const ah = t - (t - a);
  const al = a - ah;
  t = SPLITTER * b;
  const bh = t - (t - b);
  const bl = b - bh;
  const pl = ah * bh - p + ah * bl + al * bh + al * bl;
  // c + p exactly: s + e
  const s = c + p;
  const pv = s - c;
  const e = c - (s - pv) + (p - pv);
  // e + pl exactly: v + w
  const v = e + pl;
  const ev = v - e;
  const w = e - (v - ev) + (pl - ev);
  return s + roundToOdd(v, w);
}
