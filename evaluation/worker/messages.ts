/** What the language server or the CLI and its evaluation process (child.ts) say to each other. */
import type { Budgets } from '../../lang/python';
import { NODE_BACKENDS, type NodeBackend } from '../../protocol/backends';
import type { EvaluateRequest } from '../../protocol/evaluate';
import type { FigureData } from '../../protocol/figures';
import type { EvaluationOutcome } from '../../protocol/results';
import type { Trace } from '../assignments';

/** The process's argument: the backend it opens. */
export function isNodeBackend(x: unknown): x is NodeBackend {
  return (NODE_BACKENDS as readonly unknown[]).includes(x);
}

/** Where a running script's output goes as it comes: what it prints to stdout, its warnings to stderr, the figures it shows. */
export interface ScriptOutput {
  printed(text: string, stream: 'stdout' | 'stderr'): void;
  shown(figure: FigureData): void;
}

/** A whole script to run as `gradlens run` does: what it prints comes back as it prints it. */
export interface ScriptRun {
  readonly source: string;
  /** The file name its errors name. */
  readonly file: string;
  readonly budgets: Partial<Budgets>;
  /** Names whose values to record each time they are assigned (`gradlens run --trace loss`). */
  readonly trace?: readonly string[];
}

/** What the worker is asked to do: evaluate a function (value, gradient, graph) or run a script. */
export type Job =
  | { readonly kind: 'evaluate'; readonly request: EvaluateRequest }
  | { readonly kind: 'run'; readonly script: ScriptRun };

/** One job at a time: the caller sends the next only once the last one's answer came. */
export type ToWorker = Job & { readonly id: number };

/** The most values a traced name keeps (every other one goes, and the stride doubles, past it). */
export const TRACE_POINTS = 10_000;

/** How a script run ended: `error` is the `FILE:LINE:COL: error: ...` line, or null when it ran to its end. */
export interface ScriptEnd {
  readonly error: string | null;
  /** The status `sys.exit(code)` gave, where an uncaught SystemExit ended the script. */
  readonly exitCode?: number;
  /** Each traced name's values, also when the script failed (what it assigned until then). */
  readonly traces?: readonly Trace[];
}

export type FromWorker =
  /** The worker's CPU host opened: evaluations start at once from now on. */
  | { readonly kind: 'ready' }
  | { readonly kind: 'failed'; readonly message: string }
  /** What a running script printed since the last such message; on stderr: a warning CPython would write there. */
  | { readonly kind: 'printed'; readonly id: number; readonly text: string; readonly stream?: 'stderr' }
  /** A matplotlib figure the running script showed (`plt.show()`, or open when it ended). */
  | { readonly kind: 'figure'; readonly id: number; readonly figure: FigureData }
  /** A job's answer; `rssBytes`: the process's resident memory after it. */
  | { readonly kind: 'answer'; readonly id: number; readonly answer: EvaluationOutcome | ScriptEnd; readonly rssBytes: number };
