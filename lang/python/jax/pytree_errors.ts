/**
 * tree_util.py's `_prefix_error`: where a pytree does not extend a prefix tree (`tree_map`'s
 * further trees, `in_axes`), as the message JAX raises, with difflib's `ndiff` of the node
 * metadata where that is what differs.
 */
import { eq, type HostContext, PyList, PyTuple, type PyValue, typeName, typeOf } from '../interpreter';
import { asLeaf, keyEntryStr, nodeOf, type KeyEntry, type Node } from './pytree';

/** A node's metadata as `flatten_one_level` returns it: dict keys as a tuple, a custom node's aux data, a namedtuple's type, else None. */
function metadata(n: Node): PyValue {
  const d = n.def([]);
  if (d.kind === 'dict') return new PyTuple([...d.keys]);
  if (d.kind === 'custom') return d.aux;
  if (d.kind === 'namedtuple') return d.type;
  return null;
}

/**
 * The first place where `full` does not extend `prefix`, as JAX's message (`name` is what the prefix
 * is called: `tree_map tree`, `in_axes`); null when none is found.
 */
export function prefixError(prefix: PyValue, full: PyValue, name: string, ctx: HostContext, isLeaf: PyValue | null = null, path: KeyEntry[] = []): string | null {
  const here = () => `${name}${path.map((k) => keyEntryStr(k, ctx)).join('')}`;
  const pnode = asLeaf(prefix, ctx, isLeaf) ? null : nodeOf(prefix, ctx);
  if (!pnode) return null;
  if (typeOf(prefix) !== typeOf(full)) {
    return `pytree structure error: different types at key path\n    ${here()}\nAt that key path, the prefix pytree ${name} has a subtree of type\n    ${ctx.repr(typeOf(prefix))}\nbut at the same key path the full pytree has a subtree of different type\n    ${ctx.repr(typeOf(full))}.`;
  }
  const fnode = nodeOf(full, ctx)!;
  if (prefix instanceof PyTuple || prefix instanceof PyList) {
    if (pnode.children.length !== fnode.children.length) {
      const ty = typeName(prefix);
      return `pytree structure error: different lengths of ${ty} at key path\n    ${here()}\nAt that key path, the prefix pytree ${name} has a subtree of type ${ty} of length ${pnode.children.length}, but the full pytree has a subtree of the same type but of length ${fnode.children.length}.`;
    }
  } else if (pnode.children.length !== fnode.children.length) {
    const pk = pnode.keys.map((k) => keyEntryStr(k, ctx));
    const fk = fnode.keys.map((k) => keyEntryStr(k, ctx));
    const diff = [...pk.filter((k) => !fk.includes(k)), ...fk.filter((k) => !pk.includes(k))];
    return `pytree structure error: different numbers of pytree children at key path\n    ${here()}\nAt that key path, the prefix pytree ${name} has a subtree of type\n    ${ctx.repr(typeOf(prefix))}\nwith ${pnode.children.length} child keys\n    ${pk.join(' ')}\nbut at the same key path the full pytree has a subtree of the same type but with ${fnode.children.length} child keys\n    ${fk.join(' ')}\nso the symmetric difference on key sets is\n    ${diff.join(' ')}`;
  }
  const pmeta = metadata(pnode), fmeta = metadata(fnode);
  if (!eq(pmeta, fmeta, ctx)) {
    const ps = ctx.str(pmeta), fs = ctx.str(fmeta);
    const indented = ndiff(ps.split('\n'), fs.split('\n')).join('\n').split('\n').map((l) => (l.trim() === '' ? l : `    ${l}`)).join('\n');
    return `pytree structure error: different pytree metadata at key path\n    ${here()}\nAt that key path, the prefix pytree ${name} has a subtree of type\n    ${ctx.repr(typeOf(prefix))}\nwith metadata\n    ${ps}\nbut at the same key path the full pytree has a subtree of the same type but with metadata\n    ${fs}\nso the diff in the metadata at these pytree nodes is\n${indented}`;
  }
  for (let i = 0; i < pnode.children.length; i++) {
    const e = prefixError(pnode.children[i], fnode.children[i], name, ctx, isLeaf, [...path, pnode.keys[i]]);
    if (e) return e;
  }
  return null;
}

type Opcode = ['equal' | 'replace' | 'delete' | 'insert', number, number, number, number];

/** difflib.SequenceMatcher's opcodes between two strings, with `junk` characters as its `isjunk`. */
function opcodes(a: string, b: string, junk: (c: string) => boolean): { codes: Opcode[]; ratio: number } {
  const b2j = new Map<string, number[]>();
  for (let j = 0; j < b.length; j++) if (!junk(b[j])) (b2j.get(b[j]) ?? b2j.set(b[j], []).get(b[j])!).push(j);
  const isbjunk = (c: string) => junk(c);
  const longest = (alo: number, ahi: number, blo: number, bhi: number): [number, number, number] => {
    let [bi, bj, size] = [alo, blo, 0];
    let j2len = new Map<number, number>();
    for (let i = alo; i < ahi; i++) {
      const next = new Map<number, number>();
      for (const j of b2j.get(a[i]) ?? []) {
        if (j < blo) continue;
        if (j >= bhi) break;
        const k = (j2len.get(j - 1) ?? 0) + 1;
        next.set(j, k);
        if (k > size) [bi, bj, size] = [i - k + 1, j - k + 1, k];
      }
      j2len = next;
    }
    while (bi > alo && bj > blo && isbjunk(b[bj - 1]) && a[bi - 1] === b[bj - 1]) [bi, bj, size] = [bi - 1, bj - 1, size + 1];
    while (bi + size < ahi && bj + size < bhi && isbjunk(b[bj + size]) && a[bi + size] === b[bj + size]) size++;
    return [bi, bj, size];
  };
  const blocks: [number, number, number][] = [];
  const queue: [number, number, number, number][] = [[0, a.length, 0, b.length]];
  while (queue.length) {
    const [alo, ahi, blo, bhi] = queue.pop()!;
    const [i, j, k] = longest(alo, ahi, blo, bhi);
    if (k) {
      blocks.push([i, j, k]);
      if (alo < i && blo < j) queue.push([alo, i, blo, j]);
      if (i + k < ahi && j + k < bhi) queue.push([i + k, ahi, j + k, bhi]);
    }
  }
  blocks.sort((x, y) => x[0] - y[0] || x[1] - y[1]);
  const codes: Opcode[] = [];
  let [i, j] = [0, 0];
  for (const [ai, bj, size] of [...blocks, [a.length, b.length, 0] as [number, number, number]]) {
    const tag = i < ai && j < bj ? 'replace' : i < ai ? 'delete' : j < bj ? 'insert' : null;
    if (tag) codes.push([tag, i, ai, j, bj]);
    [i, j] = [ai + size, bj + size];
    if (size) codes.push(['equal', ai, i, bj, j]);
  }
  const matches = blocks.reduce((n, x) => n + x[2], 0);
  return { codes, ratio: a.length + b.length ? (2 * matches) / (a.length + b.length) : 1 };
}

/** difflib.ndiff for the one-line metadata JAX compares (several lines: removed, then added). */
export function ndiff(a: readonly string[], b: readonly string[]): string[] {
  if (a.length !== 1 || b.length !== 1) return [...a.map((l) => `- ${l}`), ...b.map((l) => `+ ${l}`)];
  const [x, y] = [a[0], b[0]];
  if (x === y) return [`  ${x}`];
  const lineMatch = opcodes(x, y, (c) => c === ' ' || c === '\t');
  if (lineMatch.ratio < 0.75) return [`- ${x}`, `+ ${y}`];
  let atags = '', btags = '';
  for (const [tag, i1, i2, j1, j2] of lineMatch.codes) {
    const [la, lb] = [i2 - i1, j2 - j1];
    const mark = { replace: ['^', '^'], delete: ['-', ' '], insert: [' ', '+'], equal: [' ', ' '] }[tag];
    atags += (tag === 'insert' ? '' : mark[0].repeat(la));
    btags += (tag === 'delete' ? '' : mark[1].repeat(lb));
  }
  const out = [`- ${x}`];
  if (atags.trimEnd()) out.push(`? ${atags.trimEnd()}\n`);
  out.push(`+ ${y}`);
  if (btags.trimEnd()) out.push(`? ${btags.trimEnd()}\n`);
  return out;
}
