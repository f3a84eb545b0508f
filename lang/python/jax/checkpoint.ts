/**
 * `jax.checkpoint` (`jax.remat`) and its policies: Gradlens keeps every intermediate, so
 * rematerialization changes nothing it computes; a checkpointed function is the function (its
 * jaxpr inlines the body where JAX prints a `checkpoint` equation around it). `jax.custom_jvp`
 * and `jax.custom_vjp` are refused at the line: running the function's own derivative instead
 * of the rule could give another number (the rule is often there because the plain derivative
 * is NaN or unstable).
 */
import { bindArgs, createModule, pyError, pyFunction, type PyValue } from '../interpreter';
import { funName, Transformed } from './transforms';

const POLICIES = [
  'everything_saveable', 'nothing_saveable', 'dots_saveable', 'checkpoint_dots', 'dots_with_no_batch_dims_saveable',
  'checkpoint_dots_with_no_batch_dims', 'offload_dot_with_no_batch_dims',
];
const POLICY_FACTORIES = ['save_anything_except_these_names', 'save_any_names_but_these', 'save_only_these_names', 'save_from_both_policies', 'save_and_offload_only_these_names'];

function refused(name: string): PyValue {
  return pyFunction(name, () => {
    throw pyError('NotImplementedError', `jax.${name} is not supported by Gradlens yet: its rule needs a call primitive the jit engine lacks, `
      + 'and differentiating the function as written instead could give another number than the rule (often NaN where the rule is stable); '
      + 'remove the decorator to differentiate the function as written, or write the rule into the function (e.g. with jnp.where)');
  });
}

export function checkpointAttrs(): Record<string, PyValue> {
  const checkpoint = pyFunction('checkpoint', (args, kwargs, ctx) => {
    const a = bindArgs('checkpoint', ['fun', '*', 'prevent_cse?', 'policy?', 'static_argnums?', 'static_argnames?', 'concrete?'], args, kwargs, ctx);
    const fun = a.required('fun');
    return new Transformed(`checkpoint(${funName(fun)})`, (fargs, fkw, c) => c.call(fun, fargs, fkw));
  });
  const policy = (name: string) => pyFunction(name, () => false);
  const factory = (name: string) => pyFunction(name, () => policy(name));
  return {
    checkpoint,
    remat: checkpoint,
    checkpoint_policies: createModule('jax.checkpoint_policies', {
      ...Object.fromEntries(POLICIES.map((n) => [n, policy(n)])),
      ...Object.fromEntries(POLICY_FACTORIES.map((n) => [n, factory(n)])),
    }),
    custom_jvp: refused('custom_jvp'),
    custom_vjp: refused('custom_vjp'),
  };
}
