/** The `gradlens.*` settings, read fresh each time: VS Code keeps them, so nothing here caches. */
import * as vscode from 'vscode';
import type { BackendSetting, EngineMode, EvaluationBudgets } from '../protocol';

export interface Config {
  readonly backend: BackendSetting;
  readonly engines: EngineMode;
  readonly inlayHints: boolean;
  readonly budgets: EvaluationBudgets;
}

export function readConfig(): Config {
  const c = vscode.workspace.getConfiguration('gradlens');
  return {
    backend: c.get<BackendSetting>('backend', 'auto'),
    engines: c.get<EngineMode>('engines', 'both'),
    inlayHints: c.get<boolean>('inlayHints', true),
    budgets: {
      steps: c.get<number>('budget.steps', 1_000_000),
      ms: c.get<number>('budget.seconds', 10) * 1000,
      tensorBytes: c.get<number>('budget.tensorMiB', 256) * 1024 * 1024,
    },
  };
}

/** Settings the server takes at start (initializationOptions): changing one restarts it. */
export function changesServerOptions(e: vscode.ConfigurationChangeEvent): boolean {
  return e.affectsConfiguration('gradlens.inlayHints') || e.affectsConfiguration('gradlens.engines');
}
