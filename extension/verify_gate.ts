/**
 * Whether `Gradlens: Verify with PyTorch/JAX` may run, and the words when it may not. It runs the
 * user's file in a real Python, unsandboxed: never in Restricted Mode, only a saved .py file (the
 * Python runs what is on disk). Past the gate, what the command tells the user of an outcome. No
 * vscode import: unit-tested in Node.
 */
import { withoutLinks, type EvaluationOutcome } from '../protocol';
import { compareWithLibrary, precisionOf, runInPython, verifyRequest } from '../verify';

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

/** What the command tells the user: a notification (and the log) at this level. */
export interface VerifyNotice {
  readonly level: 'info' | 'error';
  readonly text: string;
}

/**
 * The function's outcome (as a click computed it) run by the real library in `python` at the same
 * inputs, in the same dtypes, and the verdict as the user reads it.
 */
export async function verifyOutcome(outcome: EvaluationOutcome, file: string, python: string, options: { readonly timeoutMs: number; readonly signal?: AbortSignal }): Promise<VerifyNotice> {
  if (!outcome.ok) return { level: 'error', text: withoutLinks(outcome.error.message) };
  const name = outcome.result.function;
  const request = verifyRequest(outcome.result, file);
  const answer = await runInPython(python, request, options);
  if (!answer.ok) return { level: 'error', text: withoutLinks(`Gradlens: could not verify ${name}(): ${answer.message}${answer.line ? ` (line ${answer.line})` : ''}`) };
  const verdict = compareWithLibrary(outcome.result, answer.run, precisionOf(request));
  const text = withoutLinks(`Gradlens: ${name} ${verdict.text}`);
  return verdict.matches ? { level: 'info', text } : { level: 'error', text: `${text}; please report it with this file.` };
}
