import * as assert from 'node:assert/strict';
import { analyze, parse, type ast } from '../../../lang/python';
import { fixture, fixtureNames } from './fixtures';

/** The source text a span covers. */
function text(source: string, span: { from: number; to: number }): string {
  return source.slice(span.from, span.to);
}

describe('parser: spans', () => {
  const source = 'import math\n\ndef f(x, w=2.0):\n    y = x ** 2 + w * math.sin(x)\n    return y\n\nprint(f(3.0))\n';
  const parsed = parse(source);

  it('parses a clean file without problems', () => {
    assert.deepEqual(parsed.errors, []);
    assert.deepEqual(
      parsed.module.body.map((s) => s.kind),
      ['Import', 'FunctionDef', 'ExprStmt'],
    );
  });

  it('gives every statement 1-based lines and columns and offsets into the file', () => {
    const def = parsed.module.body[1] as ast.FunctionDef;
    assert.equal(def.span.line, 3);
    assert.equal(def.span.col, 1);
    // The definition ends with its last statement, not after the blank line.
    assert.equal(def.span.endLine, 5);
    assert.equal(def.span.endCol, 13);
    assert.equal(text(source, def.nameSpan), 'f');
    assert.deepEqual([def.nameSpan.line, def.nameSpan.col], [3, 5]);
    const w = def.params[1];
    assert.equal(text(source, w.span), 'w=2.0');
    assert.equal(text(source, w.default!.span), '2.0');
    assert.deepEqual([w.default!.span.line, w.default!.span.col, w.default!.span.endCol], [3, 12, 15]);
  });

  it('gives expressions their own spans', () => {
    const def = parsed.module.body[1] as ast.FunctionDef;
    const assign = def.body[0] as ast.Assign;
    const sum = assign.value as ast.BinOp;
    assert.equal(sum.op, '+');
    assert.equal(text(source, sum.span), 'x ** 2 + w * math.sin(x)');
    const call = (sum.right as ast.BinOp).right as ast.Call;
    assert.equal(text(source, call.span), 'math.sin(x)');
    assert.deepEqual([call.span.line, call.span.col, call.span.endLine, call.span.endCol], [4, 22, 4, 33]);
    const attr = call.func as ast.Attribute;
    assert.equal(text(source, attr.attrSpan), 'sin');
  });

  it('reads numbers as Python does: ints exact, floats as floats', () => {
    const p = parse('a = 10**0\nb = 123456789012345678901234567890\nc = 1e-5\nd = 2.\ne = 0x1F + 0o17 + 0b11 + 1_000\n');
    assert.deepEqual(p.errors, []);
    const nums: (bigint | number)[] = [];
    const collect = (e: ast.Expr): void => {
      if (e.kind === 'Num') nums.push(e.value);
      if (e.kind === 'BinOp') {
        collect(e.left);
        collect(e.right);
      }
    };
    for (const s of p.module.body) collect((s as ast.Assign).value);
    assert.deepEqual(nums, [10n, 0n, 123456789012345678901234567890n, 1e-5, 2, 31n, 15n, 3n, 1000n]);
  });

  it('decodes string escapes and f-string parts', () => {
    const p = parse(`s = 'a\\tb\\n\\x41\\u00e9'\nt = f"v={x:.3f} {y!r}"\nr = r'\\n'\n`);
    assert.deepEqual(p.errors, []);
    assert.equal(((p.module.body[0] as ast.Assign).value as ast.Str).value, 'a\tb\nAé');
    const fs = (p.module.body[1] as ast.Assign).value as ast.FString;
    assert.equal(fs.kind, 'FString');
    const values = fs.parts.filter((x): x is ast.FormattedValue => typeof x !== 'string');
    assert.deepEqual(values.map((v) => v.conversion), [null, 'r']);
    assert.equal(((p.module.body[2] as ast.Assign).value as ast.Str).value, '\\n');
  });
});

describe('parser: syntax errors and half-typed code', () => {
  it('reports an unclosed bracket where it opens', () => {
    const p = parse('x = [1, 2\ny = 3\n');
    assert.ok(p.errors.length > 0);
    assert.equal(p.errors[0].message, "'[' was never closed");
    assert.deepEqual([p.errors[0].span.line, p.errors[0].span.col], [1, 5]);
  });

  it('reports an unexpected token at its position', () => {
    const p = parse('def f(x):\n    return x +* 2\n');
    assert.ok(p.errors.length > 0);
    assert.equal(p.errors[0].span.line, 2);
  });

  it('keeps the definitions after a half-typed one', () => {
    const source = 'def f(x, y=\n    return x +\n\n@deco\ndef g(a):\n    return a * 2\n\nclass C:\n    def m(self, x=1.0):\n        return x ** 2\n';
    const p = parse(source);
    assert.ok(p.errors.length > 0);
    assert.deepEqual(p.errors[0].span.line, 1);
    const defs = p.module.body.filter((s) => s.kind === 'FunctionDef' || s.kind === 'ClassDef') as (ast.FunctionDef | ast.ClassDef)[];
    assert.deepEqual(defs.map((d) => d.name), ['f', 'g', 'C']);
    const g = defs[1] as ast.FunctionDef;
    assert.equal(g.decorators.length, 1);
    assert.deepEqual([g.span.line, g.span.endLine], [4, 6]);
    assert.deepEqual(
      analyze(p).functions.map((f) => f.qualname),
      ['f', 'g', 'C.m'],
    );
  });

  it('does not split at a def inside a string', () => {
    const p = parse('x = (1,\ns = """\ndef no(x):\n"""\ndef yes(y):\n    return y\n');
    const names = p.module.body.filter((s): s is ast.FunctionDef => s.kind === 'FunctionDef').map((d) => d.name);
    assert.ok(!names.includes('no'));
  });

  it('reports a malformed number instead of throwing', () => {
    const p = parse('x = 1__0 + 0b2\n');
    assert.ok(p.errors.length > 0);
  });

  it('never throws on any prefix of a real program, and analyzes every one', () => {
    for (const name of ['functions.py', 'control.py', 'strings.py']) {
      const source = fixture('programs', name);
      for (let i = 0; i <= source.length; i += 5) {
        const prefix = source.slice(0, i);
        assert.doesNotThrow(() => analyze(prefix), `${name} cut at ${i}`);
      }
    }
  });

  it('never throws on programs with random edits', () => {
    const sources = fixtureNames('programs', '.py').map((n) => fixture('programs', n));
    const tokens = ['(', ')', '[', ']', '{', '}', ':', ',', '=', 'def ', 'lambda', '**', 'for ', ' in ', '"', "'", 'f"{', '\n', '    ', '\\', '.', '0x', '@', 'import ', 'with ', 'return', 'yield', 'class ', ':=', '...', '1_'];
    let seed = 7;
    const rnd = (n: number): number => {
      seed = (seed * 1103515245 + 12345) & 0x7fffffff;
      return seed % n;
    };
    for (let i = 0; i < 600; i++) {
      let source = sources[rnd(sources.length)];
      for (let m = 0; m < 1 + rnd(3); m++) {
        const at = rnd(source.length + 1);
        source = rnd(2) ? source.slice(0, at) + tokens[rnd(tokens.length)] + source.slice(at) : source.slice(0, at) + source.slice(at + 1 + rnd(8));
      }
      assert.doesNotThrow(() => analyze(source), JSON.stringify(source));
    }
  });
});

describe('parser: operator precedence lezer reads differently from Python', () => {
  /** The expression statement's tree as nested text: `(or (not a) b)`. */
  function shape(e: ast.Expr): string {
    switch (e.kind) {
      case 'Name':
        return e.id;
      case 'UnaryOp':
        return `(${e.op} ${shape(e.operand)})`;
      case 'BoolOp':
        return `(${e.op} ${shape(e.left)} ${shape(e.right)})`;
      case 'Compare':
        return `(${e.ops[0]} ${shape(e.left)} ${shape(e.comparators[0])})`;
      default:
        return e.kind;
    }
  }
  const exprOf = (source: string): ast.Expr => (parse(source).module.body[0] as ast.ExprStmt).value;

  it("binds 'not' tighter than 'and' and 'or', looser than comparisons", () => {
    const cases: [string, string][] = [
      ['not a or b', '(or (not a) b)'],
      ['not a and b', '(and (not a) b)'],
      ['not a and b or c', '(or (and (not a) b) c)'],
      ['a or not b and c', '(or a (and (not b) c))'],
      ['not (a or b)', '(not (or a b))'],
      ['not a == b', '(not (== a b))'],
      ['not not a or b', '(or (not (not a)) b)'],
    ];
    for (const [source, expected] of cases) assert.equal(shape(exprOf(source)), expected, source);
    const e = exprOf('not line or line.startswith("#")') as ast.BoolOp;
    assert.deepEqual([e.left.span.col, e.left.span.endCol], [1, 9]);
  });
});
