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
import { lensedFunctions } from './target';

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
  const documentOf = (uri: string) => vscode.workspace.textDocuments.find((d) => d.uri.toString() === uri);

  /** Computes the document's live functions whose results are stale (or missing), until a newer edit cancels it. */
  const run = async (uri: string, token: LiveToken): Promise<void> => {
    const document = documentOf(uri);
    if (!document || !readConfig().live) return;
    const computed = evaluations.computed.get(uri);
    const functions = (await lensedFunctions(document)).filter((f) => computed?.has(f.args.function) || markedLive(document, f.line));
    for (const { args } of functions) {
      if (token.cancelled) return;
      if (await hasCurrentResult(args)) continue;
      if (token.cancelled) return;
      log.info(`live: computing ${args.function}() in ${vscode.workspace.asRelativePath(document.uri)} again`);
      await evaluations.live(args, document, (cancel) => token.onCancelled(cancel));
    }
  };

  const hasCurrentResult = async (args: FunctionCommandArgs): Promise<boolean> => {
    const running = client();
    if (!running) return true;
    return running.sendRequest(resultRequest, args).then((wire) => wire !== null, () => true);
  };

  const schedule = new LiveScheduler(run);
  /** A document with nothing computed and nothing marked live is never scheduled: a keystroke there costs nothing. */
  const concerns = (document: vscode.TextDocument) =>
    isPython(document) && readConfig().live && ((evaluations.computed.get(document.uri.toString())?.size ?? 0) > 0 || document.getText().includes('gradlens'));
  const opened = (document: vscode.TextDocument) => {
    if (isPython(document) && readConfig().live && /#[ \t]*gradlens[ \t]*:[ \t]*live/.test(document.getText())) schedule.now(document.uri.toString());
  };
  for (const document of vscode.workspace.textDocuments) opened(document);
  return vscode.Disposable.from(
    vscode.workspace.onDidChangeTextDocument((e) => {
      if (e.contentChanges.length > 0 && concerns(e.document)) schedule.edited(e.document.uri.toString());
    }),
    vscode.workspace.onDidOpenTextDocument(opened),
    vscode.workspace.onDidCloseTextDocument((document) => {
      schedule.forget(document.uri.toString());
      evaluations.computed.delete(document.uri.toString());
    }),
    vscode.workspace.onDidChangeConfiguration((e) => {
      if (e.affectsConfiguration('gradlens.live') && readConfig().live) for (const document of vscode.workspace.textDocuments) opened(document);
    }),
    { dispose: () => schedule.dispose() },
  );
}
