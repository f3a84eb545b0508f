import * as assert from 'node:assert/strict';
import { floatToNarrowInt, Int64RangeError, intRange, promoteTypes, typedArrayFrom, wrapInteger, type DType } from '../../../runtime/core';

/**
 * The 8- and 16-bit integer dtypes beside runtime/core/dtype.ts's tables: promotion as
 * torch.promote_types gives it (NumPy's np.promote_types where PyTorch 1.13 lacks the dtype:
 * uint16), stores that wrap as C's do, and NumPy 1.24's float casts on x86, each row printed by
 * /usr/bin/python3.
 */
const NAMES = ['bool', 'uint8', 'int8', 'int16', 'uint16', 'int32', 'int64', 'float32', 'float64'] as const;
const PROMOTED: Readonly<Record<(typeof NAMES)[number], readonly DType[]>> = {
  bool: ['bool', 'uint8', 'int8', 'int16', 'uint16', 'int32', 'int64', 'float32', 'float64'],
  uint8: ['uint8', 'uint8', 'int16', 'int16', 'uint16', 'int32', 'int64', 'float32', 'float64'],
  int8: ['int8', 'int16', 'int8', 'int16', 'int32', 'int32', 'int64', 'float32', 'float64'],
  int16: ['int16', 'int16', 'int16', 'int16', 'int32', 'int32', 'int64', 'float32', 'float64'],
  uint16: ['uint16', 'uint16', 'int32', 'int32', 'uint16', 'int32', 'int64', 'float32', 'float64'],
  int32: ['int32', 'int32', 'int32', 'int32', 'int32', 'int32', 'int64', 'float32', 'float64'],
  int64: ['int64', 'int64', 'int64', 'int64', 'int64', 'int64', 'int64', 'float32', 'float64'],
  float32: ['float32', 'float32', 'float32', 'float32', 'float32', 'float32', 'float32', 'float32', 'float64'],
  float64: ['float64', 'float64', 'float64', 'float64', 'float64', 'float64', 'float64', 'float64', 'float64'],
};

describe('8- and 16-bit integer dtypes (runtime/core/dtype.ts)', () => {
  it('promote as torch.promote_types (np.promote_types for uint16) for every pair', () => {
    const wrong = NAMES.flatMap((a) => NAMES.flatMap((b, j) => {
      const got = promoteTypes(a, b);
      return got === PROMOTED[a][j] ? [] : [`${a} with ${b}: ${got}, expected ${PROMOTED[a][j]}`];
    }));
    assert.deepEqual(wrong, []);
  });

  it('uint32 with a signed integer is the signed type holding both (int64), as np.promote_types', () => {
    assert.equal(promoteTypes('uint32', 'int32'), 'int64');
    assert.equal(promoteTypes('int8', 'uint32'), 'int64');
    assert.equal(promoteTypes('uint32', 'uint16'), 'uint32');
  });

  it('uint64 (NumPy sums of unsigned arrays) with a signed integer is float64, and holds only [0, 2**53) exactly', () => {
    assert.equal(promoteTypes('uint64', 'int8'), 'float64');
    assert.equal(promoteTypes('int64', 'uint64'), 'float64');
    assert.equal(promoteTypes('uint8', 'uint64'), 'uint64');
    assert.deepEqual(Array.from(typedArrayFrom('uint64', [0, 65520, 2 ** 53 - 1])), [0, 65520, 2 ** 53 - 1]);
    assert.throws(() => typedArrayFrom('uint64', [3, -3]), (e: unknown) => e instanceof Int64RangeError && /uint64 value \(-3\) is below 0: NumPy would wrap it to 2\*\*64 - 3/.test(e.message));
    assert.throws(() => typedArrayFrom('uint64', [2 ** 53]), Int64RangeError);
  });

  it('stores wrap modulo 2**bits, as np.array([...], dtype=np.int64).astype(...) does', () => {
    // np.array([250 + 10, -1, 128, 40000, -40000, 2**40 + 3]).astype(d)
    const values = [260, -1, 128, 40000, -40000, 2 ** 40 + 3];
    assert.deepEqual(Array.from(typedArrayFrom('uint8', values)), [4, 255, 128, 64, 192, 3]);
    assert.deepEqual(Array.from(typedArrayFrom('int8', values)), [4, -1, -128, 64, -64, 3]);
    assert.deepEqual(Array.from(typedArrayFrom('int16', values)), [260, -1, 128, -25536, 25536, 3]);
    assert.deepEqual(Array.from(typedArrayFrom('uint16', values)), [260, 65535, 128, 40000, 25536, 3]);
    assert.deepEqual(values.map((v) => wrapInteger('int8', v)), [4, -1, -128, 64, -64, 3]);
    assert.deepEqual(intRange('int16'), { min: -32768, max: 32767 });
    assert.deepEqual(intRange('uint8'), { min: 0, max: 255 });
  });

  it('floats cast as NumPy 1.24 casts them on x86: through int32, INT_MIN (and a warning) past it', () => {
    const x = [-1.5, 300, -300, NaN, Infinity, 1e10, 255.9, -0.9, 127.5, 128, -129, 65539, 2 ** 31 + 5, -(2 ** 31) - 5];
    // np.array(x).astype(np.uint8) and np.int16
    const u8 = floatToNarrowInt('uint8', x);
    assert.deepEqual(Array.from(u8.data), [255, 44, 212, 0, 0, 0, 255, 0, 127, 128, 127, 3, 0, 0]);
    assert.equal(u8.invalid, 5);
    assert.deepEqual(Array.from(floatToNarrowInt('int16', x).data), [-1, 300, -300, 0, 0, 0, 255, 0, 127, 128, -129, 3, 0, 0]);
    assert.deepEqual(Array.from(floatToNarrowInt('int8', x).data), [-1, 44, -44, 0, 0, 0, -1, 0, 127, -128, 127, 3, 0, 0]);
    assert.deepEqual(Array.from(floatToNarrowInt('uint16', x).data), [65535, 300, 65236, 0, 0, 0, 255, 0, 127, 128, 65407, 3, 0, 0]);
    // -2**31 itself converts (no warning); 2**31 does not.
    assert.equal(floatToNarrowInt('uint8', [-(2 ** 31), -(2 ** 31) - 0.5]).invalid, 0);
    assert.equal(floatToNarrowInt('uint8', [2 ** 31]).invalid, 1);
  });
});
