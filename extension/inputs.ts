/**
 * Example inputs the user typed for functions whose file gives none: asked once with an input
 * box the server validates, then remembered per function in the workspace state.
 */
import * as vscode from 'vscode';
import type { LanguageClient } from 'vscode-languageclient/node';
import { checkInputsRequest, type FunctionCommandArgs } from '../protocol';

export class RememberedInputs {
  constructor(
    private readonly state: vscode.Memento,
    private readonly client: () => LanguageClient,
  ) {}

  get(args: FunctionCommandArgs): string | undefined {
    return this.state.get<string>(key(args));
  }

  /** Asks for the inputs of `args.function`; remembers and returns them, or undefined if dismissed. */
  async ask(args: FunctionCommandArgs, why: string): Promise<string | undefined> {
    const typed = await vscode.window.showInputBox({
      title: `Gradlens: inputs for ${args.function}`,
      prompt: `${why} Type example inputs for ${args.function}; Gradlens remembers them for this workspace.`,
      placeHolder: 'x=2.0, w=[1, 2, 3]',
      value: this.get(args) ?? '',
      ignoreFocusOut: true,
      validateInput: async (inputs) => {
        if (inputs.trim() === '') return 'Type one value per parameter, e.g. x=2.0, w=[1, 2, 3]';
        const checked = await this.client().sendRequest(checkInputsRequest, { ...args, inputs });
        return checked.ok ? undefined : checked.message;
      },
    });
    if (typed === undefined) return undefined;
    await this.state.update(key(args), typed);
    return typed;
  }
}

function key(args: FunctionCommandArgs): string {
  return `gradlens.inputs:${args.uri}#${args.function}`;
}
