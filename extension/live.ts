/**
 * Live mode (`gradlens.live`): a function computed once in the session, or marked with a
 * `# gradlens: live` comment above its `def`, is computed again when an edit makes its result
 * stale (its text, or what it reads: the server keeps a result only while their hash holds), once
 * typing pauses. The schedule (live_schedule.ts) cancels a run when a newer edit comes; a run asks
 * the server which of the document's live functions have no current result and computes those,
 * one after the other, through the same path as a click (evaluate.ts), silently.
 */
import * as vscode from 'vscode';
import type { LanguageClient } from 'vscode-languageclient/node';
import { resultRequest, type FunctionCommandArgs } from '../protocol';
import { readConfig } from './config';
import type { Evaluations } from './evaluate';
import { LiveScheduler, type LiveToken } from './live_schedule';
import { notebookOf, notebookOfCell, notebookSource, pythonCells, sourceOf } from './sources';
import { lensedFunctions, type LensedFunction } from './target';

/** `# gradlens: live`, alone or before the inputs (`# gradlens: live, x=2.0`). */
const LIVE_COMMENT = /^[ \t]*#[ \t]*gradlens[ \t]*:[ \t]*live[ \t]*(,|$)/;

/** Whether the `def` on `defLine` has the live comment above it (above its decorators, if it has any). */
export function markedLive(document: vscode.TextDocument, defLine: number): boolean {
  let line = defLine - 1;
  while (line >= 0 && document.lineAt(line).text.trimStart().startsWith('@')) line--;
  return line >= 0 && LIVE_COMMENT.test(document.lineAt(line).text);
}

function isPython(document: vscode.TextDocument): boolean {
  return document.languageId === 'python';
}

export function startLiveMode(evaluations: Evaluations, client: () => LanguageClient | undefined, log: vscode.LogOutputChannel): vscode.Disposable {
  /** The documents whose lenses are a URI's functions: the file's, or a notebook's Python cells. */
  const documentsOf = (uri: string): vscode.TextDocument[] => {
    const notebook = notebookOf(uri);
    return notebook ? pythonCells(notebook).map((c) => c.document) : vscode.workspace.textDocuments.filter((d) => d.uri.toString() === uri);
  };

  /** Computes the document's (or notebook's) live functions whose results are stale (or missing), until a newer edit cancels it. */
  const run = async (uri: string, token: LiveToken): Promise<void> => {
    if (!readConfig().live) return;
    const computed = evaluations.computed.get(uri);
    const functions: LensedFunction[] = [];
    for (const document of documentsOf(uri)) {
      functions.push(...(await lensedFunctions(document)).filter((f) => computed?.has(f.args.function) || markedLive(document, f.line)));
    }
    for (const { args } of functions) {
      if (token.cancelled) return;
      if (await hasCurrentResult(args)) continue;
      if (token.cancelled) return;
      log.info(`live: computing ${args.function}() in ${vscode.workspace.asRelativePath(vscode.Uri.parse(uri))} again`);
      await evaluations.live(args, await sourceOf(uri), (cancel) => token.onCancelled(cancel));
    }
  };

  const hasCurrentResult = async (args: FunctionCommandArgs): Promise<boolean> => {
    const running = client();
    if (!running) return true;
    return running.sendRequest(resultRequest, args).then((wire) => wire !== null, () => true);
  };

  const schedule = new LiveScheduler(run);
  /**
   * What an edit of `document` schedules: its URI, or its notebook's for a cell (the cells above a
   * function are its context). A document with nothing computed and nothing marked live is never
   * scheduled: a keystroke there costs nothing.
   */
  const concerned = (document: vscode.TextDocument): string | undefined => {
    if (!isPython(document) || !readConfig().live) return undefined;
    const notebook = notebookOfCell(document);
    const uri = (notebook?.uri ?? document.uri).toString();
    const text = notebook ? notebookSource(notebook).text : document.getText();
    return (evaluations.computed.get(uri)?.size ?? 0) > 0 || text.includes('gradlens') ? uri : undefined;
  };
  const markedText = (uri: string, text: string) => {
    if (readConfig().live && /#[ \t]*gradlens[ \t]*:[ \t]*live/.test(text)) schedule.now(uri);
  };
  const opened = (document: vscode.TextDocument) => {
    if (isPython(document) && document.uri.scheme !== 'vscode-notebook-cell') markedText(document.uri.toString(), document.getText());
  };
  const openedNotebook = (notebook: vscode.NotebookDocument) => markedText(notebook.uri.toString(), notebookSource(notebook).text);
  const closed = (uri: string) => {
    schedule.forget(uri);
    evaluations.computed.delete(uri);
  };
  for (const document of vscode.workspace.textDocuments) opened(document);
  for (const notebook of vscode.workspace.notebookDocuments) openedNotebook(notebook);
  return vscode.Disposable.from(
    vscode.workspace.onDidChangeTextDocument((e) => {
      const uri = e.contentChanges.length > 0 ? concerned(e.document) : undefined;
      if (uri) schedule.edited(uri);
    }),
    vscode.workspace.onDidOpenTextDocument(opened),
    vscode.workspace.onDidOpenNotebookDocument(openedNotebook),
    vscode.workspace.onDidCloseTextDocument((document) => closed(document.uri.toString())),
    vscode.workspace.onDidCloseNotebookDocument((notebook) => closed(notebook.uri.toString())),
    vscode.workspace.onDidChangeConfiguration((e) => {
      if (!e.affectsConfiguration('gradlens.live') || !readConfig().live) return;
      for (const document of vscode.workspace.textDocuments) opened(document);
      for (const notebook of vscode.workspace.notebookDocuments) openedNotebook(notebook);
    }),
    { dispose: () => schedule.dispose() },
  );
}
