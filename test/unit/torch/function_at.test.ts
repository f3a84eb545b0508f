import * as assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { createReferenceBackend } from '../../../runtime/backends';
import { EagerEngine } from '../../../runtime/eager';
import { printJaxpr } from '../../../runtime/ir';
import { analyze } from '../../../lang/python/analyze';
import type { Outcome } from '../../../lang/python/jax';
import { formatError } from '../../../lang/python/run';
import { torchFunctionAt, torchModules, type TorchFunctionAt } from '../../../lang/python/torch';

const root = join(__dirname, '..');

function ok<T>(o: Outcome<T>): T {
  if (!o.ok) assert.fail(formatError(o.error));
  return o.value;
}

/** `name` in `source` at its first example inputs, over a fresh reference backend. */
function functionAt(source: string, name: string, file = 'f.py'): { at: Outcome<TorchFunctionAt>; live: () => number } {
  const backend = createReferenceBackend();
  const engine = new EagerEngine(backend);
  const analysis = analyze(source, { modules: torchModules(engine) });
  const fn = analysis.functions.find((f) => f.name === name);
  assert.ok(fn, `no function ${name}`);
  assert.ok(fn.inputSources.length > 0, `${name} has no example inputs`);
  return { at: torchFunctionAt(analysis.parse, fn, fn.inputSources[0], engine, { file }), live: () => backend.liveCount() };
}

describe('torch function on both engines (torchFunctionAt)', () => {
  it('the seed snippet: value 15.0 and gradient 7.0 eagerly and under jit, and the jaxpr JAX would print', () => {
    const source = readFileSync(join(root, 'examples/seed_torch.py'), 'utf8');
    const { at: outcome, live } = functionAt(source, 'f', 'seed_torch.py');
    const at = ok(outcome);
    assert.deepEqual(at.inputs, { x: 2 });
    assert.deepEqual(at.wrt, ['x']);
    const eager = ok(at.eager());
    assert.deepEqual([eager.value, eager.grad], [15, { x: 7 }]);
    const jit = ok(at.jit());
    assert.deepEqual([jit.value, jit.grad], [15, { x: 7 }]);
    assert.equal(printJaxpr(ok(at.jaxpr(false))), [
      '{ lambda ; a:f32[]. let',
      '    b:f32[] = integer_pow[y=2] a',
      '    c:f32[] = mul 3.0:f32[] a',
      '    d:f32[] = add b c',
      '    e:f32[] = add d 5.0:f32[]',
      '  in (e,) }',
    ].join('\n'));
    const lines = ok(at.jaxpr(false)).eqns.map((e) => e.span?.line);
    assert.deepEqual(lines, [4, 4, 4, 4]);
    at.dispose();
    assert.equal(live(), 0);
  });
});
