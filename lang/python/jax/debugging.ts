/**
 * `jax.debug.print` and `jax.disable_jit`. debug.print formats with `str.format` and prints the
 * values an array has when the program runs: at once on concrete arrays (and on the concrete
 * primals grad traces over); under jit, each time the compiled program runs, from values it
 * returns beside its outputs (a RunTimeEffect), as JAX's debug_callback prints at run time.
 */
import { bindArgs, type ExceptionObject, type HostContext, HostObject, hostType, type Kwargs, pyError, pyFunction, PyTuple, type PyValue, writeStdout } from '../interpreter';
import type { Tracer } from '../../../runtime/jit';
import { isTracer } from './values';
import { PyArray, type JaxRuntime } from './array';
import { flattenPy, unflattenPy } from './pytree';

/** The concrete value of a traced leaf, or null where it has none until the program runs. */
function concrete(rt: JaxRuntime, leaf: PyValue): PyValue | null {
  if (!(leaf instanceof PyArray) || !isTracer(leaf.v)) return leaf;
  const known = rt.knownValue(leaf.v);
  return known === undefined ? null : new PyArray(rt, rt.place(known), leaf.weak, false);
}

/** Where jax.debug.print has no values to print when the program runs. */
export function debugPrintRefusal(rt: JaxRuntime): Error {
  return pyError('NotImplementedError', `jax.debug.print of a traced value is supported by Gradlens inside jax.jit and jax.vmap (and on concrete values under grad): under ${rt.transforming.at(-1) ?? 'this transformation'} or inside a lax control-flow body it has no values to print; print the result outside, or return the value`);
}

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
  const now = leaves.map((l) => concrete(rt, l));
  if (now.every((v) => v !== null)) {
    emit(now as PyValue[]);
    return null;
  }
  const pending = leaves.flatMap((l, i) => (now[i] === null ? [(l as PyArray)] : []));
  const effects = rt.runTimeEffects;
  if (!effects || pending.some((l) => (l.v as Tracer).trace !== effects.trace)) throw debugPrintRefusal(rt);
  const weak = pending.map((l) => l.weak);
  effects.effects.push({
    values: pending.map((l) => l.v as Tracer),
    run: (values) => {
      let k = 0;
      emit(now.map((v) => v ?? new PyArray(rt, rt.place(values[k]!), weak[k++]!, false)));
    },
  });
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
