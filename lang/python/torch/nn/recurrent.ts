/**
 * nn.RNN, nn.LSTM and nn.GRU as PyTorch 1.13 runs them on the CPU (aten/src/ATen/native/RNN.cpp):
 * each layer projects the whole sequence through its input weights first, then steps in time with
 * gates = linear_hh(h) + that projection; LSTM's gates in the order i, f, g, o and GRU's r, z, n
 * (n = tanh(in + r * hn), h' = (h - n) * z + n). Parameters are PyTorch's, named and ordered as its
 * (`weight_ih_l0`, `weight_hh_l0`, `bias_ih_l0`, `bias_hh_l0`, then `_reverse`, layer by layer),
 * each drawn from U(-1/sqrt(hidden_size), 1/sqrt(hidden_size)) in that order; batch_first,
 * unbatched input, several layers with dropout between them, and both directions. A PackedSequence
 * runs as ATen's packed layers: each sequence stops at its own length (its h_n is its state there)
 * and the reverse direction starts at each sequence's own end.
 */
import { type HostContext, pyError, PyInstance, PyTuple, PyType, type PyValue, typeName } from '../../interpreter';
import { arith } from '../arith';
import { FUNCTIONS } from '../functional';
import { piece, SPLITTING_METHODS } from '../splitting';
import { PyTensor, type TorchRuntime } from '../tensor';
import * as T from '../tensor_ops';
import { fillUniform } from './draws';
import { attr, layerType, newParameter, setPlain, tensorAttr } from './layer';
import { type Packed, type PackedSequences, reorder } from './packed_sequence';

export type Mode = 'LSTM' | 'GRU' | 'RNN_TANH' | 'RNN_RELU';

export const GATES: { readonly [M in Mode]: number } = { LSTM: 4, GRU: 3, RNN_TANH: 1, RNN_RELU: 1 };

interface Config {
  readonly mode: Mode;
  readonly inputSize: number;
  readonly hiddenSize: number;
  readonly numLayers: number;
  readonly bias: boolean;
  readonly batchFirst: boolean;
  readonly dropout: number;
  readonly directions: number;
}

const configs = new WeakMap<PyInstance, Config>();

function configOf(self: PyInstance): Config {
  const c = configs.get(self);
  if (!c) throw pyError('RuntimeError', `${self.cls.name}.__init__ was not called`);
  return c;
}

export function linear(rt: TorchRuntime, x: PyTensor, w: PyTensor, b: PyTensor | null, ctx: HostContext): PyTensor {
  return FUNCTIONS.linear(rt, [x, w, b], new Map(), ctx) as PyTensor;
}

function chunks(x: PyTensor, n: number, ctx: HostContext): PyTensor[] {
  if (n === 1) return [x];
  return (SPLITTING_METHODS.chunk(x, [BigInt(n)], new Map([['dim', 1n]]), ctx) as PyTuple).items as PyTensor[];
}

const add = (rt: TorchRuntime, a: PyTensor, b: PyTensor) => arith(rt, 'add', a, b);
const mul = (rt: TorchRuntime, a: PyTensor, b: PyTensor) => arith(rt, 'mul', a, b);
const sigmoid = (x: PyTensor) => T.unaryMath(x, 'sigmoid');
const tanh = (x: PyTensor) => T.unaryMath(x, 'tanh');

/** One time step of one direction: the new hidden state (and cell for LSTM) from the projected input. */
export function cell(rt: TorchRuntime, mode: Mode, projected: PyTensor, hidden: PyTensor[], whh: PyTensor, bhh: PyTensor | null, ctx: HostContext): PyTensor[] {
  const hh = linear(rt, hidden[0], whh, bhh, ctx);
  if (mode === 'LSTM') {
    const [i, f, g, o] = chunks(add(rt, hh, projected), 4, ctx);
    const c = add(rt, mul(rt, sigmoid(f), hidden[1]), mul(rt, sigmoid(i), tanh(g)));
    return [mul(rt, sigmoid(o), tanh(c)), c];
  }
  if (mode === 'GRU') {
    const [ir, iz, inew] = chunks(projected, 3, ctx);
    const [hr, hz, hnew] = chunks(hh, 3, ctx);
    const r = sigmoid(add(rt, hr, ir));
    const z = sigmoid(add(rt, hz, iz));
    const n = tanh(add(rt, inew, mul(rt, hnew, r)));
    return [add(rt, mul(rt, arith(rt, 'sub', hidden[0], n), z), n)];
  }
  const pre = add(rt, hh, projected);
  return [mode === 'RNN_TANH' ? tanh(pre) : T.relu(pre)];
}

function unbindTime(x: PyTensor, ctx: HostContext): PyTensor[] {
  return (SPLITTING_METHODS.unbind(x, [], new Map(), ctx) as PyTuple).items as PyTensor[];
}

function zeros(rt: TorchRuntime, shape: number[], like: PyTensor): PyTensor {
  return rt.fromValues(new Float64Array(shape.reduce((n, d) => n * d, 1)), shape, like.dtype);
}

function shapeText(s: readonly number[]): string {
  return `(${s.join(', ')})`;
}

/** hidden_slice: rows [start, end) of each state (h, and c for LSTM). */
function stateRows(hidden: readonly PyTensor[], start: number, end: number): PyTensor[] {
  return hidden.map((h) => piece(h, 0, start, end - start, 'SliceBackward0'));
}

/**
 * One direction of one layer over its steps, as ATen's PackedLayer and ReversedPackedLayer: step t
 * runs the first sizes[t] sequences (sizes never grow). Forward, a sequence's state is set aside
 * where it ends; in reverse, each sequence joins with its initial state at its own last step.
 * A padded batch is the case where every size is the batch.
 */
function runDirection(rt: TorchRuntime, mode: Mode, projected: readonly PyTensor[], sizes: readonly number[], initial: PyTensor[], whh: PyTensor, bhh: PyTensor | null, reverse: boolean, ctx: HostContext): { outputs: PyTensor[]; final: PyTensor[] } {
  const outputs: PyTensor[] = [];
  const n = sizes.length;
  if (reverse) {
    let last = sizes[n - 1];
    let hidden = last < initial[0].shape[0] ? stateRows(initial, 0, last) : initial;
    for (let t = n - 1; t >= 0; t--) {
      if (sizes[t] > last) hidden = hidden.map((h, i) => T.cat(rt, [h, stateRows([initial[i]], last, sizes[t])[0]], 0));
      last = sizes[t];
      hidden = cell(rt, mode, projected[t], hidden, whh, bhh, ctx);
      outputs.push(hidden[0]);
    }
    return { outputs: outputs.reverse(), final: hidden };
  }
  let hidden = initial;
  let last = sizes[0];
  const ended: PyTensor[][] = [];
  for (let t = 0; t < n; t++) {
    if (sizes[t] < last) {
      ended.push(stateRows(hidden, sizes[t], last));
      hidden = stateRows(hidden, 0, sizes[t]);
    }
    last = sizes[t];
    hidden = cell(rt, mode, projected[t], hidden, whh, bhh, ctx);
    outputs.push(hidden[0]);
  }
  if (ended.length === 0) return { outputs, final: hidden };
  ended.push(hidden);
  ended.reverse();
  return { outputs, final: hidden.map((_, i) => T.cat(rt, ended.map((e) => e[i]), 0)) };
}

/** What the layers step through: a (T, B, I) tensor, or a PackedSequence's (N, I) data with each step's batch size. */
interface Sequence {
  readonly x: PyTensor;
  readonly batch: number;
  readonly sizes: readonly number[];
  readonly packed: Packed | null;
}

/** The input as the layers see it, and whether it came unbatched (a 2-D tensor). */
function sequenceOf(c: Config, name: string, input: PyValue, packed: PackedSequences): { seq: Sequence; batched: boolean } {
  const p = packed.read(input);
  if (p !== null) {
    if (p.data.shape.length !== 2) throw pyError('RuntimeError', `input must have 2 dimensions, got ${p.data.shape.length}`);
    if (p.data.shape[1] !== c.inputSize) throw pyError('RuntimeError', `input.size(-1) must be equal to input_size. Expected ${c.inputSize}, got ${p.data.shape[1]}`);
    const sizes = p.batchSizes.values('int');
    return { seq: { x: p.data, batch: sizes[0], sizes, packed: p }, batched: true };
  }
  if (!(input instanceof PyTensor)) throw pyError('TypeError', `${name}.forward(): input must be a Tensor or a PackedSequence, not ${typeName(input)}`);
  const batched = input.shape.length === 3;
  let x = batched ? input : T.unsqueeze(input, 1);
  if (x.shape.length !== 3) throw pyError('RuntimeError', `input must have 3 dimensions, got ${x.shape.length}`);
  if (c.batchFirst && batched) x = T.transpose(x, 0, 1);
  if (x.shape[2] !== c.inputSize) throw pyError('RuntimeError', `input.size(-1) must be equal to input_size. Expected ${c.inputSize}, got ${x.shape[2]}`);
  return { seq: { x, batch: x.shape[1], sizes: Array<number>(x.shape[0]).fill(x.shape[1]), packed: null }, batched };
}

/** The initial states (h_0, and c_0 for LSTM), permuted to the packed order as permute_hidden does. */
function initialStates(rt: TorchRuntime, c: Config, seq: Sequence, batched: boolean, hx: PyValue, ctx: HostContext): PyTensor[] {
  const stateShape = [c.numLayers * c.directions, seq.batch, c.hiddenSize];
  const lstm = c.mode === 'LSTM';
  if (hx === null || hx === undefined) return lstm ? [zeros(rt, stateShape, seq.x), zeros(rt, stateShape, seq.x)] : [zeros(rt, stateShape, seq.x)];
  const given = lstm ? (hx instanceof PyTuple && hx.items.length === 2 ? hx.items : null) : [hx];
  if (given === null) throw pyError('TypeError', 'LSTM expects hx as a tuple of (h_0, c_0)');
  const sorted = seq.packed?.sortedIndices ?? null;
  return given.map((h, k) => {
    if (!(h instanceof PyTensor)) throw pyError('TypeError', `hx must be a Tensor, not ${typeName(h)}`);
    if (!batched && h.shape.length !== 2) throw pyError('RuntimeError', `For unbatched 2-D input, hx ${lstm ? 'and cx ' : ''}should also be 2-D but got ${h.shape.length}-D tensor`);
    let s = batched ? h : T.unsqueeze(h, 1);
    if (sorted !== null) s = reorder(s, 1, sorted, ctx);
    if (s.shape.join() !== stateShape.join()) {
      throw pyError('RuntimeError', `Expected hidden${lstm ? `[${k}]` : ''} size ${shapeText(stateShape)}, got [${s.shape.join(', ')}]`);
    }
    return s;
  });
}

/** The forward of every mode: (output, h_n) or, for LSTM, (output, (h_n, c_n)); a PackedSequence in gives one out. */
function runRecurrent(rt: TorchRuntime, self: PyInstance, packed: PackedSequences, input: PyValue, hx: PyValue, ctx: HostContext): PyValue {
  const c = configOf(self);
  const { seq, batched } = sequenceOf(c, self.cls.name, input, packed);
  const states = initialStates(rt, c, seq, batched, hx, ctx);
  const perState = states.map((s) => unbindTime(s, ctx));
  const lastHidden: PyTensor[][] = states.map(() => []);
  let layerInput = seq.x;
  for (let layer = 0; layer < c.numLayers; layer++) {
    const outputs: PyTensor[] = [];
    for (let dir = 0; dir < c.directions; dir++) {
      const suffix = `_l${layer}${dir === 1 ? '_reverse' : ''}`;
      const w = (name: string) => tensorAttr(self, `${name}${suffix}`, ctx);
      const all = linear(rt, layerInput, w('weight_ih')!, c.bias ? w('bias_ih') : null, ctx);
      let projected: PyTensor[];
      if (seq.packed === null) projected = unbindTime(all, ctx);
      else {
        let offset = 0;
        projected = seq.sizes.map((size) => piece(all, 0, (offset += size) - size, size, 'SliceBackward0'));
      }
      const k = layer * c.directions + dir;
      const run = runDirection(rt, c.mode, projected, seq.sizes, perState.map((s) => s[k]), w('weight_hh')!, c.bias ? w('bias_hh') : null, dir === 1, ctx);
      outputs.push(seq.packed === null ? T.stack(rt, run.outputs, 0) : T.cat(rt, run.outputs, 0));
      run.final.forEach((h, i) => lastHidden[i].push(h));
    }
    layerInput = outputs.length === 1 ? outputs[0] : T.cat(rt, outputs, -1);
    if (c.dropout > 0 && layer < c.numLayers - 1) {
      layerInput = FUNCTIONS.dropout(rt, [layerInput, c.dropout, attr(self, 'training', ctx)], new Map(), ctx) as PyTensor;
    }
  }
  let output = layerInput;
  let finals = lastHidden.map((hs) => T.stack(rt, hs, 0));
  const lstm = c.mode === 'LSTM';
  if (seq.packed !== null) {
    const { unsortedIndices } = seq.packed;
    if (unsortedIndices !== null) finals = finals.map((h) => reorder(h, 1, unsortedIndices, ctx));
    return new PyTuple([packed.make({ ...seq.packed, data: output }), lstm ? new PyTuple(finals) : finals[0]]);
  }
  if (c.batchFirst && batched) {
    // NB: PyTorch turns the output back in place (transpose_), whose node is TransposeBackward1.
    output = T.transpose(output, 0, 1);
    T.rename(output.t, [], 'TransposeBackward1');
  }
  if (!batched) {
    output = T.squeeze(output, 1);
    finals = finals.map((h) => T.squeeze(h, 1));
  }
  return new PyTuple([output, lstm ? new PyTuple(finals) : finals[0]]);
}

export const RECURRENT_NAMES = ['RNN', 'LSTM', 'GRU'] as const;

export function recurrentTypes(rt: TorchRuntime, Module: PyType, packed: PackedSequences): Record<(typeof RECURRENT_NAMES)[number], PyType> {
  const make = (name: 'RNN' | 'LSTM' | 'GRU') => layerType(Module, name, 'torch.nn.modules.rnn', {
    init: ['input_size', 'hidden_size', 'num_layers?', ...(name === 'RNN' ? ['nonlinearity?'] : []), 'bias?', 'batch_first?', 'dropout?', 'bidirectional?', ...(name === 'LSTM' ? ['proj_size?'] : []), 'device?', 'dtype?'],
    setup(self, a, ctx) {
      const nonlinearity = name === 'RNN' ? a.str('nonlinearity', 'tanh') : 'tanh';
      if (name === 'RNN' && nonlinearity !== 'tanh' && nonlinearity !== 'relu') throw pyError('ValueError', `Unknown nonlinearity '${nonlinearity}'. Select from 'tanh' or 'relu'.`);
      if (name === 'LSTM' && a.int('proj_size', 0) !== 0) throw pyError('NotImplementedError', 'nn.LSTM(proj_size=...) is not supported by Gradlens: leave proj_size out');
      const dropout = a.float('dropout', 0);
      if (dropout < 0 || dropout > 1) throw pyError('ValueError', 'dropout should be a number in range [0, 1] representing the probability of an element being zeroed');
      const c: Config = {
        mode: name === 'RNN' ? (nonlinearity === 'relu' ? 'RNN_RELU' : 'RNN_TANH') : name,
        inputSize: a.int('input_size'),
        hiddenSize: a.int('hidden_size'),
        numLayers: a.int('num_layers', 1),
        bias: a.bool('bias', true),
        batchFirst: a.bool('batch_first', false),
        dropout,
        directions: a.bool('bidirectional', false) ? 2 : 1,
      };
      if (c.hiddenSize <= 0) throw pyError('ValueError', 'hidden_size must be greater than zero');
      if (c.numLayers <= 0) throw pyError('ValueError', 'num_layers must be greater than zero');
      configs.set(self, c);
      for (const [k, v] of [['input_size', BigInt(c.inputSize)], ['hidden_size', BigInt(c.hiddenSize)], ['num_layers', BigInt(c.numLayers)], ['bias', c.bias], ['batch_first', c.batchFirst], ['dropout', c.dropout], ['bidirectional', c.directions === 2], ['mode', c.mode]] as const) setPlain(self, k, v);
      if (name === 'RNN') setPlain(self, 'nonlinearity', nonlinearity);
      const gate = GATES[c.mode] * c.hiddenSize;
      const made: PyTensor[] = [];
      for (let layer = 0; layer < c.numLayers; layer++) {
        for (let dir = 0; dir < c.directions; dir++) {
          const suffix = `_l${layer}${dir === 1 ? '_reverse' : ''}`;
          const inSize = layer === 0 ? c.inputSize : c.hiddenSize * c.directions;
          made.push(newParameter(rt, self, `weight_ih${suffix}`, [gate, inSize], ctx), newParameter(rt, self, `weight_hh${suffix}`, [gate, c.hiddenSize], ctx));
          if (c.bias) made.push(newParameter(rt, self, `bias_ih${suffix}`, [gate], ctx), newParameter(rt, self, `bias_hh${suffix}`, [gate], ctx));
        }
      }
      // reset_parameters: every parameter from U(-stdv, stdv), in registration order.
      const stdv = 1 / Math.sqrt(c.hiddenSize);
      for (const p of made) fillUniform(p, -stdv, stdv);
    },
    forward: (self, args, kwargs, ctx) => runRecurrent(rt, self, packed, args[0] ?? kwargs.get('input') ?? null, args[1] ?? kwargs.get('hx') ?? null, ctx),
    extraRepr: (self) => {
      const c = configOf(self);
      let s = `${c.inputSize}, ${c.hiddenSize}`;
      if (c.numLayers !== 1) s += `, num_layers=${c.numLayers}`;
      if (!c.bias) s += ', bias=False';
      if (c.batchFirst) s += ', batch_first=True';
      if (c.dropout !== 0) s += `, dropout=${ctxFloat(c.dropout)}`;
      if (c.directions === 2) s += ', bidirectional=True';
      return s;
    },
  });
  const types = { RNN: make('RNN'), LSTM: make('LSTM'), GRU: make('GRU') };
  // A deep copy shares the layer's configuration, which no method changes.
  for (const t of Object.values(types)) t.deepCopyContents = (source, twin) => configs.set(twin, configOf(source));
  return types;
}

/** A float as Python's str prints it in the repr (0.5, 0.25, 1.0). */
function ctxFloat(v: number): string {
  return Number.isInteger(v) ? `${v}.0` : String(v);
}
