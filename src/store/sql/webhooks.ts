/**
 * Webhook endpoints, deliveries and the attempt log. New events go out in ranges read straight from
 * the outbox (webhook-ranges.ts); deliveries that must wait are leased like jobs (jobs.ts): one
 * `UPDATE … WHERE id IN (SELECT … [FOR UPDATE SKIP LOCKED]) RETURNING *`. A delivery is due only
 * when no earlier delivery of the same endpoint and resource is still pending or leased, so events
 * of one resource go out one after another while different resources go out in parallel.
 */
import { sql, type Selectable } from 'kysely';
import type { WebhookAttemptsTable, WebhookDeliveriesTable, WebhookEndpointsTable } from '../database.ts';
import type { OutboxEventRecord, WebhookAttemptRecord, WebhookDeliveryRecord, WebhookDeliveryStatus, WebhookEndpointRecord, WebhookEndpointStatus } from '../records.ts';
import type { WebhookStore } from '../store.ts';
import { atomic, decodeJson, encodeJson, type SqlContext } from './context.ts';
import { runPrecompiled } from './precompiled.ts';
import { claimRanges, commitRange, extendRange } from './webhook-ranges.ts';
import { pruneWebhookLog } from './webhook-retention.ts';

export function endpointRecord(ctx: SqlContext, row: Selectable<WebhookEndpointsTable>): WebhookEndpointRecord {
  return {
    orgId: row.org_id,
    id: row.id,
    url: row.url,
    description: row.description,
    types: (decodeJson(ctx.caps, row.types) ?? []) as string[],
    secret: row.secret,
    previousSecret: row.previous_secret,
    previousSecretUntil: row.previous_secret_until,
    status: row.status as WebhookEndpointStatus,
    disabledReason: row.disabled_reason,
    failingSince: row.failing_since,
    cursor: Number(row.cursor),
    createdAt: row.created_at,
    updatedAt: row.updated_at,
  };
}

export function deliveryRecord(row: Selectable<WebhookDeliveriesTable>): WebhookDeliveryRecord {
  return {
    orgId: row.org_id,
    id: row.id,
    endpointId: row.endpoint_id,
    eventId: row.event_id,
    sequence: Number(row.sequence),
    eventType: row.event_type,
    resourceKey: row.resource_key,
    status: row.status as WebhookDeliveryStatus,
    attempts: Number(row.attempts),
    nextAttemptAt: row.next_attempt_at,
    leasedBy: row.leased_by,
    leaseExpiresAt: row.lease_expires_at,
    lastStatus: row.last_status === null ? null : Number(row.last_status),
    lastError: row.last_error,
    lastLatencyMs: row.last_latency_ms === null ? null : Number(row.last_latency_ms),
    createdAt: row.created_at,
    updatedAt: row.updated_at,
    deliveredAt: row.delivered_at,
  };
}

function attemptRecord(row: Selectable<WebhookAttemptsTable>): WebhookAttemptRecord {
  return {
    orgId: row.org_id,
    id: row.id,
    deliveryId: row.delivery_id,
    endpointId: row.endpoint_id,
    eventId: row.event_id,
    attemptedAt: row.attempted_at,
    statusCode: row.status_code === null ? null : Number(row.status_code),
    latencyMs: Number(row.latency_ms),
    error: row.error,
    responseExcerpt: row.response_excerpt,
  };
}

export function eventRecord(ctx: SqlContext, row: Record<string, unknown>): OutboxEventRecord {
  return {
    orgId: String(row['org_id']),
    id: String(row['id']),
    type: String(row['type']),
    occurredAt: String(row['occurred_at']),
    resourceType: String(row['resource_type']),
    resourceId: (row['resource_id'] as string | null) ?? null,
    data: decodeJson(ctx.caps, row['data']),
    sequence: row['sequence'] === null ? null : Number(row['sequence']),
  };
}

const plus = (iso: string, ms: number): string => new Date(Date.parse(iso) + ms).toISOString();

export const resourceKeyOf = (event: OutboxEventRecord): string => `${event.resourceType}/${event.resourceId ?? ''}`;

export const matches = (endpoint: { readonly types: readonly string[] }, type: string): boolean => endpoint.types.length === 0 || endpoint.types.includes(type);

/** The webhook sub-store. */
export function webhookStore(ctx: SqlContext): WebhookStore {
  const newDelivery = (c: SqlContext, endpoint: WebhookEndpointRecord, event: OutboxEventRecord, now: string) => ({
    org_id: endpoint.orgId,
    id: c.newId(),
    endpoint_id: endpoint.id,
    event_id: event.id,
    sequence: event.sequence ?? 0,
    event_type: event.type,
    resource_key: resourceKeyOf(event),
    status: 'pending',
    attempts: 0,
    next_attempt_at: now,
    leased_by: null,
    lease_expires_at: null,
    last_status: null,
    last_error: null,
    last_latency_ms: null,
    created_at: now,
    updated_at: now,
    delivered_at: null,
  });

  /** Queues `events` for `endpoint` again: new deliveries, or finished ones reset to pending. */
  async function requeue(c: SqlContext, endpoint: WebhookEndpointRecord, events: readonly OutboxEventRecord[]): Promise<number> {
    const now = c.now();
    let count = 0;
    for (const event of events) {
      if (!matches(endpoint, event.type)) continue;
      const row = await c.db
        .insertInto('webhook_deliveries')
        .values(newDelivery(c, endpoint, event, now))
        .onConflict((oc) =>
          oc
            .columns(['endpoint_id', 'event_id'])
            .doUpdateSet({ status: 'pending', attempts: 0, next_attempt_at: now, leased_by: null, lease_expires_at: null, updated_at: now })
            .where('webhook_deliveries.status', 'in', ['delivered', 'dead']),
        )
        .returning('id')
        .executeTakeFirst();
      if (row) count += 1;
    }
    return count;
  }

  return {
    async createEndpoint(orgId, input) {
      return atomic(ctx, async (c) => {
        const now = c.now();
        const position = await c.db.selectFrom('event_sequences').select('last_sequence').where('org_id', '=', orgId).executeTakeFirst();
        const row = {
          org_id: orgId,
          id: input.id ?? c.newId(),
          url: input.url,
          description: input.description ?? null,
          types: encodeJson(input.types ?? []),
          secret: input.secret,
          previous_secret: null,
          previous_secret_until: null,
          status: 'enabled',
          disabled_reason: null,
          failing_since: null,
          cursor: Number(position?.last_sequence ?? 0),
          leased_by: null,
          lease_expires_at: null,
          created_at: now,
          updated_at: now,
        };
        await c.db.insertInto('webhook_endpoints').values(row).execute();
        return endpointRecord(c, { ...row, types: input.types ?? [] });
      });
    },
    async getEndpoint(orgId, id) {
      const row = await ctx.db.selectFrom('webhook_endpoints').selectAll().where('org_id', '=', orgId).where('id', '=', id).executeTakeFirst();
      return row ? endpointRecord(ctx, row) : undefined;
    },
    async findEndpoint(id) {
      const row = await ctx.db.selectFrom('webhook_endpoints').selectAll().where('id', '=', id).executeTakeFirst();
      return row ? endpointRecord(ctx, row) : undefined;
    },
    async listEndpoints(orgId) {
      const rows = await ctx.db.selectFrom('webhook_endpoints').selectAll().where('org_id', '=', orgId).orderBy('id').execute();
      return rows.map((row) => endpointRecord(ctx, row));
    },
    async updateEndpoint(orgId, id, changes, options = {}) {
      const set: Record<string, unknown> = { updated_at: ctx.now() };
      if (changes.url !== undefined) set['url'] = changes.url;
      if (changes.description !== undefined) set['description'] = changes.description;
      if (changes.types !== undefined) set['types'] = encodeJson(changes.types);
      if (changes.secret !== undefined) set['secret'] = changes.secret;
      if (changes.previousSecret !== undefined) set['previous_secret'] = changes.previousSecret;
      if (changes.previousSecretUntil !== undefined) set['previous_secret_until'] = changes.previousSecretUntil;
      if (changes.status !== undefined) set['status'] = changes.status;
      if (changes.disabledReason !== undefined) set['disabled_reason'] = changes.disabledReason;
      if (changes.failingSince !== undefined) set['failing_since'] = changes.failingSince;
      let query = ctx.db.updateTable('webhook_endpoints').set(set).where('org_id', '=', orgId).where('id', '=', id);
      if (options.expectStatus !== undefined) query = query.where('status', '=', options.expectStatus);
      const row = await query.returningAll().executeTakeFirst();
      return row ? endpointRecord(ctx, row) : undefined;
    },
    async deleteEndpoint(orgId, id) {
      return atomic(ctx, async (c) => {
        await c.db.deleteFrom('webhook_attempts').where('org_id', '=', orgId).where('endpoint_id', '=', id).execute();
        await c.db.deleteFrom('webhook_deliveries').where('org_id', '=', orgId).where('endpoint_id', '=', id).execute();
        const result = await c.db.deleteFrom('webhook_endpoints').where('org_id', '=', orgId).where('id', '=', id).executeTakeFirst();
        return Number(result.numDeletedRows) > 0;
      });
    },
    claimRanges: (worker, options) => claimRanges(ctx, worker, options),
    async anyEnabled() {
      const { rows } = await runPrecompiled(ctx, 'webhooks.anyEnabled', (db) => db.selectFrom('webhook_endpoints').select('id').where('status', '=', 'enabled').limit(1), []);
      return rows.length > 0;
    },
    commitRange: (worker, range, results) => commitRange(ctx, worker, range, results),
    extendRange: (worker, endpointId, leaseMs) => extendRange(ctx, worker, endpointId, leaseMs),
    async lease(worker, options) {
      const now = ctx.now();
      // Due rows in index order (status, next_attempt_at, sequence), so the scan stops after
      // `limit` leasable rows instead of sorting the whole backlog; expired leases come first.
      const due = (status: 'pending' | 'leased', limit: number) => {
        let query = ctx.db
          .selectFrom('webhook_deliveries as d')
          .select('d.id')
          // Literal predicates, as the partial indexes spell them (migration 0014), so they are used.
          .where(status === 'pending' ? sql<boolean>`d.status = 'pending'` : sql<boolean>`d.status = 'leased'`)
          .where(status === 'pending' ? 'd.next_attempt_at' : 'd.lease_expires_at', '<=', now)
          .where((eb) =>
            eb.and([
              eb.exists(eb.selectFrom('webhook_endpoints as e').select(sql`1`.as('one')).whereRef('e.id', '=', 'd.endpoint_id').where('e.status', '=', 'enabled')),
              eb.not(
                eb.exists(
                  eb
                    .selectFrom('webhook_deliveries as p')
                    .select(sql`1`.as('one'))
                    .whereRef('p.endpoint_id', '=', 'd.endpoint_id')
                    .whereRef('p.resource_key', '=', 'd.resource_key')
                    .whereRef('p.sequence', '<', 'd.sequence')
                    .where(sql<boolean>`p.status in ('pending', 'leased')`),
                ),
              ),
            ]),
          )
          .orderBy(status === 'pending' ? 'd.next_attempt_at' : 'd.lease_expires_at')
          .orderBy('d.sequence')
          .limit(limit);
        if (ctx.caps.supportsSkipLocked) query = query.forUpdate().skipLocked();
        return query;
      };
      const take = (status: 'pending' | 'leased', limit: number) =>
        ctx.db
          .updateTable('webhook_deliveries')
          .set((eb) => ({ status: 'leased', leased_by: worker, lease_expires_at: plus(now, options.leaseMs), attempts: eb('attempts', '+', 1), updated_at: now }))
          .where('id', 'in', due(status, limit))
          .returningAll()
          .execute();
      const expired = await take('leased', options.limit);
      const rows = expired.length < options.limit ? [...expired, ...(await take('pending', options.limit - expired.length))] : expired;
      if (rows.length === 0) return [];
      const endpointRows = await ctx.db.selectFrom('webhook_endpoints').selectAll().where('id', 'in', [...new Set(rows.map((r) => r.endpoint_id))]).execute();
      const eventRows = await ctx.db.selectFrom('outbox_events').selectAll().where('id', 'in', rows.map((r) => r.event_id)).execute();
      const endpoints = new Map(endpointRows.map((r) => [r.id, endpointRecord(ctx, r)]));
      const events = new Map(eventRows.map((r) => [`${r.org_id}/${r.id}`, eventRecord(ctx, r)]));
      const out = [];
      for (const row of rows) {
        const endpoint = endpoints.get(row.endpoint_id);
        const event = events.get(`${row.org_id}/${row.event_id}`);
        if (endpoint && event) out.push({ delivery: deliveryRecord(row), endpoint, event });
      }
      return out.sort((a, b) => a.delivery.sequence - b.delivery.sequence);
    },
    async finish(worker, delivery, outcome, options = {}) {
      return atomic(ctx, async (c) => {
        await c.db
          .insertInto('webhook_attempts')
          .values({
            org_id: delivery.orgId,
            id: c.newId(),
            delivery_id: delivery.id,
            endpoint_id: delivery.endpointId,
            event_id: delivery.eventId,
            attempted_at: outcome.attemptedAt,
            status_code: outcome.statusCode,
            latency_ms: Math.round(outcome.latencyMs),
            error: outcome.error,
            response_excerpt: outcome.responseExcerpt,
          })
          .execute();
        const next = outcome.next;
        const result = await c.db
          .updateTable('webhook_deliveries')
          .set({
            status: next.kind === 'retry' ? 'pending' : next.kind,
            next_attempt_at: next.kind === 'retry' ? next.at : outcome.attemptedAt,
            leased_by: null,
            lease_expires_at: null,
            last_status: outcome.statusCode,
            last_error: outcome.error,
            last_latency_ms: Math.round(outcome.latencyMs),
            updated_at: c.now(),
            delivered_at: next.kind === 'delivered' ? c.now() : null,
          })
          .where('org_id', '=', delivery.orgId)
          .where('id', '=', delivery.id)
          .where('leased_by', '=', worker)
          .where('status', '=', 'leased')
          .executeTakeFirst();
        // A success on an endpoint that was not failing changes nothing there: skip the statement.
        if (next.kind === 'delivered' && options.failingSince === null) return { updated: Number(result.numUpdatedRows) > 0, failingSince: null };
        const failingSince = next.kind === 'delivered' ? null : sql<string>`coalesce(failing_since, ${outcome.attemptedAt})`;
        const endpoint = await c.db
          .updateTable('webhook_endpoints')
          .set({ failing_since: failingSince })
          .where('org_id', '=', delivery.orgId)
          .where('id', '=', delivery.endpointId)
          .returning('failing_since')
          .executeTakeFirst();
        return { updated: Number(result.numUpdatedRows) > 0, failingSince: endpoint?.failing_since ?? null };
      });
    },
    async getDelivery(orgId, id) {
      const row = await ctx.db.selectFrom('webhook_deliveries').selectAll().where('org_id', '=', orgId).where('id', '=', id).executeTakeFirst();
      return row ? deliveryRecord(row) : undefined;
    },
    async listDeliveries(orgId, endpointId, page) {
      let query = ctx.db.selectFrom('webhook_deliveries').selectAll().where('org_id', '=', orgId).where('endpoint_id', '=', endpointId);
      if (page.status !== undefined) query = query.where('status', '=', page.status);
      if (page.beforeSequence !== undefined) query = query.where('sequence', '<', page.beforeSequence);
      return (await query.orderBy('sequence', 'desc').limit(page.limit).execute()).map(deliveryRecord);
    },
    async listAttempts(orgId, page) {
      let query = ctx.db.selectFrom('webhook_attempts').selectAll().where('org_id', '=', orgId);
      if (page.endpointId !== undefined) query = query.where('endpoint_id', '=', page.endpointId);
      if (page.deliveryId !== undefined) query = query.where('delivery_id', '=', page.deliveryId);
      if (page.before !== undefined) query = query.where('id', '<', page.before);
      return (await query.orderBy('id', 'desc').limit(page.limit).execute()).map(attemptRecord);
    },
    async replay(orgId, endpointId, selector, options = {}) {
      const row = await ctx.db.selectFrom('webhook_endpoints').selectAll().where('org_id', '=', orgId).where('id', '=', endpointId).executeTakeFirst();
      if (!row) return 0;
      const endpoint = endpointRecord(ctx, row);
      if (selector.kind === 'dead') {
        const now = ctx.now();
        const result = await ctx.db
          .updateTable('webhook_deliveries')
          .set({ status: 'pending', attempts: 0, next_attempt_at: now, updated_at: now })
          .where('org_id', '=', orgId)
          .where('endpoint_id', '=', endpointId)
          .where('status', '=', 'dead')
          .executeTakeFirst();
        return Number(result.numUpdatedRows);
      }
      await ctx.numberEvents?.(orgId);
      if (selector.kind === 'events') {
        const ids = selector.eventIds.length > 0 ? [...selector.eventIds] : [''];
        const events = (await ctx.db.selectFrom('outbox_events').selectAll().where('org_id', '=', orgId).where('id', 'in', ids).orderBy('sequence').execute()).map((e) => eventRecord(ctx, e));
        return atomic(ctx, (c) => requeue(c, endpoint, events));
      }
      // A time range is walked in pages by sequence, each queued in its own short transaction, so
      // neither memory nor the writer's lock grows with the size of the range.
      const pageSize = options.pageSize ?? 500;
      let after = -1;
      let count = 0;
      for (;;) {
        let query = ctx.db.selectFrom('outbox_events').selectAll().where('org_id', '=', orgId).where('occurred_at', '>=', selector.from).where('sequence', '>', after);
        if (selector.to !== undefined) query = query.where('occurred_at', '<', selector.to);
        const page = (await query.orderBy('sequence').limit(pageSize).execute()).map((e) => eventRecord(ctx, e));
        if (page.length === 0) return count;
        count += await atomic(ctx, (c) => requeue(c, endpoint, page));
        after = page.at(-1)?.sequence ?? after;
        if (page.length < pageSize) return count;
      }
    },
    prune: (before) => pruneWebhookLog(ctx, before),
  };
}
