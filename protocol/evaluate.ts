/** What is asked of an execution host (the server on the CPU, or the webview on the GPU). */
import type { BackendSetting, EngineMode } from './results';

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
}

export interface EvaluationBudgets {
  readonly steps?: number;
  readonly ms?: number;
  readonly tensorBytes?: number;
}
