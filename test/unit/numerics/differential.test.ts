import * as assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { createReferenceBackend, createTfjsBackend, type Backend } from '../../../runtime/backends';
import { EagerEngine } from '../../../runtime/eager';
import { formatError } from '../../../lang/python/run';
import { runPython } from '../../../evaluation';

/**
 * The differential table of issue 12: test/fixtures/numerics/differential.py prints one line per
 * numeric expression (builtins, math, torch, numpy: its value's repr, or the exception it raises),
 * and differential.expected is what CPython with PyTorch 1.13 and NumPy 1.24 printed for it
 * (regenerate.sh). Gradlens must print the same line, except for the expressions below, where it
 * says at the line what it cannot do instead of printing a different number.
 */
const FIXTURE = 'test/fixtures/numerics/differential';

/** Where Gradlens differs on every backend, and why: each is an error that says so, never another value. */
const EVERYWHERE: Readonly<Record<string, string>> = {};

interface Row { readonly expression: string; readonly result: string }

function rows(text: string): Row[] {
  return text.trimEnd().split('\n').map((line) => {
    const at = line.indexOf(' -> ');
    return { expression: line.slice(0, at), result: line.slice(at + 4) };
  });
}

describe('numerics: the differential table against CPython, PyTorch 1.13 and NumPy 1.24', function () {
  this.timeout(60_000);
  const source = readFileSync(`${FIXTURE}.py`, 'utf8');
  const expected = rows(readFileSync(`${FIXTURE}.expected`, 'utf8'));
  const tfjs = new Map<string, Backend>();
  before(async () => {
    for (const name of ['wasm', 'cpu'] as const) tfjs.set(name, await createTfjsBackend(name));
  });

  it(`has 150 expressions or more (${expected.length})`, () => assert.ok(expected.length >= 150));

  // NB: NumPy's float64 is computed on the CPU beside tfjs (runtime/backends/host_dtypes.ts): every backend prints the same.
  for (const [name, backend, known] of [
    ['wasm', () => tfjs.get('wasm')!, EVERYWHERE],
    ['cpu', () => tfjs.get('cpu')!, EVERYWHERE],
    ['reference', () => createReferenceBackend(), EVERYWHERE],
  ] as const) {
    it(`prints what Python prints on ${name}, but for ${Object.keys(known).length} expressions that say why they differ`, () => {
      const r = runPython(source, new EagerEngine(backend()), { file: `${FIXTURE}.py` });
      assert.equal(r.error ? formatError(r.error) : null, null);
      const got = rows(r.output);
      assert.deepEqual(got.map((g) => g.expression), expected.map((e) => e.expression));
      const differing = expected.filter((e, i) => e.result !== got[i].result);
      const unexplained = differing.filter((e) => !(e.expression in known)).map((e) => `${e.expression}\n  python:   ${e.result}\n  gradlens: ${got[expected.indexOf(e)].result}`);
      assert.deepEqual(unexplained, [], `results that differ from Python's:\n${unexplained.join('\n')}`);
      // A listed difference that went away is a fix: take it off the list.
      assert.deepEqual(Object.keys(known).filter((k) => !differing.some((e) => e.expression === k)), []);
      // Each difference on every backend is an error that says so, never a bare other number.
      for (const e of differing.filter((d) => d.expression in EVERYWHERE)) {
        const mine = got[expected.indexOf(e)].result;
        assert.ok(/^raise |dtype/.test(mine), `${e.expression}: ${mine}`);
      }
    });
  }
});
