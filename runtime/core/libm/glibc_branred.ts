/**
 * glibc's reduction of a huge argument by pi/2 (sysdeps/ieee754/dbl-64/branred.c, IBM's Accurate
 * Mathematical Library), which its sin, cos and tan call past |x| = 105414350 and 1e8: x splits
 * into two 27-bit halves, each multiplied by six 24-bit pieces of 2/pi chosen by its exponent, the
 * whole turns dropped, and the rest times pi/2 summed as a double-double. branred.c is built once,
 * for plain x86-64: every operation rounds on its own (no fma).
 */

/** 2/pi in base 2^24: toverp[i] is the i-th 24-bit digit. */
const TOVERP = [
  10680707, 7228996, 1387004, 2578385, 16069853, 12639074, 9804092, 4427841, 16666979, 11263675,
  12935607, 2387514, 4345298, 14681673, 3074569, 13734428, 16653803, 1880361, 10960616, 8533493,
  3062596, 8710556, 7349940, 6258241, 3772886, 3769171, 3798172, 8675211, 12450088, 3874808,
  9961438, 366607, 15675153, 9132554, 7151469, 3571407, 2607881, 12013382, 4155038, 6285869,
  7677882, 13102053, 15825725, 473591, 9065106, 15363067, 6271263, 9264392, 5636912, 4652155,
  7056368, 13614112, 10155062, 1944035, 9527646, 15080200, 6658437, 6231200, 6832269, 16767104,
  5075751, 3212806, 1398474, 7579849, 6349435, 12618859, 4703257, 12806093, 14477321, 2786137,
  12875403, 9837734, 14528324, 13719321, 343717,
];
const SPLIT = 134217729; // 2^27 + 1
const BIG = 6755399441055744; // 1.5 2^52: adding it rounds to an integer
const BIG1 = 27021597764222976; // 1.5 2^54: adding it rounds to a multiple of 4
const HP0 = 1.5707963267948966;
const HP1 = 6.123233995736766e-17;
const MP1 = 1.5707963407039642;
const MP2 = -1.3909067675399456e-8;

const view = new DataView(new ArrayBuffer(8));
const r = new Float64Array(6);

/** One half of x (a 27-bit value scaled by 2^-600) times 2/pi: [whole turns mod 4 about, b, bb] with b + bb its fraction. */
function part(x: number): [number, number, number] {
  view.setFloat64(0, x);
  const k = Math.max(0, Math.trunc((((view.getUint32(0) >>> 20) & 2047) - 450) / 24));
  let gor = 2 ** (576 - 24 * k);
  for (let i = 0; i < 6; i++) {
    r[i] = x * TOVERP[k + i]! * gor;
    gor *= 2 ** -24;
  }
  let sum = 0;
  for (let i = 0; i < 3; i++) {
    const s = r[i]! + BIG - BIG;
    sum += s;
    r[i] -= s;
  }
  let t = 0;
  for (let i = 0; i < 6; i++) t += r[5 - i]!;
  let bb = r[0]! - t + r[1]! + r[2]! + r[3]! + r[4]! + r[5]!;
  let s = t + BIG - BIG;
  sum += s;
  t -= s;
  const b = t + bb;
  bb = t - b + bb;
  s = sum + BIG1 - BIG1;
  sum -= s;
  return [sum, b, bb];
}

/** x = n pi/2 + (a + aa) with |a + aa| <= pi/4 about: [n mod 4, a, aa]. */
export function branred(x: number): [number, number, number] {
  x *= 2 ** -600;
  let t = x * SPLIT;
  const x1 = t - (t - x);
  const x2 = x - x1;
  const [sum1, b1, bb1] = part(x1);
  const [sum2, b2, bb2] = part(x2);
  let sum = sum1 + sum2;
  let b = b1 + b2;
  let bb = Math.abs(b1) > Math.abs(b2) ? b1 - b + b2 : b2 - b + b1;
  if (b > 0.5) {
    b -= 1;
    sum += 1;
  } else if (b < -0.5) {
    b += 1;
    sum -= 1;
  }
  let s = b + (bb + bb1 + bb2);
  t = b - s + bb + (bb1 + bb2);
  b = s * SPLIT;
  const t1 = b - (b - s);
  const t2 = s - t1;
  b = s * HP0;
  bb = t1 * MP1 - b + t1 * MP2 + t2 * MP1 + (t2 * MP2 + s * HP1 + t * HP0);
  s = b + bb;
  return [sum & 3, s, b - s + bb];
}
