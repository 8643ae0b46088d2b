/**
 * Event numbers given after commit (docs/events.md, "How `sequence` can never be skipped"): on
 * PostgreSQL an append inserts its `outbox_events` row without a number, and once the writing
 * transaction has committed, a *numbering pass* of its organization — `scimd_number_events(org)`
 * (postgres/ddl.ts), one statement and its own short transaction — takes the organization's advisory
 * lock, numbers every committed row of the organization that has none in the order they were
 * inserted, and commits. Passes of one organization run one at a time (across processes too), so
 * numbers become visible in order; and no write holds the counter across its own commit, so
 * concurrent writes of one organization commit together and share their WAL flushes, where the
 * numbering at COMMIT it replaces (migration 0016) made them take turns.
 *
 * A write does not wait for its pass: the transaction runner schedules one `delayMs` after the
 * commit, so that the writes of that window share it. Whoever reads the numbered feed runs a pass
 * first (`numbered`, or `sweep` for every organization), so an acknowledged write's event is there
 * when it is read. Within a process the passes of an organization are coalesced: while one runs,
 * every caller that arrives waits for the single next pass, which numbers all of their rows at once.
 * A pass that fails, or a process that dies between a commit and its pass, leaves rows without a
 * number: the next pass of the same organization numbers them first (they were inserted earlier),
 * and `sweep()` numbers every organization's (the store runs it every few seconds).
 */
import { sql, type Kysely } from 'kysely';
import type { Database } from '../database.ts';
import type { TransactionRunner } from '../sql/group-commit.ts';

export interface EventNumbering {
  /** Notes that the transaction on `trx` appended an event of `orgId` (called by the outbox's append). */
  readonly appended: (trx: Kysely<Database>, orgId: string) => void;
  /** `plain`, except that each transaction that appended events schedules their organizations' passes. */
  readonly around: (plain: TransactionRunner) => TransactionRunner;
  /** Resolves once a pass that started after the call has numbered `orgId`'s committed events. */
  readonly numbered: (orgId: string) => Promise<void>;
  /**
   * Numbers every organization's committed events that have no number yet (with `withWebhooksOnly`,
   * only those of organizations with an enabled webhook endpoint); resolves with how many.
   */
  readonly sweep: (options?: { readonly withWebhooksOnly?: boolean }) => Promise<number>;
  /** Starts the passes writers scheduled and resolves once no pass of this process is running or queued. */
  readonly idle: () => Promise<void>;
}

interface OrgPasses {
  /** The pass most recently started or queued; every later one runs after it. */
  tail: Promise<void>;
  /** A queued pass that has not started yet: a transaction that commits now is covered by it. */
  waiting: Promise<void> | undefined;
}

/** Event numbering over `db` (see the module comment); `onError` hears a failed pass. */
export function eventNumbering(db: Kysely<Database>, options: { readonly delayMs?: number; readonly onError?: (error: unknown) => void } = {}): EventNumbering {
  const delayMs = options.delayMs ?? 20;
  const onError = options.onError ?? (() => undefined);
  const appendedIn = new WeakMap<Kysely<Database>, Set<string>>();
  const passes = new Map<string, OrgPasses>();

  const run = async (orgId: string): Promise<void> => {
    await sql`select scimd_number_events(${orgId})`.execute(db);
  };

  /** The pass that will number what `orgId` committed before this call. */
  const passFor = (orgId: string): Promise<void> => {
    const state = passes.get(orgId);
    if (state?.waiting !== undefined) return state.waiting;
    const entry: OrgPasses = state ?? { tail: Promise.resolve(), waiting: undefined };
    const pass: Promise<void> = entry.tail.then(() => {
      // Started: whoever commits from now on needs the pass after this one.
      if (entry.waiting === pass) entry.waiting = undefined;
      return run(orgId);
    });
    const settled = pass.then(
      () => undefined,
      () => undefined,
    );
    entry.tail = settled;
    entry.waiting = pass;
    passes.set(orgId, entry);
    // Nothing queued behind this pass once it settles: the organization's entry goes.
    void settled.then(() => {
      if (entry.tail === settled) passes.delete(orgId);
    });
    return pass;
  };

  // Writers do not wait for the pass: readers run one of their own first (`numbered`). A writer's
  // pass starts after `delayMs`, so that the writes of that window share it.
  const scheduled = new Map<string, NodeJS.Timeout>();
  const startScheduled = (orgId: string): void => {
    scheduled.delete(orgId);
    // A pass that fails leaves its events to the next pass or the sweep.
    passFor(orgId).catch(onError);
  };
  const schedule = (orgId: string): void => {
    if (scheduled.has(orgId) || passes.get(orgId)?.waiting !== undefined) return;
    scheduled.set(orgId, setTimeout(startScheduled, delayMs, orgId).unref());
  };

  return {
    appended(trx, orgId) {
      let orgs = appendedIn.get(trx);
      if (orgs === undefined) appendedIn.set(trx, (orgs = new Set()));
      orgs.add(orgId);
    },
    around(plain) {
      return async (fn) => {
        let orgs: Set<string> | undefined;
        const value = await plain(async (trx) => {
          const result = await fn(trx);
          orgs = appendedIn.get(trx);
          return result;
        });
        for (const orgId of orgs ?? []) schedule(orgId);
        return value;
      };
    },
    numbered: passFor,
    async sweep(options = {}) {
      const result = await sql<{ numbered: number }>`select scimd_number_pending_events(${options.withWebhooksOnly === true}) as numbered`.execute(db);
      return Number(result.rows[0]?.numbered ?? 0);
    },
    async idle() {
      for (const [orgId, timer] of scheduled) {
        clearTimeout(timer);
        startScheduled(orgId);
      }
      await Promise.all([...passes.values()].map((entry) => entry.tail));
    },
  };
}
