/** `nn.Sequential`, `nn.ModuleList` and `nn.ModuleDict`: modules holding modules, indexed as PyTorch's. */
import { type HostContext, PyInstance, PyIterator, PyList, pyError, PySlice, PyTuple, type PyType, type PyValue, iterate, sliceIndices, toIndex, typeName } from '../../interpreter';
import { instantiate, isModuleOf, stateOf } from './module';
import { layerType } from './layer';

function children(self: PyInstance): PyInstance[] {
  return [...stateOf(self).modules.values()].filter((m): m is PyInstance => m !== null);
}

/** The key of the `index`-th child, negative indices from the end; PyTorch's IndexError past either end. */
function keyAt(self: PyInstance, index: PyValue, ctx: HostContext): string {
  const keys = [...stateOf(self).modules.keys()];
  const n = keys.length;
  const i = Number(toIndex(index, ctx));
  if (i < -n || i >= n) throw pyError('IndexError', `index ${i} is out of range`);
  return keys[i < 0 ? i + n : i];
}

function add(self: PyInstance, name: string, m: PyValue, Module: PyType): void {
  if (!isModuleOf(m, Module)) throw pyError('TypeError', `${typeName(m)} is not a Module subclass`);
  stateOf(self).modules.set(name, m);
}

/** The children renumbered 0..n-1 after an insertion or deletion, as ModuleList keeps them. */
function renumber(self: PyInstance, items: PyInstance[]): void {
  const mods = stateOf(self).modules;
  mods.clear();
  items.forEach((m, i) => mods.set(String(i), m));
}

export function containerTypes(Module: PyType): Record<string, PyType> {
  const Sequential: PyType = layerType(Module, 'Sequential', 'torch.nn.modules.container', {
    init: ['*args'],
    setup(self, a) {
      a.rest.forEach((m, i) => add(self, String(i), m, Module));
    },
    forward(self, args, kwargs, ctx) {
      if (args.length !== 1 || kwargs.size) throw pyError('TypeError', `forward() takes 2 positional arguments but ${args.length + kwargs.size + 1} were given`);
      let x = args[0];
      // NB: each layer's output is lent to the next, so it goes once nothing holds it, as PyTorch's loop rebinding `input` frees it.
      for (const m of children(self)) x = ctx.callLending(m, [x]);
      return x;
    },
    methods: {
      __getitem__(self, [index], _kw, ctx) {
        if (index instanceof PySlice) {
          const entries = [...stateOf(self).modules];
          const { start, stop, step } = sliceIndices(index, entries.length, ctx);
          const out = instantiate(Sequential, [], new Map(), ctx);
          for (let i = start; step > 0 ? i < stop : i > stop; i += step) stateOf(out).modules.set(entries[i][0], entries[i][1]);
          return out;
        }
        return stateOf(self).modules.get(keyAt(self, index, ctx)) ?? null;
      },
      __setitem__(self, [index, value], _kw, ctx) {
        add(self, keyAt(self, index, ctx), value, Module);
        return null;
      },
      __delitem__(self, [index], _kw, ctx) {
        stateOf(self).modules.delete(keyAt(self, index, ctx));
        return null;
      },
      __len__: (self) => BigInt(stateOf(self).modules.size),
      __iter__: (self) => new PyIterator('iterator', children(self)[Symbol.iterator]()),
      append(self, [m], _kw) {
        add(self, String(stateOf(self).modules.size), m, Module);
        return self;
      },
    },
  });

  const ModuleList: PyType = layerType(Module, 'ModuleList', 'torch.nn.modules.container', {
    init: ['modules?'],
    setup(self, a, ctx) {
      const ms = a.opt('modules');
      if (ms !== undefined) [...iterate(ms, ctx)].forEach((m, i) => add(self, String(i), m, Module));
    },
    methods: {
      __getitem__(self, [index], _kw, ctx) {
        if (index instanceof PySlice) {
          const items = children(self);
          const { start, stop, step } = sliceIndices(index, items.length, ctx);
          const picked: PyInstance[] = [];
          for (let i = start; step > 0 ? i < stop : i > stop; i += step) picked.push(items[i]);
          return instantiate(ModuleList, [new PyList(picked)], new Map(), ctx);
        }
        return stateOf(self).modules.get(keyAt(self, index, ctx)) ?? null;
      },
      __setitem__(self, [index, value], _kw, ctx) {
        add(self, keyAt(self, index, ctx), value, Module);
        return null;
      },
      __delitem__(self, [index], _kw, ctx) {
        stateOf(self).modules.delete(keyAt(self, index, ctx));
        renumber(self, children(self));
        return null;
      },
      __len__: (self) => BigInt(stateOf(self).modules.size),
      __iter__: (self) => new PyIterator('iterator', children(self)[Symbol.iterator]()),
      append(self, [m], _kw) {
        add(self, String(stateOf(self).modules.size), m, Module);
        return self;
      },
      extend(self, [ms], _kw, ctx) {
        for (const m of iterate(ms, ctx)) add(self, String(stateOf(self).modules.size), m, Module);
        return self;
      },
      insert(self, [index, m], _kw, ctx) {
        const items = children(self);
        const n = items.length;
        let i = Number(toIndex(index, ctx));
        if (i < 0) i = Math.max(0, i + n);
        if (!isModuleOf(m, Module)) throw pyError('TypeError', `${typeName(m)} is not a Module subclass`);
        items.splice(Math.min(i, n), 0, m);
        renumber(self, items);
        return null;
      },
    },
  });

  const ModuleDict: PyType = layerType(Module, 'ModuleDict', 'torch.nn.modules.container', {
    init: ['modules?'],
    setup(self, a, ctx) {
      const ms = a.opt('modules');
      if (ms !== undefined) ctx.call(ctx.getattr(self, 'update'), [ms]);
    },
    methods: {
      __getitem__: (self, [key], _kw, ctx) => {
        const m = stateOf(self).modules.get(ctx.str(key));
        if (m === undefined) throw pyError('KeyError', ctx.repr(key));
        return m;
      },
      __setitem__(self, [key, value], _kw) {
        if (typeof key !== 'string') throw pyError('TypeError', `module name should be a string. Got ${typeName(key)}`);
        add(self, key, value, Module);
        return null;
      },
      __delitem__(self, [key], _kw, ctx) {
        if (!stateOf(self).modules.delete(ctx.str(key))) throw pyError('KeyError', ctx.repr(key));
        return null;
      },
      __len__: (self) => BigInt(stateOf(self).modules.size),
      __iter__: (self) => new PyIterator('iterator', [...stateOf(self).modules.keys()][Symbol.iterator]()),
      __contains__: (self, [key]) => typeof key === 'string' && stateOf(self).modules.has(key),
      keys: (self) => new PyList([...stateOf(self).modules.keys()]),
      values: (self) => new PyList([...stateOf(self).modules.values()]),
      items: (self) => new PyList([...stateOf(self).modules].map(([k, v]) => new PyTuple([k, v]))),
      update(self, [ms], _kw, ctx) {
        const pairs = ms !== undefined && typeName(ms) === 'dict' ? ctx.call(ctx.getattr(ms, 'items'), []) : ms;
        for (const item of iterate(pairs ?? null, ctx)) {
          const [k, v] = item instanceof PyTuple || item instanceof PyList ? item.items : [];
          if (typeof k !== 'string') throw pyError('TypeError', `module name should be a string. Got ${typeName(k ?? null)}`);
          add(self, k, v, Module);
        }
        return null;
      },
      pop(self, [key], _kw, ctx) {
        const name = ctx.str(key);
        const m = stateOf(self).modules.get(name);
        if (m === undefined) throw pyError('KeyError', ctx.repr(key));
        stateOf(self).modules.delete(name);
        return m;
      },
    },
  });

  return { Sequential, ModuleList, ModuleDict };
}
