import { allocate, sizeOf, type AbstractValue, type AnyTypedArray } from '../../core';
import type { ParamsOf, Primitive } from '../../primitives';
import type { HostReadStats, ShaderProgram } from '../backend';
import { REFERENCE_KERNELS, ReferenceArray } from '../reference';
import type { TfjsArray } from '../tfjs';

/** How a GPU array was made: enough to compute its values again on the CPU. */
type Origin =
  | { readonly kind: 'op'; readonly prim: Primitive; readonly params: unknown; readonly out: AbstractValue; readonly inputs: readonly TfjsArray[] }
  | { readonly kind: 'program'; readonly program: ShaderProgram; readonly inputs: readonly TfjsArray[]; readonly outputs: readonly TfjsArray[] };

/**
 * Host values of GPU arrays, for the synchronous reads that Python needs (`.item()`, `print`,
 * `float(t)`, `if t > 0:`) where the GPU cannot be read synchronously (SwiftShader: see
 * index.ts's readSync). Every array remembers how it was made; a synchronous read computes the
 * values it needs on the CPU (the reference backend's loops, which round every float32 op as the
 * GPU stores it; fused kernels through their host kernel) and keeps each value it computed, so
 * that no work is done twice and the chain behind a value is let go once the value is known.
 * Values known on the host (uploads, tfjs's CPU-side values, results read back) end the walk.
 * NB: the interpreter stays synchronous: making it await a GPU read would slow every Python step.
 * NB: an upload keeps its host copy (held weakly, with the array): it is where every chain starts.
 */
export class HostValues {
  private readonly known = new WeakMap<TfjsArray, AnyTypedArray>();
  private readonly origins = new WeakMap<TfjsArray, Origin>();
  private stats = { reads: 0, ops: 0 };

  constructor(private readonly cpuValues: (x: TfjsArray) => AnyTypedArray | null) {}

  /** The values of `x` if they are on the host already, without computing. */
  held(x: TfjsArray): AnyTypedArray | null {
    return this.known.get(x) ?? this.cpuValues(x);
  }

  remember(x: TfjsArray, values: AnyTypedArray): void {
    this.known.set(x, values);
    this.origins.delete(x);
  }

  madeBy<P extends Primitive>(out: TfjsArray, prim: P, params: ParamsOf<P>, inputs: readonly TfjsArray[]): void {
    if (!inputs.includes(out)) this.origins.set(out, { kind: 'op', prim, params, out: { shape: out.shape, dtype: out.dtype }, inputs: [...inputs] });
  }

  madeByProgram(program: ShaderProgram, inputs: readonly TfjsArray[], outputs: readonly TfjsArray[]): void {
    const origin: Origin = { kind: 'program', program, inputs: [...inputs], outputs: [...outputs] };
    for (const o of outputs) this.origins.set(o, origin);
  }

  /** Whether `x`'s values can be had on the host, without computing them. */
  recomputable(x: TfjsArray): boolean {
    return this.held(x) !== null || this.origins.has(x);
  }

  /** `x`'s values, computed on the CPU from how it was made where the host does not hold them. */
  read(x: TfjsArray): AnyTypedArray {
    const have = this.held(x);
    if (have) return have;
    this.stats.reads++;
    // Depth first with an explicit stack: a training loop's chain of ops can be long.
    const stack: TfjsArray[] = [x];
    while (stack.length > 0) {
      const top = stack[stack.length - 1];
      if (this.held(top)) {
        stack.pop();
        continue;
      }
      const origin = this.origins.get(top);
      if (!origin) {
        throw new Error(`webgpu backend: a ${top.dtype}[${top.shape.join(',')}] array lives only on the GPU and does not say how it was made, so it cannot be read synchronously; use read() or readMany()`);
      }
      const missing = origin.inputs.filter((a) => !this.held(a));
      if (missing.length > 0) {
        stack.push(...missing);
        continue;
      }
      this.compute(top, origin);
      stack.pop();
    }
    return this.held(x)!;
  }

  hostReadStats(): HostReadStats {
    return { ...this.stats };
  }

  private compute(x: TfjsArray, origin: Origin): void {
    const ins = origin.inputs.map((a) => this.held(a)!);
    this.stats.ops++;
    if (origin.kind === 'op') {
      const arrays = origin.inputs.map((a, k) => new ReferenceArray(a.shape, a.dtype, ins[k]));
      const kernel = REFERENCE_KERNELS[origin.prim] as (inputs: readonly ReferenceArray[], params: unknown, out: AbstractValue) => ReferenceArray;
      const out = kernel(arrays, origin.params, origin.out);
      this.remember(x, out.data);
      return;
    }
    const { program } = origin;
    if (!program.onHost) {
      throw new Error(`webgpu backend: shader '${program.key.slice(0, 60)}' has no host form, so its results cannot be read synchronously; use read() or readMany()`);
    }
    const outs = program.outputs.map((a) => allocate(a.dtype, sizeOf(a.shape)));
    program.onHost(ins, outs);
    origin.outputs.forEach((o, k) => this.remember(o, outs[k]));
  }
}
