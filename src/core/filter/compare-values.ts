/**
 * Which comparisons a filter may make on which attribute types, and how one stored value is compared
 * with a literal (RFC 7644 §3.4.2.2, Table 3; RFC 7643 §2.3). The matcher and the SQL compiler both
 * follow these rules; docs/filters.md has the table.
 */
import { badRequest } from '../scim-error.ts';
import type { ScimError } from '../scim-error.ts';
import type { AttributeDefinition, AttributeType } from '../schema/types.ts';
import { parseDateTime } from './date-time.ts';
import type { CompareOperator, FilterValue } from './nodes.ts';

/** The operators other than `ne` (which is `not eq`), as the value tests implement them. */
export type PositiveOperator = Exclude<CompareOperator, 'ne'>;

/** Tests one stored value against the literal of a comparison. */
export type ValueTest = (value: unknown) => boolean;

const ORDERING = new Set<CompareOperator>(['gt', 'ge', 'lt', 'le']);
const SUBSTRING = new Set<CompareOperator>(['co', 'sw', 'ew']);

/** The operators each attribute type accepts besides `pr` (`ne` goes with `eq`). */
export const OPERATORS_BY_TYPE: Readonly<Record<AttributeType, readonly CompareOperator[]>> = Object.freeze({
  string: ['eq', 'ne', 'co', 'sw', 'ew', 'gt', 'ge', 'lt', 'le'],
  reference: ['eq', 'ne', 'co', 'sw', 'ew', 'gt', 'ge', 'lt', 'le'],
  binary: ['eq', 'ne'],
  boolean: ['eq', 'ne'],
  integer: ['eq', 'ne', 'gt', 'ge', 'lt', 'le'],
  decimal: ['eq', 'ne', 'gt', 'ge', 'lt', 'le'],
  dateTime: ['eq', 'ne', 'gt', 'ge', 'lt', 'le'],
  complex: [],
});

const invalid = (detail: string): ScimError => badRequest('invalidFilter', `Invalid filter: ${detail}`);

/** Rejects literal/operator pairs that make no sense whatever the attribute (`gt null`, `co true`). */
export function checkLiteral(op: CompareOperator, value: FilterValue, written: string): void {
  const shown = `${written} ${op} ${JSON.stringify(value)}`;
  if (value === null && op !== 'eq' && op !== 'ne') {
    throw invalid(`"${shown}": only eq and ne accept null (they test that the attribute is absent or present)`);
  }
  if (typeof value === 'boolean' && op !== 'eq' && op !== 'ne') {
    throw invalid(`"${shown}": booleans can only be compared with eq or ne (RFC 7644 §3.4.2.2)`);
  }
  if (typeof value === 'number' && SUBSTRING.has(op)) {
    throw invalid(`"${shown}": ${op} needs a quoted string to search for`);
  }
}

/** Rejects an operator or literal the attribute's type does not support (RFC 7644 §3.4.2.2). */
export function checkAgainstType(op: CompareOperator, value: FilterValue, attribute: AttributeDefinition, written: string): void {
  const type = attribute.type;
  if (type === 'complex') {
    const example = attribute.subAttributes?.[0]?.name ?? 'value';
    throw invalid(`"${written}" is a complex attribute; compare one of its sub-attributes, as in ${written}.${example}`);
  }
  if (!OPERATORS_BY_TYPE[type].includes(op)) {
    const why = ORDERING.has(op) && (type === 'boolean' || type === 'binary') ? ' (RFC 7644 §3.4.2.2)' : '';
    throw invalid(`the operator "${op}" cannot be applied to "${written}", ${withArticle(type)} attribute${why}; use ${OPERATORS_BY_TYPE[type].join(', ')} or pr`);
  }
  if (value === null) return;
  const expected = expectedLiteral(type);
  const fits =
    type === 'boolean' ? typeof value === 'boolean'
    : type === 'integer' || type === 'decimal' ? typeof value === 'number'
    : typeof value === 'string' && (type !== 'dateTime' || parseDateTime(value) !== undefined);
  if (!fits) throw invalid(`"${written}" is ${withArticle(type)} attribute; compare it with ${expected}, not ${JSON.stringify(value)}`);
}

const withArticle = (type: AttributeType): string => (type === 'integer' ? `an ${type}` : `a ${type}`);

function expectedLiteral(type: AttributeType): string {
  if (type === 'boolean') return 'true or false (without quotes)';
  if (type === 'integer' || type === 'decimal') return 'a number (without quotes)';
  if (type === 'dateTime') return 'a quoted dateTime such as "2011-05-13T04:42:34Z"';
  return 'a quoted string';
}

/**
 * Strings in Unicode code point order (the order of their UTF-8 bytes), which differs from
 * JavaScript's UTF-16 order only around supplementary characters.
 */
export function compareCodePoints(a: string, b: string): number {
  const n = Math.min(a.length, b.length);
  for (let i = 0; i < n; i += 1) {
    const x = a.charCodeAt(i);
    const y = b.charCodeAt(i);
    if (x !== y) return weight(x) - weight(y);
  }
  return a.length - b.length;
}

/** Moves surrogates (code points ≥ U+10000) above U+E000–U+FFFF. */
const weight = (unit: number): number => (unit >= 0xd800 && unit <= 0xdfff ? unit + 0x2000 : unit >= 0xe000 ? unit - 0x800 : unit);

const ordered = (op: PositiveOperator, sign: number): boolean =>
  op === 'eq' ? sign === 0 : op === 'gt' ? sign > 0 : op === 'ge' ? sign >= 0 : op === 'lt' ? sign < 0 : sign <= 0;

/**
 * The test for one stored value, for a literal that already passed `checkLiteral` and
 * `checkAgainstType`. Stored values of the wrong JSON type never match.
 */
export function valueTest(op: PositiveOperator, literal: string | number | boolean, attribute: AttributeDefinition): ValueTest {
  switch (attribute.type) {
    case 'boolean':
      return (v) => v === literal;
    case 'integer':
    case 'decimal':
      return (v) => typeof v === 'number' && ordered(op, v - (literal as number));
    case 'dateTime': {
      const instant = parseDateTime(literal as string) as number;
      return (v) => {
        const stored = typeof v === 'string' ? parseDateTime(v) : undefined;
        return stored !== undefined && ordered(op, stored - instant);
      };
    }
    case 'binary':
      return (v) => v === literal;
    default:
      return stringTest(op, literal as string, attribute.caseExact);
  }
}

function stringTest(op: PositiveOperator, literal: string, caseExact: boolean): ValueTest {
  const fold = caseExact ? (s: string): string => s : (s: string): string => s.toLowerCase();
  const target = fold(literal);
  switch (op) {
    case 'eq':
      return (v) => typeof v === 'string' && fold(v) === target;
    case 'co':
      return (v) => typeof v === 'string' && fold(v).includes(target);
    case 'sw':
      return (v) => typeof v === 'string' && fold(v).startsWith(target);
    case 'ew':
      return (v) => typeof v === 'string' && fold(v).endsWith(target);
    default:
      return (v) => typeof v === 'string' && ordered(op, compareCodePoints(fold(v), target));
  }
}
