/**
 * `torch.utils.data`: Dataset (a base the script subclasses), TensorDataset, Subset,
 * random_split and DataLoader, as PyTorch 1.13 has them: batches collated by `default_collate`
 * (a tuple sample becomes a list of stacked tensors), a shuffling loader's order drawn as its
 * RandomSampler draws it (a fresh generator seeded from the global one, or `generator=`), and the
 * base seed every epoch draws first, so the script's later random numbers stay PyTorch's.
 */
import { torchRandomInt64 } from '../../../../runtime/core';
import {
  type Args,
  bindArgs,
  type HostContext,
  HostObject,
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
  truthy,
  typeName,
} from '../../interpreter';
import { tensorFromData } from '../creation';
import { permutation } from '../nn/draws';
import { dataType, generatorArg, SAMPLER_NAMES, samplerTypes } from './samplers';
import { PyTensor, type TorchRuntime } from '../tensor';
import * as T from '../tensor_ops';

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

/** A DataLoader's options, as its constructor took them, with the samplers it made. */
interface LoaderOptions {
  readonly dataset: PyValue;
  readonly batchSize: number | null;
  readonly dropLast: boolean;
  readonly collateFn: PyValue | null;
  readonly generator: PyValue | undefined;
  /** The sampler of indices: the one given, else a RandomSampler (shuffle) or a SequentialSampler. */
  readonly sampler: PyValue;
  /** The sampler of batches: the one given, else a BatchSampler over `sampler` (null without batch_size). */
  readonly batchSampler: PyValue;
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
      case 'sampler':
        return o.sampler;
      case 'batch_sampler':
        return o.batchSampler;
    }
    return undefined;
  }

  /** What the loader iterates: batches of indices, or single indices without batch_size (PyTorch's _index_sampler). */
  private get indexSampler(): PyValue {
    return this.options.batchSampler ?? this.options.sampler;
  }

  override len(ctx: HostContext): number {
    return len(this.indexSampler, ctx);
  }

  override iter(ctx: HostContext): Iterable<PyValue> {
    const rt = this.rt;
    const o = this.options;
    // _BaseDataLoaderIter draws its base seed when the epoch's iterator is made; the samplers draw as they are iterated.
    torchRandomInt64(generatorArg(rt, o.generator));
    const indices = this.indexSampler;
    return (function* () {
      for (const index of iterate(indices, ctx)) {
        if (o.batchSampler === null) {
          const sample = ctx.getitem(o.dataset, index);
          yield o.collateFn !== null ? ctx.call(o.collateFn, [sample]) : sample;
          continue;
        }
        const samples = [...iterate(index, ctx)].map((i) => ctx.getitem(o.dataset, i));
        yield o.collateFn !== null ? ctx.call(o.collateFn, [new PyList(samples)]) : collate(rt, samples, ctx);
      }
    })();
  }

  override repr(): string {
    return '<torch.utils.data.dataloader.DataLoader object>';
  }
}

export function dataAttrs(rt: TorchRuntime): Record<string, PyValue> {
  const Dataset = dataType('Dataset', 'torch.utils.data.dataset', null, {
    __getitem__() {
      throw pyError('NotImplementedError', `Subclasses of Dataset should implement __getitem__.`);
    },
  });
  const TensorDataset = dataType('TensorDataset', 'torch.utils.data.dataset', Dataset, {
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
  const Subset = dataType('Subset', 'torch.utils.data.dataset', Dataset, {
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
  const samplers = samplerTypes(rt);
  const loaderType = new PyType('DataLoader', { module: 'torch.utils.data.dataloader' });
  loaderType.construct = (args, kwargs, ctx) => {
    const a = bindArgs('DataLoader', ['dataset', 'batch_size?', 'shuffle?', 'sampler?', 'batch_sampler?', 'num_workers?', 'collate_fn?', 'pin_memory?', 'drop_last?', 'timeout?', 'worker_init_fn?', 'multiprocessing_context?', 'generator?', '*', 'prefetch_factor?', 'persistent_workers?', 'pin_memory_device?'], args, kwargs, ctx);
    return new DataLoader(rt, loaderType, loaderOptions(a, samplers, ctx));
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
  return { Dataset, TensorDataset, Subset, ConcatDataset: concatDatasetType(Dataset), DataLoader: loaderType, random_split: randomSplit, ...samplers };
}

/** PyTorch 1.13's DataLoader.__init__: the checks on its sampler options and the samplers it makes. */
function loaderOptions(a: Args, samplers: Record<string, PyType>, ctx: HostContext): LoaderOptions {
  const dataset = a.required('dataset');
  const shuffle = a.opt('shuffle') ?? null;
  const given = a.opt('sampler') ?? null;
  const givenBatches = a.opt('batch_sampler') ?? null;
  const dropLast = a.bool('drop_last', false);
  const generator = a.opt('generator');
  if (given !== null && shuffle !== null && truthy(shuffle, ctx)) throw pyError('ValueError', 'sampler option is mutually exclusive with shuffle');
  let batchSize = a.has('batch_size') && a.get('batch_size') === null ? null : a.int('batch_size', 1);
  if (givenBatches !== null) {
    if (batchSize !== 1 || (shuffle !== null && truthy(shuffle, ctx)) || given !== null || dropLast) {
      throw pyError('ValueError', 'batch_sampler option is mutually exclusive with batch_size, shuffle, sampler, and drop_last');
    }
    batchSize = null;
  } else if (batchSize === null && dropLast) {
    throw pyError('ValueError', 'batch_size=None option disables auto-batching and is mutually exclusive with drop_last');
  }
  if (batchSize !== null && batchSize <= 0) throw pyError('ValueError', `batch_size should be a positive integer value, but got batch_size=${batchSize}`);
  const sampler = given ?? (shuffle !== null && truthy(shuffle, ctx)
    ? ctx.call(samplers.RandomSampler, [dataset], new Map([['generator', generator ?? null]]))
    : ctx.call(samplers.SequentialSampler, [dataset]));
  const batchSampler = givenBatches ?? (batchSize === null ? null : ctx.call(samplers.BatchSampler, [sampler, BigInt(batchSize), dropLast]));
  return { dataset, batchSize, dropLast, collateFn: a.opt('collate_fn') ?? null, generator, sampler, batchSampler };
}

/** `ConcatDataset(datasets)`: their samples one after the other, indexed through the cumulative sizes (negative indices from the end). */
function concatDatasetType(Dataset: PyType): PyType {
  const sizes = (self: PyInstance, ctx: HostContext): number[] => {
    let total = 0;
    return [...iterate(self.dict.get('datasets') ?? null, ctx)].map((d) => (total += len(d, ctx)));
  };
  return dataType('ConcatDataset', 'torch.utils.data.dataset', Dataset, {
    __init__(self, [datasets], _kw, ctx) {
      const list = new PyList([...iterate(datasets ?? null, ctx)]);
      if (list.items.length === 0) throw pyError('AssertionError', 'datasets should not be an empty iterable');
      self.dict.set('datasets', list);
      self.dict.set('cumulative_sizes', new PyList(sizes(self, ctx).map((n) => BigInt(n))));
      return null;
    },
    __len__: (self, _a, _kw, ctx) => BigInt(sizes(self, ctx).at(-1) ?? 0),
    __getitem__(self, [index], _kw, ctx) {
      const cumulative = sizes(self, ctx);
      let i = Number(toIndex(index ?? null, ctx));
      if (i < 0) {
        if (-i > cumulative.at(-1)!) throw pyError('ValueError', 'absolute value of index should not exceed dataset length');
        i += cumulative.at(-1)!;
      }
      const which = cumulative.findIndex((c) => c > i);
      if (which < 0) throw pyError('IndexError', 'list index out of range');
      const datasets = (self.dict.get('datasets') as PyList).items;
      return ctx.getitem(datasets[which]!, BigInt(which === 0 ? i : i - cumulative[which - 1]!));
    },
  });
}

export const DATA_NAMES = ['Dataset', 'TensorDataset', 'Subset', 'ConcatDataset', 'DataLoader', 'random_split', ...SAMPLER_NAMES];
