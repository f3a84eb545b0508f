import * as assert from 'node:assert/strict';
import type { Position, TextDocumentContentChangeEvent } from 'vscode-languageserver';
import { TextDocument } from 'vscode-languageserver-textdocument';
import { ChunkedDocument, TextChunks } from '../../../server/text_chunks';

/** mulberry32, seeded: a failure names the seed that replays it. */
function random(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

/** What edits insert: line breaks of every kind (a CR typed before an LF makes a CRLF across the edit), and a paste longer than a chunk. */
const INSERTS = ['', 'x', ' * 2', '\n', '\r\n', '\r', '\n    return y\n', 'é∇😀', `${'    h = jnp.tanh(x * w)\n'.repeat(900)}`];

/** A Python file of ~40 KB, some of its lines ending in CRLF. */
function source(): string {
  const lines: string[] = [];
  for (let i = 0; i < 300; i++) lines.push(`def loss_${i}(x, w):`, `    h = jnp.tanh(x * w + ${i}.5)${i % 7 === 0 ? '\r' : ''}`, '    return (h * h).sum()', '');
  return lines.join('\n');
}

describe('server: documents kept in chunks (server/text_chunks.ts)', () => {
  const seed = Number(process.env.GRADLENS_SEED ?? Date.now() % 2 ** 31);

  it('gives the text, positions, offsets and lines that vscode-languageserver-textdocument gives, after each of 500 random edits', () => {
    const next = random(seed);
    const text = source();
    const reference = TextDocument.create('file:///w/f.py', 'python', 1, text);
    const chunked = new ChunkedDocument('file:///w/f.py', 'python', 1, text);
    const position = (): Position => ({ line: Math.floor(next() * (reference.lineCount + 2)) - 1, character: Math.floor(next() * 40) - 1 });
    for (let version = 2; version < 502; version++) {
      const insert = INSERTS[Math.floor(next() * INSERTS.length)];
      const [start, end] = [position(), next() < 0.5 ? position() : undefined];
      const whole = next() < 0.01;
      const change: TextDocumentContentChangeEvent = whole ? { text: source().slice(0, 5000) } : { range: { start, end: end ?? start }, text: insert };
      TextDocument.update(reference, [change], version);
      chunked.update([change], version);
      const at = `edit ${version} (seed ${seed})`;
      assert.equal(chunked.text.length, reference.getText().length, at);
      assert.equal(chunked.lineCount, reference.lineCount, at);
      for (let k = 0; k < 5; k++) {
        const p = position();
        const q = position();
        assert.equal(chunked.offsetAt(p), reference.offsetAt(p), at);
        assert.deepEqual(chunked.getText({ start: p, end: q }), reference.getText({ start: p, end: q }), at);
        const offset = Math.floor(next() * (reference.getText().length + 2)) - 1;
        assert.deepEqual(chunked.positionAt(offset), reference.positionAt(offset), at);
        const from = Math.floor(next() * reference.getText().length);
        const to = from + Math.floor(next() * 20000);
        assert.equal(chunked.text.slice(from, to), reference.getText().slice(from, to), at);
      }
      if (version % 50 === 0) assert.equal(chunked.getText(), reference.getText(), at);
    }
    assert.equal(chunked.getText(), reference.getText());
  });

  it('leaves a text it edited as it was', () => {
    const before = TextChunks.of('a'.repeat(20000));
    const after = before.replaced(8190, 8195, 'bc');
    assert.equal(before.slice(0, before.length), 'a'.repeat(20000));
    assert.equal(after.slice(8185, 8195), 'aaaaabcaaa');
    assert.equal(after.length, 19997);
  });
});
