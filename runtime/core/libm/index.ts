/**
 * libm as CPython computes it: the float64 functions of Python's `math` module, `**` on floats
 * and the `random` module, as Debian's x86-64 glibc 2.36 runs them on a CPU with FMA. exp, log,
 * pow, sin, cos, atan, expm1 and log1p are glibc's algorithms with their fused multiply-adds where
 * glibc's FMA variants have them (bit for bit over 100,000 random arguments each), and the
 * functions glibc builds over them (sinh, cosh, tanh, asinh, acosh, atanh, log10: fdlibm's
 * formulas) follow. tan, atan2, asin, acos, exp2, log2 are correctly rounded (glibc's IBM
 * code agrees but for 0.003-0.24% of arguments); V8's `Math` (fdlibm) is off for 1-10%.
 */
export { glibcPow as pow } from './glibc_pow';
export { glibcExp as exp } from './glibc_exp';
export { glibcLog as log } from './glibc_log';
export { glibcCos as cos, glibcSin as sin } from './glibc_sincos';
export { glibcAtan as atan } from './glibc_atan';
export { atan2, tan } from './trig';
export { frexp } from './double_double';
export { ERFC_FITS, erf, erfc, erfinv, erfinvFloat32 } from './erf';
export { acos, acosh, asin, asinh, cbrt, cosh, exp2, log10, log2, sinh } from './hyperbolic';
export { hypot } from './hypot';
export { glibcAtanh as atanh, glibcExpm1 as expm1, glibcLog1p as log1p, glibcTanh as tanh } from './glibc_expm1_log1p';
