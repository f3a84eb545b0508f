import { openBackend as openSetting, type Backend } from '../runtime/backends';

export const CLI_BACKENDS = ['wasm', 'cpu', 'reference'] as const;
export type CliBackend = (typeof CLI_BACKENDS)[number];

/** The backend a command computes on: WebAssembly by default, as the editor does without a GPU. */
export async function openBackend(name: CliBackend): Promise<Backend> {
  return (await openSetting(name)).backend;
}
