/**
 * A training loop at the script's top level, as the whole script runs it: the run that captures a
 * function's example inputs stops at its example call (often inside the loop: `loss = loss_fn(...)`)
 * or at its def, so loops it stopped in or never reached are recorded by a run of the whole script,
 * their scalars per iteration (the loss curve, the hover's sparkline).
 */
import { walkStatements, type ast } from '../lang/python';
import { jaxSession } from '../lang/python/jax';
import { runTorch } from '../lang/python/torch';
import type { EagerEngine } from '../runtime/eager';
import type { AssignedValue } from '../protocol/results';
import { AssignmentRecorder, topLevelLoops } from './assignments';
import type { Target } from './target';
import type { RunLimits } from './torch_eager';

/**
 * The assignments of the script's top-level loops in a run of the whole script, when the run up to
 * the example inputs did not run one of them to its end; null when it did (its records stand). A
 * script that fails or runs past its budget keeps what its loops assigned before.
 */
export async function scriptLoopAssignments(target: Target, engine: EagerEngine, limits: RunLimits): Promise<AssignedValue[] | null> {
  const module = target.analysis.parse.module;
  const loops = topLevelLoops(module);
  const stoppedAt = captureEnd(target, module);
  if (!loops.some((loop) => loop.to > stoppedAt)) return null;
  const recorder = AssignmentRecorder.ofSpans(loops);
  const jax = jaxSession(engine.backend, { source: target.analysis.parse.source });
  try {
    runTorch(target.analysis.parse.source, engine, { file: target.file, ...limits, modules: jax.modules, onAssign: recorder.listen });
    return await recorder.read(engine.backend);
  } finally {
    recorder.release();
    jax.dispose();
  }
}

/** Where the run up to the function's example inputs stops: at its example call, or after the top-level statement that defines it. */
function captureEnd(target: Target, module: ast.Module): number {
  const source = target.inputs;
  if (source.kind === 'call') return source.span.from;
  let end = target.fn.node.span.to;
  walkStatements(module.body, {
    stmt: (s) => {
      if (s.span.from <= target.fn.node.span.from && s.span.to >= target.fn.node.span.to) end = Math.max(end, s.span.to);
      return false;
    },
  });
  return end;
}
