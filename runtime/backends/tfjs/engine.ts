import * as tf from '@tensorflow/tfjs-core';
import { MathBackendCPU } from '@tensorflow/tfjs-backend-cpu';
import { setWasmPaths } from '@tensorflow/tfjs-backend-wasm';
import { existsSync } from 'node:fs';
import { dirname, join } from 'node:path';
import type { TfjsBackendName } from './array';

const WASM_BINARY = 'tfjs-backend-wasm.wasm';
const initialised = new Map<TfjsBackendName, Promise<void>>();
let queue: Promise<unknown> = Promise.resolve();

/**
 * In a page (the webview, the browser tests) the binaries sit beside the bundle's script, where
 * esbuild.mjs copies them. NB: document.currentScript is set only while the bundle first runs.
 */
const pageScript: string | undefined = typeof document === 'undefined'
  ? undefined
  : (document.currentScript as { src?: string } | null)?.src ?? document.baseURI;

/**
 * Folders that may hold the wasm binaries: the installed package when running from the repo,
 * then the bundle's own folder, where esbuild.mjs copies them (a packaged extension has no node_modules).
 */
function wasmFolders(): string[] {
  const folders: string[] = [];
  try {
    folders.push(join(dirname(require.resolve('@tensorflow/tfjs-backend-wasm/package.json')), 'dist'));
  } catch {
    // not installed: only the bundle's copy can serve
  }
  folders.push(__dirname);
  return folders;
}

function configureWasmPaths(): void {
  if (pageScript !== undefined) {
    setWasmPaths(new URL('.', pageScript).href);
    return;
  }
  const folders = wasmFolders();
  const found = folders.find((f) => existsSync(join(f, WASM_BINARY)));
  if (!found) throw new Error(`wasm backend: ${WASM_BINARY} was not found in ${folders.join(' or ')}`);
  setWasmPaths(found.endsWith('/') ? found : `${found}/`);
}

async function initialise(name: TfjsBackendName): Promise<void> {
  if (name === 'cpu' && !tf.findBackendFactory('cpu')) tf.registerBackend('cpu', () => new MathBackendCPU(), 1);
  if (name === 'wasm') configureWasmPaths();
  let ok = false;
  try {
    ok = await tf.setBackend(name);
  } catch (e) {
    throw new Error(`${name} backend: tfjs failed to initialise it: ${(e as Error).message}`);
  }
  // NB: a failed wasm load leaves tfjs on another backend without throwing.
  if (!ok || !isEngineOn(name)) {
    throw new Error(`${name} backend: tfjs could not initialise it (the engine is on '${tf.getBackend()}')`);
  }
  if (name === 'cpu') silenceNodeBanner(tf.engine().findBackend('cpu'));
}

/** tfjs-backend-cpu prints a "use tfjs-node" banner on its first write, which would land in CLI output. */
function silenceNodeBanner(backend: tf.KernelBackend): void {
  (backend as unknown as { firstUse: boolean }).firstUse = false;
}

/**
 * Registers and initialises a tfjs backend once; later calls share the first. Initialisations run
 * one after another: while one is pending, tfjs's engine refuses all work.
 */
export function ensureInitialised(name: TfjsBackendName): Promise<void> {
  let p = initialised.get(name);
  if (!p) {
    p = queue.then(() => initialise(name));
    queue = p.catch(() => undefined);
    p.catch(() => initialised.delete(name));
    initialised.set(name, p);
  }
  return p;
}

/** tf.getBackend() names the backend asked for, even when it failed to load: check the instance too. */
function isEngineOn(name: TfjsBackendName): boolean {
  const instance = tf.engine().findBackend(name);
  return tf.getBackend() === name && instance != null && tf.engine().backend === instance;
}

/**
 * Points tfjs's one global engine at `name` before work is issued there, so kernels run on the
 * backend the caller stands for (tfjs would otherwise copy operands to whichever backend is current).
 * NB: tf.setBackend completes synchronously for an initialised backend (it awaits only on first
 * initialisation). A switch costs ~0.1 ms (measured: a small op takes 12 µs on either backend and
 * 128 µs when calls alternate), so it is made only when the engine is elsewhere.
 */
export function pinEngine(name: TfjsBackendName): void {
  if (tf.getBackend() === name) return;
  if (!tf.engine().findBackend(name)) throw new Error(`${name} backend: used before createTfjsBackend('${name}') finished`);
  void tf.setBackend(name);
  if (!isEngineOn(name)) throw new Error(`${name} backend: tfjs did not switch to it (it is on '${tf.getBackend()}')`);
}

/** Buffers the backend holds: a leaked tensor, even a view of a disposed one, keeps one alive. */
export function liveDataIds(name: TfjsBackendName): number {
  return tf.engine().findBackend(name).numDataIds();
}
