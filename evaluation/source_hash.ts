/**
 * The staleness key of a result: a hash of the function's exact source text. The server hashes
 * the same text from its own analysis, so an edit anywhere else in the file keeps a result fresh.
 */
import type { FunctionInfo } from '../lang/python';

/** The text `sourceHashOf` hashes: from the first decorator (or the `def`) to the end of the body. */
export function functionText(documentText: string, fn: FunctionInfo): string {
  return documentText.slice(fn.span.from, fn.span.to);
}

/**
 * 64-bit FNV-1a of the UTF-16 code units, as 16 hex digits: synchronous and the same in Node and
 * the browser (crypto.subtle is neither).
 */
export function sourceHashOf(functionText: string): string {
  let hi = 0xcbf29ce4;
  let lo = 0x84222325;
  for (let i = 0; i < functionText.length; i++) {
    lo = (lo ^ functionText.charCodeAt(i)) >>> 0;
    // Multiply (hi, lo) by the FNV prime 2^40 + 2^8 + 0xb3, keeping 64 bits.
    const loProduct = lo * 0x1b3;
    const carry = Math.floor(loProduct / 0x100000000);
    const nextHi = (hi * 0x1b3 + lo * 0x100 + carry) >>> 0;
    lo = loProduct >>> 0;
    hi = nextHi;
  }
  return hi.toString(16).padStart(8, '0') + lo.toString(16).padStart(8, '0');
}
