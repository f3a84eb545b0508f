/**
 * nn.RNNCell, nn.LSTMCell and nn.GRUCell: one time step, as ATen's rnn_tanh_cell / rnn_relu_cell,
 * lstm_cell and gru_cell compute it on the CPU (the same gates as the whole-sequence layers, with the
 * input projected at the step), behind torch/nn/modules/rnn.py's checks, unbatched input and zero
 * initial state. Parameters `weight_ih`, `weight_hh`, `bias_ih`, `bias_hh`, each from
 * U(-1/sqrt(hidden_size), 1/sqrt(hidden_size)) in that order.
 */
import { type HostContext, pyError, PyInstance, PyTuple, PyType, type PyValue, typeName } from '../../interpreter';
import { PyTensor, type TorchRuntime } from '../tensor';
import * as T from '../tensor_ops';
import { fillUniform } from './draws';
import { layerType, newParameter, setPlain, tensorAttr } from './layer';
import { cell, GATES, linear, type Mode } from './recurrent';

export const RECURRENT_CELL_NAMES = ['RNNCell', 'LSTMCell', 'GRUCell'] as const;
type CellName = (typeof RECURRENT_CELL_NAMES)[number];

const modes = new WeakMap<PyInstance, Mode>();

function stepCell(rt: TorchRuntime, self: PyInstance, name: CellName, input: PyValue, hx: PyValue, ctx: HostContext): PyValue {
  const mode = modes.get(self);
  if (!mode) throw pyError('RuntimeError', `${name}.__init__ was not called`);
  if (!(input instanceof PyTensor)) throw pyError('TypeError', `${name}.forward(): input must be a Tensor, not ${typeName(input)}`);
  const rank = input.shape.length;
  if (rank !== 1 && rank !== 2) throw pyError('AssertionError', `${name}: Expected input to be 1-D or 2-D but received ${rank}-D tensor`);
  const batched = rank === 2;
  const x = batched ? input : T.unsqueeze(input, 0);
  const inputSize = Number(self.dict.get('input_size'));
  const hiddenSize = Number(self.dict.get('hidden_size'));
  if (x.shape[1] !== inputSize) throw pyError('RuntimeError', `input has inconsistent input_size: got ${x.shape[1]} expected ${inputSize}`);
  const lstm = mode === 'LSTM';
  let hidden: PyTensor[];
  if (hx === null) {
    const zeros = () => rt.fromValues(new Float64Array(x.shape[0] * hiddenSize), [x.shape[0], hiddenSize], x.dtype);
    hidden = lstm ? [zeros(), zeros()] : [zeros()];
  } else {
    const given = lstm ? (hx instanceof PyTuple && hx.items.length === 2 ? hx.items : null) : [hx];
    if (given === null) throw pyError('TypeError', 'LSTMCell expects hx as a tuple of (h_0, c_0)');
    hidden = given.map((h, k) => {
      if (!(h instanceof PyTensor)) throw pyError('TypeError', `hx must be a Tensor, not ${typeName(h)}`);
      const s = batched ? h : T.unsqueeze(h, 0);
      if (s.shape[0] !== x.shape[0]) throw pyError('RuntimeError', `Input batch size ${x.shape[0]} doesn't match hidden${k} batch size ${s.shape[0]}`);
      if (s.shape[1] !== hiddenSize) throw pyError('RuntimeError', `hidden${k} has inconsistent hidden_size: got ${s.shape[1]}, expected ${hiddenSize}`);
      return s;
    });
  }
  const w = (k: string) => tensorAttr(self, k, ctx);
  const projected = linear(rt, x, w('weight_ih')!, w('bias_ih'), ctx);
  const next = cell(rt, mode, projected, hidden, w('weight_hh')!, w('bias_hh'), ctx).map((h) => (batched ? h : T.squeeze(h, 0)));
  return lstm ? new PyTuple(next) : next[0];
}

export function recurrentCellTypes(rt: TorchRuntime, Module: PyType): Record<CellName, PyType> {
  const make = (name: CellName) => layerType(Module, name, 'torch.nn.modules.rnn', {
    init: ['input_size', 'hidden_size', 'bias?', ...(name === 'RNNCell' ? ['nonlinearity?'] : []), 'device?', 'dtype?'],
    setup(self, a, ctx) {
      const nonlinearity = name === 'RNNCell' ? a.str('nonlinearity', 'tanh') : null;
      const mode: Mode = name === 'LSTMCell' ? 'LSTM' : name === 'GRUCell' ? 'GRU' : nonlinearity === 'relu' ? 'RNN_RELU' : 'RNN_TANH';
      const [inputSize, hiddenSize, bias] = [a.int('input_size'), a.int('hidden_size'), a.bool('bias', true)];
      setPlain(self, 'input_size', BigInt(inputSize));
      setPlain(self, 'hidden_size', BigInt(hiddenSize));
      setPlain(self, 'bias', bias);
      const gate = GATES[mode] * hiddenSize;
      const made = [newParameter(rt, self, 'weight_ih', [gate, inputSize], ctx), newParameter(rt, self, 'weight_hh', [gate, hiddenSize], ctx)];
      if (bias) made.push(newParameter(rt, self, 'bias_ih', [gate], ctx), newParameter(rt, self, 'bias_hh', [gate], ctx));
      else for (const k of ['bias_ih', 'bias_hh']) ctx.call(ctx.getattr(self, 'register_parameter'), [k, null]);
      const stdv = hiddenSize > 0 ? 1 / Math.sqrt(hiddenSize) : 0;
      for (const p of made) fillUniform(p, -stdv, stdv);
      // RNNCell checks its nonlinearity at the first call, as PyTorch's forward does.
      if (nonlinearity !== null) setPlain(self, 'nonlinearity', nonlinearity);
      modes.set(self, mode);
    },
    forward(self, args, kwargs, ctx) {
      const nonlinearity = self.dict.get('nonlinearity');
      if (name === 'RNNCell' && nonlinearity !== 'tanh' && nonlinearity !== 'relu') throw pyError('RuntimeError', `Unknown nonlinearity: ${ctx.str(nonlinearity ?? null)}`);
      return stepCell(rt, self, name, args[0] ?? kwargs.get('input') ?? null, args[1] ?? kwargs.get('hx') ?? null, ctx);
    },
    extraRepr(self, ctx) {
      let s = `${ctx.str(self.dict.get('input_size') ?? null)}, ${ctx.str(self.dict.get('hidden_size') ?? null)}`;
      if (self.dict.get('bias') !== true) s += `, bias=${ctx.str(self.dict.get('bias') ?? null)}`;
      const nonlinearity = self.dict.get('nonlinearity');
      if (nonlinearity !== undefined && nonlinearity !== 'tanh') s += `, nonlinearity=${ctx.str(nonlinearity)}`;
      return s;
    },
  });
  return { RNNCell: make('RNNCell'), LSTMCell: make('LSTMCell'), GRUCell: make('GRUCell') };
}
