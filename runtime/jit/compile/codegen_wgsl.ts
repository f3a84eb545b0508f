import { sizeOf, type DType, type Shape } from '../../core';
import { FUSIBLE, type ElementwisePrimitive, type Primitive, type ReductionPrimitive } from '../../primitives';
import { flatFrom, IndexedBody, outputIx, WGSL_INDEX, type Ix } from './index_code';
import type { KernelSpec, MemberSpec, Ref } from './kernel_spec';
import {
  FLOAT_ONLY, isFloatType, isLowered, literalWgsl, lowerMember, REDUCE_OP_OF, renderScalar, scalarNodes, WGSL_OPS, WGSL_REDUCE, wgslHelpers, type LowerMember, type Scalar,
} from '../../scalar';

// WGSL compute shaders for fused kernels, run on the webgpu backend's device. An elementwise
// kernel is one invocation per element, or per 4 elements (vec4<f32>) where every value is
// float32 and either spans the domain or is a scalar; a reduction is one workgroup per output
// element whose invocations stride over the reduced axes and then combine in workgroup memory (a
// tree), or, for short reductions, one invocation per output looping alone.

export interface WgslKernel {
  readonly source: string;
  readonly workgroups: readonly [number, number, number];
  /** Elements per invocation. */
  readonly width: 1 | 4;
  readonly workgroupSize: number;
}

/** Reductions at most this long loop in one invocation; longer ones reduce as a tree. */
const SERIAL_REDUCTION = 32;

const wgslType = (d: DType): 'f32' | 'i32' => (isFloatType(d) ? 'f32' : 'i32');

const FUSED: ReadonlySet<Primitive> = new Set(FUSIBLE);

/** The scalar IR of each elementwise member of `spec` (null for the others). */
function lowered(spec: KernelSpec, lower: LowerMember): (Scalar | null)[] {
  return spec.members.map((m) => (isLowered(m.primitive)
    ? lower(m.primitive as ElementwisePrimitive, m.params, m.args.map((r) => refDtype(spec, r)), m.out.dtype) : null));
}

function refDtype(spec: KernelSpec, r: Ref): DType {
  return 'literal' in r ? r.dtype : 'input' in r ? spec.inputs[r.input].dtype : spec.members[r.member].out.dtype;
}

/** Why `spec` has no WGSL kernel (the backend then runs its equations one by one), or null. */
export function wgslIneligible(spec: KernelSpec, lower: LowerMember = lowerMember): string | null {
  if (sizeOf(spec.domain) === 0) return 'empty domain';
  const edges = [...spec.inputs.map((a) => a.dtype), ...spec.outputs.map((m) => spec.members[m].out.dtype)];
  if (edges.includes('float64')) return 'float64 input or output (WGSL has no f64)';
  const bodies = lowered(spec, lower);
  for (const [k, m] of spec.members.entries()) {
    if (!FUSED.has(m.primitive)) return m.primitive;
    const body = bodies[k];
    if (body && scalarNodes(body).some((n) => FLOAT_ONLY.has(n.op) && !isFloatType(n.dtype))) return `${m.primitive} of ${m.out.dtype}`;
  }
  return null;
}

/** Vectorised when every value is float32 and spans the domain or is one element (splat). */
function vectorWidth(spec: KernelSpec, lower: LowerMember): 1 | 4 {
  const n = sizeOf(spec.domain);
  if (spec.reduction !== null || n % 4 !== 0) return 1;
  const fits = (a: { shape: Shape; dtype: DType }) => a.dtype === 'float32' && (sizeOf(a.shape) === n || sizeOf(a.shape) === 1);
  if (!spec.inputs.every(fits) || !spec.members.every((m) => fits(m.out))) return 1;
  if (lowered(spec, lower).some((b) => b && scalarNodes(b).some((node) => node.dtype !== 'float32'))) return 1;
  return spec.members.every((m) => m.args.every((r) => !('literal' in r) || r.dtype === 'float32')) ? 4 : 1;
}

/** The statements of one invocation, each (value, index) computed once. */
class Body extends IndexedBody {
  constructor(spec: KernelSpec, private readonly width: 1 | 4, lower: LowerMember) {
    super(WGSL_INDEX, spec, lower);
  }

  private typeOf(dtype: DType): string {
    return this.width === 4 ? 'vec4<f32>' : wgslType(dtype);
  }

  value(ref: Ref, ix: Ix): string {
    if ('literal' in ref) {
      const lit = literalWgsl(ref.literal, ref.dtype);
      return this.width === 4 ? `vec4<f32>(${lit})` : lit;
    }
    if ('input' in ref) {
      const aval = this.spec.inputs[ref.input];
      const at = this.flat(ix, aval.shape);
      const read = `in${ref.input}[${at}]`;
      return this.local(this.width === 4 && sizeOf(aval.shape) === 1 ? `vec4<f32>(${read})` : read, 'x');
    }
    return this.member(ref.member, ix);
  }

  member(m: number, ix: Ix): string {
    const key = `m${m}@${ix.flat ?? ix.coords!.join(',')}`;
    const known = this.memo.get(key);
    if (known !== undefined) return known;
    const name = this.local(this.expression(this.spec.members[m], ix));
    this.memo.set(key, name);
    return name;
  }

  private expression(s: MemberSpec, ix: Ix): string {
    const out = s.out.shape;
    const moved = this.operandIndex(s, ix);
    const arg = (k: number) => this.value(s.args[k], moved ?? this.broadcast(ix, this.shapeOf(s.args[k]), out));
    if (moved) return arg(0);
    if (!isLowered(s.primitive)) throw new Error(`wgsl kernel: ${s.primitive} is not elementwise`);
    const root = this.lower(s.primitive as ElementwisePrimitive, s.params, s.args.map((r) => this.dtypeOf(r)), s.out.dtype);
    const lit = (v: number, dtype: DType) => (this.width === 4 ? `vec4<f32>(${literalWgsl(v, 'float32')})` : literalWgsl(v, dtype));
    return renderScalar(root, (leaf) => (leaf.kind === 'arg' ? arg(leaf.index) : lit(leaf.value, leaf.dtype)),
      (node, a) => WGSL_OPS[node.op](a, {
        type: this.typeOf(node.dtype), out: node.dtype, args: node.args.map((x) => x.dtype), lit: (v) => lit(v, node.dtype),
      }), (e) => this.local(e, 'p'));
  }
}

/** x by y workgroups covering `count`, with x within the device's limit per dimension. */
function grid(count: number, maxPerDimension: number): [number, number, number] {
  if (count <= maxPerDimension) return [count, 1, 1];
  const y = Math.ceil(count / maxPerDimension);
  return [Math.ceil(count / y), y, 1];
}

function header(spec: KernelSpec, width: 1 | 4): string {
  const n = sizeOf(spec.domain);
  const elem = (shape: Shape, dtype: DType) => (width === 4 && sizeOf(shape) === n ? 'vec4<f32>' : wgslType(dtype));
  const bindings = [
    ...spec.inputs.map((a, k) => `@group(0) @binding(${k}) var<storage, read> in${k}: array<${elem(a.shape, a.dtype)}>;`),
    ...spec.outputs.map((m, k) => {
      const o = spec.members[m].out;
      return `@group(0) @binding(${spec.inputs.length + k}) var<storage, read_write> out${k}: array<${elem(o.shape, o.dtype)}>;`;
    }),
  ];
  // NB: NaN and Inf written as constants are shader-creation errors in WGSL; read as private
  // variables they are runtime values.
  return [
    ...bindings,
    'var<private> nanBits: u32 = 0x7fc00000u;',
    'var<private> infBits: u32 = 0x7f800000u;',
    wgslHelpers('f32'),
    width === 4 ? wgslHelpers('vec4<f32>') : '',
  ].join('\n');
}

/** The WGSL kernel of `spec` (assumed eligible), dispatched within `maxPerDimension` workgroups a dimension. */
export function generateWgsl(spec: KernelSpec, maxPerDimension = 65535, lower: LowerMember = lowerMember): WgslKernel {
  return spec.reduction === null ? elementwise(spec, maxPerDimension, lower) : reduction(spec, maxPerDimension, lower);
}

function elementwise(spec: KernelSpec, maxPerDimension: number, lower: LowerMember): WgslKernel {
  const width = vectorWidth(spec, lower);
  const count = sizeOf(spec.domain) / width;
  const size = count >= 1 << 16 ? 256 : 64;
  const body = new Body(spec, width, lower);
  const rank = spec.domain.length;
  const domainIx: Ix = { flat: 'i', coords: width === 1 && rank > 1 ? null : null };
  const writes = spec.outputs.map((m, k) => `out${k}[i] = ${body.member(m, outputIx(spec, m, domainIx))};`);
  const source = `${header(spec, width)}
@compute @workgroup_size(${size})
fn main(@builtin(global_invocation_id) gid: vec3<u32>, @builtin(num_workgroups) groups: vec3<u32>) {
  let i = i32(gid.x + gid.y * groups.x * ${size}u);
  if (i >= ${count}i) { return; }
${[...body.lines, ...writes].map((l) => `  ${l}`).join('\n')}
}
`;
  return { source, workgroups: grid(Math.ceil(count / size), maxPerDimension), width, workgroupSize: size };
}

function reduction(spec: KernelSpec, maxPerDimension: number, lower: LowerMember): WgslKernel {
  const { member, axes } = spec.reduction!;
  const r = spec.members[member];
  const rule = WGSL_REDUCE[REDUCE_OP_OF[r.primitive as ReductionPrimitive]];
  const kept = spec.domain.map((_, k) => k).filter((k) => !axes.includes(k));
  const keptShape = kept.map((k) => spec.domain[k]);
  const reducedShape = axes.map((k) => spec.domain[k]);
  const outputs = sizeOf(keptShape);
  const length = sizeOf(reducedShape);
  const acc = wgslType(r.out.dtype);
  const body = new Body(spec, 1, lower);
  const coords: string[] = [];
  body.split('o', keptShape, 'k').forEach((c, j) => (coords[kept[j]] = c));
  body.split('r', reducedShape, 'q').forEach((c, j) => (coords[axes[j]] = c));
  const domainIx: Ix = { flat: body.local(flatFrom(WGSL_INDEX, coords, spec.domain), 'i'), coords };
  const side = spec.outputs.flatMap((m, k) => (m === member ? [] : [`out${k}[${body.flat(outputIx(spec, m, domainIx), spec.domain)}] = ${body.member(m, outputIx(spec, m, domainIx))};`]));
  const v = body.value(r.args[0], domainIx);
  const step = [...body.lines, ...side, `acc = ${rule.combine('acc', v, r.out.dtype)};`].map((l) => `      ${l}`).join('\n');
  const slot = spec.outputs.indexOf(member);
  const store = (x: string) => (r.out.dtype === 'bool' ? `select(0i, 1i, ${x} != 0i)` : x);
  if (length <= SERIAL_REDUCTION) {
    const size = 64;
    const source = `${header(spec, 1)}
@compute @workgroup_size(${size})
fn main(@builtin(global_invocation_id) gid: vec3<u32>, @builtin(num_workgroups) groups: vec3<u32>) {
  let o = i32(gid.x + gid.y * groups.x * ${size}u);
  if (o >= ${outputs}i) { return; }
  var acc: ${acc} = ${rule.identity(r.out.dtype)};
  for (var r = 0i; r < ${length}i; r++) {
${step}
  }
${slot >= 0 ? `  out${slot}[o] = ${store('acc')};` : ''}
}
`;
    return { source, workgroups: grid(Math.ceil(outputs / size), maxPerDimension), width: 1, workgroupSize: size };
  }
  const size = Math.min(256, 2 ** Math.ceil(Math.log2(length)));
  // NB: `o` is the same for the whole workgroup, so the barriers stay in uniform control flow.
  const source = `${header(spec, 1)}
var<workgroup> partial: array<${acc}, ${size}>;
@compute @workgroup_size(${size})
fn main(@builtin(workgroup_id) wid: vec3<u32>, @builtin(num_workgroups) groups: vec3<u32>, @builtin(local_invocation_index) lid: u32) {
  let o = i32(wid.x + wid.y * groups.x);
  var acc: ${acc} = ${rule.identity(r.out.dtype)};
  if (o < ${outputs}i) {
    for (var r = i32(lid); r < ${length}i; r += ${size}i) {
${step}
    }
  }
  partial[lid] = acc;
  for (var s = ${size / 2}u; s > 0u; s >>= 1u) {
    workgroupBarrier();
    if (lid < s) {
      partial[lid] = ${rule.combine('partial[lid]', 'partial[lid + s]', r.out.dtype)};
    }
  }
${slot >= 0 ? `  if (lid == 0u && o < ${outputs}i) { out${slot}[o] = ${store('partial[0]')}; }` : ''}
}
`;
  return { source, workgroups: grid(outputs, maxPerDimension), width: 1, workgroupSize: size };
}
