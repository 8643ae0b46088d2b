/**
 * Leaf predicates of the filter→SQL compiler: one attribute operator value (RFC 7644 §3.4.2.2,
 * Table 3) against one SQL source. Every predicate returned here is two-valued — never SQL NULL —
 * so that `not (…)` keeps the meaning the in-memory matcher gives it.
 */
import { sql } from 'kysely';
import type { RawBuilder } from 'kysely';
import { parseDateTime } from '../core/filter/date-time.ts';
import type { CompareOperator, FilterValue } from '../core/filter/nodes.ts';
import { badRequest } from '../core/scim-error.ts';
import type { AttributeDefinition } from '../core/schema/types.ts';
import type { SqlCapabilities } from './capabilities.ts';
import { jsonScalarPresent } from './json-sql.ts';
import type { ScalarSource } from './filter-to-sql-layout.ts';

/** What a leaf compares: the attribute's definition, the path as written (for details), its source. */
export interface Operand {
  readonly definition: AttributeDefinition;
  readonly label: string;
  readonly source: ScalarSource;
}

export const TRUE = sql<boolean>`1 = 1`;
export const FALSE = sql<boolean>`1 = 0`;

const RANGE_SQL: Readonly<Record<'gt' | 'ge' | 'lt' | 'le', string>> = { gt: '>', ge: '>=', lt: '<', le: '<=' };

/** Escapes `%`, `_` and the escape character itself for a `LIKE … ESCAPE '\'` pattern. */
export function escapeLike(text: string): string {
  return text.replace(/[\\%_]/g, (c) => `\\${c}`);
}

/** Guards a comparison so an absent value yields false rather than NULL. */
function guarded(source: ScalarSource, value: RawBuilder<unknown>, predicate: RawBuilder<boolean>): RawBuilder<boolean> {
  if (source.kind === 'column' && !source.nullable) return predicate;
  if (source.kind === 'column') return sql<boolean>`(${value} is not null and ${predicate})`;
  return sql<boolean>`coalesce(${predicate}, false)`;
}

/**
 * `raw is not null and predicate`: as two-valued as `coalesce(predicate, false)` when the
 * predicate is NULL only for a NULL `raw` (true of every string comparison), but leaves
 * `expression = literal` as a term of the WHERE conjunction, which an expression index on that
 * JSON path can answer (extension attributes; docs/extensions.md).
 */
function indexableGuard(raw: RawBuilder<unknown>, predicate: RawBuilder<boolean>): RawBuilder<boolean> {
  return sql<boolean>`(${raw} is not null and ${predicate})`;
}

/** The raw SQL value of a source (text, number or boolean). */
export function sourceValue(source: ScalarSource, caps: SqlCapabilities): RawBuilder<unknown> {
  return source.kind === 'column' ? source.column : caps.json.scalar(source.location);
}

/** The JS-`toLowerCase()` form of a string source: its `_lc` twin, else the dialect's lower function. */
export function loweredValue(source: ScalarSource, caps: SqlCapabilities): RawBuilder<unknown> {
  if (source.kind === 'column' && source.lowered) return source.lowered;
  return sql`${sql.raw(caps.lowerFunction)}(${sourceValue(source, caps)})`;
}

/** `co`/`sw`/`ew` where LIKE would ignore ASCII case but the attribute is caseExact. */
function exactSubstring(op: 'co' | 'sw' | 'ew', value: RawBuilder<unknown>, text: string): RawBuilder<boolean> {
  if (op === 'co') return sql<boolean>`instr(${value}, ${text}) > 0`;
  if (op === 'sw') return sql<boolean>`substr(${value}, 1, length(${text})) = ${text}`;
  return sql<boolean>`(length(${value}) >= length(${text}) and substr(${value}, -length(${text})) = ${text})`;
}

function stringPredicate(operand: Operand, op: CompareOperator, text: string, caps: SqlCapabilities): RawBuilder<boolean> {
  const { source, definition } = operand;
  // Binary values are case-exact whatever the definition says (RFC 7643 §2.3.6).
  const folded = !definition.caseExact && definition.type !== 'binary';
  const value = folded ? loweredValue(source, caps) : sourceValue(source, caps);
  const literal = folded ? text.toLowerCase() : text;
  let predicate: RawBuilder<boolean>;
  if (op === 'eq' || op === 'ne') {
    predicate = sql<boolean>`${value} = ${literal}`;
  } else if (op === 'co' || op === 'sw' || op === 'ew') {
    if (literal === '') return presentOrEmpty(operand, caps);
    if (!folded && caps.likeIsCaseInsensitive) {
      predicate = exactSubstring(op, value, literal);
    } else {
      const pattern = `${op === 'co' || op === 'ew' ? '%' : ''}${escapeLike(literal)}${op === 'co' || op === 'sw' ? '%' : ''}`;
      predicate = sql<boolean>`${value} like ${pattern} escape '\\'`;
    }
  } else {
    predicate = sql<boolean>`${caps.binaryOrder(value)} ${sql.raw(RANGE_SQL[op])} ${literal}`;
  }
  const result = source.kind === 'json' && source.location.literal
    ? indexableGuard(sourceValue(source, caps), predicate)
    : guarded(source, sourceValue(source, caps), predicate);
  return op === 'ne' ? sql<boolean>`not ${result}` : result;
}

/** `co ""`, `sw ""`, `ew ""`: true for every string value, including the empty string. */
function presentOrEmpty(operand: Operand, caps: SqlCapabilities): RawBuilder<boolean> {
  const { source } = operand;
  if (source.kind === 'column') return source.nullable ? sql<boolean>`${source.column} is not null` : TRUE;
  return caps.json.is(source.location, 'string');
}

/**
 * Normalises a dateTime literal to the stored form `YYYY-MM-DDTHH:MM:SS.mmmZ` (RFC 7643 §2.3.5),
 * with the matcher's reading: an offset-less value is UTC, digits beyond milliseconds are dropped.
 */
export function normaliseDateTime(text: string, label: string): string {
  const instant = parseDateTime(text);
  const iso = instant === undefined ? undefined : new Date(instant).toISOString();
  if (iso === undefined || !/^\d{4}-/.test(iso)) {
    throw badRequest('invalidFilter', `${label} is a dateTime; "${text}" is not a dateTime such as "2024-01-31T12:00:00Z"`);
  }
  return iso;
}

function dateTimePredicate(operand: Operand, op: CompareOperator, text: string, caps: SqlCapabilities): RawBuilder<boolean> {
  const { source } = operand;
  const literal = normaliseDateTime(text, operand.label);
  const raw = sourceValue(source, caps);
  // Columns hold the normalised form already; JSON holds the text as the client sent it.
  const value = source.kind === 'column' ? raw : caps.json.normalisedDateTime(raw);
  const symbol = op === 'eq' || op === 'ne' ? '=' : RANGE_SQL[op as 'gt'];
  if (symbol === undefined) throw unsupportedOperator(operand, op);
  const result = guarded(source, raw, sql<boolean>`${value} ${sql.raw(symbol)} ${literal}`);
  return op === 'ne' ? sql<boolean>`not ${result}` : result;
}

function booleanPredicate(operand: Operand, op: CompareOperator, flag: boolean, caps: SqlCapabilities): RawBuilder<boolean> {
  if (op !== 'eq' && op !== 'ne') throw unsupportedOperator(operand, op);
  const { source } = operand;
  const bound = caps.booleanAsInteger ? (flag ? 1 : 0) : flag;
  let result: RawBuilder<boolean>;
  if (source.kind === 'column') result = guarded(source, source.column, sql<boolean>`${source.column} = ${bound}`);
  else if (flag && source.trueColumn) result = sql<boolean>`${source.trueColumn} = ${bound}`;
  else result = caps.json.is(source.location, flag ? 'true' : 'false');
  return op === 'ne' ? sql<boolean>`not ${result}` : result;
}

function numberPredicate(operand: Operand, op: CompareOperator, num: number, caps: SqlCapabilities): RawBuilder<boolean> {
  const { source } = operand;
  if (op === 'co' || op === 'sw' || op === 'ew') throw unsupportedOperator(operand, op);
  const value = source.kind === 'column' ? source.column : caps.json.number(source.location);
  const symbol = op === 'eq' || op === 'ne' ? '=' : RANGE_SQL[op];
  const result = sql<boolean>`coalesce(${value} ${sql.raw(symbol)} ${num}, false)`;
  return op === 'ne' ? sql<boolean>`not ${result}` : result;
}

function unsupportedOperator(operand: Operand, op: CompareOperator): Error {
  return badRequest('invalidFilter', `The operator "${op}" cannot be used with ${operand.label}, which is of type ${operand.definition.type}`);
}

function wrongLiteral(operand: Operand, value: FilterValue, expected: string): Error {
  return badRequest('invalidFilter', `${operand.label} is of type ${operand.definition.type}; compare it with ${expected}, not ${JSON.stringify(value)}`);
}

/** The predicate `operand op value` (RFC 7644 §3.4.2.2); `ne` is the exact negation of `eq`. */
export function comparePredicate(operand: Operand, op: CompareOperator, value: FilterValue, caps: SqlCapabilities): RawBuilder<boolean> {
  switch (operand.definition.type) {
    case 'string':
    case 'reference':
    case 'binary':
      if (typeof value !== 'string') throw wrongLiteral(operand, value, 'a string');
      return stringPredicate(operand, op, value, caps);
    case 'dateTime':
      if (typeof value !== 'string') throw wrongLiteral(operand, value, 'a dateTime string');
      return dateTimePredicate(operand, op, value, caps);
    case 'boolean':
      if (typeof value !== 'boolean') throw wrongLiteral(operand, value, 'true or false');
      return booleanPredicate(operand, op, value, caps);
    case 'integer':
    case 'decimal':
      if (typeof value !== 'number') throw wrongLiteral(operand, value, 'a number');
      return numberPredicate(operand, op, value, caps);
    default:
      throw badRequest('invalidFilter', `${operand.label} is complex; compare one of its sub-attributes, such as ${operand.label}.value`);
  }
}

/**
 * The `pr` predicate (RFC 7644 §3.4.2.2): a value that is not null, not "" and, for a complex value,
 * has a present sub-attribute. `alias` names the member rows a complex value is expanded into.
 */
export function presentPredicate(operand: Operand, alias: () => string, caps: SqlCapabilities): RawBuilder<boolean> {
  const { source, definition } = operand;
  if (source.kind === 'json') {
    return definition.type === 'complex'
      ? caps.json.objectPresent(source.location, alias())
      : jsonScalarPresent(source.location, caps.json);
  }
  const text = definition.type === 'string' || definition.type === 'reference' || definition.type === 'binary';
  if (text) return source.nullable ? sql<boolean>`(${source.column} is not null and ${source.column} <> '')` : sql<boolean>`${source.column} <> ''`;
  return source.nullable ? sql<boolean>`${source.column} is not null` : TRUE;
}
