/**
 * A finite float's exact value as an integer times a power of two, read from its IEEE 754 bits:
 * `|x| = mantissa * 2**exponent` (subnormals included): hash(x), Fraction(x) and statistics'
 * exact sums start from it.
 */
export function floatParts(x: number): { readonly mantissa: bigint; readonly exponent: number } {
  const view = new DataView(new ArrayBuffer(8));
  view.setFloat64(0, Math.abs(x));
  const bits = view.getBigUint64(0);
  const biased = Number(bits >> 52n);
  const fraction = bits & ((1n << 52n) - 1n);
  return { mantissa: biased === 0 ? fraction : fraction | (1n << 52n), exponent: (biased === 0 ? 1 : biased) - 1075 };
}
