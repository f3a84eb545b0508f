/**
 * The regular-expression engine behind `re`: Python's syntax parsed into nodes and matched by
 * backtracking over code points, as sre matches (leftmost, alternatives in order, greedy or lazy
 * repeats). Every node tried counts a step against the run's budget, so a catastrophic pattern
 * ends with the step budget's error instead of hanging; a repeat of one character walks its run
 * in a loop, so `.*` over a long string needs no deep recursion.
 */
import { pyError, type PyType } from '../interpreter';

export const FLAGS = { IGNORECASE: 2, LOCALE: 4, MULTILINE: 8, DOTALL: 16, UNICODE: 32, VERBOSE: 64, ASCII: 256 } as const;

type Test = (c: string) => boolean;
export type Node =
  | { k: 'char'; test: Test }
  | { k: 'seq'; items: Node[] }
  | { k: 'alt'; options: Node[] }
  | { k: 'group'; index: number | null; node: Node }
  | { k: 'repeat'; node: Node; min: number; max: number; lazy: boolean }
  | { k: 'assert'; what: 'bol' | 'eol' | 'start' | 'end' | 'word' | 'nonword' }
  | { k: 'look'; node: Node; negate: boolean }
  | { k: 'backref'; index: number };

export interface Compiled {
  node: Node;
  groups: number;
  names: Map<string, number>;
  flags: number;
}

const WORD = /[\p{L}\p{N}_]/u;
const DIGIT = /\p{Nd}/u;
const SPACE = /[\s\x1c-\x1f\x85]/u;
const ASCII_WORD = /[A-Za-z0-9_]/;

export const isWord = (c: string | undefined, ascii: boolean) => c !== undefined && (ascii ? ASCII_WORD : WORD).test(c);

/** Parses a pattern (a code-point array) into nodes; `error` is re.error. */
export function parse(pattern: string, flags: number, error: PyType): Compiled {
  const p = [...pattern];
  let i = 0;
  let groups = 0;
  const names = new Map<string, number>();
  const fail = (msg: string, at = i): never => {
    throw pyError(error, `${msg} at position ${at}`);
  };
  const ci = (flags & FLAGS.IGNORECASE) !== 0;
  const ascii = (flags & FLAGS.ASCII) !== 0;
  const verbose = (flags & FLAGS.VERBOSE) !== 0;
  const fold = (c: string) => (ci ? c.toLowerCase() : c);
  const literal = (ch: string): Node => {
    const f = fold(ch);
    return { k: 'char', test: ci ? (c) => c.toLowerCase() === f || c.toUpperCase() === ch.toUpperCase() : (c) => c === ch };
  };
  const classEscape = (e: string): Test | null => {
    switch (e) {
      case 'd': return ascii ? (c) => c >= '0' && c <= '9' : (c) => DIGIT.test(c);
      case 'D': return ascii ? (c) => !(c >= '0' && c <= '9') : (c) => !DIGIT.test(c);
      case 'w': return (c) => isWord(c, ascii);
      case 'W': return (c) => !isWord(c, ascii);
      case 's': return (c) => SPACE.test(c);
      case 'S': return (c) => !SPACE.test(c);
      default: return null;
    }
  };
  const SIMPLE: Record<string, string> = { n: '\n', t: '\t', r: '\r', f: '\f', v: '\v', a: '\x07', '0': '\0' };
  /** An escaped character after a backslash (not a class): its literal text. */
  const escapeChar = (): string => {
    const e = p[i++];
    if (e === undefined) fail('bad escape (end of pattern)', i - 1);
    if (e! in SIMPLE) return SIMPLE[e!]!;
    if (e === 'x' || e === 'u' || e === 'U') {
      const n = e === 'x' ? 2 : e === 'u' ? 4 : 8;
      const hex = p.slice(i, i + n).join('');
      if (!new RegExp(`^[0-9a-fA-F]{${n}}$`).test(hex)) fail(`incomplete escape \\${e}${hex}`, i - 2);
      i += n;
      return String.fromCodePoint(parseInt(hex, 16));
    }
    if (/[A-Za-z]/.test(e!)) fail(`bad escape \\${e}`, i - 2);
    return e!;
  };

  const parseClass = (): Node => {
    const start = i - 1;
    let negate = false;
    if (p[i] === '^') {
      negate = true;
      i++;
    }
    const tests: Test[] = [];
    let first = true;
    for (;;) {
      const c = p[i];
      if (c === undefined) fail('unterminated character set', start);
      if (c === ']' && !first) {
        i++;
        break;
      }
      first = false;
      let lo: string;
      if (c === '\\') {
        i++;
        const t = classEscape(p[i] ?? '');
        if (t) {
          i++;
          tests.push(t);
          continue;
        }
        lo = p[i] === 'b' ? (i++, '\b') : escapeChar();
      } else {
        lo = c!;
        i++;
      }
      if (p[i] === '-' && p[i + 1] !== undefined && p[i + 1] !== ']') {
        i++;
        let hi: string;
        if (p[i] === '\\') {
          i++;
          hi = escapeChar();
        } else hi = p[i++]!;
        if (hi.codePointAt(0)! < lo.codePointAt(0)!) fail(`bad character range ${lo}-${hi}`, i - 3);
        const a = lo.codePointAt(0)!;
        const b = hi.codePointAt(0)!;
        tests.push(ci
          ? (x) => [x.toLowerCase(), x.toUpperCase()].some((y) => y.codePointAt(0)! >= a && y.codePointAt(0)! <= b)
          : (x) => x.codePointAt(0)! >= a && x.codePointAt(0)! <= b);
      } else {
        const f = fold(lo);
        tests.push(ci ? (x) => x.toLowerCase() === f || x.toUpperCase() === lo.toUpperCase() : (x) => x === lo);
      }
    }
    return { k: 'char', test: negate ? (c) => !tests.some((t) => t(c)) : (c) => tests.some((t) => t(c)) };
  };

  const parseAtom = (): Node | null => {
    const c = p[i]!;
    i++;
    switch (c) {
      case '.': {
        const dotall = (flags & FLAGS.DOTALL) !== 0;
        return { k: 'char', test: dotall ? () => true : (x) => x !== '\n' };
      }
      case '^': return { k: 'assert', what: (flags & FLAGS.MULTILINE) ? 'bol' : 'start' };
      case '$': return { k: 'assert', what: (flags & FLAGS.MULTILINE) ? 'eol' : 'end' };
      case '[': return parseClass();
      case '(': {
        const start = i - 1;
        let index: number | null = null;
        if (p[i] === '?') {
          i++;
          const kind = p[i++];
          if (kind === ':') index = null;
          else if (kind === 'P' && p[i] === '<') {
            i++;
            let name = '';
            while (p[i] !== undefined && p[i] !== '>') name += p[i++];
            if (p[i] !== '>' || !/^[A-Za-z_]\w*$/.test(name)) fail(`bad character in group name '${name}'`, start + 4);
            i++;
            if (names.has(name)) fail(`redefinition of group name '${name}' as group ${groups + 1}; was group ${names.get(name)}`, start + 4);
            index = ++groups;
            names.set(name, index);
          } else if (kind === 'P' && p[i] === '=') {
            i++;
            let name = '';
            while (p[i] !== undefined && p[i] !== ')') name += p[i++];
            i++;
            const ref = names.get(name);
            if (ref === undefined) fail(`unknown group name '${name}'`, start + 4);
            return { k: 'backref', index: ref! };
          } else if (kind === '=' || kind === '!') {
            const node = parseAlt();
            if (p[i] !== ')') fail('missing ), unterminated subpattern', start);
            i++;
            return { k: 'look', node, negate: kind === '!' };
          } else if (kind === '#') {
            while (p[i] !== undefined && p[i] !== ')') i++;
            if (p[i] !== ')') fail('missing ), unterminated comment', start);
            i++;
            return { k: 'seq', items: [] };
          } else {
            throw pyError('NotImplementedError', `the regular expression construct '(?${kind ?? ''}' is not supported by Gradlens (lookbehind, conditionals, atomic groups and inline flags are not): write the pattern without it`);
          }
        } else index = ++groups;
        const node = parseAlt();
        if (p[i] !== ')') fail('missing ), unterminated subpattern', start);
        i++;
        return { k: 'group', index, node };
      }
      case ')':
        fail('unbalanced parenthesis', i - 1);
        return null;
      case '\\': {
        const e = p[i];
        if (e === undefined) fail('bad escape (end of pattern)', i - 1);
        const t = classEscape(e!);
        if (t) {
          i++;
          return { k: 'char', test: t };
        }
        const anchors: Record<string, 'start' | 'end' | 'word' | 'nonword'> = { A: 'start', Z: 'end', b: 'word', B: 'nonword' };
        if (e! in anchors) {
          i++;
          return { k: 'assert', what: anchors[e!]! };
        }
        if (/[1-9]/.test(e!)) {
          let digits = '';
          while (/[0-9]/.test(p[i] ?? '') && digits.length < 2) digits += p[i++];
          const index = Number(digits);
          if (index > groups) fail(`invalid group reference ${index}`, i - digits.length);
          return { k: 'backref', index };
        }
        return literal(escapeChar());
      }
      case '*':
      case '+':
      case '?':
        fail('nothing to repeat', i - 1);
        return null;
      default:
        if (verbose && /\s/.test(c)) return { k: 'seq', items: [] };
        if (verbose && c === '#') {
          while (p[i] !== undefined && p[i] !== '\n') i++;
          return { k: 'seq', items: [] };
        }
        return literal(c);
    }
  };

  const parseSeq = (): Node => {
    const items: Node[] = [];
    while (i < p.length && p[i] !== '|' && p[i] !== ')') {
      const atomAt = i;
      const atom = parseAtom()!;
      let min = -1;
      let max = -1;
      const q = p[i];
      if (q === '*') [min, max] = [0, Infinity];
      else if (q === '+') [min, max] = [1, Infinity];
      else if (q === '?') [min, max] = [0, 1];
      else if (q === '{') {
        const m = /^\{(\d*)(,?)(\d*)\}/.exec(p.slice(i, i + 24).join(''));
        if (m && (m[1] !== '' || m[3] !== '' || m[2] === '')) {
          if (m[1] === '' && m[2] === '') {
            items.push(atom);
            continue;
          }
          min = m[1] === '' ? 0 : Number(m[1]);
          max = m[2] === '' ? min : m[3] === '' ? Infinity : Number(m[3]);
          if (max < min) fail('min repeat greater than max repeat', i + 1);
          i += m[0].length - 1;
        }
      }
      if (min < 0) {
        items.push(atom);
        continue;
      }
      i++;
      if (atom.k === 'assert' || (atom.k === 'seq' && atom.items.length === 0)) fail('nothing to repeat', atomAt);
      if (atom.k === 'repeat') fail('multiple repeat', i - 1);
      let lazy = false;
      if (p[i] === '?') {
        lazy = true;
        i++;
      } else if (p[i] === '+') {
        throw pyError('NotImplementedError', 'possessive quantifiers (*+, ++, ?+) are not supported by Gradlens: write the pattern without them');
      }
      items.push({ k: 'repeat', node: atom, min, max, lazy });
    }
    return items.length === 1 ? items[0]! : { k: 'seq', items };
  };

  const parseAlt = (): Node => {
    const options = [parseSeq()];
    while (p[i] === '|') {
      i++;
      options.push(parseSeq());
    }
    return options.length === 1 ? options[0]! : { k: 'alt', options };
  };

  const node = parseAlt();
  if (i < p.length) fail('unbalanced parenthesis', i);
  return { node, groups, names, flags };
}

/** One attempt's state: the subject, capture spans (start, end per group; -1 when unset), and the step counter. */
export interface MatchState {
  s: string[];
  caps: number[];
  tick: () => void;
  flags: number;
  depth: number;
}

/** How many iterations of a repeated group may nest (each is a level of backtracking state, on the JS stack). */
const MAX_DEPTH = 1000;

function atAssert(what: string, s: string[], i: number, flags: number): boolean {
  const ascii = (flags & FLAGS.ASCII) !== 0;
  switch (what) {
    case 'start': return i === 0;
    case 'end': return i === s.length || (i === s.length - 1 && s[i] === '\n');
    case 'bol': return i === 0 || s[i - 1] === '\n';
    case 'eol': return i === s.length || s[i] === '\n';
    case 'word': return isWord(s[i - 1], ascii) !== isWord(s[i], ascii);
    default: return isWord(s[i - 1], ascii) === isWord(s[i], ascii);
  }
}

/** Matches `node` at `i`, then the continuation `k`; true when the whole succeeds (captures kept). */
export function matchNode(node: Node, i: number, st: MatchState, k: (j: number) => boolean): boolean {
  st.tick();
  switch (node.k) {
    case 'char':
      return i < st.s.length && node.test(st.s[i]!) && k(i + 1);
    case 'seq': {
      const step = (n: number, j: number): boolean => (n === node.items.length ? k(j) : matchNode(node.items[n]!, j, st, (e) => step(n + 1, e)));
      return step(0, i);
    }
    case 'alt':
      for (const o of node.options) if (matchNode(o, i, st, k)) return true;
      return false;
    case 'group': {
      if (node.index === null) return matchNode(node.node, i, st, k);
      const at = 2 * node.index;
      const saved = [st.caps[at]!, st.caps[at + 1]!];
      const ok = matchNode(node.node, i, st, (j) => {
        const inner = [st.caps[at]!, st.caps[at + 1]!];
        st.caps[at] = i;
        st.caps[at + 1] = j;
        if (k(j)) return true;
        [st.caps[at], st.caps[at + 1]] = inner;
        return false;
      });
      if (!ok) [st.caps[at], st.caps[at + 1]] = saved;
      return ok;
    }
    case 'assert':
      return atAssert(node.what, st.s, i, st.flags) && k(i);
    case 'look': {
      const saved = st.caps.slice();
      const found = matchNode(node.node, i, st, () => true);
      if (node.negate || !found) st.caps.splice(0, st.caps.length, ...saved);
      return found !== node.negate && k(i);
    }
    case 'backref': {
      const a = st.caps[2 * node.index]!;
      const b = st.caps[2 * node.index + 1]!;
      if (a < 0) return false;
      const ci = (st.flags & FLAGS.IGNORECASE) !== 0;
      for (let n = 0; n < b - a; n++) {
        const x = st.s[i + n];
        const y = st.s[a + n]!;
        if (x === undefined || (ci ? x.toLowerCase() !== y.toLowerCase() : x !== y)) return false;
      }
      return k(i + (b - a));
    }
    case 'repeat': {
      if (node.node.k === 'char') return repeatChar(node, node.node.test, i, st, k);
      const chars = charRun(node.node);
      return chars ? repeatRun(node, chars, i, st, k) : repeatAny(node, i, st, k);
    }
  }
}

function deeper(st: MatchState, f: () => boolean): boolean {
  if (++st.depth > MAX_DEPTH) {
    throw pyError('RecursionError', `maximum recursion depth exceeded while matching the regular expression: Gradlens backtracks through at most ${MAX_DEPTH} repetitions of a group; repeat a character class instead ((?:ab)* as [ab]*), or split the input`);
  }
  try {
    return f();
  } finally {
    st.depth--;
  }
}

/** A repeat of one character class: its run found in a loop, then the continuation tried from the longest (greedy) or shortest (lazy). */
function repeatChar(node: { min: number; max: number; lazy: boolean }, test: Test, i: number, st: MatchState, k: (j: number) => boolean): boolean {
  if (node.lazy) {
    let n = 0;
    for (; n < node.min; n++) {
      st.tick();
      if (i + n >= st.s.length || !test(st.s[i + n]!)) return false;
    }
    for (;; n++) {
      st.tick();
      if (k(i + n)) return true;
      if (n >= node.max || i + n >= st.s.length || !test(st.s[i + n]!)) return false;
    }
  }
  let run = 0;
  while (run < node.max && i + run < st.s.length && test(st.s[i + run]!)) {
    st.tick();
    run++;
  }
  for (let n = run; n >= node.min; n--) {
    st.tick();
    if (k(i + n)) return true;
  }
  return false;
}

/** The character tests of a node that matches exactly one way (a run of characters, `(?:ab)`), or null. */
function charRun(node: Node): Test[] | null {
  if (node.k === 'char') return [node.test];
  if (node.k === 'seq') {
    const tests: Test[] = [];
    for (const item of node.items) {
      const t = charRun(item);
      if (!t) return null;
      tests.push(...t);
    }
    return tests.length ? tests : null;
  }
  if (node.k === 'group' && node.index === null) return charRun(node.node);
  return null;
}

/** A repeat of a fixed run of characters: its iterations found in a loop, then the continuation tried as repeatChar tries it. */
function repeatRun(node: { min: number; max: number; lazy: boolean }, tests: Test[], i: number, st: MatchState, k: (j: number) => boolean): boolean {
  const w = tests.length;
  const fits = (at: number) => {
    st.tick();
    return at + w <= st.s.length && tests.every((t, n) => t(st.s[at + n]!));
  };
  let n = 0;
  if (node.lazy) {
    for (; n < node.min; n++) if (!fits(i + n * w)) return false;
    for (;; n++) {
      if (k(i + n * w)) return true;
      if (n >= node.max || !fits(i + n * w)) return false;
    }
  }
  while (n < node.max && fits(i + n * w)) n++;
  for (; n >= node.min; n--) {
    st.tick();
    if (k(i + n * w)) return true;
  }
  return false;
}

/** A repeat of anything else, one iteration at a time; an iteration that matches nothing ends the repeat (as sre's). */
function repeatAny(node: { node: Node; min: number; max: number; lazy: boolean }, i: number, st: MatchState, k: (j: number) => boolean): boolean {
  const iterate = (count: number, at: number): boolean => deeper(st, () => {
    const more = () => count < node.max && matchNode(node.node, at, st, (j) => (j === at && count >= node.min ? false : iterate(count + 1, j)));
    if (count < node.min) return more();
    if (node.lazy) return k(at) || more();
    return more() || k(at);
  });
  return iterate(0, i);
}
