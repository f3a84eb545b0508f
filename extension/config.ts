/** The `gradlens.*` settings, read fresh each time: VS Code keeps them, so nothing here caches. */
import * as vscode from 'vscode';
import { budgetsFromSettings, type BackendSetting, type EngineMode, type EvaluationBudgets } from '../protocol';

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
    budgets: budgetsFromSettings((setting) => c.get<unknown>(`budget.${setting}`)),
  };
}

/** Settings the server takes at start (initializationOptions): changing one restarts it. */
export function changesServerOptions(e: vscode.ConfigurationChangeEvent): boolean {
  return e.affectsConfiguration('gradlens.inlayHints') || e.affectsConfiguration('gradlens.engines');
}
