import * as assert from 'node:assert/strict';
import { createHash } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { libm } from '../../../runtime/core';

/**
 * NumPy's float32 tan, sinh, cosh, arcsinh, arccosh, arctanh, exp2, log2, log10 and power as NumPy
 * 1.24 computes them with AVX2 and FMA3 (glibc 2.36's tanf, ..., powf), bit for bit, over 273,376
 * arguments each (power: 403,136 pairs) recorded from NumPy (test/fixtures/random/numpy_float32_glibc.py,
 * whose docstring says how the test makes them again). Gradlens computed these in float64 and rounded,
 * which is wrong for 0.01-12% of them; each function's first 40 such arguments are checked one by one.
 */
const RECORDED: {
  step: number;
  seed: number;
  count: number;
  radius: number;
  edges: number[];
  power_exponents: number[];
  ranges: Record<string, [number, number]>;
  streams: { function: string; arguments: string; count: number; float64_rounded_differ: number; sha256: string }[];
  float64_rounded_wrong: Record<string, number[][]>;
} = JSON.parse(readFileSync('test/fixtures/random/numpy_float32_glibc.json', 'utf8'));

const UNARY: Record<string, (x: number) => number> = {
  tan: libm.glibcTanf, sinh: libm.glibcSinhf, cosh: libm.glibcCoshf, arcsinh: libm.glibcAsinhf, arccosh: libm.glibcAcoshf,
  arctanh: libm.glibcAtanhf, exp2: libm.glibcExp2f, log2: libm.glibcLog2f, log10: libm.glibcLog10f,
};

const fromBits = (bits: ArrayLike<number>) => new Float32Array(Uint32Array.from(bits).buffer);

function lcg(n: number): Uint32Array {
  const out = new Uint32Array(n);
  let state = RECORDED.seed;
  for (let i = 0; i < n; i++) out[i] = state = (Math.imul(state, 1664525) + 1013904223) >>> 0;
  return out;
}

function edges(radius: number): Float32Array {
  const around = RECORDED.edges.flatMap((c) => Array.from({ length: 2 * radius + 1 }, (_, k) => c - radius + k)).filter((b) => b >= 0 && b < 2 ** 31);
  return fromBits([...around, ...around.map((b) => b + 2 ** 31)]);
}

const spaced = (lo: number, hi: number, n: number) => Float32Array.from({ length: n }, (_, i) => lo + ((hi - lo) * i) / n);

const N = RECORDED.count;
const RANDOM = lcg(2 * N);

function unaryArguments(name: string, kind: string): Float32Array {
  if (kind === 'bits') return new Float32Array(Uint32Array.from({ length: 65536 }, (_, i) => i * RECORDED.step).buffer);
  if (kind === 'random') return new Float32Array(RANDOM.slice(0, N).buffer);
  if (kind === 'range') return spaced(...RECORDED.ranges[name]!, N);
  return edges(RECORDED.radius);
}

function powerArguments(kind: string): [Float32Array, Float32Array] {
  if (kind === 'random') return [fromBits(RANDOM.filter((_, i) => i % 2 === 0)), fromBits(RANDOM.filter((_, i) => i % 2 === 1))];
  if (kind === 'range') {
    const y = spaced(-10, 10, N);
    return [spaced(0, 10, N), y.map((_, i) => y[(i * 7919) % N]!)];
  }
  if (kind === 'integers') return [spaced(-10, 10, N), Float32Array.from({ length: N }, (_, i) => (i % 41) - 20)];
  // NB: without signaling NaNs (powf(sNaN, 0) is NaN, of a quiet one 1), which no JavaScript number holds
  const x = edges(2).filter((v, i, all) => !Number.isNaN(v) || (new Uint32Array(all.buffer)[i]! & 0x400000) !== 0);
  const p = fromBits(RECORDED.power_exponents);
  return [Float32Array.from({ length: x.length * p.length }, (_, i) => x[Math.floor(i / p.length)]!), Float32Array.from({ length: x.length * p.length }, (_, i) => p[i % p.length]!)];
}

/** The SHA-256 the recorder takes: every NaN as the quiet NaN (a NaN's sign and payload never print). */
const sha256 = (values: Float32Array) => createHash('sha256').update(Buffer.from(values.map((v) => (Number.isNaN(v) ? NaN : v)).buffer)).digest('hex');

const bitsOf = (v: number) => new Uint32Array(Float32Array.of(Number.isNaN(v) ? NaN : v).buffer)[0]!;

describe('NumPy\'s float32 glibc functions with AVX2 and FMA3, bit for bit', () => {
  for (const r of RECORDED.streams) {
    it(`${r.function} at ${r.count} arguments (${r.arguments}; float64 rounded was wrong at ${r.float64_rounded_differ})`, () => {
      let values: Float32Array;
      if (r.function === 'power') {
        const [x, y] = powerArguments(r.arguments);
        values = x.map((v, i) => libm.glibcPowf(v, y[i]!));
      } else {
        values = unaryArguments(r.function, r.arguments).map(UNARY[r.function]!);
      }
      assert.equal(values.length, r.count);
      assert.equal(sha256(values), r.sha256);
    });
  }

  it('each function at the arguments where computing in float64 and rounding was wrong', () => {
    const wrong = Object.entries(RECORDED.float64_rounded_wrong).flatMap(([name, cases]) => cases.map((c) => {
      const [x, y] = [fromBits([c[0]!])[0]!, fromBits([c[1]!])[0]!];
      const got = name === 'power' ? libm.glibcPowf(x, y) : UNARY[name]!(x);
      return bitsOf(got) === c[c.length - 1] ? null : `${name}(${x}${name === 'power' ? `, ${y}` : ''}) = ${got}, NumPy ${fromBits([c[c.length - 1]!])[0]}`;
    }));
    assert.deepEqual(wrong.filter((w) => w !== null), []);
    assert.equal(wrong.length, 400);
  });
});
