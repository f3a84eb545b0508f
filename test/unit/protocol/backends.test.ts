import * as assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { BACKEND_NAMES, backendLabel, backendSettingEnum, isEvaluateRequest, NODE_BACKENDS } from '../../../protocol';
import { createReferenceBackend } from '../../../runtime/backends';

/**
 * Issue 13: the backend names are declared once, in protocol/backends.ts. package.json cannot
 * import it, so this test holds its `gradlens.backend` setting to the declaration.
 */
const manifest = JSON.parse(readFileSync('package.json', 'utf8')) as {
  contributes: { configuration: { properties: Record<string, { enum?: string[]; enumDescriptions?: string[]; default?: string }> } };
};

describe('protocol: backend names declared once', () => {
  it("package.json's gradlens.backend enum and its descriptions are the declared settings", () => {
    const setting = manifest.contributes.configuration.properties['gradlens.backend'];
    assert.deepEqual({ enum: setting.enum, enumDescriptions: setting.enumDescriptions }, backendSettingEnum());
    assert.equal(setting.default, 'auto');
  });

  it('the validator takes every declared setting and refuses an undeclared one', () => {
    const request = (backend: string) => ({
      uri: 'file:///f.py', text: 'def f(x):\n    return x\n', function: 'f', engines: 'both', backend, graphs: false,
    });
    for (const backend of ['auto', ...BACKEND_NAMES]) assert.ok(isEvaluateRequest(request(backend)), backend);
    assert.ok(!isEvaluateRequest(request('metal')));
  });

  it('every backend has a label, and the runtime names its backends by the declared names', () => {
    for (const name of BACKEND_NAMES) assert.ok(backendLabel({ name }).length > 0);
    assert.equal(backendLabel({ name: 'webgpu', adapter: 'google (swiftshader)' }), 'WebGPU · google (swiftshader)');
    assert.ok(BACKEND_NAMES.includes(createReferenceBackend().name));
    assert.deepEqual(NODE_BACKENDS, ['wasm', 'cpu', 'reference']);
  });
});
