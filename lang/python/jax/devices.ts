/**
 * `jax.devices()`, `jax.default_backend()` and `jax.device_put`: the one device is the backend the
 * run computes on (a CPU device for wasm, cpu and the float64 reference; a WebGPU device on the
 * GPU), so a script that prints its devices says where Gradlens computed.
 */
import { bindArgs, dictKey, type HostContext, HostObject, hostType, pyFunction, PyList, PySet, type PyValue } from '../interpreter';
import type { JaxRuntime } from './array';
import * as L from './lax';
import { flattenPy, unflattenPy } from './pytree';

/** JAX's platform name for a backend. */
const platformOf = (rt: JaxRuntime) => (rt.backend.name === 'webgpu' ? 'webgpu' : 'cpu');

export class Device extends HostObject {
  static readonly type = hostType('Device', 'jaxlib.xla_extension');
  constructor(private readonly rt: JaxRuntime) {
    super();
  }
  get pyType() { return Device.type; }
  override repr(): string { return platformOf(this.rt) === 'cpu' ? 'CpuDevice(id=0)' : 'WebGpuDevice(id=0)'; }
  override str(): string { return platformOf(this.rt) === 'cpu' ? 'TFRT_CPU_0' : 'WebGPU_0'; }
  override getattr(name: string): PyValue | undefined {
    switch (name) {
      case 'id': return 0n;
      case 'platform': return platformOf(this.rt);
      case 'device_kind': return this.rt.backend.name === 'webgpu' ? 'WebGPU' : 'cpu';
      case 'process_index': return 0n;
    }
    return undefined;
  }
}

const DEVICES = new WeakMap<JaxRuntime, Device>();

/** The run's one device (one object, so `x.devices() == set(jax.devices())`). */
export function deviceOf(rt: JaxRuntime): Device {
  let d = DEVICES.get(rt);
  if (!d) DEVICES.set(rt, (d = new Device(rt)));
  return d;
}

function deviceSet(rt: JaxRuntime, ctx: HostContext): PySet {
  const s = new PySet();
  s.map.set(dictKey(deviceOf(rt), ctx), deviceOf(rt));
  return s;
}

/** An array's `.sharding`: every array lives whole on the one device (JAX's SingleDeviceSharding, memory kind `device`). */
class SingleDeviceSharding extends HostObject {
  static readonly type = hostType('SingleDeviceSharding', 'jax.sharding');
  constructor(private readonly rt: JaxRuntime) {
    super();
  }
  get pyType() { return SingleDeviceSharding.type; }
  override repr(ctx: HostContext): string { return `SingleDeviceSharding(device=${deviceOf(this.rt).repr()}, memory_kind=device)`; void ctx; }
  override getattr(name: string, ctx: HostContext): PyValue | undefined {
    if (name === 'device_set') return deviceSet(this.rt, ctx);
    if (name === 'memory_kind') return 'device';
    if (name === 'is_fully_replicated' || name === 'is_fully_addressable') return true;
    return undefined;
  }
}

/** `x.devices()` and `x.sharding` of a jax array. */
export function arrayPlacement(rt: JaxRuntime, what: 'devices' | 'sharding', ctx: HostContext): PyValue {
  return what === 'devices' ? pyFunction('devices', (_a, _k, c) => deviceSet(rt, c ?? ctx)) : new SingleDeviceSharding(rt);
}

export function deviceAttrs(rt: JaxRuntime): Record<string, PyValue> {
  const device = deviceOf(rt);
  return {
    devices: pyFunction('devices', () => new PyList([device])),
    local_devices: pyFunction('local_devices', () => new PyList([device])),
    device_count: pyFunction('device_count', () => 1n),
    local_device_count: pyFunction('local_device_count', () => 1n),
    default_backend: pyFunction('default_backend', () => platformOf(rt)),
    // Arrays already live on the one device: Python scalars and lists become arrays, as JAX's do.
    device_put: pyFunction('device_put', (args, kwargs, ctx) => {
      const a = bindArgs('device_put', ['x', 'device?', '*', 'src?', 'donate?', 'may_alias?'], args, kwargs, ctx);
      const [leaves, def] = flattenPy(a.required('x'), ctx);
      return unflattenPy(def, leaves.map((l) => L.asArray(rt, l, ctx)));
    }),
  };
}
