/** Decoding of Python string literals: prefixes, quotes and backslash escapes. */

export interface StringLiteralShape {
  raw: boolean;
  format: boolean;
  bytes: boolean;
  /** Length of prefix plus opening quote(s). */
  open: number;
  /** Length of the closing quote(s); 0 when the literal is unterminated. */
  close: number;
}

/** The prefix and quotes of a literal's text, e.g. `rb'''...'''`. */
export function literalShape(text: string): StringLiteralShape {
  let i = 0;
  let raw = false;
  let format = false;
  let bytes = false;
  for (; i < text.length; i++) {
    const c = text[i].toLowerCase();
    if (c === 'r') raw = true;
    else if (c === 'f') format = true;
    else if (c === 'b') bytes = true;
    else if (c === 'u') continue;
    else break;
  }
  const q = text[i];
  const triple = text.startsWith(q.repeat(3), i);
  const quote = triple ? q.repeat(3) : q;
  const open = i + quote.length;
  const close = text.length - open >= quote.length && text.endsWith(quote) ? quote.length : 0;
  return { raw, format, bytes, open, close };
}

const SIMPLE_ESCAPES: Record<string, string> = {
  '\\': '\\', "'": "'", '"': '"', a: '\x07', b: '\b', f: '\f', n: '\n', r: '\r', t: '\t', v: '\v',
};

/**
 * Decodes the backslash escapes of a literal's body. With `braces`, `{{` and `}}`
 * (f-string literal text) become single braces. Unknown escapes stay as written,
 * as in Python.
 */
export function decodeEscapes(body: string, raw: boolean, braces = false, bytes = false): string {
  let out = '';
  for (let i = 0; i < body.length; i++) {
    const c = body[i];
    if (braces && (c === '{' || c === '}') && body[i + 1] === c) {
      out += c;
      i++;
      continue;
    }
    if (c !== '\\' || raw) {
      if (raw && c === '\\' && i + 1 < body.length) {
        // A raw string keeps the backslash and the character after it, even a quote.
        out += c + body[i + 1];
        i++;
        continue;
      }
      out += c;
      continue;
    }
    const n = body[i + 1];
    if (n === undefined) {
      out += c;
      continue;
    }
    if (n === '\n') {
      i++;
      continue;
    }
    if (n === '\r') {
      i += body[i + 2] === '\n' ? 2 : 1;
      continue;
    }
    if (n in SIMPLE_ESCAPES) {
      out += SIMPLE_ESCAPES[n];
      i++;
      continue;
    }
    if (n >= '0' && n <= '7') {
      let j = i + 1;
      let digits = '';
      while (j < body.length && digits.length < 3 && body[j] >= '0' && body[j] <= '7') digits += body[j++];
      out += String.fromCodePoint(parseInt(digits, 8));
      i = j - 1;
      continue;
    }
    // \u and \U are no escapes in a bytes literal.
    const hexLength = n === 'x' ? 2 : bytes ? 0 : n === 'u' ? 4 : n === 'U' ? 8 : 0;
    if (hexLength > 0) {
      const hex = body.slice(i + 2, i + 2 + hexLength);
      if (hex.length === hexLength && /^[0-9a-fA-F]+$/.test(hex)) {
        const code = parseInt(hex, 16);
        if (code <= 0x10ffff) {
          out += String.fromCodePoint(code);
          i += 1 + hexLength;
          continue;
        }
      }
    }
    out += c;
  }
  return out;
}

/** The value of a whole non-f-string literal such as `'a\\n'` or `r"x"`. */
export function decodeStringLiteral(text: string): string {
  const shape = literalShape(text);
  return decodeEscapes(text.slice(shape.open, text.length - shape.close), shape.raw, false, shape.bytes);
}
