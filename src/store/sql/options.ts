/** Options every adapter factory accepts besides its connection settings. */
import type { LogEvent } from 'kysely';
import { createIdGenerator, type IdGenerator } from '../ids.ts';

/** One executed statement, for logs, metrics and SQL snapshot tests. */
export interface QueryEvent {
  readonly sql: string;
  readonly parameters: readonly unknown[];
  readonly durationMs: number;
  readonly error?: unknown;
}

export interface StoreOptions {
  /** The clock used for timestamps and ids (tests pass a fake one). */
  readonly clock?: () => Date;
  /** Id generator (tests may pass a deterministic one); time-ordered UUIDv7 by default. */
  readonly newId?: IdGenerator;
  /** Called after every statement (success or error). */
  readonly onQuery?: (event: QueryEvent) => void;
}

/** Adapts `onQuery` to kysely's `log` option. */
export function queryLogger(options: StoreOptions): ((event: LogEvent) => void) | undefined {
  const onQuery = options.onQuery;
  if (onQuery === undefined) return undefined;
  return (event) =>
    onQuery({
      sql: event.query.sql,
      parameters: event.query.parameters,
      durationMs: event.queryDurationMillis,
      ...(event.level === 'error' ? { error: event.error } : {}),
    });
}

/** Resolves the clock and id generator of `options` into what SqlContext needs. */
export function timeAndIds(options: StoreOptions): { now: () => string; newId: IdGenerator } {
  const clock = options.clock ?? (() => new Date());
  return {
    now: () => clock().toISOString(),
    newId: options.newId ?? createIdGenerator(() => clock().getTime()),
  };
}
