/**
 * The open panel follows the active editor: when the cursor moves into another function (or
 * another Python file), the panel shows that function's latest result from the language server,
 * or clears what it shows of the previous one and says nothing is computed yet.
 */
import * as vscode from 'vscode';
import type { LanguageClient } from 'vscode-languageclient/node';
import { fromWire, isEvaluationOutcome, resultRequest } from '../protocol';
import type { GradlensPanel } from './panel';
import { sourceOf, where } from './sources';
import { functionAround } from './target';

/** The cursor settles before the panel follows it (each move asks the server for lenses). */
const FOLLOW_DELAY_MS = 300;

export function followActiveEditor(panel: GradlensPanel, client: () => LanguageClient | undefined): vscode.Disposable {
  let timer: ReturnType<typeof setTimeout> | undefined;
  let followed = '';
  const follow = async (editor: vscode.TextEditor | undefined): Promise<void> => {
    if (!panel.isOpen || !editor || editor.document.languageId !== 'python') return;
    const uri = editor.document.uri.toString();
    const target = await functionAround(editor);
    const key = `${uri}#${target?.function ?? ''}`;
    if (key === followed) return;
    followed = key;
    if (!target) {
      panel.idle(uri, undefined);
      return;
    }
    const at = where(await sourceOf(target.uri), target.function);
    const stored = await client()?.sendRequest(resultRequest, target).then((w) => (w === null ? undefined : fromWire(w, isEvaluationOutcome)), () => undefined);
    if (stored) panel.display(stored, undefined, at);
    else panel.idle(target.uri, target.function, at);
  };
  const later = (editor: vscode.TextEditor | undefined): void => {
    clearTimeout(timer);
    timer = setTimeout(() => void follow(editor), FOLLOW_DELAY_MS);
  };
  return vscode.Disposable.from(
    vscode.window.onDidChangeActiveTextEditor(later),
    vscode.window.onDidChangeTextEditorSelection((e) => later(e.textEditor)),
    { dispose: () => clearTimeout(timer) },
  );
}
