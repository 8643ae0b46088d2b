/**
 * Filtered, sorted, paged listings of users or groups (RFC 7644 §3.4.2; RFC 9865 cursors). The
 * filter is compiled to SQL (never evaluated in memory); the order is always total — the sort key,
 * then `id` — so index paging is stable and keyset cursors visit every row exactly once.
 */
import { createHash } from 'node:crypto';
import { sql, type Expression, type SqlBool } from 'kysely';
import type { Filter } from '../../core/filter/nodes.ts';
import { groupSchemas, userSchemas } from '../../core/schema/resource-types.ts';
import type { ResourceSchemas } from '../../core/schema/types.ts';
import { decodeCursor, encodeCursor, type CursorPosition } from '../cursor.ts';
import { filterToSql } from '../filter-to-sql.ts';
import { indexedEquality } from '../filter-to-sql-layout.ts';
import { resolveAttribute } from '../../core/schema/resolve.ts';
import type { ListQuery } from '../store.ts';
import type { SqlContext } from './context.ts';
import { runPrecompiled, slot } from './precompiled.ts';
import { sortKey, type SortKey } from './sort-key.ts';
import { GROUPS_COLUMN } from './user-statements.ts';

export type ListTarget = 'users' | 'groups';

/** Rows of one page, still in their table's shape, plus paging information. */
export interface RowPage {
  readonly rows: readonly Record<string, unknown>[];
  readonly totalResults?: number;
  readonly nextCursor?: string;
}

const defaultSchemas = (target: ListTarget): ResourceSchemas => (target === 'users' ? userSchemas() : groupSchemas());

function whereClause(ctx: SqlContext, target: ListTarget, orgId: string, filter: Filter | undefined, schemas: ResourceSchemas) {
  const org = sql<SqlBool>`${sql.ref(`${target}.org_id`)} = ${orgId}`;
  if (filter === undefined) return org;
  const compiled: Expression<SqlBool> = filterToSql(filter, target, schemas, ctx.caps);
  return sql<SqlBool>`${org} and (${compiled})`;
}

/** The keyset condition "after `position`" for the order `key (nulls last), id`. */
function after(target: ListTarget, key: SortKey | undefined, position: CursorPosition) {
  const id = sql.ref(`${target}.id`);
  if (key === undefined) return sql<SqlBool>`${id} > ${position.id}`;
  const expr = key.expression;
  if (position.value === null) return sql<SqlBool>`(${expr} is null and ${id} > ${position.id})`;
  const beyond = key.descending ? sql`<` : sql`>`;
  return sql<SqlBool>`((${expr} is not null and (${expr} ${beyond} ${position.value} or (${expr} = ${position.value} and ${id} > ${position.id}))) or ${expr} is null)`;
}

function orderBy(target: ListTarget, key: SortKey | undefined) {
  const id = sql.ref(`${target}.id`);
  if (key === undefined) return sql`${id}`;
  const direction = key.descending ? sql`desc` : sql`asc`;
  return sql`case when ${key.expression} is null then 1 else 0 end, ${key.expression} ${direction}, ${id}`;
}

/** An `eq` on an indexed column that a listing can run as a precompiled statement. */
interface Lookup {
  readonly column: string;
  readonly value: string;
}

/** The listing's filter as an indexed lookup, when it is one and no sort or keyset position applies. */
function lookupOf(target: ListTarget, query: ListQuery, schemas: ResourceSchemas, position: CursorPosition | undefined): Lookup | undefined {
  const filter = query.filter;
  if (filter?.kind !== 'compare' || filter.op !== 'eq' || typeof filter.value !== 'string') return undefined;
  if (query.sortBy !== undefined || position !== undefined) return undefined;
  const resolved = resolveAttribute(schemas, filter.path);
  return resolved === undefined ? undefined : indexedEquality(target, resolved, filter.value);
}

async function countLookup(ctx: SqlContext, target: ListTarget, orgId: string, lookup: Lookup): Promise<number> {
  const { rows } = await runPrecompiled(ctx, `${target}.count.${lookup.column}`, (db) =>
    db.selectFrom(target).select((eb) => eb.fn.countAll().as('n')).where('org_id', '=', slot(0)).where(lookup.column as never, '=', slot(1)),
  [orgId, lookup.value]);
  return Number(rows[0]?.n ?? 0);
}

/** COUNT(*) of the rows the filter selects in one organization (served by the org_id indexes). */
export async function countResources(
  ctx: SqlContext,
  target: ListTarget,
  orgId: string,
  filter?: Filter,
  schemas?: ResourceSchemas,
): Promise<number> {
  const where = whereClause(ctx, target, orgId, filter, schemas ?? defaultSchemas(target));
  const { rows } = await sql<{ n: number | string }>`select count(*) as n from ${sql.table(target)} where ${where}`.execute(ctx.db);
  return Number(rows[0]?.n ?? 0);
}

interface PageShape {
  readonly key: SortKey | undefined;
  readonly position: CursorPosition | undefined;
  readonly lookup: Lookup | undefined;
  readonly limit: number;
  readonly offset: number;
}

/**
 * The rows of one page. LIMIT is written as a literal: SQLite (built with STAT4, as better-sqlite3
 * is) treats a bound LIMIT as able to change the plan and re-prepares the statement on every
 * execution, which costs as much as the lookup itself. Limits are page sizes, so few texts result.
 */
async function pageRows(ctx: SqlContext, target: ListTarget, orgId: string, query: ListQuery, schemas: ResourceSchemas, shape: PageShape) {
  const { key, position, lookup, limit, offset } = shape;
  if (lookup !== undefined) {
    // A user lookup reads the users' groups in the same statement where the dialect can (userGroupsColumn),
    // over the page as a derived table: with the subquery next to LIMIT … OFFSET $3, PostgreSQL's
    // generic plan looks dearer than a custom one and the statement was planned on every execution.
    const groups = target === 'users' && query.withGroups === true ? ctx.caps.userGroupsColumn : undefined;
    const { rows } = await runPrecompiled(ctx, `${target}.list.${lookup.column}.${limit}${groups ? '.groups' : ''}`, (db) => {
      const page = db.selectFrom(target).selectAll().where('org_id', '=', slot(0)).where(lookup.column as never, '=', slot(1)).orderBy('id').limit(sql.lit(limit)).offset(slot(2));
      if (groups === undefined) return page;
      return db.selectFrom(page.as('users')).selectAll('users').select(groups.as(GROUPS_COLUMN)).orderBy('users.id');
    }, [orgId, lookup.value, offset]);
    return rows as Record<string, unknown>[];
  }
  const where = whereClause(ctx, target, orgId, query.filter, schemas);
  const pageWhere = position === undefined ? where : sql<SqlBool>`${where} and ${after(target, key, position)}`;
  const keyColumn = key === undefined ? sql`null` : key.expression;
  const statement = sql<Record<string, unknown>>`select ${sql.table(target)}.*, ${keyColumn} as scimd_sort_key from ${sql.table(target)} where ${pageWhere} order by ${orderBy(target, key)} limit ${sql.lit(limit)} offset ${offset}`;
  return (await statement.execute(ctx.db)).rows;
}

/**
 * `totalResults` when the page itself proves it, so the COUNT can be skipped: a page shorter than
 * asked for is the end of the result, and everything before it is the offset (or nothing, on a
 * first cursor page). Lookups by a unique attribute always end here.
 */
function totalFromPage(rows: number, count: number, shape: PageShape, cursorMode: boolean): number | undefined {
  if (count === 0) return undefined;
  if (cursorMode) return shape.position === undefined && rows <= count ? rows : undefined;
  if (rows < count && (rows > 0 || shape.offset === 0)) return shape.offset + rows;
  return undefined;
}

/** A short fingerprint of a query's filter, so a carried total is only reused for the filter it counted. */
function filterFingerprint(query: ListQuery): string {
  return createHash('sha256').update(query.filter === undefined ? '' : JSON.stringify(query.filter)).digest('base64url').slice(0, 12);
}

/** One page of rows for `query`; see ListQuery for index vs cursor paging. */
export async function listResources(ctx: SqlContext, target: ListTarget, orgId: string, query: ListQuery): Promise<RowPage> {
  const schemas = query.schemas ?? defaultSchemas(target);
  const key = query.sortBy === undefined ? undefined : sortKey(ctx, target, schemas, query.sortBy, query.sortOrder);
  const fingerprint = key?.fingerprint ?? 'id';
  const cursorMode = query.cursor !== undefined;
  const position = cursorMode && query.cursor !== '' ? decodeCursor(query.cursor ?? '', fingerprint) : undefined;
  const count = Math.max(0, Math.floor(query.count));
  const offset = cursorMode ? 0 : Math.max(0, Math.floor((query.startIndex ?? 1) - 1));
  const shape: PageShape = { key, position, lookup: lookupOf(target, query, schemas, position), limit: cursorMode ? count + 1 : count, offset };
  const rows = count === 0 ? [] : await pageRows(ctx, target, orgId, query, schemas, shape);
  let total: number | undefined;
  // A cursor walk counts once, on its first page; later pages carry that count in their cursor.
  const filterPrint = cursorMode ? filterFingerprint(query) : '';
  if (query.includeTotal !== false) {
    if (position?.total !== undefined && position.total.filter === filterPrint) total = position.total.count;
    total ??= totalFromPage(rows.length, count, shape, cursorMode);
    if (total === undefined && shape.lookup !== undefined) total = await countLookup(ctx, target, orgId, shape.lookup);
    total ??= await countResources(ctx, target, orgId, query.filter, schemas);
  }
  const page = cursorMode ? rows.slice(0, count) : rows;
  const last = page[page.length - 1];
  const more = cursorMode && rows.length > count && last !== undefined;
  const nextCursor = more
    ? encodeCursor({
        sort: fingerprint,
        value: (last['scimd_sort_key'] ?? null) as CursorPosition['value'],
        id: String(last['id']),
        ...(total === undefined ? {} : { total: { count: total, filter: filterPrint } }),
      })
    : undefined;
  return {
    rows: page,
    ...(total === undefined ? {} : { totalResults: total }),
    ...(nextCursor === undefined ? {} : { nextCursor }),
  };
}
