/**
 * The public surface of the attribute-mapping expression language: Entra ID's dialect
 * (`Switch([IsSoftDeleted], , "False", "True", "True", "False")`, `Join(" ", [givenName], [sn])` …),
 * a pure module — no I/O — that the sync engine compiles mappings with. See docs/sync-expressions.md.
 */
export type { CompiledExpression, ExpressionContext, ExpressionResult, ExpressionValue } from './types.ts';
export { ExpressionError, isExpressionError, type ExpressionErrorCode } from './expression-error.ts';
export { compileExpression } from './compile.ts';
export { parseExpression } from './parser.ts';
export { printExpression, quoteString } from './printer.ts';
export type { ExpressionNode } from './nodes.ts';
export { FUNCTION_NAMES } from './registry.ts';
