/**
 * `torch.utils.data`: Dataset (a base the script subclasses), TensorDataset, Subset,
 * random_split and DataLoader, as PyTorch 1.13 has them: batches collated by `default_collate`
 * (a tuple sample becomes a list of stacked tensors), a shuffling loader's order drawn as its
 * RandomSampler draws it (a fresh generator seeded from the global one, or `generator=`), and the
 * base seed every epoch draws first, so the script's later random numbers stay PyTorch's.
 */
import { TorchGenerator, torchRandomInt64 } from '../../../../runtime/core';
import {
  type Args,
  bindArgs,
  type HostContext,
  HostObject,
  type Kwargs,
  PyBuiltin,
  PyDict,
  pyError,
  PyInstance,
  PyList,
  PyTuple,
  PyType,
  type PyValue,
  dictKey,
  iterate,
  len,
  toFloat,
  toIndex,
  typeName,
} from '../../interpreter';
import { tensorFromData } from '../creation';
import { permutation } from '../nn/draws';
import { PyGenerator } from '../random';
import { PyTensor, type TorchRuntime } from '../tensor';
import * as T from '../tensor_ops';

function nativeType(name: string, module: string, base: PyType | null, methods: Record<string, (self: PyInstance, a: PyValue[], kw: Kwargs, ctx: HostContext) => PyValue>): PyType {
  const attrs = new Map<string, PyValue>();
  const cls = new PyType(name, { module, attrs, ...(base ? { bases: [base] } : {}) });
  for (const [k, f] of Object.entries(methods)) {
    attrs.set(k, new PyBuiltin(k, (args, kwargs, ctx) => {
      const self = args[0];
      if (!(self instanceof PyInstance)) throw pyError('TypeError', `${name}.${k}() needs a ${name}, not '${typeName(self ?? null)}'`);
      return f(self, args.slice(1), kwargs, ctx);
    }));
  }
  cls.construct = (args, kwargs, ctx) => {
    const inst = new PyInstance(cls);
    const init = cls.lookup('__init__');
    if (init !== undefined) ctx.call(init, [inst, ...args], kwargs);
    return inst;
  };
  return cls;
}

/** The generator `generator=` names, or the run's default one. */
function generatorArg(rt: TorchRuntime, v: PyValue | undefined): TorchGenerator {
  if (v === undefined || v === null) return rt.rng;
  if (v instanceof PyGenerator) return v.g;
  throw pyError('TypeError', `generator must be a torch.Generator, not ${typeName(v)}`);
}

/** PyTorch's default_collate over one batch of samples. */
function collate(rt: TorchRuntime, batch: PyValue[], ctx: HostContext): PyValue {
  const elem = batch[0];
  if (elem instanceof PyTensor) {
    for (const b of batch) {
      if (!(b instanceof PyTensor) || b.shape.join() !== elem.shape.join()) {
        throw pyError('RuntimeError', `stack expects each tensor to be equal size, but got [${elem.shape.join(', ')}] at entry 0 and [${b instanceof PyTensor ? b.shape.join(', ') : ''}] at entry ${batch.indexOf(b)}`);
      }
    }
    return T.stack(rt, batch as PyTensor[], 0);
  }
  if (typeof elem === 'number') return tensorFromData(rt, new PyList(batch), 'float64', ctx);
  if (typeof elem === 'bigint' || typeof elem === 'boolean') return tensorFromData(rt, new PyList(batch), null, ctx);
  if (typeof elem === 'string') return new PyList(batch);
  if (elem instanceof PyDict) {
    const out = new PyDict();
    for (const k of elem.keys()) out.setByKey(dictKey(k, ctx), k, collate(rt, batch.map((d) => ctx.getitem(d, k)), ctx));
    return out;
  }
  if (elem instanceof PyTuple || elem instanceof PyList) {
    const size = elem.items.length;
    const rows = batch.map((b) => (b instanceof PyTuple || b instanceof PyList ? b.items : []));
    if (rows.some((r) => r.length !== size)) throw pyError('RuntimeError', 'each element in list of batch should be of equal size');
    const columns = Array.from({ length: size }, (_, i) => collate(rt, rows.map((r) => r[i]), ctx));
    return new PyList(columns);
  }
  throw pyError('TypeError', `default_collate: batch must contain tensors, numpy arrays, numbers, dicts or lists; found ${typeName(elem ?? null)}`);
}

/** A DataLoader's options, as its constructor took them. */
interface LoaderOptions {
  readonly dataset: PyValue;
  readonly batchSize: number | null;
  readonly shuffle: boolean;
  readonly dropLast: boolean;
  readonly collateFn: PyValue | null;
  readonly generator: PyValue | undefined;
}

class DataLoader extends HostObject {
  constructor(
    private readonly rt: TorchRuntime,
    private readonly type: PyType,
    readonly options: LoaderOptions,
  ) {
    super();
  }

  get pyType(): PyType {
    return this.type;
  }

  override getattr(name: string): PyValue | undefined {
    const o = this.options;
    switch (name) {
      case 'dataset':
        return o.dataset;
      case 'batch_size':
        return o.batchSize === null ? null : BigInt(o.batchSize);
      case 'drop_last':
        return o.dropLast;
      case 'generator':
        return o.generator ?? null;
    }
    return undefined;
  }

  override len(ctx: HostContext): number {
    const n = len(this.options.dataset, ctx);
    const b = this.options.batchSize;
    if (b === null) return n;
    return this.options.dropLast ? Math.floor(n / b) : Math.ceil(n / b);
  }

  override iter(ctx: HostContext): Iterable<PyValue> {
    const rt = this.rt;
    const o = this.options;
    const g = generatorArg(rt, o.generator);
    // _BaseDataLoaderIter draws its base seed when the epoch's iterator is made.
    torchRandomInt64(g);
    const self = this;
    return (function* () {
      const n = len(o.dataset, ctx);
      const order = self.order(g, n);
      const batches: number[][] = [];
      if (o.batchSize === null) order.forEach((i) => batches.push([i]));
      else {
        for (let i = 0; i < order.length; i += o.batchSize) {
          const b = order.slice(i, i + o.batchSize);
          if (b.length < o.batchSize && o.dropLast) break;
          batches.push(b);
        }
      }
      for (const b of batches) {
        const samples = b.map((i) => ctx.getitem(o.dataset, BigInt(i)));
        if (o.collateFn !== null) yield ctx.call(o.collateFn, [new PyList(samples)]);
        else if (o.batchSize === null) yield samples[0];
        else yield collate(rt, samples, ctx);
      }
      // RandomSampler's last `randperm(n)[:0]`, drawn when the epoch runs to its end.
      if (o.shuffle && n > 0) self.order(self.samplerGenerator ?? g, n, true);
    })();
  }

  /** The generator the current epoch's RandomSampler draws from. */
  private samplerGenerator: TorchGenerator | null = null;

  private order(g: TorchGenerator, n: number, again = false): number[] {
    if (!this.options.shuffle) return Array.from({ length: n }, (_, i) => i);
    if (again) return permutation(g, n);
    // Without generator=, RandomSampler seeds a fresh generator from the default one.
    let sampler = g;
    if (this.options.generator === undefined || this.options.generator === null) {
      sampler = new TorchGenerator(torchRandomInt64(g));
    }
    this.samplerGenerator = sampler;
    return permutation(sampler, n);
  }

  override repr(): string {
    return '<torch.utils.data.dataloader.DataLoader object>';
  }
}

export function dataAttrs(rt: TorchRuntime): Record<string, PyValue> {
  const Dataset = nativeType('Dataset', 'torch.utils.data.dataset', null, {
    __getitem__() {
      throw pyError('NotImplementedError', `Subclasses of Dataset should implement __getitem__.`);
    },
  });
  const TensorDataset = nativeType('TensorDataset', 'torch.utils.data.dataset', Dataset, {
    __init__(self, args, _kw, ctx) {
      const tensors = args.map((t) => (t instanceof PyTensor ? t : tensorFromData(rt, t, null, ctx)));
      if (tensors.some((t) => t.shape[0] !== tensors[0]?.shape[0])) throw pyError('AssertionError', 'Size mismatch between tensors');
      self.dict.set('tensors', new PyTuple(tensors));
      return null;
    },
    __getitem__(self, [index], _kw, ctx) {
      const tensors = (self.dict.get('tensors') as PyTuple).items;
      return new PyTuple(tensors.map((t) => ctx.getitem(t, index ?? null)));
    },
    __len__(self) {
      const t = (self.dict.get('tensors') as PyTuple).items[0];
      return t instanceof PyTensor ? BigInt(t.shape[0]) : 0n;
    },
  });
  const Subset = nativeType('Subset', 'torch.utils.data.dataset', Dataset, {
    __init__(self, [dataset, indices]) {
      self.dict.set('dataset', dataset ?? null);
      self.dict.set('indices', indices ?? null);
      return null;
    },
    __getitem__(self, [index], _kw, ctx) {
      const indices = self.dict.get('indices') ?? null;
      const dataset = self.dict.get('dataset') ?? null;
      if (index instanceof PyList) return new PyList(index.items.map((i) => ctx.getitem(dataset, ctx.getitem(indices, i))));
      return ctx.getitem(dataset, ctx.getitem(indices, index ?? null));
    },
    __len__: (self, _a, _kw, ctx) => BigInt(len(self.dict.get('indices') ?? null, ctx)),
  });
  const loaderType = new PyType('DataLoader', { module: 'torch.utils.data.dataloader' });
  loaderType.construct = (args, kwargs, ctx) => {
    const a = bindArgs('DataLoader', ['dataset', 'batch_size?', 'shuffle?', 'sampler?', 'batch_sampler?', 'num_workers?', 'collate_fn?', 'pin_memory?', 'drop_last?', 'timeout?', 'worker_init_fn?', 'multiprocessing_context?', 'generator?', '*', 'prefetch_factor?', 'persistent_workers?', 'pin_memory_device?'], args, kwargs, ctx);
    for (const name of ['sampler', 'batch_sampler']) {
      if (a.opt(name) !== undefined) throw pyError('NotImplementedError', `DataLoader(${name}=...) is not supported by Gradlens yet; use shuffle=True/False and batch_size`);
    }
    return new DataLoader(rt, loaderType, loaderOptions(a));
  };
  const randomSplit = new PyBuiltin('random_split', (args, kwargs, ctx) => {
    const a = bindArgs('random_split', ['dataset', 'lengths', 'generator?'], args, kwargs, ctx);
    const dataset = a.required('dataset');
    const n = len(dataset, ctx);
    const given = [...iterate(a.required('lengths'), ctx)];
    let lengths = given.map((v) => (typeof v === 'number' ? v : Number(toIndex(v, ctx))));
    const total = lengths.reduce((p, l) => p + l, 0);
    if (given.some((v) => typeof v === 'number') && Math.abs(total - 1) <= 1e-9 && total <= 1) {
      // Fractions: floor each share, then hand the remainder out round-robin.
      const fractions = given.map((v) => toFloat(v, ctx));
      lengths = fractions.map((f) => Math.floor(n * f));
      const remainder = n - lengths.reduce((p, l) => p + l, 0);
      for (let i = 0; i < remainder; i++) lengths[i % lengths.length] += 1;
    }
    if (lengths.reduce((p, l) => p + l, 0) !== n) throw pyError('ValueError', 'Sum of input lengths does not equal the length of the input dataset!');
    const perm = permutation(generatorArg(rt, a.get('generator')), n);
    const out: PyValue[] = [];
    let offset = 0;
    for (const l of lengths) {
      out.push(ctx.call(Subset, [dataset, new PyList(perm.slice(offset, offset + l).map((i) => BigInt(i)))]));
      offset += l;
    }
    return new PyList(out);
  });
  return { Dataset, TensorDataset, Subset, DataLoader: loaderType, random_split: randomSplit };
}

function loaderOptions(a: Args): LoaderOptions {
  const bs = a.has('batch_size') ? a.get('batch_size')! : 1n;
  const batchSize = bs === null ? null : a.int('batch_size', 1);
  if (batchSize !== null && batchSize <= 0) throw pyError('ValueError', `batch_size should be a positive integer value, but got batch_size=${batchSize}`);
  return {
    dataset: a.required('dataset'),
    batchSize,
    shuffle: a.bool('shuffle', false),
    dropLast: a.bool('drop_last', false),
    collateFn: a.opt('collate_fn') ?? null,
    generator: a.opt('generator'),
  };
}

export const DATA_NAMES = ['Dataset', 'TensorDataset', 'Subset', 'DataLoader', 'random_split'];
