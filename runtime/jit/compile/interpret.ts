import { allocate, libm, LOGISTIC_ZERO_BELOW, sizeOf, stridesOf, typedArrayFrom, wrapInteger, type AbstractValue, type AnyTypedArray } from '../../core';
import { broadcastIndex, mapIndex, REFERENCE_KERNELS, ReferenceArray } from '../../backends';
import { RESHAPES, type ElementwisePrimitive, type ParamsOf, type Primitive } from '../../primitives';
import type { HostKernel } from './codegen_js';
import type { KernelSpec, MemberSpec, Ref } from './kernel_spec';
import { isLowered, lowerMember, REDUCE_OP_OF, scalarNodes, type LowerMember, type ReduceOp, type Scalar, type ScalarNode, type ScalarOp } from '../../scalar';

/**
 * A fused kernel run without generated code, for pages whose Content-Security-Policy refuses
 * `new Function` (the webview's), where a kernel is not eligible for wasm: each member in turn
 * over whole host arrays. An elementwise member runs its lowering's ops (runtime/scalar) in doubles and
 * is stored in its dtype's array, as the JS kernel rounds at each member's end; float reductions
 * sum in doubles in the same row-major order, the rest run through the reference backend's loops,
 * so results are bit-identical to codegen_js.ts's.
 * Shapes are known when the kernel is built: broadcast index maps and member buffers are made once.
 */
export function interpretKernel(spec: KernelSpec, lower: LowerMember = lowerMember): HostKernel {
  const steps = spec.members.map((m) => stepOf(spec, m, lower));
  return (ins, outs) => {
    const values: AnyTypedArray[] = [];
    for (const step of steps) values.push(step(ins, values));
    spec.outputs.forEach((m, k) => outs[k].set(values[m]));
  };
}

/** Computes one member from the kernel's inputs and the members before it. */
type Step = (ins: readonly AnyTypedArray[], values: readonly AnyTypedArray[]) => AnyTypedArray;

/** `out[i] = op(args[0][i], ...)` for i < n; `node` gives a cast its target dtype. */
type Loop = (out: AnyTypedArray, args: readonly AnyTypedArray[], n: number, node: ScalarNode) => void;

/** A libm function's loop: glibc's for a float64 result (as the reference backend's kernels), else V8's. */
const libmLoop = (f64: (x: number) => number, other: (x: number) => number): Loop => (o, [a], n, node) => {
  const f = node.dtype === 'float64' ? f64 : other;
  for (let i = 0; i < n; i++) o[i] = f(a[i]);
};

// One loop an op, so each stays monomorphic in its operation; values in doubles as codegen_js.ts
// computes them. The reference's semantics: NaN-propagating max/min whose ties keep the first
// operand, comparisons as 1/0.
const LOOPS: { readonly [Op in ScalarOp]: Loop } = {
  neg: (o, [a], n) => { for (let i = 0; i < n; i++) o[i] = -a[i]; },
  abs: (o, [a], n) => { for (let i = 0; i < n; i++) o[i] = Math.abs(a[i]); },
  sign: (o, [a], n) => {
    for (let i = 0; i < n; i++) {
      const x = a[i];
      o[i] = x > 0 ? 1 : x < 0 ? -1 : x;
    }
  },
  floor: (o, [a], n) => { for (let i = 0; i < n; i++) o[i] = Math.floor(a[i]); },
  sqrt: (o, [a], n) => { for (let i = 0; i < n; i++) o[i] = Math.sqrt(a[i]); },
  exp: libmLoop(libm.exp, Math.exp),
  log: libmLoop(libm.log, Math.log),
  log1p: libmLoop(libm.log1p, Math.log1p),
  expm1: libmLoop(libm.expm1, Math.expm1),
  sin: libmLoop(libm.sin, Math.sin),
  cos: libmLoop(libm.cos, Math.cos),
  tan: libmLoop(libm.tan, Math.tan),
  tanh: (o, [a], n) => { for (let i = 0; i < n; i++) o[i] = Math.tanh(a[i]); },
  logistic: (o, [a], n, node) => {
    const zeroBelow = LOGISTIC_ZERO_BELOW[node.dtype === 'float64' ? 'float64' : 'float32'];
    for (let i = 0; i < n; i++) {
      const x = a[i];
      o[i] = x < zeroBelow ? 0 : x >= 0 ? 1 / (1 + Math.exp(-x)) : Math.exp(x) / (1 + Math.exp(x));
    }
  },
  add: (o, [a, b], n) => { for (let i = 0; i < n; i++) o[i] = a[i] + b[i]; },
  sub: (o, [a, b], n) => { for (let i = 0; i < n; i++) o[i] = a[i] - b[i]; },
  mul: (o, [a, b], n) => { for (let i = 0; i < n; i++) o[i] = a[i] * b[i]; },
  div: (o, [a, b], n) => { for (let i = 0; i < n; i++) o[i] = a[i] / b[i]; },
  pow: (o, [a, b], n, node) => {
    const f = node.dtype === 'float64' ? libm.pow : Math.pow;
    for (let i = 0; i < n; i++) o[i] = f(a[i], b[i]);
  },
  max: (o, [a, b], n) => {
    for (let i = 0; i < n; i++) {
      const x = a[i];
      const y = b[i];
      o[i] = x !== x || y !== y ? NaN : x >= y ? x : y;
    }
  },
  min: (o, [a, b], n) => {
    for (let i = 0; i < n; i++) {
      const x = a[i];
      const y = b[i];
      o[i] = x !== x || y !== y ? NaN : x <= y ? x : y;
    }
  },
  lt: (o, [a, b], n) => { for (let i = 0; i < n; i++) o[i] = a[i] < b[i] ? 1 : 0; },
  le: (o, [a, b], n) => { for (let i = 0; i < n; i++) o[i] = a[i] <= b[i] ? 1 : 0; },
  gt: (o, [a, b], n) => { for (let i = 0; i < n; i++) o[i] = a[i] > b[i] ? 1 : 0; },
  ge: (o, [a, b], n) => { for (let i = 0; i < n; i++) o[i] = a[i] >= b[i] ? 1 : 0; },
  eq: (o, [a, b], n) => { for (let i = 0; i < n; i++) o[i] = a[i] === b[i] ? 1 : 0; },
  ne: (o, [a, b], n) => { for (let i = 0; i < n; i++) o[i] = a[i] !== b[i] ? 1 : 0; },
  where: (o, [p, t, f], n) => { for (let i = 0; i < n; i++) o[i] = p[i] !== 0 ? t[i] : f[i]; },
  // As codegen_js.ts casts: into a double buffer the rounding must be written out.
  cast: (o, [a], n, node) => {
    switch (node.dtype) {
      case 'bool': for (let i = 0; i < n; i++) o[i] = a[i] !== 0 ? 1 : 0; return;
      case 'int32': for (let i = 0; i < n; i++) o[i] = a[i] | 0; return;
      case 'int64':
      case 'uint64': for (let i = 0; i < n; i++) o[i] = Math.trunc(a[i]); return;
      case 'float32': for (let i = 0; i < n; i++) o[i] = Math.fround(a[i]); return;
      case 'float64': o.set(a.subarray(0, n)); return;
      case 'uint32':
      case 'uint8':
      case 'int8':
      case 'int16':
      case 'uint16': { const d = node.dtype; for (let i = 0; i < n; i++) o[i] = wrapInteger(d, a[i]); return; }
      case 'key<fry>': throw new Error('interpret: key arrays are never fused (plan.ts)');
    }
  },
};

/** Float reductions as the reference's steps: the accumulator a double, NaN kept once met. */
const REDUCE: { readonly [R in ReduceOp]: { readonly init: number; readonly step: (acc: number, v: number) => number } } = {
  sum: { init: 0, step: (acc, v) => acc + v },
  prod: { init: 1, step: (acc, v) => acc * v },
  max: { init: -Infinity, step: (acc, v) => (acc !== acc || v !== v ? NaN : v > acc ? v : acc) },
  min: { init: Infinity, step: (acc, v) => (acc !== acc || v !== v ? NaN : v < acc ? v : acc) },
};

const RESHAPED: ReadonlySet<Primitive> = new Set(RESHAPES);

/**
 * An elementwise member over whole arrays: each op node of its lowering a loop into a buffer of
 * doubles (as codegen_js.ts keeps values inside a member), the root's into `out`, whose store
 * rounds to the member's dtype as the JS kernel's cast does.
 */
function mapStep(root: Scalar, operands: readonly Step[], out: AnyTypedArray, n: number): Step {
  if (root.kind === 'const') {
    out.fill(root.value);
    return () => out;
  }
  if (root.kind === 'arg') {
    const a = operands[root.index];
    return (ins, values) => {
      out.set(a(ins, values));
      return out;
    };
  }
  const nodes = scalarNodes(root);
  const buffers = new Map<Scalar, AnyTypedArray>(nodes.map((x) => [x, x === root ? out : new Float64Array(n)]));
  const leaves = new Map<Scalar, number>();
  const consts = new Map<Scalar, Float64Array>();
  for (const x of nodes) {
    for (const a of x.args) {
      if (a.kind === 'arg') leaves.set(a, a.index);
      else if (a.kind === 'const' && !consts.has(a)) consts.set(a, new Float64Array(n).fill(a.value));
    }
  }
  const program = nodes.map((x) => ({ loop: LOOPS[x.op], node: x, out: buffers.get(x)!, args: x.args }));
  return (ins, values) => {
    const at = (a: Scalar): AnyTypedArray => (a.kind === 'arg' ? operands[a.index](ins, values) : a.kind === 'const' ? consts.get(a)! : buffers.get(a)!);
    for (const p of program) p.loop(p.out, p.args.map(at), n, p.node);
    return out;
  };
}

function stepOf(spec: KernelSpec, m: MemberSpec, lower: LowerMember): Step {
  const avalOf = (r: Ref): AbstractValue => ('literal' in r ? { shape: [], dtype: r.dtype } : 'input' in r ? spec.inputs[r.input] : spec.members[r.member].out);
  const raw = (r: Ref): Step => {
    if ('literal' in r) {
      const v = typedArrayFrom(r.dtype, [r.literal]);
      return () => v;
    }
    return 'input' in r ? (ins) => ins[r.input] : (_, values) => values[r.member];
  };
  // A re-index of a whole array is the same values: no copy.
  if (RESHAPED.has(m.primitive)) return raw(m.args[0]);
  const n = sizeOf(m.out.shape);
  if (isLowered(m.primitive)) {
    const out = allocate(m.out.dtype, n);
    // Each operand at the output's shape: as it is, or gathered through its broadcast (a literal filled once).
    const operands = m.args.map((r): Step => {
      const index = broadcastIndex(avalOf(r).shape, m.out.shape);
      if (index === null) return raw(r);
      const dtype = avalOf(r).dtype;
      const spread = allocate(dtype, n);
      if ('literal' in r) {
        spread.fill(typedArrayFrom(dtype, [r.literal])[0]);
        return () => spread;
      }
      const source = raw(r);
      return (ins, values) => {
        const src = source(ins, values);
        for (let i = 0; i < n; i++) spread[i] = src[index[i]];
        return spread;
      };
    });
    const root = lower(m.primitive as ElementwisePrimitive, m.params, m.args.map((r) => avalOf(r).dtype), m.out.dtype);
    return mapStep(root, operands, out, n);
  }
  if (m.primitive === 'broadcast_in_dim') {
    const x = avalOf(m.args[0]);
    const inStrides = stridesOf(x.shape);
    const strides = m.out.shape.map(() => 0);
    (m.params as ParamsOf<'broadcast_in_dim'>).broadcastDimensions.forEach((d, i) => {
      if (x.shape[i] !== 1) strides[d] = inStrides[i];
    });
    const index = mapIndex(m.out.shape, strides, 0);
    const out = allocate(m.out.dtype, n);
    const source = raw(m.args[0]);
    return (ins, values) => {
      const src = source(ins, values);
      for (let i = 0; i < n; i++) out[i] = src[index[i]];
      return out;
    };
  }
  const reduce = (REDUCE_OP_OF as Partial<Record<Primitive, ReduceOp>>)[m.primitive];
  // NB: float results only: the reference casts an int32 or bool accumulator as typedArrayFrom does, not as a store would.
  if (reduce && (m.out.dtype === 'float32' || m.out.dtype === 'float64')) {
    const x = avalOf(m.args[0]);
    const strides = stridesOf(x.shape);
    const axes = [...(m.params as ParamsOf<'reduce_sum'>).axes].sort((a, b) => a - b);
    const kept = x.shape.map((_, i) => i).filter((i) => !axes.includes(i));
    const outer = mapIndex(kept.map((i) => x.shape[i]), kept.map((i) => strides[i]), 0);
    const inner = mapIndex(axes.map((i) => x.shape[i]), axes.map((i) => strides[i]), 0);
    const out = allocate(m.out.dtype, n);
    const source = raw(m.args[0]);
    const { init, step } = REDUCE[reduce];
    return (ins, values) => {
      const src = source(ins, values);
      for (let o = 0; o < outer.length; o++) {
        let acc = init;
        const base = outer[o];
        for (let j = 0; j < inner.length; j++) acc = step(acc, src[base + inner[j]]);
        out[o] = acc;
      }
      return out;
    };
  }
  const kernel = REFERENCE_KERNELS[m.primitive] as (inputs: readonly ReferenceArray[], params: unknown, out: AbstractValue) => ReferenceArray;
  const args = m.args.map((r) => ({ aval: avalOf(r), value: raw(r) }));
  return (ins, values) => kernel(args.map((a) => new ReferenceArray(a.aval.shape, a.aval.dtype, a.value(ins, values))), m.params, m.out).data;
}
