/** `math` over the torch shim, for plain-Python functions whose float arguments Gradlens makes tensors. */
import { liftedMath } from '../modules';
import { type ModuleShim, getattr } from '../interpreter';
import type { TorchSession } from './module';
import { PyTensor } from './tensor';

/** `math` whose differentiable functions apply, while `active()`, torch's to a tensor (see liftedMath). */
export function torchMath(session: TorchSession, active: () => boolean): ModuleShim {
  return liftedMath({
    owns: (v) => active() && v instanceof PyTensor,
    fn: (name, ctx) => getattr(session.modules.torch.create(ctx), name, ctx),
  });
}
