/**
 * `jax.config`: the flags a script sets with `jax.config.update(name, value)`. Gradlens honours
 * `jax_enable_x64` (Python floats and float dtypes become float64, as in JAX) and
 * `jax_threefry_partitionable` (jax.random's key layout) and `jax_disable_jit`; where JAX computes
 * (`jax_platform_name`, `jax_platforms`) is Gradlens's backend's choice, so those are accepted
 * and change nothing; any other flag is refused with its name.
 */
import { bindArgs, HostObject, hostType, pyError, pyFunction, truthy, type HostContext, type PyValue } from '../interpreter';
import type { JaxRuntime } from './array';
import { setThreefryPartitionable, threefryPartitionable } from './random';

const configType = hostType('Config', 'jax._src.config');
const PLACEMENT_FLAGS = new Set(['jax_platform_name', 'jax_platforms']);

export class JaxConfig extends HostObject {
  private readonly placement = new Map<string, PyValue>();

  constructor(private readonly rt: JaxRuntime) {
    super();
  }

  get pyType() {
    return configType;
  }

  override getattr(name: string, ctx: HostContext): PyValue | undefined {
    if (name === 'jax_enable_x64' || name === 'x64_enabled') return this.rt.x64;
    if (name === 'jax_threefry_partitionable') return threefryPartitionable(ctx);
    if (name === 'jax_disable_jit') return this.rt.jitDisabled;
    if (name === 'update') {
      return pyFunction('update', (args, kwargs, ctx) => {
        const a = bindArgs('update', ['name', 'val'], args, kwargs, ctx);
        const flag = a.str('name');
        const value = a.required('val');
        if (flag === 'jax_enable_x64') this.rt.x64 = truthy(value, ctx);
        else if (flag === 'jax_threefry_partitionable') setThreefryPartitionable(ctx, truthy(value, ctx));
        else if (flag === 'jax_disable_jit') this.rt.jitDisabled = truthy(value, ctx);
        else if (PLACEMENT_FLAGS.has(flag)) this.placement.set(flag, value);
        else if (/^jax_/.test(flag)) throw pyError('NotImplementedError', `jax.config.update('${flag}', ...) is not supported by Gradlens; it honours jax_enable_x64, jax_threefry_partitionable and jax_disable_jit (and accepts jax_platform_name)`);
        else throw pyError('AttributeError', `Unrecognized config option: ${flag}`);
        return null;
      });
    }
    return this.placement.get(name);
  }
}
