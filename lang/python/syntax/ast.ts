/**
 * The typed Python AST that the analyzer and the interpreter share. Close to
 * CPython's `ast` module in shape, smaller in scope; every node has a span.
 * Parts of a file that did not parse become `ErrorExpr`/`ErrorStmt` nodes, so a
 * half-typed file still yields a tree.
 */
import type { Span } from './span';

export type BinaryOperator = '+' | '-' | '*' | '/' | '//' | '%' | '**' | '@' | '<<' | '>>' | '&' | '|' | '^';
export type UnaryOperator = '-' | '+' | '~' | 'not';
export type CompareOperator = '<' | '<=' | '>' | '>=' | '==' | '!=' | 'in' | 'not in' | 'is' | 'is not';

interface NodeBase {
  readonly span: Span;
}

// ---------------------------------------------------------------- expressions

export interface Name extends NodeBase { readonly kind: 'Name'; readonly id: string }
/** An int literal (arbitrary precision, as Python's) or a float literal. */
export interface Num extends NodeBase { readonly kind: 'Num'; readonly value: bigint | number }
/** An imaginary literal (`2j`, `1.5e3J`): the complex number with that imaginary part and a zero real part. */
export interface Imag extends NodeBase { readonly kind: 'Imag'; readonly value: number }
export interface Str extends NodeBase { readonly kind: 'Str'; readonly value: string; readonly bytes?: boolean }
export interface Bool extends NodeBase { readonly kind: 'Bool'; readonly value: boolean }
export interface NoneLit extends NodeBase { readonly kind: 'None' }
export interface EllipsisLit extends NodeBase { readonly kind: 'Ellipsis' }

/** One `{expr!conv:spec}` of an f-string. `selfDoc` holds the `expr=` text when present. */
export interface FormattedValue extends NodeBase {
  readonly kind: 'FormattedValue';
  readonly value: Expr;
  readonly conversion: 's' | 'r' | 'a' | null;
  readonly spec: FString | null;
  readonly selfDoc: string | null;
}
export interface FString extends NodeBase { readonly kind: 'FString'; readonly parts: readonly (string | FormattedValue)[] }

export interface BinOp extends NodeBase { readonly kind: 'BinOp'; readonly op: BinaryOperator; readonly left: Expr; readonly right: Expr }
export interface UnaryOp extends NodeBase { readonly kind: 'UnaryOp'; readonly op: UnaryOperator; readonly operand: Expr }
export interface BoolOp extends NodeBase { readonly kind: 'BoolOp'; readonly op: 'and' | 'or'; readonly left: Expr; readonly right: Expr }
/** `a < b <= c`: one chain, each operand evaluated once. */
export interface Compare extends NodeBase {
  readonly kind: 'Compare';
  readonly left: Expr;
  readonly ops: readonly CompareOperator[];
  readonly comparators: readonly Expr[];
}

export type Argument =
  | { readonly kind: 'positional'; readonly value: Expr; readonly span: Span }
  | { readonly kind: 'star'; readonly value: Expr; readonly span: Span }
  | { readonly kind: 'keyword'; readonly name: string; readonly value: Expr; readonly span: Span }
  | { readonly kind: 'doubleStar'; readonly value: Expr; readonly span: Span };

export interface Call extends NodeBase { readonly kind: 'Call'; readonly func: Expr; readonly args: readonly Argument[] }
export interface Attribute extends NodeBase { readonly kind: 'Attribute'; readonly value: Expr; readonly attr: string; readonly attrSpan: Span }
export interface Subscript extends NodeBase { readonly kind: 'Subscript'; readonly value: Expr; readonly index: Expr }
export interface Slice extends NodeBase { readonly kind: 'Slice'; readonly lower: Expr | null; readonly upper: Expr | null; readonly step: Expr | null }
export interface Starred extends NodeBase { readonly kind: 'Starred'; readonly value: Expr }
export interface Tuple extends NodeBase { readonly kind: 'Tuple'; readonly elts: readonly Expr[] }
export interface List extends NodeBase { readonly kind: 'List'; readonly elts: readonly Expr[] }
export interface SetLit extends NodeBase { readonly kind: 'Set'; readonly elts: readonly Expr[] }
export type DictItem = { readonly key: Expr; readonly value: Expr } | { readonly unpack: Expr };
export interface Dict extends NodeBase { readonly kind: 'Dict'; readonly items: readonly DictItem[] }
export interface Lambda extends NodeBase { readonly kind: 'Lambda'; readonly params: readonly Param[]; readonly body: Expr }
export interface IfExp extends NodeBase { readonly kind: 'IfExp'; readonly test: Expr; readonly body: Expr; readonly orelse: Expr }
export interface NamedExpr extends NodeBase { readonly kind: 'NamedExpr'; readonly target: Name; readonly value: Expr }

export interface Comprehension {
  readonly target: Expr;
  readonly iter: Expr;
  readonly ifs: readonly Expr[];
}
/** List, set and generator comprehensions; a generator expression is evaluated lazily, as Python's. */
export interface Comp extends NodeBase {
  readonly kind: 'ListComp' | 'SetComp' | 'GeneratorExp';
  readonly elt: Expr;
  readonly generators: readonly Comprehension[];
}
export interface DictComp extends NodeBase {
  readonly kind: 'DictComp';
  readonly key: Expr;
  readonly value: Expr;
  readonly generators: readonly Comprehension[];
}

/** `yield value` (`value` null for a bare `yield`): evaluates to what the generator's `send` passes in. */
export interface Yield extends NodeBase { readonly kind: 'Yield'; readonly value: Expr | null }
/** `yield from iterable`: evaluates to the sub-generator's return value. */
export interface YieldFrom extends NodeBase { readonly kind: 'YieldFrom'; readonly value: Expr }

/** Syntax that parses but that Gradlens does not run (`yield`, `await`, complex literals...). */
export interface UnsupportedExpr extends NodeBase { readonly kind: 'UnsupportedExpr'; readonly what: string }
/** A part of the source that did not parse. */
export interface ErrorExpr extends NodeBase { readonly kind: 'ErrorExpr' }

export type Expr =
  | Name | Num | Imag | Str | Bool | NoneLit | EllipsisLit | FString | FormattedValue
  | BinOp | UnaryOp | BoolOp | Compare | Call | Attribute | Subscript | Slice | Starred
  | Tuple | List | SetLit | Dict | Lambda | IfExp | NamedExpr | Comp | DictComp | Yield | YieldFrom
  | UnsupportedExpr | ErrorExpr;

// ---------------------------------------------------------------- parameters

export type ParamKind = 'positional' | 'varargs' | 'keywordOnly' | 'varkw';

export interface Param {
  readonly name: string;
  readonly kind: ParamKind;
  /** True for parameters before a `/`. */
  readonly positionalOnly: boolean;
  readonly default: Expr | null;
  readonly annotation: Expr | null;
  readonly span: Span;
}

// ---------------------------------------------------------------- statements

export interface ExprStmt extends NodeBase { readonly kind: 'ExprStmt'; readonly value: Expr }
/** `a = b = value`: each target assigned in order. */
export interface Assign extends NodeBase { readonly kind: 'Assign'; readonly targets: readonly Expr[]; readonly value: Expr }
export interface AugAssign extends NodeBase { readonly kind: 'AugAssign'; readonly target: Expr; readonly op: BinaryOperator; readonly value: Expr }
export interface AnnAssign extends NodeBase { readonly kind: 'AnnAssign'; readonly target: Expr; readonly annotation: Expr; readonly value: Expr | null }
export interface Pass extends NodeBase { readonly kind: 'Pass' }
export interface Break extends NodeBase { readonly kind: 'Break' }
export interface Continue extends NodeBase { readonly kind: 'Continue' }
export interface Return extends NodeBase { readonly kind: 'Return'; readonly value: Expr | null }
export interface Delete extends NodeBase { readonly kind: 'Delete'; readonly targets: readonly Expr[] }
export interface Raise extends NodeBase { readonly kind: 'Raise'; readonly exc: Expr | null; readonly cause: Expr | null }
export interface Assert extends NodeBase { readonly kind: 'Assert'; readonly test: Expr; readonly msg: Expr | null }
export interface Global extends NodeBase { readonly kind: 'Global' | 'Nonlocal'; readonly names: readonly string[] }

export interface ImportAlias {
  /** Dotted module or attribute name. */
  readonly name: string;
  readonly asname: string | null;
  readonly span: Span;
}
export interface Import extends NodeBase { readonly kind: 'Import'; readonly names: readonly ImportAlias[] }
export interface ImportFrom extends NodeBase {
  readonly kind: 'ImportFrom';
  readonly module: string;
  /** Leading dots of a relative import. */
  readonly level: number;
  readonly moduleSpan: Span;
  /** `null` for `from m import *`. */
  readonly names: readonly ImportAlias[] | null;
}

export interface If extends NodeBase { readonly kind: 'If'; readonly test: Expr; readonly body: readonly Stmt[]; readonly orelse: readonly Stmt[] }
export interface While extends NodeBase { readonly kind: 'While'; readonly test: Expr; readonly body: readonly Stmt[]; readonly orelse: readonly Stmt[] }
export interface For extends NodeBase {
  readonly kind: 'For';
  readonly target: Expr;
  readonly iter: Expr;
  readonly body: readonly Stmt[];
  readonly orelse: readonly Stmt[];
}
export interface ExceptHandler {
  readonly type: Expr | null;
  readonly name: string | null;
  readonly body: readonly Stmt[];
  readonly span: Span;
}
export interface Try extends NodeBase {
  readonly kind: 'Try';
  readonly body: readonly Stmt[];
  readonly handlers: readonly ExceptHandler[];
  readonly orelse: readonly Stmt[];
  readonly finalbody: readonly Stmt[];
}
export interface WithItem { readonly context: Expr; readonly target: Expr | null }
export interface With extends NodeBase { readonly kind: 'With'; readonly items: readonly WithItem[]; readonly body: readonly Stmt[] }

export interface FunctionDef extends NodeBase {
  readonly kind: 'FunctionDef';
  readonly name: string;
  readonly nameSpan: Span;
  readonly params: readonly Param[];
  readonly body: readonly Stmt[];
  readonly decorators: readonly Expr[];
  readonly returns: Expr | null;
  readonly isAsync: boolean;
}
export interface ClassDef extends NodeBase {
  readonly kind: 'ClassDef';
  readonly name: string;
  readonly nameSpan: Span;
  readonly bases: readonly Argument[];
  readonly body: readonly Stmt[];
  readonly decorators: readonly Expr[];
}

// ---------------------------------------------------------------- match (PEP 634)

/**
 * A `case` pattern, as CPython's `ast` has them. `MatchValue` compares with `==` (literals, dotted
 * names, `-1`, `1+2j`); `MatchSingleton` with `is` (None, True, False); a `MatchCapture` with a null
 * name is the wildcard `_`; `MatchStar` (null name for `*_`) only inside a `MatchSequence`.
 */
export type Pattern =
  | { readonly kind: 'MatchValue'; readonly value: Expr; readonly span: Span }
  | { readonly kind: 'MatchSingleton'; readonly value: null | boolean; readonly span: Span }
  | { readonly kind: 'MatchCapture'; readonly name: string | null; readonly span: Span }
  | { readonly kind: 'MatchSequence'; readonly patterns: readonly Pattern[]; readonly span: Span }
  | { readonly kind: 'MatchStar'; readonly name: string | null; readonly span: Span }
  | {
    readonly kind: 'MatchMapping';
    readonly keys: readonly Expr[];
    readonly patterns: readonly Pattern[];
    /** The `**rest` name. */
    readonly rest: string | null;
    readonly span: Span;
  }
  | {
    readonly kind: 'MatchClass';
    readonly cls: Expr;
    readonly patterns: readonly Pattern[];
    readonly kwdAttrs: readonly string[];
    readonly kwdPatterns: readonly Pattern[];
    readonly span: Span;
  }
  | { readonly kind: 'MatchAs'; readonly pattern: Pattern; readonly name: string; readonly span: Span }
  | { readonly kind: 'MatchOr'; readonly patterns: readonly Pattern[]; readonly span: Span };

export interface MatchCase { readonly pattern: Pattern; readonly guard: Expr | null; readonly body: readonly Stmt[]; readonly span: Span }
export interface Match extends NodeBase { readonly kind: 'Match'; readonly subject: Expr; readonly cases: readonly MatchCase[] }

export interface UnsupportedStmt extends NodeBase { readonly kind: 'UnsupportedStmt'; readonly what: string }
export interface ErrorStmt extends NodeBase { readonly kind: 'ErrorStmt' }

export type Stmt =
  | ExprStmt | Assign | AugAssign | AnnAssign | Pass | Break | Continue | Return | Delete | Raise | Assert | Global
  | Import | ImportFrom | If | While | For | Try | With | Match | FunctionDef | ClassDef | UnsupportedStmt | ErrorStmt;

export interface Module {
  readonly kind: 'Module';
  readonly body: readonly Stmt[];
  readonly span: Span;
}

export type Node = Expr | Stmt | Module;
