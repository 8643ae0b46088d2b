/**
 * Scoping filters as Entra evaluates them: a list of AND-groups of clauses, ORed together; an
 * empty list puts everything in scope. A missing or empty value makes every clause false except
 * `IS NULL` (so `NOT EQUALS` and `NOT REGEX MATCH` are false on null too). `EQUALS` and `INCLUDES`
 * compare case-sensitively; the GREATER/LESS operators compare integers.
 */
import type { ScopeClause } from './config-schema.ts';

type Attributes = Readonly<Record<string, unknown>>;

function valueOf(attributes: Attributes, name: string): unknown {
  const raw = attributes[name];
  return Array.isArray(raw) ? raw[0] : raw;
}

const isNull = (value: unknown) => value === undefined || value === null || value === '';

const asInteger = (value: unknown): number | undefined => {
  const n = typeof value === 'number' ? value : typeof value === 'string' && /^\s*-?\d+\s*$/.test(value) ? Number(value) : Number.NaN;
  return Number.isFinite(n) ? Math.trunc(n) : undefined;
};

const regexCache = new Map<string, RegExp>();
function regex(pattern: string): RegExp {
  let compiled = regexCache.get(pattern);
  if (compiled === undefined) regexCache.set(pattern, (compiled = new RegExp(pattern)));
  return compiled;
}

function compare(value: unknown, expected: unknown, test: (a: number, b: number) => boolean): boolean {
  const a = asInteger(value);
  const b = asInteger(expected);
  return a !== undefined && b !== undefined && test(a, b);
}

/** True when one clause holds for the attributes. */
export function clauseHolds(attributes: Attributes, clause: ScopeClause): boolean {
  const value = valueOf(attributes, clause.attribute);
  if (clause.operator === 'IS NULL') return isNull(value);
  if (isNull(value)) return false;
  const text = String(value);
  const expected = clause.value === undefined ? '' : String(clause.value);
  switch (clause.operator) {
    case 'IS NOT NULL':
      return true;
    case 'IS TRUE':
      return value === true || text.toLowerCase() === 'true';
    case 'IS FALSE':
      return value === false || text.toLowerCase() === 'false';
    case 'EQUALS':
      return text === expected;
    case 'NOT EQUALS':
      return text !== expected;
    case 'INCLUDES':
      return text.includes(expected);
    case 'REGEX MATCH':
      return regex(expected).test(text);
    case 'NOT REGEX MATCH':
      return !regex(expected).test(text);
    case 'GREATER_THAN':
      return compare(value, clause.value, (a, b) => a > b);
    case 'GREATER_THAN_OR_EQUALS':
      return compare(value, clause.value, (a, b) => a >= b);
    case 'LESS_THAN':
      return compare(value, clause.value, (a, b) => a < b);
    case 'LESS_THAN_OR_EQUALS':
      return compare(value, clause.value, (a, b) => a <= b);
  }
}

/** True when the object is in scope: no filter, or every clause of at least one group holds. */
export function inScope(attributes: Attributes, scope: readonly (readonly ScopeClause[])[]): boolean {
  if (scope.length === 0) return true;
  return scope.some((group) => group.every((clause) => clauseHolds(attributes, clause)));
}
