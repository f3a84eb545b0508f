/**
 * Example inputs the user typed for functions whose file gives none: asked once with an input
 * box the server validates, then remembered per function in the workspace state.
 */
import * as vscode from 'vscode';
import type { LanguageClient } from 'vscode-languageclient/node';
import { checkInputsRequest, withoutLinks, type FunctionCommandArgs } from '../protocol';
import { inputsBox } from './notices';

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
    // NB: checking no inputs tells the function's parameters, which the placeholder names.
    const params = await this.client().sendRequest(checkInputsRequest, { ...args, inputs: '' }).then((c) => c.params, () => undefined);
    const box = inputsBox(args.function, why, params);
    const typed = await vscode.window.showInputBox({
      title: box.title,
      prompt: box.prompt,
      placeHolder: box.placeHolder,
      value: this.get(args) ?? '',
      ignoreFocusOut: true,
      validateInput: async (inputs) => {
        if (inputs.trim() === '') return box.empty;
        const checked = await this.client().sendRequest(checkInputsRequest, { ...args, inputs });
        return checked.ok ? undefined : withoutLinks(checked.message);
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
