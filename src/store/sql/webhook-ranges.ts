/**
 * Delivering straight from the committed outbox. A worker leases an endpoint's *range* — the
 * events after its cursor — with one compare-and-set on the endpoint row, reads the events (no
 * delivery rows yet), sends them, and then writes the range's deliveries and attempts with
 * multi-row statements in the same transaction that moves the cursor past the range and gives
 * the lease back. A worker that dies mid-range has written nothing: the lease expires and the
 * range is read and sent again (at least once). Only events that must wait — a retry, or a later
 * event of a resource whose earlier one is unfinished — become pending rows for `lease`/`finish`.
 */
import { sql, type CompiledQuery } from 'kysely';
import type { OutboxEventRecord, WebhookEndpointRecord } from '../records.ts';
import type { RangeResult, WebhookRange } from '../store.ts';
import { atomic, type SqlContext } from './context.ts';
import { runPrecompiled, slot } from './precompiled.ts';
import { endpointRecord, eventRecord, matches, resourceKeyOf } from './webhooks.ts';

const plus = (iso: string, ms: number): string => new Date(Date.parse(iso) + ms).toISOString();

/** Rows per multi-row INSERT: 19 columns × 200 stays under every driver's parameter limit. */
const CHUNK = 200;

/** Leases the ranges of every enabled endpoint behind its organization (see the module comment). */
export async function claimRanges(ctx: SqlContext, worker: string, options: { readonly limit: number; readonly leaseMs: number }): Promise<readonly WebhookRange[]> {
  // Where events are numbered after commit, the counters compared below move only with numbering
  // passes: number what has committed first where an endpoint waits for it (an index probe when
  // nothing is waiting).
  await ctx.numberAllEvents?.({ withWebhooksOnly: true });
  // Which endpoints are behind is read first, outside a transaction: an idle round costs one
  // indexed read, not a transaction (on SQLite, a turn of the single writer).
  // Precompiled: a write wakes the delivery thread, whose round is usually only this read, and
  // building it with Kysely cost as much as running it.
  const { rows: free } = await runPrecompiled(ctx, 'webhooks.endpointsBehind', (db) =>
    db
      .selectFrom('webhook_endpoints as e')
      .innerJoin('event_sequences as s', 's.org_id', 'e.org_id')
      .select('e.id')
      .where('e.status', '=', 'enabled')
      .whereRef('s.last_sequence', '>', 'e.cursor')
      .where((eb) => eb.or([eb('e.leased_by', 'is', null), eb('e.lease_expires_at', '<=', slot(0))]))
      // One order for every instance, so two claiming transactions lock endpoint rows in the same
      // order and cannot deadlock.
      .orderBy('e.id'),
  [ctx.now()]);
  if (free.length === 0) return [];
  // The write transaction only takes the leases: the reads that follow need no lock (the events
  // are committed; while the lease is held no other worker writes this endpoint's deliveries), so
  // the single SQLite writer is held for a few compare-and-sets instead of the range's reads.
  const leased = await atomic(ctx, async (c) => {
    const now = c.now();
    const rows = [];
    for (const { id } of free) {
      // Compare-and-set: of two instances, only one sees the row still free (PostgreSQL re-checks
      // the condition after waiting for the other's row lock; SQLite has one writer).
      const row = await c.db
        .updateTable('webhook_endpoints')
        .set({ leased_by: worker, lease_expires_at: plus(now, options.leaseMs) })
        .where('id', '=', id)
        .where('status', '=', 'enabled')
        .where((eb) => eb.or([eb('leased_by', 'is', null), eb('lease_expires_at', '<=', now)]))
        .returningAll()
        .executeTakeFirst();
      if (row) rows.push(endpointRecord(c, row));
    }
    return rows;
  });
  const ranges: WebhookRange[] = [];
  for (const endpoint of leased) {
    const range = await readRange(ctx, endpoint, options.limit);
    if (range === undefined) await release(ctx, worker, endpoint.id, undefined);
    else ranges.push(range);
  }
  return ranges;
}

/** The events after a leased endpoint's cursor, and which of their resources wait; undefined when there are none. */
async function readRange(ctx: SqlContext, endpoint: WebhookEndpointRecord, limit: number): Promise<WebhookRange | undefined> {
  // Numbered already: claimRanges ran the numbering of every organization with an endpoint.
  const rows = await ctx.db.selectFrom('outbox_events').selectAll().where('org_id', '=', endpoint.orgId).where('sequence', '>', endpoint.cursor).orderBy('sequence').limit(limit).execute();
  const last = rows.at(-1);
  if (last === undefined) return undefined;
  const events = rows.map((r) => eventRecord(ctx, r)).filter((e) => matches(endpoint, e.type));
  const keys = [...new Set(events.map(resourceKeyOf))];
  const blocked = new Set<string>();
  for (let i = 0; i < keys.length; i += CHUNK) {
    const found = await ctx.db
      .selectFrom('webhook_deliveries')
      .select('resource_key')
      .distinct()
      .where('endpoint_id', '=', endpoint.id)
      .where('resource_key', 'in', keys.slice(i, i + CHUNK))
      .where(sql<boolean>`status in ('pending', 'leased')`)
      .execute();
    for (const f of found) blocked.add(f.resource_key);
  }
  return { endpoint, events, blockedKeys: blocked, through: Number(last.sequence) };
}

/** Renews the lease of a range `worker` still holds until now + `leaseMs`; false when it is lost. */
export async function extendRange(ctx: SqlContext, worker: string, endpointId: string, leaseMs: number): Promise<boolean> {
  const result = await ctx.db
    .updateTable('webhook_endpoints')
    .set({ lease_expires_at: plus(ctx.now(), leaseMs) })
    .where('id', '=', endpointId)
    .where('leased_by', '=', worker)
    .executeTakeFirst();
  return Number(result.numUpdatedRows) > 0;
}

/** Gives a range back without moving the cursor past anything (`through` undefined) or past `through`. */
async function release(c: SqlContext, worker: string, endpointId: string, through: number | undefined): Promise<boolean> {
  const set: { leased_by: null; lease_expires_at: null; cursor?: number } = { leased_by: null, lease_expires_at: null };
  if (through !== undefined) set.cursor = through;
  const result = await c.db.updateTable('webhook_endpoints').set(set).where('id', '=', endpointId).where('leased_by', '=', worker).executeTakeFirst();
  return Number(result.numUpdatedRows) > 0;
}

/**
 * Records a range: its deliveries (sent ones with their outcome, waiting ones pending) and its
 * attempts, the endpoint's failure streak, the cursor — all only while `worker` still holds the
 * range; otherwise nothing is written (another worker sends the range again).
 */
export async function commitRange(ctx: SqlContext, worker: string, range: WebhookRange, results: readonly RangeResult[]): Promise<{ readonly committed: boolean; readonly failingSince: string | null }> {
  const { endpoint } = range;
  // Rows and statements are built before the transaction, so that it holds the write lock only
  // while SQLite executes them.
  const now = ctx.now();
  const deliveries = [];
  const attempts = [];
  for (const { event, outcome } of results) {
    const id = ctx.newId();
    const next = outcome?.next;
    deliveries.push(deliveryRow(endpoint.orgId, id, endpoint.id, event, now, outcome, next));
    if (outcome === undefined) continue;
    attempts.push({
      org_id: endpoint.orgId,
      id: ctx.newId(),
      delivery_id: id,
      endpoint_id: endpoint.id,
      event_id: event.id,
      attempted_at: outcome.attemptedAt,
      status_code: outcome.statusCode,
      latency_ms: Math.round(outcome.latencyMs),
      error: outcome.error,
      response_excerpt: outcome.responseExcerpt,
    });
  }
  const inserts: CompiledQuery[] = [];
  for (let i = 0; i < deliveries.length; i += CHUNK) {
    // A replay may have queued one of these events meanwhile: its row stays and goes out again.
    inserts.push(ctx.db.insertInto('webhook_deliveries').values(deliveries.slice(i, i + CHUNK)).onConflict((oc) => oc.columns(['endpoint_id', 'event_id']).doNothing()).compile());
  }
  for (let i = 0; i < attempts.length; i += CHUNK) inserts.push(ctx.db.insertInto('webhook_attempts').values(attempts.slice(i, i + CHUNK)).compile());
  return atomic(ctx, async (c) => {
    if (!(await release(c, worker, endpoint.id, range.through))) return { committed: false, failingSince: endpoint.failingSince };
    for (const insert of inserts) await c.db.executeQuery(insert);
    return { committed: true, failingSince: await streak(c, range, results) };
  });
}

function deliveryRow(orgId: string, id: string, endpointId: string, event: OutboxEventRecord, now: string, outcome: RangeResult['outcome'], next: NonNullable<RangeResult['outcome']>['next'] | undefined) {
  const status = next === undefined || next.kind === 'retry' ? 'pending' : next.kind;
  return {
    org_id: orgId,
    id,
    endpoint_id: endpointId,
    event_id: event.id,
    sequence: event.sequence ?? 0,
    event_type: event.type,
    resource_key: resourceKeyOf(event),
    status,
    attempts: outcome === undefined ? 0 : 1,
    next_attempt_at: next?.kind === 'retry' ? next.at : (outcome?.attemptedAt ?? now),
    leased_by: null,
    lease_expires_at: null,
    last_status: outcome?.statusCode ?? null,
    last_error: outcome?.error ?? null,
    last_latency_ms: outcome === undefined ? null : Math.round(outcome.latencyMs),
    created_at: now,
    updated_at: now,
    delivered_at: next?.kind === 'delivered' ? now : null,
  };
}

/** Moves the endpoint's failure streak: reset by a success, started by the first failure after it. */
async function streak(c: SqlContext, range: WebhookRange, results: readonly RangeResult[]): Promise<string | null> {
  const sent = results.flatMap((r) => (r.outcome === undefined ? [] : [r.outcome])).sort((a, b) => a.attemptedAt.localeCompare(b.attemptedAt));
  let lastSuccess = -1;
  sent.forEach((o, i) => {
    if (o.next.kind === 'delivered') lastSuccess = i;
  });
  const firstFailureAfter = sent.slice(lastSuccess + 1)[0]?.attemptedAt ?? null;
  const { endpoint } = range;
  if (lastSuccess >= 0) {
    if (firstFailureAfter === null && endpoint.failingSince === null) return null;
    await c.db.updateTable('webhook_endpoints').set({ failing_since: firstFailureAfter }).where('id', '=', endpoint.id).execute();
    return firstFailureAfter;
  }
  if (firstFailureAfter === null) return endpoint.failingSince;
  const row = await c.db
    .updateTable('webhook_endpoints')
    .set({ failing_since: sql<string>`coalesce(failing_since, ${firstFailureAfter})` })
    .where('id', '=', endpoint.id)
    .returning('failing_since')
    .executeTakeFirst();
  return row?.failing_since ?? null;
}
