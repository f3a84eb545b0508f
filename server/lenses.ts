/** CodeLenses over each evaluable function: compute, graph, compare; the first one shows the latest result. */
import type { CodeLens, Command } from 'vscode-languageserver';
import { LENS_COMMANDS, type EvaluationOutcome, type FunctionCommandArgs, type LensData } from '../protocol';
import type { FunctionSummary } from './analysis';
import { gradText, speedup } from './format';
import { asciiJson, withJson } from './message_writer';
import type { ShownOutcome } from './results';

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

/** What the first lens adds to a result an edit has made stale: its numbers are those of the text before the edit. */
export const STALE_MARK = ' (stale: edited since)';

/** The title of a function's lens `lens` (an index into LENS_COMMANDS), given its latest outcome. */
function lensTitle(lens: number, shown: ShownOutcome | undefined): string {
  if (lens === 0) return shown ? `${resultTitle(shown.outcome)}${shown.stale ? STALE_MARK : ''}` : '∇ Compute gradient';
  return lens === 1 ? 'Graph' : 'Eager vs jit';
}

function lensCommand(uri: string, fn: string, lens: number, shownOf: (fn: string) => ShownOutcome | undefined): Command {
  const args: FunctionCommandArgs = { uri, function: fn };
  return { title: lensTitle(lens, shownOf(fn)), command: LENS_COMMANDS[lens], arguments: [args] };
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

/** Lines of a document whose lenses are sent with their commands (to a client that resolves the others), first and last. */
export interface ResolvedLines {
  readonly from: number;
  readonly to: number;
}

/**
 * The CodeLens answers for documents: the lenses over each evaluable function, with their commands,
 * or, for a client that resolves them (`unresolved`), each with only the data its command is made
 * from (resolvedLens), except those on `resolvedLines`, which come with their commands. Each answer
 * carries its JSON (withJson), made of each function's lenses' JSON, kept while the function's
 * summary and what its lenses show are the same: a keystroke encodes the lenses of the function it
 * changed, not 900.
 */
export class LensAnswers {
  private readonly kept = new WeakMap<LensFunction, { readonly shown: string; readonly lenses: readonly CodeLens[]; readonly json: string }>();

  /** `document`: the number LensDocuments gave `uri`. */
  answer(uri: string, document: number, functions: readonly LensFunction[], shownOf: (fn: string) => ShownOutcome | undefined, unresolved = false, resolvedLines?: ResolvedLines): CodeLens[] {
    const lenses: CodeLens[] = [];
    const json: string[] = [];
    for (const fn of functions) {
      if (!fn.evaluable) continue;
      const line = fn.nameRange.start.line;
      const bare = unresolved && !(resolvedLines && line >= resolvedLines.from && line <= resolvedLines.to);
      // What the lenses show besides the summary: their document, and their commands' titles.
      const shown = bare ? `${document}` : `${document}\u0000${uri}\u0000${lensTitle(0, shownOf(fn.qualname))}`;
      let own = this.kept.get(fn);
      if (own?.shown !== shown) {
        const made: CodeLens[] = [];
        for (let lens = 0; lens < LENS_COMMANDS.length; lens++) {
          const data: LensData = [document, fn.qualname, lens];
          made.push(bare ? { range: fn.nameRange, data } : { range: fn.nameRange, command: lensCommand(uri, fn.qualname, lens, shownOf) });
        }
        this.kept.set(fn, (own = { shown, lenses: made, json: asciiJson(made).slice(1, -1) }));
      }
      for (const lens of own.lenses) lenses.push(lens);
      json.push(own.json);
    }
    return withJson(lenses, `[${json.join(',')}]`);
  }
}

/** A lens sent unresolved, with its command (of the document `uri`, which its data numbers): titled by the function's latest outcome now. */
export function resolvedLens(lens: CodeLens & { readonly data: LensData }, uri: string, shownOf: (fn: string) => ShownOutcome | undefined): CodeLens {
  const [, fn, which] = lens.data;
  return { range: lens.range, command: lensCommand(uri, fn, which, shownOf) };
}
