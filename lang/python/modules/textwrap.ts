/**
 * `textwrap` as CPython 3.11's `Lib/textwrap.py`: `wrap`, `fill`, `shorten` (a TextWrapper's
 * chunking: words split at whitespace and after hyphens, long words broken, `max_lines` with its
 * placeholder), `dedent` and `indent`. argparse's help formatter wraps its text with `wrapText`.
 */
import { bindArgs, nameTable, type HostContext, type Kwargs, pyError, pyFunction, PyList, PyModule, type PyValue, toIndex, truthy, typeName, type ModuleShim } from '../interpreter';

/** TextWrapper's settings, CPython's defaults in WRAP_DEFAULTS. */
export interface WrapOptions {
  readonly width: number;
  readonly initialIndent: string;
  readonly subsequentIndent: string;
  readonly expandTabs: boolean;
  readonly replaceWhitespace: boolean;
  readonly fixSentenceEndings: boolean;
  readonly breakLongWords: boolean;
  readonly dropWhitespace: boolean;
  readonly breakOnHyphens: boolean;
  readonly tabsize: number;
  readonly maxLines: number | null;
  readonly placeholder: string;
}

export const WRAP_DEFAULTS: WrapOptions = {
  width: 70,
  initialIndent: '',
  subsequentIndent: '',
  expandTabs: true,
  replaceWhitespace: true,
  fixSentenceEndings: false,
  breakLongWords: true,
  dropWhitespace: true,
  breakOnHyphens: true,
  tabsize: 8,
  maxLines: null,
  placeholder: ' [...]',
};

// textwrap's _whitespace is exactly these six characters (not Unicode whitespace).
const WS = '[\\t\\n\\x0b\\x0c\\r ]';
const NWS = '[^\\t\\n\\x0b\\x0c\\r ]';
const WORD_PUNCT = '[\\p{L}\\p{N}_!"\'&.,?]';
const LETTER = '[\\p{L}_]';
/** TextWrapper.wordsep_re: whitespace, an em-dash between words, or a word up to a hyphen it may break after. */
const WORDSEP = new RegExp(
  `(${WS}+|(?<=${WORD_PUNCT})-{2,}(?=[\\p{L}\\p{N}_])|${NWS}+?(?:-(?:(?<=${LETTER}{2}-)|(?<=${LETTER}-${LETTER}-))(?=${LETTER}-?${LETTER})|(?=${WS}|$)|(?<=${WORD_PUNCT})(?=-{2,}[\\p{L}\\p{N}_])))`,
  'u',
);
const WORDSEP_SIMPLE = new RegExp(`(${WS}+)`);
const SENTENCE_END = /[a-z][.!?]["']?$/;

/** str.expandtabs(tabsize). */
function expandTabs(text: string, tabsize: number): string {
  let out = '';
  let column = 0;
  for (const ch of text) {
    if (ch === '\t') {
      const pad = tabsize > 0 ? tabsize - (column % tabsize) : 0;
      out += ' '.repeat(pad);
      column += pad;
    } else {
      out += ch;
      column = ch === '\n' || ch === '\r' ? 0 : column + 1;
    }
  }
  return out;
}

function isBlank(s: string): boolean {
  return s.trim() === '';
}

function splitChunks(text: string, o: WrapOptions): string[] {
  let t = o.expandTabs ? expandTabs(text, o.tabsize) : text;
  if (o.replaceWhitespace) t = t.replace(/[\t\n\x0b\x0c\r]/g, ' ');
  const chunks = t.split(o.breakOnHyphens ? WORDSEP : WORDSEP_SIMPLE).filter((c) => c !== '');
  if (o.fixSentenceEndings) {
    for (let i = 0; i < chunks.length - 1; ) {
      if (chunks[i + 1] === ' ' && SENTENCE_END.test(chunks[i]!)) {
        chunks[i + 1] = '  ';
        i += 2;
      } else i += 1;
    }
  }
  return chunks;
}

/** TextWrapper._handle_long_word: a chunk longer than the line is broken (after a hyphen where one fits). */
function handleLongWord(reversed: string[], line: string[], curLen: number, width: number, o: WrapOptions): void {
  const spaceLeft = width < 1 ? 1 : width - curLen;
  if (o.breakLongWords) {
    let end = spaceLeft;
    const chunk = reversed[reversed.length - 1]!;
    if (o.breakOnHyphens && chunk.length > spaceLeft) {
      const hyphen = chunk.lastIndexOf('-', spaceLeft - 1);
      if (hyphen > 0 && [...chunk.slice(0, hyphen)].some((c) => c !== '-')) end = hyphen + 1;
    }
    line.push(chunk.slice(0, end));
    reversed[reversed.length - 1] = chunk.slice(end);
  } else if (line.length === 0) line.push(reversed.pop()!);
}

/** TextWrapper.wrap: the lines of `text`, each at most `width` long (unless a word may not be broken). */
export function wrapText(text: string, o: WrapOptions): string[] {
  if (o.width <= 0) throw pyError('ValueError', `invalid width ${o.width} (must be > 0)`);
  if (o.maxLines !== null) {
    const indent = o.maxLines > 1 ? o.subsequentIndent : o.initialIndent;
    if (indent.length + o.placeholder.trimStart().length > o.width) throw pyError('ValueError', 'placeholder too large for max width');
  }
  const chunks = splitChunks(text, o).reverse();
  const lines: string[] = [];
  while (chunks.length) {
    const line: string[] = [];
    let curLen = 0;
    const indent = lines.length ? o.subsequentIndent : o.initialIndent;
    const width = o.width - indent.length;
    if (o.dropWhitespace && isBlank(chunks[chunks.length - 1]!) && lines.length) chunks.pop();
    while (chunks.length) {
      const l = chunks[chunks.length - 1]!.length;
      if (curLen + l > width) break;
      line.push(chunks.pop()!);
      curLen += l;
    }
    if (chunks.length && chunks[chunks.length - 1]!.length > width) {
      handleLongWord(chunks, line, curLen, width, o);
      curLen = line.reduce((n, c) => n + c.length, 0);
    }
    if (o.dropWhitespace && line.length && isBlank(line[line.length - 1]!)) curLen -= line.pop()!.length;
    if (!line.length) continue;
    const lastFits = !chunks.length || (o.dropWhitespace && chunks.length === 1 && isBlank(chunks[0]!));
    if (o.maxLines === null || lines.length + 1 < o.maxLines || (lastFits && curLen <= width)) {
      lines.push(indent + line.join(''));
      continue;
    }
    let placed = false;
    while (line.length) {
      if (!isBlank(line[line.length - 1]!) && curLen + o.placeholder.length <= width) {
        line.push(o.placeholder);
        lines.push(indent + line.join(''));
        placed = true;
        break;
      }
      curLen -= line.pop()!.length;
    }
    if (!placed) {
      const prev = lines.length ? lines[lines.length - 1]!.trimEnd() : null;
      if (prev !== null && prev.length + o.placeholder.length <= o.width) lines[lines.length - 1] = prev + o.placeholder;
      else lines.push(indent + o.placeholder.trimStart());
    }
    break;
  }
  return lines;
}

/** textwrap.dedent: the longest run of spaces and tabs common to every non-blank line goes. */
export function dedent(text: string): string {
  const t = text.replace(/^[ \t]+$/gm, '');
  let margin: string | null = null;
  for (const m of t.matchAll(/^([ \t]*)[^ \t\n]/gm)) {
    const indent = m[1]!;
    if (margin === null || margin.startsWith(indent)) margin = indent;
    else if (!indent.startsWith(margin)) {
      let i = 0;
      while (i < margin.length && i < indent.length && margin[i] === indent[i]) i++;
      margin = margin.slice(0, i);
    }
  }
  if (!margin) return t;
  return t.split('\n').map((line) => (line.startsWith(margin!) ? line.slice(margin!.length) : line)).join('\n');
}

/** str.splitlines(keepends=True). */
function linesKeepingEnds(text: string): string[] {
  return text.match(/[^\n\r\x0b\x0c\x1c\x1d\x1e\x85\u2028\u2029]*(?:\r\n|[\n\r\x0b\x0c\x1c\x1d\x1e\x85\u2028\u2029]|$)/g)!.filter((l) => l !== '');
}

// NB: prototype-less: a keyword such as `constructor=` is unexpected, not Object's.
const OPTION_NAMES = nameTable<keyof WrapOptions>({
  width: 'width',
  initial_indent: 'initialIndent',
  subsequent_indent: 'subsequentIndent',
  expand_tabs: 'expandTabs',
  replace_whitespace: 'replaceWhitespace',
  fix_sentence_endings: 'fixSentenceEndings',
  break_long_words: 'breakLongWords',
  drop_whitespace: 'dropWhitespace',
  break_on_hyphens: 'breakOnHyphens',
  tabsize: 'tabsize',
  max_lines: 'maxLines',
  placeholder: 'placeholder',
});

/** TextWrapper's keyword arguments, as `wrap(text, width, **kwargs)` passes them on. */
function wrapOptions(fn: string, width: PyValue | undefined, kwargs: Kwargs, base: Partial<WrapOptions>, ctx: HostContext): WrapOptions {
  const o: Record<string, unknown> = { ...WRAP_DEFAULTS, ...base };
  if (width !== undefined) o.width = Number(toIndex(width, ctx));
  for (const [k, v] of kwargs) {
    // CPython's words: wrap/fill/shorten pass **kwargs on to TextWrapper(width=width, ...).
    const name = OPTION_NAMES[k];
    if (name === undefined) throw pyError('TypeError', `TextWrapper.__init__() got an unexpected keyword argument '${k}'`);
    if (k === 'width' && width !== undefined) throw pyError('TypeError', `${fn}() got multiple values for argument 'width'`);
    if (Object.hasOwn(base, name)) throw pyError('TypeError', `textwrap.TextWrapper() got multiple values for keyword argument '${k}'`);
    const d = WRAP_DEFAULTS[name];
    if (typeof d === 'string') {
      if (typeof v !== 'string') throw pyError('TypeError', `${k} must be a str, not ${typeName(v)}`);
      o[name] = v;
    } else if (typeof d === 'boolean') o[name] = truthy(v, ctx);
    else o[name] = v === null && name === 'maxLines' ? null : Number(toIndex(v, ctx));
  }
  return o as unknown as WrapOptions;
}

function textArg(v: PyValue): string {
  if (typeof v !== 'string') throw pyError('AttributeError', `'${typeName(v)}' object has no attribute 'expandtabs'`);
  return v;
}

const FUNCTIONS: Readonly<Record<string, (args: PyValue[], kwargs: Kwargs, ctx: HostContext) => PyValue>> = {
  wrap: (args, kwargs, ctx) => {
    const [text, width] = args;
    if (text === undefined) throw pyError('TypeError', "wrap() missing 1 required positional argument: 'text'");
    return new PyList(wrapText(textArg(text), wrapOptions('wrap', width, kwargs, {}, ctx)));
  },
  fill: (args, kwargs, ctx) => {
    const [text, width] = args;
    if (text === undefined) throw pyError('TypeError', "fill() missing 1 required positional argument: 'text'");
    return wrapText(textArg(text), wrapOptions('fill', width, kwargs, {}, ctx)).join('\n');
  },
  shorten: (args, kwargs, ctx) => {
    const [text, width] = args;
    if (text === undefined || (width === undefined && !kwargs.has('width'))) throw pyError('TypeError', "shorten() missing 1 required positional argument: 'width'");
    const collapsed = textArg(text).trim().split(/\s+/).filter((w) => w).join(' ');
    return wrapText(collapsed, wrapOptions('shorten', width, kwargs, { maxLines: 1 }, ctx)).join('\n');
  },
  dedent: (args, kwargs, ctx) => {
    const text = bindArgs('dedent', ['text'], args, kwargs, ctx).required('text');
    if (typeof text !== 'string') throw pyError('TypeError', `expected string or bytes-like object, got '${typeName(text)}'`);
    return dedent(text);
  },
  indent: (args, kwargs, ctx) => {
    const a = bindArgs('indent', ['text', 'prefix', 'predicate?'], args, kwargs, ctx);
    const text = a.required('text');
    const prefix = a.required('prefix');
    const predicate = a.opt('predicate') ?? null;
    if (typeof text !== 'string') throw pyError('AttributeError', `'${typeName(text)}' object has no attribute 'splitlines'`);
    if (typeof prefix !== 'string') throw pyError('TypeError', `can only concatenate str (not "${typeName(prefix)}") to str`);
    const chosen = (line: string) => (predicate === null ? line.trim() !== '' : truthy(ctx.call(predicate, [line]), ctx));
    return linesKeepingEnds(text).map((line) => (chosen(line) ? prefix + line : line)).join('');
  },
};

export const textwrapModule: ModuleShim = {
  exports: Object.keys(FUNCTIONS),
  create() {
    return new PyModule('textwrap', new Map<string, PyValue>(Object.entries(FUNCTIONS).map(([name, f]) => [name, pyFunction(name, f)])), true);
  },
};
