/**
 * Python's string formatting: the format-spec mini-language of `format()` and
 * f-strings (`{x:.3f}`, `{x:>8}`, `{x:,}`, `{x:e}`, `{x:g}`), `str.format`
 * fields, and printf-style `%` formatting.
 */
import { type PyError, pyError, type PyValue } from '../values';
import { floatRepr, formatExponent, groupDigits, toExponentialAbs, toFixedAbs } from './numbers';

export interface FormatSpec {
  fill: string;
  align: '<' | '>' | '^' | '=' | null;
  sign: '+' | '-' | ' ' | null;
  /** `z`: negative zero becomes zero after rounding. */
  z: boolean;
  alt: boolean;
  zero: boolean;
  width: number;
  grouping: ',' | '_' | null;
  precision: number | null;
  type: string | null;
}

const SPEC_RE = /^(?:(.)?([<>=^]))?([+\- ])?(z)?(#)?(0)?(\d+)?([,_])?(?:\.(\d+))?([bcdeEfFgGnosxX%])?$/su;

export function parseSpec(spec: string): FormatSpec {
  const m = SPEC_RE.exec(spec);
  if (!m) throw pyError('ValueError', 'Invalid format specifier');
  return {
    fill: m[1] ?? (m[2] ? ' ' : ''),
    align: (m[2] as FormatSpec['align']) ?? null,
    sign: (m[3] as FormatSpec['sign']) ?? null,
    z: !!m[4],
    alt: !!m[5],
    zero: !!m[6],
    width: m[7] ? Number(m[7]) : 0,
    grouping: (m[8] as FormatSpec['grouping']) ?? null,
    precision: m[9] !== undefined ? Number(m[9]) : null,
    type: m[10] ?? null,
  };
}

/** Pads `body` (with `sign` before it) to the spec's width. */
function pad(sign: string, body: string, spec: FormatSpec, defaultAlign: '<' | '>'): string {
  let fill = spec.fill || ' ';
  let align = spec.align;
  if (!align && spec.zero) {
    fill = spec.fill || '0';
    align = '=';
  }
  align ??= defaultAlign;
  const len = [...sign].length + [...body].length;
  const n = Math.max(0, spec.width - len);
  switch (align) {
    case '<':
      return sign + body + fill.repeat(n);
    case '>':
      return fill.repeat(n) + sign + body;
    case '^':
      return fill.repeat(n >> 1) + sign + body + fill.repeat(n - (n >> 1));
    case '=':
      return sign + fill.repeat(n) + body;
  }
}

function signOf(negative: boolean, spec: FormatSpec): string {
  if (negative) return '-';
  if (spec.sign === '+') return '+';
  if (spec.sign === ' ') return ' ';
  return '';
}

/** Groups the integer part of a digit string such as `1234567.89`, zero-filling first when the spec asks. */
function groupNumber(body: string, spec: FormatSpec, signLength: number, every = 3): string {
  const sep = spec.grouping;
  if (!sep) return body;
  const m = /^([0-9a-fA-F]*)(.*)$/s.exec(body)!;
  let int = m[1];
  const rest = m[2];
  if (spec.zero && !spec.align) {
    // Leading zeros from zero-padding take separators too, as in Python: format(1234, '010,') == '00,001,234'.
    while (signLength + groupDigits(int, sep, every).length + rest.length < spec.width) int = '0' + int;
  }
  return groupDigits(int, sep, every) + rest;
}

export function formatInt(v: bigint, specText: string): string {
  const spec = parseSpec(specText);
  const type = spec.type ?? 'd';
  if ('eEfFgG%'.includes(type)) return formatFloatSpec(Number(v), spec, 'int');
  if (spec.precision !== null) throw pyError('ValueError', 'Precision not allowed in integer format specifier');
  if (type === 'c') {
    if (spec.sign) throw pyError('ValueError', "Sign not allowed with integer format specifier 'c'");
    return pad('', String.fromCodePoint(Number(v)), spec, '>');
  }
  if (!'bdnoxX'.includes(type)) throw pyError('ValueError', `Unknown format code '${type}' for object of type 'int'`);
  const neg = v < 0n;
  const a = neg ? -v : v;
  const radix = type === 'b' ? 2 : type === 'o' ? 8 : type === 'x' || type === 'X' ? 16 : 10;
  let digits = a.toString(radix);
  if (type === 'X') digits = digits.toUpperCase();
  const prefix = spec.alt && radix !== 10 ? `0${type === 'X' ? 'X' : type === 'x' ? 'x' : type}` : '';
  const sign = signOf(neg, spec) + prefix;
  if (spec.grouping === ',' && radix !== 10) throw pyError('ValueError', "Cannot specify ',' with '" + type + "'.");
  digits = groupNumber(digits, spec, sign.length, radix === 10 ? 3 : 4);
  return pad(sign, digits, spec, '>');
}

export function formatFloat(v: number, specText: string): string {
  return formatFloatSpec(v, parseSpec(specText), 'float');
}

function formatFloatSpec(v: number, spec: FormatSpec, typeName: 'int' | 'float'): string {
  const type = spec.type;
  if (type !== null && !'eEfFgGn%'.includes(type)) {
    throw pyError('ValueError', `Unknown format code '${type}' for object of type '${typeName}'`);
  }
  let neg = v < 0 || Object.is(v, -0);
  let body: string;
  if (!Number.isFinite(v)) {
    body = Number.isNaN(v) ? 'nan' : 'inf';
    if (Number.isNaN(v)) neg = false;
    if (type && 'EFG'.includes(type)) body = body.toUpperCase();
    if (type === '%') body += '%';
    return pad(signOf(neg, spec), body, spec, '>');
  }
  const a = Math.abs(v);
  switch (type) {
    case 'f':
    case 'F':
      body = toFixedAbs(a, spec.precision ?? 6);
      if (spec.alt && !body.includes('.')) body += '.';
      break;
    case '%': {
      const pct = a * 100;
      body = (Number.isFinite(pct) ? toFixedAbs(pct, spec.precision ?? 6) : 'inf') + '%';
      break;
    }
    case 'e':
    case 'E': {
      const { mantissa, exp } = toExponentialAbs(a, spec.precision ?? 6);
      body = `${mantissa}${spec.alt && !mantissa.includes('.') ? '.' : ''}e${formatExponent(exp)}`;
      if (type === 'E') body = body.toUpperCase();
      break;
    }
    case 'g':
    case 'G':
    case 'n':
      body = generalFormat(a, spec.precision ?? 6, spec.alt, false);
      if (type === 'G') body = body.toUpperCase();
      break;
    default:
      // No type: repr's shortest digits, or with a precision, 'g' that keeps one decimal.
      if (spec.precision === null) body = typeName === 'int' ? String(a) : floatRepr(a);
      else body = generalFormat(a, spec.precision, spec.alt, true);
  }
  if (spec.z && neg && /^[0.]*(e|%|$)/.test(body.replace(/[eE][+-]\d+$/, ''))) neg = false;
  const sign = signOf(neg, spec);
  body = groupNumber(body, spec, sign.length);
  return pad(sign, body, spec, '>');
}

/**
 * The 'g' presentation: exponent form when the exponent is < -4 or >= precision,
 * trailing zeros removed unless `alt`. Without a type (`format(x, '.3')`) Python
 * switches one exponent earlier and keeps at least one decimal (`12.0`).
 */
function generalFormat(a: number, precision: number, alt: boolean, noType: boolean): string {
  const p = precision === 0 ? 1 : precision;
  const { mantissa, exp } = toExponentialAbs(a, p - 1);
  if (exp < -4 || exp >= (noType ? p - 1 : p)) {
    let m = mantissa;
    if (!alt && m.includes('.')) m = m.replace(/\.?0+$/, '');
    if (alt && !m.includes('.')) m += '.';
    return `${m}e${formatExponent(exp)}`;
  }
  let body = toFixedAbs(a, Math.max(p - 1 - exp, 0));
  if (!alt && body.includes('.')) body = body.replace(/\.?0+$/, '');
  if (alt && !body.includes('.')) body += '.';
  else if (noType && !body.includes('.')) body += '.0';
  return body;
}

export function formatString(s: string, specText: string): string {
  const spec = parseSpec(specText);
  if (spec.type !== null && spec.type !== 's') throw pyError('ValueError', `Unknown format code '${spec.type}' for object of type 'str'`);
  if (spec.sign) throw pyError('ValueError', 'Sign not allowed in string format specifier');
  if (spec.align === '=') throw pyError('ValueError', "'=' alignment not allowed in string format specifier");
  if (spec.grouping) throw pyError('ValueError', `Cannot specify '${spec.grouping}' with 's'.`);
  let body = s;
  if (spec.precision !== null) body = [...s].slice(0, spec.precision).join('');
  const padded = spec.zero && !spec.align ? { ...spec, zero: false, fill: spec.fill || '0', align: '<' as const } : spec;
  return pad('', body, padded, '<');
}

// ---------------------------------------------------------------- str.format

/** What `str.format` and `%` need from the interpreter. */
export interface FormatHost {
  str(v: PyValue): string;
  repr(v: PyValue): string;
  ascii(v: PyValue): string;
  format(v: PyValue, spec: string): string;
  getattr(v: PyValue, name: string): PyValue;
  getitem(v: PyValue, key: PyValue): PyValue;
  /** int() of a value for %d, float() for %f; throw TypeError for others. */
  toInt(v: PyValue, conv: string): bigint;
  toFloat(v: PyValue, conv: string): number;
  isMapping(v: PyValue): boolean;
  tupleItems(v: PyValue): readonly PyValue[] | null;
}

/** `template.format(*args, **kwargs)`. */
export function strFormat(template: string, args: readonly PyValue[], kwargs: ReadonlyMap<string, PyValue>, host: FormatHost, depth = 0): string {
  let out = '';
  let auto = 0;
  let i = 0;
  while (i < template.length) {
    const c = template[i];
    if (c === '{' && template[i + 1] === '{') {
      out += '{';
      i += 2;
      continue;
    }
    if (c === '}') {
      if (template[i + 1] === '}') {
        out += '}';
        i += 2;
        continue;
      }
      throw pyError('ValueError', "Single '}' encountered in format string");
    }
    if (c !== '{') {
      out += c;
      i++;
      continue;
    }
    // A replacement field: find its matching brace (specs may nest one level).
    let level = 1;
    let j = i + 1;
    while (j < template.length && level > 0) {
      if (template[j] === '{') level++;
      else if (template[j] === '}') level--;
      if (level > 0) j++;
    }
    if (level > 0) throw pyError('ValueError', "expected '}' before end of string");
    const field = template.slice(i + 1, j);
    i = j + 1;
    let specStart = -1;
    let convAt = -1;
    let bracket = 0;
    for (let k = 0; k < field.length; k++) {
      const ch = field[k];
      if (ch === '[') bracket++;
      else if (ch === ']') bracket--;
      else if (bracket === 0 && ch === '!' && convAt < 0 && specStart < 0) convAt = k;
      else if (bracket === 0 && ch === ':') {
        specStart = k;
        break;
      }
    }
    const nameEnd = convAt >= 0 ? convAt : specStart >= 0 ? specStart : field.length;
    const name = field.slice(0, nameEnd);
    const conversion = convAt >= 0 ? field.slice(convAt + 1, specStart >= 0 ? specStart : field.length) : '';
    let spec = specStart >= 0 ? field.slice(specStart + 1) : '';
    if (spec.includes('{')) {
      if (depth >= 1) throw pyError('ValueError', 'Max string recursion exceeded');
      spec = strFormat(spec, args, kwargs, host, depth + 1);
    }
    // field name: first part, then .attr or [key] chains
    const m = /^([^.[]*)(.*)$/s.exec(name)!;
    let value: PyValue;
    const first = m[1];
    if (first === '') {
      if (auto < 0) throw pyError('ValueError', 'cannot switch from manual field specification to automatic field numbering');
      if (auto >= args.length) throw pyError('IndexError', `Replacement index ${auto} out of range for positional args tuple`);
      value = args[auto++];
    } else if (/^\d+$/.test(first)) {
      if (auto > 0) throw pyError('ValueError', 'cannot switch from automatic field numbering to manual field specification');
      auto = -1;
      const n = Number(first);
      if (n >= args.length) throw pyError('IndexError', `Replacement index ${n} out of range for positional args tuple`);
      value = args[n];
    } else {
      const v = kwargs.get(first);
      if (v === undefined) throw pyError('KeyError', `'${first}'`);
      value = v;
    }
    const re = /\.([^.[]+)|\[([^\]]*)\]/gy;
    re.lastIndex = 0;
    const rest = m[2];
    let mm: RegExpExecArray | null;
    let consumed = 0;
    while (consumed < rest.length && (mm = re.exec(rest))) {
      consumed = re.lastIndex;
      if (mm[1] !== undefined) value = host.getattr(value, mm[1]);
      else value = host.getitem(value, /^\d+$/.test(mm[2]) ? BigInt(mm[2]) : mm[2]);
    }
    if (consumed < rest.length) throw pyError('ValueError', 'Only \'.\' or \'[\' may follow \']\' in format field specifier');
    if (conversion === 'r') value = host.repr(value);
    else if (conversion === 's') value = host.str(value);
    else if (conversion === 'a') value = host.ascii(value);
    else if (conversion !== '') throw pyError('ValueError', `Unknown conversion specifier ${conversion}`);
    out += host.format(value, spec);
  }
  return out;
}

// ---------------------------------------------------------------- % formatting

/**
 * What `%` formatting of bytes does differently from str's (PEP 461): the template and the result
 * are bytes read as latin-1 text, %s and %b take bytes-like values, %r is %a, %c takes a byte, and
 * `%(name)s` looks up the key as bytes.
 */
export interface BytesPercent {
  /** %s and %b: a bytes-like value as latin-1 text; TypeError for others. */
  bytes(v: PyValue): string;
  /** %c: an int in range(256) or a bytes of length 1, as one latin-1 character. */
  char(v: PyValue): string;
  /** The key of `%(name)s`, as the bytes it is written as. */
  key(name: string): PyValue;
}

/** `template % values`, printf-style; `bytes` when the template is a bytes or bytearray. */
export function percentFormat(template: string, values: PyValue, host: FormatHost, bytes: BytesPercent | null = null): string {
  const tuple = host.tupleItems(values);
  const items: readonly PyValue[] = tuple ?? [values];
  const mapping = tuple === null && host.isMapping(values) ? values : null;
  let next = 0;
  const take = (): PyValue => {
    if (next >= items.length) throw pyError('TypeError', 'not enough arguments for format string');
    return items[next++];
  };
  let out = '';
  const re = /%(?:\(([^)]*)\))?([-+ #0]*)(\*|\d+)?(?:\.(\*|\d*))?[hlL]?(.)?/gs;
  let last = 0;
  let m: RegExpExecArray | null;
  while ((m = re.exec(template))) {
    out += template.slice(last, m.index);
    last = re.lastIndex;
    const [, key, flags, widthText, precText, conv] = m;
    if (conv === undefined) throw pyError('ValueError', 'incomplete format');
    if (conv === '%' && key === undefined && !flags && !widthText && precText === undefined) {
      out += '%';
      continue;
    }
    let width = 0;
    if (widthText === '*') width = Number(host.toInt(take(), '*'));
    else if (widthText) width = Number(widthText);
    let precision: number | null = null;
    if (precText === '*') precision = Number(host.toInt(take(), '*'));
    else if (precText !== undefined) precision = precText === '' ? 0 : Number(precText);
    let value: PyValue;
    if (key !== undefined) {
      if (mapping === null) throw pyError('TypeError', 'format requires a mapping');
      value = host.getitem(mapping, bytes === null ? key : bytes.key(key));
    } else value = conv === '%' ? '%' : take();
    let left = flags.includes('-');
    const zero = flags.includes('0') && !left;
    const plus = flags.includes('+') ? '+' : flags.includes(' ') ? ' ' : '';
    const alt = flags.includes('#');
    if (width < 0) {
      left = true;
      width = -width;
    }
    let text: string;
    let numeric = true;
    switch (conv) {
      case 'b':
      case 's':
      case 'r':
      case 'a':
      case '%':
        if (conv === 'b' && bytes === null) throw unsupportedFormat(conv, m.index + m[0].length - 1);
        if (conv === '%') text = bytes === null ? host.str(value) : '%';
        else if (conv === 's' || conv === 'b') text = bytes === null ? host.str(value) : bytes.bytes(value);
        else text = conv === 'r' && bytes === null ? host.repr(value) : host.ascii(value);
        if (precision !== null) text = text.slice(0, precision);
        numeric = false;
        break;
      case 'd':
      case 'i':
      case 'u': {
        const n = host.toInt(value, conv);
        text = formatInt(n, `${left ? '<' : ''}${plus}${zero ? '0' : ''}${width || ''}`);
        width = 0;
        break;
      }
      case 'x':
      case 'X':
      case 'o': {
        const n = host.toInt(value, conv);
        text = formatInt(n, `${left ? '<' : ''}${plus}${alt ? '#' : ''}${zero ? '0' : ''}${width || ''}${conv}`);
        width = 0;
        break;
      }
      case 'e':
      case 'E':
      case 'f':
      case 'F':
      case 'g':
      case 'G': {
        const f = host.toFloat(value, conv);
        text = formatFloat(f, `${left ? '<' : ''}${plus}${alt ? '#' : ''}${zero ? '0' : ''}${width || ''}.${precision ?? 6}${conv}`);
        width = 0;
        break;
      }
      case 'c': {
        if (bytes !== null) text = bytes.char(value);
        else text = typeof value === 'string' ? value : String.fromCodePoint(Number(host.toInt(value, conv)));
        numeric = false;
        break;
      }
      default:
        throw unsupportedFormat(conv, m.index + m[0].length - 1);
    }
    if (!numeric && width > text.length) text = left ? text.padEnd(width) : text.padStart(width);
    out += text;
  }
  out += template.slice(last);
  if (mapping === null && next < items.length) throw pyError('TypeError', `not all arguments converted during ${bytes === null ? 'string' : 'bytes'} formatting`);
  return out;
}

function unsupportedFormat(conv: string, index: number): PyError {
  return pyError('ValueError', `unsupported format character '${conv}' (0x${conv.charCodeAt(0).toString(16)}) at index ${index}`);
}
