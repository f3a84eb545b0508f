/** The value and gradient at the example inputs, after the function's `def` line. */
import { InlayHintKind, type InlayHint, type Range } from 'vscode-languageserver';
import type { EvaluationResult, InputOrigin } from '../protocol';
import type { DocumentAnalysis, FunctionSummary } from './analysis';
import { gradText, pyNumbers } from './format';

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
    const inputs = Object.entries(result.inputs).map(([k, v]) => `${k} = ${pyNumbers(v)}`).join(', ');
    hints.push({
      position: fn.headerEnd,
      label: `→ ${pyNumbers(result.value)}${grad ? `, ${grad}` : ''}`,
      kind: InlayHintKind.Parameter,
      paddingLeft: true,
      tooltip: { kind: 'markdown', value: `At ${inputs || 'no arguments'}, from ${ORIGIN[result.inputOrigin](fn)} (${result.backend.name}).` },
    });
  }
  return hints;
}
