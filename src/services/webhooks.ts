/**
 * Webhook endpoints of an organization: register (the `whsec_` secret is returned this once),
 * list, show, update, enable/disable, delete, rotate the secret (the previous one keeps signing for
 * a grace period), replay events, and read the deliveries and the attempt log. Every change goes to
 * the revision history.
 */
import { ScimError } from '../core/scim-error.ts';
import type { WebhookAttemptRecord, WebhookDeliveryRecord, WebhookDeliveryStatus, WebhookEndpointRecord } from '../store/records.ts';
import type { ReplaySelector, Store, WebhookEndpointChanges } from '../store/store.ts';
import type { OperationContext } from './context.ts';
import { parseEventTypes } from './events.ts';
import { checkWebhookUrl, type WebhookSafety } from './webhook-safety.ts';
import { newWebhookSecret } from './webhook-signing.ts';

/** An endpoint as the API shows it: never its secrets. */
export interface WebhookEndpointView {
  readonly id: string;
  readonly url: string;
  readonly description: string | null;
  readonly types: readonly string[];
  readonly status: 'enabled' | 'disabled';
  readonly disabledReason: string | null;
  readonly failingSince: string | null;
  /** While a rotation's grace period runs: when the previous secret stops signing. */
  readonly previousSecretExpiresAt: string | null;
  readonly createdAt: string;
  readonly updatedAt: string;
}

export interface NewWebhookInput {
  readonly url: string;
  readonly types?: readonly string[];
  readonly description?: string;
}

export interface WebhookChangesInput {
  readonly url?: string;
  readonly types?: readonly string[];
  readonly description?: string | null;
  readonly enabled?: boolean;
}

export interface ReplayInput {
  readonly eventId?: string;
  readonly from?: string;
  readonly to?: string;
  readonly dead?: boolean;
}

export interface WebhookServiceDeps {
  readonly store: Store;
  readonly safety: WebhookSafety;
  readonly clock?: () => Date;
  /** How long the previous secret keeps signing after a rotation (24 h by default). */
  readonly rotationGraceMs?: number;
}

const DAY_MS = 86_400_000;

function viewOf(record: WebhookEndpointRecord, now: Date): WebhookEndpointView {
  const graceRunning = record.previousSecretUntil !== null && Date.parse(record.previousSecretUntil) > now.getTime();
  return {
    id: record.id,
    url: record.url,
    description: record.description,
    types: record.types,
    status: record.status,
    disabledReason: record.disabledReason,
    failingSince: record.failingSince,
    previousSecretExpiresAt: graceRunning ? record.previousSecretUntil : null,
    createdAt: record.createdAt,
    updatedAt: record.updatedAt,
  };
}

/** The secrets that sign at `now`: the current one, and the previous one during its grace period. */
export function signingSecrets(record: WebhookEndpointRecord, now: Date): string[] {
  const previous = record.previousSecret !== null && record.previousSecretUntil !== null && Date.parse(record.previousSecretUntil) > now.getTime();
  return previous ? [record.secret, record.previousSecret as string] : [record.secret];
}

function parseReplay(input: ReplayInput): ReplaySelector {
  const given = [input.eventId !== undefined, input.from !== undefined, input.dead === true].filter(Boolean).length;
  if (given !== 1) throw new ScimError(400, 'invalidValue', 'Give exactly one of eventId, from (with an optional to) or dead: true');
  if (input.eventId !== undefined) return { kind: 'events', eventIds: [input.eventId] };
  if (input.dead === true) return { kind: 'dead' };
  const from = input.from as string;
  for (const [name, value] of [['from', from], ['to', input.to]] as const) {
    if (value !== undefined && Number.isNaN(Date.parse(value))) throw new ScimError(400, 'invalidValue', `${name} "${value}" is not an ISO 8601 time`);
  }
  const iso = (v: string) => new Date(v).toISOString();
  return input.to === undefined ? { kind: 'range', from: iso(from) } : { kind: 'range', from: iso(from), to: iso(input.to) };
}

/** Creates the webhook endpoint service. */
export function createWebhookService(deps: WebhookServiceDeps) {
  const { store } = deps;
  const clock = deps.clock ?? (() => new Date());
  const grace = deps.rotationGraceMs ?? DAY_MS;
  const notFound = (id: string) => new ScimError(404, undefined, `Webhook endpoint "${id}" not found`);

  async function load(orgId: string, id: string): Promise<WebhookEndpointRecord> {
    const found = await store.webhooks.getEndpoint(orgId, id);
    if (!found) throw notFound(id);
    return found;
  }

  async function audit(tx: Store, ctx: OperationContext, action: string, id: string, changes: unknown): Promise<void> {
    await tx.auditEvents.append(ctx.orgId, {
      actorType: ctx.actor.type,
      actorId: ctx.actor.id,
      actorName: ctx.actor.name,
      action,
      resourceType: 'WebhookEndpoint',
      resourceId: id,
      requestId: ctx.requestId ?? null,
      sourceIp: ctx.sourceIp ?? null,
      changes,
    });
  }

  return {
    /** Registers an endpoint; the secret is in this answer only. */
    async create(ctx: OperationContext, input: NewWebhookInput): Promise<WebhookEndpointView & { readonly secret: string }> {
      const url = checkWebhookUrl(input.url, deps.safety);
      const types = parseEventTypes(input.types ?? []);
      const secret = newWebhookSecret();
      const record = await store.transaction(async (tx) => {
        if (!(await tx.organizations.get(ctx.orgId))) throw new ScimError(404, undefined, `Organization "${ctx.orgId}" not found`);
        const created = await tx.webhooks.createEndpoint(ctx.orgId, { url, types, description: input.description ?? null, secret });
        await audit(tx, ctx, 'webhook.created', created.id, { after: { url, types, description: input.description ?? null } });
        return created;
      });
      return { ...viewOf(record, clock()), secret };
    },

    async list(orgId: string): Promise<WebhookEndpointView[]> {
      const now = clock();
      return (await store.webhooks.listEndpoints(orgId)).map((r) => viewOf(r, now));
    },

    async get(orgId: string, id: string): Promise<WebhookEndpointView> {
      return viewOf(await load(orgId, id), clock());
    },

    /** Changes the URL, types or description; `enabled` disables it or enables it again. */
    async update(ctx: OperationContext, id: string, input: WebhookChangesInput): Promise<WebhookEndpointView> {
      const changes: { -readonly [K in keyof WebhookEndpointChanges]: WebhookEndpointChanges[K] } = {};
      if (input.url !== undefined) changes.url = checkWebhookUrl(input.url, deps.safety);
      if (input.types !== undefined) changes.types = parseEventTypes(input.types);
      if (input.description !== undefined) changes.description = input.description;
      if (input.enabled !== undefined) {
        changes.status = input.enabled ? 'enabled' : 'disabled';
        changes.disabledReason = input.enabled ? null : `disabled by ${ctx.actor.name}`;
        if (input.enabled) changes.failingSince = null;
      }
      const updated = await store.transaction(async (tx) => {
        const record = await tx.webhooks.updateEndpoint(ctx.orgId, id, changes);
        if (!record) throw notFound(id);
        await audit(tx, ctx, 'webhook.updated', id, { after: { ...input } });
        return record;
      });
      return viewOf(updated, clock());
    },

    async delete(ctx: OperationContext, id: string): Promise<void> {
      await store.transaction(async (tx) => {
        if (!(await tx.webhooks.deleteEndpoint(ctx.orgId, id))) throw notFound(id);
        await audit(tx, ctx, 'webhook.deleted', id, {});
      });
    },

    /** A new secret (returned this once); the previous one keeps signing for the grace period. */
    async rotate(ctx: OperationContext, id: string): Promise<WebhookEndpointView & { readonly secret: string }> {
      const secret = newWebhookSecret();
      const until = new Date(clock().getTime() + grace).toISOString();
      const updated = await store.transaction(async (tx) => {
        const current = await tx.webhooks.getEndpoint(ctx.orgId, id);
        if (!current) throw notFound(id);
        const record = await tx.webhooks.updateEndpoint(ctx.orgId, id, { secret, previousSecret: current.secret, previousSecretUntil: until });
        if (!record) throw notFound(id);
        await audit(tx, ctx, 'webhook.secret_rotated', id, { after: { previousSecretExpiresAt: until } });
        return record;
      });
      return { ...viewOf(updated, clock()), secret };
    },

    /** Queues one event, the events of a time range, or every dead delivery again. */
    async replay(ctx: OperationContext, id: string, input: ReplayInput): Promise<{ readonly queued: number }> {
      const selector = parseReplay(input);
      await load(ctx.orgId, id);
      if (selector.kind === 'events' && !(await store.outboxEvents.get(ctx.orgId, selector.eventIds[0] ?? ''))) {
        throw new ScimError(404, undefined, `Event "${input.eventId}" not found`);
      }
      const queued = await store.webhooks.replay(ctx.orgId, id, selector);
      await store.transaction((tx) => audit(tx, ctx, 'webhook.replayed', id, { after: { ...input, queued } }));
      return { queued };
    },

    /** Deletes attempts and finished deliveries older than `days` days (the delivery log's retention). */
    async applyRetention(days: number): Promise<{ readonly deliveries: number; readonly attempts: number }> {
      return store.webhooks.prune(new Date(clock().getTime() - days * DAY_MS).toISOString());
    },

    /** The endpoint's deliveries, newest first. */
    async deliveries(
      orgId: string,
      id: string,
      page: { readonly status?: WebhookDeliveryStatus; readonly before?: number; readonly limit: number },
    ): Promise<{ readonly data: readonly WebhookDeliveryRecord[]; readonly next?: string }> {
      await load(orgId, id);
      const data = await store.webhooks.listDeliveries(orgId, id, {
        limit: page.limit,
        ...(page.status ? { status: page.status } : {}),
        ...(page.before !== undefined ? { beforeSequence: page.before } : {}),
      });
      const last = data.at(-1);
      return data.length === page.limit && last ? { data, next: String(last.sequence) } : { data };
    },

    /** The endpoint's attempt log (of one delivery when given), newest first. */
    async attempts(
      orgId: string,
      id: string,
      page: { readonly deliveryId?: string; readonly before?: string; readonly limit: number },
    ): Promise<{ readonly data: readonly WebhookAttemptRecord[]; readonly next?: string }> {
      await load(orgId, id);
      const data = await store.webhooks.listAttempts(orgId, {
        endpointId: id,
        limit: page.limit,
        ...(page.deliveryId ? { deliveryId: page.deliveryId } : {}),
        ...(page.before ? { before: page.before } : {}),
      });
      const last = data.at(-1);
      return data.length === page.limit && last ? { data, next: last.id } : { data };
    },
  };
}

export type WebhookService = ReturnType<typeof createWebhookService>;
