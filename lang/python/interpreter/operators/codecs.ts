/**
 * `str.encode` and `bytes.decode` for the codecs ML code uses: utf-8, ascii and latin-1, with the
 * error handlers strict, ignore and replace (and surrogateescape/backslashreplace refused by name),
 * raising CPython's UnicodeEncodeError/UnicodeDecodeError words: `'utf-8' codec can't decode byte
 * 0xff in position 0: invalid start byte`.
 */
import { chargeChars, type HostContext, pyError } from '../values';

type Codec = 'utf-8' | 'ascii' | 'latin-1';
type Handler = 'strict' | 'ignore' | 'replace';

/** CPython's normalized codec names for the aliases scripts write. */
const CODECS: Readonly<Record<string, Codec>> = {
  'utf-8': 'utf-8', utf8: 'utf-8', 'utf_8': 'utf-8', u8: 'utf-8',
  ascii: 'ascii', 'us-ascii': 'ascii', 'us_ascii': 'ascii',
  'latin-1': 'latin-1', latin1: 'latin-1', 'latin_1': 'latin-1', 'iso-8859-1': 'latin-1', 'iso8859-1': 'latin-1', 'iso_8859_1': 'latin-1', l1: 'latin-1',
};

/** Codecs CPython has that Gradlens does not: refused by name rather than called unknown. */
const OTHER_CODECS = /^(utf[-_]?(16|32|7)([-_]?[bl]e)?|cp\d+|windows[-_]\d+|iso[-_]?8859[-_]\d+|latin[-_]?[2-9]|mac[-_]\w+|koi8[-_]\w|big5|gbk|gb2312|gb18030|shift[-_]jis|euc[-_]\w+|idna|punycode|(raw[-_])?unicode[-_]escape|base64|hex|rot[-_]13|zlib|bz2)$/i;

function codec(name: string): Codec {
  const c = CODECS[name.toLowerCase().replace(/ /g, '-')];
  if (c) return c;
  if (OTHER_CODECS.test(name)) throw pyError('NotImplementedError', `the '${name}' codec is not supported by Gradlens; use 'utf-8', 'ascii' or 'latin-1'`);
  throw pyError('LookupError', `unknown encoding: ${name}`);
}

function handler(name: string): Handler {
  if (name === 'strict' || name === 'ignore' || name === 'replace') return name;
  throw pyError('LookupError', `unknown error handler name '${name}'`);
}

/** `s.encode(encoding, errors)`. */
export function encode(s: string, encoding: string, errors: string, ctx: HostContext): Uint8Array {
  const c = codec(encoding);
  const h = handler(errors);
  chargeChars(ctx, s.length * (c === 'utf-8' ? 4 : 1));
  const out: number[] = [];
  const limit = c === 'ascii' ? 0x80 : 0x100;
  let position = 0;
  for (const ch of s) {
    const cp = ch.codePointAt(0)!;
    const surrogate = cp >= 0xd800 && cp <= 0xdfff;
    if (c === 'utf-8' && !surrogate) pushUtf8(out, cp);
    else if (c !== 'utf-8' && cp < limit) out.push(cp);
    else if (h === 'ignore') { /* dropped */ }
    else if (h === 'replace') out.push(0x3f);
    else {
      const reason = c === 'utf-8' ? 'surrogates not allowed' : `ordinal not in range(${limit})`;
      throw pyError('UnicodeEncodeError', `'${c === 'latin-1' ? 'latin-1' : c}' codec can't encode character '${escapeChar(cp)}' in position ${position}: ${reason}`);
    }
    position++;
  }
  return Uint8Array.from(out);
}

function pushUtf8(out: number[], cp: number): void {
  if (cp < 0x80) out.push(cp);
  else if (cp < 0x800) out.push(0xc0 | (cp >> 6), 0x80 | (cp & 63));
  else if (cp < 0x10000) out.push(0xe0 | (cp >> 12), 0x80 | ((cp >> 6) & 63), 0x80 | (cp & 63));
  else out.push(0xf0 | (cp >> 18), 0x80 | ((cp >> 12) & 63), 0x80 | ((cp >> 6) & 63), 0x80 | (cp & 63));
}

/** How CPython's message shows a character: `'\xe9'`, `'\u20ac'`, `'\U0001f600'`. */
function escapeChar(cp: number): string {
  if (cp < 0x100) return `\\x${cp.toString(16).padStart(2, '0')}`;
  if (cp < 0x10000) return `\\u${cp.toString(16).padStart(4, '0')}`;
  return `\\U${cp.toString(16).padStart(8, '0')}`;
}

/** `b.decode(encoding, errors)`. */
export function decode(data: Uint8Array, encoding: string, errors: string, ctx: HostContext): string {
  const c = codec(encoding);
  const h = handler(errors);
  chargeChars(ctx, data.length);
  if (c === 'latin-1') return latin1(data);
  if (c === 'ascii') {
    let out = '';
    for (let i = 0; i < data.length; i++) {
      const b = data[i];
      if (b < 0x80) out += String.fromCharCode(b);
      else if (h === 'replace') out += '\ufffd';
      else if (h === 'strict') throw decodeError('ascii', b, i, i + 1, 'ordinal not in range(128)');
    }
    return out;
  }
  return utf8(data, h);
}

/** Bytes 0-255 as the characters of the same codes (the bytes' text in repr and in literals). */
export function latin1(data: Uint8Array): string {
  let out = '';
  for (let i = 0; i < data.length; i += 8192) out += String.fromCharCode(...data.subarray(i, i + 8192));
  return out;
}

function decodeError(codecName: string, byte: number, start: number, end: number, reason: string) {
  const what = end - start > 1 ? `bytes in position ${start}-${end - 1}` : `byte 0x${byte.toString(16).padStart(2, '0')} in position ${start}`;
  return pyError('UnicodeDecodeError', `'${codecName}' codec can't decode ${what}: ${reason}`);
}

/**
 * UTF-8 as CPython decodes it: a maximal invalid subpart is one error (one U+FFFD under
 * `replace`), with CPython's reasons (invalid start byte, invalid continuation byte, unexpected
 * end of data).
 */
function utf8(data: Uint8Array, h: Handler): string {
  const parts: string[] = [];
  let run: number[] = [];
  const flush = () => {
    if (run.length) parts.push(String.fromCodePoint(...run));
    run = [];
  };
  let i = 0;
  while (i < data.length) {
    const b = data[i];
    if (b < 0x80) {
      run.push(b);
      i++;
      if (run.length >= 4096) flush();
      continue;
    }
    let need: number;
    let cp: number;
    let lo = 0x80;
    let hi = 0xbf;
    if (b >= 0xc2 && b <= 0xdf) { need = 1; cp = b & 0x1f; }
    else if (b >= 0xe0 && b <= 0xef) {
      need = 2; cp = b & 0x0f;
      if (b === 0xe0) lo = 0xa0;
      if (b === 0xed) hi = 0x9f;
    } else if (b >= 0xf0 && b <= 0xf4) {
      need = 3; cp = b & 0x07;
      if (b === 0xf0) lo = 0x90;
      if (b === 0xf4) hi = 0x8f;
    } else {
      if (h === 'strict') throw decodeError('utf-8', b, i, i + 1, 'invalid start byte');
      if (h === 'replace') run.push(0xfffd);
      i++;
      continue;
    }
    let j = 1;
    let bad: 'invalid continuation byte' | 'unexpected end of data' | null = null;
    for (; j <= need; j++) {
      if (i + j >= data.length) {
        bad = 'unexpected end of data';
        break;
      }
      const cb = data[i + j];
      const [min, max] = j === 1 ? [lo, hi] : [0x80, 0xbf];
      if (cb < min || cb > max) {
        bad = 'invalid continuation byte';
        break;
      }
      cp = (cp << 6) | (cb & 0x3f);
    }
    if (bad === null) {
      run.push(cp);
      i += need + 1;
      continue;
    }
    if (h === 'strict') throw decodeError('utf-8', b, i, i + j, bad);
    if (h === 'replace') run.push(0xfffd);
    i += j;
  }
  flush();
  return parts.join('');
}
