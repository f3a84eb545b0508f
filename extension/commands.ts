/**
 * The commands behind the lenses and in the palette. A lens passes its function; from the
 * palette the function under the cursor is meant.
 */
import * as vscode from 'vscode';
import { COMMANDS, type CommandId, type EngineMode, type FunctionCommandArgs, type PanelView } from '../protocol';
import type { Evaluations } from './evaluate';
import type { GradlensPanel } from './panel';
import { SHOW_PANEL_COMMAND } from './status';
import { functionAtCursor } from './target';
import { VERIFY_COMMAND, verifyFunction } from './verify';

const RUNS: Record<CommandId, { readonly view: PanelView; readonly engines?: EngineMode }> = {
  [COMMANDS.computeGradient]: { view: 'results' },
  [COMMANDS.showGraph]: { view: 'graph' },
  [COMMANDS.compareEngines]: { view: 'compare', engines: 'both' },
};

export function registerCommands(evaluations: Evaluations, panel: GradlensPanel, log: vscode.LogOutputChannel): vscode.Disposable[] {
  const functionCommands = (Object.keys(RUNS) as CommandId[]).map((id) =>
    vscode.commands.registerCommand(id, async (args?: FunctionCommandArgs) => {
      const target = isFunctionArgs(args) ? args : await functionAtCursor();
      if (target) await evaluations.run(target, RUNS[id].view, RUNS[id].engines);
    }),
  );
  const verify = vscode.commands.registerCommand(VERIFY_COMMAND, async (args?: FunctionCommandArgs) => {
    const target = isFunctionArgs(args) ? args : await functionAtCursor();
    if (target) await verifyFunction(target, evaluations, log);
  });
  return [...functionCommands, verify, vscode.commands.registerCommand(SHOW_PANEL_COMMAND, () => panel.show())];
}

function isFunctionArgs(args: unknown): args is FunctionCommandArgs {
  return typeof args === 'object' && args !== null && typeof (args as FunctionCommandArgs).uri === 'string' && typeof (args as FunctionCommandArgs).function === 'string';
}
