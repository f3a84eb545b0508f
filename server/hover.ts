/**
 * Timing hints in a hover: on a function's name, eager against jit stage by stage; on a line of its
 * body, what that line's ops cost in the eager run and which fused jit kernels they went into.
 */
import type { Hover, Position, Range } from 'vscode-languageserver';
import { backendLabel, escapeMarkdown, float64OnCpuText, hostReadsText, messageOnly, msText, seriesText, sparkline, valueSummaryText, type AssignedValue, type EvaluationResult, type GradientCut } from '../protocol';
import { rangeOf, type DocumentAnalysis, type FunctionSummary } from './analysis';
import { speedup } from './format';

function contains(range: Range, at: Position): boolean {
  const after = at.line > range.start.line || (at.line === range.start.line && at.character >= range.start.character);
  const before = at.line < range.end.line || (at.line === range.end.line && at.character <= range.end.character);
  return after && before;
}

/** A compact table: rows are stages, columns the engines that ran. */
function functionHover(fn: FunctionSummary, r: EvaluationResult): string {
  const { eager, jit } = r;
  const row = (label: string, e: string, j: string) => `| ${label} | ${eager ? `${e} |` : ''}${jit ? ` ${j} |` : ''}`;
  const lines = [
    // NB: markdown: the backend's adapter text comes from the result (a forged one carries anything).
    `**${escapeMarkdown(fn.name)}** · ${escapeMarkdown(backendLabel(r.backend))}`,
    '',
    `| | ${eager ? 'eager |' : ''}${jit ? ' jit |' : ''}`,
    `|---|${eager ? '---|' : ''}${jit ? '---|' : ''}`,
    row('trace', '—', jit ? msText(jit.traceMs) : ''),
    row('compile', '—', jit ? msText(jit.compileMs) : ''),
    row('run', eager ? msText(eager.runMs) : '', jit ? msText(jit.runMs) : ''),
    row('launches', eager ? `${eager.ops} ops` : '', jit ? `${jit.kernels} kernel${jit.kernels === 1 ? '' : 's'}` : ''),
  ];
  const faster = eager && jit ? speedup(eager.runMs, jit.runMs) : '';
  if (faster) lines.push('', `${faster} per call (steady state, forward + gradient)`);
  if (jit?.ranOn === 'host') lines.push('', 'jit ran its kernels on the CPU: every value is tiny, and a GPU round trip would cost more than the work');
  if (r.hostReads) lines.push('', hostReadsText(r.hostReads));
  if (r.float64OnCpu) lines.push('', float64OnCpuText(r.float64OnCpu));
  const cuts = r.gradientCuts ?? [];
  if (cuts.length > 0) lines.push('', `The gradient was cut at ${cuts.length === 1 ? 'one place' : `${cuts.length} places`}:`, '', ...cuts.map((c) => `- ${cutText(c)}`));
  return lines.join('\n');
}

/** `line 17: 'float(y)' makes a constant ...`: the cut's message without the path (the hover is in the file). */
function cutText(cut: GradientCut): string {
  // NB: markdown: the message quotes the user's code.
  return `line ${cut.range.line}: ${escapeMarkdown(messageOnly(cut.message))}`;
}

function lineHover(line: number, r: EvaluationResult): string | null {
  const timing = r.eager?.lines.find((l) => l.line === line);
  const kernels = r.jit?.lineKernels.find((l) => l.line === line)?.kernels ?? [];
  const cuts = r.gradientCuts?.filter((c) => c.range.line === line) ?? [];
  if (!timing && kernels.length === 0 && cuts.length === 0) return null;
  const parts: string[] = [];
  if (timing) parts.push(`eager: ${msText(timing.ms)} in ${timing.ops} op${timing.ops === 1 ? '' : 's'}`);
  if (kernels.length > 0) parts.push(`jit: fused into kernel${kernels.length === 1 ? '' : 's'} ${kernels.map((k) => `#${k}`).join(', ')}`);
  const head = [`**line ${line}**`, ...parts].join(' · ');
  return cuts.length > 0 ? [head, '', ...cuts.map((c) => `- ${escapeMarkdown(messageOnly(c.message))}`)].join('\n') : head;
}

/**
 * What a name held after its assignment: type and values (or min, max, mean), its gradient, and
 * for a loop's scalar its curve. NB: markdown: every part of a record is escaped (a forged result carries anything).
 */
function assignmentHover(a: AssignedValue): string {
  const lines = [`**${escapeMarkdown(a.name)}** ${escapeMarkdown(valueSummaryText(a.value))}`];
  if (a.grad) lines.push('', `∇${escapeMarkdown(a.name)} ${escapeMarkdown(valueSummaryText(a.grad))}`);
  else if (a.gradNote) lines.push('', `∇${escapeMarkdown(a.name)}: ${escapeMarkdown(a.gradNote)}`);
  if (a.series) lines.push('', escapeMarkdown(sparkline(a.series.values)), '', escapeMarkdown(seriesText(a)));
  else if (a.count > 1) lines.push('', `the last of ${a.count.toLocaleString('en-US')} assignments on this line`);
  return lines.join('\n');
}

/**
 * The record of the assignment whose target is under the cursor, in any evaluation of the document
 * (top-level loops are in each): a result's, or what ran before an error.
 */
function assignmentAt(analysis: DocumentAnalysis, at: Position, assignmentsOf: (fn: string) => readonly AssignedValue[] | undefined, textOf: (range: Range) => string): AssignedValue | null {
  for (const fn of analysis.functions) {
    for (const a of assignmentsOf(fn.qualname) ?? []) {
      const range = rangeOf(a.range);
      // NB: a result outlives edits above its function (its hash is of its text): the name must still be there.
      if (contains(range, at) && textOf(range) === a.name) return a;
    }
  }
  return null;
}

export function hover(
  analysis: DocumentAnalysis, at: Position, resultOf: (fn: string) => EvaluationResult | undefined, textOf: (range: Range) => string,
  assignmentsOf: (fn: string) => readonly AssignedValue[] | undefined = (fn) => resultOf(fn)?.assignments,
): Hover | null {
  // The innermost function around the position.
  const around = analysis.functions.filter((f) => contains(f.range, at)).reverse();
  for (const fn of around) {
    const result = resultOf(fn.qualname);
    if (result && contains(fn.nameRange, at)) return { contents: { kind: 'markdown', value: functionHover(fn, result) }, range: fn.nameRange };
  }
  const assigned = assignmentAt(analysis, at, assignmentsOf, textOf);
  if (assigned) return { contents: { kind: 'markdown', value: assignmentHover(assigned) }, range: rangeOf(assigned.range) };
  for (const fn of around) {
    const result = resultOf(fn.qualname);
    if (!result) continue;
    const text = lineHover(at.line + 1, result);
    if (text) return { contents: { kind: 'markdown', value: text } };
  }
  return null;
}
