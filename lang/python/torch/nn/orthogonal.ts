/**
 * `nn.init.orthogonal_` as torch/nn/init.py writes it: a [rows, cols] normal draw from the run's
 * generator (`tensor.new(rows, cols).normal_(0, 1)`), transposed when wide, its QR factorisation,
 * Q's columns times the signs of R's diagonal (so Q is the one with R's diagonal positive, whatever
 * sign convention the reflections take), transposed back, times `gain`.
 */
import { torchNormal } from '../../../../runtime/core';
import { pyError } from '../../interpreter';
import type { PyTensor } from '../tensor';
import { assignValues } from './module';

/**
 * Q [m, n] (m >= n) of the Householder QR of `a` (row-major [m, n]), in float64, each column
 * times the sign of its R diagonal entry (0 where that entry is 0, as `q *= d.sign()` gives).
 */
export function signedQ(a: Float64Array, m: number, n: number): Float64Array {
  const r = Float64Array.from(a);
  const reflectors: Float64Array[] = [];
  const diagonal: number[] = [];
  for (let k = 0; k < n; k++) {
    const v = new Float64Array(m - k);
    for (let i = k; i < m; i++) v[i - k] = r[i * n + k];
    const norm = Math.hypot(...v);
    // LAPACK's geqrf: beta = -sign(alpha)·‖x‖, the reflector takes x to beta·e1.
    const beta = norm === 0 ? 0 : (v[0] >= 0 ? -norm : norm);
    diagonal.push(v.length === 1 && norm !== 0 ? v[0] : beta);
    if (norm === 0 || v.length === 1) {
      reflectors.push(new Float64Array(m - k));
      continue;
    }
    v[0] -= beta;
    const vnorm = Math.hypot(...v);
    for (let i = 0; i < v.length; i++) v[i] /= vnorm;
    reflectors.push(v);
    for (let j = k; j < n; j++) {
      let dot = 0;
      for (let i = k; i < m; i++) dot += v[i - k] * r[i * n + j];
      for (let i = k; i < m; i++) r[i * n + j] -= 2 * v[i - k] * dot;
    }
  }
  // Q = H_0 H_1 ... H_{n-1} applied to the first n columns of the identity, last reflector first.
  const q = new Float64Array(m * n);
  for (let j = 0; j < n; j++) q[j * n + j] = 1;
  for (let k = n - 1; k >= 0; k--) {
    const v = reflectors[k];
    for (let j = 0; j < n; j++) {
      let dot = 0;
      for (let i = k; i < m; i++) dot += v[i - k] * q[i * n + j];
      for (let i = k; i < m; i++) q[i * n + j] -= 2 * v[i - k] * dot;
    }
  }
  for (let j = 0; j < n; j++) {
    const sign = Math.sign(diagonal[j]);
    for (let i = 0; i < m; i++) q[i * n + j] *= sign;
  }
  return q;
}

export function orthogonal(t: PyTensor, gain: number): PyTensor {
  if (t.shape.length < 2) throw pyError('ValueError', 'Only tensors with 2 or more dimensions are supported');
  if (t.numel === 0) return t;
  if (t.dtype !== 'float32' && t.dtype !== 'float64') throw pyError('RuntimeError', `"normal_kernel_cpu" not implemented for '${t.dtype === 'int64' ? 'Long' : 'Int'}'`);
  const rt = t.rt;
  const rows = t.shape[0];
  const cols = t.numel / rows;
  const drawn = torchNormal(rt.rng, rows * cols, t.dtype, 0, 1);
  const wide = rows < cols;
  const [m, n] = wide ? [cols, rows] : [rows, cols];
  const a = wide ? Float64Array.from({ length: m * n }, (_, i) => drawn[(i % n) * cols + Math.floor(i / n)]) : drawn;
  const q = signedQ(a, m, n);
  const round = t.dtype === 'float32' ? Math.fround : (x: number) => x;
  // Q in the tensor's dtype (as LAPACK computes it), then `tensor.mul_(gain)` in that dtype.
  const values = Float64Array.from({ length: rows * cols }, (_, i) => {
    const qi = wide ? q[(i % cols) * n + Math.floor(i / cols)] : q[i];
    return round(round(qi) * gain);
  });
  assignValues(t, values);
  return t;
}
