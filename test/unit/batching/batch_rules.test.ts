import * as assert from 'node:assert/strict';
import { createReferenceBackend, type Backend, type DeviceArray } from '../../../runtime/backends';
import { BATCH_RULES, type BatchRule } from '../../../runtime/batching';
import { formatShape, Random, sizeOf, stridesOf, wordsPerElement, type AbstractValue, type DType } from '../../../runtime/core';
import { BackendEmitter, Ops, type Emitter } from '../../../runtime/ops';
import { PRIMITIVES, type ParamsOf, type Primitive } from '../../../runtime/primitives';
import { SEED, streamFor } from '../support/seed';
import { CASES, type BatchCase } from './batch_cases';

/**
 * Every batching rule against its definition: the batched result, batch axis moved to the
 * front, equals the primitive applied to each example alone and stacked.
 */
const RTOL = 1e-12;
const AXIS_SIZES = [1, 3];
/** Arithmetic whose batched form may sum in another order; every other op must match exactly. */
const ROUNDS = new Set<Primitive>([
  'add', 'sub', 'mul', 'div', 'pow', 'integer_pow', 'exp', 'log', 'log1p', 'expm1', 'sin', 'cos', 'tan', 'tanh',
  'logistic', 'sqrt', 'rsqrt', 'reduce_sum', 'reduce_prod', 'scatter_add', 'dot_general', 'conv_general_dilated', 'reduce_window_sum',
  'select_and_scatter_add',
]);

const ruleOf = (prim: Primitive) => BATCH_RULES[prim] as BatchRule<Primitive>;
type Placement = readonly (number | null)[];

/** Row-major values of an array of `shape` with axis `from` moved to `to`. */
function moveaxisHost(values: readonly number[], shape: readonly number[], from: number, to: number): number[] {
  if (from === to) return [...values];
  const axes = shape.map((_, i) => i).filter((d) => d !== from);
  axes.splice(to, 0, from);
  const outShape = axes.map((a) => shape[a]);
  const strides = stridesOf(shape);
  const out: number[] = [];
  const coord = outShape.map(() => 0);
  for (let k = 0; k < values.length; k++) {
    out.push(values[coord.reduce((acc, c, i) => acc + c * strides[axes[i]], 0)]);
    for (let a = coord.length - 1; a >= 0 && ++coord[a] === outShape[a]; a--) coord[a] = 0;
  }
  return out;
}

/** The shape of an array's stored words: a key's two words are one more axis. */
const wordShape = (shape: readonly number[], dtype: DType) => (wordsPerElement(dtype) === 2 ? [...shape, 2] : [...shape]);

/** Counts the primitives a rule emits, to show that it does not grow with the batch. */
class CountingEmitter implements Emitter<DeviceArray> {
  binds = 0;
  constructor(readonly inner: BackendEmitter<DeviceArray>) {}
  bind<P extends Primitive>(prim: P, inputs: readonly DeviceArray[], params: ParamsOf<P>): DeviceArray {
    this.binds++;
    return this.inner.bind(prim, inputs, params);
  }
  aval(x: DeviceArray): AbstractValue { return this.inner.aval(x); }
  scalar(value: number, dtype: DType): DeviceArray { return this.inner.scalar(value, dtype); }
}

const backend: Backend = createReferenceBackend();
const emitter = new BackendEmitter<DeviceArray>(backend);
const counter = new CountingEmitter(emitter);
const o = new Ops<DeviceArray>(counter);
const read = (x: DeviceArray): number[] => Array.from(backend.readSync(x));

/** Batch axis at the front, the last axis, the middle, and with each input in turn left unbatched. */
function placements(ranks: readonly number[]): Placement[] {
  const all = (f: (r: number, i: number) => number | null) => ranks.map(f);
  const candidates: Placement[] = [
    all(() => null),
    all(() => 0),
    all((r) => r),
    all((r) => Math.floor(r / 2)),
    ...ranks.flatMap((_, j) => [all((r, i) => (i === j ? null : r)), all((r, i) => (i === j ? 0 : r))]),
  ];
  const seen = new Set<string>();
  return candidates.filter((p) => !seen.has(JSON.stringify(p)) && !!seen.add(JSON.stringify(p)));
}

function assertMatches(prim: Primitive, actual: readonly number[], expected: readonly number[], what: string): void {
  assert.equal(actual.length, expected.length, `${what}: ${actual.length} values, expected ${expected.length}`);
  expected.forEach((e, k) => {
    const a = actual[k];
    const ok = ROUNDS.has(prim)
      ? a === e || (Number.isNaN(a) && Number.isNaN(e)) || Math.abs(a - e) <= RTOL * Math.max(Math.abs(a), Math.abs(e))
      : Object.is(a, e) || a === e;
    assert.ok(ok, `${what}: element ${k} is ${a}, the stacked examples give ${e} (seed ${SEED})`);
  });
}

/** Runs one case with one placement at one batch size; returns how many primitives the rule emitted. */
function check(prim: Primitive, c: BatchCase, bds: Placement, axisSize: number, rng: Random): number {
  const what = `${prim}(${c.inputs.map((x, i) => `${formatShape(x.shape)}@${bds[i]}`).join(', ')}) ${JSON.stringify(c.params)} x${axisSize}`;
  // examples[i][b]: input i of example b (one shared value when unbatched).
  const examples = c.inputs.map((x, i) =>
    Array.from({ length: bds[i] === null ? 1 : axisSize }, () => x.draw(rng, sizeOf(x.shape) * wordsPerElement(x.dtype))));
  const batched = c.inputs.map((x, i) => {
    const bd = bds[i];
    if (bd === null) return emitter.upload(examples[i][0], x.shape, x.dtype);
    const stacked = moveaxisHost(examples[i].flat(), wordShape([axisSize, ...x.shape], x.dtype), 0, bd);
    return emitter.upload(stacked, [...x.shape.slice(0, bd), axisSize, ...x.shape.slice(bd)], x.dtype);
  });
  const perExample = Array.from({ length: axisSize }, (_, b) => o.bind(prim, c.inputs.map((x, i) =>
    emitter.upload(examples[i][bds[i] === null ? 0 : b], x.shape, x.dtype)), c.params));
  const outShape = o.shape(perExample[0]);
  const expected = perExample.flatMap(read);

  const before = counter.binds;
  const { out, batchDim } = ruleOf(prim)(o, batched, bds, c.params, axisSize);
  const emitted = counter.binds - before;
  assert.equal(o.dtype(out), o.dtype(perExample[0]), `${what}: dtype`);
  if (batchDim === null) {
    assert.deepEqual(o.shape(out), outShape, `${what}: an unbatched result has the example's shape`);
    assertMatches(prim, Array.from({ length: axisSize }, () => read(out)).flat(), expected, what);
  } else {
    const shape = o.shape(out);
    assert.deepEqual([shape[batchDim], ...shape.filter((_, i) => i !== batchDim)], [axisSize, ...outShape],
      `${what}: result shape ${formatShape(shape)} with batch axis ${batchDim}`);
    assertMatches(prim, moveaxisHost(read(out), wordShape(shape, o.dtype(out)), batchDim, 0), expected, what);
  }
  emitter.disposeAllBut();
  return emitted;
}

describe('batching rules', () => {
  after(() => assert.equal(backend.liveCount(), 0, 'every array is freed'));

  it('has a rule and test cases for every primitive', () => {
    for (const prim of PRIMITIVES) {
      assert.equal(typeof BATCH_RULES[prim], 'function', `${prim} has a batching rule`);
      assert.ok(CASES[prim].length > 0, `${prim} has batching cases`);
    }
  });

  for (const prim of PRIMITIVES) {
    it(`${prim}: batched equals stacked per-example results`, () => {
      const rng = streamFor(prim);
      for (const c of CASES[prim] as readonly BatchCase[]) {
        for (const bds of placements(c.inputs.map((x) => x.shape.length))) {
          for (const n of AXIS_SIZES) check(prim, c, bds, n, rng);
          // One primitive call (or a few) for the whole batch: the count is the same for 3 and 5 examples.
          if (bds.some((d) => d !== null)) {
            assert.equal(check(prim, c, bds, 5, rng), check(prim, c, bds, 3, rng),
              `${prim} ${JSON.stringify(bds)}: the rule emits more primitives for a bigger batch`);
          }
        }
      }
    });
  }
});
