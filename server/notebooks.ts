/**
 * Notebooks (LSP 3.17 notebook document sync): each open notebook is one Python document at the
 * notebook's URI, its code cells one after the other (protocol/notebook.ts), fed to the server's
 * documents as a client's didOpen/didChange/didClose would be; so it is analyzed, evaluated and
 * kept as a file is. Requests about a cell are answered from it (cell_requests.ts).
 */
import {
  NotebookCellKind,
  NotebookDocuments,
  type Connection,
  type DidChangeTextDocumentParams,
  type DidCloseTextDocumentParams,
  type DidOpenTextDocumentParams,
  type NotebookDocument,
  type ServerCapabilities,
} from 'vscode-languageserver';
import { TextDocument } from 'vscode-languageserver-textdocument';
import { notebookText, type CellLines, type NotebookText } from '../protocol';

/** What the server announces: every notebook's cells (markdown ones too, so that cells are numbered as the user counts them). */
export const NOTEBOOK_SYNC: ServerCapabilities['notebookDocumentSync'] = { notebookSelector: [{ notebook: '*' }] };

/** The server's documents, as its notebooks' texts reach them. */
export interface DocumentEvents {
  open(params: DidOpenTextDocumentParams): void;
  change(params: DidChangeTextDocumentParams): void;
  close(params: DidCloseTextDocumentParams): void;
}

export class Notebooks {
  private readonly synced = new NotebookDocuments(TextDocument);
  /** Each open notebook's text as last sent to the documents, and its document's version. */
  private readonly texts = new Map<string, { readonly notebook: NotebookText; version: number }>();

  /** The notebook whose text holds the cell `uri`, and where the cell is in it. */
  cell(uri: string): { readonly notebook: string; readonly cells: readonly CellLines[]; readonly cell: CellLines } | undefined {
    const notebook = this.synced.findNotebookDocumentForCell(uri);
    const known = notebook && this.texts.get(notebook.uri);
    const cell = known?.notebook.cells.find((c) => c.uri === uri);
    return notebook && known && cell ? { notebook: notebook.uri, cells: known.notebook.cells, cell } : undefined;
  }

  /** The cells of the open notebook `uri`; undefined for any other document. */
  cellsOf(uri: string): readonly CellLines[] | undefined {
    return this.texts.get(uri)?.notebook.cells;
  }

  listen(connection: Connection, documents: DocumentEvents): void {
    const { synced } = this;
    synced.onDidOpen((notebook) => this.update(notebook, documents));
    synced.onDidChange(({ notebookDocument }) => this.update(notebookDocument, documents));
    synced.onDidClose((notebook) => {
      if (!this.texts.has(notebook.uri)) return;
      // NB: closed while its cells are known, so that what was published for them is cleared.
      documents.close({ textDocument: { uri: notebook.uri } });
      this.texts.delete(notebook.uri);
    });
    synced.listen(connection);
  }

  private update(notebook: NotebookDocument, documents: DocumentEvents): void {
    const cells = notebook.cells.flatMap((cell, i) => {
      const document = cell.kind === NotebookCellKind.Code ? this.synced.getCellTextDocument(cell) : undefined;
      return document?.languageId === 'python' ? [{ uri: cell.document, number: i + 1, text: document.getText() }] : [];
    });
    const text = notebookText(cells);
    const known = this.texts.get(notebook.uri);
    if (!known) {
      this.texts.set(notebook.uri, { notebook: text, version: 1 });
      documents.open({ textDocument: { uri: notebook.uri, languageId: 'python', version: 1, text: text.text } });
      return;
    }
    const unchanged = known.notebook.text === text.text && sameCells(known.notebook.cells, text.cells);
    if (unchanged) return;
    const version = known.version + 1;
    this.texts.set(notebook.uri, { notebook: text, version });
    documents.change({ textDocument: { uri: notebook.uri, version }, contentChanges: [{ text: text.text }] });
  }
}

function sameCells(a: readonly CellLines[], b: readonly CellLines[]): boolean {
  return a.length === b.length && a.every((c, i) => c.uri === b[i]!.uri && c.number === b[i]!.number && c.firstLine === b[i]!.firstLine);
}
