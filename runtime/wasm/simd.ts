import { S, sleb, uleb, v128Const } from './module';
import { LOGISTIC_ZERO_BELOW } from '../core';

// Float32 transcendentals over 4 lanes (Cephes expf/logf/tanhf/sinf/cosf) and the v128 value
// emitter they are written in: the jit's wasm renderer and the tfjs wasm backend's unary kernels
// both compute them so.

/** Worst error measured against Math.* rounded to float32, in float32 ulps (test/unit/jit/compile/wasm_math.test.ts). */
export const MATH_ULPS = { exp: 1, log: 1, tanh: 2, logistic: 3, sin: 2, cos: 2 } as const;

/** A v128 operand: a local, or a constant splat of a float32 or an int32. */
export type V = number | { readonly f: number } | { readonly i: number } | { readonly d: number };
export const f = (v: number): V => ({ f: v });
export const i = (v: number): V => ({ i: v });
export const d = (v: number): V => ({ d: v });

/** π/4 as hi + lo, hi with 33 significant bits: y·hi is exact for the octants y < 2^20 below SINCOS_MAX. */
const PIO4_HI = Math.round(Math.PI / 4 * 2 ** 33) / 2 ** 33;
// NB: Math.PI is itself π rounded; the tail (π - Math.PI)/4 matters once y·π/4 cancels to ~1e-7.
const PIO4_LO = (Math.PI / 4 - PIO4_HI) + 3.061616997868383e-17;
/** Beyond this |x|, sin and cos call Math.sin/Math.cos per lane. */
const SINCOS_MAX = 65536;

/** The body of the kernel function: every value is a v128 local, written once. */
export class Emitter {
  readonly code: number[] = [];
  v128Locals = 0;

  constructor(private readonly firstLocal: number, readonly sinFn: number, readonly cosFn: number) {}

  get(v: V): void {
    if (typeof v === 'number') this.code.push(0x20, ...uleb(v));
    else if ('f' in v) this.code.push(...v128Const((d, o) => d.setFloat32(o, v.f, true)));
    else if ('i' in v) this.code.push(...v128Const((d, o) => d.setInt32(o, v.i, true)));
    else this.code.push(...v128Const((d, o) => { if (o % 8 === 0) d.setFloat64(o, v.d, true); }));
  }

  simd(op: number, ...extra: number[]): void {
    this.code.push(0xfd, ...uleb(op), ...extra);
  }

  fresh(): number {
    return this.firstLocal + this.v128Locals++;
  }

  /** Pops the stack into a new local. */
  set(): number {
    const l = this.fresh();
    this.code.push(0x21, ...uleb(l));
    return l;
  }

  op(op: number, ...args: V[]): number {
    for (const a of args) this.get(a);
    this.simd(op);
    return this.set();
  }

  add = (a: V, b: V) => this.op(S.add, a, b);
  sub = (a: V, b: V) => this.op(S.sub, a, b);
  mul = (a: V, b: V) => this.op(S.mul, a, b);
  div = (a: V, b: V) => this.op(S.div, a, b);
  /** `mask ? a : b`, lane by lane. */
  sel = (mask: V, a: V, b: V) => this.op(S.bitselect, a, b, mask);

  horner(x: V, coeffs: readonly number[]): number {
    let acc = this.mul(x, f(coeffs[0]));
    for (let k = 1; k < coeffs.length - 1; k++) acc = this.mul(this.add(acc, f(coeffs[k])), x);
    return this.add(acc, f(coeffs[coeffs.length - 1]));
  }

  shift(op: number, a: V, by: number): number {
    this.get(a);
    this.code.push(0x41, ...sleb(by));
    this.simd(op);
    return this.set();
  }

  // ---- float32 transcendentals (Cephes expf/logf/tanhf/sinf/cosf)

  exp(x: V): number {
    const c = this.op(S.min, this.op(S.max, x, f(-104)), f(89));
    const fx = this.op(S.nearest, this.mul(c, f(Math.LOG2E)));
    const r = this.sub(this.sub(c, this.mul(fx, f(0.693359375))), this.mul(fx, f(-2.12194440e-4)));
    const p = this.horner(r, [1.9875691500e-4, 1.3981999507e-3, 8.3334519073e-3, 4.1665795894e-2, 1.6666665459e-1, 5.0000001201e-1]);
    const y = this.add(this.add(this.mul(p, this.mul(r, r)), r), f(1));
    // 2^k in two factors, each a normal float, so results down to the subnormals round once.
    const k = this.op(S.truncSat, fx);
    const k1 = this.shift(S.i32ShrS, k, 1);
    const k2 = this.op(S.i32Sub, k, k1);
    const pow2 = (e: V) => this.shift(S.i32Shl, this.op(S.i32Add, e, i(127)), 23);
    return this.mul(this.mul(y, pow2(k1)), pow2(k2));
  }

  log(x: V): number {
    const tiny = this.op(S.f32Lt, x, f(1.17549435e-38));
    const xs = this.sel(tiny, this.mul(x, f(8388608)), x);
    const e0 = this.op(S.i32Sub, this.shift(S.i32ShrU, xs, 23), this.sel(tiny, i(127 + 23), i(127)));
    const m = this.op(S.or, this.op(S.and, xs, i(0x007fffff)), i(0x3f800000));
    const big = this.op(S.f32Gt, m, f(Math.SQRT2));
    const fm = this.sub(this.sel(big, this.mul(m, f(0.5)), m), f(1));
    const e = this.op(S.convert, this.op(S.i32Sub, e0, big));
    const z = this.mul(fm, fm);
    const p = this.horner(fm, [7.0376836292e-2, -1.1514610310e-1, 1.1676998740e-1, -1.2420140846e-1, 1.4249322787e-1,
      -1.6668057665e-1, 2.0000714765e-1, -2.4999993993e-1, 3.3333331174e-1]);
    let y = this.mul(this.mul(p, fm), z);
    y = this.add(y, this.mul(e, f(-2.12194440e-4)));
    y = this.sub(y, this.mul(z, f(0.5)));
    let r = this.add(this.add(fm, y), this.mul(e, f(0.693359375)));
    r = this.sel(this.op(S.f32Eq, x, f(0)), f(-Infinity), r);
    r = this.sel(this.op(S.f32Lt, x, f(0)), f(NaN), r);
    return this.sel(this.op(S.or, this.op(S.f32Eq, x, f(Infinity)), this.op(S.f32Ne, x, x)), x, r);
  }

  tanh(x: V): number {
    const a = this.op(S.abs, x);
    const z = this.mul(a, a);
    const p = this.horner(z, [-5.70498872745e-3, 2.06390887954e-2, -5.37397155531e-2, 1.33314422036e-1, -3.33332819422e-1]);
    const small = this.add(this.mul(this.mul(p, z), a), a);
    const large = this.sub(f(1), this.div(f(2), this.add(this.exp(this.add(a, a)), f(1))));
    const y = this.sel(this.op(S.f32Lt, a, f(0.625)), small, large);
    return this.op(S.or, y, this.op(S.and, x, i(-0x80000000)));
  }

  /** The stable form, and 0 where PyTorch's 1 / (1 + exp(-x)) overflows (LOGISTIC_ZERO_BELOW). */
  logistic(x: V): number {
    const e = this.exp(this.op(S.neg, this.op(S.abs, x)));
    const d = this.add(f(1), e);
    const y = this.sel(this.op(S.f32Ge, x, f(0)), this.div(f(1), d), this.div(e, d));
    return this.sel(this.op(S.f32Lt, x, f(LOGISTIC_ZERO_BELOW.float32)), f(0), y);
  }

  /**
   * a - y·π/4 in float64 (two lanes at a time), π/4 split so that y·hi is exact: in float32 the
   * intermediate a - y·hi rounds away the very bits that matter near the zeros of sin and cos.
   */
  reduceOctant(a: number, y: number): number {
    const half = (high: boolean): number => {
      const pick = (v: number) => {
        if (!high) return v;
        this.get(v);
        this.get(v);
        this.simd(S.shuffle, 8, 9, 10, 11, 12, 13, 14, 15, 8, 9, 10, 11, 12, 13, 14, 15);
        return this.set();
      };
      const ad = this.op(S.promote, pick(a));
      const yd = this.op(S.promote, pick(y));
      const hi = this.op(S.f64Sub, ad, this.op(S.f64Mul, yd, d(PIO4_HI)));
      return this.op(S.demote, this.op(S.f64Sub, hi, this.op(S.f64Mul, yd, d(PIO4_LO))));
    };
    const lo = half(false);
    const hi = half(true);
    this.get(lo);
    this.get(hi);
    this.simd(S.shuffle, 0, 1, 2, 3, 4, 5, 6, 7, 16, 17, 18, 19, 20, 21, 22, 23);
    return this.set();
  }

  /**
   * The octant reduction of sin and cos and both polynomials, by the local holding x: sin(x) and
   * cos(x) in one loop body (a gradient beside its value) share them. Only for straight-line code
   * (a kernel's loop body), where a local set once holds its value to the end.
   */
  private readonly octants = new Map<V, { readonly a: number; readonly j: number; readonly ysin: number; readonly ycos: number }>();

  private octant(x: V) {
    const known = typeof x === 'number' ? this.octants.get(x) : undefined;
    if (known) return known;
    const a = this.op(S.abs, x);
    const j = this.op(S.andnot, this.op(S.i32Add, this.op(S.truncSat, this.mul(a, f(4 / Math.PI))), i(1)), i(1));
    const yj = this.op(S.convert, j);
    const r = this.reduceOctant(a, yj);
    const z = this.mul(r, r);
    const ps = this.horner(z, [-1.9515295891e-4, 8.3321608736e-3, -1.6666654611e-1]);
    const ysin = this.add(this.mul(this.mul(ps, z), r), r);
    const pc = this.horner(z, [2.443315711809948e-5, -1.388731625493765e-3, 4.166664568298827e-2]);
    const ycos = this.add(this.sub(this.mul(this.mul(pc, z), z), this.mul(z, f(0.5))), f(1));
    const reduced = { a, j, ysin, ycos };
    if (typeof x === 'number') this.octants.set(x, reduced);
    return reduced;
  }

  /** sin or cos: Cephes's octant reduction for |x| ≤ 8192; other lanes (and ±Inf) take Math.sin/cos rounded to float32. */
  sincos(x: V, cos: boolean): number {
    const { a, j, ysin, ycos } = this.octant(x);
    const odd = this.op(S.i32Eq, this.op(S.and, j, i(2)), i(2));
    const y = cos ? this.sel(odd, ysin, ycos) : this.sel(odd, ycos, ysin);
    const flip = this.shift(S.i32Shl, this.op(S.and, cos ? this.op(S.i32Add, j, i(2)) : j, i(4)), 29);
    const sign = cos ? flip : this.op(S.xor, flip, this.op(S.and, x, i(-0x80000000)));
    const out = this.op(S.xor, y, sign);
    // NB: NaN compares false here and comes through the polynomial as NaN.
    const far = this.op(S.f32Gt, a, f(SINCOS_MAX));
    this.get(far);
    this.simd(S.anyTrue);
    this.code.push(0x04, 0x40);
    for (let k = 0; k < 4; k++) {
      this.get(out);
      this.get(x);
      this.simd(S.f32Extract, k);
      this.code.push(0xbb, 0x10, ...uleb(cos ? this.cosFn : this.sinFn), 0xb6);
      this.simd(S.f32Replace, k);
      this.code.push(0x21, ...uleb(out));
    }
    this.code.push(0x0b);
    return out;
  }
}

