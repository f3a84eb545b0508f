/**
 * Which expressions CPython 3.11's AST optimizer (Python/ast_opt.c) folds to a constant: literals,
 * their signs, tuples of constants, and arithmetic on constants that raises nothing and stays
 * within its size limits (an int of at most 128 bits from `*`, `**` and `<<`). A set display of 3
 * or more of them is built from a frozenset (values/setorder.ts), which decides its order.
 */
import type * as A from '../syntax/ast';
import { bitLength } from './values/limits';

/** The bits an int result of `*`, `**` or `<<` may have and still be folded (ast_opt.c's MAX_INT_SIZE). */
const MAX_INT_BITS = 128n;

/** What a folded constant is, as far as folding what contains it needs; `undefined` for no constant. */
type Folded = bigint | number | 'other';

// The int size checks count bits as int.bit_length() does, in bigint to compare with shift and power operands.
const bits = (n: bigint): bigint => BigInt(bitLength(n));

function foldedInt(op: A.BinaryOperator, a: bigint, b: bigint): Folded | undefined {
  switch (op) {
    case '+':
      return a + b;
    case '-':
      return a - b;
    case '*':
      return a && b && bits(a) + bits(b) > MAX_INT_BITS ? undefined : a * b;
    case '**':
      if (b < 0n) return a === 0n ? undefined : Number(a) ** Number(b);
      return a && b && bits(a) * b > MAX_INT_BITS ? undefined : a ** b;
    case '<<':
      if (b < 0n) return undefined;
      return a && b && bits(a) + b > MAX_INT_BITS ? undefined : a << b;
    case '>>':
      return b < 0n ? undefined : a >> b;
    case '/':
      return b === 0n ? undefined : Number(a) / Number(b);
    case '//':
    case '%':
      return b === 0n ? undefined : 'other';
    case '&':
    case '|':
    case '^':
      return 'other';
    default:
      return undefined;
  }
}

function folded(e: A.Expr): Folded | undefined {
  switch (e.kind) {
    case 'Num':
      return e.value;
    case 'Bool':
      return e.value ? 1n : 0n;
    case 'Str':
    case 'None':
    case 'Ellipsis':
    case 'Imag':
      return 'other';
    case 'UnaryOp': {
      const v = folded(e.operand);
      if (v === undefined || e.op === 'not' || v === 'other') return v === undefined ? undefined : 'other';
      if (e.op === '~') return typeof v === 'bigint' ? ~v : undefined;
      return e.op === '-' ? -v : v;
    }
    case 'Tuple':
      return e.elts.every((x) => folded(x) !== undefined) ? 'other' : undefined;
    case 'BinOp': {
      const [a, b] = [folded(e.left), folded(e.right)];
      if (a === undefined || b === undefined) return undefined;
      if (typeof a === 'bigint' && typeof b === 'bigint') return foldedInt(e.op, a, b);
      if (a === 'other' || b === 'other') return 'other';
      // A float operand: arithmetic folds unless it divides by zero; bitwise operators raise.
      if (['&', '|', '^', '<<', '>>', '@'].includes(e.op)) return undefined;
      if (['/', '//', '%'].includes(e.op) && Number(b) === 0) return undefined;
      return 'other';
    }
    default:
      return undefined;
  }
}

export const isFoldedConstant = (e: A.Expr): boolean => folded(e) !== undefined;
