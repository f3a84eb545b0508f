/**
 * Python warnings (issue 15): what `warnings.warn` and library code show reaches the user as
 * CPython shows it: on stderr from `gradlens run` (its text checked against CPython 3.11's), and in
 * the editor as a warning diagnostic at the line it points to.
 */
import * as assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { DiagnosticSeverity } from 'vscode-languageserver';
import { documentDiagnostics } from '../../../server/diagnostics';
import { evaluated, requestFor } from './support';

const SCRIPT = `import warnings


def scaled(x):
    warnings.warn("scaled() is deprecated; use x * 2", DeprecationWarning, stacklevel=2)
    return x * 2


def f(x):
    warnings.warn(f"f got {x}")
    return scaled(x) * x


print(f(3.0))
print(f(3.0))
`;

describe('Python warnings reach the user (15)', () => {
  it('gradlens run writes them to stderr as CPython does, once per place, the output on stdout', () => {
    const dir = mkdtempSync(join(tmpdir(), 'gradlens-warnings-'));
    try {
      const file = join(dir, 'warns.py');
      writeFileSync(file, SCRIPT);
      const r = spawnSync(process.execPath, ['dist/cli.js', 'run', file], { encoding: 'utf8', timeout: 60_000 });
      assert.equal(r.status, 0, r.stderr);
      assert.equal(r.stdout, '18.0\n18.0\n');
      // CPython 3.11 (`python3 warns.py`, its absolute path as given here).
      assert.equal(r.stderr, [
        `${file}:10: UserWarning: f got 3.0`,
        '  warnings.warn(f"f got {x}")',
        `${file}:11: DeprecationWarning: scaled() is deprecated; use x * 2`,
        '  return scaled(x) * x',
        '',
      ].join('\n'));
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });

  it('an evaluation reports them at their lines, and the editor shows warning diagnostics there', async () => {
    const r = await evaluated(requestFor('warns.py', SCRIPT, 'f'));
    assert.deepEqual(r.warnings?.map((w) => [w.range.line, w.range.col, w.category, w.message]), [
      [10, 5, 'UserWarning', 'warns.py:10:5: warning: UserWarning: f got 3.0'],
      [11, 12, 'DeprecationWarning', 'warns.py:11:12: warning: DeprecationWarning: scaled() is deprecated; use x * 2'],
    ]);
    const diagnostics = documentDiagnostics({ functions: [], diagnostics: [] }, [{ ok: true, result: r }, { ok: true, result: r }]);
    assert.deepEqual(diagnostics.map((d) => [d.range.start.line, d.severity, d.code, d.message]), [
      [9, DiagnosticSeverity.Warning, 'python-warning', 'UserWarning: f got 3.0'],
      [10, DiagnosticSeverity.Warning, 'python-warning', 'DeprecationWarning: scaled() is deprecated; use x * 2'],
    ]);
  });
});
