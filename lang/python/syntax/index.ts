/**
 * Python source -> a typed AST: CPython's tokenizer errors (tokenize), a lezer parse lowered to
 * the AST of ast.ts (parse), walks over it (walk), string-literal decoding (strings) and source
 * positions (span). Nothing here knows about values or running.
 */
export type * as ast from './ast';
export { LineMap, type Span } from './span';
export { parse, parseArguments, syntaxErrorClass, type BrokenDefinition, type ParseResult, type SyntaxProblem } from './parse';
export { forEachChild, someExpr, walkExpr, walkStatements, type Visitor } from './walk';
export { patternExprs, patternNames } from './patterns';
