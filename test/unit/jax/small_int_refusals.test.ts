import * as assert from 'node:assert/strict';
import { createReferenceBackend } from '../../../runtime/backends';
import { EagerEngine } from '../../../runtime/eager';
import { formatError } from '../../../lang/python/run';
import { runPython } from '../../../evaluation';

/**
 * Where the 8- and 16-bit integers (and NumPy's uint64 sums) meet a value Gradlens cannot give as
 * the library would, the run stops at the line, saying what to write instead.
 */
function run(source: string): { output: string; error: string | null } {
  const r = runPython(`import numpy as np\nimport jax.numpy as jnp\n${source}`, new EagerEngine(createReferenceBackend()), { file: 'ints.py' });
  return { output: r.output, error: r.error ? formatError(r.error) : null };
}

describe('small integer dtypes: refusals at the line', () => {
  it('a concrete jax float array cast to uint8/int8 with a value past the range is refused (XLA converts those its own way)', () => {
    assert.equal(run('print(jnp.array([1.5, 300.0]).astype(jnp.uint8))\n').error,
      "ints.py:3:7: error: NotImplementedError: astype(uint8) of 300, which lies outside uint8's range [0, 255]: XLA's conversion of such values is not Gradlens's; clip first (jnp.clip(x, 0, 255).astype(jnp.uint8))");
    assert.equal(run('print(jnp.array([-0.5, 127.9, -128.9]).astype(jnp.int8))\n').output, '[   0  127 -128]\n');
  });

  it('a uint64 (np.sum of a uint8 image) going below 0 is refused where NumPy would wrap past 2**63', () => {
    const r = run('s = np.array([3, 4], dtype=np.uint8).sum()\nprint(s, type(s).__name__)\nprint(s - np.uint64(10))\n');
    assert.equal(r.output, '7 uint64\n');
    assert.equal(r.error, 'ints.py:5:7: error: OverflowError: a uint64 value (-3) is below 0: NumPy would wrap it to 2**64 - 3, and Gradlens stores uint64 exactly only within [0, 2**53); compute in int64 (x.astype(np.int64))');
  });
});
