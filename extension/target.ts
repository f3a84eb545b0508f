/**
 * Which function a command from the palette means: the one under the cursor, found among the
 * functions the server put a lens over (so the client needs no Python parser); else the user picks.
 */
import * as vscode from 'vscode';
import type { Middleware } from 'vscode-languageclient/node';
import { COMMANDS, isLensData, LENS_COMMANDS, type FunctionCommandArgs } from '../protocol';
import { notebookOfCell } from './sources';

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

/**
 * Each document's lensed functions, as the server's latest CodeLens answer for it lists them: the
 * client's middleware (recordLenses) reads them off the lenses, which come unresolved (their
 * command, args included, is only made for the lenses on screen), each naming its function in its
 * data, in the document asked about: the file, or a cell's notebook (the server's document for it).
 */
const lensed = new WeakMap<vscode.TextDocument, LensedFunction[]>();

export const recordLenses: NonNullable<Middleware['provideCodeLenses']> = async (document, token, next) => {
  const lenses = await next(document, token);
  if (!lenses) return lenses;
  const uri = (notebookOfCell(document)?.uri ?? document.uri).toString();
  const seen = new Map<string, LensedFunction>();
  for (const lens of lenses) {
    const args = lensArgs(lens, uri);
    if (args && !seen.has(args.function)) seen.set(args.function, { args, line: lens.range.start.line });
  }
  lensed.set(document, [...seen.values()].sort((a, b) => a.line - b.line));
  return lenses;
};

/** The function a compute-gradient lens of the document `uri` is over, resolved or not. */
function lensArgs(lens: vscode.CodeLens, uri: string): FunctionCommandArgs | undefined {
  const data: unknown = (lens as vscode.CodeLens & { data?: unknown }).data;
  if (isLensData(data)) return LENS_COMMANDS[data[2]] === COMMANDS.computeGradient ? { uri, function: data[1] } : undefined;
  return lens.command?.command === COMMANDS.computeGradient ? (lens.command.arguments?.[0] as FunctionCommandArgs | undefined) : undefined;
}

export async function lensedFunctions(document: vscode.TextDocument): Promise<LensedFunction[]> {
  // Asks the lenses again (unresolved: no lens is resolved for this), which the middleware records.
  await vscode.commands.executeCommand<vscode.CodeLens[]>('vscode.executeCodeLensProvider', document.uri);
  return lensed.get(document) ?? [];
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
