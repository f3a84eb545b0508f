/**
 * Complex numbers (issue 14): what torch and NumPy say to one (their tensors and arrays hold real
 * dtypes only: refused at the line, never a dropped imaginary part; jax.numpy's complex64 arrays
 * are test/unit/jax/complex_arrays.test.ts's). What complex arithmetic
 * and cmath compute is in the program fixture test/fixtures/python/programs/complex_numbers.py,
 * recorded with CPython 3.11.
 */
import { strict as assert } from 'node:assert';
import { formatError, run } from '../../../lang/python';
import { runPython } from '../../../evaluation';
import { createReferenceBackend } from '../../../runtime/backends';
import { EagerEngine } from '../../../runtime/eager';

function outcome(source: string): string {
  const r = run(source, { file: 'x.py' });
  return r.error ? formatError(r.error) : r.output;
}

describe('complex numbers: tensors and arrays refuse them at the line', () => {
  const cases = [
    'import torch\nt = torch.tensor(1j)\n',
    'import torch\nt = torch.tensor([1.0, 2j])\n',
    'import torch\nt = torch.ones(2) * 1j\n',
    'import numpy as np\na = np.array([1j])\n',
  ];
  for (const source of cases) {
    it(source.split('\n')[1], () => {
      const r = runPython(source, new EagerEngine(createReferenceBackend()), { file: 'x.py' });
      assert.ok(r.error);
      assert.equal(r.error.kind, 'unsupported');
      assert.match(formatError(r.error), /^x\.py:2:5: error: Gradlens does not support complex tensors or arrays \(its tensors and arrays hold real dtypes only\)/);
    });
  }
});

describe('complex numbers: values CPython computes', () => {
  it('prints, compares and hashes as CPython 3.11', () => {
    assert.equal(
      outcome('print(1j, -0j, complex(-0.0, -0.0), complex(0.0, -0.0), 1e16j, (1+2j)**-3, hash(1.5-2j), {1: "a", 1+0j: "b"})\n'),
      "1j (-0-0j) (-0-0j) -0j 1e+16j (-0.08800000000000001+0.016j) 1152921504604846971 {1: 'b'}\n",
    );
  });

  it('gives a negative float to a fractional power a complex result, as CPython (was a refusal)', () => {
    assert.equal(outcome('print((-8) ** (1 / 3), (-2.0) ** 0.5)\n'), '(1.0000000000000002+1.7320508075688772j) (8.659560562354934e-17+1.4142135623730951j)\n');
  });
});
