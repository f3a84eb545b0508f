/**
 * A Wadler-Lindig document, laid out as JAX's `pretty_printer.py` does: a group is flat when its
 * own flat width fits the rest of the line (not the text after it), so line breaks land exactly
 * where `jax.make_jaxpr` puts them.
 */
export type Doc =
  | { readonly kind: 'text'; readonly text: string }
  | { readonly kind: 'brk'; readonly text: string }
  | { readonly kind: 'concat'; readonly children: readonly Doc[] }
  | { readonly kind: 'nest'; readonly n: number; readonly child: Doc }
  | { readonly kind: 'group'; readonly child: Doc };

export const nil: Doc = { kind: 'concat', children: [] };
export const text = (t: string): Doc => ({ kind: 'text', text: t });
export const brk = (t = ' '): Doc => ({ kind: 'brk', text: t });
export const concat = (...children: Doc[]): Doc => ({ kind: 'concat', children });
export const nest = (n: number, child: Doc): Doc => ({ kind: 'nest', n, child });
export const group = (child: Doc): Doc => ({ kind: 'group', child });

export function join(sep: Doc, docs: readonly Doc[]): Doc {
  return concat(...docs.flatMap((d, i) => (i === 0 ? [d] : [sep, d])));
}

function flatWidth(doc: Doc, budget: number): number {
  const agenda: Doc[] = [doc];
  let w = 0;
  while (agenda.length > 0 && w <= budget) {
    const d = agenda.pop()!;
    if (d.kind === 'text' || d.kind === 'brk') w += d.text.length;
    else if (d.kind === 'concat') for (let i = d.children.length - 1; i >= 0; i--) agenda.push(d.children[i]);
    else agenda.push(d.child);
  }
  return w;
}

export function format(doc: Doc, width = 80): string {
  type State = { indent: number; flat: boolean; doc: Doc };
  const agenda: State[] = [{ indent: 0, flat: false, doc }];
  let out = '';
  let column = 0;
  while (agenda.length > 0) {
    const { indent, flat, doc: d } = agenda.pop()!;
    switch (d.kind) {
      case 'text':
        out += d.text;
        column += d.text.length;
        break;
      case 'brk':
        if (flat) {
          out += d.text;
          column += d.text.length;
        } else {
          out += '\n' + ' '.repeat(indent);
          column = indent;
        }
        break;
      case 'concat':
        for (let i = d.children.length - 1; i >= 0; i--) agenda.push({ indent, flat, doc: d.children[i] });
        break;
      case 'nest':
        agenda.push({ indent: indent + d.n, flat, doc: d.child });
        break;
      case 'group':
        agenda.push({ indent, flat: flat || flatWidth(d.child, width - column) <= width - column, doc: d.child });
        break;
    }
  }
  return out;
}
