/**
 * Every backend Gradlens computes on, declared once: the runtime's backend names, the protocol's
 * validators, the labels the editor shows, the CLI's `--backend` choices and (checked by a test)
 * package.json's `gradlens.backend` enum and its descriptions all read this table.
 */

interface BackendDeclaration {
  /** How the status bar, the hover and the panel name it (the GPU adapter is added for webgpu). */
  readonly label: string;
  /** What the `gradlens.backend` setting says of it; null where the editor does not offer it. */
  readonly setting: string | null;
  /** Whether it runs in Node (the CLI and the language server compute there), not only in a browser page. */
  readonly node: boolean;
}

export const BACKENDS = {
  webgpu: { label: 'WebGPU', setting: 'WebGPU only; an error where no adapter exists.', node: false },
  wasm: { label: 'CPU (wasm)', setting: 'WebAssembly kernels on the CPU.', node: true },
  cpu: { label: 'CPU (js)', setting: 'Plain JavaScript kernels on the CPU (slowest; for comparison).', node: true },
  reference: { label: 'CPU (reference, float64)', setting: null, node: true },
} as const satisfies Readonly<Record<string, BackendDeclaration>>;

export type BackendName = keyof typeof BACKENDS;
export const BACKEND_NAMES = Object.keys(BACKENDS) as readonly BackendName[];

/** The backends that run in Node: the CLI's `--backend` choices. */
export type NodeBackend = { [B in BackendName]: (typeof BACKENDS)[B]['node'] extends true ? B : never }[BackendName];
export const NODE_BACKENDS = BACKEND_NAMES.filter((b): b is NodeBackend => BACKENDS[b].node);

/** The user's choice: `auto` picks webgpu when an adapter exists, else wasm, else cpu. */
export type BackendSetting = 'auto' | BackendName;
export const BACKEND_SETTINGS: readonly BackendSetting[] = ['auto', ...BACKEND_NAMES];
export const AUTO_SETTING = 'WebGPU when the panel finds a GPU adapter, else WebAssembly.';

/** The `gradlens.backend` enum and its enumDescriptions, as package.json must declare them. */
export function backendSettingEnum(): { enum: string[]; enumDescriptions: string[] } {
  const offered = BACKEND_NAMES.filter((b) => BACKENDS[b].setting !== null);
  return {
    enum: ['auto', ...offered],
    enumDescriptions: [AUTO_SETTING, ...offered.map((b) => BACKENDS[b].setting as string)],
  };
}
