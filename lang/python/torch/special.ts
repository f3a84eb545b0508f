/**
 * `torch.erfc`, `torch.special.erfc` and `torch.special.erfcx` (with `erf`/`erfinv`, `torch.special`'s
 * names for the primitives), over the runtime's compositions of fdlibm's erfc (runtime/ops/erfc.ts).
 */
import { erfcOf, erfcxOf, type Ops } from '../../../runtime/ops';
import { bindArgs, type Args, type HostContext, type PyValue } from '../interpreter';
import { isFloating } from './dtype';
import { followOperands, type Method, type PyTensor } from './tensor';

function def(name: string, spec: readonly string[], body: (x: PyTensor, a: Args, ctx: HostContext) => PyValue): Method {
  return (self, args, kwargs, ctx) => body(self, bindArgs(name, spec, args, kwargs, ctx), ctx);
}

function special(x: PyTensor, name: 'ErfcBackward0' | 'SpecialErfcxBackward0', f: <T>(o: Ops<T>, x: T) => T): PyTensor {
  const rt = x.rt;
  return followOperands(rt.run(() => {
    const dtype = isFloating(x.dtype) ? x.dtype : 'float32';
    const t = rt.convert(x.t, dtype);
    return rt.wrap(rt.engine.composite(name, () => f(rt.ops, t)), dtype);
  }), [x]);
}

export const SPECIAL_METHODS: Readonly<Record<string, Method>> = {
  erfc: def('erfc', [], (x) => special(x, 'ErfcBackward0', erfcOf)),
};

/** `torch.special`'s error functions; erf and erfinv are the tensor methods of the same name. */
export const SPECIAL_MODULE_NAMES = ['erf', 'erfc', 'erfcx', 'erfinv'] as const;

export const SPECIAL_ONLY: Readonly<Record<string, Method>> = {
  erfcx: def('erfcx', [], (x) => special(x, 'SpecialErfcxBackward0', erfcxOf)),
};
