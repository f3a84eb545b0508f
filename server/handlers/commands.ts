/**
 * workspace/executeCommand for clients that do not evaluate themselves: the lens's commands,
 * evaluated here on the CPU. A client that evaluates itself (VS Code) registers them instead.
 */
import { ErrorCodes, ResponseError, type CancellationToken } from 'vscode-languageserver';
import { COMMANDS, toWire, type CommandId, type EvaluateRequest, type FunctionCommandArgs } from '../../protocol';
import type { ServerState } from '../state';
import { isExecuteCommandParams, isFunctionCommandArgs } from '../validate';
import { evaluateHere } from './evaluation';
import { checked, type Feature } from './feature';

function runCommand(state: ServerState, command: CommandId, args: FunctionCommandArgs, token: CancellationToken) {
  const fn = state.functionOf(args);
  const document = state.documents.get(args.uri)!;
  const cells = state.notebooks.cellsOf(args.uri);
  const request: EvaluateRequest = {
    uri: args.uri,
    text: document.getText(),
    function: fn.qualname,
    engines: command === COMMANDS.compareEngines ? 'both' : state.options.engines ?? 'both',
    backend: 'wasm',
    graphs: command === COMMANDS.showGraph,
    ...(cells ? { cells } : {}),
  };
  return evaluateHere(state, request, fn, token);
}

export const commandFeature: Feature = {
  // NB: were the server to list the commands to a client that registers them (VS Code), VS Code's
  // client would claim them and the client's own handlers would clash.
  capabilities: (options) => (options.executionHost ? {} : { executeCommandProvider: { commands: Object.values(COMMANDS) } }),
  register: (state) => {
    state.connection.onExecuteCommand(checked('workspace/executeCommand', isExecuteCommandParams, async ({ command, arguments: args }, token) => {
      const known = Object.values(COMMANDS) as string[];
      const target: unknown = args?.[0];
      if (!known.includes(command) || !isFunctionCommandArgs(target)) {
        throw new ResponseError(ErrorCodes.InvalidParams, `${command}: expected one argument { uri, function } (Gradlens commands: ${known.join(', ')})`);
      }
      // NB: a NaN result is NaN for the client, not the null JSON.stringify makes of it.
      return runCommand(state, command as CommandId, target, token).then(toWire);
    }));
  },
};
