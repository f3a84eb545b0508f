/**
 * NumPy 1.24's bin-width estimators for `histogram(..., bins='auto')` and the other named rules
 * (lib/histograms.py's _hist_bin_*), over float64 samples as NumPy computes them: sums pairwise in
 * NumPy's order, the quartiles by the "linear" method, and log2 and pow as glibc computes them
 * (NumPy's float64 ufuncs and Python's `**` call glibc), so the number of bins, a ceiling of
 * range / width, is NumPy's.
 */
import { libm } from '../../../runtime/core';
import { type HostContext, warn } from '../interpreter';
import { numpySum } from './numpy_pairwise';
import { linearQuantile } from './numpy_order_stats';

/** The samples inside the range, and (for 'stone') the counts of `nbins` equal bins over the range. */
export interface Samples {
  readonly x: Float64Array;
  readonly counts: (nbins: number) => Float64Array;
  readonly ctx: HostContext;
}

type Estimator = (s: Samples) => number;

const sum = (v: ArrayLike<number>) => numpySum(v, [v.length], [0])[0]!;
const mean = (v: ArrayLike<number>) => sum(v) / v.length;

/** np.std: the mean of the squared deviations from the mean, its square root. */
function std(x: Float64Array): number {
  const m = mean(x);
  return Math.sqrt(sum(x.map((v) => (v - m) * (v - m))) / x.length);
}

function ptp(x: Float64Array): number {
  let lo = Infinity;
  let hi = -Infinity;
  for (const v of x) {
    lo = Math.min(lo, v);
    hi = Math.max(hi, v);
  }
  return hi - lo;
}

const sturges: Estimator = ({ x }) => ptp(x) / (libm.log2(x.length) + 1.0);

function fd({ x }: Samples): number {
  const sorted = Array.from(x).sort((p, q) => p - q);
  const iqr = linearQuantile(sorted, 0.75, false) - linearQuantile(sorted, 0.25, false);
  return 2.0 * iqr * libm.pow(x.length, -1.0 / 3.0);
}

function stone({ x, counts, ctx }: Samples): number {
  const n = x.length;
  const spread = ptp(x);
  if (n <= 1 || spread === 0) return 0;
  // NB: jhat's p_k.dot(p_k) is BLAS's ddot, whose summation order is its own: a sum in order can
  // differ in the last bit, which moves the minimum only between two bin counts equal to 1e-16.
  const jhat = (nbins: number) => {
    const p = counts(nbins).map((c) => c / n);
    let dot = 0;
    for (const v of p) dot += v * v;
    return (2 - (n + 1) * dot) / (spread / nbins);
  };
  const upper = Math.max(100, Math.trunc(Math.sqrt(n)));
  let best = 1;
  let bestValue = jhat(1);
  for (let k = 2; k <= upper; k++) {
    const value = jhat(k);
    if (value < bestValue) [best, bestValue] = [k, value];
  }
  if (best === upper) warn(ctx, 'The number of bins estimated may be suboptimal.', 'RuntimeWarning');
  return spread / best;
}

function doane({ x }: Samples): number {
  const n = x.length;
  if (n <= 2) return 0;
  const sg1 = Math.sqrt((6.0 * (n - 2)) / ((n + 1.0) * (n + 3)));
  const sigma = std(x);
  if (!(sigma > 0)) return 0;
  const m = mean(x);
  const g1 = mean(x.map((v) => libm.pow((v - m) / sigma, 3)));
  return ptp(x) / (1.0 + libm.log2(n) + libm.log2(1.0 + Math.abs(g1) / sg1));
}

/** _hist_bin_selectors: each rule's bin width for non-empty samples (0 when it has none). */
export const BIN_WIDTH_ESTIMATORS: Readonly<Record<string, Estimator>> = {
  stone,
  auto: (s) => {
    const width = fd(s);
    return width ? Math.min(width, sturges(s)) : sturges(s);
  },
  doane,
  fd,
  rice: ({ x }) => ptp(x) / (2.0 * libm.pow(x.length, 1.0 / 3)),
  scott: ({ x }) => libm.pow((24.0 * libm.pow(Math.PI, 0.5)) / x.length, 1.0 / 3.0) * std(x),
  sqrt: ({ x }) => ptp(x) / Math.sqrt(x.length),
  sturges,
};
