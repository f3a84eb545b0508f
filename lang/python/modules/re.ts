/**
 * `re`, a safe subset: compile/match/search/fullmatch/findall/finditer/sub/subn/split/escape with
 * groups (numbered, named, non-capturing), classes, anchors, greedy and lazy repeats, lookahead,
 * backreferences and the I/M/S/X/A flags, as CPython 3.11 answers them (empty matches included).
 * The engine (re_engine.ts) counts every step against the run's budget: a pattern that would
 * backtrack for hours ends with the step budget's error. Lookbehind, conditionals and inline
 * flags are refused at the line with what to write instead.
 */
import {
  bindArgs,
  EXCEPTION_TYPES,
  ExceptionObject,
  type HostContext,
  HostObject,
  hostType,
  type Kwargs,
  PyBuiltin,
  PyDict,
  pyError,
  pyFunction,
  PyIterator,
  PyList,
  PyModule,
  PyTuple,
  PyType,
  type PyValue,
  toIndex,
  typeName,
  dictKey,
  type ModuleShim,
} from '../interpreter';
import { type Compiled, FLAGS, matchNode, parse } from './re_engine';

const ReError: PyType = new PyType('error', {
  module: 're',
  bases: [EXCEPTION_TYPES.get('Exception')!],
  isException: true,
  construct: (args) => new ExceptionObject(ReError, args),
});

const strRepr = (s: string, ctx: HostContext) => ctx.repr(s);

class Pattern extends HostObject {
  static readonly type: PyType = hostType('Pattern', 're');

  constructor(
    readonly source: string,
    readonly compiled: Compiled,
  ) {
    super();
  }

  get pyType(): PyType {
    return Pattern.type;
  }

  /** The leftmost match starting in [pos, endpos] (at pos only when `anchored`), ending at endpos when `full`; null when none. */
  find(s: string[], text: string, pos: number, endpos: number, anchored: boolean, full: boolean, ctx: HostContext, notEmptyAt = -1): Match | null {
    const sub = endpos < s.length ? s.slice(0, endpos) : s;
    for (let start = pos; start <= endpos; start++) {
      const caps = new Array<number>(2 * (this.compiled.groups + 1)).fill(-1);
      let end = -1;
      const st = { s: sub, caps, tick: () => ctx.tick(), flags: this.compiled.flags, depth: 0 };
      let ok: boolean;
      try {
        ok = matchNode(this.compiled.node, start, st, (j) => {
          if (full && j !== endpos) return false;
          if (j === start && start === notEmptyAt) return false;
          end = j;
          return true;
        });
      } catch (e) {
        // NB: backtracking state lives on the JS stack; a pattern that nests too deep says so as CPython's recursion does.
        if (e instanceof RangeError) throw pyError('RecursionError', 'maximum recursion depth exceeded while matching the regular expression: Gradlens backtracks on the stack; repeat a character class instead of a group ((\\w+\\s?)* as [\\w\\s]*), or split the input');
        throw e;
      }
      if (ok) {
        caps[0] = start;
        caps[1] = end;
        return new Match(this, text, s, caps, pos, endpos);
      }
      if (anchored) return null;
    }
    return null;
  }

  /** Successive matches as finditer finds them: after an empty match, the next may not be empty at the same place. */
  *all(text: string, pos: number, endpos: number, ctx: HostContext): Generator<Match> {
    const s = [...text];
    const end = Math.min(endpos, s.length);
    let at = Math.max(0, pos);
    let notEmptyAt = -1;
    while (at <= end) {
      const m = this.find(s, text, at, end, false, false, ctx, notEmptyAt);
      if (!m) return;
      yield m;
      const [a, b] = [m.caps[0]!, m.caps[1]!];
      notEmptyAt = a === b ? b : -1;
      at = b;
    }
  }

  override getattr(name: string, ctx: HostContext): PyValue | undefined {
    const method = (f: (args: PyValue[], kwargs: Kwargs) => PyValue) => new PyBuiltin(name, (args, kwargs) => f(args, kwargs), this);
    const bounds = (a: ReturnType<typeof bindArgs>, n: number): [number, number] => {
      const clamp = (v: number) => Math.max(0, Math.min(n, v < 0 ? 0 : v));
      return [clamp(a.int('pos', 0)), clamp(a.int('endpos', n))];
    };
    const subject = (v: PyValue): string => {
      if (typeof v !== 'string') throw pyError('TypeError', `expected string or bytes-like object, got '${typeName(v)}'`);
      return v;
    };
    switch (name) {
      case 'match':
      case 'search':
      case 'fullmatch':
        return method((args, kwargs) => {
          const a = bindArgs(name, ['string', 'pos?', 'endpos?'], args, kwargs, ctx);
          const text = subject(a.required('string'));
          const s = [...text];
          const [pos, endpos] = bounds(a, s.length);
          return this.find(s, text, pos, endpos, name !== 'search', name === 'fullmatch', ctx);
        });
      case 'findall':
        return method((args, kwargs) => {
          const a = bindArgs('findall', ['string', 'pos?', 'endpos?'], args, kwargs, ctx);
          const text = subject(a.required('string'));
          const [pos, endpos] = bounds(a, [...text].length);
          const out: PyValue[] = [];
          for (const m of this.all(text, pos, endpos, ctx)) {
            const g = this.compiled.groups;
            out.push(g === 0 ? m.text(0)! : g === 1 ? (m.text(1) ?? '') : new PyTuple(Array.from({ length: g }, (_, k) => m.text(k + 1) ?? '')));
          }
          return new PyList(out);
        });
      case 'finditer':
        return method((args, kwargs) => {
          const a = bindArgs('finditer', ['string', 'pos?', 'endpos?'], args, kwargs, ctx);
          const text = subject(a.required('string'));
          const [pos, endpos] = bounds(a, [...text].length);
          return new PyIterator('callable_iterator', this.all(text, pos, endpos, ctx));
        });
      case 'sub':
      case 'subn':
        return method((args, kwargs) => {
          const a = bindArgs(name, ['repl', 'string', 'count?'], args, kwargs, ctx);
          const [text, n] = this.substitute(a.required('repl'), subject(a.required('string')), a.int('count', 0), ctx);
          return name === 'sub' ? text : new PyTuple([text, BigInt(n)]);
        });
      case 'split':
        return method((args, kwargs) => {
          const a = bindArgs('split', ['string', 'maxsplit?'], args, kwargs, ctx);
          return this.split(subject(a.required('string')), a.int('maxsplit', 0), ctx);
        });
      case 'pattern':
        return this.source;
      case 'flags':
        return BigInt(this.compiled.flags | FLAGS.UNICODE);
      case 'groups':
        return BigInt(this.compiled.groups);
      case 'groupindex': {
        const d = new PyDict();
        for (const [k, v] of this.compiled.names) d.setByKey(dictKey(k, ctx), k, BigInt(v));
        return d;
      }
      default:
        return undefined;
    }
  }

  substitute(repl: PyValue, text: string, count: number, ctx: HostContext): [string, number] {
    const s = [...text];
    const template = typeof repl === 'string' ? parseTemplate(repl, this.compiled) : null;
    if (template === null && typeof repl === 'string') throw pyError('TypeError', 'expected str');
    let out = '';
    let last = 0;
    let n = 0;
    for (const m of this.all(text, 0, s.length, ctx)) {
      if (count > 0 && n >= count) break;
      out += s.slice(last, m.caps[0]!).join('');
      if (template) out += template.map((part) => (typeof part === 'string' ? part : (m.text(part) ?? ''))).join('');
      else {
        const r = ctx.call(repl, [m]);
        if (typeof r !== 'string') throw pyError('TypeError', `expected str instance, ${typeName(r)} found`);
        out += r;
      }
      last = m.caps[1]!;
      n++;
    }
    return [out + s.slice(last).join(''), n];
  }

  split(text: string, maxsplit: number, ctx: HostContext): PyList {
    const s = [...text];
    const out: PyValue[] = [];
    let last = 0;
    let n = 0;
    for (const m of this.all(text, 0, s.length, ctx)) {
      if (maxsplit > 0 && n >= maxsplit) break;
      out.push(s.slice(last, m.caps[0]!).join(''));
      for (let g = 1; g <= this.compiled.groups; g++) out.push(m.text(g));
      last = m.caps[1]!;
      n++;
    }
    out.push(s.slice(last).join(''));
    return new PyList(out);
  }

  override repr(ctx: HostContext): string {
    const flags = Object.entries({ IGNORECASE: FLAGS.IGNORECASE, MULTILINE: FLAGS.MULTILINE, DOTALL: FLAGS.DOTALL, VERBOSE: FLAGS.VERBOSE, ASCII: FLAGS.ASCII })
      .filter(([, v]) => this.compiled.flags & v).map(([k]) => `re.${k}`);
    return `re.compile(${strRepr(this.source, ctx)}${flags.length ? `, ${flags.join('|')}` : ''})`;
  }
}

/** A replacement string's pieces: text, or the group number to insert (\1, \g<1>, \g<name>). */
function parseTemplate(repl: string, c: Compiled): (string | number)[] {
  const parts: (string | number)[] = [];
  const r = [...repl];
  let text = '';
  const SIMPLE: Record<string, string> = { n: '\n', t: '\t', r: '\r', f: '\f', v: '\v', a: '\x07', b: '\b', '\\': '\\' };
  for (let i = 0; i < r.length; i++) {
    if (r[i] !== '\\') {
      text += r[i];
      continue;
    }
    const e = r[i + 1];
    if (e === undefined) throw pyError(ReError, `bad escape (end of pattern) at position ${i}`);
    let group: number | null = null;
    if (e === 'g') {
      const m = /^<([^>]*)>/.exec(r.slice(i + 2).join(''));
      if (!m) throw pyError(ReError, `missing < at position ${i + 2}`);
      const ref = m[1]!;
      group = /^\d+$/.test(ref) ? Number(ref) : c.names.get(ref) ?? -1;
      if (group < 0 && !/^\d+$/.test(ref)) throw pyError('IndexError', `unknown group name '${ref}'`);
      if (group > c.groups) throw pyError(ReError, `invalid group reference ${group} at position ${i + 3}`);
      i += 2 + m[0].length - 1;
    } else if (/[0-9]/.test(e)) {
      let digits = e;
      if (/[0-9]/.test(r[i + 2] ?? '')) digits += r[i + 2];
      group = Number(digits);
      if (e === '0' || group > c.groups) throw pyError(ReError, `invalid group reference ${group} at position ${i + 1}`);
      i += digits.length;
    } else if (e in SIMPLE) {
      text += SIMPLE[e];
      i++;
      continue;
    } else if (/[A-Za-z]/.test(e)) {
      throw pyError(ReError, `bad escape \\${e} at position ${i}`);
    } else {
      text += `\\${e}`;
      i++;
      continue;
    }
    parts.push(text, group);
    text = '';
  }
  parts.push(text);
  return parts;
}

class Match extends HostObject {
  static readonly type: PyType = hostType('Match', 're');

  constructor(
    readonly pattern: Pattern,
    readonly subject: string,
    readonly s: string[],
    readonly caps: number[],
    readonly pos: number,
    readonly endpos: number,
  ) {
    super();
  }

  get pyType(): PyType {
    return Match.type;
  }

  /** A group's text, or null when it did not take part. */
  text(g: number): string | null {
    const a = this.caps[2 * g]!;
    return a < 0 ? null : this.s.slice(a, this.caps[2 * g + 1]!).join('');
  }

  groupIndex(v: PyValue, ctx: HostContext): number {
    if (typeof v === 'string') {
      const g = this.pattern.compiled.names.get(v);
      if (g === undefined) throw pyError('IndexError', 'no such group');
      return g;
    }
    const g = Number(toIndex(v, ctx));
    if (g < 0 || g > this.pattern.compiled.groups) throw pyError('IndexError', 'no such group');
    return g;
  }

  override getattr(name: string, ctx: HostContext): PyValue | undefined {
    const method = (f: (args: PyValue[], kwargs: Kwargs) => PyValue) => new PyBuiltin(name, (args, kwargs) => f(args, kwargs), this);
    const groups = this.pattern.compiled.groups;
    switch (name) {
      case 'group':
        return method((args) => {
          if (args.length === 0) return this.text(0);
          const texts = args.map((g) => this.text(this.groupIndex(g, ctx)));
          return texts.length === 1 ? texts[0]! : new PyTuple(texts);
        });
      case 'groups':
        return method((args, kwargs) => {
          const dflt = bindArgs('groups', ['default?'], args, kwargs, ctx).opt('default') ?? null;
          return new PyTuple(Array.from({ length: groups }, (_, k) => this.text(k + 1) ?? dflt));
        });
      case 'groupdict':
        return method((args, kwargs) => {
          const dflt = bindArgs('groupdict', ['default?'], args, kwargs, ctx).opt('default') ?? null;
          const d = new PyDict();
          for (const [k, g] of this.pattern.compiled.names) d.setByKey(dictKey(k, ctx), k, this.text(g) ?? dflt);
          return d;
        });
      case 'start':
      case 'end':
      case 'span':
        return method((args, kwargs) => {
          const g = this.groupIndex(bindArgs(name, ['group?'], args, kwargs, ctx).opt('group') ?? 0n, ctx);
          const [a, b] = [this.caps[2 * g]!, this.caps[2 * g + 1]!];
          if (name === 'start') return BigInt(a);
          if (name === 'end') return BigInt(a < 0 ? -1 : b);
          return new PyTuple([BigInt(a), BigInt(a < 0 ? -1 : b)]);
        });
      case 'expand':
        return method((args, kwargs) => {
          const template = bindArgs('expand', ['template'], args, kwargs, ctx).required('template');
          if (typeof template !== 'string') throw pyError('TypeError', 'expected str');
          return parseTemplate(template, this.pattern.compiled).map((p) => (typeof p === 'string' ? p : (this.text(p) ?? ''))).join('');
        });
      case 'string':
        return this.subject;
      case 're':
        return this.pattern;
      case 'pos':
        return BigInt(this.pos);
      case 'endpos':
        return BigInt(this.endpos);
      case 'lastindex': {
        let last: number | null = null;
        let lastEnd = -1;
        for (let g = 1; g <= groups; g++) if (this.caps[2 * g]! >= 0 && this.caps[2 * g + 1]! >= lastEnd) [last, lastEnd] = [g, this.caps[2 * g + 1]!];
        return last === null ? null : BigInt(last);
      }
      default:
        return undefined;
    }
  }

  override getitem(index: PyValue, ctx: HostContext): PyValue {
    return this.text(this.groupIndex(index, ctx));
  }

  override bool(): boolean {
    return true;
  }

  override repr(ctx: HostContext): string {
    return `<re.Match object; span=(${this.caps[0]}, ${this.caps[1]}), match=${strRepr(this.text(0)!, ctx)}>`;
  }
}

/** Compiled patterns by source and flags, as re's cache keeps them for the module functions. */
const CACHE_KEY = {};

function compile(pattern: PyValue, flags: PyValue | undefined, ctx: HostContext): Pattern {
  if (pattern instanceof Pattern) {
    if (flags !== undefined && flags !== 0n) throw pyError('ValueError', 'cannot process flags argument with a compiled pattern');
    return pattern;
  }
  if (typeof pattern !== 'string') throw pyError('TypeError', 'first argument must be string or compiled pattern');
  const f = flags === undefined ? 0 : Number(toIndex(flags, ctx));
  const cache = ctx.state(CACHE_KEY, () => new Map<string, Pattern>());
  const key = `${f}:${pattern}`;
  let p = cache.get(key);
  if (!p) {
    ctx.tick(pattern.length);
    p = new Pattern(pattern, parse(pattern, f, ReError));
    if (cache.size > 512) cache.clear();
    cache.set(key, p);
  }
  return p;
}

type Fn = (args: PyValue[], kwargs: Kwargs, ctx: HostContext) => PyValue;

/** `re.NAME(pattern, string, ...)` as `re.compile(pattern, flags).NAME(string, ...)`. */
const viaPattern = (name: string, spec: string[]): Fn => (args, kwargs, ctx) => {
  const a = bindArgs(name, ['pattern', ...spec, 'flags?'], args, kwargs, ctx);
  const p = compile(a.required('pattern'), a.opt('flags'), ctx);
  const rest = spec.map((s) => a.opt(s.replace('?', ''))).filter((v): v is PyValue => v !== undefined);
  return ctx.call(p.getattr(name, ctx)!, rest);
};

const ESCAPE_SPECIAL = new Set([...'()[]{}?*+-|^$\\.&~# \t\n\r\v\f']);

const FUNCTIONS: Record<string, Fn> = {
  compile: (args, kwargs, ctx) => {
    const a = bindArgs('compile', ['pattern', 'flags?'], args, kwargs, ctx);
    return compile(a.required('pattern'), a.opt('flags'), ctx);
  },
  match: viaPattern('match', ['string']),
  search: viaPattern('search', ['string']),
  fullmatch: viaPattern('fullmatch', ['string']),
  findall: viaPattern('findall', ['string']),
  finditer: viaPattern('finditer', ['string']),
  split: viaPattern('split', ['string', 'maxsplit?']),
  sub: viaPattern('sub', ['repl', 'string', 'count?']),
  subn: viaPattern('subn', ['repl', 'string', 'count?']),
  escape: (args, kwargs, ctx) => {
    const s = bindArgs('escape', ['pattern'], args, kwargs, ctx).required('pattern');
    if (typeof s !== 'string') throw pyError('TypeError', 'expected str');
    return [...s].map((c) => (ESCAPE_SPECIAL.has(c) ? `\\${c}` : c)).join('');
  },
  purge: (args, kwargs, ctx) => {
    bindArgs('purge', [], args, kwargs, ctx);
    ctx.state(CACHE_KEY, () => new Map<string, Pattern>()).clear();
    return null;
  },
};

const FLAG_NAMES: Record<string, number> = {
  I: FLAGS.IGNORECASE, IGNORECASE: FLAGS.IGNORECASE, M: FLAGS.MULTILINE, MULTILINE: FLAGS.MULTILINE, S: FLAGS.DOTALL, DOTALL: FLAGS.DOTALL,
  X: FLAGS.VERBOSE, VERBOSE: FLAGS.VERBOSE, A: FLAGS.ASCII, ASCII: FLAGS.ASCII, U: FLAGS.UNICODE, UNICODE: FLAGS.UNICODE,
};

export const reModule: ModuleShim = {
  exports: [...Object.keys(FUNCTIONS), ...Object.keys(FLAG_NAMES), 'error', 'Pattern', 'Match'],
  create() {
    const attrs = new Map<string, PyValue>(Object.entries(FUNCTIONS).map(([name, f]) => [name, pyFunction(name, f)]));
    for (const [k, v] of Object.entries(FLAG_NAMES)) attrs.set(k, BigInt(v));
    attrs.set('error', ReError);
    attrs.set('Pattern', Pattern.type);
    attrs.set('Match', Match.type);
    return new PyModule('re', attrs);
  },
};

/** `re.compile(pattern[, re.I])`, for shims that keep compiled patterns where Python code reads them (warnings.filters). */
export function compilePattern(pattern: string, ignoreCase: boolean, ctx: HostContext): HostObject {
  return compile(pattern, ignoreCase ? BigInt(FLAGS.IGNORECASE) : undefined, ctx);
}

/** `re.search(pattern, text) is not None`, for shims that take a pattern (np.testing.assert_raises_regex). */
export function regexSearches(pattern: string, text: string, ctx: HostContext): boolean {
  const s = [...text];
  return compile(pattern, undefined, ctx).find(s, text, 0, s.length, false, false, ctx) !== null;
}
