/**
 * libm as CPython computes it: the float64 functions of Python's `math` module, `**` on floats
 * and the `random` module. V8's `Math` functions are fdlibm's, off by one unit in the last place
 * for 1-10% of inputs where CPython (glibc) rounds correctly; here exp, log, pow, the trigonometric
 * functions, exp2 and log2 are correctly rounded (glibc's agree but for ~0.1%), and the functions
 * glibc still computes with fdlibm's formulas are written as glibc writes them (hyperbolic.ts).
 */
export { exp, log, pow } from './exp_log';
export { atan, atan2, cos, sin, tan } from './trig';
export { frexp } from './double_double';
export { erf, erfc, erfinv, erfinvFloat32 } from './erf';
export { acos, acosh, asin, asinh, cbrt, cosh, exp2, log10, log2, sinh } from './hyperbolic';
export { hypot } from './hypot';
