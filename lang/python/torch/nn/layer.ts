/**
 * Native Module types (`nn.Linear`, `nn.ReLU`, `nn.MSELoss`): a `__init__` that runs Module's
 * then the layer's own, a `forward`, and the `extra_repr` PyTorch prints inside `print(model)`.
 * A script may subclass them as it subclasses `nn.Module`.
 */
import { type Args, bindArgs, setattr, type HostContext, type Kwargs, PyBuiltin, pyError, PyInstance, PyType, type PyValue, typeName } from '../../interpreter';
import { PyTensor, type TorchRuntime } from '../tensor';
import { instantiate, makeParameter } from './module';

export interface LayerSpec {
  /** `__init__`'s parameters after self, as bindArgs reads them (`['in_features', 'out_features', 'bias?']`). */
  readonly init: readonly string[];
  /** Sets the layer's attributes and parameters; Module.__init__ has run. */
  readonly setup?: (self: PyInstance, a: Args, ctx: HostContext) => void;
  readonly forward?: (self: PyInstance, args: PyValue[], kwargs: Kwargs, ctx: HostContext) => PyValue;
  readonly extraRepr?: (self: PyInstance, ctx: HostContext) => string;
  /** Further methods, `self` first. */
  readonly methods?: Readonly<Record<string, (self: PyInstance, args: PyValue[], kwargs: Kwargs, ctx: HostContext) => PyValue>>;
}

/** A native Module type named `name` in PyTorch's module `module` (`torch.nn.modules.linear`). */
export function layerType(base: PyType, name: string, module: string, spec: LayerSpec): PyType {
  const attrs = new Map<string, PyValue>();
  const cls = new PyType(name, { module, bases: [base], attrs });
  cls.construct = (args, kwargs, ctx) => instantiate(cls, args, kwargs, ctx);
  cls.instanceContents = base.instanceContents;
  // A layer that keeps more outside its __dict__ than Module's registries (recurrent.ts) sets its own.
  cls.deepCopyContents = base.deepCopyContents;
  const bound = (f: (self: PyInstance, args: PyValue[], kwargs: Kwargs, ctx: HostContext) => PyValue, fname: string) =>
    new PyBuiltin(fname, (args, kwargs, ctx) => {
      const self = args[0];
      if (!(self instanceof PyInstance)) throw pyError('TypeError', `${name}.${fname}() needs a ${name}, not '${typeName(self ?? null)}'`);
      return f(self, args.slice(1), kwargs, ctx);
    });
  const baseInit = base.lookup('__init__')!;
  attrs.set('__init__', bound((self, args, kwargs, ctx) => {
    const a = bindArgs('__init__', spec.init, args, kwargs, ctx);
    ctx.call(baseInit, [self]);
    spec.setup?.(self, a, ctx);
    return null;
  }, '__init__'));
  if (spec.forward) attrs.set('forward', bound(spec.forward, 'forward'));
  const extraRepr = spec.extraRepr;
  if (extraRepr) attrs.set('extra_repr', bound((self, _args, _kwargs, ctx) => extraRepr(self, ctx), 'extra_repr'));
  for (const [k, f] of Object.entries(spec.methods ?? {})) attrs.set(k, bound(f, k));
  return cls;
}

/** `self.name`, as the layer's forward reads it (a script may have replaced it). */
export function attr(self: PyInstance, name: string, ctx: HostContext): PyValue {
  return ctx.getattr(self, name);
}

/** `self.name` as a tensor or None. */
export function tensorAttr(self: PyInstance, name: string, ctx: HostContext): PyTensor | null {
  const v = ctx.getattr(self, name);
  if (v === null || v instanceof PyTensor) return v;
  throw pyError('TypeError', `${self.cls.name}.${name} must be a Tensor or None, not ${typeName(v)}`);
}

/** Registers a new Parameter of `shape` (zeros until initialised) as `self.name`. */
export function newParameter(rt: TorchRuntime, self: PyInstance, name: string, shape: number[], ctx: HostContext): PyTensor {
  const zeros = rt.fromValues(new Float64Array(shape.reduce((n, d) => n * d, 1)), shape, 'float32');
  const p = makeParameter(rt, zeros);
  // The Parameter shares their memory; the tensor they were made as goes now, nothing else holds it.
  zeros.collect();
  setattr(self, name, p, ctx);
  return p;
}

/** Sets a plain attribute (`self.in_features = 3`) in the instance's __dict__. */
export function setPlain(self: PyInstance, name: string, value: PyValue): void {
  self.dict.set(name, value);
}

