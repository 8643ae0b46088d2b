/**
 * The expression index that answers `urn:…:attribute eq "value"` for one extension attribute from
 * an index instead of reading the resource JSON of every row of the organization. The indexed
 * expression is spelled exactly as the filter→SQL compiler spells the comparison (a literal JSON
 * path, lower-cased unless the attribute is caseExact), because both databases use an expression
 * index only for an identical expression. Leading with `org_id` serves every organization that
 * registered the same URN (Entra's sample URN is common) with one index.
 */
import { sql, type RawBuilder } from 'kysely';
import type { SqlCapabilities } from './capabilities.ts';

export interface ExtensionIndex {
  readonly table: 'users' | 'groups';
  readonly urn: string;
  readonly attribute: string;
  /** The attribute's `caseExact` (RFC 7643 §2.2): the index then holds the value as stored. */
  readonly caseExact: boolean;
  /** The index name (an SQL identifier). */
  readonly name: string;
}

/** The indexed expression for `index` in the dialect of `caps`. */
export function extensionIndexExpression(caps: SqlCapabilities, index: ExtensionIndex): RawBuilder<unknown> {
  const value = caps.json.scalar({ base: sql.ref('resource'), path: [index.urn, index.attribute], literal: true });
  return index.caseExact ? value : sql`${sql.raw(caps.lowerFunction)}(${value})`;
}

/** `CREATE INDEX IF NOT EXISTS name ON table (org_id, expression)` for `index`. */
export function extensionIndexStatement(caps: SqlCapabilities, index: ExtensionIndex): RawBuilder<unknown> {
  return sql`create index if not exists ${sql.id(index.name)} on ${sql.table(index.table)} (org_id, (${extensionIndexExpression(caps, index)}))`;
}
