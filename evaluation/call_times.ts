/**
 * `gradlens bench`'s times of the traced engines: the function's forward jaxpr and its
 * value-and-grad jaxpr, run op by op (the eager engine of jax and numpy code) and compiled (jit).
 * Each call is timed until its outputs are read back, as the steady-state run times are.
 */
import type { FunctionAt } from '../lang/python/staging';
import type { Backend, DeviceArray } from '../runtime/backends';
import type { Jaxpr } from '../runtime/ir';
import { simplifyAndFuse, type Executable } from '../runtime/jit';
import type { TimingRequest } from '../protocol/evaluate';
import type { EngineTimes } from '../protocol/results';
import { runCompiled, unwrap, type Staged } from './jax_run';
import { timeCalls } from './measure';
import { runOpByOp } from './op_by_op';

/** `jit` is the value-and-grad executable jaxJit compiled, when the jit engine ran. */
export async function tracedTimes(
  at: FunctionAt, staged: Staged, backend: Backend, timing: TimingRequest, engines: { readonly eager: boolean; readonly jit: Executable<DeviceArray> | null },
): Promise<{ readonly eager?: EngineTimes; readonly jit?: EngineTimes }> {
  const forward = unwrap(at.jaxpr(false));
  const { arrays, release } = unwrap(at.argumentArrays(forward.invars));
  try {
    const opByOp = (jaxpr: Jaxpr, args: readonly DeviceArray[]) => timeCalls(async () => {
      const t0 = performance.now();
      await runOpByOp(jaxpr, backend, args);
      return performance.now() - t0;
    }, timing);
    const compiled = (exe: Executable<DeviceArray>, args: readonly DeviceArray[]) => timeCalls(async () => (await runCompiled(exe, backend, args)).ms, timing);
    return {
      ...(engines.eager ? { eager: { forward: await opByOp(forward, arrays), valueAndGrad: await opByOp(staged.jaxpr, staged.arrays) } } : {}),
      ...(engines.jit ? { jit: { forward: await compiled(simplifyAndFuse(forward, backend), arrays), valueAndGrad: await compiled(engines.jit, staged.arrays) } } : {}),
    };
  } finally {
    release();
  }
}
