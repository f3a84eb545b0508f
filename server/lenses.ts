/** CodeLenses over each evaluable function: compute, graph, compare; the first one shows the latest result. */
import type { CodeLens, Command } from 'vscode-languageserver';
import { LENS_COMMANDS, type EvaluationOutcome, type FunctionCommandArgs, type LensData } from '../protocol';
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

/** The title of a function's lens `lens` (an index into LENS_COMMANDS), given its latest outcome. */
function lensTitle(lens: number, outcome: EvaluationOutcome | undefined): string {
  if (lens === 0) return outcome ? resultTitle(outcome) : '∇ Compute gradient';
  return lens === 1 ? 'Graph' : 'Eager vs jit';
}

function lensCommand(uri: string, fn: string, lens: number, resultOf: (fn: string) => EvaluationOutcome | undefined): Command {
  const args: FunctionCommandArgs = { uri, function: fn };
  return { title: lensTitle(lens, resultOf(fn)), command: LENS_COMMANDS[lens], arguments: [args] };
}

/** The numbers lenses name their documents by (LensData), one for each URI the server has given lenses for. */
export class LensDocuments {
  private readonly numbers = new Map<string, number>();
  private readonly uris: string[] = [];

  numberOf(uri: string): number {
    let n = this.numbers.get(uri);
    if (n === undefined) this.numbers.set(uri, (n = this.uris.push(uri) - 1));
    return n;
  }

  uriOf(n: number): string | undefined {
    return this.uris[n];
  }
}

/**
 * The lenses over each evaluable function, with their commands, or, for a client that resolves
 * them (`unresolved`), each with only the data its command is made from (resolvedLens): `document`
 * is the number LensDocuments gave `uri`.
 */
export function codeLenses(uri: string, document: number, functions: readonly LensFunction[], resultOf: (fn: string) => EvaluationOutcome | undefined, unresolved = false): CodeLens[] {
  const lenses: CodeLens[] = [];
  for (const fn of functions) {
    if (!fn.evaluable) continue;
    for (let lens = 0; lens < LENS_COMMANDS.length; lens++) {
      const data: LensData = [document, fn.qualname, lens];
      lenses.push(unresolved ? { range: fn.nameRange, data } : { range: fn.nameRange, command: lensCommand(uri, fn.qualname, lens, resultOf) });
    }
  }
  return lenses;
}

/** A lens sent unresolved, with its command (of the document `uri`, which its data numbers): titled by the function's latest outcome now. */
export function resolvedLens(lens: CodeLens & { readonly data: LensData }, uri: string, resultOf: (fn: string) => EvaluationOutcome | undefined): CodeLens {
  const [, fn, which] = lens.data;
  return { range: lens.range, command: lensCommand(uri, fn, which, resultOf) };
}
