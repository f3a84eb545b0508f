/**
 * The panel's Export: the webview cannot write files, so it posts what to save (validated by the
 * protocol's guards on the way in) and the extension asks where, with VS Code's save dialog, and
 * writes it through the workspace's file system (local, remote or code-server alike).
 */
import * as vscode from 'vscode';
import { withoutLinks, type ExportFormat, type WebviewToExtension } from '../protocol';

type ExportMessage = Extract<WebviewToExtension, { type: 'export' }>;

const FILTERS: Record<ExportFormat, Record<string, string[]>> = {
  svg: { 'SVG image': ['svg'] },
  png: { 'PNG image': ['png'] },
  csv: { 'CSV table': ['csv'] },
};

/** PNG's signature: the bytes a decoded PNG export must start with. */
const PNG_SIGNATURE = [0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a];

/** The bytes the file gets: a PNG's decoded from base64 (undefined if they are not a PNG), text as UTF-8. */
export function exportBytes(message: Pick<ExportMessage, 'format' | 'content'>): Uint8Array | undefined {
  if (message.format !== 'png') return new TextEncoder().encode(message.content);
  const bytes = Buffer.from(message.content, 'base64');
  return PNG_SIGNATURE.every((b, i) => bytes[i] === b) ? new Uint8Array(bytes) : undefined;
}

/** The folder the save dialog opens in: the shown document's, else the workspace's. */
function folderOf(uri: string): vscode.Uri | undefined {
  try {
    const document = vscode.Uri.parse(uri, true);
    if (document.scheme !== 'untitled') return vscode.Uri.joinPath(document, '..');
  } catch {
    // An unparsable URI: fall back to the workspace.
  }
  return vscode.workspace.workspaceFolders?.[0]?.uri;
}

/** Asks where to save an export and writes it; says what it did in the log and the status bar. */
export async function saveExport(message: ExportMessage, log: vscode.LogOutputChannel): Promise<void> {
  const bytes = exportBytes(message);
  if (!bytes) {
    log.warn(`The panel sent ${message.fileName} as a PNG whose bytes are not one; nothing saved.`);
    return;
  }
  const folder = folderOf(message.uri);
  const target = await vscode.window.showSaveDialog({
    title: `Gradlens: export ${message.fileName}`,
    saveLabel: 'Export',
    filters: FILTERS[message.format],
    ...(folder ? { defaultUri: vscode.Uri.joinPath(folder, message.fileName) } : {}),
  });
  if (!target) return;
  try {
    await vscode.workspace.fs.writeFile(target, bytes);
  } catch (e) {
    const why = e instanceof Error ? e.message : String(e);
    log.error(withoutLinks(`Could not save ${target.toString(true)}: ${why}`));
    void vscode.window.showErrorMessage(`Gradlens could not save ${target.fsPath || target.path}: ${why}`);
    return;
  }
  log.info(withoutLinks(`Exported ${message.fileName} to ${target.toString(true)} (${bytes.length} bytes).`));
  vscode.window.setStatusBarMessage(`Gradlens: saved ${target.path.split('/').pop()}`, 5000);
}
