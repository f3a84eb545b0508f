import { sizeOf, stridesOf, type AbstractValue } from '../../core';
import { windowAxes, windowIndexTable, type ParamsOf, type WindowAxis, type WindowParams } from '../../primitives';
import { fromDoubles, ReferenceArray } from './array';

// conv_general_dilated, rev and the windowed primitives as plain loops in doubles: the oracle the
// tfjs and WebGPU kernels are checked against.

/**
 * For every window (in row-major order of the windows) and every position in it (row-major over
 * the window's axes), the flat offset into an operand with `strides` that it reads, or -1 for
 * padding and holes: entry `window * positions + position`.
 */
function windowOffsets(axes: readonly WindowAxis[], strides: readonly number[]): { offsets: Int32Array; windows: number; positions: number } {
  let offsets = new Int32Array([0]);
  let windows = 1;
  let positions = 1;
  axes.forEach((a, d) => {
    const table = windowIndexTable(a);
    const count = table.length / a.window;
    const next = new Int32Array(offsets.length * table.length);
    // Layout [windows, outer positions] x [count, window]  ->  [windows, count, outer positions, window].
    for (let w = 0; w < windows; w++) {
      for (let o = 0; o < count; o++) {
        for (let p = 0; p < positions; p++) {
          const before = offsets[w * positions + p];
          for (let k = 0; k < a.window; k++) {
            const i = table[o * a.window + k];
            next[((w * count + o) * positions + p) * a.window + k] = before < 0 || i < 0 ? -1 : before + i * strides[d];
          }
        }
      }
    }
    offsets = next;
    windows *= count;
    positions *= a.window;
  });
  return { offsets, windows, positions };
}

export function reduceWindow(x: ReferenceArray, params: WindowParams, out: AbstractValue, kind: 'sum' | 'max'): ReferenceArray {
  const { offsets, windows, positions } = windowOffsets(windowAxes(x.shape, params), stridesOf(x.shape));
  const src = x.data;
  const data = new Float64Array(windows);
  for (let w = 0; w < windows; w++) {
    let acc = kind === 'sum' ? 0 : -Infinity;
    for (let p = 0; p < positions; p++) {
      const at = offsets[w * positions + p];
      if (at < 0) continue;
      const v = src[at];
      if (kind === 'sum') acc += v;
      else if (v > acc || Number.isNaN(v)) acc = Number.isNaN(acc) ? acc : v;
    }
    data[w] = acc;
  }
  return fromDoubles(out, data);
}

/**
 * The offset each window selects: PyTorch's max-pool rule (`val > max || isnan(val)`: the first
 * maximum, or the last NaN), starting from the window's first position inside the operand; -1
 * for a window wholly in padding.
 */
function selected(x: ReferenceArray, params: WindowParams): Int32Array {
  const { offsets, windows, positions } = windowOffsets(windowAxes(x.shape, params), stridesOf(x.shape));
  const src = x.data;
  const picks = new Int32Array(windows);
  for (let w = 0; w < windows; w++) {
    let best = -1;
    let max = -Infinity;
    for (let p = 0; p < positions; p++) {
      const at = offsets[w * positions + p];
      if (at < 0) continue;
      if (best < 0) best = at;
      const v = src[at];
      if (v > max || Number.isNaN(v)) {
        max = v;
        best = at;
      }
    }
    picks[w] = best;
  }
  return picks;
}

export function selectAndGatherAdd(tangent: ReferenceArray, operand: ReferenceArray, params: WindowParams, out: AbstractValue): ReferenceArray {
  const picks = selected(operand, params);
  const t = tangent.data;
  return fromDoubles(out, Float64Array.from(picks, (at) => (at < 0 ? 0 : t[at])));
}

export function selectAndScatterAdd(source: ReferenceArray, operand: ReferenceArray, params: WindowParams, out: AbstractValue): ReferenceArray {
  const picks = selected(operand, params);
  const s = source.data;
  const data = new Float64Array(sizeOf(out.shape));
  picks.forEach((at, w) => { if (at >= 0) data[at] += s[w]; });
  return fromDoubles(out, data);
}

export function rev(x: ReferenceArray, { dimensions }: ParamsOf<'rev'>, out: AbstractValue): ReferenceArray {
  const strides = stridesOf(x.shape);
  const src = x.data;
  const data = new Float64Array(src.length);
  const index = new Array<number>(x.shape.length).fill(0);
  for (let flat = 0; flat < src.length; flat++) {
    let from = 0;
    index.forEach((i, d) => { from += (dimensions.includes(d) ? x.shape[d] - 1 - i : i) * strides[d]; });
    data[flat] = src[from];
    for (let d = index.length - 1; d >= 0; d--) {
      if (++index[d] < x.shape[d]) break;
      index[d] = 0;
    }
  }
  return fromDoubles(out, data);
}

/**
 * conv_general_dilated in XLA's semantics: out[n, o, s] = sum over i and window position k of
 * lhs[n_b, g·I + i, s·stride + k·rhs_dilation - lo (in the lhs-dilated frame)] · rhs[o, i, k], where
 * g is o's feature group and n_b picks n's example in o's batch group.
 */
export function convGeneralDilated(lhs: ReferenceArray, rhs: ReferenceArray, p: ParamsOf<'conv_general_dilated'>, out: AbstractValue): ReferenceArray {
  const { lhsSpec, rhsSpec, outSpec } = p.dimensionNumbers;
  const ls = stridesOf(lhs.shape);
  const rs = stridesOf(rhs.shape);
  const os = stridesOf(out.shape);
  const inFeatures = rhs.shape[rhsSpec[1]];
  const outFeatures = rhs.shape[rhsSpec[0]];
  const perFeatureGroup = outFeatures / p.featureGroupCount;
  const perBatchGroup = outFeatures / p.batchGroupCount;
  const batch = out.shape[outSpec[0]];
  // The lhs spatial window of each output position, and the kernel offset of each window position.
  const spatial = lhsSpec.slice(2).map((axis, d): WindowAxis => ({
    size: lhs.shape[axis], window: rhs.shape[rhsSpec[2 + d]], stride: p.windowStrides[d], padding: p.padding[d],
    baseDilation: p.lhsDilation[d], windowDilation: p.rhsDilation[d],
  }));
  const { offsets, windows, positions } = windowOffsets(spatial, spatial.map((_, d) => ls[lhsSpec[2 + d]]));
  const kernelOffsets = kernelStrides(rhsSpec.slice(2).map((a) => rhs.shape[a]), rhsSpec.slice(2).map((a) => rs[a]));
  const outOffsets = kernelStrides(outSpec.slice(2).map((a) => out.shape[a]), outSpec.slice(2).map((a) => os[a]));
  const x = lhs.data;
  const w = rhs.data;
  const data = new Float64Array(sizeOf(out.shape));
  for (let n = 0; n < batch; n++) {
    for (let o = 0; o < outFeatures; o++) {
      const group = Math.floor(o / perFeatureGroup);
      const example = Math.floor(o / perBatchGroup) * batch + n;
      const lhsBase = example * ls[lhsSpec[0]] + group * inFeatures * ls[lhsSpec[1]];
      const rhsBase = o * rs[rhsSpec[0]];
      const outBase = n * os[outSpec[0]] + o * os[outSpec[1]];
      for (let s = 0; s < windows; s++) {
        let acc = 0;
        for (let k = 0; k < positions; k++) {
          const at = offsets[s * positions + k];
          if (at < 0) continue;
          for (let i = 0; i < inFeatures; i++) {
            acc += x[lhsBase + i * ls[lhsSpec[1]] + at] * w[rhsBase + i * rs[rhsSpec[1]] + kernelOffsets[k]];
          }
        }
        data[outBase + outOffsets[s]] = acc;
      }
    }
  }
  return fromDoubles(out, data);
}

/** The flat offsets of every position of a row-major grid of `sizes`, under `strides`. */
function kernelStrides(sizes: readonly number[], strides: readonly number[]): Int32Array {
  let offsets = new Int32Array([0]);
  sizes.forEach((size, d) => {
    const next = new Int32Array(offsets.length * size);
    offsets.forEach((base, j) => { for (let k = 0; k < size; k++) next[j * size + k] = base + k * strides[d]; });
    offsets = next;
  });
  return offsets;
}
