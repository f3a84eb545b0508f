import * as assert from 'node:assert/strict';
import { formatError, run } from '../../../lang/python';
import { fixture, fixtureNames } from './fixtures';

// Each program in test/fixtures/python/programs runs and prints exactly what
// CPython 3.11 printed for it (the .out beside it; regenerate with regen.sh), and on stderr (its
// warnings) what CPython wrote there (the .err, where there is one).
describe('interpreter: programs print what CPython prints', () => {
  for (const name of fixtureNames('programs', '.py')) {
    it(name, () => {
      const source = fixture('programs', name);
      const expected = fixture('programs', name.replace(/\.py$/, '.out'));
      const r = run(source, { file: name });
      assert.equal(r.error, null, r.error ? formatError(r.error) : '');
      assert.equal(r.output, expected);
      const stderr = fixtureNames('programs', '.err').includes(name.replace(/\.py$/, '.err')) ? fixture('programs', name.replace(/\.py$/, '.err')) : '';
      assert.equal(r.warnings.map((w) => w.text).join(''), stderr);
    });
  }
});
