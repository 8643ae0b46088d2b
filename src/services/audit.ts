/**
 * The revision history (DESIGN.md §3): query by time range, actor type, action and
 * resource with cursor paging; a user's own history; export as CSV or JSON streamed in constant
 * memory (keyset batches in, string chunks out); and retention. The events themselves are written by
 * each use case in the transaction of its change (record-change.ts, api-keys.ts, roles.ts …).
 */
import { ScimError } from '../core/scim-error.ts';
import type { ActorType, AuditEventRecord } from '../store/records.ts';
import type { AuditQuery, Store } from '../store/store.ts';

/** Filters admins can set on the history (every one optional). */
export interface AuditFilters {
  /** Inclusive lower bound: an ISO 8601 date-time, or a date (its start, UTC). */
  readonly from?: string;
  /** Exclusive upper bound: an ISO 8601 date-time, or a date (the end of that day, UTC). */
  readonly to?: string;
  readonly actorType?: string;
  readonly actorId?: string;
  readonly action?: string;
  readonly resourceId?: string;
  readonly order?: 'newest' | 'oldest';
}

/** One page of history. */
export interface AuditPage {
  readonly events: readonly AuditEventRecord[];
  readonly nextCursor?: string;
}

export type ExportFormat = 'csv' | 'json';

export const DEFAULT_PAGE_SIZE = 100;
export const MAX_PAGE_SIZE = 1000;
const DAY_MS = 24 * 60 * 60 * 1000;
const ACTOR_TYPES: readonly ActorType[] = ['scim', 'admin', 'system'];
const DATE_ONLY = /^\d{4}-\d{2}-\d{2}$/;
const DATE_TIME = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}(:\d{2}(\.\d{1,9})?)?(Z|[+-]\d{2}:\d{2})$/;

const invalid = (detail: string): ScimError => new ScimError(400, 'invalidValue', detail);

/** Normalises a bound to ISO 8601 UTC; a date means its start (`from`) or the next day's start (`to`). */
export function parseBound(name: 'from' | 'to', value: string): string {
  const dateOnly = DATE_ONLY.test(value);
  const ms = Date.parse(dateOnly ? `${value}T00:00:00Z` : value);
  if ((!dateOnly && !DATE_TIME.test(value)) || !Number.isFinite(ms)) {
    throw invalid(`${name} "${value}" is not an ISO 8601 date or date-time (e.g. 2026-03-01 or 2026-03-01T12:00:00Z)`);
  }
  return new Date(dateOnly && name === 'to' ? ms + DAY_MS : ms).toISOString();
}

/** Validates admin filters into a store query (without cursor and limit). */
export function toAuditQuery(filters: AuditFilters): Omit<AuditQuery, 'cursor' | 'limit'> {
  const query: { -readonly [K in keyof AuditQuery]?: AuditQuery[K] } = {};
  if (filters.from !== undefined) query.from = parseBound('from', filters.from);
  if (filters.to !== undefined) query.to = parseBound('to', filters.to);
  if (query.from !== undefined && query.to !== undefined && query.from >= query.to) throw invalid(`from (${query.from}) must be before to (${query.to})`);
  if (filters.actorType !== undefined) {
    if (!ACTOR_TYPES.includes(filters.actorType as ActorType)) throw invalid(`actorType must be one of ${ACTOR_TYPES.join(', ')}, not "${filters.actorType}"`);
    query.actorType = filters.actorType as ActorType;
  }
  if (filters.order !== undefined && filters.order !== 'newest' && filters.order !== 'oldest') throw invalid(`order must be "newest" or "oldest", not "${String(filters.order)}"`);
  for (const key of ['actorId', 'action', 'resourceId', 'order'] as const) {
    if (filters[key] !== undefined && filters[key] !== '') (query as Record<string, unknown>)[key] = filters[key];
  }
  return query;
}

function pageSize(limit: number | undefined): number {
  if (limit === undefined) return DEFAULT_PAGE_SIZE;
  if (!Number.isInteger(limit) || limit < 1 || limit > MAX_PAGE_SIZE) throw invalid(`limit must be an integer from 1 to ${MAX_PAGE_SIZE}, not ${limit}`);
  return limit;
}

/** The CSV columns of an export, in order. */
export const CSV_COLUMNS = ['occurredAt', 'actorType', 'actorId', 'actorName', 'action', 'resourceType', 'resourceId', 'requestId', 'sourceIp', 'changes'] as const;

/**
 * One CSV field (RFC 4180): quoted when it holds a comma, quote or line break. A field starting
 * with `=`, `+`, `-`, `@`, tab or CR gets a leading `'` so spreadsheets never run it as a formula
 * (an IdP controls userNames and display names that end up in `changes`).
 */
export function csvField(value: unknown): string {
  let text = value === null || value === undefined ? '' : typeof value === 'string' ? value : JSON.stringify(value);
  if (/^[=+\-@\t\r]/.test(text)) text = `'${text}`;
  return /[",\r\n]/.test(text) ? `"${text.replace(/"/g, '""')}"` : text;
}

/** One event as a CSV line (CRLF-terminated, as RFC 4180 specifies). */
export function csvLine(event: AuditEventRecord): string {
  return `${CSV_COLUMNS.map((column) => csvField(event[column])).join(',')}\r\n`;
}

function exportObject(event: AuditEventRecord) {
  return Object.fromEntries(CSV_COLUMNS.map((column) => [column, event[column]]));
}

/** Streams events as text: a CSV header then one line each, or a JSON array one element a line. */
export async function* renderExport(events: AsyncIterable<AuditEventRecord>, format: ExportFormat): AsyncGenerator<string> {
  if (format === 'csv') {
    yield `${CSV_COLUMNS.join(',')}\r\n`;
    for await (const event of events) yield csvLine(event);
    return;
  }
  let first = true;
  yield '[';
  for await (const event of events) {
    yield `${first ? '\n' : ',\n'}${JSON.stringify(exportObject(event))}`;
    first = false;
  }
  yield first ? ']\n' : '\n]\n';
}

export interface AuditServiceDeps {
  readonly store: Store;
  readonly clock?: () => Date;
  /** Events fetched per keyset batch while exporting (default 1000). */
  readonly exportBatchSize?: number;
}

/** Creates the revision-history service over a store. */
export function createAuditService(deps: AuditServiceDeps) {
  const { store } = deps;
  const clock = deps.clock ?? (() => new Date());

  async function query(orgId: string, filters: AuditFilters & { readonly cursor?: string; readonly limit?: number }): Promise<AuditPage> {
    const { cursor, limit, ...rest } = filters;
    const base = toAuditQuery(rest);
    return store.auditEvents.query(orgId, { ...base, limit: pageSize(limit), ...(cursor ? { cursor } : {}) });
  }

  return {
    /** A page of the organization's history, newest first unless `order: 'oldest'`. */
    query,

    /** Everything that happened to one user (its own events, one indexed query per page). */
    userHistory: (orgId: string, userId: string, page: { readonly cursor?: string; readonly limit?: number; readonly order?: 'newest' | 'oldest' } = {}) =>
      query(orgId, { ...page, resourceId: userId }),

    /**
     * The matching events as CSV or JSON text chunks, oldest first unless asked otherwise. Reads
     * keyset batches, so memory stays flat however many events match; the caller writes each
     * chunk to its stream (stdout, an HTTP response) as it arrives.
     */
    export(orgId: string, filters: AuditFilters, format: ExportFormat): AsyncGenerator<string> {
      if (format !== 'csv' && format !== 'json') throw invalid(`format must be "csv" or "json", not "${String(format)}"`);
      const base = toAuditQuery({ order: 'oldest', ...filters });
      return renderExport(store.auditEvents.stream(orgId, base, deps.exportBatchSize ?? 1000), format);
    },

    /**
     * Deletes events older than `days` days in every organization (SCIMD_AUDIT_RETENTION_DAYS);
     * returns how many were deleted and the cut-off used.
     */
    async applyRetention(days: number): Promise<{ readonly deleted: number; readonly before: string }> {
      if (!Number.isInteger(days) || days < 1) throw invalid(`retention must be a whole number of days (at least 1), not ${days}`);
      const before = new Date(clock().getTime() - days * DAY_MS).toISOString();
      let deleted = 0;
      let after: string | undefined;
      for (;;) {
        const orgs = await store.organizations.list({ limit: 500, ...(after === undefined ? {} : { after }) });
        for (const org of orgs) deleted += await store.auditEvents.deleteBefore(org.id, before);
        const last = orgs[orgs.length - 1];
        if (!last || orgs.length < 500) return { deleted, before };
        after = last.id;
      }
    },
  };
}

export type AuditService = ReturnType<typeof createAuditService>;
