import { libm, LOGISTIC_ZERO_BELOW, sizeOf, type AnyTypedArray, type DType } from '../../core';
import type { ElementwisePrimitive, ReductionPrimitive } from '../../primitives';
import { flatFrom, IndexedBody, JS_INDEX, outputIx, type Ix } from './index_code';
import type { KernelSpec, MemberSpec, Ref } from './kernel_spec';
import { lowerMember, REDUCE_OP_OF, renderScalar, type LowerMember, type ReduceOp, type ScalarNode, type ScalarOp } from '../../scalar';

/** A compiled fused kernel: reads `ins`, fills the preallocated `outs`. */
export type HostKernel = (ins: readonly AnyTypedArray[], outs: readonly AnyTypedArray[]) => void;

export function literalSource(v: number): string {
  if (Number.isNaN(v)) return 'NaN';
  if (Object.is(v, -0)) return '(-0)';
  if (v === Infinity) return 'Infinity';
  if (v === -Infinity) return '(-Infinity)';
  return v < 0 ? `(${v})` : String(v);
}

/**
 * Each value stored as the reference backend stores it after every op: float32 rounds, int32
 * wraps as Int32Array does, bool wraps as Uint8Array does. Rounding per op, not once per
 * kernel, is what makes fused results bit-identical to op-by-op evaluation.
 */
function cast(dtype: DType, e: string): string {
  switch (dtype) {
    case 'float32': return `Math.fround(${e})`;
    case 'float64': return e;
    case 'int32': return `(${e} | 0)`;
    case 'int64':
    case 'uint64': return `Math.trunc(${e})`;
    case 'bool': return `(${e} & 255)`;
    case 'uint32': return `(${e} >>> 0)`;
    case 'uint8': return `(${e} & 255)`;
    case 'int8': return `(${e} << 24 >> 24)`;
    case 'int16': return `(${e} << 16 >> 16)`;
    case 'uint16': return `(${e} & 65535)`;
    case 'key<fry>': throw new Error('codegen: key arrays are never fused (plan.ts)');
    case 'complex64':
    case 'complex128': throw new Error('codegen: complex arrays are never fused (plan.ts)');
  }
}

/** Ops whose result is already a value of the node's dtype: one of the operands, a 0/1, an exact sign flip, a whole number below it, or a cast. */
const EXACT: ReadonlySet<ScalarOp> = new Set<ScalarOp>(['max', 'min', 'lt', 'le', 'gt', 'ge', 'eq', 'ne', 'where', 'abs', 'sign', 'floor', 'cast']);

/** A libm function: glibc's (runtime/core/libm) for a float64 result, as the reference backend's kernels compute it, else V8's. */
const libmCall = (name: 'exp' | 'log' | 'log1p' | 'expm1' | 'sin' | 'cos' | 'tan' | 'pow') => (a: readonly string[], node: ScalarNode) =>
  `${node.dtype === 'float64' ? 'libm' : 'Math'}.${name}(${a.join(', ')})`;

/** Each scalar op in JavaScript, computed in doubles (int32 and bool values are small integers in them). */
const JS_OPS: { readonly [Op in ScalarOp]: (a: readonly string[], node: ScalarNode) => string } = {
  neg: ([a]) => `(-${a})`,
  abs: ([a]) => `Math.abs(${a})`,
  sign: ([a]) => `(${a} > 0 ? 1 : ${a} < 0 ? -1 : ${a})`,
  floor: ([a]) => `Math.floor(${a})`,
  sqrt: ([a]) => `Math.sqrt(${a})`,
  exp: libmCall('exp'),
  log: libmCall('log'),
  log1p: libmCall('log1p'),
  expm1: libmCall('expm1'),
  sin: libmCall('sin'),
  cos: libmCall('cos'),
  tan: libmCall('tan'),
  tanh: ([a]) => `Math.tanh(${a})`,
  // The reference's stable form: exp never overflows on either side.
  logistic: ([a], node) => `(${a} < ${LOGISTIC_ZERO_BELOW[node.dtype === 'float64' ? 'float64' : 'float32']} ? 0 : ${a} >= 0 ? 1 / (1 + Math.exp(-${a})) : Math.exp(${a}) / (1 + Math.exp(${a})))`,
  add: ([a, b]) => `(${a} + ${b})`,
  sub: ([a, b]) => `(${a} - ${b})`,
  mul: ([a, b]) => `(${a} * ${b})`,
  div: ([a, b]) => `(${a} / ${b})`,
  pow: libmCall('pow'),
  // NaN propagates from either side; ties keep the first operand, so max(-0, 0) is -0 as in the reference.
  max: ([a, b]) => `(${a} !== ${a} || ${b} !== ${b} ? NaN : ${a} >= ${b} ? ${a} : ${b})`,
  min: ([a, b]) => `(${a} !== ${a} || ${b} !== ${b} ? NaN : ${a} <= ${b} ? ${a} : ${b})`,
  lt: ([a, b]) => `(${a} < ${b} ? 1 : 0)`,
  le: ([a, b]) => `(${a} <= ${b} ? 1 : 0)`,
  gt: ([a, b]) => `(${a} > ${b} ? 1 : 0)`,
  ge: ([a, b]) => `(${a} >= ${b} ? 1 : 0)`,
  eq: ([a, b]) => `(${a} === ${b} ? 1 : 0)`,
  ne: ([a, b]) => `(${a} !== ${b} ? 1 : 0)`,
  where: ([p, t, f]) => `(${p} !== 0 ? ${t} : ${f})`,
  cast: ([a], node) => (node.dtype === 'bool' ? `(${a} !== 0 ? 1 : 0)` : cast(node.dtype, a)),
};

const REDUCE: { readonly [R in ReduceOp]: { readonly init: string; step(acc: string, v: string): string } } = {
  sum: { init: '0', step: (acc, v) => `${acc} += ${v};` },
  prod: { init: '1', step: (acc, v) => `${acc} *= ${v};` },
  // NB: once acc is NaN neither test passes, so it stays NaN, as the reference's maxStep.
  max: { init: '-Infinity', step: (acc, v) => `if (${v} > ${acc} || ${v} !== ${v}) ${acc} = ${v};` },
  min: { init: 'Infinity', step: (acc, v) => `if (${v} < ${acc} || ${v} !== ${v}) ${acc} = ${v};` },
};

/** Generates the statements of one loop body, memoizing each (value, index) it computes. */
class Body extends IndexedBody {
  constructor(spec: KernelSpec, lower: LowerMember) {
    super(JS_INDEX, spec, lower);
  }

  value(ref: Ref, ix: Ix): string {
    if ('literal' in ref) return literalSource(ref.literal);
    if ('input' in ref) {
      const aval = this.spec.inputs[ref.input];
      return this.local(`in${ref.input}[${this.flat(ix, aval.shape)}]`, 'x');
    }
    return this.member(ref.member, ix);
  }

  member(m: number, ix: Ix): string {
    const spec = this.spec.members[m];
    const key = `m${m}@${ix.flat ?? ix.coords!.join(',')}`;
    const known = this.memo.get(key);
    if (known !== undefined) return known;
    const name = this.local(this.expression(spec, ix));
    this.memo.set(key, name);
    return name;
  }

  private expression(s: MemberSpec, ix: Ix): string {
    const out = s.out.shape;
    const moved = this.operandIndex(s, ix);
    const arg = (k: number) => this.value(s.args[k], moved ?? this.broadcast(ix, this.shapeOf(s.args[k]), out));
    if (moved) return arg(0);
    const root = this.lower(s.primitive as ElementwisePrimitive, s.params, s.args.map((r) => this.dtypeOf(r)), s.out.dtype);
    const e = renderScalar(root, (leaf) => (leaf.kind === 'arg' ? arg(leaf.index) : literalSource(leaf.value)),
      (node, a) => JS_OPS[node.op](a, node), (expr) => this.local(expr, 'p'));
    // NB: a literal or an operand at the root (x**1, x**0) is cast too: a literal may not be a value of the dtype.
    return root.kind === 'op' && EXACT.has(root.op) && s.out.dtype !== 'int32' ? e : cast(s.out.dtype, e);
  }
}

function loops(vars: readonly string[], dims: readonly number[], inner: string): string {
  return vars.reduceRight((body, v, k) => `for (let ${v} = 0; ${v} < ${dims[k]}; ${v}++) {\n${body}\n}`, inner);
}

/** JavaScript source of a kernel: one loop over the domain, plus an inner loop over reduced axes. */
export function generateJs(spec: KernelSpec, lower: LowerMember = lowerMember): string {
  const body = new Body(spec, lower);
  const rank = spec.domain.length;
  const cvars = spec.domain.map((_, k) => `c${k}`);
  const domainIx: Ix = { flat: 'i', coords: cvars };
  const writes = spec.outputs.filter((m) => m !== spec.reduction?.member)
    .map((m) => `out${spec.outputs.indexOf(m)}[i] = ${body.member(m, outputIx(spec, m, domainIx))};`);
  const header = [
    ...spec.inputs.map((_, k) => `const in${k} = ins[${k}];`),
    ...spec.outputs.map((_, k) => `const out${k} = outs[${k}];`),
  ];
  if (spec.reduction === null) {
    const inner = [...body.lines, ...writes].join('\n');
    const n = sizeOf(spec.domain);
    if (!/\bc\d+\b/.test(inner)) return [...header, `for (let i = 0; i < ${n}; i++) {\n${inner}\n}`].join('\n');
    return [...header, 'let i = 0;', loops(cvars, spec.domain, `${inner}\ni++;`)].join('\n');
  }
  const { member, axes } = spec.reduction;
  const r = spec.members[member];
  const red = REDUCE[REDUCE_OP_OF[r.primitive as ReductionPrimitive]];
  const v = body.value(r.args[0], domainIx);
  const inner = [`const i = ${flatFrom(JS_INDEX, cvars, spec.domain)};`, ...body.lines, ...writes, red.step('acc', v)].join('\n');
  const kept = [...Array(rank).keys()].filter((k) => !axes.includes(k));
  const store = r.out.dtype === 'bool' ? '(acc !== 0 ? 1 : 0)' : 'acc';
  const slot = spec.outputs.indexOf(member);
  // NB: an unread reduction (a jaxpr not yet DCE'd) still runs its loop, for the side outputs.
  const outer = `let acc = ${red.init};\n${loops(axes.map((k) => cvars[k]), axes.map((k) => spec.domain[k]), inner)}\n`
    + (slot >= 0 ? `out${slot}[o] = ${store};\n` : '') + 'o++;';
  return [...header, 'let o = 0;', loops(kept.map((k) => cvars[k]), kept.map((k) => spec.domain[k]), outer)].join('\n');
}

/**
 * Generated JS runs only in Node: a page may forbid `new Function` by its Content-Security-Policy
 * (the webview's does, and the refusal is reported as a violation even when caught), so in a
 * browser a kernel that wasm cannot run is interpreted (interpret.ts).
 */
export const jsKernelsAllowed: boolean = typeof process === 'object' && typeof process.versions?.node === 'string';

export function compileJs(spec: KernelSpec, lower: LowerMember = lowerMember): HostKernel {
  // eslint-disable-next-line @typescript-eslint/no-implied-eval
  const kernel = new Function('libm', 'ins', 'outs', `'use strict';\n${generateJs(spec, lower)}`) as (m: typeof libm, ...rest: Parameters<HostKernel>) => void;
  return (ins, outs) => kernel(libm, ins, outs);
}
