/**
 * The text a function's URI names, as the language server analyzes it: a Python file's text, or
 * for a notebook (its URI: the server keys a notebook's functions by it) its Python code cells as
 * one text (protocol/notebook.ts), with where each cell's lines are in it.
 */
import * as vscode from 'vscode';
import { definitionLine, notebookText, toCell, type CellLines, type SourceRange } from '../protocol';

export interface Source {
  readonly text: string;
  /** A notebook's cells; undefined for a file. */
  readonly cells?: readonly CellLines[];
}

export function notebookOf(uri: string): vscode.NotebookDocument | undefined {
  return vscode.workspace.notebookDocuments.find((n) => n.uri.toString() === uri);
}

/** The notebook a cell's document belongs to. */
export function notebookOfCell(document: vscode.TextDocument): vscode.NotebookDocument | undefined {
  if (document.uri.scheme !== 'vscode-notebook-cell') return undefined;
  return vscode.workspace.notebookDocuments.find((n) => n.getCells().some((c) => c.document === document));
}

/** The Python code cells of a notebook, each with its text document. */
export function pythonCells(notebook: vscode.NotebookDocument): vscode.NotebookCell[] {
  return notebook.getCells().filter((c) => c.kind === vscode.NotebookCellKind.Code && c.document.languageId === 'python');
}

export function notebookSource(notebook: vscode.NotebookDocument): Source {
  // NB: numbered among all the notebook's cells, markdown ones included, as the server numbers them.
  const { text, cells } = notebookText(pythonCells(notebook).map((c) => ({ uri: c.document.uri.toString(), number: c.index + 1, text: c.document.getText() })));
  return { text, cells };
}

/** Where the panel says a function is: its `def` line in the source, and a notebook's cells. */
export function where(source: Source, fn: string): { readonly line?: number; readonly cells?: readonly CellLines[] } {
  const line = definitionLine(source.text, fn);
  return { ...(line === undefined ? {} : { line }), ...(source.cells ? { cells: source.cells } : {}) };
}

export async function sourceOf(uri: string): Promise<Source> {
  const notebook = notebookOf(uri);
  if (notebook) return notebookSource(notebook);
  const document = await vscode.workspace.openTextDocument(vscode.Uri.parse(uri));
  return { text: document.getText() };
}

/** A range (1-based, as results give them) of a function's URI as the document and range to show: in a notebook, the cell's. */
export function placeOf(uri: string, range: SourceRange): { readonly uri: string; readonly range: SourceRange } {
  const notebook = notebookOf(uri);
  if (!notebook) return { uri, range };
  const { cells } = notebookSource(notebook);
  const start = toCell(cells ?? [], { line: range.line - 1, character: range.col - 1 });
  if (!start) return { uri, range };
  const endLine = Math.min(range.endLine - 1 - start.cell.firstLine, start.cell.lineCount - 1);
  return { uri: start.cell.uri, range: { line: start.at.line + 1, col: range.col, endLine: endLine + 1, endCol: range.endCol } };
}
