/**
 * Which function a command from the palette means: the one under the cursor, found among the
 * functions the server put a lens over (so the client needs no Python parser); else the user picks.
 */
import * as vscode from 'vscode';
import { COMMANDS, type FunctionCommandArgs } from '../protocol';

export interface LensedFunction {
  readonly args: FunctionCommandArgs;
  readonly line: number;
}

export async function functionAtCursor(): Promise<FunctionCommandArgs | undefined> {
  const editor = vscode.window.activeTextEditor;
  if (!editor || editor.document.languageId !== 'python') {
    void vscode.window.showInformationMessage('Gradlens: open a Python file and put the cursor in a function first.');
    return undefined;
  }
  const functions = await lensedFunctions(editor.document);
  if (functions.length === 0) {
    void vscode.window.showInformationMessage(`Gradlens: found no numeric function in ${vscode.workspace.asRelativePath(editor.document.uri)}.`);
    return undefined;
  }
  const cursor = editor.selection.active.line;
  const enclosing = functions.filter((f) => f.line <= cursor && cursor <= blockEnd(editor.document, f.line)).at(-1);
  if (enclosing) return enclosing.args;
  const picked = await vscode.window.showQuickPick(
    functions.map((f) => ({ label: f.args.function, description: `line ${f.line + 1}`, args: f.args })),
    { title: 'Gradlens: which function?' },
  );
  return picked?.args;
}

/** The lensed function around the cursor of `editor`, quietly (no message, no pick): for the panel to follow. */
export async function functionAround(editor: vscode.TextEditor): Promise<FunctionCommandArgs | undefined> {
  if (editor.document.languageId !== 'python') return undefined;
  const cursor = editor.selection.active.line;
  const functions = await lensedFunctions(editor.document);
  return functions.filter((f) => f.line <= cursor && cursor <= blockEnd(editor.document, f.line)).at(-1)?.args;
}

export async function lensedFunctions(document: vscode.TextDocument): Promise<LensedFunction[]> {
  const lenses = (await vscode.commands.executeCommand<vscode.CodeLens[]>('vscode.executeCodeLensProvider', document.uri, 100)) ?? [];
  const seen = new Map<string, LensedFunction>();
  for (const lens of lenses) {
    const args = lens.command?.arguments?.[0] as FunctionCommandArgs | undefined;
    if (lens.command?.command !== COMMANDS.computeGradient || !args || seen.has(args.function)) continue;
    seen.set(args.function, { args, line: lens.range.start.line });
  }
  return [...seen.values()].sort((a, b) => a.line - b.line);
}

/** The last line of the indented block that starts at `defLine` (a decorator's lens line works too). */
function blockEnd(document: vscode.TextDocument, defLine: number): number {
  let line = defLine;
  while (line < document.lineCount && !/^\s*(async\s+)?def\b/.test(document.lineAt(line).text)) line++;
  if (line === document.lineCount) return defLine;
  const indent = document.lineAt(line).firstNonWhitespaceCharacterIndex;
  let end = line;
  for (let next = line + 1; next < document.lineCount; next++) {
    const text = document.lineAt(next);
    if (text.isEmptyOrWhitespace || text.text.trimStart().startsWith('#')) continue;
    if (text.firstNonWhitespaceCharacterIndex <= indent) break;
    end = next;
  }
  return end;
}
