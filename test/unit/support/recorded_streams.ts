import * as assert from 'node:assert/strict';
import { createHash } from 'node:crypto';

/**
 * A random stream recorded from the real library (test/fixtures/random/*_streams.py): the snippet
 * that draws it, its length, its first values and the SHA-256 of all of them as little-endian
 * float64 bytes.
 */
export interface RecordedStream {
  readonly name: string;
  readonly code: string;
  readonly count: number;
  readonly head: number[];
  readonly sha256: string;
}

/** Asserts `got` is the recorded stream, bit for bit. */
export function assertSameStream(got: readonly number[], want: RecordedStream): void {
  assert.equal(got.length, want.count, 'as many values');
  assert.deepEqual(got.slice(0, want.head.length), want.head, 'the first values');
  const bytes = Buffer.from(Float64Array.from(got).buffer);
  assert.equal(createHash('sha256').update(bytes).digest('hex'), want.sha256, 'every value, bit for bit (SHA-256 of the float64 bytes)');
}
