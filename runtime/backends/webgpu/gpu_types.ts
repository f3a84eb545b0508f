// NB: TypeScript's DOM library has no WebGPU types, and @webgpu/types is only a dependency of a
// dependency; these are the few members this folder touches, of WebGPU and of tfjs-backend-webgpu.

export interface GpuAdapterInfo { vendor?: string; architecture?: string; device?: string; description?: string }
export interface GpuAdapter { info?: GpuAdapterInfo; requestAdapterInfo?: () => Promise<GpuAdapterInfo> }
export interface Gpu { requestAdapter(options?: { powerPreference?: string }): Promise<GpuAdapter | null> }

export interface GpuBuffer {
  readonly size: number;
  mapAsync(mode: number): Promise<void>;
  getMappedRange(): ArrayBuffer;
  unmap(): void;
}
export type GpuBindGroupLayout = object;
export type GpuBindGroup = object;
export interface GpuComputePipeline { readonly label?: string }
export interface GpuComputePass {
  setPipeline(p: GpuComputePipeline): void;
  setBindGroup(index: number, group: GpuBindGroup): void;
  dispatchWorkgroups(x: number, y?: number, z?: number): void;
  end(): void;
}
export interface GpuCommandEncoder {
  beginComputePass(descriptor?: object): GpuComputePass;
  copyBufferToBuffer(src: GpuBuffer, srcOffset: number, dst: GpuBuffer, dstOffset: number, size: number): void;
}
export interface GpuDevice {
  readonly limits: { readonly maxStorageBuffersPerShaderStage: number; readonly maxComputeWorkgroupsPerDimension: number };
  readonly lost: Promise<{ reason?: string; message: string }>;
  createShaderModule(d: { code: string; label?: string }): object;
  createBindGroupLayout(d: { entries: readonly object[] }): GpuBindGroupLayout;
  createPipelineLayout(d: { bindGroupLayouts: readonly GpuBindGroupLayout[] }): object;
  createComputePipeline(d: { layout: object; compute: { module: object; entryPoint: string }; label?: string }): GpuComputePipeline;
  createBindGroup(d: { layout: GpuBindGroupLayout; entries: readonly { binding: number; resource: { buffer: GpuBuffer } }[] }): GpuBindGroup;
  destroy(): void;
}

/** What tfjs-backend-webgpu keeps for each tensor's data. */
export interface TfjsTensorData {
  readonly dtype: string;
  readonly shape: readonly number[];
  values: ArrayLike<number> | null | undefined;
  resource: GpuBuffer | null;
}

/** The members of tfjs-backend-webgpu's WebGPUBackend that its own programs use to record work. */
export interface TfjsWebgpuInternals {
  readonly device: GpuDevice;
  readonly tensorMap: { get(dataId: object): TfjsTensorData };
  readonly bufferManager: { acquireBuffer(size: number, usage: number): GpuBuffer; releaseBuffer(b: GpuBuffer, reuse?: boolean): void };
  commandEncoder: GpuCommandEncoder | null;
  computePassEncoder: GpuComputePass | null;
  dispatchCountInPass: number;
  readonly commandQueueOwnedIds: WeakSet<object>;
  uploadToGPU(dataId: object): void;
  makeTensorInfo(shape: number[], dtype: string): { dataId: object; shape: number[]; dtype: string };
  ensureCommandEncoderReady(): void;
  endComputePassEncoder(): void;
  submitQueue(): void;
}

/** The WebGPU constants, read from the page's globals (they exist only where WebGPU does). */
export function gpuConstants(): { copyDst: number; mapRead: number; read: number; compute: number } {
  const g = globalThis as unknown as {
    GPUBufferUsage: { COPY_DST: number; MAP_READ: number };
    GPUMapMode: { READ: number };
    GPUShaderStage: { COMPUTE: number };
  };
  return {
    copyDst: g.GPUBufferUsage.COPY_DST, mapRead: g.GPUBufferUsage.MAP_READ, read: g.GPUMapMode.READ, compute: g.GPUShaderStage.COMPUTE,
  };
}
