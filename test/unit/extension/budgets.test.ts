import * as assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { BUDGET_SETTINGS, budgetsFromSettings, clampBudgets, type BudgetSetting } from '../../../protocol';

/**
 * Issue 12.7: a repository's .vscode/settings.json could set `"gradlens.budget.seconds": 1e9` and
 * switch the budgets off, in Restricted Mode too. The settings are declared restricted (VS Code
 * then ignores the workspace's values in an untrusted workspace) and bounded, and the code clamps
 * whatever it reads to the same bounds.
 */
const manifest = JSON.parse(readFileSync('package.json', 'utf8')) as {
  capabilities: { untrustedWorkspaces: { supported: unknown; restrictedConfigurations?: string[] } };
  contributes: { configuration: { properties: Record<string, { minimum?: number; maximum?: number; default?: number }> } };
};
const SETTINGS = Object.keys(BUDGET_SETTINGS) as BudgetSetting[];

describe('extension: the budget settings cannot be switched off by a workspace', () => {
  it('declares every gradlens.budget.* setting restricted in untrusted workspaces', () => {
    const declared = Object.keys(manifest.contributes.configuration.properties).filter((k) => k.startsWith('gradlens.budget.'));
    assert.deepEqual(declared.sort(), SETTINGS.map((s) => `gradlens.budget.${s}`).sort());
    // Verify's Python is restricted too (test/unit/extension/verify_gate.test.ts).
    assert.deepEqual([...(manifest.capabilities.untrustedWorkspaces.restrictedConfigurations ?? [])].filter((k: string) => k.startsWith('gradlens.budget.')).sort(), declared.sort());
    assert.equal(manifest.capabilities.untrustedWorkspaces.supported, 'limited');
  });

  for (const s of SETTINGS) {
    it(`gradlens.budget.${s}: package.json's minimum, maximum and default are the ones the code clamps to`, () => {
      const p = manifest.contributes.configuration.properties[`gradlens.budget.${s}`];
      assert.deepEqual({ minimum: p.minimum, maximum: p.maximum, default: p.default }, BUDGET_SETTINGS[s]);
    });
  }

  it('clamps what the settings give: huge to the maximum, tiny to the minimum, non-numbers to the default', () => {
    const settings = (values: Partial<Record<BudgetSetting, unknown>>) => budgetsFromSettings((s) => values[s]);
    assert.deepEqual(settings({ steps: 1e12, seconds: 1e9, tensorMiB: Infinity }), { steps: 100_000_000, ms: 120_000, tensorBytes: 4096 * 1024 * 1024 });
    assert.deepEqual(settings({ steps: 0, seconds: -1, tensorMiB: 0 }), { steps: 1000, ms: 100, tensorBytes: 1024 * 1024 });
    assert.deepEqual(settings({ steps: '1e12', seconds: null, tensorMiB: NaN }), { steps: 1_000_000, ms: 10_000, tensorBytes: 256 * 1024 * 1024 });
    assert.deepEqual(settings({}), { steps: 1_000_000, ms: 10_000, tensorBytes: 256 * 1024 * 1024 });
  });

  it("clamps a request's budgets where the panel runs it (a request may be forged)", () => {
    assert.deepEqual(clampBudgets({ steps: 1e15, ms: 1e12, tensorBytes: Infinity }), { steps: 100_000_000, ms: 120_000, tensorBytes: 4096 * 1024 * 1024 });
    assert.deepEqual(clampBudgets({ ms: NaN }), { ms: 120_000 });
    assert.deepEqual(clampBudgets({ steps: 5000 }), { steps: 5000 });
    assert.equal(clampBudgets(undefined), undefined);
  });
});
