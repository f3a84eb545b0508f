/**
 * `torch.device` and the CUDA/MPS question as a CPU build of PyTorch 1.13 answers it: Gradlens
 * computes on this machine (WebGPU or WebAssembly behind the CPU device), so `torch.cuda.is_available()`
 * is False, `device='cpu'` and `.to('cpu')` work, and asking for a CUDA or MPS device raises the
 * error the CPU build raises, at the line, with what to write instead.
 */
import {
  addNote,
  type Args,
  bindArgs,
  type CompareOp,
  type HostContext,
  HostObject,
  hostType,
  NOT_IMPLEMENTED,
  pyError,
  type PyValue,
  typeName,
} from '../interpreter';

/** The device types PyTorch 1.13's parser knows, in the order its error lists them. */
const DEVICE_TYPES = ['cpu', 'cuda', 'ipu', 'xpu', 'mkldnn', 'opengl', 'opencl', 'ideep', 'hip', 've', 'fpga', 'ort', 'xla', 'lazy', 'vulkan', 'mps', 'meta', 'hpu', 'privateuseone'];

/** `torch.device`, the class: calling it makes a device, `isinstance(x.device, torch.device)` holds. */
export const DEVICE_TYPE = hostType('device', 'torch', (args, kwargs, ctx) => toDevice(args, kwargs, ctx));

export class TorchDevice extends HostObject {
  constructor(readonly type: string, readonly ordinal: bigint | null) {
    super();
  }

  get pyType() {
    return DEVICE_TYPE;
  }

  override getattr(name: string): PyValue | undefined {
    if (name === 'type') return this.type;
    if (name === 'index') return this.ordinal;
    return undefined;
  }

  override compare(op: CompareOp, other: PyValue): PyValue {
    if (op !== '==' && op !== '!=') return NOT_IMPLEMENTED;
    const same = other instanceof TorchDevice && other.type === this.type && other.ordinal === this.ordinal;
    return op === '==' ? same : !same;
  }

  override valueKey(): string {
    return `torch.device:${this.str()}`;
  }

  override hashValue(): bigint {
    let h = 0n;
    for (const ch of this.str()) h = (h * 1000003n + BigInt(ch.codePointAt(0)!)) & 0xffffffffffffn;
    return h;
  }

  override str(): string {
    return this.ordinal === null ? this.type : `${this.type}:${this.ordinal}`;
  }

  override repr(): string {
    return this.ordinal === null ? `device(type='${this.type}')` : `device(type='${this.type}', index=${this.ordinal})`;
  }
}

export const CPU = new TorchDevice('cpu', null);

/** A device string as PyTorch parses it: `cpu`, `cuda:1`; its errors word for word. */
function parseDeviceString(text: string): TorchDevice {
  const m = /^([a-z_]+)(?::(.*))?$/.exec(text);
  const type = m?.[1] ?? '';
  if (!DEVICE_TYPES.includes(type)) throw pyError('RuntimeError', `Expected one of ${DEVICE_TYPES.join(', ')} device type at start of device string: ${text}`);
  if (m?.[2] === undefined) return new TorchDevice(type, null);
  if (!/^(0|[1-9][0-9]*)$/.test(m[2])) throw pyError('RuntimeError', `Invalid device string: '${text}'`);
  return new TorchDevice(type, BigInt(m[2]));
}

/** `torch.device(...)`: a string, a string and an index, a CUDA ordinal, or another device. */
function toDevice(args: PyValue[], kwargs: Map<string, PyValue>, ctx: HostContext): TorchDevice {
  const a = bindArgs('device', ['type', 'index?'], args, kwargs, ctx);
  const type = a.required('type');
  if (type instanceof TorchDevice) return type;
  if (typeof type === 'bigint') {
    if (type < 0n) throw pyError('RuntimeError', `Device index must not be negative`);
    return new TorchDevice('cuda', type);
  }
  if (typeof type !== 'string') throw pyError('TypeError', `device() received an invalid combination of arguments - got (${typeName(type)})`);
  const parsed = parseDeviceString(type);
  const index = a.opt('index');
  if (index === undefined || index === null) return parsed;
  if (parsed.ordinal !== null) throw pyError('RuntimeError', `type (string) must not include an index because index was passed explicitly: ${type}`);
  if (typeof index !== 'bigint' || index < 0n) throw pyError('RuntimeError', 'Device index must not be negative');
  return new TorchDevice(parsed.type, index);
}

/** Whether `v` names a device (`device=`, `.to(...)`'s first argument). */
export function isDeviceLike(v: PyValue): boolean {
  return v instanceof TorchDevice || typeof v === 'string';
}

/**
 * `v` as a device this run can compute on: the CPU. A CUDA or MPS device raises what a CPU build of
 * PyTorch raises, with what to write instead; another type, that Gradlens computes on the CPU only.
 */
export function requireCpu(v: PyValue): TorchDevice {
  const device = v instanceof TorchDevice ? v : typeof v === 'bigint' ? new TorchDevice('cuda', v) : typeof v === 'string' ? parseDeviceString(v) : null;
  if (device === null) throw pyError('TypeError', `expected a device (a torch.device or a string such as 'cpu'), got '${typeName(v)}'`);
  const refused = (type: 'AssertionError' | 'RuntimeError', message: string) => {
    const e = pyError(type, message);
    addNote(e.exc, "Gradlens computes as PyTorch's CPU build does: use device='cpu', or torch.device('cuda' if torch.cuda.is_available() else 'cpu')");
    return e;
  };
  if (device.type === 'cuda') throw refused('AssertionError', 'Torch not compiled with CUDA enabled');
  if (device.type === 'mps') throw refused('RuntimeError', 'PyTorch is not linked with support for mps devices');
  if (device.type !== 'cpu') throw refused('RuntimeError', `Gradlens computes on the cpu device only, not ${device.type}`);
  return device;
}

/** A creator's `device=` argument: absent, None or the CPU; else the CPU build's error. */
export function checkDeviceArg(a: Args): void {
  const device = a.get('device');
  if (device !== undefined && device !== null) requireCpu(device);
}
