import * as assert from 'node:assert/strict';
import { formatError, run } from '../../../lang/python';
import { fixture, fixtureNames } from './fixtures';

// Each program in test/fixtures/python/programs runs and prints exactly what
// CPython 3.11 printed for it (the .out beside it; regenerate with regen.sh), and on stderr (its
// warnings, the exceptions it ignored, sys.stderr.write, logging) what CPython wrote there (the
// .err, where there is one).
describe('interpreter: programs print what CPython prints', () => {
  for (const name of fixtureNames('programs', '.py')) {
    it(name, () => {
      const source = fixture('programs', name);
      const expected = fixture('programs', name.replace(/\.py$/, '.out'));
      const r = run(source, { file: name });
      assert.equal(r.error, null, r.error ? formatError(r.error) : '');
      assert.equal(r.output, expected);
      const stderr = fixtureNames('programs', '.err').includes(name.replace(/\.py$/, '.err')) ? fixture('programs', name.replace(/\.py$/, '.err')) : '';
      // Addresses (`<generator object f at 0x7f...>`) differ from run to run: regen.sh writes CPython's as 0x....
      assert.equal(r.stderr.replace(/ at 0x[0-9a-f]+>/g, ' at 0x...>'), stderr);
    });
  }
});
