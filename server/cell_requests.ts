/**
 * Requests about a notebook cell answered from its notebook's document (notebooks.ts): the
 * connection the features register on, with a cell's CodeLens, hover and inlay hint requests
 * asked of the notebook's text at the cell's lines and their answers moved back into the cell,
 * and the notebook's diagnostics published to the cells they are in. The features never see a cell.
 */
import { ResponseError, type CodeLens, type Connection, type Diagnostic, type HandlerResult, type Hover, type InlayHint, type Position, type PublishDiagnosticsParams, type Range } from 'vscode-languageserver';
import { cellOfLine, toNotebook, type CellLines } from '../protocol';
import type { Notebooks } from './notebooks';

/** A handler's answer with `f` applied to it, when it is one (an error passes through), now or when it comes. */
function then<R>(result: HandlerResult<R, void>, f: (answer: R) => R): HandlerResult<R, void> {
  const map = (answer: R | ResponseError<void>) => (answer instanceof ResponseError ? answer : f(answer));
  const later = result as PromiseLike<R | ResponseError<void>>;
  const answer = result !== null && typeof result === 'object' && typeof later.then === 'function' ? later.then(map) : map(result as R | ResponseError<void>);
  return answer as HandlerResult<R, void>;
}

function inCell(cell: CellLines, at: Position): boolean {
  return at.line >= cell.firstLine && at.line < cell.firstLine + cell.lineCount;
}

function positionInCell(cell: CellLines, at: Position): Position {
  return { line: at.line - cell.firstLine, character: at.character };
}

/** LSP's largest character offset: the end of any line. */
const LINE_END = 2 ** 31 - 1;

function rangeInCell(cell: CellLines, range: Range): Range {
  // A range that runs past the cell's end (a diagnostic over a definition cut by the next cell) ends at it.
  const end = inCell(cell, range.end) ? positionInCell(cell, range.end) : { line: cell.lineCount - 1, character: LINE_END };
  return { start: positionInCell(cell, range.start), end };
}

function rangeInNotebook(cell: CellLines, range: Range): Range {
  return { start: toNotebook(cell, range.start), end: toNotebook(cell, range.end) };
}

export function answeringCells(connection: Connection, notebooks: Notebooks): Connection {
  // NB: read before the handler's guard: a malformed request (no textDocument) is the handler's to refuse.
  const cellOf = (params: { readonly textDocument?: { readonly uri?: unknown } | null } | null) => {
    const uri = params?.textDocument?.uri;
    return typeof uri === 'string' ? notebooks.cell(uri) : undefined;
  };
  const wrapped: Connection = Object.create(connection);
  wrapped.onCodeLens = (handler) => connection.onCodeLens((params, token, ...progress) => {
    const at = cellOf(params);
    if (!at) return handler(params, token, ...progress);
    return then(handler({ ...params, textDocument: { uri: at.notebook } }, token, ...progress), (lenses: CodeLens[] | null | undefined) =>
      lenses?.filter((l) => inCell(at.cell, l.range.start)).map((l) => ({ ...l, range: rangeInCell(at.cell, l.range) })) ?? lenses);
  });
  wrapped.onHover = (handler) => connection.onHover((params, token, ...progress) => {
    const at = cellOf(params);
    if (!at) return handler(params, token, ...progress);
    const asked = { ...params, textDocument: { uri: at.notebook }, position: toNotebook(at.cell, params.position) };
    return then(handler(asked, token, ...progress), (hover: Hover | null | undefined) =>
      hover?.range ? { ...hover, range: rangeInCell(at.cell, hover.range) } : hover);
  });
  const inlayHint = connection.languages.inlayHint;
  const languages = Object.create(connection.languages, {
    inlayHint: {
      value: {
        ...inlayHint,
        on: (handler: Parameters<typeof inlayHint.on>[0]) => inlayHint.on((params, token, ...progress) => {
          const at = cellOf(params);
          if (!at) return handler(params, token, ...progress);
          const asked = { ...params, textDocument: { uri: at.notebook }, range: rangeInNotebook(at.cell, params.range) };
          return then(handler(asked, token, ...progress), (hints: InlayHint[] | null | undefined) =>
            hints?.filter((h) => inCell(at.cell, h.position)).map((h) => ({ ...h, position: positionInCell(at.cell, h.position) })) ?? hints);
        }),
      },
    },
  }) as Connection['languages'];
  Object.defineProperty(wrapped, 'languages', { value: languages });
  const published = new Map<string, Set<string>>();
  wrapped.sendDiagnostics = (params: PublishDiagnosticsParams) => {
    const cells = notebooks.cellsOf(params.uri);
    if (!cells) return connection.sendDiagnostics(params);
    const byCell = new Map<string, Diagnostic[]>(cells.map((c) => [c.uri, []]));
    for (const d of params.diagnostics) {
      const cell = cellOfLine(cells, d.range.start.line) ?? cells.at(-1);
      if (cell) byCell.get(cell.uri)!.push({ ...d, range: rangeInCell(cell, d.range) });
    }
    // A cell that is gone (deleted, or now markdown) loses what was published for it.
    for (const uri of published.get(params.uri) ?? []) if (!byCell.has(uri)) byCell.set(uri, []);
    published.set(params.uri, new Set(cells.map((c) => c.uri)));
    return Promise.all([...byCell].map(([uri, diagnostics]) => connection.sendDiagnostics({ uri, diagnostics }))).then(() => undefined);
  };
  return wrapped;
}
