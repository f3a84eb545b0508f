import * as assert from 'node:assert/strict';
import { createReferenceBackend, type Backend } from '../../../runtime/backends';
import { isComplex, isFloat, KEY_DTYPE, sizeOf } from '../../../runtime/core';
import { EagerEngine, enterDualLevel, enterNestedDualLevel, exitDualLevel, makeDual, tangentAt, unpackDual, type Tensor } from '../../../runtime/eager';
import { abstractEval, PRIMITIVES, type Primitive } from '../../../runtime/primitives';
import type { HostArray } from '../support/inputs';
import { SEED, streamFor } from '../support/seed';
import { drawCases, type GradCase } from '../autodiff/grad_cases';

/**
 * Forward-mode AD on the eager engine (torch.autograd.forward_ad): every primitive, run on dual
 * tensors in float64 on the reference backend, gives its output the tangent that central finite
 * differences of the same op give, and frees every tangent with its tensor.
 */
const EPS = 1e-6;
const RTOL = 1e-6;

describe('eager engine: forward-mode AD (dual tensors)', () => {
  let backend: Backend;
  let engine: EagerEngine;
  beforeEach(() => {
    backend = createReferenceBackend();
    engine = new EagerEngine(backend);
  });

  const upload = (x: HostArray, values: readonly number[] = x.values): Tensor => engine.fromValues(values, x.shape, x.dtype);
  const run = (prim: Primitive, c: GradCase, shift: number, directions: readonly (number[] | null)[]): number[] =>
    engine.tidy(() => Array.from(engine.ops.bind(prim, c.inputs.map((x, i) => {
      const d = directions[i];
      return upload(x, d ? x.values.map((v, k) => v + shift * d[k]) : x.values);
    }), c.params).dataSync()));

  for (const prim of PRIMITIVES) {
    it(`${prim}: the tangent of its output is the finite difference along the inputs' tangents`, () => {
      const rng = streamFor(prim, 7);
      for (const c of drawCases(prim)) {
        // A PRNG key (jax.random's primitives) is no float and carries no tangent; jvp.test checks those rules.
        if (c.inputs.some((x) => x.dtype === KEY_DTYPE)) continue;
        // Nor are complex arrays torch tensors here (jax's complex64 only): jvp.test and the jax shim's check_grads check those rules.
        if (c.inputs.some((x) => isComplex(x.dtype)) || isComplex(abstractEval(prim, c.inputs, c.params).dtype)) continue;
        const directions = c.inputs.map((x) => (isFloat(x.dtype) ? rng.normals(x.values.length) : null));
        const live = backend.liveCount();
        const plus = run(prim, c, EPS, directions);
        const minus = run(prim, c, -EPS, directions);
        const numeric = plus.map((p, k) => (p - minus[k]) / (2 * EPS));
        const analytic = engine.tidy(() => {
          enterDualLevel(engine);
          try {
            const inputs = c.inputs.map((x, i) => {
              const d = directions[i];
              return d ? makeDual(engine, upload(x), upload(x, d)) : upload(x);
            });
            const out = engine.ops.bind(prim, inputs, c.params);
            const tangent = tangentAt(out, engine.forwardLevel);
            if (!isFloat(out.dtype)) {
              assert.equal(tangent, null, `${prim}: a ${out.dtype} output carries no tangent`);
              return null;
            }
            return tangent ? Array.from(tangent.dataSync()) : new Array<number>(sizeOf(out.shape)).fill(0);
          } finally {
            exitDualLevel(engine);
          }
        });
        assert.equal(backend.liveCount(), live, `${prim}: every tangent is freed with its tensor`);
        if (analytic === null) continue;
        analytic.forEach((a, k) => {
          const n = numeric[k];
          assert.ok(Math.abs(a - n) <= RTOL * Math.max(1, Math.abs(a), Math.abs(n)),
            `${prim} ${JSON.stringify(c.params)}, element ${k}: forward AD gives ${a}, finite differences ${n} (seed ${SEED})`);
        });
      }
    });
  }

  /** The tangent along `d` of `prim` at the inputs moved by `shift` along `e`: one level. */
  const firstTangent = (prim: Primitive, c: GradCase, d: readonly (number[] | null)[], e: readonly (number[] | null)[], shift: number): number[] | null =>
    engine.tidy(() => {
      enterDualLevel(engine);
      try {
        const out = engine.ops.bind(prim, c.inputs.map((x, i) => {
          const at = upload(x, e[i] ? x.values.map((v, k) => v + shift * e[i]![k]) : x.values);
          return d[i] ? makeDual(engine, at, upload(x, d[i]!)) : at;
        }), c.params);
        if (!isFloat(out.dtype)) return null;
        const tangent = tangentAt(out, engine.forwardLevel);
        return tangent ? Array.from(tangent.dataSync()) : new Array<number>(sizeOf(out.shape)).fill(0);
      } finally {
        exitDualLevel(engine);
      }
    });

  for (const prim of PRIMITIVES) {
    it(`${prim}: at a level inside a level (functorch's jvp of a jvp), the inner tangent's outer tangent is the second directional derivative`, () => {
      const rng = streamFor(prim, 11);
      for (const c of drawCases(prim)) {
        if (c.inputs.some((x) => x.dtype === KEY_DTYPE)) continue;
        if (c.inputs.some((x) => isComplex(x.dtype)) || isComplex(abstractEval(prim, c.inputs, c.params).dtype)) continue;
        const inner = c.inputs.map((x) => (isFloat(x.dtype) ? rng.normals(x.values.length) : null));
        const outer = c.inputs.map((x) => (isFloat(x.dtype) ? rng.normals(x.values.length) : null));
        const live = backend.liveCount();
        const plus = firstTangent(prim, c, inner, outer, EPS);
        const minus = firstTangent(prim, c, inner, outer, -EPS);
        if (plus === null || minus === null) continue;
        const numeric = plus.map((p, k) => (p - minus[k]) / (2 * EPS));
        const analytic = engine.tidy(() => {
          enterDualLevel(engine);
          try {
            const once = c.inputs.map((x, i) => (outer[i] ? makeDual(engine, upload(x), upload(x, outer[i]!)) : upload(x)));
            enterNestedDualLevel(engine);
            try {
              const twice = once.map((t, i) => (inner[i] ? makeDual(engine, t, upload(c.inputs[i], inner[i]!)) : t));
              const { tangent } = unpackDual(engine, engine.ops.bind(prim, twice, c.params));
              exitDualLevel(engine);
              const second = tangent && tangentAt(tangent, engine.forwardLevel);
              return second ? Array.from(second.dataSync()) : new Array<number>(numeric.length).fill(0);
            } finally {
              if (engine.forwardLevels.length > 1) exitDualLevel(engine);
            }
          } finally {
            exitDualLevel(engine);
          }
        });
        assert.equal(backend.liveCount(), live, `${prim}: every tangent at both levels is freed with its tensor`);
        analytic.forEach((a, k) => {
          const n = numeric[k];
          assert.ok(Math.abs(a - n) <= 1e-5 * Math.max(1, Math.abs(a), Math.abs(n)),
            `${prim} ${JSON.stringify(c.params)}, element ${k}: nested forward AD gives ${a}, finite differences of the tangent ${n} (seed ${SEED})`);
        });
      }
    });
  }

  it('a tangent outlives the level only as a stranded value: unpack_dual reads none after exit, none at a new level', () => {
    enterDualLevel(engine);
    const x = makeDual(engine, engine.fromValues([1, 2], [2], 'float64'), engine.fromValues([3, 4], [2], 'float64'));
    const y = engine.ops.mul(x, x);
    assert.deepEqual(Array.from(unpackDual(engine, y).tangent!.dataSync()), [6, 16]);
    exitDualLevel(engine);
    assert.equal(unpackDual(engine, y).tangent, null);
    enterDualLevel(engine);
    assert.equal(tangentAt(y, engine.forwardLevel), null);
    assert.throws(() => enterDualLevel(engine), /Nested forward mode AD is not supported at the moment/);
    exitDualLevel(engine);
  });

  it('an in-place op on a dual tensor updates its tangent (x *= x: 2 x t), a constant written in place zeroes it', () => {
    enterDualLevel(engine);
    const x = engine.ops.mul(makeDual(engine, engine.fromValues([1, 2], [2], 'float64'), engine.fromValues([1, 1], [2], 'float64')), engine.scalar(1, 'float64'));
    engine.inPlace(x, (old) => engine.ops.mul(old, old));
    assert.deepEqual(Array.from(tangentAt(x, engine.forwardLevel)!.dataSync()), [2, 4]);
    engine.inPlace(x, (old) => engine.ops.zerosLike(old.detach()));
    assert.equal(tangentAt(x, engine.forwardLevel), null);
    exitDualLevel(engine);
  });
});
