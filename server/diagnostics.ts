/**
 * A document's diagnostics: what the analysis found cannot run, and what the latest evaluations
 * found (the first NaN/Inf, an evaluation error such as jit's concretization error) at its line.
 */
import { DiagnosticSeverity, type Diagnostic } from 'vscode-languageserver';
import { messageOnly, operandsText, type EvaluationOutcome, type NonFinite } from '../protocol';
import { DIAGNOSTIC_SOURCE, rangeOf, type DocumentAnalysis } from './analysis';

const NON_FINITE: { readonly [V in NonFinite['value']]: string } = { nan: 'NaN', inf: 'Inf', '-inf': '-Inf' };

function outcomeDiagnostic(outcome: EvaluationOutcome): Diagnostic | null {
  if (outcome.ok) {
    const bad = outcome.result.nonFinite;
    if (!bad) return null;
    const where = bad.in === 'value' ? 'the value' : 'the gradient';
    const message = `${NON_FINITE[bad.value]} first appears here in ${where} of ${outcome.result.function}() ('${bad.op}' at the example inputs)`;
    return { range: rangeOf(bad.range), severity: DiagnosticSeverity.Warning, source: DIAGNOSTIC_SOURCE, code: 'non-finite', message };
  }
  const { error } = outcome;
  if (!error.range || error.kind !== 'error') return null;
  // NB: a warning (the file is valid Python; Gradlens could not run it), so its words drop the
  // CLI's `FILE:LINE:COL: error: ` prefix: the Problems view shows the place, and 'error:' at warning severity contradicted it.
  // A shape error says what each operand is, under the library's own words.
  const operands = error.operands?.length ? `\n${operandsText(error.operands)}` : '';
  return { range: rangeOf(error.range), severity: DiagnosticSeverity.Warning, source: DIAGNOSTIC_SOURCE, code: 'evaluation', message: messageOnly(error.message) + operands };
}

/** Where a result's gradient stopped flowing: a warning where a gradient shown is 0 for it, else information. */
function cutDiagnostics(outcome: EvaluationOutcome): Diagnostic[] {
  if (!outcome.ok) return [];
  return (outcome.result.gradientCuts ?? []).map((cut) => ({
    range: rangeOf(cut.range),
    severity: cut.zeroGradient ? DiagnosticSeverity.Warning : DiagnosticSeverity.Information,
    source: DIAGNOSTIC_SOURCE,
    code: 'gradient-cut',
    // NB: the diagnostic shows the place itself, and its severity says warning or information.
    message: messageOnly(cut.message),
  }));
}

/** The definitions a result was computed without, as they do not parse: information, beside the syntax error itself. */
function leftOutDiagnostics(outcome: EvaluationOutcome): Diagnostic[] {
  if (!outcome.ok) return [];
  return (outcome.result.leftOut ?? []).map((l) => ({
    range: rangeOf(l.range), severity: DiagnosticSeverity.Information, source: DIAGNOSTIC_SOURCE, code: 'left-out', message: messageOnly(l.message),
  }));
}

/**
 * The Python warnings the runs showed (`warnings.warn`, gradcheck's float32 warning): warnings at
 * the line they point to, once each where several functions' runs reached the same one (the script's top level).
 */
function pythonWarningDiagnostics(outcomes: readonly EvaluationOutcome[]): Diagnostic[] {
  const byPlace = new Map<string, Diagnostic>();
  for (const outcome of outcomes) {
    if (!outcome.ok) continue;
    for (const w of outcome.result.warnings ?? []) {
      const message = messageOnly(w.message);
      byPlace.set(`${w.range.line}:${w.range.col}:${message}`, { range: rangeOf(w.range), severity: DiagnosticSeverity.Warning, source: DIAGNOSTIC_SOURCE, code: 'python-warning', message });
    }
  }
  return [...byPlace.values()];
}

/**
 * The analysis's diagnostics and the latest evaluations'. Where an evaluation failed at a branch
 * the analysis already flagged as untraceable under jit, the analysis's diagnostic is the one
 * kept: it names the jit as the file writes it and says how to fix it, where the evaluation's
 * names the transformation it ran (make_jaxpr) and guesses the name to mark static.
 */
export function documentDiagnostics(analysis: DocumentAnalysis, outcomes: readonly EvaluationOutcome[]): Diagnostic[] {
  const branches = analysis.diagnostics.filter((d) => d.code === 'traced-branch');
  const fromResults = [
    ...outcomes
      .map(outcomeDiagnostic)
      .filter((d): d is Diagnostic => d !== null && !(d.code === 'evaluation' && branches.some((b) => b.range.start.line === d.range.start.line))),
    ...outcomes.flatMap(cutDiagnostics),
    ...outcomes.flatMap(leftOutDiagnostics),
    ...pythonWarningDiagnostics(outcomes),
  ];
  return [...analysis.diagnostics, ...fromResults];
}
