/**
 * fma (fused.ts) as a WebAssembly function: the same double operations in the same order, where
 * s + (e + pl) is no halfway point and nothing is infinite or NaN; elsewhere it returns what
 * fmaRare (in JS, given the same values) returns. NB: optimized JS passes a wasm function's doubles
 * unboxed, where a call of a JS fma that V8 does not inline boxes three arguments and the result, and
 * a libm function calls fma more times than V8's inlining budget takes: glibc's exp, log, sin and pow
 * take a third less time so, and W6's (NumPy's polynomial fit) x ** 3 makes half the garbage.
 */
import { F64, section, str, uleb, vec } from '../../wasm/module';

export type FmaRare = (a: number, b: number, c: number, s: number, e: number, pl: number, r: number, h: number) => number;

// The parameters a, b, c, then the locals, in the order fma computes them.
const [A, B, C, P, S, PL, T, AH, AL, BH, BL, CV, E, V, R, H] = [0, 1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12, 13, 14, 15] as const;
const LOCALS = 13;

const get = (local: number): number[] => [0x20, local];
const set = (local: number): number[] => [0x21, local];
const tee = (local: number): number[] => [0x22, local];
const f64 = (x: number): number[] => {
  const view = new DataView(new ArrayBuffer(8));
  view.setFloat64(0, x, true);
  return [0x44, ...new Uint8Array(view.buffer)];
};
const ADD = 0xa0;
const SUB = 0xa1;
const MUL = 0xa2;
const ABS = 0x99;
const EQ = 0x61;
const NE = 0x62;
const LT = 0x63;
const AND = 0x71;
/** `if (condition on the stack) return local;` */
const returnIf = (local: number): number[] => [0x04, 0x40, ...get(local), 0x0f, 0x0b];
const SPLITTER = 134217729; // 2^27 + 1
/** Veltkamp's split of x into hi + lo, hi of 26 bits: t = SPLITTER * x; hi = t - (t - x); lo = x - hi. */
const split = (x: number, hi: number, lo: number): number[] =>
  [...f64(SPLITTER), ...get(x), MUL, ...tee(T), ...get(T), ...get(x), SUB, SUB, ...set(hi), ...get(x), ...get(hi), SUB, ...set(lo)];

const BODY = [
  ...uleb(1), ...uleb(LOCALS), F64,
  ...get(A), ...get(B), MUL, ...set(P), // p = a * b
  ...get(P), ...get(C), ADD, ...set(S), // s = p + c
  // pl = productError(a, b, p) = ah * bh - p + ah * bl + al * bh + al * bl
  ...split(A, AH, AL), ...split(B, BH, BL),
  ...get(AH), ...get(BH), MUL, ...get(P), SUB, ...get(AH), ...get(BL), MUL, ADD, ...get(AL), ...get(BH), MUL, ADD, ...get(AL), ...get(BL), MUL, ADD, ...tee(PL),
  ...f64(0), EQ, ...returnIf(S), // if (pl === 0) return s
  ...get(S), ...get(P), SUB, ...set(CV), // cv = s - p
  ...get(P), ...get(S), ...get(CV), SUB, SUB, ...get(C), ...get(CV), SUB, ADD, ...set(E), // e = p - (s - cv) + (c - cv)
  ...get(E), ...get(PL), ADD, ...set(V), // v = e + pl
  ...get(S), ...get(V), ADD, ...set(R), // r = s + v
  ...get(V), ...get(R), ...get(S), SUB, SUB, ...tee(H), // h = v - (r - s)
  ...f64(0), EQ, ...returnIf(R), // if (h === 0) return r
  // if (r + 2 * h - r !== 2 * h && Math.abs(r) < Infinity) return r
  ...get(R), ...f64(2), ...get(H), MUL, ADD, ...get(R), SUB, ...f64(2), ...get(H), MUL, NE, ...get(R), ABS, ...f64(Infinity), LT, AND, ...returnIf(R),
  // return fmaRare(a, b, c, s, e, pl, r, h)
  ...[A, B, C, S, E, PL, R, H].flatMap(get), 0x10, 0x00,
  0x0b,
];

export function wasmFma(rare: FmaRare): (a: number, b: number, c: number) => number {
  const fmaType = [0x60, ...uleb(3), F64, F64, F64, ...uleb(1), F64];
  const rareType = [0x60, ...uleb(8), ...new Array<number>(8).fill(F64), ...uleb(1), F64];
  const bytes = [0x00, 0x61, 0x73, 0x6d, 0x01, 0x00, 0x00, 0x00,
    ...section(1, vec([fmaType, rareType])),
    ...section(2, vec([[...str('m'), ...str('rare'), 0x00, 0x01]])),
    ...section(3, vec([[0x00]])),
    ...section(7, vec([[...str('fma'), 0x00, 0x01]])),
    ...section(10, vec([[...uleb(BODY.length), ...BODY]]))];
  const instance = new WebAssembly.Instance(new WebAssembly.Module(new Uint8Array(bytes)), { m: { rare } });
  return instance.exports.fma as (a: number, b: number, c: number) => number;
}
