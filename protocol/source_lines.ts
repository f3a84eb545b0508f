/** Where a function is defined in a document's text, found without a parser (the extension has none). */

/** The 1-based line of `def NAME` for a qualified name (`Model.loss`: the `def loss` inside `class Model`), or undefined. */
export function definitionLine(text: string, qualname: string): number | undefined {
  const parts = qualname.split('.');
  const lines = text.split(/\r?\n/);
  let from = 0;
  let indent = -1;
  for (const [i, part] of parts.entries()) {
    const keyword = i === parts.length - 1 ? '(?:async\\s+)?def' : 'class';
    const pattern = new RegExp(`^(\\s*)${keyword}\\s+${part.replace(/[^\w]/g, '')}\\b`);
    const found = lines.findIndex((line, n) => {
      if (n < from) return false;
      const m = pattern.exec(line);
      return m !== null && m[1].length > indent;
    });
    if (found < 0) return undefined;
    indent = /^\s*/.exec(lines[found])![0].length;
    from = found + 1;
    if (i === parts.length - 1) return found + 1;
  }
  return undefined;
}
