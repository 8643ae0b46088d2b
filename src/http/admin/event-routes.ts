/**
 * The event feed and the webhook endpoints of an organization: thin handlers over the event and
 * webhook services (src/services/events.ts, webhooks.ts).
 */
import { z } from 'zod';
import { MAX_WAIT_SECONDS, parseEventTypes } from '../../services/events.ts';
import { pageSize, type AdminContext } from './deps.ts';
import {
  EventPage,
  NewWebhookEndpoint,
  WebhookAttemptList,
  WebhookDeliveryList,
  WebhookEndpoint,
  WebhookEndpointChange,
  WebhookEndpointList,
  WebhookEndpointWithSecret,
  WebhookReplay,
  WebhookReplayResult,
} from './event-schemas.ts';
import { defineRoute, type AdminRoute } from './route.ts';

const EVENTS = '/organizations/{orgId}/events';
const WEBHOOKS = '/organizations/{orgId}/webhooks';
const WEBHOOK = `${WEBHOOKS}/{webhookId}`;
const TAG = 'Events and webhooks';

const FeedQuery = z.strictObject({
  after: z.string().optional(),
  limit: z.coerce.number().int().min(1).max(1000).optional(),
  /** Comma-separated event types. */
  types: z.string().optional(),
  wait: z.coerce.number().int().min(0).max(MAX_WAIT_SECONDS).optional(),
});

const DeliveryQuery = z.strictObject({
  status: z.enum(['pending', 'leased', 'delivered', 'dead']).optional(),
  cursor: z.string().regex(/^\d+$/).optional(),
  count: z.coerce.number().int().min(1).max(1000).optional(),
});

const AttemptQuery = z.strictObject({
  deliveryId: z.string().optional(),
  cursor: z.string().optional(),
  count: z.coerce.number().int().min(1).max(1000).optional(),
});

const list = (value: string | undefined): string[] => (value ?? '').split(',').map((t) => t.trim()).filter((t) => t !== '');

/** The feed route. */
function feedRoutes(admin: AdminContext): AdminRoute[] {
  return [
    defineRoute({
      method: 'get',
      path: EVENTS,
      summary: 'Read the event feed',
      tag: TAG,
      access: { kind: 'org', scope: 'events:read' },
      query: FeedQuery,
      responses: { 200: { description: 'Events after the cursor, oldest first (waits up to `wait` seconds for one when there is none)', schema: EventPage } },
      async handle({ c, params, query }) {
        const types = list(query.types);
        const page = await admin.events.feed(params['orgId'] ?? '', {
          limit: query.limit ?? 100,
          ...(query.after === undefined ? {} : { after: query.after }),
          ...(types.length > 0 ? { types: parseEventTypes(types) } : {}),
          ...(query.wait === undefined ? {} : { waitSeconds: query.wait }),
          signal: c.req.raw.signal,
        });
        return { status: 200, body: page };
      },
    }),
  ];
}

/** The webhook endpoint routes. */
function webhookRoutes(admin: AdminContext): AdminRoute[] {
  const id = (params: Readonly<Record<string, string>>) => params['webhookId'] ?? '';
  return [
    defineRoute({
      method: 'get',
      path: WEBHOOKS,
      summary: 'List webhook endpoints',
      tag: TAG,
      access: { kind: 'org', scope: 'webhooks:read' },
      responses: { 200: { description: 'Every endpoint, without secrets', schema: WebhookEndpointList } },
      handle: async ({ params }) => ({ status: 200, body: { items: await admin.webhooks.list(params['orgId'] ?? '') } }),
    }),
    defineRoute({
      method: 'post',
      path: WEBHOOKS,
      summary: 'Register a webhook endpoint',
      tag: TAG,
      access: { kind: 'org', scope: 'webhooks:write' },
      body: NewWebhookEndpoint,
      responses: { 201: { description: 'The endpoint and its secret (shown only now)', schema: WebhookEndpointWithSecret } },
      handle: async ({ params, body, operation }) => ({ status: 201, body: await admin.webhooks.create(operation(params['orgId'] ?? ''), body) }),
    }),
    defineRoute({
      method: 'get',
      path: WEBHOOK,
      summary: 'Show a webhook endpoint',
      tag: TAG,
      access: { kind: 'org', scope: 'webhooks:read' },
      responses: { 200: { description: 'The endpoint, without its secret', schema: WebhookEndpoint } },
      handle: async ({ params }) => ({ status: 200, body: await admin.webhooks.get(params['orgId'] ?? '', id(params)) }),
    }),
    defineRoute({
      method: 'patch',
      path: WEBHOOK,
      summary: 'Update, disable or enable a webhook endpoint',
      tag: TAG,
      access: { kind: 'org', scope: 'webhooks:write' },
      body: WebhookEndpointChange,
      responses: { 200: { description: 'The endpoint after the change', schema: WebhookEndpoint } },
      handle: async ({ params, body, operation }) => ({ status: 200, body: await admin.webhooks.update(operation(params['orgId'] ?? ''), id(params), body) }),
    }),
    defineRoute({
      method: 'delete',
      path: WEBHOOK,
      summary: 'Delete a webhook endpoint',
      tag: TAG,
      access: { kind: 'org', scope: 'webhooks:write' },
      responses: { 204: { description: 'Deleted, with its deliveries and attempt log' } },
      async handle({ params, operation }) {
        await admin.webhooks.delete(operation(params['orgId'] ?? ''), id(params));
        return { status: 204 };
      },
    }),
    defineRoute({
      method: 'post',
      path: `${WEBHOOK}/rotate`,
      summary: 'Rotate a webhook signing secret',
      tag: TAG,
      access: { kind: 'org', scope: 'webhooks:write' },
      responses: { 200: { description: 'The new secret (shown only now); the previous one signs too for 24 hours', schema: WebhookEndpointWithSecret } },
      handle: async ({ params, operation }) => ({ status: 200, body: await admin.webhooks.rotate(operation(params['orgId'] ?? ''), id(params)) }),
    }),
    defineRoute({
      method: 'post',
      path: `${WEBHOOK}/replay`,
      summary: 'Replay events to a webhook endpoint',
      tag: TAG,
      access: { kind: 'org', scope: 'webhooks:write' },
      body: WebhookReplay,
      responses: { 202: { description: 'The deliveries are queued', schema: WebhookReplayResult } },
      handle: async ({ params, body, operation }) => ({ status: 202, body: await admin.webhooks.replay(operation(params['orgId'] ?? ''), id(params), body) }),
    }),
    defineRoute({
      method: 'get',
      path: `${WEBHOOK}/deliveries`,
      summary: 'List the deliveries of a webhook endpoint',
      tag: TAG,
      access: { kind: 'org', scope: 'webhooks:read' },
      query: DeliveryQuery,
      responses: { 200: { description: 'Deliveries, newest first', schema: WebhookDeliveryList } },
      async handle({ params, query }) {
        const page = await admin.webhooks.deliveries(params['orgId'] ?? '', id(params), {
          limit: pageSize(admin, query.count),
          ...(query.status ? { status: query.status } : {}),
          ...(query.cursor ? { before: Number(query.cursor) } : {}),
        });
        return { status: 200, body: { items: page.data, ...(page.next ? { nextCursor: page.next } : {}) } };
      },
    }),
    defineRoute({
      method: 'get',
      path: `${WEBHOOK}/attempts`,
      summary: 'Read the attempt log of a webhook endpoint',
      tag: TAG,
      access: { kind: 'org', scope: 'webhooks:read' },
      query: AttemptQuery,
      responses: { 200: { description: 'Attempts (time, status, latency, response excerpt), newest first', schema: WebhookAttemptList } },
      async handle({ params, query }) {
        const page = await admin.webhooks.attempts(params['orgId'] ?? '', id(params), {
          limit: pageSize(admin, query.count),
          ...(query.deliveryId ? { deliveryId: query.deliveryId } : {}),
          ...(query.cursor ? { before: query.cursor } : {}),
        });
        return { status: 200, body: { items: page.data, ...(page.next ? { nextCursor: page.next } : {}) } };
      },
    }),
  ];
}

/** The event feed and webhook routes. */
export function eventRoutes(admin: AdminContext): AdminRoute[] {
  return [...feedRoutes(admin), ...webhookRoutes(admin)];
}
