import { allocate, sizeOf, stridesOf, typedArrayFrom, type AbstractValue, type AnyTypedArray } from '../../core';
import { broadcastIndex, mapIndex, REFERENCE_KERNELS, ReferenceArray } from '../../backends';
import type { ParamsOf } from '../../primitives';
import type { HostKernel } from './codegen_js';
import type { KernelSpec, MemberSpec, Ref } from './kernel_spec';

/**
 * A fused kernel run without generated code, for pages whose Content-Security-Policy refuses
 * `new Function` (the webview's), where a kernel is not eligible for wasm: each member in turn
 * over whole host arrays. Every value is stored in its dtype's array after each op, as the JS
 * kernel rounds after each op, and the rest run through the reference backend's loops (sums in
 * doubles in the same row-major order), so results are bit-identical to codegen_js.ts's.
 * Shapes are known when the kernel is built: broadcast index maps and member buffers are made once.
 */
export function interpretKernel(spec: KernelSpec): HostKernel {
  const steps = spec.members.map((m) => stepOf(spec, m));
  return (ins, outs) => {
    const values: AnyTypedArray[] = [];
    for (const step of steps) values.push(step(ins, values));
    spec.outputs.forEach((m, k) => outs[k].set(values[m]));
  };
}

/** Computes one member from the kernel's inputs and the members before it. */
type Step = (ins: readonly AnyTypedArray[], values: readonly AnyTypedArray[]) => AnyTypedArray;

type Loop1 = (out: AnyTypedArray, a: AnyTypedArray, n: number) => void;
type Loop2 = (out: AnyTypedArray, a: AnyTypedArray, b: AnyTypedArray, n: number) => void;

// One loop a primitive, so each stays monomorphic in its operation. The reference's semantics:
// NaN-propagating max/min whose ties keep the first operand, comparisons as 1/0.
const UNARY: Readonly<Record<string, Loop1>> = {
  neg: (o, a, n) => { for (let i = 0; i < n; i++) o[i] = -a[i]; },
  exp: (o, a, n) => { for (let i = 0; i < n; i++) o[i] = Math.exp(a[i]); },
  log: (o, a, n) => { for (let i = 0; i < n; i++) o[i] = Math.log(a[i]); },
  tanh: (o, a, n) => { for (let i = 0; i < n; i++) o[i] = Math.tanh(a[i]); },
  sqrt: (o, a, n) => { for (let i = 0; i < n; i++) o[i] = Math.sqrt(a[i]); },
  abs: (o, a, n) => { for (let i = 0; i < n; i++) o[i] = Math.abs(a[i]); },
  sin: (o, a, n) => { for (let i = 0; i < n; i++) o[i] = Math.sin(a[i]); },
  cos: (o, a, n) => { for (let i = 0; i < n; i++) o[i] = Math.cos(a[i]); },
  logistic: (o, a, n) => {
    for (let i = 0; i < n; i++) {
      const x = a[i];
      o[i] = x >= 0 ? 1 / (1 + Math.exp(-x)) : Math.exp(x) / (1 + Math.exp(x));
    }
  },
};

const BINARY: Readonly<Record<string, Loop2>> = {
  add: (o, a, b, n) => { for (let i = 0; i < n; i++) o[i] = a[i] + b[i]; },
  sub: (o, a, b, n) => { for (let i = 0; i < n; i++) o[i] = a[i] - b[i]; },
  mul: (o, a, b, n) => { for (let i = 0; i < n; i++) o[i] = a[i] * b[i]; },
  div: (o, a, b, n) => { for (let i = 0; i < n; i++) o[i] = a[i] / b[i]; },
  max: (o, a, b, n) => {
    for (let i = 0; i < n; i++) {
      const x = a[i];
      const y = b[i];
      o[i] = x !== x || y !== y ? NaN : x >= y ? x : y;
    }
  },
  min: (o, a, b, n) => {
    for (let i = 0; i < n; i++) {
      const x = a[i];
      const y = b[i];
      o[i] = x !== x || y !== y ? NaN : x <= y ? x : y;
    }
  },
  lt: (o, a, b, n) => { for (let i = 0; i < n; i++) o[i] = a[i] < b[i] ? 1 : 0; },
  le: (o, a, b, n) => { for (let i = 0; i < n; i++) o[i] = a[i] <= b[i] ? 1 : 0; },
  gt: (o, a, b, n) => { for (let i = 0; i < n; i++) o[i] = a[i] > b[i] ? 1 : 0; },
  ge: (o, a, b, n) => { for (let i = 0; i < n; i++) o[i] = a[i] >= b[i] ? 1 : 0; },
  eq: (o, a, b, n) => { for (let i = 0; i < n; i++) o[i] = a[i] === b[i] ? 1 : 0; },
  ne: (o, a, b, n) => { for (let i = 0; i < n; i++) o[i] = a[i] !== b[i] ? 1 : 0; },
};

const RESHAPES: ReadonlySet<string> = new Set(['reshape', 'squeeze', 'expand_dims']);

/** Float reductions as the reference's steps: the accumulator a double, NaN kept once met. */
const REDUCE: Readonly<Record<string, { readonly init: number; readonly step: (acc: number, v: number) => number }>> = {
  reduce_sum: { init: 0, step: (acc, v) => acc + v },
  reduce_prod: { init: 1, step: (acc, v) => acc * v },
  reduce_max: { init: -Infinity, step: (acc, v) => (acc !== acc || v !== v ? NaN : v > acc ? v : acc) },
  reduce_min: { init: Infinity, step: (acc, v) => (acc !== acc || v !== v ? NaN : v < acc ? v : acc) },
};

function stepOf(spec: KernelSpec, m: MemberSpec): Step {
  const avalOf = (r: Ref): AbstractValue => ('literal' in r ? { shape: [], dtype: r.dtype } : 'input' in r ? spec.inputs[r.input] : spec.members[r.member].out);
  const raw = (r: Ref): Step => {
    if ('literal' in r) {
      const v = typedArrayFrom(r.dtype, [r.literal]);
      return () => v;
    }
    return 'input' in r ? (ins) => ins[r.input] : (_, values) => values[r.member];
  };
  // A re-index of a whole array is the same values: no copy.
  if (RESHAPES.has(m.primitive)) return raw(m.args[0]);
  const n = sizeOf(m.out.shape);
  const unary = UNARY[m.primitive];
  const binary = BINARY[m.primitive];
  if ((unary && m.args.length === 1) || (binary && m.args.length === 2)) {
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
    if (unary) {
      const [a] = operands;
      return (ins, values) => {
        unary(out, a(ins, values), n);
        return out;
      };
    }
    const [a, b] = operands;
    return (ins, values) => {
      binary(out, a(ins, values), b(ins, values), n);
      return out;
    };
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
  const reduce = REDUCE[m.primitive];
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
    const { init, step } = reduce;
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
