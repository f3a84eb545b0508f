import type { BackendSetting } from '../../protocol/backends';
import type { BackendInfo } from '../../protocol/results';
import type { Backend, DeviceArray } from './backend';
import { createReferenceBackend } from './reference';
import { createTfjsBackend } from './tfjs';
import { createWebgpuBackend } from './webgpu';


export interface OpenedBackend {
  /**
   * One object for the whole session. On webgpu it delegates to the GPU until the device is lost,
   * then to wasm: arrays made before the loss are gone (using one is an error that says so), and
   * the next evaluation, which uploads its inputs afresh, runs on wasm.
   */
  readonly backend: Backend;
  /** Where evaluation runs now: after a lost device, wasm. */
  readonly info: BackendInfo;
  /** Calls `listener` once the GPU is lost and evaluation has moved (the editor updates its status bar). */
  onFallback(listener: (info: BackendInfo, reason: string) => void): void;
}

/**
 * The backend for a setting: `auto` takes webgpu where an adapter exists, else wasm, else cpu
 * (tfjs's plain JS kernels); an explicit setting that cannot open fails with the reason.
 */
export async function openBackend(setting: BackendSetting): Promise<OpenedBackend> {
  switch (setting) {
    case 'reference': return fixed(createReferenceBackend(), { name: 'reference' });
    case 'cpu': return fixed(await createTfjsBackend('cpu'), { name: 'cpu' });
    case 'wasm': return fixed(await createTfjsBackend('wasm'), { name: 'wasm' });
    case 'webgpu': return withFallback(await createWebgpuBackend());
    case 'auto': {
      const gpu = await createWebgpuBackend().catch(() => null);
      if (gpu) return withFallback(gpu);
      const wasm = await createTfjsBackend('wasm').catch(() => null);
      return wasm ? fixed(wasm, { name: 'wasm' }) : fixed(await createTfjsBackend('cpu'), { name: 'cpu' });
    }
  }
}

function fixed(backend: Backend, info: BackendInfo): OpenedBackend {
  return { backend: backend as Backend, info, onFallback: () => undefined };
}

/**
 * The GPU backend behind a switch. NB: the wasm backend is made up front, so that the switch
 * after `device.lost` is synchronous: an evaluation never meets a half-made fallback.
 */
async function withFallback(gpu: Awaited<ReturnType<typeof createWebgpuBackend>>): Promise<OpenedBackend> {
  const wasm = await createTfjsBackend('wasm').catch(() => createTfjsBackend('cpu'));
  let current: Backend = gpu as Backend;
  let info: BackendInfo = { name: 'webgpu', adapter: gpu.adapter };
  const listeners: ((info: BackendInfo, reason: string) => void)[] = [];
  void gpu.lost.then((reason) => {
    current = wasm as Backend;
    info = { name: wasm.name as 'wasm' | 'cpu' };
    for (const l of listeners) l(info, reason);
  });
  const backend: Backend = {
    get name() { return current.name; },
    get dtypes() { return current.dtypes; },
    get shaders() { return current.shaders; },
    get hostReads() { return current.hostReads; },
    get hostDtypes() { return current.hostDtypes; },
    upload: (values, aval) => current.upload(values, aval),
    run: (prim, inputs, params, out) => current.run(prim, inputs, params, out),
    readSync: (x: DeviceArray) => current.readSync(x),
    read: (x: DeviceArray) => current.read(x),
    readMany: (xs: readonly DeviceArray[]) => current.readMany(xs),
    dispose: (x: DeviceArray) => {
      // Arrays of the lost device went with it.
      if (x.backend === current.name) current.dispose(x);
    },
    liveCount: () => current.liveCount(),
  };
  return {
    backend,
    get info() { return info; },
    onFallback: (listener) => void listeners.push(listener),
  };
}
