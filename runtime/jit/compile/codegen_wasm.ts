import { sizeOf, type AnyTypedArray } from '../../core';
import type { HostKernel } from './codegen_js';
import type { KernelSpec, MemberSpec, Ref } from './kernel_spec';

// WebAssembly SIMD kernels for fused float32 chains: 4 lanes at a time, the module's bytes
// written here (no assembler). Transcendentals are Cephes-style polynomials in float32, so
// unlike codegen_js.ts results are not bit-identical to the reference (see MATH_ULPS), and a
// sum adds in float64 as the reference does but in 4 interleaved partial sums, (l0+l1)+(l2+l3),
// not left to right, so it can differ in the last float32 bit.

/** Worst error measured against Math.* rounded to float32, in float32 ulps (test/unit/jit/compile/wasm_math.test.ts). */
export const MATH_ULPS = { exp: 1, log: 1, tanh: 2, logistic: 3, sin: 2, cos: 2 } as const;

// ---- a minimal binary writer

const uleb = (n: number): number[] => {
  const out: number[] = [];
  do {
    let b = n & 0x7f;
    n >>>= 7;
    if (n !== 0) b |= 0x80;
    out.push(b);
  } while (n !== 0);
  return out;
};

const sleb = (n: number): number[] => {
  const out: number[] = [];
  for (;;) {
    const b = n & 0x7f;
    n >>= 7;
    if ((n === 0 && (b & 0x40) === 0) || (n === -1 && (b & 0x40) !== 0)) return [...out, b];
    out.push(b | 0x80);
  }
};

const str = (s: string): number[] => [...uleb(s.length), ...[...s].map((c) => c.charCodeAt(0))];
const vec = (items: readonly number[][]): number[] => [...uleb(items.length), ...items.flat()];
const section = (id: number, body: number[]): number[] => [id, ...uleb(body.length), ...body];

const I32 = 0x7f;
const F64 = 0x7c;
const V128 = 0x7b;

/** SIMD opcodes (after the 0xfd prefix) used here. */
export const S = {
  load: 0x00, load32Splat: 0x09, store: 0x0b, const: 0x0c, i32Splat: 0x11, f32Splat: 0x13, f32Extract: 0x1f, f32Replace: 0x20,
  i32Eq: 0x37, i32LtU: 0x3a, f32Eq: 0x41, f32Ne: 0x42, f32Lt: 0x43, f32Gt: 0x44, f32Le: 0x45, f32Ge: 0x46,
  not: 0x4d, and: 0x4e, andnot: 0x4f, or: 0x50, xor: 0x51, bitselect: 0x52, anyTrue: 0x53,
  nearest: 0x6a, i32Shl: 0xab, i32ShrS: 0xac, i32ShrU: 0xad, i32Add: 0xae, i32Sub: 0xb1,
  abs: 0xe0, neg: 0xe1, sqrt: 0xe3, add: 0xe4, sub: 0xe5, mul: 0xe6, div: 0xe7, min: 0xe8, max: 0xe9,
  truncSat: 0xf8, convert: 0xfa, shuffle: 0x0d, demote: 0x5e, promote: 0x5f, f64Add: 0xf0, f64Sub: 0xf1, f64Mul: 0xf2,
} as const;

/** A v128 operand: a local, or a constant splat of a float32 or an int32. */
type V = number | { readonly f: number } | { readonly i: number } | { readonly d: number };
const f = (v: number): V => ({ f: v });
const i = (v: number): V => ({ i: v });
const d = (v: number): V => ({ d: v });

/** π/4 as hi + lo, hi with 33 significant bits: y·hi is exact for the octants y < 2^20 below SINCOS_MAX. */
const PIO4_HI = Math.round(Math.PI / 4 * 2 ** 33) / 2 ** 33;
// NB: Math.PI is itself π rounded; the tail (π - Math.PI)/4 matters once y·π/4 cancels to ~1e-7.
const PIO4_LO = (Math.PI / 4 - PIO4_HI) + 3.061616997868383e-17;
/** Beyond this |x|, sin and cos call Math.sin/Math.cos per lane. */
const SINCOS_MAX = 65536;

function v128Const(lanes: (view: DataView, k: number) => void): number[] {
  const view = new DataView(new ArrayBuffer(16));
  for (let k = 0; k < 4; k++) lanes(view, k * 4);
  return [0xfd, ...uleb(S.const), ...new Uint8Array(view.buffer)];
}

/** The body of the kernel function: every value is a v128 local, written once. */
class Emitter {
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

  logistic(x: V): number {
    const e = this.exp(this.op(S.neg, this.op(S.abs, x)));
    const d = this.add(f(1), e);
    return this.sel(this.op(S.f32Ge, x, f(0)), this.div(f(1), d), this.div(e, d));
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

  /** sin or cos: Cephes's octant reduction for |x| ≤ 8192; other lanes (and ±Inf) take Math.sin/cos rounded to float32. */
  sincos(x: V, cos: boolean): number {
    const a = this.op(S.abs, x);
    const j = this.op(S.andnot, this.op(S.i32Add, this.op(S.truncSat, this.mul(a, f(4 / Math.PI))), i(1)), i(1));
    const yj = this.op(S.convert, j);
    const r = this.reduceOctant(a, yj);
    const z = this.mul(r, r);
    const ps = this.horner(z, [-1.9515295891e-4, 8.3321608736e-3, -1.6666654611e-1]);
    const ysin = this.add(this.mul(this.mul(ps, z), r), r);
    const pc = this.horner(z, [2.443315711809948e-5, -1.388731625493765e-3, 4.166664568298827e-2]);
    const ycos = this.add(this.sub(this.mul(this.mul(pc, z), z), this.mul(z, f(0.5))), f(1));
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

// ---- which kernels qualify

const UNARY = new Set(['neg', 'abs', 'sqrt', 'rsqrt', 'sign', 'exp', 'log', 'tanh', 'logistic', 'sin', 'cos']);
const BINARY = new Set(['add', 'sub', 'mul', 'div', 'max', 'min']);
const COMPARE: Record<string, number> = { lt: S.f32Lt, le: S.f32Le, gt: S.f32Gt, ge: S.f32Ge, eq: S.f32Eq, ne: S.f32Ne };
const REINDEX = new Set(['reshape', 'squeeze', 'expand_dims', 'broadcast_in_dim']);
const MAX_POW = 16;

function refDtypeOf(spec: KernelSpec): (r: Ref) => string {
  return (r) => ('literal' in r ? r.dtype : 'input' in r ? spec.inputs[r.input].dtype : spec.members[r.member].out.dtype);
}

/**
 * Why `spec` cannot run as a wasm SIMD kernel, or null when it can: float32 values (bool only as
 * a comparison's mask), every value either of the domain's size (read at the flat index) or of
 * size 1 (splat), a reduction only over the whole domain, and ops this file vectorises.
 */
export function wasmIneligible(spec: KernelSpec): string | null {
  const n = sizeOf(spec.domain);
  if (n === 0) return 'empty domain';
  if (n >= 2 ** 28) return 'domain too large';
  const fits = (shape: readonly number[]) => sizeOf(shape) === 1 || sizeOf(shape) === n;
  for (const a of spec.inputs) {
    if (a.dtype !== 'float32') return `input of dtype ${a.dtype}`;
    if (!fits(a.shape)) return 'input broadcast along an axis';
  }
  const refDtype = refDtypeOf(spec);
  for (const [m, s] of spec.members.entries()) {
    const isReduction = spec.reduction?.member === m;
    if (isReduction) {
      if (s.primitive !== 'reduce_sum' && s.primitive !== 'reduce_max' && s.primitive !== 'reduce_min') return s.primitive;
      if (spec.domain.some((d, k) => d !== 1 && !spec.reduction!.axes.includes(k))) return 'partial reduction';
      if (s.out.dtype !== 'float32') return `reduction of ${s.out.dtype}`;
      continue;
    }
    if (!fits(s.out.shape)) return 'member broadcast along an axis';
    const argTypes = s.args.map(refDtype);
    const p = s.primitive;
    if (p in COMPARE) {
      if (argTypes.some((t) => t !== 'float32')) return `${p} of non-float32`;
      continue;
    }
    if (p === 'select') {
      if (argTypes[0] !== 'bool' || 'literal' in s.args[0] || argTypes[1] !== 'float32' || argTypes[2] !== 'float32') return 'select form';
      continue;
    }
    if (p === 'convert_element_type') {
      if (!(argTypes[0] === 'float32' || (argTypes[0] === 'bool' && !('literal' in s.args[0])))) return `convert from ${argTypes[0]}`;
      if (s.out.dtype !== 'float32' && s.out.dtype !== 'bool') return `convert to ${s.out.dtype}`;
      continue;
    }
    if (s.out.dtype !== 'float32' || argTypes.some((t) => t !== 'float32')) return `${p} of ${s.out.dtype}`;
    if (p === 'integer_pow') {
      if (Math.abs((s.params as { y: number }).y) > MAX_POW) return 'integer_pow exponent';
      continue;
    }
    if (!UNARY.has(p) && !BINARY.has(p) && !REINDEX.has(p)) return p;
  }
  for (const m of spec.outputs) if (m !== spec.reduction?.member && spec.members[m].out.dtype !== 'float32') return 'bool output';
  return null;
}

// ---- module and memory

/** True when the engine validates a module using v128 (checked once). */
export const wasmSimdSupported: boolean = (() => {
  try {
    const body = [0x00, 0x41, 0x00, 0xfd, ...uleb(S.i32Splat), 0x1a, 0x0b];
    const bytes = [0x00, 0x61, 0x73, 0x6d, 0x01, 0x00, 0x00, 0x00,
      ...section(1, vec([[0x60, 0x00, 0x00]])), ...section(3, vec([[0x00]])), ...section(10, vec([[...uleb(body.length), ...body]]))];
    return typeof WebAssembly === 'object' && WebAssembly.validate(new Uint8Array(bytes));
  } catch {
    return false;
  }
})();

const PAGE = 65536;
let memory: WebAssembly.Memory | null = null;

/** The one memory every wasm kernel imports, at least `bytes` long. */
function memoryOf(bytes: number): WebAssembly.Memory {
  if (memory === null) memory = new WebAssembly.Memory({ initial: Math.max(1, Math.ceil(bytes / PAGE)) });
  const have = memory.buffer.byteLength;
  if (have < bytes) memory.grow(Math.ceil((bytes - have) / PAGE));
  return memory;
}

export function wasmMemoryBytes(): number {
  return memory?.buffer.byteLength ?? 0;
}

/** The module of `spec` (assumed eligible). Its function takes one byte offset per input, then per output. */
export function generateWasm(spec: KernelSpec): Uint8Array<ArrayBuffer> {
  const n = sizeOf(spec.domain);
  const nBytes = Math.ceil(n / 4) * 16;
  const nParams = spec.inputs.length + spec.outputs.length;
  const oLocal = nParams;
  const em = new Emitter(nParams + 1, 0, 1);
  const c = em.code;
  const scalar = (shape: readonly number[]) => sizeOf(shape) === 1 && n !== 1;
  // Scalars are splat once, before the loop.
  const splats = spec.inputs.map((a, k) => {
    if (!scalar(a.shape)) return -1;
    c.push(0x20, ...uleb(k));
    em.simd(S.load32Splat, 2, 0);
    return em.set();
  });
  const red = spec.reduction;
  const redSpec = red ? spec.members[red.member] : null;
  const ident = redSpec?.primitive === 'reduce_sum' ? 0 : redSpec?.primitive === 'reduce_max' ? -Infinity : Infinity;
  // NB: sums accumulate in two f64x2 (as the reference's JS number does), max/min in one f32x4.
  const isSum = redSpec?.primitive === 'reduce_sum';
  const accs: number[] = [];
  if (red) {
    for (let k = 0; k < (isSum ? 2 : 1); k++) {
      em.get(isSum ? d(0) : f(ident));
      accs.push(em.set());
    }
  }
  c.push(0x02, 0x40, 0x03, 0x40);
  c.push(0x20, ...uleb(oLocal), 0x41, ...sleb(nBytes), 0x4f, 0x0d, 0x01);
  const refDtype = refDtypeOf(spec);
  const values: V[] = [];
  const value = (r: Ref): V => {
    if ('literal' in r) return f(r.literal);
    if ('member' in r) return values[r.member];
    if (splats[r.input] >= 0) return splats[r.input];
    c.push(0x20, ...uleb(r.input), 0x20, ...uleb(oLocal), 0x6a);
    em.simd(S.load, 4, 0);
    return em.set();
  };
  spec.members.forEach((s, m) => {
    if (red?.member === m) return;
    values[m] = member(em, s, s.args.map(value), s.args.map(refDtype));
  });
  spec.outputs.forEach((m, k) => {
    if (red?.member === m) return;
    c.push(0x20, ...uleb(spec.inputs.length + k), 0x20, ...uleb(oLocal), 0x6a);
    em.get(values[m]);
    em.simd(S.store, 4, 0);
  });
  if (red) {
    let v = value(redSpec!.args[0]);
    if (n % 4 !== 0) {
      // Lanes past the end read padding: they add the identity.
      c.push(0x20, ...uleb(oLocal), 0x41, 2, 0x76);
      em.simd(S.i32Splat);
      c.push(...v128Const((d, o) => d.setInt32(o, o / 4, true)));
      em.simd(S.i32Add);
      const valid = em.op(S.i32LtU, em.set(), i(n));
      v = em.sel(valid, v, f(ident));
    }
    // NB: f32x4.max/min order -0 below +0, where the reference keeps the first of equal values.
    if (isSum) {
      em.get(accs[0]);
      em.get(v);
      em.simd(S.promote);
      em.simd(S.f64Add);
      c.push(0x21, ...uleb(accs[0]));
      em.get(accs[1]);
      em.get(v);
      em.get(v);
      em.simd(S.shuffle, 8, 9, 10, 11, 12, 13, 14, 15, 8, 9, 10, 11, 12, 13, 14, 15);
      em.simd(S.promote);
      em.simd(S.f64Add);
      c.push(0x21, ...uleb(accs[1]));
    } else {
      em.get(accs[0]);
      em.get(v);
      em.simd(redSpec!.primitive === 'reduce_max' ? S.max : S.min);
      c.push(0x21, ...uleb(accs[0]));
    }
  }
  c.push(0x20, ...uleb(oLocal), 0x41, 16, 0x6a, 0x21, ...uleb(oLocal), 0x0c, 0x00, 0x0b, 0x0b);
  if (red) {
    const slot = spec.outputs.indexOf(red.member);
    if (slot >= 0) {
      accs.forEach((acc, k) => {
        c.push(0x20, ...uleb(spec.inputs.length + slot));
        em.get(acc);
        em.simd(S.store, 4, ...uleb(16 * k));
      });
    }
  }
  c.push(0x0b);
  const locals = [[...uleb(1), I32], [...uleb(em.v128Locals), V128]];
  const body = [...vec(locals), ...c];
  const kernelType = [0x60, ...uleb(nParams), ...Array(nParams).fill(I32), 0x00];
  const mathType = [0x60, 0x01, F64, 0x01, F64];
  const bytes = [0x00, 0x61, 0x73, 0x6d, 0x01, 0x00, 0x00, 0x00,
    ...section(1, vec([kernelType, mathType])),
    ...section(2, vec([[...str('m'), ...str('sin'), 0x00, 0x01], [...str('m'), ...str('cos'), 0x00, 0x01],
      [...str('m'), ...str('mem'), 0x02, 0x00, 0x01]])),
    ...section(3, vec([[0x00]])),
    ...section(7, vec([[...str('k'), 0x00, 0x02]])),
    ...section(10, vec([[...uleb(body.length), ...body]]))];
  return new Uint8Array(bytes);
}

function member(em: Emitter, s: MemberSpec, a: readonly V[], dtypes: readonly string[]): V {
  const p = s.primitive;
  if (p in COMPARE) return em.op(COMPARE[p], a[0], a[1]);
  switch (p) {
    case 'reshape': case 'squeeze': case 'expand_dims': case 'broadcast_in_dim': return a[0];
    case 'select': return em.sel(a[0], a[1], a[2]);
    case 'convert_element_type':
      if (s.out.dtype === 'bool') return em.op(S.f32Ne, a[0], f(0));
      return dtypes[0] === 'bool' ? em.sel(a[0], f(1), f(0)) : a[0];
    case 'add': return em.add(a[0], a[1]);
    case 'sub': return em.sub(a[0], a[1]);
    case 'mul': return em.mul(a[0], a[1]);
    case 'div': return em.div(a[0], a[1]);
    // The reference's max/min: NaN from either side, ties keep the first operand (max(-0, 0) is -0).
    case 'max': case 'min': {
      const pick = em.sel(em.op(p === 'max' ? S.f32Ge : S.f32Le, a[0], a[1]), a[0], a[1]);
      return em.sel(em.op(S.or, em.op(S.f32Ne, a[0], a[0]), em.op(S.f32Ne, a[1], a[1])), f(NaN), pick);
    }
    case 'neg': return em.op(S.neg, a[0]);
    case 'abs': return em.op(S.abs, a[0]);
    case 'sqrt': return em.op(S.sqrt, a[0]);
    case 'rsqrt': return em.div(f(1), em.op(S.sqrt, a[0]));
    case 'sign': return em.sel(em.op(S.f32Gt, a[0], f(0)), f(1), em.sel(em.op(S.f32Lt, a[0], f(0)), f(-1), a[0]));
    case 'integer_pow': return integerPow(em, a[0], (s.params as { y: number }).y);
    case 'exp': return em.exp(a[0]);
    case 'log': return em.log(a[0]);
    case 'tanh': return em.tanh(a[0]);
    case 'logistic': return em.logistic(a[0]);
    case 'sin': return em.sincos(a[0], false);
    case 'cos': return em.sincos(a[0], true);
  }
  throw new Error(`wasm kernel: no rule for ${p}`);
}

/** Repeated squaring in the reference's order, so x**y rounds as it does there. */
function integerPow(em: Emitter, x: V, y: number): V {
  let base = x;
  let acc: V | null = null;
  for (let e = Math.abs(y); e > 0; e = Math.floor(e / 2)) {
    if (e & 1) acc = acc === null ? base : em.mul(acc, base);
    if (e > 1) base = em.mul(base, base);
  }
  const r = acc ?? f(1);
  return y < 0 ? em.div(f(1), r) : r;
}

/** A compiled wasm kernel with the HostKernel signature: copies inputs into the shared memory, runs, copies outputs out. */
export function compileWasm(spec: KernelSpec): HostKernel {
  const n = sizeOf(spec.domain);
  const padded = Math.ceil(n / 4) * 16;
  const region = (shape: readonly number[]) => (sizeOf(shape) === 1 && n !== 1 ? 16 : padded);
  const offsets: number[] = [];
  let end = 0;
  for (const a of spec.inputs) {
    offsets.push(end);
    end += region(a.shape);
  }
  for (const m of spec.outputs) {
    offsets.push(end);
    end += spec.reduction?.member === m ? 32 : padded;
  }
  const mem = memoryOf(end);
  const module = new WebAssembly.Module(generateWasm(spec));
  const instance = new WebAssembly.Instance(module, { m: { mem, sin: Math.sin, cos: Math.cos } });
  const run = instance.exports.k as (...ptrs: number[]) => void;
  const red = spec.reduction;
  const redOp = red ? spec.members[red.member].primitive : null;
  return (ins: readonly AnyTypedArray[], outs: readonly AnyTypedArray[]) => {
    const f32 = new Float32Array(memoryOf(end).buffer);
    ins.forEach((a, k) => f32.set(a, offsets[k] / 4));
    run(...offsets);
    outs.forEach((o, k) => {
      const at = offsets[ins.length + k] / 4;
      if (red?.member !== spec.outputs[k]) {
        o.set(f32.subarray(at, at + o.length));
        return;
      }
      if (redOp === 'reduce_sum') {
        const [a, b, c, d] = new Float64Array(f32.buffer, at * 4, 4);
        o[0] = (a + b) + (c + d);
        return;
      }
      const lanes = [...f32.subarray(at, at + 4)];
      o[0] = lanes.some(Number.isNaN) ? NaN : redOp === 'reduce_max' ? Math.max(...lanes) : Math.min(...lanes);
    });
  };
}
