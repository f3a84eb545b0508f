/** Documents opened, edited and closed: each is analyzed, and what belonged to a closed one is dropped. */
import { TextDocumentContentChangeEvent, TextDocumentSyncKind, type Connection, type DidChangeTextDocumentParams } from 'vscode-languageserver';
import { isPython } from '../documents';
import { NOTEBOOK_SYNC, type DocumentEvents } from '../notebooks';
import type { ServerState } from '../state';
import { isDidChange, isDidClose, isDidOpen } from '../validate';
import type { Feature } from './feature';

export const documentsFeature: Feature = {
  capabilities: () => ({ textDocumentSync: { openClose: true, change: TextDocumentSyncKind.Incremental }, notebookDocumentSync: NOTEBOOK_SYNC }),
  register: (state) => {
    const { documents, analyses } = state;
    documents.onDidOpen(({ document }) => {
      if (isPython(document)) analyses.open(document);
    });
    documents.onDidChangeContent(({ document }) => {
      state.typing.keystroke();
      if (isPython(document)) analyses.schedule(document);
    });
    documents.onDidClose(({ document }) => {
      analyses.close(document.uri);
      state.editedLines.delete(document.uri);
      state.results.forget(document.uri);
      for (const run of state.inFlight) if (run.uri === document.uri) run.aborted = true;
      void state.connection.sendDiagnostics({ uri: document.uri, diagnostics: [] });
    });
  },
};

/**
 * The connection as TextDocuments sees it: open, change and close notifications that fail their
 * guards are logged and dropped before a document is made of them (a null text would be stored
 * and throw in every later feature). A notebook's text reaches the documents as these do.
 */
export function listenToDocuments(state: ServerState): void {
  const { connection } = state;
  const rejected = (method: string, params: unknown) => state.rejected(method, params);
  const events: Connection = Object.create(connection);
  const notebookEvents: Partial<DocumentEvents> = {};
  events.onDidOpenTextDocument = (handler) => {
    notebookEvents.open = handler;
    return connection.onDidOpenTextDocument((p) => (isDidOpen(p) ? handler(p) : rejected('textDocument/didOpen', p)));
  };
  events.onDidChangeTextDocument = (handler) => {
    // The analysis learns where each change is before it is applied (a notebook's is its whole text).
    const change = (p: DidChangeTextDocumentParams) => {
      const document = state.documents.get(p.textDocument.uri);
      if (document) state.analyses.edit(document, p.contentChanges, p.textDocument.version);
      const last = p.contentChanges[p.contentChanges.length - 1];
      if (last && TextDocumentContentChangeEvent.isIncremental(last)) state.editedLines.set(p.textDocument.uri, last.range.start.line);
      else state.editedLines.delete(p.textDocument.uri);
      handler(p);
    };
    notebookEvents.change = change;
    return connection.onDidChangeTextDocument((p) => (isDidChange(p) ? change(p) : rejected('textDocument/didChange', p)));
  };
  events.onDidCloseTextDocument = (handler) => {
    notebookEvents.close = handler;
    return connection.onDidCloseTextDocument((p) => (isDidClose(p) ? handler(p) : rejected('textDocument/didClose', p)));
  };
  state.documents.listen(events);
  state.notebooks.listen(connection, notebookEvents as DocumentEvents);
}
