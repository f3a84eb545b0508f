/** `torch.set_printoptions` as PyTorch 1.13's: profiles, then each option given; sci_mode always set (None is automatic). */
import { bindArgs, opFunction, pyError, type PyValue, toFloat, toIndex } from '../interpreter';
import { PRINT_PROFILES } from './print';
import type { TorchRuntime } from './tensor';

export function printOptionFunctions(rt: TorchRuntime): Record<string, PyValue> {
  return {
    set_printoptions: opFunction('set_printoptions', (args, kwargs, ctx) => {
      const a = bindArgs('set_printoptions', ['precision?', 'threshold?', 'edgeitems?', 'linewidth?', 'profile?', 'sci_mode?'], args, kwargs, ctx);
      const opts = rt.printOptions;
      const profile = a.opt('profile');
      if (profile !== undefined) {
        const p = typeof profile === 'string' ? PRINT_PROFILES[profile] : undefined;
        // NB: PyTorch ignores an unknown profile name; so does this.
        if (p) Object.assign(opts, p);
      }
      const int = (name: string) => Number(toIndex(a.required(name), ctx));
      if (a.opt('precision') !== undefined) opts.precision = int('precision');
      if (a.opt('threshold') !== undefined) opts.threshold = toFloat(a.required('threshold'), ctx);
      if (a.opt('edgeitems') !== undefined) opts.edgeitems = int('edgeitems');
      if (a.opt('linewidth') !== undefined) opts.linewidth = int('linewidth');
      const sci = a.opt('sci_mode');
      if (sci !== undefined && typeof sci !== 'boolean') throw pyError('TypeError', 'sci_mode must be None, True or False');
      opts.sciMode = sci ?? null;
      return null;
    }),
  };
}
