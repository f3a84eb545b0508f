/**
 * The words the extension puts in VS Code's notifications, progress, input box and output
 * channel. Each surface renders `[label](command:...)` as a working link, so everything that
 * comes from the user's file goes through withoutLinks here. No vscode import: unit-tested in Node.
 */
import { errorText, withoutLinks, type EvaluationError, type PanelView } from '../protocol';

export const GO_TO_SOURCE = 'Go to source';
export const OPEN_BUDGET_SETTINGS = 'Open budget settings';

const TITLES: Record<PanelView, string> = {
  results: 'computing the gradient of',
  graph: 'tracing the graph of',
  compare: 'comparing eager and jit on',
};

/** The notification for an evaluation error: `file.py:4:7: error: ...`, and what the user can do. */
export function errorNotification(error: EvaluationError): { readonly text: string; readonly actions: readonly string[] } {
  const actions = [...(error.range ? [GO_TO_SOURCE] : []), ...(error.kind === 'budget' ? [OPEN_BUDGET_SETTINGS] : [])];
  return { text: withoutLinks(errorText(error)), actions };
}

/** The output channel's line for an evaluation error. */
export function errorLogLine(error: EvaluationError): string {
  return withoutLinks(`${error.kind}: ${errorText(error)}`);
}

/** A failure to reach the language server, for a notification. */
export function serverFailure(fn: string, error: unknown): string {
  return withoutLinks(`Gradlens could not evaluate ${fn}: ${String(error)}. See the Gradlens output for details.`);
}

export function progressTitle(view: PanelView, fn: string): string {
  return withoutLinks(`Gradlens: ${TITLES[view]} ${fn}`);
}

/** The input box asking for a function's example inputs, its placeholder naming its parameters. */
export function inputsBox(fn: string, why: string, params: readonly string[] | undefined): { readonly title: string; readonly prompt: string; readonly placeHolder: string; readonly empty: string } {
  const example = params && params.length > 0 ? params.map((p) => `${p}=…`).join(', ') : 'x=2.0, w=[1, 2, 3]';
  return {
    title: withoutLinks(`Gradlens: inputs for ${fn}`),
    prompt: withoutLinks(`${why} Type example inputs for ${fn} (numbers, or lists such as [1.0, 2.0]); Gradlens remembers them for this workspace.`),
    placeHolder: withoutLinks(example),
    empty: withoutLinks(`Type one value per parameter: ${example}`),
  };
}
