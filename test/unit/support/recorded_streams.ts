import * as assert from 'node:assert/strict';
import { createHash } from 'node:crypto';

/**
 * A random stream recorded from the real library (test/fixtures/random/*_streams.py): its length,
 * first values and the SHA-256 of all of them as little-endian float64 bytes; cases whose values
 * go through a C library log/sin/cos (`libm`) keep the values themselves.
 */
export interface RecordedStream {
  readonly name: string;
  readonly code: string;
  readonly count: number;
  readonly head: number[];
  readonly sha256: string;
  readonly libm: boolean;
  readonly values?: number[];
}

function ulpsApart(a: number, b: number): number {
  const view = new DataView(new ArrayBuffer(16));
  view.setFloat64(0, a);
  view.setFloat64(8, b);
  return Math.abs(Number(view.getBigInt64(0) - view.getBigInt64(8)));
}

/**
 * Asserts `got` is the recorded stream bit for bit. A libm case allows a difference in the last
 * bit or two of at most 1% of its values: Gradlens's log/sin/cos are correctly rounded, glibc's
 * (which PyTorch and NumPy call) are not for about 0.1% of arguments.
 */
export function assertSameStream(got: readonly number[], want: RecordedStream): void {
  assert.equal(got.length, want.count, 'as many values');
  if (want.libm && want.values) {
    const differ = got.map((_, i) => i).filter((i) => got[i] !== want.values![i]);
    assert.ok(differ.length <= Math.ceil(got.length * 0.01), `${differ.length} of ${got.length} values differ, the first at ${differ[0]}: ${got[differ[0]!]} where the library gives ${want.values[differ[0]!]}`);
    for (const i of differ) assert.ok(ulpsApart(got[i]!, want.values[i]!) <= 2, `value ${i}: ${got[i]} where the library gives ${want.values[i]}`);
    return;
  }
  assert.deepEqual(got.slice(0, want.head.length), want.head, 'the first values');
  const bytes = Buffer.from(Float64Array.from(got).buffer);
  assert.equal(createHash('sha256').update(bytes).digest('hex'), want.sha256, 'every value, bit for bit (SHA-256 of the float64 bytes)');
}
