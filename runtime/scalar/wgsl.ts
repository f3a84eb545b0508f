import { LOGISTIC_ZERO_BELOW, type DType } from '../core';
import type { ReduceOp, ScalarOp } from './ir';

// How each scalar op (ir.ts) and reduction reads in WGSL. Values are f32 or i32 (bool as
// i32 0/1, as tfjs-backend-webgpu stores it), or vec4 of f32 where a kernel runs 4 lanes a thread.
// WGSL leaves NaN, Inf and out-of-domain builtins (log of a negative, sqrt of a negative, pow of a
// negative base, i32 division by 0) to the implementation, so the helpers in WGSL_HELPERS test for
// them explicitly and give the reference's IEEE results.

/** What a rule knows of the value it computes. */
export interface WgslContext {
  /** The WGSL type of the result (`f32`, `i32`, `vec4<f32>`). */
  readonly type: string;
  readonly out: DType;
  /** The dtypes of the operands. */
  readonly args: readonly DType[];
  /** A literal of the result's WGSL type. */
  lit(v: number): string;
}

type WgslOp = (a: readonly string[], c: WgslContext) => string;

/** Each scalar op in WGSL: an op without its rule fails the type check. */
export const WGSL_OPS: { readonly [Op in ScalarOp]: WgslOp } = {
  neg: ([a]) => `(-${a})`,
  abs: ([a]) => `abs(${a})`,
  sign: ([a], c) => (isFloatType(c.out) ? `sign_${suffix(c.type)}(${a})`
    : `select(select(${a}, ${c.lit(-1)}, ${a} < ${c.lit(0)}), ${c.lit(1)}, ${a} > ${c.lit(0)})`),
  floor: ([a]) => `floor(${a})`,
  sqrt: floatHelper('sqrt'),
  exp: floatHelper('exp'),
  log: floatHelper('log'),
  log1p: floatHelper('log1p'),
  expm1: floatHelper('expm1'),
  sin: floatHelper('sin'),
  cos: floatHelper('cos'),
  tan: floatHelper('tan'),
  tanh: floatHelper('tanh'),
  logistic: floatHelper('logistic'),
  add: ([a, b]) => `(${a} + ${b})`,
  sub: ([a, b]) => `(${a} - ${b})`,
  mul: ([a, b]) => `(${a} * ${b})`,
  div: ([a, b], c) => (isFloatType(c.out) ? `(${a} / ${b})` : `select(${a} / ${b}, 0i, ${b} == 0i)`),
  pow: floatHelper('pow'),
  // NaN from either side; ties keep the first operand, as the reference (max(-0, 0) is -0).
  max: ([a, b], c) => (isFloatType(c.out) ? `max_${suffix(c.type)}(${a}, ${b})` : `select(${b}, ${a}, ${a} >= ${b})`),
  min: ([a, b], c) => (isFloatType(c.out) ? `min_${suffix(c.type)}(${a}, ${b})` : `select(${b}, ${a}, ${a} <= ${b})`),
  lt: compare('<'),
  le: compare('<='),
  gt: compare('>'),
  ge: compare('>='),
  eq: compare('=='),
  // NB: `!(a == b)`, so that NaN != NaN whichever ordered/unordered form the compiler picks for `!=`.
  ne: ([a, b]) => `select(0i, 1i, !(${a} == ${b}))`,
  where: ([p, t, f]) => `select(${f}, ${t}, ${p} != 0i)`,
  cast: ([a], c) => convert(a, c.args[0], c.out),
};

/** How each reduction starts and folds, in WGSL. */
export interface WgslReduce {
  identity(dtype: DType): string;
  /** Folds `b` into `a`; also joins two partial results of the tree (the same rule serves both). */
  combine(a: string, b: string, dtype: DType): string;
}

export const WGSL_REDUCE: { readonly [R in ReduceOp]: WgslReduce } = {
  sum: { identity: (d) => (isFloatType(d) ? '0f' : '0i'), combine: (a, b) => `(${a} + ${b})` },
  prod: { identity: (d) => (isFloatType(d) ? '1f' : '1i'), combine: (a, b) => `(${a} * ${b})` },
  // NB: once the accumulator is NaN neither test passes, so it stays NaN, as the reference's step.
  max: {
    identity: (d) => (isFloatType(d) ? '(-inf_f32())' : d === 'bool' ? '0i' : '(-2147483647i - 1i)'),
    combine: (a, b, d) => (isFloatType(d) ? `select(${a}, ${b}, ${b} > ${a} || isnan_f32(${b}))` : `max(${a}, ${b})`),
  },
  min: {
    identity: (d) => (isFloatType(d) ? 'inf_f32()' : d === 'bool' ? '1i' : '2147483647i'),
    combine: (a, b, d) => (isFloatType(d) ? `select(${a}, ${b}, ${b} < ${a} || isnan_f32(${b}))` : `min(${a}, ${b})`),
  },
};

/** `v` as a WGSL literal of `dtype` (NaN and ±Inf through the helpers: as constants they are shader-creation errors). */
export function literalWgsl(v: number, dtype: DType): string {
  if (dtype !== 'float32' && dtype !== 'float64') {
    if (v === -2147483648) return '(-2147483647i - 1i)';
    return v < 0 ? `(${v}i)` : `${v}i`;
  }
  const x = Math.fround(v);
  if (Number.isNaN(x)) return 'nan_f32()';
  if (x === Infinity) return 'inf_f32()';
  if (x === -Infinity) return '(-inf_f32())';
  if (Object.is(x, -0)) return '(-0f)';
  return x < 0 ? `(${x}f)` : `${x}f`;
}

/** NB: WGSL has no f64; a float64 value inside a kernel (never at its edges: the GPU stores none) is an f32. */
export const isFloatType = (d: DType): boolean => d === 'float32' || d === 'float64';

/** Ops whose rule exists for float types only (a helper or builtin of f32). */
export const FLOAT_ONLY: ReadonlySet<ScalarOp> = new Set<ScalarOp>([
  'pow', 'exp', 'log', 'log1p', 'expm1', 'sin', 'cos', 'tan', 'tanh', 'logistic', 'sqrt',
]);

/** `f32` -> `f32`, `vec4<f32>` -> `v4f32`: the name suffix of the helper for that type. */
export function suffix(type: string): string {
  return type === 'vec4<f32>' ? 'v4f32' : type;
}

function floatHelper(name: string): WgslOp {
  return (a, c) => `${name}_${suffix(c.type)}(${a.join(', ')})`;
}

function compare(op: string): WgslOp {
  return ([a, b]) => `select(0i, 1i, ${a} ${op} ${b})`;
}

/**
 * As the reference stores a cast: float to int truncates (NaN to 0; WGSL saturates where the
 * reference wraps, beyond ±2^31), anything to bool is "not zero" (NaN is true).
 */
function convert(a: string, from: DType, to: DType): string {
  const f = from === 'float32' || from === 'float64';
  if (to === 'bool') return f ? `select(0i, 1i, !(${a} == 0f))` : `select(0i, 1i, ${a} != 0i)`;
  if (to === 'int32') return f ? `select(i32(${a}), 0i, isnan_f32(${a}))` : a;
  return f ? a : `f32(${a})`;
}

/** The helpers a kernel over values of WGSL type `T` may call. */
export function wgslHelpers(T: 'f32' | 'vec4<f32>'): string {
  const s = suffix(T);
  const B = T === 'f32' ? 'bool' : 'vec4<bool>';
  const U = T === 'f32' ? 'u32' : 'vec4<u32>';
  const l = (v: string) => `${T}(${v})`;
  return `
fn isnan_${s}(x: ${T}) -> ${B} { return (bitcast<${U}>(x) & ${U}(0x7fffffffu)) > ${U}(0x7f800000u); }
fn isinf_${s}(x: ${T}) -> ${B} { return (bitcast<${U}>(x) & ${U}(0x7fffffffu)) == ${U}(0x7f800000u); }
fn nan_${s}() -> ${T} { return ${T}(bitcast<f32>(nanBits)); }
fn inf_${s}() -> ${T} { return ${T}(bitcast<f32>(infBits)); }
fn max_${s}(a: ${T}, b: ${T}) -> ${T} { return select(select(b, a, a >= b), nan_${s}(), isnan_${s}(a) | isnan_${s}(b)); }
fn min_${s}(a: ${T}, b: ${T}) -> ${T} { return select(select(b, a, a <= b), nan_${s}(), isnan_${s}(a) | isnan_${s}(b)); }
// From the bits: a GPU may flush a subnormal to zero before comparing it (SwiftShader does).
fn sign_${s}(x: ${T}) -> ${T} {
  let bits = bitcast<${U}>(x);
  let r = select(${l('1f')}, ${l('-1f')}, (bits >> ${U}(31u)) == ${U}(1u));
  return select(r, x, ((bits & ${U}(0x7fffffffu)) == ${U}(0u)) | isnan_${s}(x));
}
// sin and cos as Cephes computes them in float32: x reduced by octant (pi/4 in three parts),
// then a polynomial, within 2 ulps where |x| < 8192. The builtins promise only 2^-11 absolute
// (SwiftShader: 9e-5 at |x| = 30); beyond 8192 they are used, the reduction having run out of bits.
fn trig_${s}(x: ${T}, cosine: bool) -> ${T} {
  let ax = abs(x);
  var j = floor(ax * ${l('1.2732395f')});
  j = j + select(${l('0f')}, ${l('1f')}, !(fract(j * ${l('0.5f')}) == ${l('0f')}));
  let y = ((ax - j * ${l('0.78515625f')}) - j * ${l('2.418756484985352e-4f')}) - j * ${l('3.774894977445941e-8f')};
  let q = j - ${l('8f')} * floor(j * ${l('0.125f')}) + select(${l('0f')}, ${l('2f')}, cosine);
  let octant = q - ${l('8f')} * floor(q * ${l('0.125f')});
  let z = y * y;
  let ps = y + y * z * ((${l('-1.9515296e-4f')} * z + ${l('8.332161e-3f')}) * z - ${l('0.16666655f')});
  let pc = ${l('1f')} - ${l('0.5f')} * z + z * z * ((${l('2.4433157e-5f')} * z - ${l('1.3887316e-3f')}) * z + ${l('4.1666646e-2f')});
  let odd = (octant == ${l('2f')}) | (octant == ${l('6f')});
  var r = select(ps, pc, odd);
  r = select(r, -r, octant >= ${l('4f')});
  if (!cosine) { r = select(r, -r, x < ${l('0f')}); }
  let builtin = select(sin(x), cos(x), cosine);
  return select(select(r, builtin, ax >= ${l('8192f')}), nan_${s}(), isinf_${s}(x) | isnan_${s}(x));
}
fn sin_${s}(x: ${T}) -> ${T} { return trig_${s}(x, false); }
fn cos_${s}(x: ${T}) -> ${T} { return trig_${s}(x, true); }
fn tan_${s}(x: ${T}) -> ${T} { return trig_${s}(x, false) / trig_${s}(x, true); }
fn exp_${s}(x: ${T}) -> ${T} {
  return select(select(exp(x), ${l('0f')}, x < ${l('-104f')}), inf_${s}(), x > ${l('88.8f')});
}
fn log_${s}(x: ${T}) -> ${T} {
  let r = select(select(log(x), -inf_${s}(), x == ${l('0f')}), inf_${s}(), isinf_${s}(x) & (x > ${l('0f')}));
  return select(r, nan_${s}(), (x < ${l('0f')}) | isnan_${s}(x));
}
fn sqrt_${s}(x: ${T}) -> ${T} {
  return select(select(sqrt(x), x, (x == ${l('0f')}) | isinf_${s}(x)), nan_${s}(), (x < ${l('0f')}) | isnan_${s}(x));
}
// Near 0, log and exp carry an absolute error of about one ulp of 1, which is no relative
// precision at all: there log1p and expm1 are their Taylor series (error below x^6/7 relative).
fn log1p_${s}(x: ${T}) -> ${T} {
  let series = x * (${l('1f')} - x * (${l('0.5f')} - x * (${l('0.33333334f')} - x * (${l('0.25f')} - x * (${l('0.2f')} - x * ${l('0.16666667f')})))));
  let big = select(log_${s}(${l('1f')} + x), x, isinf_${s}(x) & (x > ${l('0f')}));
  return select(big, series, abs(x) < ${l('0.05f')});
}
fn expm1_${s}(x: ${T}) -> ${T} {
  let series = x * (${l('1f')} + x * (${l('0.5f')} + x * (${l('0.16666667f')} + x * (${l('0.041666668f')} + x * (${l('0.008333334f')} + x * ${l('0.0013888889f')})))));
  return select(exp_${s}(x) - ${l('1f')}, series, abs(x) < ${l('0.05f')});
}
fn tanh_${s}(x: ${T}) -> ${T} {
  let e = exp_${s}(${l('-2f')} * abs(x));
  let t = (${l('1f')} - e) / (${l('1f')} + e);
  let x2 = x * x;
  let small = x * (${l('1f')} - x2 * (${l('0.33333334f')} - x2 * ${l('0.13333334f')}));
  return select(select(t, -t, x < ${l('0f')}), small, abs(x) < ${l('0.0625f')});
}
// The reference's stable form: exp never overflows on either side; 0 where PyTorch's 1 / (1 + exp(-x)) overflows.
fn logistic_${s}(x: ${T}) -> ${T} {
  let e = exp_${s}(-abs(x));
  let r = ${l('1f')} / (${l('1f')} + e);
  return select(select(e * r, r, x >= ${l('0f')}), ${l('0f')}, x < ${l(`${LOGISTIC_ZERO_BELOW.float32}f`)});
}
// Math.pow: exp2(y log2|x|), then the cases IEEE fixes (0, Inf, NaN, negative bases).
fn pow_${s}(x: ${T}, y: ${T}) -> ${T} {
  let ax = abs(x);
  var r = exp2(y * log2(ax));
  r = select(r, select(${l('0f')}, inf_${s}(), y < ${l('0f')}), ax == ${l('0f')});
  r = select(r, select(inf_${s}(), ${l('0f')}, y < ${l('0f')}), isinf_${s}(ax));
  let big = ax > ${l('1f')};
  r = select(r, select(select(${l('0f')}, inf_${s}(), big), select(inf_${s}(), ${l('0f')}, big), y < ${l('0f')}), isinf_${s}(y));
  r = select(r, nan_${s}(), isinf_${s}(y) & (ax == ${l('1f')}));
  let integral = floor(y) == y;
  let negative = (bitcast<${U}>(x) >> ${U}(31u)) == ${U}(1u);
  let finiteBase = !isinf_${s}(ax) & !(ax == ${l('0f')});
  r = select(r, nan_${s}(), negative & !integral & !isinf_${s}(y) & finiteBase);
  r = select(r, -r, negative & integral & !isinf_${s}(y) & !(fract(y * ${l('0.5f')}) == ${l('0f')}));
  r = select(r, nan_${s}(), isnan_${s}(x) | isnan_${s}(y));
  return select(r, ${l('1f')}, y == ${l('0f')});
}
`;
}
