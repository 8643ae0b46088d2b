/**
 * The one error of the expression language. `position` is the 0-based offset in the expression text
 * the problem is about (where parsing stopped, or the function call that failed at run time); `code`
 * is stable for programs: syntax, unknownFunction, arity, missingArgument, unknownConstant,
 * nestedSelectUniqueValue, unsupportedFunction, invalidRegex, invalidArgument, type, noUniqueValue.
 */
export type ExpressionErrorCode =
  | 'syntax'
  | 'unknownFunction'
  | 'arity'
  | 'missingArgument'
  | 'unknownConstant'
  | 'nestedSelectUniqueValue'
  | 'unsupportedFunction'
  | 'invalidRegex'
  | 'invalidArgument'
  | 'type'
  | 'noUniqueValue';

export class ExpressionError extends Error {
  readonly position: number;
  readonly code: ExpressionErrorCode;

  constructor(code: ExpressionErrorCode, message: string, position: number) {
    super(message);
    this.name = 'ExpressionError';
    this.code = code;
    this.position = position;
  }
}

/** True when `error` is an ExpressionError. */
export function isExpressionError(error: unknown): error is ExpressionError {
  return error instanceof ExpressionError;
}
