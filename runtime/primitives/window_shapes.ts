import { aval, formatShape, shapeEq, ShapeError, type AbstractValue } from '../core';
import { familyRules, WINDOW_REDUCTIONS } from './families';
import type { ConvDimensionNumbers, ParamsOf, Primitive, WindowParams } from './params';
import { convOutputShape, dilateDim, specShape, windowAxes, axisCount } from './windows';

/** As shape_rules.ts's ShapeRule (which spreads this table into its own). */
type ShapeRule<P extends Primitive> = (inputs: readonly AbstractValue[], params: ParamsOf<P>) => AbstractValue;

// The shape rules of rev, conv_general_dilated and the windowed primitives (as JAX's shape rules check them).

const isPermutation = (spec: readonly number[], rank: number): boolean =>
  spec.length === rank && [...spec].sort((a, b) => a - b).every((d, i) => d === i);

function checkWindow(op: string, inputs: readonly AbstractValue[], x: AbstractValue, p: WindowParams): void {
  const r = x.shape.length;
  const lists = [p.windowDimensions, p.windowStrides, p.padding, p.baseDilation, p.windowDilation];
  if (lists.some((l) => l.length !== r)) {
    throw new ShapeError(op, inputs, `the window needs ${r} entries (one per axis) in each of its dimensions, strides, padding and dilations`);
  }
  const positive = [...p.windowDimensions, ...p.windowStrides, ...p.baseDilation, ...p.windowDilation];
  if (positive.some((v) => !Number.isInteger(v) || v < 1)) {
    throw new ShapeError(op, inputs, 'window dimensions, strides and dilations must be positive integers');
  }
  x.shape.forEach((d, i) => {
    if (dilateDim(d, p.baseDilation[i]) + p.padding[i][0] + p.padding[i][1] < 0) {
      throw new ShapeError(op, inputs, `negative padding ${formatShape(p.padding[i])} is larger than axis ${i}`);
    }
  });
}

const windowReduction = (op: string): ShapeRule<Primitive> => (inputs, params) => {
  const p = params as WindowParams;
  if (inputs.length !== 1) throw new ShapeError(op, inputs, 'expects 1 operand');
  const x = inputs[0];
  if (x.dtype === 'bool') throw new ShapeError(op, inputs, 'is not defined on bool');
  checkWindow(op, inputs, x, p);
  return aval(windowAxes(x.shape, p).map(axisCount), x.dtype);
};

function selection(op: string, inputs: readonly AbstractValue[], p: WindowParams, windowSide: 0 | 1): AbstractValue {
  if (inputs.length !== 2) throw new ShapeError(op, inputs, 'expects 2 operands');
  const [value, operand] = inputs;
  if (value.dtype !== operand.dtype || value.dtype === 'bool') {
    throw new ShapeError(op, inputs, 'operands must share one numeric dtype');
  }
  checkWindow(op, inputs, operand, p);
  const windows = windowAxes(operand.shape, p).map(axisCount);
  const expected = windowSide === 0 ? operand.shape : windows;
  if (!shapeEq(value.shape, expected)) {
    throw new ShapeError(op, inputs, `the first operand must have shape ${formatShape(expected)}`);
  }
  return aval(windowSide === 0 ? windows : operand.shape, value.dtype);
}

function checkConv(inputs: readonly AbstractValue[], p: ParamsOf<'conv_general_dilated'>): void {
  const op = 'conv_general_dilated';
  const [lhs, rhs] = inputs;
  const rank = lhs.shape.length;
  const dn: ConvDimensionNumbers = p.dimensionNumbers;
  if (rhs.shape.length !== rank || rank < 2) throw new ShapeError(op, inputs, 'lhs and rhs must have one rank, at least 2');
  if (![dn.lhsSpec, dn.rhsSpec, dn.outSpec].every((s) => isPermutation(s, rank))) {
    throw new ShapeError(op, inputs, 'dimension numbers must give each operand axis exactly once');
  }
  const sp = rank - 2;
  if ([p.windowStrides, p.padding, p.lhsDilation, p.rhsDilation].some((l) => l.length !== sp)) {
    throw new ShapeError(op, inputs, `strides, padding and dilations need ${sp} entries (one per spatial axis)`);
  }
  if ([...p.windowStrides, ...p.lhsDilation, ...p.rhsDilation].some((v) => !Number.isInteger(v) || v < 1)) {
    throw new ShapeError(op, inputs, 'strides and dilations must be positive integers');
  }
  const l = specShape(lhs.shape, dn.lhsSpec);
  const r = specShape(rhs.shape, dn.rhsSpec);
  const { featureGroupCount: g, batchGroupCount: b } = p;
  if (!Number.isInteger(g) || g < 1 || !Number.isInteger(b) || b < 1) throw new ShapeError(op, inputs, 'group counts must be positive integers');
  if (g > 1 && b > 1) throw new ShapeError(op, inputs, 'at most one of batch_group_count and feature_group_count may be > 1');
  if (l[1] % g !== 0) throw new ShapeError(op, inputs, `feature_group_count ${g} must divide the lhs feature dimension ${l[1]}`);
  if (l[1] / g !== r[1]) {
    throw new ShapeError(op, inputs, `lhs feature dimension ${l[1]} divided by feature_group_count ${g} must equal the rhs input feature dimension ${r[1]}`);
  }
  if (r[0] % g !== 0 || r[0] % b !== 0) {
    throw new ShapeError(op, inputs, `the rhs output feature dimension ${r[0]} must be a multiple of the group count`);
  }
  if (l[0] % b !== 0) throw new ShapeError(op, inputs, `batch_group_count ${b} must divide the lhs batch dimension ${l[0]}`);
  l.slice(2).forEach((d, i) => {
    if (dilateDim(d, p.lhsDilation[i]) + p.padding[i][0] + p.padding[i][1] < 0) {
      throw new ShapeError(op, inputs, `negative padding ${formatShape(p.padding[i])} is larger than spatial axis ${i}`);
    }
  });
}

export const WINDOW_SHAPE_RULES: { readonly [P in 'rev' | 'conv_general_dilated' | 'reduce_window_sum' | 'reduce_window_max' | 'select_and_gather_add' | 'select_and_scatter_add']: ShapeRule<P> } = {
  rev: (inputs, { dimensions }) => {
    if (inputs.length !== 1) throw new ShapeError('rev', inputs, 'expects 1 operand');
    const x = inputs[0];
    const rank = x.shape.length;
    if (dimensions.some((d, i) => !Number.isInteger(d) || d < 0 || d >= rank || dimensions.indexOf(d) !== i)) {
      throw new ShapeError('rev', inputs, `dimensions ${formatShape(dimensions)} are not distinct axes of a rank-${rank} array`);
    }
    return x;
  },
  conv_general_dilated: (inputs, params) => {
    if (inputs.length !== 2) throw new ShapeError('conv_general_dilated', inputs, 'expects 2 operands');
    const [lhs, rhs] = inputs;
    if (lhs.dtype !== rhs.dtype || lhs.dtype === 'bool') {
      throw new ShapeError('conv_general_dilated', inputs, 'lhs and rhs must share one numeric dtype');
    }
    checkConv(inputs, params);
    return aval(convOutputShape(lhs.shape, rhs.shape, params), lhs.dtype);
  },
  ...familyRules(WINDOW_REDUCTIONS, windowReduction),
  select_and_gather_add: (inputs, params) => selection('select_and_gather_add', inputs, params, 0),
  select_and_scatter_add: (inputs, params) => selection('select_and_scatter_add', inputs, params, 1),
};
