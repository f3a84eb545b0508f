import { sizeOf, type AnyTypedArray } from '../../core';
import { d, Emitter, f, i, instantiateKernel, kernelModule, memoryOf, S, sleb, uleb, v128Const, type V } from '../../wasm';
import type { HostKernel } from './codegen_js';
import type { KernelSpec, MemberSpec, Ref } from './kernel_spec';

// WebAssembly SIMD kernels for fused float32 chains: 4 lanes at a time, the module's bytes
// written by runtime/wasm. Transcendentals are its Cephes-style polynomials in float32, so
// unlike codegen_js.ts results are not bit-identical to the reference (see MATH_ULPS), and a
// sum adds in float64 as the reference does but in 4 interleaved partial sums, (l0+l1)+(l2+l3),
// not left to right, so it can differ in the last float32 bit.

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
  return kernelModule(nParams, em.v128Locals, c);
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
  const run = instantiateKernel(generateWasm(spec), end);
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
