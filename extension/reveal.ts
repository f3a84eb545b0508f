/** Reveals and highlights a source range (a graph node the user clicked in the panel). */
import * as vscode from 'vscode';
import type { SourceRange } from '../protocol';

export class SourceRevealer implements vscode.Disposable {
  private readonly highlight = vscode.window.createTextEditorDecorationType({
    backgroundColor: new vscode.ThemeColor('editor.rangeHighlightBackground'),
    borderColor: new vscode.ThemeColor('editor.findMatchHighlightBorder'),
    borderStyle: 'solid',
    borderWidth: '1px',
  });

  async reveal(uri: string, range: SourceRange): Promise<void> {
    const document = await vscode.workspace.openTextDocument(vscode.Uri.parse(uri));
    const visible = vscode.window.visibleTextEditors.find((e) => e.document.uri.toString() === uri);
    // The panel sits beside the editor: reveal in the editor's column, never over the panel.
    const editor = await vscode.window.showTextDocument(document, {
      viewColumn: visible?.viewColumn ?? vscode.ViewColumn.One,
      preserveFocus: false,
    });
    const target = toRange(range);
    editor.selection = new vscode.Selection(target.start, target.start);
    editor.revealRange(target, vscode.TextEditorRevealType.InCenterIfOutsideViewport);
    for (const other of vscode.window.visibleTextEditors) other.setDecorations(this.highlight, []);
    editor.setDecorations(this.highlight, [target]);
  }

  dispose(): void {
    this.highlight.dispose();
  }
}

/** Analyzer spans are 1-based with an exclusive end; VS Code's are 0-based. */
export function toRange(range: SourceRange): vscode.Range {
  return new vscode.Range(range.line - 1, range.col - 1, range.endLine - 1, range.endCol - 1);
}
