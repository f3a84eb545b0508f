export { BACKEND_NAMES, type Backend, type BackendName, type DeviceArray, type Kernel, type KernelTable } from './backend';
export { createTfjsBackend, TfjsArray, type TfjsBackendName } from './tfjs';
export { createReferenceBackend, ReferenceArray } from './reference';
