/** CodeLenses over each evaluable function: compute, graph, compare; the first one shows the latest result. */
import type { CodeLens } from 'vscode-languageserver';
import { COMMANDS, type CommandId, type EvaluationOutcome, type FunctionCommandArgs } from '../protocol';
import type { FunctionSummary } from './analysis';
import { gradText, speedup } from './format';

const ERROR_TITLE: { readonly [K in Extract<EvaluationOutcome, { ok: false }>['error']['kind']]: string } = {
  inputs: '∇ Compute gradient (needs example inputs)',
  error: '∇ failed: see the problem reported',
  cancelled: '∇ Compute gradient (cancelled)',
  budget: '∇ stopped: over the time or memory budget',
};

export function resultTitle(outcome: EvaluationOutcome): string {
  if (!outcome.ok) return ERROR_TITLE[outcome.error.kind];
  const r = outcome.result;
  const grad = gradText(r.grad);
  const faster = r.eager && r.jit ? speedup(r.eager.runMs, r.jit.runMs) : '';
  return [grad || `→ ${r.function}() has no gradient`, faster].filter(Boolean).join(' · ');
}

/** What a CodeLens shows of a function. */
export type LensFunction = Pick<FunctionSummary, 'qualname' | 'nameRange' | 'evaluable'>;

export function codeLenses(uri: string, functions: readonly LensFunction[], resultOf: (fn: string) => EvaluationOutcome | undefined): CodeLens[] {
  const lenses: CodeLens[] = [];
  for (const fn of functions) {
    if (!fn.evaluable) continue;
    const args: FunctionCommandArgs = { uri, function: fn.qualname };
    const lens = (title: string, command: CommandId): CodeLens => ({ range: fn.nameRange, command: { title, command, arguments: [args] } });
    const outcome = resultOf(fn.qualname);
    lenses.push(
      lens(outcome ? resultTitle(outcome) : '∇ Compute gradient', COMMANDS.computeGradient),
      lens('Graph', COMMANDS.showGraph),
      lens('Eager vs jit', COMMANDS.compareEngines),
    );
  }
  return lenses;
}
