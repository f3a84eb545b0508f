/**
 * `torch.nn.Module`: a type the script subclasses (`class Net(nn.Module)`), whose methods are
 * native. As PyTorch's, attribute assignment registers Parameters and submodules
 * (`__setattr__`), reading them back goes through `__getattr__`, and `model(x)` calls `forward`.
 * Each instance's registries (parameters, buffers, submodules, in order) live beside it in
 * `ModuleState`; plain attributes (`training`, `in_features`) live in its `__dict__`.
 */
import {
  bindArgs,
  type HostContext,
  HostObject,
  type Kwargs,
  lendingFunction,
  type NativeFn,
  PyBuiltin,
  PyDict,
  pyError,
  PyInstance,
  PyIterator,
  PyList,
  PyTuple,
  PyType,
  type PyValue,
  hashKey,
  repr,
  typeName,
} from '../../interpreter';
import { orderedDictType } from '../../modules';
import { isDeviceLike, requireCpu } from '../device';
import { isFloating, LackingDType, TorchDType, type TorchDTypeName } from '../dtype';
import { TorchSize } from '../size';
import { PyTensor, type TorchRuntime } from '../tensor';
import { toDType } from '../tensor_ops';
import { tensorTypeArg, tensorTypeName } from '../tensor_types';
import { callWithHooks, hasHooks, MODULE_HOOK_METHODS } from './module_hooks';
import { inModuleScope, type ModuleTree } from './module_scope';

export interface ModuleState {
  readonly params: Map<string, PyTensor | null>;
  readonly buffers: Map<string, PyTensor | null>;
  readonly nonPersistent: Set<string>;
  readonly modules: Map<string, PyInstance | null>;
}

const STATES = new WeakMap<PyInstance, ModuleState>();

export function moduleState(v: PyValue): ModuleState | undefined {
  return v instanceof PyInstance ? STATES.get(v) : undefined;
}

/** What a Module holds beside its `__dict__`: its parameters, buffers and submodules (PyType.instanceContents). */
function moduleContents(self: PyInstance): PyValue[] {
  const s = STATES.get(self);
  return s === undefined ? [] : [...s.params.values(), ...s.buffers.values(), ...s.modules.values()];
}

/** The state of `self`, a Module whose `__init__` ran; PyTorch's AttributeError otherwise. */
export function stateOf(self: PyValue): ModuleState {
  const s = moduleState(self);
  if (s) return s;
  if (self instanceof PyInstance) throw pyError('AttributeError', `'${self.cls.name}' object has no attribute '_parameters'`);
  throw pyError('TypeError', `descriptor of 'Module' object needs a Module, not '${typeName(self)}'`);
}

/** A method of a native type: `self` first, then the Python call's arguments bound to `spec`. */
export function method(name: string, spec: readonly string[], body: (self: PyInstance, a: ReturnType<typeof bindArgs>, ctx: HostContext) => PyValue): PyBuiltin {
  return new PyBuiltin(name, (args, kwargs, ctx) => {
    const self = args[0];
    if (!(self instanceof PyInstance)) throw pyError('TypeError', `${name}() needs a Module instance, not '${typeName(self ?? null)}'`);
    return body(self, bindArgs(name, spec, args.slice(1), kwargs, ctx), ctx);
  });
}

function generator(items: Iterable<PyValue>): PyIterator {
  return new PyIterator('generator', items[Symbol.iterator]());
}

/** `(name, module)` for `self` and every submodule under it, each once, depth first. */
export function namedModules(self: PyInstance, prefix = '', memo = new Set<PyInstance>()): [string, PyInstance][] {
  if (memo.has(self)) return [];
  memo.add(self);
  const out: [string, PyInstance][] = [[prefix, self]];
  for (const [name, m] of stateOf(self).modules) {
    if (m === null) continue;
    out.push(...namedModules(m, prefix ? `${prefix}.${name}` : name, memo));
  }
  return out;
}

/** `(qualified name, tensor)` of each parameter (or buffer) under `self`, each tensor once. */
export function namedTensors(self: PyInstance, which: 'params' | 'buffers', prefix = '', recurse = true): [string, PyTensor][] {
  const out: [string, PyTensor][] = [];
  const seen = new Set<PyTensor>();
  const mods: [string, PyInstance][] = recurse ? namedModules(self, prefix) : [[prefix, self]];
  for (const [mp, m] of mods) {
    for (const [name, t] of stateOf(m)[which]) {
      if (t === null || seen.has(t)) continue;
      seen.add(t);
      out.push([mp ? `${mp}.${name}` : name, t]);
    }
  }
  return out;
}

const MODULE_TREE: ModuleTree = { named: (owner) => namedModules(owner), params: (m) => stateOf(m).params.entries() };

function addIndent(s: string, spaces: number): string {
  const lines = s.split('\n');
  if (lines.length === 1) return s;
  return [lines[0], ...lines.slice(1).map((l) => ' '.repeat(spaces) + l)].join('\n');
}

/** PyTorch's Module.__repr__: the class name, its extra_repr, then each child indented. */
function moduleRepr(self: PyInstance, ctx: HostContext): string {
  const extra = ctx.getattr(self, 'extra_repr');
  const extraText = ctx.call(extra, []);
  const extraLines = typeof extraText === 'string' && extraText ? extraText.split('\n') : [];
  const childLines: string[] = [];
  for (const [key, m] of stateOf(self).modules) childLines.push(`(${key}): ${addIndent(repr(m, ctx), 2)}`);
  const lines = [...extraLines, ...childLines];
  let main = `${self.cls.name}(`;
  if (lines.length) {
    if (extraLines.length === 1 && childLines.length === 0) main += extraLines[0];
    else main += `\n  ${lines.join('\n  ')}\n`;
  }
  return `${main})`;
}

/**
 * `collections.OrderedDict` of `d`'s items, as state_dict returns them: a dict (`isinstance(sd,
 * dict)`, `copy.deepcopy(sd)`, `{**sd}`) that prints as PyTorch's does.
 */
function orderedDict(d: PyDict): PyDict {
  d.subclass = orderedDictType;
  d.dict = new Map();
  return d;
}

/** What load_state_dict returns: `<All keys matched successfully>` when nothing was missing. */
class IncompatibleKeys extends HostObject {
  private static readonly type = new PyType('_IncompatibleKeys', { module: 'torch.nn.modules.module' });

  constructor(
    readonly missing: string[],
    readonly unexpected: string[],
  ) {
    super();
  }

  get pyType(): PyType {
    return IncompatibleKeys.type;
  }

  override getattr(name: string): PyValue | undefined {
    if (name === 'missing_keys') return new PyList(this.missing);
    if (name === 'unexpected_keys') return new PyList(this.unexpected);
    return undefined;
  }

  override repr(): string {
    if (!this.missing.length && !this.unexpected.length) return '<All keys matched successfully>';
    const list = (xs: string[]) => `[${xs.map((x) => `'${x}'`).join(', ')}]`;
    return `_IncompatibleKeys(missing_keys=${list(this.missing)}, unexpected_keys=${list(this.unexpected)})`;
  }
}

/** Writes `value` into `target` without recording it, as `with torch.no_grad(): p.copy_(v)`. */
export function assignNoGrad(target: PyTensor, value: PyTensor): void {
  const rt = target.rt;
  rt.run(() => rt.engine.withGradMode(false, () => rt.engine.inPlace(target.t, (old) => rt.ops.broadcastTo(rt.convert(value.t.detach(), target.dtype), old.shape))));
}

/** Writes `values` (row-major, `target`'s shape) into `target` without recording it, as nn.init's fills do; the tensor they came in is freed after. */
export function assignValues(target: PyTensor, values: ArrayLike<number>): void {
  const source = target.rt.fromValues(values, [...target.shape], target.dtype);
  assignNoGrad(target, source);
  source.collect();
}

/** A new Parameter over `t`'s values, a leaf that requires grad (unless told otherwise). */
export function makeParameter(rt: TorchRuntime, t: PyTensor, requiresGrad = true): PyTensor {
  return rt.run(() => {
    // It shares t's memory, as PyTorch's does.
    const p = rt.wrap(t.t.detach(), t.dtype);
    p.isParameter = true;
    if (requiresGrad) p.t.requiresGrad_(true);
    return p;
  });
}

function isModule(v: PyValue, moduleType: PyType): v is PyInstance {
  return v instanceof PyInstance && v.cls.isSubtypeOf(moduleType);
}

/** `torch.typename(v)`, as PyTorch's messages name what was assigned. */
function assignedTypeName(v: PyValue): string {
  if (v instanceof PyTensor) return v.isParameter ? 'torch.nn.parameter.Parameter' : tensorTypeName(v.dtype);
  return typeName(v);
}

/** The Module type of one run, with `parameterType` the run's Parameter type. */
export function moduleType(rt: TorchRuntime): PyType {
  const attrs = new Map<string, PyValue>();
  const Module = new PyType('Module', { module: 'torch.nn.modules.module', attrs });
  Module.construct = (args, kwargs, ctx) => instantiate(Module, args, kwargs, ctx);
  Module.instanceContents = moduleContents;
  // copy.deepcopy(model), as PyTorch's copies `_parameters`, `_buffers` and `_modules` with the `__dict__`.
  Module.deepCopyContents = (source, twin, copy) => {
    const s = STATES.get(source);
    if (s === undefined) return;
    const copied = <T extends PyValue>(m: Map<string, T | null>) => new Map([...m].map(([k, v]): [string, T | null] => [k, v === null ? null : (copy(v) as T)]));
    STATES.set(twin, { params: copied(s.params), buffers: copied(s.buffers), nonPersistent: new Set(s.nonPersistent), modules: copied(s.modules) });
  };

  const registerParameter = (self: PyInstance, name: string, value: PyValue) => {
    const s = moduleState(self);
    if (!s) throw pyError('AttributeError', 'cannot assign parameter before Module.__init__() call');
    if (name.includes('.')) throw pyError('KeyError', `parameter name can't contain "."`);
    if (name === '') throw pyError('KeyError', `parameter name can't be empty string ""`);
    if (value !== null && !(value instanceof PyTensor && value.isParameter)) {
      throw pyError('TypeError', `cannot assign '${assignedTypeName(value)}' object to parameter '${name}' (torch.nn.Parameter or None required)`);
    }
    if (value instanceof PyTensor && !value.t.isLeaf) {
      throw pyError('ValueError', `Cannot assign non-leaf Tensor to parameter '${name}'. Model parameters must be created explicitly. To express '${name}' as a function of another Tensor, compute the value in the forward() method.`);
    }
    self.dict.delete(name);
    s.buffers.delete(name);
    s.modules.delete(name);
    s.params.set(name, value as PyTensor | null);
  };

  const setattr: NativeFn = (args) => {
    const [self, nameV, value] = args;
    if (!(self instanceof PyInstance) || typeof nameV !== 'string' || value === undefined) throw pyError('TypeError', '__setattr__ expected (self, name, value)');
    const name = nameV;
    const s = moduleState(self);
    if (value instanceof PyTensor && value.isParameter) return registerParameter(self, name, value), null;
    if (s?.params.has(name)) {
      if (value !== null) throw pyError('TypeError', `cannot assign '${assignedTypeName(value)}' as parameter '${name}' (torch.nn.Parameter or None expected)`);
      s.params.set(name, null);
      return null;
    }
    if (isModule(value, Module)) {
      if (!s) throw pyError('AttributeError', 'cannot assign module before Module.__init__() call');
      self.dict.delete(name);
      s.params.delete(name);
      s.buffers.delete(name);
      s.modules.set(name, value);
      return null;
    }
    if (s?.modules.has(name)) {
      if (value !== null) throw pyError('TypeError', `cannot assign '${assignedTypeName(value)}' as child module '${name}' (torch.nn.Module or None expected)`);
      s.modules.set(name, null);
      return null;
    }
    if (s?.buffers.has(name)) {
      if (value !== null && !(value instanceof PyTensor)) throw pyError('TypeError', `cannot assign '${assignedTypeName(value)}' as buffer '${name}' (torch.Tensor or None expected)`);
      s.buffers.set(name, value);
      return null;
    }
    self.dict.set(name, value);
    return null;
  };

  const getattr: NativeFn = (args) => {
    const [self, name] = args;
    const s = moduleState(self);
    if (s && typeof name === 'string') {
      for (const table of [s.params, s.buffers, s.modules] as const) {
        const v = table.get(name);
        if (v !== undefined) return v;
      }
    }
    throw pyError('AttributeError', `'${typeName(self)}' object has no attribute '${String(name)}'`);
  };

  /**
   * Module._apply: each submodule first, then each parameter converted in place (`param.data =
   * fn(param)`, so an optimizer built before `model.double()` keeps stepping the same Parameter
   * objects), its .grad with it, and each buffer replaced by fn(buffer), a new tensor when its
   * dtype changes. `target` is the dtype fn gives a tensor.
   */
  const applyDType = (self: PyInstance, target: (t: PyTensor) => TorchDTypeName, memo = new Set<PyInstance>()): PyInstance => {
    if (memo.has(self)) return self;
    memo.add(self);
    for (const [, child] of uniqueChildren(self)) applyDType(child, target, memo);
    const s = stateOf(self);
    for (const p of s.params.values()) if (p !== null) convertParameter(p, target(p));
    for (const [name, b] of s.buffers) {
      if (b === null) continue;
      const converted = toDType(b, target(b));
      // An UninitializedBuffer converts to one (its __torch_function__ keeps the subclass): a lazy module materializes it in the new dtype.
      converted.uninitialized = b.uninitialized;
      s.buffers.set(name, converted);
    }
    return self;
  };

  const convertParameter = (p: PyTensor, dtype: TorchDTypeName): void => {
    if (p.dtype === dtype) return;
    const noGrad = <R>(fn: () => R): R => rt.run(() => rt.engine.withGradMode(false, fn));
    const data = noGrad(() => rt.convert(p.t.detach(), dtype));
    p.setData(data, dtype);
    const grad = p.t.grad;
    if (grad === null || grad.dtype === data.dtype) return;
    // `param.grad.data = fn(param.grad)`: a name that holds the gradient (`g = p.grad`) sees it converted.
    const converted = noGrad(() => rt.convert(grad.detach(), dtype));
    rt.engine.disown(converted);
    const held = grad.frontendObject;
    if (held instanceof PyTensor && grad.isLeaf) held.setData(converted, dtype);
    p.t.grad = converted;
    // The old gradient goes with the run's scope (a name may still hold it when it had a history).
    rt.engine.adopt(grad);
  };

  const floatingTo = (dtype: TorchDTypeName) => (t: PyTensor) => (isFloating(t.dtype) ? dtype : t.dtype);


  const entries: Record<string, PyValue> = {
    __init__: method('__init__', ['*args', '**kwargs'], (self, a) => {
      if (a.rest.length || a.extraKwargs.size) {
        throw pyError('TypeError', `Module.__init__() takes 1 positional argument but ${a.rest.length + 1} were given`);
      }
      if (!STATES.has(self)) STATES.set(self, { params: new Map(), buffers: new Map(), nonPersistent: new Set(), modules: new Map() });
      self.dict.set('training', true);
      return null;
    }),
    __setattr__: new PyBuiltin('__setattr__', setattr),
    __getattr__: new PyBuiltin('__getattr__', getattr),
    __delattr__: new PyBuiltin('__delattr__', ([self, name]) => {
      const s = moduleState(self);
      if (s && typeof name === 'string') {
        if (s.params.delete(name) || s.modules.delete(name)) return null;
        if (s.buffers.delete(name)) return s.nonPersistent.delete(name), null;
      }
      if (self instanceof PyInstance && typeof name === 'string' && self.dict.delete(name)) return null;
      throw pyError('AttributeError', `'${typeName(self)}' object has no attribute '${String(name)}'`);
    }),
    __call__: lendingFunction('__call__', (args, kwargs, ctx) => {
      const self = args[0];
      const forward = (input: PyValue[]) => ctx.call(ctx.getattr(self, 'forward'), input, kwargs);
      const call = () => (self instanceof PyInstance && hasHooks(self) ? callWithHooks(rt, self, args.slice(1), ctx, forward) : forward(args.slice(1)));
      return self instanceof PyInstance && STATES.has(self) ? inModuleScope(rt, MODULE_TREE, self, ctx, call) : call();
    }),
    forward: method('forward', ['*input', '**kwargs'], (self) => {
      throw pyError('NotImplementedError', `Module [${self.cls.name}] is missing the required "forward" function`);
    }),
    __repr__: method('__repr__', [], (self, _a, ctx) => moduleRepr(self, ctx)),
    extra_repr: method('extra_repr', [], () => ''),
    _get_name: method('_get_name', [], (self) => self.cls.name),
    register_parameter: method('register_parameter', ['name', 'param'], (self, a) => {
      registerParameter(self, a.str('name'), a.required('param'));
      return null;
    }),
    register_buffer: method('register_buffer', ['name', 'tensor', 'persistent?'], (self, a) => {
      const s = stateOf(self);
      const name = a.str('name');
      const t = a.required('tensor');
      if (t !== null && !(t instanceof PyTensor)) throw pyError('TypeError', `cannot assign '${typeName(t)}' object to buffer '${name}' (torch Tensor or None required)`);
      if (name.includes('.')) throw pyError('KeyError', `buffer name can't contain "."`);
      self.dict.delete(name);
      s.buffers.set(name, t);
      if (a.bool('persistent', true)) s.nonPersistent.delete(name);
      else s.nonPersistent.add(name);
      return null;
    }),
    add_module: method('add_module', ['name', 'module'], (self, a) => addModule(self, a.str('name'), a.required('module'), Module)),
    register_module: method('register_module', ['name', 'module'], (self, a) => addModule(self, a.str('name'), a.required('module'), Module)),
    parameters: method('parameters', ['recurse?'], (self, a) => generator(namedTensors(self, 'params', '', a.bool('recurse', true)).map(([, t]) => t))),
    named_parameters: method('named_parameters', ['prefix?', 'recurse?'], (self, a) =>
      generator(namedTensors(self, 'params', a.str('prefix', ''), a.bool('recurse', true)).map(([n, t]) => new PyTuple([n, t]))),
    ),
    buffers: method('buffers', ['recurse?'], (self, a) => generator(namedTensors(self, 'buffers', '', a.bool('recurse', true)).map(([, t]) => t))),
    named_buffers: method('named_buffers', ['prefix?', 'recurse?'], (self, a) =>
      generator(namedTensors(self, 'buffers', a.str('prefix', ''), a.bool('recurse', true)).map(([n, t]) => new PyTuple([n, t]))),
    ),
    children: method('children', [], (self) => generator(uniqueChildren(self).map(([, m]) => m))),
    named_children: method('named_children', [], (self) => generator(uniqueChildren(self).map(([n, m]) => new PyTuple([n, m])))),
    modules: method('modules', [], (self) => generator(namedModules(self).map(([, m]) => m))),
    named_modules: method('named_modules', ['memo?', 'prefix?', 'remove_duplicate?'], (self, a) =>
      generator(namedModules(self, a.str('prefix', '')).map(([n, m]) => new PyTuple([n, m]))),
    ),
    state_dict: method('state_dict', ['*args', 'destination?', 'prefix?', 'keep_vars?'], (self, a) => {
      const d = new PyDict();
      const keep = a.bool('keep_vars', false);
      for (const [mp, m] of namedModules(self, a.str('prefix', ''))) {
        const s = stateOf(m);
        const add = (name: string, t: PyTensor) => {
          const key = mp ? `${mp}.${name}` : name;
          // LazyModuleMixin._save_to_state_dict: an uninitialized one as it is.
          d.setByKey(hashKey(key)!, key, keep || t.uninitialized !== null ? t : rt.run(() => rt.wrap(t.t.detach(), t.dtype)));
        };
        for (const [name, p] of s.params) if (p) add(name, p);
        for (const [name, b] of s.buffers) if (b && !s.nonPersistent.has(name)) add(name, b);
      }
      return orderedDict(d);
    }),
    load_state_dict: method('load_state_dict', ['state_dict', 'strict?'], (self, a) => loadStateDict(self, a.required('state_dict'), a.bool('strict', true))),
    train: method('train', ['mode?'], (self, a, ctx) => {
      const mode = a.get('mode') ?? true;
      if (typeof mode !== 'boolean') throw pyError('ValueError', 'training mode is expected to be boolean');
      for (const [, m] of namedModules(self)) ctx.call(ctx.getattr(m, '__setattr__'), ['training', mode]);
      return self;
    }),
    eval: method('eval', [], (self, _a, ctx) => {
      for (const [, m] of namedModules(self)) ctx.call(ctx.getattr(m, '__setattr__'), ['training', false]);
      return self;
    }),
    zero_grad: method('zero_grad', ['set_to_none?'], (self, a) => {
      zeroGrads(namedTensors(self, 'params').map(([, p]) => p), a.bool('set_to_none', false));
      return null;
    }),
    requires_grad_: method('requires_grad_', ['requires_grad?'], (self, a) => {
      const on = a.bool('requires_grad', true);
      for (const [, p] of namedTensors(self, 'params')) rt.run(() => p.t.requiresGrad_(on));
      return self;
    }),
    apply: method('apply', ['fn'], (self, a, ctx) => {
      const fn = a.required('fn');
      const visit = (m: PyInstance) => {
        for (const [, child] of uniqueChildren(m)) visit(child);
        ctx.call(fn, [m]);
      };
      visit(self);
      return self;
    }),
    to: method('to', ['*args', '**kwargs'], (self, a) => {
      let dtype: TorchDTypeName | null = null;
      for (const v of [...a.rest, ...a.extraKwargs.values()]) {
        if (v instanceof PyTensor) dtype = v.dtype;
        else if (v instanceof TorchDType) dtype = v.name;
        else if (v instanceof LackingDType) throw v.refusal();
        else if (isDeviceLike(v)) requireCpu(v);
      }
      if (dtype === null) return self;
      if (!isFloating(dtype)) throw pyError('TypeError', `nn.Module.to only accepts floating point or complex dtypes, but got desired dtype=torch.${dtype}`);
      return applyDType(self, floatingTo(dtype));
    }),
    double: method('double', [], (self) => applyDType(self, floatingTo('float64'))),
    float: method('float', [], (self) => applyDType(self, floatingTo('float32'))),
    half: method('half', [], () => {
      throw pyError('NotImplementedError', 'Module.half() is not supported by Gradlens: it has no float16 tensors; keep the model in float32, or use .double()');
    }),
    bfloat16: method('bfloat16', [], () => {
      throw pyError('NotImplementedError', 'Module.bfloat16() is not supported by Gradlens: it has no bfloat16 tensors; keep the model in float32, or use .double()');
    }),
    cpu: method('cpu', [], (self) => self),
    cuda: method('cuda', ['device?'], (self, a) => {
      requireCpu(a.get('device') ?? 'cuda');
      return self;
    }),
    // Every tensor, integer buffers too, as `t.type(dst_type)` converts it.
    type: method('type', ['dst_type'], (self, a) => {
      const dtype = tensorTypeArg(a.required('dst_type'));
      return applyDType(self, () => dtype);
    }),
    get_parameter: method('get_parameter', ['target'], (self, a) => lookupTensor(self, a.str('target'), 'params')),
    get_submodule: method('get_submodule', ['target'], (self, a) => {
      let m: PyInstance = self;
      for (const part of a.str('target').split('.').filter(Boolean)) {
        const next = stateOf(m).modules.get(part);
        if (!next) throw pyError('AttributeError', `${m.cls.name} has no attribute \`${part}\``);
        m = next;
      }
      return m;
    }),
    __dir__: method('__dir__', [], (self) => {
      const s = stateOf(self);
      const names = new Set<string>([...self.dict.keys(), ...s.params.keys(), ...s.buffers.keys(), ...s.modules.keys()]);
      for (const t of self.cls.mro) for (const k of t.attrs.keys()) names.add(k);
      return new PyList([...names].sort());
    }),
  };
  for (const [k, v] of Object.entries({ ...entries, ...MODULE_HOOK_METHODS })) attrs.set(k, v);
  return Module;
}

function uniqueChildren(self: PyInstance): [string, PyInstance][] {
  const seen = new Set<PyInstance>();
  const out: [string, PyInstance][] = [];
  for (const [n, m] of stateOf(self).modules) {
    if (m === null || seen.has(m)) continue;
    seen.add(m);
    out.push([n, m]);
  }
  return out;
}

function addModule(self: PyInstance, name: string, module: PyValue, Module: PyType): null {
  if (module !== null && !isModule(module, Module)) throw pyError('TypeError', `${typeName(module)} is not a Module subclass`);
  if (name.includes('.')) throw pyError('KeyError', `module name can't contain ".", got: ${name}`);
  if (name === '') throw pyError('KeyError', `module name can't be empty string ""`);
  stateOf(self).modules.set(name, module as PyInstance | null);
  return null;
}

function lookupTensor(self: PyInstance, target: string, which: 'params' | 'buffers'): PyValue {
  const parts = target.split('.');
  const last = parts.pop()!;
  let m = self;
  for (const part of parts) {
    const next = stateOf(m).modules.get(part);
    if (!next) throw pyError('AttributeError', `${m.cls.name} has no attribute \`${part}\``);
    m = next;
  }
  const t = stateOf(m)[which].get(last);
  if (t === undefined) throw pyError('AttributeError', `${m.cls.name} has no attribute \`${last}\``);
  return t;
}

/** PyTorch 1.13's zero_grad: `set_to_none=False` zeroes each gradient in place (detached first). */
export function zeroGrads(params: readonly PyTensor[], setToNone: boolean): void {
  for (const p of params) {
    const g = p.t.grad;
    if (!g) continue;
    const rt = p.rt;
    if (setToNone) {
      // Freed now where nothing else reaches it, as `p.grad = None` frees it.
      p.t.grad = null;
      rt.letGoOfGrad(g);
      continue;
    }
    rt.run(() => {
      const zeros = rt.engine.withGradMode(false, () => rt.ops.full(g.shape, 0, g.dtype));
      if (g.gradFn) {
        // A gradient with a history (create_graph=True) is replaced by a detached one.
        p.t.grad = zeros;
        rt.engine.disown(zeros);
        rt.engine.adopt(g);
      } else rt.engine.inPlace(g, () => zeros);
    });
  }
}

function loadStateDict(self: PyInstance, sd: PyValue, strict: boolean): PyValue {
  const source = new Map<string, PyValue>();
  if (!(sd instanceof PyDict)) throw pyError('TypeError', `Expected state_dict to be dict-like, got ${typeName(sd)}.`);
  for (const [k, v] of sd.entries()) if (typeof k === 'string') source.set(k, v);
  const errors: string[] = [];
  const missing: string[] = [];
  const used = new Set<string>();
  for (const [mp, m] of namedModules(self)) {
    const s = stateOf(m);
    const own: [string, PyTensor | null][] = [...s.params, ...[...s.buffers].filter(([n]) => !s.nonPersistent.has(n))];
    for (const [name, t] of own) {
      if (t === null) continue;
      const key = mp ? `${mp}.${name}` : name;
      const v = source.get(key);
      if (v === undefined) {
        missing.push(key);
        continue;
      }
      used.add(key);
      if (!(v instanceof PyTensor)) {
        errors.push(`While copying the parameter named "${key}", expected torch.Tensor or Tensor-like object from checkpoint but received ${typeName(v)}`);
        continue;
      }
      // LazyModuleMixin._lazy_load_hook: an uninitialized one takes the checkpoint's shape; two uninitialized ones have nothing to copy.
      if (t.uninitialized !== null) {
        if (v.uninitialized !== null) continue;
        t.materialize(v.shape);
      }
      if (v.shape.join() !== t.shape.join()) {
        errors.push(`size mismatch for ${key}: copying a param with shape ${new TorchSize(v.shape).repr()} from checkpoint, the shape in current model is ${new TorchSize(t.shape).repr()}.`);
        continue;
      }
      assignNoGrad(t, v);
    }
  }
  const unexpected = [...source.keys()].filter((k) => !used.has(k));
  if (strict) {
    if (unexpected.length) errors.unshift(`Unexpected key(s) in state_dict: ${unexpected.map((k) => `"${k}"`).join(', ')}. `);
    if (missing.length) errors.unshift(`Missing key(s) in state_dict: ${missing.map((k) => `"${k}"`).join(', ')}. `);
  }
  if (errors.length) throw pyError('RuntimeError', `Error(s) in loading state_dict for ${self.cls.name}:\n\t${errors.join('\n\t')}`);
  return new IncompatibleKeys(missing, unexpected);
}

/** Instantiates a native Module type (`nn.Linear(2, 3)`) as a class statement's type is. */
export function instantiate(cls: PyType, args: PyValue[], kwargs: Kwargs, ctx: HostContext): PyInstance {
  const inst = new PyInstance(cls);
  ctx.madeInstance(inst);
  const init = cls.lookup('__init__');
  if (init !== undefined) ctx.call(init, [inst, ...args], kwargs);
  return inst;
}

export function isModuleOf(v: PyValue, Module: PyType): v is PyInstance {
  return isModule(v, Module);
}
