/**
 * `jax.checkpoint` (`jax.remat`) and its policies: Gradlens keeps every intermediate, so
 * rematerialization changes nothing it computes; a checkpointed function is the function (its
 * jaxpr inlines the body where JAX prints a `checkpoint` equation around it).
 */
import { bindArgs, createModule, pyFunction, type PyValue } from '../interpreter';
import { funName, Transformed } from './transforms';

const POLICIES = [
  'everything_saveable', 'nothing_saveable', 'dots_saveable', 'checkpoint_dots', 'dots_with_no_batch_dims_saveable',
  'checkpoint_dots_with_no_batch_dims', 'offload_dot_with_no_batch_dims',
];
const POLICY_FACTORIES = ['save_anything_except_these_names', 'save_any_names_but_these', 'save_only_these_names', 'save_from_both_policies', 'save_and_offload_only_these_names'];

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
  };
}
