import { sizeOf, type AnyTypedArray, type DType } from '../../core';
import { type ElementwisePrimitive, type ParamsOf, type Primitive, type ReductionPrimitive } from '../../primitives';
import { d, Emitter, f, i, instantiateKernel, kernelModule, memoryOf, S, sleb, uleb, v128Const, type V } from '../../wasm';
import type { HostKernel } from './codegen_js';
import type { KernelSpec, MemberSpec, Ref } from './kernel_spec';
import { isLowered, lowerMember, REDUCE_OP_OF, scalarNodes, type LowerMember, type ReduceOp, type Scalar, type ScalarNode, type ScalarOp } from '../../scalar';

// WebAssembly SIMD kernels for fused float32 chains: 4 lanes at a time, the module's bytes
// written by runtime/wasm. Transcendentals are its Cephes-style polynomials in float32, so
// unlike codegen_js.ts results are not bit-identical to the reference (see MATH_ULPS), and a
// sum adds in float64 as the reference does but in 4 interleaved partial sums, (l0+l1)+(l2+l3),
// not left to right, so it can differ in the last float32 bit.

/** Each scalar op over 4 float32 lanes (a bool is a lane mask); null where it has no vector form, so a kernel using it runs in JS. */
const WASM_OPS: { readonly [Op in ScalarOp]: ((em: Emitter, a: readonly V[], node: ScalarNode) => V) | null } = {
  neg: (em, [a]) => em.op(S.neg, a),
  abs: (em, [a]) => em.op(S.abs, a),
  sign: (em, [a]) => em.sel(em.op(S.f32Gt, a, f(0)), f(1), em.sel(em.op(S.f32Lt, a, f(0)), f(-1), a)),
  floor: (em, [a]) => em.op(S.floor, a),
  sqrt: (em, [a]) => em.op(S.sqrt, a),
  exp: (em, [a]) => em.exp(a),
  log: (em, [a]) => em.log(a),
  log1p: null,
  expm1: null,
  sin: (em, [a]) => em.sincos(a, false),
  cos: (em, [a]) => em.sincos(a, true),
  tan: null,
  tanh: (em, [a]) => em.tanh(a),
  logistic: (em, [a]) => em.logistic(a),
  add: (em, [a, b]) => em.add(a, b),
  sub: (em, [a, b]) => em.sub(a, b),
  mul: (em, [a, b]) => em.mul(a, b),
  div: (em, [a, b]) => em.div(a, b),
  pow: null,
  // The reference's max/min: NaN from either side, ties keep the first operand (max(-0, 0) is -0).
  max: (em, [a, b]) => nanOr(em, a, b, em.sel(em.op(S.f32Ge, a, b), a, b)),
  min: (em, [a, b]) => nanOr(em, a, b, em.sel(em.op(S.f32Le, a, b), a, b)),
  lt: (em, [a, b]) => em.op(S.f32Lt, a, b),
  le: (em, [a, b]) => em.op(S.f32Le, a, b),
  gt: (em, [a, b]) => em.op(S.f32Gt, a, b),
  ge: (em, [a, b]) => em.op(S.f32Ge, a, b),
  eq: (em, [a, b]) => em.op(S.f32Eq, a, b),
  ne: (em, [a, b]) => em.op(S.f32Ne, a, b),
  where: (em, [p, t, e]) => em.sel(p, t, e),
  cast: (em, [a], node) => (node.dtype === 'bool' ? em.op(S.f32Ne, a, f(0)) : node.args[0].dtype === 'bool' ? em.sel(a, f(1), f(0)) : a),
};

function nanOr(em: Emitter, a: V, b: V, picked: V): V {
  return em.sel(em.op(S.or, em.op(S.f32Ne, a, a), em.op(S.f32Ne, b, b)), f(NaN), picked);
}

const COMPARISON_OPS: ReadonlySet<ScalarOp> = new Set<ScalarOp>(['lt', 'le', 'gt', 'ge', 'eq', 'ne']);
/** The reductions over 4 lanes: sums accumulate in two f64x2 (as the reference's JS number does), max/min in one f32x4. */
const WASM_REDUCE: { readonly [R in ReduceOp]: { readonly identity: number; readonly lanes: 'f64x2' | number } | null } = {
  sum: { identity: 0, lanes: 'f64x2' },
  prod: null,
  max: { identity: -Infinity, lanes: S.max },
  min: { identity: Infinity, lanes: S.min },
};
const MAX_POW = 16;

function refDtypeOf(spec: KernelSpec): (r: Ref) => DType {
  return (r) => ('literal' in r ? r.dtype : 'input' in r ? spec.inputs[r.input].dtype : spec.members[r.member].out.dtype);
}

/** Why `node` has no wasm form: its op has no vector rule, or its dtypes are not float32 (bool only as a mask it did not get from a literal). */
function nodeIneligible(node: ScalarNode, p: Primitive, isLiteral: (s: Scalar) => boolean): string | null {
  if (WASM_OPS[node.op] === null) return p;
  const dtypes = node.args.map((a) => a.dtype);
  const mask = (s: Scalar) => s.dtype === 'bool' && !isLiteral(s);
  if (COMPARISON_OPS.has(node.op)) return dtypes.every((t) => t === 'float32') ? null : `${p} of non-float32`;
  if (node.op === 'where') return mask(node.args[0]) && dtypes[1] === 'float32' && dtypes[2] === 'float32' ? null : 'select form';
  if (node.op === 'cast') {
    if (!(dtypes[0] === 'float32' || mask(node.args[0]))) return `convert from ${dtypes[0]}`;
    return node.dtype === 'float32' || node.dtype === 'bool' ? null : `convert to ${node.dtype}`;
  }
  return node.dtype === 'float32' && dtypes.every((t) => t === 'float32') ? null : `${p} of ${node.dtype}`;
}

/**
 * Why `spec` cannot run as a wasm SIMD kernel, or null when it can: float32 values (bool only as
 * a comparison's mask), every value either of the domain's size (read at the flat index) or of
 * size 1 (splat), a reduction only over the whole domain, and ops with a vector form.
 */
export function wasmIneligible(spec: KernelSpec, lower: LowerMember = lowerMember): string | null {
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
    const p = s.primitive;
    if (spec.reduction?.member === m) {
      if (WASM_REDUCE[REDUCE_OP_OF[p as ReductionPrimitive]] === null) return p;
      if (spec.domain.some((d, k) => d !== 1 && !spec.reduction!.axes.includes(k))) return 'partial reduction';
      if (s.out.dtype !== 'float32') return `reduction of ${s.out.dtype}`;
      continue;
    }
    if (!fits(s.out.shape)) return 'member broadcast along an axis';
    if (!isLowered(p)) {
      if (s.out.dtype !== 'float32') return `${p} of ${s.out.dtype}`;
      continue;
    }
    if (p === 'integer_pow' && Math.abs((s.params as ParamsOf<'integer_pow'>).y) > MAX_POW) return 'integer_pow exponent';
    const body = lower(p as ElementwisePrimitive, s.params, s.args.map(refDtype), s.out.dtype);
    if (body.kind !== 'op' && (s.out.dtype !== 'float32' || s.args.some((r) => refDtype(r) !== 'float32'))) return `${p} of ${s.out.dtype}`;
    const isLiteral = (x: Scalar) => x.kind === 'const' || (x.kind === 'arg' && 'literal' in s.args[x.index]);
    for (const node of scalarNodes(body)) {
      const why = nodeIneligible(node, p, isLiteral);
      if (why !== null) return why;
    }
  }
  for (const m of spec.outputs) if (m !== spec.reduction?.member && spec.members[m].out.dtype !== 'float32') return 'bool output';
  return null;
}

/** The module of `spec` (assumed eligible). Its function takes one byte offset per input, then per output. */
export function generateWasm(spec: KernelSpec, lower: LowerMember = lowerMember): Uint8Array<ArrayBuffer> {
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
  const redRule = redSpec ? WASM_REDUCE[REDUCE_OP_OF[redSpec.primitive as ReductionPrimitive]]! : null;
  const ident = redRule?.identity ?? 0;
  const isSum = redRule?.lanes === 'f64x2';
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
  // Each input is loaded once an iteration, however many members read it (sin and cos of x then share their reduction).
  const loaded: V[] = [];
  const value = (r: Ref): V => {
    if ('literal' in r) return f(r.literal);
    if ('member' in r) return values[r.member];
    if (splats[r.input] >= 0) return splats[r.input];
    if (loaded[r.input] !== undefined) return loaded[r.input];
    c.push(0x20, ...uleb(r.input), 0x20, ...uleb(oLocal), 0x6a);
    em.simd(S.load, 4, 0);
    return (loaded[r.input] = em.set());
  };
  spec.members.forEach((s, m) => {
    if (red?.member === m) return;
    values[m] = member(em, s, s.args.map(value), s.args.map(refDtype), lower);
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
      em.simd(redRule!.lanes as number);
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

/** A member's value: its operand for a re-index, else its lowering rendered with WASM_OPS. */
function member(em: Emitter, s: MemberSpec, a: readonly V[], dtypes: readonly DType[], lower: LowerMember): V {
  if (!isLowered(s.primitive)) return a[0];
  const values = new Map<Scalar, V>();
  const render = (x: Scalar): V => {
    if (x.kind === 'arg') return a[x.index];
    if (x.kind === 'const') return f(x.value);
    const known = values.get(x);
    if (known !== undefined) return known;
    const v = WASM_OPS[x.op]!(em, x.args.map(render), x);
    values.set(x, v);
    return v;
  };
  return render(lower(s.primitive as ElementwisePrimitive, s.params, dtypes, s.out.dtype));
}

/** A compiled wasm kernel with the HostKernel signature: copies inputs into the shared memory, runs, copies outputs out. */
export function compileWasm(spec: KernelSpec, lower: LowerMember = lowerMember): HostKernel {
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
  const run = instantiateKernel(generateWasm(spec, lower), end);
  const red = spec.reduction;
  const redOp = red ? REDUCE_OP_OF[spec.members[red.member].primitive as ReductionPrimitive] : null;
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
      if (redOp === 'sum') {
        const [a, b, c, d] = new Float64Array(f32.buffer, at * 4, 4);
        o[0] = (a + b) + (c + d);
        return;
      }
      const lanes = [...f32.subarray(at, at + 4)];
      o[0] = lanes.some(Number.isNaN) ? NaN : redOp === 'max' ? Math.max(...lanes) : Math.min(...lanes);
    });
  };
}
