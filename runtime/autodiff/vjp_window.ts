import { dilateDim, type ConvDimensionNumbers, type ParamsOf, type WindowParams } from '../primitives';
import { reshapeAxisInto, reshapeAxisOutOf, type Ops } from '../ops';
import type { VjpRuleTable } from './vjp_rule';
import { floatOnly } from './vjp_elementwise';

type ConvParams = ParamsOf<'conv_general_dilated'>;
type Pads = [number, number][];

/** A spec with its first two entries swapped: the transposed convolution's roles. */
const swapSpec = (spec: readonly number[]): number[] => [spec[1], spec[0], ...spec.slice(2)];

/** The padding that makes the transposed convolution give back the lhs's spatial shape (JAX's _conv_general_vjp_lhs_padding). */
export function vjpLhsPadding(
  inShape: readonly number[], window: readonly number[], strides: readonly number[], outShape: readonly number[],
  padding: readonly (readonly [number, number])[], lhsDilation: readonly number[], rhsDilation: readonly number[],
): Pads {
  return inShape.map((n, i) => {
    const lhsDilated = dilateDim(n, lhsDilation[i]);
    const rhsDilated = dilateDim(window[i], rhsDilation[i]);
    const outDilated = dilateDim(outShape[i], strides[i]);
    const before = rhsDilated - padding[i][0] - 1;
    return [before, lhsDilated + rhsDilated - 1 - outDilated - before];
  });
}

/** JAX's _conv_general_vjp_rhs_padding. */
function vjpRhsPadding(
  inShape: readonly number[], window: readonly number[], strides: readonly number[], outShape: readonly number[],
  padding: readonly (readonly [number, number])[], lhsDilation: readonly number[], rhsDilation: readonly number[],
): Pads {
  return inShape.map((n, i) => {
    const lhsDilated = dilateDim(n, lhsDilation[i]);
    const rhsDilated = dilateDim(window[i], rhsDilation[i]);
    const outDilated = dilateDim(outShape[i], strides[i]);
    const lo = padding[i][0];
    return [lo, outDilated - lhsDilated + rhsDilated - lo - 1];
  });
}

const take = (shape: readonly number[], axes: readonly number[]): number[] => axes.map((a) => shape[a]);

/** The lhs cotangent: g convolved with the spatially reversed kernel, strides and lhs dilation swapped (JAX's _conv_general_dilated_transpose_lhs). */
function transposeLhs<T>(o: Ops<T>, g: T, lhsShape: readonly number[], rhs: T, p: ConvParams): T {
  const { lhsSpec, rhsSpec, outSpec } = p.dimensionNumbers;
  const rhsShape = o.shape(rhs);
  let groups = p.featureGroupCount;
  let kernel = rhs;
  if (groups > 1 || p.batchGroupCount > 1) {
    // The group axis moves from the kernel's output features into its input features.
    kernel = reshapeAxisOutOf(o, rhsSpec[0], Math.max(groups, p.batchGroupCount), kernel);
    kernel = reshapeAxisInto(o, rhsSpec[0], rhsSpec[1], kernel);
    groups = Math.max(groups, p.batchGroupCount);
  }
  const dimensionNumbers: ConvDimensionNumbers = { lhsSpec: outSpec, rhsSpec: swapSpec(rhsSpec), outSpec: lhsSpec };
  const padding = vjpLhsPadding(take(lhsShape, lhsSpec.slice(2)), take(rhsShape, rhsSpec.slice(2)), p.windowStrides,
    take(o.shape(g), outSpec.slice(2)), p.padding, p.lhsDilation, p.rhsDilation);
  let out = o.conv(g, o.rev(kernel, rhsSpec.slice(2)), {
    windowStrides: p.lhsDilation, padding, lhsDilation: p.windowStrides, rhsDilation: p.rhsDilation,
    dimensionNumbers, featureGroupCount: groups, batchGroupCount: 1,
  });
  if (p.batchGroupCount > 1) {
    out = reshapeAxisOutOf(o, lhsSpec[1], p.batchGroupCount, out);
    out = reshapeAxisInto(o, lhsSpec[1], lhsSpec[0], out);
  }
  return out;
}

/** The rhs cotangent: lhs convolved with g, feature groups becoming batch groups and back (JAX's _conv_general_dilated_transpose_rhs). */
function transposeRhs<T>(o: Ops<T>, g: T, lhs: T, rhsShape: readonly number[], p: ConvParams): T {
  const { lhsSpec, rhsSpec, outSpec } = p.dimensionNumbers;
  if (o.shape(g).some((d) => d === 0)) return o.full(rhsShape, 0, o.dtype(g));
  const featureGroupCount = p.batchGroupCount > 1 ? p.batchGroupCount : 1;
  const batchGroupCount = p.batchGroupCount > 1 ? 1 : p.featureGroupCount;
  const dimensionNumbers: ConvDimensionNumbers = { lhsSpec: swapSpec(lhsSpec), rhsSpec: swapSpec(outSpec), outSpec: swapSpec(rhsSpec) };
  const padding = vjpRhsPadding(take(o.shape(lhs), lhsSpec.slice(2)), take(rhsShape, rhsSpec.slice(2)), p.windowStrides,
    take(o.shape(g), outSpec.slice(2)), p.padding, p.lhsDilation, p.rhsDilation);
  return o.conv(lhs, g, {
    windowStrides: p.rhsDilation, padding, lhsDilation: p.lhsDilation, rhsDilation: p.windowStrides,
    dimensionNumbers, featureGroupCount, batchGroupCount,
  });
}

/**
 * The cotangent of reduce_window_sum: every window's cotangent spread back over the positions it
 * summed, as a reduce_window_sum of the cotangent with strides and base dilation swapped (JAX pads
 * the cotangent with interior padding first; a base dilation is the same holes).
 */
function reduceWindowSumTranspose<T>(o: Ops<T>, g: T, inShape: readonly number[], p: WindowParams): T {
  const padding = vjpLhsPadding(inShape, p.windowDimensions, p.windowStrides, o.shape(g), p.padding, p.baseDilation, p.windowDilation);
  return o.reduceWindowSum(g, {
    windowDimensions: p.windowDimensions, windowStrides: p.baseDilation, padding,
    baseDilation: p.windowStrides, windowDilation: p.windowDilation,
  });
}

export const WINDOW_VJP_RULES: Pick<VjpRuleTable, 'rev' | 'conv_general_dilated' | 'reduce_window_sum' | 'reduce_window_max' | 'select_and_gather_add' | 'select_and_scatter_add'> = {
  rev: floatOnly<'rev'>((o, g, _inputs, _out, { dimensions }) => [o.rev(g, dimensions)]),
  conv_general_dilated: floatOnly<'conv_general_dilated'>((o, g, [lhs, rhs], _out, p) => [
    transposeLhs(o, g, o.shape(lhs), rhs, p),
    transposeRhs(o, g, lhs, o.shape(rhs), p),
  ]),
  reduce_window_sum: floatOnly<'reduce_window_sum'>((o, g, [x], _out, p) => [reduceWindowSumTranspose(o, g, o.shape(x), p)]),
  // NB: the whole cotangent of a window goes to its first maximum (PyTorch's max-pool backward and
  // JAX's select_and_scatter_add with `ge`), not split among ties as reduce_max's is.
  reduce_window_max: floatOnly<'reduce_window_max'>((o, g, [x], _out, p) => [o.selectAndScatterAdd(g, x, p)]),
  // Linear in their first operand, each the other's transpose; the operand only picks positions.
  select_and_gather_add: floatOnly<'select_and_gather_add'>((o, g, [, operand], _out, p) =>
    [o.selectAndScatterAdd(g, operand, p), o.zerosLike(operand)]),
  select_and_scatter_add: floatOnly<'select_and_scatter_add'>((o, g, [, operand], _out, p) =>
    [o.selectAndGatherAdd(g, operand, p), o.zerosLike(operand)]),
};
