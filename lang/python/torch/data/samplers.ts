/**
 * `torch.utils.data`'s samplers and ConcatDataset, as PyTorch 1.13 has them: Sampler (a base the
 * script subclasses), SequentialSampler, RandomSampler (a fresh generator seeded from the global
 * one at each epoch unless `generator=`; draws in chunks of 32 with replacement), SubsetRandomSampler
 * (randperm of its indices from `generator=` or the global one), WeightedRandomSampler (one
 * torch.multinomial over float64 weights) and BatchSampler. Each draws when its iteration starts,
 * as PyTorch's generator functions do, so the script's later random numbers stay PyTorch's.
 */
import { TorchGenerator, torchMultinomialDraws, torchMultinomialFrom, torchRandint, torchRandomInt64, torchRandperm } from '../../../../runtime/core';
import {
  bindArgs,
  type HostContext,
  PyBuiltin,
  pyError,
  PyInstance,
  PyIterator,
  PyList,
  PyType,
  type PyValue,
  iterate,
  len,
  toFloat,
  toIndex,
  typeName,
} from '../../interpreter';
import { PyGenerator } from '../random';
import { PyTensor, type TorchRuntime } from '../tensor';

type NativeMethod = (self: PyInstance, args: PyValue[], kwargs: Map<string, PyValue>, ctx: HostContext) => PyValue;

/** A native class of `torch.utils.data`: `methods` take `self` first; calling it runs `__init__`. */
export function dataType(name: string, module: string, base: PyType | null, methods: Record<string, NativeMethod>): PyType {
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
export function generatorArg(rt: TorchRuntime, v: PyValue | undefined): TorchGenerator {
  if (v === undefined || v === null) return rt.rng;
  if (v instanceof PyGenerator) return v.g;
  throw pyError('TypeError', `generator must be a torch.Generator, not ${typeName(v)}`);
}

/** A Python iterator over `items()`, which runs (and draws) at the first `next`, as a generator function's body does. */
function iteratorOf(items: () => Iterable<PyValue>): PyIterator {
  return new PyIterator('generator', (function* () {
    yield* items();
  })());
}

/**
 * RandomSampler's indices for one epoch (torch/utils/data/sampler.py), drawn as they are reached:
 * without replacement the last `randperm(n)[:num_samples % n]` is drawn when the epoch runs to its end.
 */
function* randomIndices(n: number, numSamples: number, replacement: boolean, g: TorchGenerator): Generator<number> {
  if (replacement) {
    for (let i = 0; i < Math.floor(numSamples / 32); i++) yield* torchRandint(g, 32, 0n, BigInt(n)).map(Number);
    yield* torchRandint(g, numSamples % 32, 0n, BigInt(n)).map(Number);
    return;
  }
  for (let i = 0; i < Math.floor(numSamples / n); i++) yield* torchRandperm(g, n);
  yield* Array.from(torchRandperm(g, n)).slice(0, numSamples % n);
}

export function samplerTypes(rt: TorchRuntime): Record<string, PyType> {
  const ints = function* (xs: Iterable<number>): Generator<bigint> {
    for (const i of xs) yield BigInt(i);
  };
  const Sampler = dataType('Sampler', 'torch.utils.data.sampler', null, {
    __init__: () => null,
    __iter__() {
      throw pyError('NotImplementedError', 'Subclasses of Sampler should implement __iter__.');
    },
  });
  const SequentialSampler = dataType('SequentialSampler', 'torch.utils.data.sampler', Sampler, {
    __init__(self, [dataSource]) {
      self.dict.set('data_source', dataSource ?? null);
      return null;
    },
    __iter__: (self, _a, _kw, ctx) => iteratorOf(() => ints(Array.from({ length: len(self.dict.get('data_source') ?? null, ctx) }, (_, i) => i))),
    __len__: (self, _a, _kw, ctx) => BigInt(len(self.dict.get('data_source') ?? null, ctx)),
  });
  const numSamplesOf = (self: PyInstance, ctx: HostContext): number => {
    const given = self.dict.get('_num_samples') ?? null;
    return given === null ? len(self.dict.get('data_source') ?? null, ctx) : Number(toIndex(given, ctx));
  };
  const RandomSampler = dataType('RandomSampler', 'torch.utils.data.sampler', Sampler, {
    __init__(self, args, kwargs, ctx) {
      const a = bindArgs('RandomSampler', ['data_source', 'replacement?', 'num_samples?', 'generator?'], args, kwargs, ctx);
      const replacement = a.get('replacement') ?? false;
      if (typeof replacement !== 'boolean') throw pyError('TypeError', `replacement should be a boolean value, but got replacement=${ctx.repr(replacement)}`);
      self.dict.set('data_source', a.required('data_source'));
      self.dict.set('replacement', replacement);
      self.dict.set('_num_samples', a.get('num_samples') ?? null);
      self.dict.set('generator', a.get('generator') ?? null);
      const n = numSamplesOf(self, ctx);
      if (n <= 0) throw pyError('ValueError', `num_samples should be a positive integer value, but got num_samples=${n}`);
      return null;
    },
    num_samples: (self, _a, _kw, ctx) => BigInt(numSamplesOf(self, ctx)),
    __iter__: (self, _a, _kw, ctx) => iteratorOf(() => {
      const n = len(self.dict.get('data_source') ?? null, ctx);
      const given = self.dict.get('generator') ?? null;
      // Without generator=, each epoch seeds a fresh generator from the global one.
      const g = given === null ? new TorchGenerator(torchRandomInt64(rt.rng)) : generatorArg(rt, given);
      return ints(randomIndices(n, numSamplesOf(self, ctx), self.dict.get('replacement') === true, g));
    }),
    __len__: (self, _a, _kw, ctx) => BigInt(numSamplesOf(self, ctx)),
  });
  const SubsetRandomSampler = dataType('SubsetRandomSampler', 'torch.utils.data.sampler', Sampler, {
    __init__(self, args, kwargs, ctx) {
      const a = bindArgs('SubsetRandomSampler', ['indices', 'generator?'], args, kwargs, ctx);
      self.dict.set('indices', a.required('indices'));
      self.dict.set('generator', a.get('generator') ?? null);
      return null;
    },
    __iter__: (self, _a, _kw, ctx) => iteratorOf(() => {
      const indices = self.dict.get('indices') ?? null;
      const order = torchRandperm(generatorArg(rt, self.dict.get('generator') ?? null), len(indices, ctx));
      return Array.from(order, (i) => ctx.getitem(indices, BigInt(i)));
    }),
    __len__: (self, _a, _kw, ctx) => BigInt(len(self.dict.get('indices') ?? null, ctx)),
  });
  const WeightedRandomSampler = dataType('WeightedRandomSampler', 'torch.utils.data.sampler', Sampler, {
    __init__(self, args, kwargs, ctx) {
      const a = bindArgs('WeightedRandomSampler', ['weights', 'num_samples', 'replacement?', 'generator?'], args, kwargs, ctx);
      const k = a.required('num_samples');
      if (typeof k !== 'bigint' || k <= 0n) throw pyError('ValueError', `num_samples should be a positive integer value, but got num_samples=${ctx.repr(k)}`);
      const replacement = a.get('replacement') ?? true;
      if (typeof replacement !== 'boolean') throw pyError('ValueError', `replacement should be a boolean value, but got replacement=${ctx.repr(replacement)}`);
      const given = a.required('weights');
      const weights = given instanceof PyTensor ? given.values() : [...iterate(given, ctx)].map((w) => toFloat(w, ctx));
      if (weights.length === 0 || weights.some((w) => !Number.isFinite(w) || w < 0)) throw pyError('RuntimeError', 'probability tensor contains either `inf`, `nan` or element < 0');
      if (weights.every((w) => w === 0)) throw pyError('RuntimeError', 'invalid multinomial distribution (sum of probabilities <= 0)');
      if (!replacement && Number(k) > weights.length) throw pyError('RuntimeError', 'cannot sample n_sample > prob_dist.size(-1) samples without replacement');
      self.dict.set('weights', rt.fromValues(weights, [weights.length], 'float64'));
      self.dict.set('num_samples', k);
      self.dict.set('replacement', replacement);
      self.dict.set('generator', a.get('generator') ?? null);
      return null;
    },
    __iter__: (self) => iteratorOf(() => {
      const w = (self.dict.get('weights') as PyTensor).values();
      const k = Number(self.dict.get('num_samples') as bigint);
      const replacement = self.dict.get('replacement') === true;
      const g = generatorArg(rt, self.dict.get('generator') ?? null);
      // torch.multinomial(weights, num_samples, replacement) over the float64 weights.
      return ints(torchMultinomialFrom(torchMultinomialDraws(g, 1, w.length, k, replacement, 'float64'), w, 1, w.length, k, replacement, 'float64'));
    }),
    __len__: (self) => self.dict.get('num_samples') ?? 0n,
  });
  const BatchSampler = dataType('BatchSampler', 'torch.utils.data.sampler', Sampler, {
    __init__(self, args, kwargs, ctx) {
      const a = bindArgs('BatchSampler', ['sampler', 'batch_size', 'drop_last'], args, kwargs, ctx);
      const size = a.required('batch_size');
      if (typeof size !== 'bigint' || size <= 0n) throw pyError('ValueError', `batch_size should be a positive integer value, but got batch_size=${ctx.repr(size)}`);
      const dropLast = a.required('drop_last');
      if (typeof dropLast !== 'boolean') throw pyError('ValueError', `drop_last should be a boolean value, but got drop_last=${ctx.repr(dropLast)}`);
      self.dict.set('sampler', a.required('sampler'));
      self.dict.set('batch_size', size);
      self.dict.set('drop_last', dropLast);
      return null;
    },
    __iter__: (self, _a, _kw, ctx) => iteratorOf(function* (): Generator<PyValue> {
      const size = Number(self.dict.get('batch_size') as bigint);
      let batch: PyValue[] = [];
      for (const i of iterate(self.dict.get('sampler') ?? null, ctx)) {
        batch.push(i);
        if (batch.length === size) {
          yield new PyList(batch);
          batch = [];
        }
      }
      if (batch.length > 0 && self.dict.get('drop_last') !== true) yield new PyList(batch);
    }),
    __len__: (self, _a, _kw, ctx) => {
      const n = len(self.dict.get('sampler') ?? null, ctx);
      const size = Number(self.dict.get('batch_size') as bigint);
      return BigInt(self.dict.get('drop_last') === true ? Math.floor(n / size) : Math.ceil(n / size));
    },
  });
  return { Sampler, SequentialSampler, RandomSampler, SubsetRandomSampler, WeightedRandomSampler, BatchSampler };
}

export const SAMPLER_NAMES = ['Sampler', 'SequentialSampler', 'RandomSampler', 'SubsetRandomSampler', 'WeightedRandomSampler', 'BatchSampler'];
