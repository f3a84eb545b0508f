/**
 * SHA-512 (FIPS 180-4) of a byte string, synchronous and in plain TypeScript (the panel's WebCrypto
 * digest is asynchronous): `random.seed("text")` seeds CPython's generator from the text's bytes
 * followed by their SHA-512. Words are BigInts: seeds are short.
 */
const MASK = (1n << 64n) - 1n;

/** The first 64 bits of the fractional parts of the cube roots of the first 80 primes. */
const K: readonly bigint[] = (() => {
  const primes: number[] = [];
  for (let n = 2; primes.length < 80; n++) if (primes.every((p) => n % p !== 0)) primes.push(n);
  return primes.map((p) => fractionBits(p, 3));
})();

/** The first 64 bits of the fractional parts of the square roots of the first 8 primes. */
const H0: readonly bigint[] = [2, 3, 5, 7, 11, 13, 17, 19].map((p) => fractionBits(p, 2));

/** floor(frac(p^(1/k)) * 2^64), by integer root of p * 2^(64k). */
function fractionBits(p: number, k: number): bigint {
  const target = BigInt(p) << BigInt(64 * k);
  // Newton's method for the integer k-th root, from above.
  let x = 1n << BigInt(Math.ceil((64 * k + Math.log2(p)) / k) + 1);
  for (;;) {
    const y = ((BigInt(k) - 1n) * x + target / x ** BigInt(k - 1)) / BigInt(k);
    if (y >= x) break;
    x = y;
  }
  return x & MASK;
}

const rotr = (x: bigint, n: bigint) => ((x >> n) | (x << (64n - n))) & MASK;

export function sha512(data: Uint8Array): Uint8Array {
  const bitLength = BigInt(data.length) * 8n;
  const padded = new Uint8Array(Math.ceil((data.length + 17) / 128) * 128);
  padded.set(data);
  padded[data.length] = 0x80;
  for (let i = 0; i < 16; i++) padded[padded.length - 1 - i] = Number((bitLength >> BigInt(8 * i)) & 0xffn);
  const h = [...H0];
  const w = new Array<bigint>(80);
  for (let block = 0; block < padded.length; block += 128) {
    for (let t = 0; t < 16; t++) {
      let v = 0n;
      for (let b = 0; b < 8; b++) v = (v << 8n) | BigInt(padded[block + 8 * t + b]!);
      w[t] = v;
    }
    for (let t = 16; t < 80; t++) {
      const s0 = rotr(w[t - 15]!, 1n) ^ rotr(w[t - 15]!, 8n) ^ (w[t - 15]! >> 7n);
      const s1 = rotr(w[t - 2]!, 19n) ^ rotr(w[t - 2]!, 61n) ^ (w[t - 2]! >> 6n);
      w[t] = (w[t - 16]! + s0 + w[t - 7]! + s1) & MASK;
    }
    let [a, b, c, d, e, f, g, hh] = h as [bigint, bigint, bigint, bigint, bigint, bigint, bigint, bigint];
    for (let t = 0; t < 80; t++) {
      const t1 = (hh + (rotr(e, 14n) ^ rotr(e, 18n) ^ rotr(e, 41n)) + ((e & f) ^ (~e & MASK & g)) + K[t]! + w[t]!) & MASK;
      const t2 = ((rotr(a, 28n) ^ rotr(a, 34n) ^ rotr(a, 39n)) + ((a & b) ^ (a & c) ^ (b & c))) & MASK;
      hh = g;
      g = f;
      f = e;
      e = (d + t1) & MASK;
      d = c;
      c = b;
      b = a;
      a = (t1 + t2) & MASK;
    }
    [a, b, c, d, e, f, g, hh].forEach((v, i) => (h[i] = (h[i]! + v) & MASK));
  }
  const out = new Uint8Array(64);
  h.forEach((v, i) => {
    for (let b = 0; b < 8; b++) out[8 * i + b] = Number((v >> BigInt(56 - 8 * b)) & 0xffn);
  });
  return out;
}
