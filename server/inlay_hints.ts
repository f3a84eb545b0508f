/** The value and gradient at the example inputs, after the function's `def` line. */
import { InlayHintKind, type InlayHint, type Range } from 'vscode-languageserver';
import { escapeMarkdown, type EvaluationResult, type InputOrigin } from '../protocol';
import type { DocumentAnalysis, FunctionSummary } from './analysis';
import { gradText, shortNumbers } from './format';

const ORIGIN: { readonly [O in InputOrigin]: (fn: FunctionSummary) => string } = {
  call: (fn) => `the call of ${fn.name}() on line ${(fn.inputs?.line ?? 0) + 1}`,
  defaults: () => "the parameters' defaults",
  comment: (fn) => `the \`# gradlens:\` comment on line ${(fn.inputs?.line ?? 0) + 1}`,
  user: () => 'the inputs you typed',
};

export function inlayHints(analysis: DocumentAnalysis, range: Range, resultOf: (fn: string) => EvaluationResult | undefined): InlayHint[] {
  const hints: InlayHint[] = [];
  for (const fn of analysis.functions) {
    if (fn.headerEnd.line < range.start.line || fn.headerEnd.line > range.end.line) continue;
    const result = resultOf(fn.qualname);
    if (!result) continue;
    const grad = gradText(result.grad);
    const inputs = Object.entries(result.inputs).map(([k, v]) => `${k} = ${shortNumbers(v)}`).join(', ');
    hints.push({
      position: fn.headerEnd,
      label: `→ ${shortNumbers(result.value)}${grad ? `, ${grad}` : ''}`,
      kind: InlayHintKind.Parameter,
      paddingLeft: true,
      // NB: markdown: what a result carries (parameter names, a forged result's anything) is escaped.
      tooltip: { kind: 'markdown', value: `At ${escapeMarkdown(inputs || 'no arguments')}, from ${ORIGIN[result.inputOrigin](fn)} (${escapeMarkdown(result.backend.name)}).` },
    });
  }
  return hints;
}
