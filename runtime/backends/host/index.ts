export { hostKernels, type HostFlavour, type HostKernel, type HostKernelTable, type HostValues } from './kernels';
export { pooledArrays, recycle, releasePooledArrays } from './loops';
export { runReferenceKernel } from './reference';
export { withSmallOnHost, SmallArray, SMALL_ON_HOST_ELEMENTS } from './small_on_host';
