/**
 * The per-run state of the torch shim: the eager engine it drives, the Python wrapper of each
 * eager tensor (one per tensor, so `x.grad is x.grad`), the random generator, and the bridge
 * that every op crosses: the source span for the tape, the byte budget, and runtime errors
 * turned into the Python exceptions PyTorch raises.
 */
import { AutogradError, Random, ShapeError, bytesOf, formatAval, sizeOf, withInterrupt, type AbstractValue, type Shape } from '../../../runtime/core';
import { TorchOps, type EagerEngine, type Tensor } from '../../../runtime/eager';
import { StagingBackend } from '../../../runtime/jit';
import { HaltError, PyError, pyError, type ExceptionName, hostType, type HostContext, type PyType } from '../interpreter';
import { CREATORS, tensorFromData } from './creation';
import { ITEM_SIZE, STORAGE, isFloating, type TorchDTypeName } from './dtype';
import { PyTensor } from './tensor';

/** The seed a run starts from when the script never calls `torch.manual_seed`. */
const DEFAULT_SEED = 0x5eed;

/** An error the runtime throws that a script should see as a given Python exception. */
export class TorchError extends Error {
  constructor(
    readonly pyType: ExceptionName,
    message: string,
  ) {
    super(message);
  }
}

export class TorchRuntime {
  readonly torch: TorchOps;
  rng = new Random(DEFAULT_SEED);
  private readonly wrappers = new WeakMap<Tensor, PyTensor>();
  /** Tensors wrapped during the current op, which its tidy scope must keep. */
  private readonly created: Tensor[] = [];
  private depth = 0;
  /** The script's grad mode when the current torch op began (its own steps may turn grad off inside). */
  gradModeAtOp = true;

  /** `torch.Tensor`, one per run: `torch.Tensor([1, 2])` makes float32 tensors with this run's engine. */
  readonly tensorType: PyType;

  constructor(
    readonly engine: EagerEngine,
    readonly ctx: HostContext,
  ) {
    this.torch = new TorchOps(engine);
    this.tensorType = hostType('Tensor', 'torch', (args, kwargs, c) => {
      if (kwargs.size > 0) throw pyError('TypeError', 'torch.Tensor() takes no keyword arguments in Gradlens');
      if (args.length === 1 && !(typeof args[0] === 'bigint')) return tensorFromData(this, args[0], 'float32', c);
      return CREATORS.zeros(this, args, kwargs, c);
    });
  }

  get ops() {
    return this.engine.ops;
  }

  get supportsFloat64(): boolean {
    return this.engine.backend.dtypes.includes('float64');
  }

  /**
   * Runs one torch-level operation for the script: its tape nodes carry the source line being
   * evaluated, and what the runtime throws becomes the exception PyTorch would raise.
   */
  run<R>(fn: () => R): R {
    const span = this.ctx.span;
    this.engine.span = { file: this.ctx.file, line: span.line, column: span.col, endLine: span.endLine, endColumn: span.endCol };
    const mark = this.created.length;
    const guard = this.engine.guard;
    if (this.depth === 0) {
      this.gradModeAtOp = this.engine.gradEnabled;
      this.engine.guard = this.guard;
    }
    this.depth++;
    // The op's intermediates (coerced scalars, the steps of a composite) are freed at once; only
    // tensors handed to Python live on, until the run ends. NB: errors are caught inside the tidy
    // scope, which frees nothing when its function throws.
    // A long kernel checks the script's clock between its chunks.
    const body = this.depth === 1 ? () => withInterrupt(() => this.ctx.checkClock(), fn) : fn;
    const out = this.engine.tidy(() => {
      try {
        return { ok: true as const, result: body(), keep: this.created.slice(mark) };
      } catch (error) {
        return { ok: false as const, error };
      }
    });
    if (--this.depth === 0) {
      this.created.length = 0;
      this.engine.guard = guard;
    }
    if (!out.ok) throw translate(out.error);
    return out.result;
  }

  /**
   * Asked by the engine before each array an op makes (a broadcast result, an expand, a matmul
   * output, a gradient): one that would not fit beside the tensors the script holds is refused
   * before it exists, and a long run of ops checks the clock between them.
   */
  private readonly guard = (aval: AbstractValue, what: string): void => {
    this.ctx.checkClock();
    const bytes = bytesOf(aval);
    // Checked, not kept: `wrap` charges the tensors that Python gets; an op's intermediates are freed with it.
    this.ctx.allocate(bytes, describe(aval, what));
    this.ctx.release(bytes);
  };

  /** The Python tensor for an eager tensor; new tensors are charged to the run's byte budget. */
  wrap(t: Tensor, dtype?: TorchDTypeName): PyTensor {
    let w = this.wrappers.get(t);
    if (w) return w;
    const logical = dtype ?? defaultLogical(t.dtype);
    this.ctx.allocate(sizeOf(t.shape) * ITEM_SIZE[logical]);
    w = new PyTensor(this, t, logical);
    this.wrappers.set(t, w);
    if (this.depth > 0) this.created.push(t);
    return w;
  }

  /** Wraps an op's result, giving int32 storage the integer dtype its inputs imply. */
  result(t: Tensor, inputs: readonly PyTensor[]): PyTensor {
    if (t.dtype !== 'int32') return this.wrap(t);
    const ints = inputs.map((x) => x.dtype);
    const logical = ints.includes('int64') ? 'int64' : ints.includes('int32') ? 'int32' : 'int64';
    return this.wrap(t, logical);
  }

  /** Checks the byte budget before a tensor of this shape is made, so a huge one fails first. */
  charge(shape: Shape, dtype: TorchDTypeName): void {
    for (const d of shape) {
      if (!Number.isInteger(d) || d < 0) throw pyError('RuntimeError', `Trying to create tensor with negative dimension ${d}: [${shape.join(', ')}]`);
    }
    this.checkDType(dtype);
    const bytes = sizeOf(shape) * ITEM_SIZE[dtype];
    // Charged and returned at once: `wrap` charges the tensor for good once it exists.
    this.ctx.allocate(bytes, `a ${dtype} tensor of size [${shape.join(', ')}]`);
    this.ctx.release(bytes);
  }

  /**
   * An int64 result (a sum, product, power, matmul) whose exact value leaves the 32 bits Gradlens
   * stores int64 in is an error, not a wrapped number: `float` redoes the op in float32 (relative
   * error 2^-24) and its largest magnitude is checked. NB: on WebGPU, whose arrays cannot be read
   * synchronously, and while tracing for the jit engine, the check is skipped.
   */
  checkNoWrap(float: () => Tensor): void {
    if (this.engine.backend.name === 'webgpu' || this.engine.backend instanceof StagingBackend) return;
    const peak = this.engine.withGradMode(false, () => {
      const shadow = float();
      return this.ops.reduceMax(this.ops.abs(shadow), shadow.shape.map((_, i) => i)).dataSync()[0];
    });
    if (peak >= 2 ** 31) throw intRangeError(null);
  }

  checkDType(dtype: TorchDTypeName): void {
    if (dtype === 'float64' && !this.supportsFloat64) {
      throw pyError(
        'TypeError',
        `torch.float64 is not supported on the ${this.engine.backend.name} backend, which computes in float32 only; `
          + 'use torch.float32, or run Gradlens with the reference backend for float64',
      );
    }
  }

  fromValues(values: ArrayLike<number>, shape: Shape, dtype: TorchDTypeName): PyTensor {
    this.charge(shape, dtype);
    if (dtype === 'int64' || dtype === 'int32') checkIntegers(values, dtype);
    return this.wrap(this.engine.fromValues(values, shape, STORAGE[dtype]), dtype);
  }

  scalar(value: number, dtype: TorchDTypeName): Tensor {
    return this.engine.scalar(value, STORAGE[dtype]);
  }

  /** A tensor stored as `dtype`'s storage, converted when needed. */
  convert(t: Tensor, dtype: TorchDTypeName): Tensor {
    this.checkDType(dtype);
    return this.ops.convert(t, STORAGE[dtype]);
  }
}

/**
 * Integers that the int32 storage cannot hold exactly are refused, never wrapped: past int64 as
 * PyTorch refuses them, past int32 for an int32 tensor as PyTorch does, and an int64 value past
 * 2**31 because Gradlens stores int64 in 32 bits (tfjs and WebGPU have no 64-bit integers).
 */
export function checkIntegers(values: ArrayLike<number>, dtype: 'int64' | 'int32'): void {
  for (let i = 0; i < values.length; i++) {
    const v = values[i];
    if (v >= -(2 ** 31) && v < 2 ** 31) continue;
    if (!Number.isFinite(v)) continue; // NB: inf and NaN converted to an integer dtype are undefined in PyTorch too.
    if (dtype === 'int32') throw pyError('RuntimeError', 'value cannot be converted to type int32 without overflow');
    if (v >= 2 ** 63 || v < -(2 ** 63)) throw pyError('RuntimeError', 'Overflow when unpacking long');
    throw intRangeError(v);
  }
}

/** Gradlens's own limit on int64 values, said at the line instead of a wrapped number. */
export function intRangeError(v: number | null): Error {
  const what = v === null ? 'this int64 result' : `${BigInt(Math.trunc(v))}`;
  return pyError('RuntimeError',
    `${what} does not fit in 32 bits: Gradlens stores torch.int64 tensors as int32 for now, so integer values must stay within ±2**31; `
      + 'use a float tensor (exact up to 2**24 in float32) or smaller values');
}

/** The array an allocation is for, as the budget error names it: `f32[100000,100000], the result of add`. */
export function describe(aval: AbstractValue, what: string): string {
  return what === 'upload' ? formatAval(aval) : `${formatAval(aval)}, the result of ${what}`;
}

function defaultLogical(d: Tensor['dtype']): TorchDTypeName {
  return d === 'int32' ? 'int64' : d;
}

export function floating(d: TorchDTypeName): boolean {
  return isFloating(d);
}

/** What the runtime throws, as the Python exception PyTorch raises for it. */
export function translate(e: unknown): unknown {
  if (e instanceof PyError || e instanceof HaltError) return e;
  if (e instanceof TorchError) return pyError(e.pyType, e.message);
  if (e instanceof AutogradError || e instanceof ShapeError) return pyError('RuntimeError', e.message);
  if (e instanceof RangeError && !/call stack/i.test(e.message)) return pyError('RuntimeError', e.message);
  if (e instanceof Error && e.constructor === Error) return pyError('RuntimeError', e.message);
  return e;
}
