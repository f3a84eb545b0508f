import * as assert from 'node:assert/strict';
import { fromWire, isExtensionToWebview, isWebviewToExtension } from '../../../protocol';
import { MALFORMED_TO_EXTENSION, MALFORMED_TO_WEBVIEW, VALID_TO_EXTENSION, VALID_TO_WEBVIEW } from './malformed_messages';

/**
 * Issue 12's malformed-message table for the webview channel: every message crossing it, either
 * way, is validated whole (nested fields included) after JSON, and a malformed one is refused
 * rather than acted on. The panel's side is also run in headless Chromium (test/webview).
 */
const crossed = (data: unknown): unknown => JSON.parse(JSON.stringify(data));

describe('protocol: the webview channel refuses malformed messages', () => {
  describe('extension -> webview', () => {
    VALID_TO_WEBVIEW.forEach((m, i) => it(`accepts well-formed message ${i} (${(m as { type: string }).type})`, () => assert.ok(fromWire(crossed(m), isExtensionToWebview))));
    for (const [name, data] of MALFORMED_TO_WEBVIEW) it(`refuses ${name}`, () => assert.equal(fromWire(crossed(data), isExtensionToWebview), undefined));
  });
  describe('webview -> extension', () => {
    VALID_TO_EXTENSION.forEach((m, i) => it(`accepts well-formed message ${i} (${(m as { type: string }).type})`, () => assert.ok(fromWire(crossed(m), isWebviewToExtension))));
    for (const [name, data] of MALFORMED_TO_EXTENSION) it(`refuses ${name}`, () => assert.equal(fromWire(crossed(data), isWebviewToExtension), undefined));
  });
  it('a message is not taken for one of the other direction', () => {
    for (const m of VALID_TO_WEBVIEW) assert.equal(isWebviewToExtension(crossed(m)), false);
    for (const m of VALID_TO_EXTENSION) assert.equal(isExtensionToWebview(crossed(m)), false);
  });
});
