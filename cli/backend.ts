import { NODE_BACKENDS, type NodeBackend } from '../protocol';
import { openBackend as openSetting, type Backend } from '../runtime/backends';

/** The backends that run in Node; wasm, the default, first. */
export const CLI_BACKENDS = NODE_BACKENDS;
export type CliBackend = NodeBackend;

/** The backend a command computes on: WebAssembly by default, as the editor does without a GPU. */
export async function openBackend(name: CliBackend): Promise<Backend> {
  return (await openSetting(name)).backend;
}
