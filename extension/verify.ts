/**
 * `Gradlens: Verify with PyTorch/JAX`: the function computed as a click computes it, then run by
 * the real library in the workspace's Python at the same inputs (verify/), with progress, a
 * timeout and cancellation that stops the Python; the verdict in a notification and the log.
 */
import * as vscode from 'vscode';
import type { FunctionCommandArgs } from '../protocol';
import type { Evaluations } from './evaluate';
import { verifyOutcome, verifyPython, verifyRefusal } from './verify_gate';

export const VERIFY_COMMAND = 'gradlens.verify';

/** How long the Python may take, the import of torch included. */
const TIMEOUT_MS = 120_000;

export async function verifyFunction(args: FunctionCommandArgs, evaluations: Evaluations, log: vscode.LogOutputChannel): Promise<void> {
  const uri = vscode.Uri.parse(args.uri);
  const document = vscode.workspace.textDocuments.find((d) => d.uri.toString() === args.uri);
  const refusal = verifyRefusal({ trusted: vscode.workspace.isTrusted, uri: args.uri, dirty: document?.isDirty ?? false });
  if (refusal) {
    void vscode.window.showWarningMessage(refusal);
    return;
  }
  const outcome = await evaluations.outcome(args);
  if (!outcome) return;
  const python = verifyPython(vscode.workspace.getConfiguration('gradlens').get<unknown>('verify.python'), await pythonExtensionInterpreter(uri));
  const notice = await vscode.window.withProgress(
    { location: vscode.ProgressLocation.Notification, title: `Gradlens: verifying ${args.function}() with ${python}`, cancellable: true },
    (_progress, token) => {
      const abort = new AbortController();
      const cancelled = token.onCancellationRequested(() => abort.abort());
      return verifyOutcome(outcome, uri.fsPath, python, { timeoutMs: TIMEOUT_MS, signal: abort.signal }).finally(() => cancelled.dispose());
    },
  );
  if (notice.level === 'info') {
    log.info(notice.text);
    void vscode.window.showInformationMessage(notice.text);
  } else {
    log.warn(notice.text);
    void vscode.window.showErrorMessage(notice.text);
  }
}

/** The interpreter the Python extension (ms-python.python) chose for the file, where it is installed. */
async function pythonExtensionInterpreter(resource: vscode.Uri): Promise<string | undefined> {
  const extension = vscode.extensions.getExtension<PythonExtensionApi>('ms-python.python');
  if (!extension) return undefined;
  try {
    const api = extension.isActive ? extension.exports : await extension.activate();
    const environments = api?.environments;
    if (!environments) return undefined;
    const active = environments.getActiveEnvironmentPath(resource);
    const resolved = await environments.resolveEnvironment(active);
    return resolved?.executable.uri?.fsPath ?? active.path;
  } catch {
    return undefined;
  }
}

/** The part of the Python extension's API (@vscode/python-extension) used here. */
interface PythonExtensionApi {
  readonly environments?: {
    getActiveEnvironmentPath(resource?: vscode.Uri): { readonly id: string; readonly path: string };
    resolveEnvironment(env: { readonly id: string; readonly path: string }): Promise<{ readonly executable: { readonly uri?: vscode.Uri } } | undefined>;
  };
}
