import type { ConvDimensionNumbers, WindowParams } from './params';

// The geometry of sliding windows, shared by the shape rules, the kernels and the derivative
// rules of conv_general_dilated and the reduce_window family (XLA's semantics: the operand is
// dilated first (holes between elements), then padded (negative padding crops), then windows of
// dilated extent step by the stride).

/** The extent of `d` elements with `dilation - 1` holes between neighbours (JAX's _dilate_shape). */
export const dilateDim = (d: number, dilation: number): number => (d === 0 ? 0 : 1 + dilation * (d - 1));

/** How many windows fit along one axis. */
export function windowCount(size: number, window: number, stride: number, [lo, hi]: readonly [number, number], baseDilation: number, windowDilation: number): number {
  const padded = dilateDim(size, baseDilation) + lo + hi;
  const extent = dilateDim(window, windowDilation);
  return padded < extent ? 0 : Math.floor((padded - extent) / stride) + 1;
}

/** One axis of a window: its size, stride, padding and dilations. */
export interface WindowAxis {
  readonly size: number;
  readonly window: number;
  readonly stride: number;
  readonly padding: readonly [number, number];
  readonly baseDilation: number;
  readonly windowDilation: number;
}

export function windowAxes(shape: readonly number[], p: WindowParams): WindowAxis[] {
  return shape.map((size, i) => ({
    size, window: p.windowDimensions[i], stride: p.windowStrides[i], padding: p.padding[i],
    baseDilation: p.baseDilation[i], windowDilation: p.windowDilation[i],
  }));
}

export const axisCount = (a: WindowAxis): number => windowCount(a.size, a.window, a.stride, a.padding, a.baseDilation, a.windowDilation);

/**
 * For output position `o` and window offset `k` along one axis, the operand index it reads, or -1
 * where it reads padding or a hole: entry `o * window + k`.
 */
export function windowIndexTable(a: WindowAxis): Int32Array {
  const count = axisCount(a);
  const table = new Int32Array(count * a.window);
  for (let o = 0; o < count; o++) {
    for (let k = 0; k < a.window; k++) {
      const p = o * a.stride + k * a.windowDilation - a.padding[0];
      const i = p / a.baseDilation;
      table[o * a.window + k] = p >= 0 && Number.isInteger(i) && i < a.size ? i : -1;
    }
  }
  return table;
}

/** The window that leaves an axis alone: size 1, stride 1, no padding, no dilation. */
export function identityWindowAxis(params: WindowParams, at: number): WindowParams {
  const ins = <V>(xs: readonly V[], v: V): V[] => [...xs.slice(0, at), v, ...xs.slice(at)];
  return {
    windowDimensions: ins(params.windowDimensions, 1), windowStrides: ins(params.windowStrides, 1),
    padding: ins(params.padding, [0, 0] as const), baseDilation: ins(params.baseDilation, 1),
    windowDilation: ins(params.windowDilation, 1),
  };
}

/** The axes of a rank-`rank` conv operand in canonical order (batch/out feature, feature/in feature, spatial...). */
export const specShape = (shape: readonly number[], spec: readonly number[]): number[] => spec.map((d) => shape[d]);

/** A spec's spatial axes. */
export const spatialOf = (spec: readonly number[]): readonly number[] => spec.slice(2);

/** The convolution's output shape, or a reason it has none. */
export function convOutputShape(
  lhs: readonly number[], rhs: readonly number[],
  p: {
    readonly windowStrides: readonly number[]; readonly padding: readonly (readonly [number, number])[];
    readonly lhsDilation: readonly number[]; readonly rhsDilation: readonly number[];
    readonly dimensionNumbers: ConvDimensionNumbers; readonly batchGroupCount: number;
  },
): number[] {
  const { lhsSpec, rhsSpec, outSpec } = p.dimensionNumbers;
  const l = specShape(lhs, lhsSpec);
  const r = specShape(rhs, rhsSpec);
  const canonical = [
    l[0] / p.batchGroupCount, r[0],
    ...l.slice(2).map((size, i) => windowCount(size, r[2 + i], p.windowStrides[i], p.padding[i], p.lhsDilation[i], p.rhsDilation[i])),
  ];
  const out = new Array<number>(canonical.length);
  outSpec.forEach((axis, j) => { out[axis] = canonical[j]; });
  return out;
}
