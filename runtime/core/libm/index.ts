/**
 * libm as CPython computes it: the float64 functions of Python's `math` module, `**` on floats
 * and the `random` module, as Debian's x86-64 glibc 2.36 runs them on a CPU with FMA. exp, exp2,
 * log, log2, pow, sin, cos, tan, atan, atan2, asin, acos, expm1, log1p, erf and erfc are glibc's
 * algorithms with their fused multiply-adds where glibc's FMA variants have them (bit for bit
 * with CPython over 100,000 random arguments each), and the functions glibc builds over them
 * (sinh, cosh, tanh, asinh, acosh, atanh, log10, cbrt: fdlibm's formulas) follow; remainder and
 * ldexp are exact, as CPython's and C's are. V8's `Math` (fdlibm) is off by an ulp for 1-10% of
 * arguments. NumPy's float64 ufuncs call these on a CPU without AVX-512 (the reference backend's
 * float64 kernels do too), except tanh, which NumPy computes with its own SIMD polynomial (numpyTanh).
 * NumPy's own float32 exp, log, sin, cos and tanh (numpyExpf, ...) are its SIMD kernels; glibc's float
 * functions (expm1f, log1pf, atanf, asinf, acosf, cbrtf, tanf, sinhf, coshf, asinhf, acoshf, atanhf,
 * exp2f, log2f, log10f, powf; expf and logf inside them) are what NumPy calls for float32 without AVX-512.
 * PyTorch's float32 exp, log and tanh on an AVX2 CPU are SLEEF's (sleefExpf, sleefLogf, sleefTanhf).
 * PyTorch's float32 sin and cos on an AVX2 CPU are Sleef's too (sleefSinf, sleefCosf), their reduction chosen per vector.
 */
export { glibcPow as pow, glibcPowIntegerInto as powIntegerInto } from './glibc_pow';
export { MAX_FAST_EXPONENT as POW_INTEGER_INTO_MAX } from './pow_integer';
export { glibcExp as exp } from './glibc_exp';
export { glibcExp2 as exp2 } from './glibc_exp2';
export { glibcLog as log } from './glibc_log';
export { glibcLog2 as log2 } from './glibc_log2';
export { glibcCos as cos, glibcSin as sin } from './glibc_sincos';
export { glibcTan as tan } from './glibc_tan';
export { glibcAtan as atan } from './glibc_atan';
export { glibcAtan2 as atan2 } from './glibc_atan2';
export { glibcAcos as acos, glibcAsin as asin } from './glibc_asin';
export { frexp, ldexp } from './exponent';
export { remainder } from './remainder';
export { ERFC_FITS, erf, erfc, erfinv, erfinvFloat32 } from './erf';
export { acosh, asinh, cbrt, cosh, log10, sinh } from './hyperbolic';
export { hypot } from './hypot';
export { glibcAtanh as atanh, glibcExpm1 as expm1, glibcLog1p as log1p, glibcTanh as tanh } from './glibc_expm1_log1p';
export { numpyTanh } from './numpy_tanh';
export { numpyCosf, numpyExpf, numpyLogf, numpySinf, numpyTanhf } from './numpy_float32';
export { glibcAcosf, glibcAsinf, glibcAtanf, glibcCbrtf, glibcExpm1f, glibcLog1pf } from './glibc_float32';
export { glibcExp2f, glibcExpf, glibcLog10f, glibcLog2f, glibcLogf } from './glibc_expf_logf';
export { glibcAcoshf, glibcAsinhf, glibcAtanhf, glibcCoshf, glibcSinhf } from './glibc_hyperbolicf';
export { glibcTanf } from './glibc_tanf';
export { glibcPowf } from './glibc_powf';
export { sleefExpf, sleefLogf, sleefTanhf } from './sleef_expf_logf';
export { SLEEF_TRIG_RANGE_F, sleefCosf, sleefSinf } from './sleef_float32';
