import { sizeOf, type AbstractValue } from '../../core';
import type { Primitive } from '../../primitives';
import { literalWgsl, lowerMember, renderScalar, WGSL_OPS, wgslHelpers } from '../../scalar';
import type { ShaderProgram } from '../backend';

/**
 * The transcendentals eager runs as one-op kernels of the scalar IR, as the jit's WGSL kernels
 * compute them: tfjs-backend-webgpu's kernels call WGSL's builtins, which promise only 2^-11
 * absolute error (SwiftShader, measured: sin and cos 9e-5 at |x| = 30, tanh 2.5e-4 relative),
 * where the IR's sin, cos and tan reduce by octant as Cephes does and its tanh takes exp's form.
 */
export const WGSL_UNARY: ReadonlySet<Primitive> = new Set<Primitive>(['sin', 'cos', 'tan', 'tanh']);

const WORKGROUP = 64;

/**
 * `prim` over a float32 array as one compute shader (null for another dtype or an empty array).
 * The source does not depend on the length (a thread past the output's end returns), so one
 * pipeline serves every shape.
 */
export function unaryProgram(prim: Primitive, out: AbstractValue, maxPerDimension: number): ShaderProgram | null {
  const n = sizeOf(out.shape);
  if (n === 0 || out.dtype !== 'float32' || !WGSL_UNARY.has(prim)) return null;
  const lets: string[] = [];
  const root = lowerMember(prim as 'sin', {}, ['float32'], 'float32');
  const value = renderScalar(root, (leaf) => (leaf.kind === 'arg' ? 'x' : literalWgsl(leaf.value, leaf.dtype)),
    (node, args) => WGSL_OPS[node.op](args, {
      type: 'f32', out: node.dtype, args: node.args.map((a) => a.dtype), lit: (v) => literalWgsl(v, node.dtype),
    }),
    (expr) => {
      lets.push(`  let t${lets.length} = ${expr};`);
      return `t${lets.length - 1}`;
    });
  const groups = Math.ceil(n / WORKGROUP);
  const y = Math.ceil(groups / maxPerDimension);
  const workgroups: [number, number, number] = [Math.ceil(groups / y), y, 1];
  const source = `@group(0) @binding(0) var<storage, read> in0: array<f32>;
@group(0) @binding(1) var<storage, read_write> out0: array<f32>;
var<private> nanBits: u32 = 0x7fc00000u;
var<private> infBits: u32 = 0x7f800000u;
${wgslHelpers('f32')}
@compute @workgroup_size(${WORKGROUP})
fn main(@builtin(global_invocation_id) gid: vec3<u32>, @builtin(num_workgroups) groups: vec3<u32>) {
  let i = gid.x + gid.y * groups.x * ${WORKGROUP}u;
  if (i >= arrayLength(&out0)) { return; }
  let x = in0[min(i, arrayLength(&in0) - 1u)];
${lets.join('\n')}
  out0[i] = ${value};
}
`;
  return { key: `unary:${prim}`, source, workgroups, outputs: [out] };
}
