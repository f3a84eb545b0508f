/**
 * A file with a definition that does not parse: CPython runs no line of it, but a user editing
 * one function expects the others to keep computing. They run on the file with each broken
 * definition's lines left out, a `def` among them replaced by one that raises its syntax error
 * when called (so a caller fails at the error, not with a NameError), and the result says so.
 */
import { syntaxErrorClass, type ast, type BrokenDefinition, type ParseResult } from '../lang/python';
import type { LeftOutLines } from '../protocol/results';
import { rangeOfSpan } from './failure';

/** The parse with each broken definition's statements replaced by a stub that raises its error. */
export function withoutBrokenDefinitions(parsed: ParseResult, broken: readonly BrokenDefinition[]): ParseResult {
  const body: ast.Stmt[] = [];
  const placed = new Set<BrokenDefinition>();
  for (const s of parsed.module.body) {
    const d = broken.find((b) => s.span.from >= b.span.from && s.span.from < b.span.to);
    if (!d) body.push(s);
    else if (!placed.has(d)) {
      placed.add(d);
      const name = definedName(parsed.source, d);
      if (name !== null) body.push(raisingStub(d, name));
    }
  }
  return { ...parsed, module: { ...parsed.module, body }, errors: [], brokenDefinitions: [] };
}

/** What a result says of each definition its run left out. */
export function leftOutLines(broken: readonly BrokenDefinition[], source: string, file: string, fn: string): LeftOutLines[] {
  return broken.map((d) => {
    const { span, problem } = d;
    const lines = span.endLine > span.line ? `lines ${span.line}–${span.endLine}` : `line ${span.line}`;
    const name = definedName(source, d);
    return {
      range: rangeOfSpan(span),
      message: `${file}:${span.line}:${span.col}: warning: ${fn}() was computed without ${lines}${name ? ` (${name})` : ''}, which do not parse `
        + `(${syntaxErrorClass(problem)} at ${problem.span.line}:${problem.span.col}); CPython runs no line of the file until they are fixed`,
    };
  });
}

/** The name the broken definition's `def` or `class` line binds, where it reads as one. */
function definedName(source: string, d: BrokenDefinition): string | null {
  return /^(?:async[ \t]+)?(?:def|class)[ \t]+([A-Za-z_]\w*)/m.exec(source.slice(d.span.from, d.span.to))?.[1] ?? null;
}

/** `def NAME(*args, **kwargs): raise IndentationError(MESSAGE)`, its statements placed at the error. */
function raisingStub(d: BrokenDefinition, name: string): ast.FunctionDef {
  const at = d.problem.span;
  const param = (n: string, kind: ast.ParamKind): ast.Param => ({ name: n, kind, positionalOnly: false, default: null, annotation: null, span: at });
  const error: ast.Call = {
    kind: 'Call', span: at,
    func: { kind: 'Name', id: syntaxErrorClass(d.problem), span: at },
    args: [{ kind: 'positional', value: { kind: 'Str', value: d.problem.message, span: at }, span: at }],
  };
  return {
    kind: 'FunctionDef', name, nameSpan: at, span: d.span, decorators: [], returns: null, isAsync: false,
    params: [param('args', 'varargs'), param('kwargs', 'varkw')],
    body: [{ kind: 'Raise', span: at, exc: error, cause: null }],
  };
}
