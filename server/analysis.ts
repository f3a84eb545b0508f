/**
 * What the server knows of one document without running it: its functions (where they are, whether
 * they are numeric, their parameters, where their example inputs come from, the hash that keys
 * their results) and the diagnostics of what cannot run. Plain data in LSP coordinates, so that
 * the features below never touch the AST.
 */
import type { Diagnostic as LspDiagnostic, Range } from 'vscode-languageserver';
import { DiagnosticSeverity } from 'vscode-languageserver';
import type { Analysis, Diagnostic, FunctionInfo, Span } from '../lang/python';
import { functionReads, functionText, ModuleDependencies, sourceHashOf, topLevelStatements } from '../evaluation';
import type { InputOrigin } from '../protocol';

export interface FunctionSummary {
  readonly qualname: string;
  readonly name: string;
  readonly nameRange: Range;
  /** From the first decorator to the end of the body. */
  readonly range: Range;
  /** Where the `def` line's header ends (after the colon): inline results go there. */
  readonly headerEnd: Range['end'];
  /** Top-level numeric functions get lenses and can be evaluated from the editor. */
  readonly evaluable: boolean;
  readonly params: readonly string[];
  /** The source of its example inputs the evaluation will use, when the file has one. */
  readonly inputs: { readonly origin: InputOrigin; readonly line: number; readonly text: string } | null;
  /**
   * The hash of its text and of what it reads in the file (evaluation/source_hash.ts), as the
   * evaluation computes it: a result whose hash differs is stale.
   */
  readonly sourceHash: string;
  /** The hash of its own text alone, and the names it reads: what `sourceHash` is made from. */
  readonly textHash: string;
  readonly reads: readonly string[];
}

export interface DocumentAnalysis {
  readonly functions: readonly FunctionSummary[];
  readonly diagnostics: readonly LspDiagnostic[];
}

export const DIAGNOSTIC_SOURCE = 'gradlens';

export function rangeOf(span: Pick<Span, 'line' | 'col' | 'endLine' | 'endCol'>): Range {
  return { start: { line: span.line - 1, character: span.col - 1 }, end: { line: span.endLine - 1, character: span.endCol - 1 } };
}

/** The analysis of `text`; each function's `sourceHash` follows what it reads in `analysis`'s parse. */
export function summarize(text: string, analysis: Analysis): DocumentAnalysis {
  const dependencies = new ModuleDependencies(topLevelStatements(analysis.parse));
  const own = summarizeUnhashed(text, analysis);
  return { ...own, functions: own.functions.map((fn) => withDependencies(fn, dependencies)) };
}

/**
 * As `summarize`, each function's `sourceHash` left empty: for a part of a file analyzed alone,
 * whose functions are hashed over the whole file's statements (server/dependency_hashes.ts).
 */
export function summarizeUnhashed(text: string, analysis: Analysis): DocumentAnalysis {
  return { functions: analysis.functions.map((fn) => summarizeFunction(text, analysis, fn)), diagnostics: analysis.diagnostics.map(toLspDiagnostic) };
}

/** The function with its `sourceHash` made from its own text's hash and the file's statements it reaches. */
export function withDependencies(fn: FunctionSummary, dependencies: ModuleDependencies): FunctionSummary {
  const sourceHash = dependencies.hashFrom(fn.textHash, fn.reads);
  return sourceHash === fn.sourceHash ? fn : { ...fn, sourceHash };
}

/** What a document whose analysis failed shows: the failure, as an error at its first line, and no lenses. */
export function failedAnalysis(error: unknown): DocumentAnalysis {
  const reason = error instanceof Error ? `${error.name}: ${error.message}` : String(error);
  return {
    functions: [],
    diagnostics: [{
      range: { start: { line: 0, character: 0 }, end: { line: 0, character: 0 } },
      severity: DiagnosticSeverity.Error,
      source: DIAGNOSTIC_SOURCE,
      code: 'internal',
      message: `Gradlens could not analyze this file (internal error: ${reason.slice(0, 300)}); please report it. The rest of the editor is unaffected.`,
    }],
  };
}

function summarizeFunction(text: string, analysis: Analysis, fn: FunctionInfo): FunctionSummary {
  const source = fn.inputSources[0];
  const bindings = source?.bindings.map((b) => (b.param ? `${b.param}=${b.text}` : b.text)).join(', ') ?? '';
  const inputLine = !source ? 0 : source.kind === 'defaults' ? fn.nameSpan.line : source.span.line;
  const body = fn.node.body[0];
  const headerEndOffset = headerEnd(text, fn.nameSpan.to, body ? body.span.from : fn.span.to);
  const headerPos = analysis.parse.lines.position(headerEndOffset);
  return {
    qualname: fn.qualname,
    name: fn.name,
    nameRange: rangeOf(fn.nameSpan),
    range: rangeOf(fn.span),
    headerEnd: { line: headerPos.line - 1, character: headerPos.col - 1 },
    evaluable: fn.isNumeric && fn.parent === null,
    params: fn.params.map((p) => p.name),
    inputs: source ? { origin: source.kind, line: inputLine - 1, text: bindings } : null,
    sourceHash: '',
    textHash: sourceHashOf(functionText(text, fn)),
    reads: functionReads(fn),
  };
}

/** The end of the line that holds the header's colon (the `def` line, or the last line of a wrapped signature). */
function headerEnd(text: string, from: number, bodyStart: number): number {
  const colon = text.lastIndexOf(':', bodyStart);
  const at = colon >= from ? colon : from;
  const eol = text.indexOf('\n', at);
  const end = eol < 0 ? text.length : eol;
  return text[end - 1] === '\r' ? end - 1 : end;
}

const SEVERITY: { readonly [S in Diagnostic['severity']]: DiagnosticSeverity } = {
  // NB: Warning: the file is valid Python; Gradlens only says what it cannot run.
  error: DiagnosticSeverity.Warning,
  warning: DiagnosticSeverity.Warning,
};

function toLspDiagnostic(d: Diagnostic): LspDiagnostic {
  // A syntax error is an error: CPython would not run the file either.
  const severity = d.code === 'syntax' ? DiagnosticSeverity.Error : SEVERITY[d.severity];
  return { range: rangeOf(d.span), severity, source: DIAGNOSTIC_SOURCE, code: d.code, message: d.message };
}
