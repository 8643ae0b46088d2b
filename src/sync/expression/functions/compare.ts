/**
 * The comparison operators Entra allows inside IIF and CBool conditions: = <> < <= > >=.
 * Strings compare ordinally and case-sensitively; numbers (and numeric strings facing a number)
 * numerically; dates by instant; booleans against booleans or "True"/"False". A missing value
 * equals null and "" and is neither less nor greater than anything.
 */
import { ExpressionError } from '../expression-error.ts';
import type { CompareOperator } from '../nodes.ts';
import { DateTimeValue, parseNumeric, toText, type Value } from '../values.ts';
import { parseDateText } from './date-parse.ts';

function order(operator: CompareOperator, sign: number): boolean {
  switch (operator) {
    case '=':
      return sign === 0;
    case '<>':
      return sign !== 0;
    case '<':
      return sign < 0;
    case '<=':
      return sign <= 0;
    case '>':
      return sign > 0;
    case '>=':
      return sign >= 0;
  }
}

const signOf = (a: number, b: number): number => (a < b ? -1 : a > b ? 1 : 0);

function asBoolean(value: Value): boolean | undefined {
  if (typeof value === 'boolean') return value;
  if (typeof value !== 'string') return undefined;
  const lower = value.trim().toLowerCase();
  return lower === 'true' ? true : lower === 'false' ? false : undefined;
}

function asDate(value: Value): number | undefined {
  if (value instanceof DateTimeValue) return value.ms;
  return typeof value === 'string' ? parseDateText(value) : undefined;
}

function compareNulls(operator: CompareOperator, a: Value, b: Value): boolean {
  const emptyA = a === null || a === '';
  const emptyB = b === null || b === '';
  if (operator === '=') return emptyA && emptyB;
  if (operator === '<>') return !(emptyA && emptyB);
  return false;
}

/** Evaluates `a <operator> b`. */
export function compareValues(operator: CompareOperator, a: Value, b: Value, position: number): boolean {
  if (Array.isArray(a) || Array.isArray(b)) {
    throw new ExpressionError('type', `the "${operator}" comparison expects single values, got a multi-valued attribute`, position);
  }
  if (a === null || b === null) return compareNulls(operator, a, b);
  if (a instanceof DateTimeValue || b instanceof DateTimeValue) {
    const x = asDate(a);
    const y = asDate(b);
    if (x !== undefined && y !== undefined) return order(operator, signOf(x, y));
  }
  if (typeof a === 'boolean' || typeof b === 'boolean') {
    const x = asBoolean(a);
    const y = asBoolean(b);
    if (x === undefined || y === undefined) return operator === '<>';
    if (operator === '=' || operator === '<>') return order(operator, x === y ? 0 : 1);
    throw new ExpressionError('type', `the "${operator}" comparison cannot order booleans`, position);
  }
  const x = toText(a, 'a comparison', position) ?? '';
  const y = toText(b, 'a comparison', position) ?? '';
  const numericContext = typeof a === 'number' || typeof b === 'number' || (operator !== '=' && operator !== '<>');
  if (numericContext) {
    const nx = typeof a === 'number' ? a : parseNumeric(x);
    const ny = typeof b === 'number' ? b : parseNumeric(y);
    if (nx !== undefined && ny !== undefined) return order(operator, signOf(nx, ny));
  }
  return order(operator, x === y ? 0 : x < y ? -1 : 1);
}
