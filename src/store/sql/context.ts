/**
 * What the shared Kysely implementation needs from a dialect adapter: a Kysely handle (the pool or
 * the current transaction), the capability flags, the dialect's one unique-violation mapper, and
 * the clock and id generator (injected so tests can fix them).
 */
import type { Kysely } from 'kysely';
import type { ScimError } from '../../core/scim-error.ts';
import type { SqlCapabilities } from '../capabilities.ts';
import type { Database, SqlBoolean } from '../database.ts';
import type { IdGenerator } from '../ids.ts';
import type { TransactionRunner } from './group-commit.ts';

/**
 * The values a write tried to store, keyed by SCIM attribute name (`userName`, `displayName` …),
 * so a unique violation can name the attribute and the value in its 409 detail.
 */
export type AttemptedValues = Readonly<Record<string, string | null | undefined>>;

/** Turns a driver's unique-violation error into ScimError 409 `uniqueness`, else `undefined`. */
export type UniqueViolationMapper = (error: unknown, attempted: AttemptedValues) => ScimError | undefined;

export interface SqlContext {
  readonly db: Kysely<Database>;
  readonly caps: SqlCapabilities;
  readonly uniqueViolation: UniqueViolationMapper;
  /** Current time as ISO-8601 UTC with milliseconds. */
  readonly now: () => string;
  readonly newId: IdGenerator;
  /** Opens a transaction on the root connection: plain, or group-committed (group-commit.ts). */
  readonly runTransaction: TransactionRunner;
  /**
   * Where events are numbered after commit (`eventNumbersAfterCommit`): tells the transaction
   * runner that the transaction on `trx` appended an event of `orgId` (postgres/event-numbering.ts).
   */
  readonly eventAppended?: (trx: Kysely<Database>, orgId: string) => void;
  /**
   * Where events are numbered after commit: resolves once `orgId`'s events committed before the
   * call have their numbers. Readers of the numbered feed call it first.
   */
  readonly numberEvents?: (orgId: string) => Promise<void>;
  /**
   * The same for every organization, or every one with an enabled webhook endpoint (the webhook
   * worker's round, which compares their counters with the endpoints' cursors).
   */
  readonly numberAllEvents?: (options?: { readonly withWebhooksOnly?: boolean }) => Promise<number>;
}

/** Encodes a boolean for the dialect (INTEGER 0/1 or BOOLEAN). */
/**
 * `query` with FOR UPDATE where the database has row locks (PostgreSQL); SQLite has none and needs
 * none — its transactions hold the one write lock. FOR UPDATE exists wherever SKIP LOCKED does.
 */
export function lockedRead<Q extends { forUpdate(): Q }>(ctx: SqlContext, query: Q): Q {
  return ctx.caps.supportsSkipLocked ? query.forUpdate() : query;
}

export const encodeBool = (caps: SqlCapabilities, value: boolean): SqlBoolean =>
  caps.booleanAsInteger ? (value ? 1 : 0) : value;

/** Reads a boolean column of either dialect. */
export const decodeBool = (value: unknown): boolean => value === true || value === 1 || value === '1';

/** Encodes JSON for a TEXT or JSONB column: always a JSON string, parsed by PostgreSQL on insert. */
export const encodeJson = (value: unknown): string => JSON.stringify(value ?? null);

/** Reads a JSON column: TEXT holds a string to parse, JSONB arrives parsed. */
export const decodeJson = (caps: SqlCapabilities, value: unknown): unknown =>
  caps.jsonType === 'text' && typeof value === 'string' ? JSON.parse(value) : value;

/** Runs a write, translating the dialect's unique violation into 409 `uniqueness`. */
export async function withUniqueness<T>(ctx: SqlContext, attempted: AttemptedValues, write: () => Promise<T>): Promise<T> {
  try {
    return await write();
  } catch (error) {
    throw ctx.uniqueViolation(error, attempted) ?? error;
  }
}

/** Splits `items` into chunks so statements stay under every driver's bound-parameter limit. */
export function chunks<T>(items: readonly T[], size: number): T[][] {
  const out: T[][] = [];
  for (let i = 0; i < items.length; i += size) out.push(items.slice(i, i + size));
  return out;
}

/**
 * Splits `items` into chunks of at most `max` whose sizes are powers of two (500 → 256, 128, 64,
 * 32, 16, 4), so statements precompiled per row count come in a handful of shapes.
 */
export function sizedChunks<T>(items: readonly T[], max: number): T[][] {
  const out: T[][] = [];
  let size = 1;
  while (size * 2 <= max) size *= 2;
  for (let i = 0; i < items.length; ) {
    while (size > items.length - i) size /= 2;
    out.push(items.slice(i, i + size));
    i += size;
  }
  return out;
}

/**
 * Runs `fn` atomically: inside the caller's transaction when there is one, else in a new one.
 * Multi-statement writes (a user and its value rows, a group and its members) use it.
 */
export async function atomic<T>(ctx: SqlContext, fn: (ctx: SqlContext) => Promise<T>): Promise<T> {
  if (ctx.db.isTransaction) return fn(ctx);
  return ctx.runTransaction((trx) => fn({ ...ctx, db: trx }));
}
