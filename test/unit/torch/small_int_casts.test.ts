import * as assert from 'node:assert/strict';
import { createReferenceBackend } from '../../../runtime/backends';
import { EagerEngine } from '../../../runtime/eager';
import { formatError } from '../../../lang/python/run';
import { runTorch } from '../../../lang/python/torch';

/**
 * Floats cast to uint8, int8 and int16 as PyTorch 1.13 casts them on x86 (through int32:
 * `torch.tensor([300., -1.5]).byte()` is [44, 255], as /usr/bin/python3 printed); past int32 its
 * kernels differ by dtype (float64 to uint8 goes through int64), so such a value is refused.
 */
function run(source: string): { output: string; error: string | null } {
  const r = runTorch(`import torch\n${source}`, new EagerEngine(createReferenceBackend()), { file: 'cast.py' });
  return { output: r.output, error: r.error ? formatError(r.error) : null };
}

describe('torch shim: float casts to 8- and 16-bit integers', () => {
  it('in int32 range: truncated toward zero, then wrapped', () => {
    assert.deepEqual(run('x = torch.tensor([300.0, -1.5, 127.9, -129.0])\nprint(x.byte(), x.char(), x.short())\n'), {
      output: 'tensor([ 44, 255, 127, 127], dtype=torch.uint8) tensor([ 44,  -1, 127, 127], dtype=torch.int8) tensor([ 300,   -1,  127, -129], dtype=torch.int16)\n',
      error: null,
    });
  });

  it('past int32: refused at the line, naming the clamp to write', () => {
    assert.equal(run('x = torch.tensor([1.0, 2.0 ** 31 + 5], dtype=torch.float64)\ny = x.byte()\n').error,
      "cast.py:3:5: error: NotImplementedError: converting 2147483653 to uint8: PyTorch's conversion of a float past int32 is its own (C leaves it undefined); clamp first (x.clamp(0, 255).to(torch.uint8))");
  });
});
