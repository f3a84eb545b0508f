/**
 * `jax.debug.print` and `jax.disable_jit`. debug.print formats with `str.format`. On concrete
 * values (and on the concrete primals grad traces over) it prints at once; on traced ones it binds
 * JAX's `debug_callback` primitive, which prints each time the program runs it: every call of a
 * jitted function, every iteration of a lax loop body, once per batch element under vmap (JAX's
 * ordered=False semantics; Gradlens runs callbacks in program order, a loop's iteration by
 * iteration). make_jaxpr shows the equation and prints nothing.
 */
import { bindArgs, type ExceptionObject, type HostContext, HostObject, hostType, type Kwargs, pyError, pyFunction, PyComplex, PyTuple, type PyValue, writeStdout } from '../interpreter';
import type { HostValue } from '../../../runtime/ir';
import type { DeviceArray } from '../../../runtime/backends';
import { isTracer, type Scalar, type Val } from './values';
import { PyArray, type JaxRuntime } from './array';
import { flattenPy, unflattenPy } from './pytree';
import { leafVal } from './transforms';

/** What debug_callback takes as an operand (JAX's shaped_abstractify succeeds): arrays and Python numbers; other leaves stay in the callback. */
const isDynamic = (x: PyValue) => x instanceof PyArray || typeof x === 'number' || typeof x === 'bigint' || typeof x === 'boolean' || x instanceof PyComplex;

function debugPrint(rt: JaxRuntime, args: PyValue[], kwargs: Kwargs, ctx: HostContext): PyValue {
  const a = bindArgs('print', ['fmt', '*args', '*', 'ordered?'], args, new Map([...kwargs].filter(([k]) => k === 'fmt' || k === 'ordered')), ctx);
  const fmt = a.required('fmt');
  if (typeof fmt !== 'string') throw pyError('TypeError', `jax.debug.print's format must be a str, got ${ctx.repr(fmt)}`);
  const named = new Map([...kwargs].filter(([k]) => k !== 'fmt' && k !== 'ordered'));
  // The arguments' leaves, positional then keyword, put back in their pytrees for str.format.
  const [posLeaves, posDef] = flattenPy(new PyTuple(a.rest), ctx);
  const [kwLeaves, kwDef] = flattenPy(new PyTuple([...named.values()]), ctx);
  const leaves = [...posLeaves, ...kwLeaves];
  const emit = (values: readonly PyValue[]) => {
    const pos = unflattenPy(posDef, values.slice(0, posLeaves.length), ctx) as PyTuple;
    const kwValues = unflattenPy(kwDef, values.slice(posLeaves.length), ctx) as PyTuple;
    const kw = new Map([...named.keys()].map((k, i) => [k, kwValues.items[i]!]));
    writeStdout(ctx, `${ctx.str(ctx.call(ctx.getattr(fmt, 'format'), pos.items, kw))}\n`);
  };
  // The leaves debug_callback takes as operands reach the format as jax Arrays, Python numbers too
  // (its impl device_puts them): a shape tuple prints `(Array(2, dtype=int32, weak_type=True),)`.
  const dynamic = leaves.flatMap((l, i) => (isDynamic(l) ? [i] : []));
  const operands = dynamic.map((i) => leafVal(rt, leaves[i], ctx));
  const withValues = (values: readonly (DeviceArray | Scalar)[]) => {
    const filled = [...leaves];
    dynamic.forEach((i, k) => { filled[i] = new PyArray(rt, rt.place(values[k]), operands[k].weak, false); });
    emit(filled);
  };
  const known = operands.map((o) => (isTracer(o.v) ? rt.knownValue(o.v) ?? null : o.v));
  // NB: jit and make_jaxpr stage the print even of constants: JAX prints those each time the program runs.
  if (known.every((v) => v !== null) && rt.stagingTrace() === null) {
    withValues(known as (DeviceArray | Scalar)[]);
    return null;
  }
  const callback = { run: (values: readonly HostValue[]) => withValues(values.map((v) => rt.upload(v.values, v.aval.shape, v.aval.dtype))) };
  rt.bindCall('debug_callback', operands.map((o): Val => o.v), { callback, ordered: a.bool('ordered', false) });
  return null;
}

/** `with jax.disable_jit():` (JAX's context manager over the jax_disable_jit flag). */
class DisableJit extends HostObject {
  static readonly type = hostType('_GeneratorContextManager', 'contextlib');
  private readonly saved: boolean[] = [];
  constructor(private readonly rt: JaxRuntime, private readonly disable: boolean) {
    super();
  }
  get pyType() { return DisableJit.type; }
  override enter(): PyValue {
    this.saved.push(this.rt.jitDisabled);
    this.rt.jitDisabled = this.disable;
    return null;
  }
  override exit(_exc: ExceptionObject | null): boolean {
    this.rt.jitDisabled = this.saved.pop() ?? false;
    return false;
  }
}

export function debuggingAttrs(rt: JaxRuntime): { debug: Record<string, PyValue>; jax: Record<string, PyValue> } {
  return {
    debug: { print: pyFunction('print', (args, kwargs, ctx) => debugPrint(rt, args, kwargs, ctx)) },
    jax: {
      disable_jit: pyFunction('disable_jit', (args, kwargs, ctx) => new DisableJit(rt, bindArgs('disable_jit', ['disable?'], args, kwargs, ctx).bool('disable', true))),
    },
  };
}
