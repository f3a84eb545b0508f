import { allocate, COMPLEX_PART, isComplex, isFloat, sizeOf, type AbstractValue, type DType } from '../../core';
import type { ParamsOf, Primitive } from '../../primitives';
import type { Kernel, KernelTable } from '../backend';
import { ReferenceArray } from './array';
import { broadcastIndex } from './indexing';

// Complex arrays hold each element's real and imaginary parts one after the other (see
// core/dtype.ts). The linear moves and sums run the real kernel once on each part's plane; the
// rest are written here in doubles, each part rounded to the part dtype as it is stored.

type Complex = [number, number];
type Planes = { readonly re: ReferenceArray; readonly im: ReferenceArray };

/** The real and imaginary planes of a complex array, each an array of the part dtype. */
function planes(x: ReferenceArray): Planes {
  const part = COMPLEX_PART[x.dtype as 'complex64'];
  const n = x.data.length / 2;
  const re = allocate(part, n);
  const im = allocate(part, n);
  for (let i = 0; i < n; i++) {
    re[i] = x.data[2 * i];
    im[i] = x.data[2 * i + 1];
  }
  return { re: new ReferenceArray(x.shape, part, re), im: new ReferenceArray(x.shape, part, im) };
}

function join(out: AbstractValue, re: ArrayLike<number>, im: ArrayLike<number>): ReferenceArray {
  const data = allocate(out.dtype, sizeOf(out.shape));
  for (let i = 0; i < re.length; i++) {
    data[2 * i] = re[i];
    data[2 * i + 1] = im[i];
  }
  return new ReferenceArray(out.shape, out.dtype, data);
}

/** Element `i` of `x` as a complex number (a real array's elements have no imaginary part). */
const reader = (x: ReferenceArray, outShape: readonly number[]): ((i: number) => Complex) => {
  const idx = broadcastIndex(x.shape, outShape);
  const d = x.data;
  const at = (i: number) => (idx ? idx[i] : i);
  return isComplex(x.dtype) ? (i) => [d[2 * at(i)], d[2 * at(i) + 1]] : (i) => [d[at(i)], 0];
};

/** A complex result computed element by element from complex operands broadcast to `out`. */
function pointwise(inputs: readonly ReferenceArray[], out: AbstractValue, f: (...zs: Complex[]) => Complex): ReferenceArray {
  const reads = inputs.map((x) => reader(x, out.shape));
  const data = allocate(out.dtype, sizeOf(out.shape));
  const n = sizeOf(out.shape);
  for (let i = 0; i < n; i++) {
    const [re, im] = f(...reads.map((r) => r(i)));
    data[2 * i] = re;
    data[2 * i + 1] = im;
  }
  return new ReferenceArray(out.shape, out.dtype, data);
}

/** A real result (of a complex operand's elements) element by element. */
function toReal(inputs: readonly ReferenceArray[], out: AbstractValue, f: (...zs: Complex[]) => number): ReferenceArray {
  const reads = inputs.map((x) => reader(x, out.shape));
  const data = allocate(out.dtype, sizeOf(out.shape));
  for (let i = 0; i < data.length; i++) data[i] = f(...reads.map((r) => r(i)));
  return new ReferenceArray(out.shape, out.dtype, data);
}

const mul = ([a, b]: Complex, [c, d]: Complex): Complex => [a * c - b * d, a * d + b * c];

/** Smith's algorithm: no overflow of c*c + d*d where the quotient itself is finite. */
function div([a, b]: Complex, [c, d]: Complex): Complex {
  if (Math.abs(c) >= Math.abs(d)) {
    if (c === 0 && d === 0) return [a / 0, b / 0];
    const r = d / c;
    const den = c + d * r;
    return [(a + b * r) / den, (b - a * r) / den];
  }
  const r = c / d;
  const den = c * r + d;
  return [(a * r + b) / den, (b * r - a) / den];
}

function integerPow(z: Complex, y: number): Complex {
  let base = z;
  let e = Math.abs(y);
  let acc: Complex = [1, 0];
  while (e > 0) {
    if (e & 1) acc = mul(acc, base);
    base = mul(base, base);
    e = Math.floor(e / 2);
  }
  return y < 0 ? div([1, 0], acc) : acc;
}

/** The principal square root (the branch cut along the negative reals, as C's csqrt). */
function sqrt([a, b]: Complex): Complex {
  if (a === 0 && b === 0) return [0, b];
  const t = Math.sqrt((Math.hypot(a, b) + Math.abs(a)) / 2);
  return a >= 0 ? [t, b / (2 * t)] : [Math.abs(b) / (2 * t), b < 0 ? -t : t];
}

const UNARY: { readonly [P in 'neg' | 'exp' | 'log' | 'sin' | 'cos' | 'sqrt']: (z: Complex) => Complex } = {
  neg: ([a, b]) => [-a, -b],
  exp: ([a, b]) => {
    const r = Math.exp(a);
    return b === 0 ? [r, b] : [r * Math.cos(b), r * Math.sin(b)];
  },
  log: ([a, b]) => [Math.log(Math.hypot(a, b)), Math.atan2(b, a)],
  sin: ([a, b]) => [Math.sin(a) * Math.cosh(b), Math.cos(a) * Math.sinh(b)],
  cos: ([a, b]) => [Math.cos(a) * Math.cosh(b), -Math.sin(a) * Math.sinh(b)],
  sqrt,
};

/** `x` cast to `out`'s dtype, where one of them is complex: a complex to a real keeps the real part (XLA's convert). */
function convert(x: ReferenceArray, out: AbstractValue): ReferenceArray {
  const read = reader(x, out.shape);
  if (isComplex(out.dtype)) return pointwise([x], out, (z) => z);
  // NB: as NumPy's bool(complex): true where either part is non-zero; ints truncate the real part.
  const f = out.dtype === 'bool' ? ([a, b]: Complex) => (a !== 0 || b !== 0 ? 1 : 0) : ([a]: Complex) => (isFloat(out.dtype) ? a : Math.trunc(a));
  const data = allocate(out.dtype, sizeOf(out.shape));
  for (let i = 0; i < data.length; i++) data[i] = f(read(i));
  return new ReferenceArray(out.shape, out.dtype, data);
}

/** dot_general of complex operands as four real ones: (A + iB)(C + iD) = AC - BD + i(AD + BC). */
function dot(kernel: Kernel<'dot_general', ReferenceArray>, [x, y]: readonly ReferenceArray[], params: ParamsOf<'dot_general'>, out: AbstractValue): ReferenceArray {
  const part = { shape: out.shape, dtype: COMPLEX_PART[out.dtype as 'complex64'] as DType };
  const [p, q] = [planes(x), planes(y)];
  const d = (a: ReferenceArray, b: ReferenceArray) => kernel([a, b], params, part).data;
  const [ac, bd, ad, bc] = [d(p.re, q.re), d(p.im, q.im), d(p.re, q.im), d(p.im, q.re)];
  return join(out, ac.map((v, i) => v - bd[i]), ad.map((v, i) => v + bc[i]));
}

/** The kernels whose operands move whole (or add): each part's plane goes through the real kernel. */
const BY_PLANES = new Set<Primitive>([
  'add', 'sub', 'stop_gradient', 'select', 'reduce_sum', 'broadcast_in_dim', 'reshape', 'squeeze', 'expand_dims',
  'transpose', 'slice', 'gather', 'scatter_add', 'concatenate', 'pad', 'rev',
]);

function byPlanes<P extends Primitive>(kernel: Kernel<P, ReferenceArray>, inputs: readonly ReferenceArray[], params: ParamsOf<P>, out: AbstractValue): ReferenceArray {
  const part = { shape: out.shape, dtype: COMPLEX_PART[out.dtype as 'complex64'] as DType };
  const split = inputs.map((x) => (isComplex(x.dtype) ? planes(x) : null));
  const re = kernel(inputs.map((x, k) => split[k]?.re ?? x), params, part).data;
  // NB: the imaginary part of pad's padding value (a real number) is 0.
  const imParams = 'value' in (params as object) ? { ...params, value: 0 } : params;
  const im = kernel(inputs.map((x, k) => split[k]?.im ?? x), imParams, part).data;
  return join(out, re, im);
}

/** The complex kernel of `prim`, or null where its operands and result are all real. */
function complexKernel<P extends Primitive>(prim: P, real: KernelTable<ReferenceArray>): Kernel<P, ReferenceArray> | null {
  const any = (inputs: readonly ReferenceArray[], out: AbstractValue) => isComplex(out.dtype) || inputs.some((x) => isComplex(x.dtype));
  const k = (f: Kernel<Primitive, ReferenceArray>): Kernel<P, ReferenceArray> => (inputs, params, out) =>
    (any(inputs, out) ? f(inputs, params, out) : real[prim](inputs, params as never, out));
  if (BY_PLANES.has(prim)) return k((inputs, params, out) => byPlanes(real[prim] as Kernel<Primitive, ReferenceArray>, inputs, params, out));
  switch (prim) {
    case 'mul': return k((inputs, _p, out) => pointwise(inputs, out, mul));
    case 'div': return k((inputs, _p, out) => pointwise(inputs, out, div));
    case 'integer_pow': return k((inputs, params, out) => pointwise(inputs, out, (z) => integerPow(z, (params as ParamsOf<'integer_pow'>).y)));
    case 'neg': case 'exp': case 'log': case 'sin': case 'cos': case 'sqrt': {
      const f = UNARY[prim as keyof typeof UNARY];
      return k((inputs, _p, out) => pointwise(inputs, out, f));
    }
    case 'abs': return k((inputs, _p, out) => toReal(inputs, out, ([a, b]) => Math.hypot(a, b)));
    case 'eq': return k((inputs, _p, out) => toReal(inputs, out, ([a, b], [c, d]) => (a === c && b === d ? 1 : 0)));
    case 'ne': return k((inputs, _p, out) => toReal(inputs, out, ([a, b], [c, d]) => (a !== c || b !== d ? 1 : 0)));
    case 'convert_element_type': return k(([x], _p, out) => convert(x, out));
    case 'dot_general': return k((inputs, params, out) => dot(real.dot_general, inputs, params as ParamsOf<'dot_general'>, out));
    default: return null;
  }
}

/** The kernels of lax's complex primitives (complex, real, imag, conj). */
export const COMPLEX_PART_KERNELS: Pick<KernelTable<ReferenceArray>, 'complex' | 'real' | 'imag' | 'conj'> = {
  complex: (inputs, _p, out) => pointwise(inputs, out, ([a], [b]) => [a, b]),
  real: ([x], _p, out) => toReal([x], out, ([a]) => a),
  imag: ([x], _p, out) => toReal([x], out, ([, b]) => b),
  conj: ([x], _p, out) => pointwise([x], out, ([a, b]) => [a, -b]),
};

/** Every kernel of `table` on complex operands too, where Gradlens computes them (shape_rules_complex.ts's TAKES_COMPLEX). */
export function withComplex(table: KernelTable<ReferenceArray>): KernelTable<ReferenceArray> {
  const wrapped = Object.fromEntries(Object.entries(table).map(([p, kernel]) => [p, complexKernel(p as Primitive, table) ?? kernel]));
  return wrapped as unknown as KernelTable<ReferenceArray>;
}
