/**
 * The value and gradient at the example inputs, after the function's `def` line; with
 * `gradlens.inlayShapes`, each assigned name's type after it (`h: f32[8,3] = x @ w`).
 */
import { InlayHintKind, type InlayHint, type Range } from 'vscode-languageserver';
import { escapeMarkdown, valueSummaryText, type AssignedValue, type EvaluationResult, type InputOrigin } from '../protocol';
import { rangeOf, type DocumentAnalysis, type FunctionSummary } from './analysis';
import { gradText, shortNumbers } from './format';
import { STALE_MARK } from './lenses';

const ORIGIN: { readonly [O in InputOrigin]: (fn: FunctionSummary) => string } = {
  call: (fn) => `the call of ${fn.name}() on line ${(fn.inputs?.line ?? 0) + 1}`,
  defaults: () => "the parameters' defaults",
  comment: (fn) => `the \`# gradlens:\` comment on line ${(fn.inputs?.line ?? 0) + 1}`,
  user: () => 'the inputs you typed',
};

/** Which hints to give: the value hints after `def` lines; shape hints, given the document's text (to place a hint only where its name still is). */
export interface HintKinds {
  readonly values: boolean;
  /** `assignmentsOf`: each function's records, a result's or what ran before an error (a result's when not given). */
  readonly shapes: { textOf(range: Range): string; assignmentsOf?(fn: string): readonly AssignedValue[] | undefined } | null;
}

/**
 * @param staleOf the last result of a function that an edit has made stale, shown marked as such
 * until the function is computed again (shape hints come only from results of the text as it is).
 */
export function inlayHints(
  analysis: DocumentAnalysis, range: Range, resultOf: (fn: string) => EvaluationResult | undefined,
  kinds: HintKinds = { values: true, shapes: null }, staleOf: (fn: string) => EvaluationResult | undefined = () => undefined,
): InlayHint[] {
  const hints: InlayHint[] = [];
  for (const fn of kinds.values ? analysis.functions : []) {
    if (fn.headerEnd.line < range.start.line || fn.headerEnd.line > range.end.line) continue;
    const current = resultOf(fn.qualname);
    const result = current ?? staleOf(fn.qualname);
    if (!result) continue;
    const grad = gradText(result.grad);
    const inputs = Object.entries(result.inputs).map(([k, v]) => `${k} = ${shortNumbers(v)}`).join(', ');
    const at = `At ${escapeMarkdown(inputs || 'no arguments')}, from ${ORIGIN[result.inputOrigin](fn)} (${escapeMarkdown(result.backend.name)}).`;
    hints.push({
      position: fn.headerEnd,
      label: `→ ${shortNumbers(result.value)}${grad ? `, ${grad}` : ''}${current ? '' : STALE_MARK}`,
      kind: InlayHintKind.Parameter,
      paddingLeft: true,
      // NB: markdown: what a result carries (parameter names, a forged result's anything) is escaped.
      tooltip: { kind: 'markdown', value: current ? at : `Computed before the last edit of ${escapeMarkdown(fn.name)}() or of what it reads: ${at}` },
    });
  }
  return kinds.shapes ? [...hints, ...shapeHints(analysis, range, resultOf, kinds.shapes)] : hints;
}

/** `: f32[8,3]` after each assigned name in `range`, once each (the script's top-level loops are in every result). */
function shapeHints(analysis: DocumentAnalysis, range: Range, resultOf: (fn: string) => EvaluationResult | undefined, shapes: NonNullable<HintKinds['shapes']>): InlayHint[] {
  const hints = new Map<string, InlayHint>();
  for (const fn of analysis.functions) {
    for (const a of (shapes.assignmentsOf ? shapes.assignmentsOf(fn.qualname) : resultOf(fn.qualname)?.assignments) ?? []) {
      const at = rangeOf(a.range);
      const key = `${at.end.line}:${at.end.character}`;
      if (at.end.line < range.start.line || at.end.line > range.end.line || hints.has(key)) continue;
      // NB: a result outlives edits above its function (its hash is of its text): the name must still be there.
      if (shapes.textOf(at) !== a.name) continue;
      hints.set(key, {
        position: at.end,
        label: `: ${a.value.type}`,
        kind: InlayHintKind.Type,
        // NB: markdown: what a result carries is escaped.
        tooltip: { kind: 'markdown', value: escapeMarkdown(valueSummaryText(a.value)) },
      });
    }
  }
  return [...hints.values()];
}
