import { Random } from '../../../runtime/core';
import type { Ops } from '../../../runtime/ops';

/** A program over Ops<T>: the same code runs eagerly on a backend and on tracers. */
export type Program = <T>(o: Ops<T>, xs: readonly T[]) => T[];

/** Shapes of the inputs every random program takes: two matrices and a row that broadcasts. */
export const PROGRAM_INPUTS: readonly (readonly number[])[] = [[2, 3], [2, 3], [3]];

type Step = <T>(o: Ops<T>, a: T, b: T) => T;

const M = [2, 3] as const;
/** Windows of two along the rows, padded on the right: f32[2,3] in, f32[2,3] windows out. */
const WINDOW_1x2 = {
  windowDimensions: [1, 2], windowStrides: [1, 1], padding: [[0, 0], [0, 1]] as [number, number][], baseDilation: [1, 1], windowDilation: [1, 1],
};
// Each step maps f32[2,3] operands to an f32[2,3] result, kept inside each op's domain.
const STEPS: readonly Step[] = [
  (o, a, b) => o.add(a, b),
  (o, a, b) => o.sub(a, b),
  (o, a, b) => o.mul(a, b),
  (o, a, b) => o.div(a, o.add(o.abs(b), o.scalarLike(1, b))),
  (o, a, b) => o.pow(o.add(o.abs(a), o.scalarLike(0.5, a)), o.tanh(b)),
  (o, a, b) => o.max(a, b),
  (o, a, b) => o.min(a, o.mul(b, o.scalarLike(0.5, b))),
  (o, a, b) => o.select(o.lt(a, b), a, o.neg(b)),
  (o, a, b) => o.select(o.ge(a, o.scalarLike(0, a)), b, a),
  (o, a, b) => o.mul(o.convert(o.ne(a, b), 'float32'), o.convert(o.le(a, b), 'float32')),
  // lax's bitwise ops on masks (jnp.logical_and, ~, |, ^): a select between operands.
  (o, a, b) => o.select(o.bind('and', [o.lt(a, b), o.gt(a, o.scalarLike(0, a))], {}), a, b),
  (o, a, b) => o.select(o.bind('or', [o.bind('not', [o.lt(a, b)], {}), o.bind('xor', [o.gt(a, o.scalarLike(0, a)), o.gt(b, o.scalarLike(0, b))], {})], {}), b, o.neg(a)),
  (o, a) => o.integerPow(a, 2),
  (o, a) => o.integerPow(o.tanh(a), 3),
  (o, a) => o.exp(o.tanh(a)),
  (o, a) => o.log(o.add(o.abs(a), o.scalarLike(1, a))),
  (o, a) => o.log1p(o.abs(a)),
  (o, a) => o.expm1(o.tanh(a)),
  (o, a) => o.sin(a),
  (o, a) => o.cos(a),
  (o, a) => o.tan(o.mul(o.tanh(a), o.scalarLike(1.2, a))),
  (o, a) => o.logistic(a),
  (o, a) => o.sqrt(o.abs(a)),
  (o, a) => o.rsqrt(o.add(o.abs(a), o.scalarLike(0.5, a))),
  (o, a) => o.sign(a),
  (o, a) => o.broadcastInDim(o.reduceSum(a, [1]), [...M], [0]),
  (o, a) => o.broadcastInDim(o.reduceMax(a, [0]), [...M], [1]),
  (o, a) => o.broadcastInDim(o.reduceMin(a, [0, 1]), [...M], []),
  (o, a) => o.broadcastInDim(o.reduceProd(o.tanh(a), [1]), [...M], [0]),
  (o, a) => o.broadcastInDim(o.convert(o.argmax(a, 1), 'float32'), [...M], [0]),
  (o, a) => o.reshape(o.transpose(a, [1, 0]), [...M]),
  (o, a) => o.squeeze(o.expandDims(a, [0]), [0]),
  (o, a, b) => o.pad(o.dotGeneral(a, b, { lhsContracting: [1], rhsContracting: [1], lhsBatch: [], rhsBatch: [] }), [0, 0], [0, 1], 0.5),
  (o, a, b) => o.slice(o.concatenate([a, b], 1), [0, 0], [2, 6], [1, 2]),
  (o, a) => o.gather(a, o.convert(o.sub(o.scalarLike(2, a), o.iota('float32', [3], 0)), 'int32'), 1),
  (o, a) => o.scatterAdd(a, o.iota('int32', [3], 0), 1, [...M]),
  (o, a) => o.convert(o.mul(o.convert(a, 'float64'), o.scalar(0.25, 'float64')), 'float32'),
  (o, a) => o.bind('erf', [a], {}),
  (o, a) => o.bind('erfinv', [o.mul(o.tanh(a), o.scalarLike(0.9, a))], {}),
  (o, a) => o.bind('cumsum', [a], { axis: 1, reverse: false }),
  (o, a) => o.bind('cumprod', [o.tanh(a)], { axis: 0, reverse: true }),
  (o, a) => o.bind('cummax', [a], { axis: 1, reverse: true }),
  (o, a) => o.bind('cummin', [a], { axis: 0, reverse: false }),
  (o, a) => o.bind('cumlogsumexp', [a], { axis: 1, reverse: false }),
  (o, a) => o.bind('sort', [a], { dimension: 1, descending: true }),
  (o, a) => o.convert(o.bind('argsort', [a], { dimension: 0, descending: false, indexDtype: 'int32' }), 'float32'),
  (o, a) => o.rev(a, [1]),
  // a as one example of 2 channels and width 3, b as a depthwise kernel of width 3, padded to keep the width
  (o, a, b) => o.reshape(o.conv(o.reshape(a, [1, 2, 3]), o.reshape(b, [2, 1, 3]), {
    windowStrides: [1], padding: [[1, 1]], lhsDilation: [1], rhsDilation: [1],
    dimensionNumbers: { lhsSpec: [0, 1, 2], rhsSpec: [0, 1, 2], outSpec: [0, 1, 2] }, featureGroupCount: 2, batchGroupCount: 1,
  }), [...M]),
  (o, a) => o.reduceWindowSum(a, WINDOW_1x2),
  (o, a) => o.reduceWindowMax(a, { ...WINDOW_1x2, windowDimensions: [2, 2], padding: [[1, 0], [1, 0]] }),
  (o, a, b) => o.selectAndGatherAdd(b, a, WINDOW_1x2),
  (o, a, b) => o.selectAndScatterAdd(b, a, WINDOW_1x2),
];

/** A random straight-line program of `length` steps over a pool of values; it returns the last two. */
export function randomProgram(seed: number, length: number): Program {
  const rng = new Random(seed);
  const plan = Array.from({ length }, () => ({ step: rng.int(0, STEPS.length), a: rng.uniform(), b: rng.uniform() }));
  return <T>(o: Ops<T>, xs: readonly T[]): T[] => {
    const pool: T[] = [xs[0], xs[1], o.broadcastTo(xs[2], M)];
    for (const { step, a, b } of plan) {
      const pick = (u: number) => pool[Math.floor(u * pool.length)];
      pool.push(STEPS[step](o, pick(a), pick(b)));
    }
    return pool.slice(-2);
  };
}

export const STEP_COUNT = STEPS.length;

/**
 * A program of the primitives the random steps leave out: floor, ceil, round and rem jump at every
 * integer or half (of x, of x / y) and cbrt's slope is infinite at 0, where the central differences of the grad checks
 * that share STEPS break.
 */
export const PIECEWISE_PROGRAM: Program = <T>(o: Ops<T>, xs: readonly T[]): T[] => {
  const [a, b, row] = [xs[0], xs[1], o.broadcastTo(xs[2], M)];
  const divisor = o.add(o.abs(b), o.scalarLike(0.5, b));
  const remainder = o.bind('rem', [o.mul(row, o.scalarLike(3, row)), divisor], {});
  const rounded = o.add(o.bind('ceil', [a], {}), o.bind('round', [o.mul(b, o.scalarLike(3, b))], { roundingMethod: 1 }));
  return [o.bind('floor', [o.mul(a, o.scalarLike(2, a))], {}), o.bind('cbrt', [o.sub(remainder, b)], {}), rounded];
};

/**
 * A program of the primitives whose operands the random steps cannot pick from the pool: the int32
 * start scalars of dynamic_slice and dynamic_update_slice, and logit's (0, 1). Their gradients and
 * batching have their own cases (test/unit/autodiff, test/unit/batching).
 */
export const STARTS_AND_UNIT_INTERVAL_PROGRAM: Program = <T>(o: Ops<T>, xs: readonly T[]): T[] => {
  const [a, b] = xs;
  const start = (i: number) => o.scalar(i, 'int32');
  const window = o.bind('dynamic_slice', [a, start(0), start(5)], { sliceSizes: [2, 2] });
  const updated = o.bind('dynamic_update_slice', [b, o.mul(window, window), start(-1), start(1)], {});
  const unit = o.add(o.mul(o.logistic(a), o.scalarLike(0.8, a)), o.scalarLike(0.1, a));
  return [updated, o.bind('logit', [unit], { eps: null }), o.bind('logit', [o.logistic(b)], { eps: 0.2 })];
};
