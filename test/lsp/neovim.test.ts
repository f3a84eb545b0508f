/**
 * The same seed flow in a third-party editor: headless Neovim's built-in LSP client starts
 * `node dist/server.js --stdio` (test/lsp/neovim/seed.lua) and reports what it got.
 */
import { strict as assert } from 'node:assert';
import { execFileSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { SERVER } from './client';

interface NeovimReport {
  readonly error?: string;
  readonly lenses_before: string[];
  readonly lenses_after: string[];
  readonly hints: string[];
  readonly hover: string;
  readonly outcome: { ok: boolean; result: { value: number; grad: Record<string, number> } };
}

function runNeovim(file: string): NeovimReport {
  const dir = mkdtempSync(join(tmpdir(), 'gradlens-nvim-'));
  const out = join(dir, 'report.json');
  try {
    execFileSync('nvim', ['--headless', '-u', 'NONE', '-i', 'NONE', '-n', '-c', 'luafile test/lsp/neovim/seed.lua'], {
      env: { ...process.env, GRADLENS_FILE: file, GRADLENS_OUT: out, GRADLENS_SERVER: SERVER },
      timeout: 120_000,
      stdio: ['ignore', 'ignore', 'inherit'],
    });
    return JSON.parse(readFileSync(out, 'utf8')) as NeovimReport;
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

describe('Neovim headless (vim.lsp.start_client over stdio)', function () {
  this.timeout(180_000);

  it('examples/seed_jax.py: lenses, executeCommand, then 7.0 in the lens, 15.0 inline, both engines on hover', () => {
    const report = runNeovim('examples/seed_jax.py');
    assert.equal(report.error, undefined, report.error);
    assert.deepEqual(report.lenses_before, ['∇ Compute gradient', 'Graph', 'Eager vs jit']);
    assert.ok(report.outcome.ok);
    assert.equal(report.outcome.result.value, 15);
    assert.deepEqual(report.outcome.result.grad, { x: 7 });
    assert.match(report.lenses_after[0], /^∇x = 7\.0 · jit [\d.]+× (faster|slower)$/);
    assert.deepEqual(report.hints, ['→ 15.0, ∇x = 7.0']);
    assert.match(report.hover, /\| \| eager \| jit \|/);
    assert.match(report.hover, /\| run \| [\d.]+ ms \| [\d.]+ ms \|/);
  });
});
