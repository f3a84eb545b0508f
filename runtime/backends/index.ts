export {
  type Backend, type BackendName, type DeviceArray, type HostReadStats, type Kernel, type KernelTable, type ShaderProgram, type ShaderRunner,
} from './backend';
export { withHostDtypes, type HostDtypeStats } from './host_dtypes';
export { hostKernels, pooledArrays, releasePooledArrays, SmallArray, SMALL_ON_HOST_ELEMENTS, withSmallOnHost, type HostFlavour } from './host';
export { createTfjsBackend, createTfjsDevice, NO_INT32_BITWISE_ON_WEBGPU, TfjsArray, type TfjsBackendName } from './tfjs';
export { broadcastIndex, createReferenceBackend, mapIndex, ReferenceArray, REFERENCE_KERNELS } from './reference';
export { createWebgpuBackend, type WebgpuArray, type WebgpuBackend } from './webgpu';
// openBackend is how the editor, the server and the CLI pick a backend; its OpenedBackend documents
// how a lost GPU device is seen: the backend object switches to wasm underneath and onFallback fires.
export { openBackend, type OpenedBackend } from './open';
