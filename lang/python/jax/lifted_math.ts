/** `math` over the jax.numpy shim, for plain-Python functions whose float arguments Gradlens traces. */
import { liftedMath } from '../modules';
import { type ModuleShim, getattr } from '../interpreter';
import { PyArray } from './array';
import type { JaxSession } from './module';

/** `math` whose differentiable functions apply, while `active()`, jax.numpy's to an array or a tracer (see liftedMath). */
export function jaxMath(session: JaxSession, active: () => boolean): ModuleShim {
  return liftedMath({
    owns: (v) => active() && v instanceof PyArray,
    fn: (name, ctx) => getattr(session.modules['jax.numpy'].create(ctx), name, ctx),
  });
}
