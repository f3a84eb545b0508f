/**
 * Whether `Gradlens: Verify with PyTorch/JAX` may run, and the words when it may not. It runs the
 * user's file in a real Python, unsandboxed: never in Restricted Mode, only a saved .py file (the
 * Python runs what is on disk). No vscode import: unit-tested in Node.
 */
import { withoutLinks } from '../protocol';

export interface VerifyTarget {
  /** vscode.workspace.isTrusted */
  readonly trusted: boolean;
  readonly uri: string;
  /** The open document has edits not on disk. */
  readonly dirty: boolean;
}

/** Why it does not run, or null when it does. */
export function verifyRefusal(t: VerifyTarget): string | null {
  if (!t.trusted) {
    return 'Gradlens: Verify runs your file in a real Python with torch or jax, outside Gradlens\'s sandbox, so it does not run in Restricted Mode. Trust this workspace (Manage Workspace Trust) to verify; everything else in Gradlens works as it is.';
  }
  if (!t.uri.startsWith('file:') || !t.uri.endsWith('.py')) {
    return withoutLinks(`Gradlens: Verify runs a saved .py file in Python; ${t.uri} is not one (a notebook or an unsaved editor): save the code as a .py file to verify it.`);
  }
  if (t.dirty) return 'Gradlens: Verify runs the file as saved on disk, and this one has unsaved edits: save it first.';
  return null;
}

/** The Python to verify with: the setting, else the Python extension's interpreter for the file, else python3 on PATH. */
export function verifyPython(setting: unknown, fromPythonExtension: string | undefined): string {
  if (typeof setting === 'string' && setting.trim() !== '') return setting.trim();
  return fromPythonExtension ?? 'python3';
}
