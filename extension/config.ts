/** The `gradlens.*` settings, read fresh each time: VS Code keeps them, so nothing here caches. */
import * as vscode from 'vscode';
import { BACKEND_SETTINGS, budgetsFromSettings, type BackendSetting, type EngineMode, type EvaluationBudgets } from '../protocol';

export interface Config {
  readonly backend: BackendSetting;
  readonly engines: EngineMode;
  readonly inlayHints: boolean;
  /** Each assigned name's type (`f32[8,3]`) as an inlay hint after it, once its function is computed. */
  readonly inlayShapes: boolean;
  /** Recompute computed functions (and those marked `# gradlens: live`) as they are edited. */
  readonly live: boolean;
  readonly budgets: EvaluationBudgets;
}

export function readConfig(): Config {
  const c = vscode.workspace.getConfiguration('gradlens');
  return {
    backend: oneOf(BACKEND_SETTINGS, c.get<unknown>('backend'), 'auto'),
    engines: c.get<EngineMode>('engines', 'both'),
    inlayHints: c.get<boolean>('inlayHints', true),
    inlayShapes: c.get<unknown>('inlayShapes', false) === true,
    live: c.get<unknown>('live', true) !== false,
    budgets: budgetsFromSettings((setting) => c.get<unknown>(`budget.${setting}`)),
  };
}

/** A setting's value when it is one of `allowed` (a hand-edited settings.json holds anything), else `fallback`. */
function oneOf<T extends string>(allowed: readonly T[], value: unknown, fallback: T): T {
  return (allowed as readonly unknown[]).includes(value) ? (value as T) : fallback;
}

/** Settings the server takes at start (initializationOptions): changing one restarts it. */
export function changesServerOptions(e: vscode.ConfigurationChangeEvent): boolean {
  return e.affectsConfiguration('gradlens.inlayHints') || e.affectsConfiguration('gradlens.inlayShapes') || e.affectsConfiguration('gradlens.engines');
}
