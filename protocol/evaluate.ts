/** What is asked of an execution host (the server on the CPU, or the webview on the GPU). */
import type { BackendSetting } from './backends';
import type { CellLines } from './notebook';
import type { EngineMode } from './results';

export interface EvaluateRequest {
  readonly uri: string;
  /** The whole document: hosts evaluate exactly the text the editor shows. */
  readonly text: string;
  readonly function: string;
  readonly engines: EngineMode;
  readonly backend: BackendSetting;
  /** Inputs the user typed (`x=2.0, w=[1, 2, 3]`), used when the file gives none. */
  readonly inputs?: string;
  /** Use `inputs` even where the file gives example inputs (the CLI's `--at`). */
  readonly inputsFirst?: boolean;
  readonly graphs: boolean;
  readonly budgets?: EvaluationBudgets;
  /** For a notebook (`text` is its code cells, see notebook.ts): where each cell's lines are, so errors name the cell. */
  readonly cells?: readonly CellLines[];
  /** Time each engine's forward and value-and-gradient calls too (`gradlens bench`): the runs' `times`. */
  readonly timing?: TimingRequest;
}

/** The most calls a timing request may ask for, timed or warm-up. */
export const MAX_TIMED_CALLS = 1_000;

/** How many calls `gradlens bench` times, after how many untimed ones (kernels compiled, caches filled). */
export interface TimingRequest {
  readonly calls: number;
  readonly warmups: number;
}

export interface EvaluationBudgets {
  readonly steps?: number;
  readonly ms?: number;
  readonly tensorBytes?: number;
}

/**
 * The `gradlens.budget.*` settings' bounds, as package.json declares them (a test holds the two
 * equal). NB: a workspace's .vscode/settings.json is untrusted input: VS Code ignores these
 * settings from an untrusted workspace (package.json's restrictedConfigurations), and every value
 * read is clamped here, so no settings file switches a budget off.
 */
export const BUDGET_SETTINGS = {
  steps: { minimum: 1_000, maximum: 100_000_000, default: 1_000_000 },
  seconds: { minimum: 0.1, maximum: 120, default: 10 },
  tensorMiB: { minimum: 1, maximum: 4_096, default: 256 },
} as const satisfies Record<string, { minimum: number; maximum: number; default: number }>;

export type BudgetSetting = keyof typeof BUDGET_SETTINGS;

/** The budgets the settings give, each clamped to its bounds; a value that is not a number counts as unset (1e999 is the maximum). */
export function budgetsFromSettings(read: (setting: BudgetSetting) => unknown): Required<EvaluationBudgets> {
  const value = (setting: BudgetSetting): number => {
    const { minimum, maximum, default: fallback } = BUDGET_SETTINGS[setting];
    const v = read(setting);
    return typeof v === 'number' && !Number.isNaN(v) ? Math.min(maximum, Math.max(minimum, v)) : fallback;
  };
  return { steps: Math.round(value('steps')), ms: value('seconds') * 1000, tensorBytes: Math.round(value('tensorMiB') * 1024 * 1024) };
}

/** A request's budgets within the settings' bounds (a request may come from anywhere: clamp before running); absent ones stay absent (the evaluator's defaults). */
export function clampBudgets(budgets: EvaluationBudgets | undefined): EvaluationBudgets | undefined {
  if (!budgets) return undefined;
  const within = (v: number | undefined, setting: BudgetSetting, scale: number): number | undefined => {
    if (v === undefined) return undefined;
    const { minimum, maximum } = BUDGET_SETTINGS[setting];
    return Number.isFinite(v) ? Math.min(maximum * scale, Math.max(minimum * scale, v)) : maximum * scale;
  };
  const steps = within(budgets.steps, 'steps', 1);
  const ms = within(budgets.ms, 'seconds', 1000);
  const tensorBytes = within(budgets.tensorBytes, 'tensorMiB', 1024 * 1024);
  return { ...(steps === undefined ? {} : { steps }), ...(ms === undefined ? {} : { ms }), ...(tensorBytes === undefined ? {} : { tensorBytes }) };
}
