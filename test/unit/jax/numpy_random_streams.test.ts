import * as assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { createReferenceBackend } from '../../../runtime/backends';
import { EagerEngine } from '../../../runtime/eager';
import { formatError } from '../../../lang/python/run';
import { runPython } from '../../../evaluation';
import { assertSameStream, type RecordedStream } from '../support/recorded_streams';

/**
 * NumPy's random streams, bit for bit: each case of test/fixtures/random/numpy_streams.json is a
 * snippet and the values NumPy 1.24 gave for it (numpy_streams.py records them; about 1,050 draws
 * of each function over three seeds), legacy `np.random`/`RandomState` and `default_rng`. They run
 * on the reference backend, whose NumPy arrays are float64 as NumPy's are.
 */
const FIXTURE: { cases: RecordedStream[] } = JSON.parse(readFileSync('test/fixtures/random/numpy_streams.json', 'utf8'));

const run = (source: string) => runPython(source, new EagerEngine(createReferenceBackend()), { file: 'streams.py' });

describe('numpy random streams: bit for bit as NumPy 1.24 draws them', () => {
  for (const c of FIXTURE.cases) {
    it(c.name, () => {
      const r = run(`import numpy as np\n${c.code}\nprint(np.asarray(out).ravel().tolist())\n`);
      assert.equal(r.error ? formatError(r.error) : null, null);
      assertSameStream(JSON.parse(r.output), c);
    });
  }
});

describe('numpy random streams: what cannot be drawn says so at its line', () => {
  const cases: [string, string][] = [
    ['np.random.seed(2**32)', 'ValueError: Seed must be between 0 and 2**32 - 1'],
    ['np.random.seed(-1)', 'ValueError: Seed must be between 0 and 2**32 - 1'],
    ['x = np.random.randint(5, 5)', 'ValueError: low >= high'],
    ['x = np.random.default_rng(0).integers(3, 2, endpoint=True)', 'ValueError: low > high'],
    ['x = np.random.randint(0, 2**60, 3)', 'is past 2**53, where Gradlens stores int64 exactly'],
    ['x = np.random.normal(0, -1.0, 3)', 'ValueError: scale < 0'],
    ['x = np.random.choice(3, 5, replace=False)', "Cannot take a larger sample than population when 'replace=False'"],
    ['x = np.random.choice(3, 2, p=[0.5, 0.2, 0.2])', 'ValueError: probabilities do not sum to 1'],
    ['a = np.zeros((2, 3))\nnp.random.default_rng(0).shuffle(a, axis=1)', 'along an axis other than 0 is not supported by Gradlens'],
    ['np.random.shuffle(np.array(5.0))', 'TypeError: len() of unsized object'],
    ['x = np.random.default_rng(-3)', 'ValueError: expected non-negative integer'],
    ['x = np.random.normal(np.zeros(3), 1.0)', 'with an array loc is not supported by Gradlens'],
    ["x = np.random.choice(['a', 'b'], 3)", 'draw indices with choice(len(a), size) and index the list'],
  ];
  for (const [code, message] of cases) {
    it(code.split('\n').pop()!, () => {
      const r = run(`import numpy as np\n${code}\n`);
      assert.ok(r.error, 'an error');
      const text = formatError(r.error);
      assert.ok(text.startsWith(`streams.py:${code.split('\n').length + 1}:`), text);
      assert.ok(text.includes(message), text);
    });
  }
});
