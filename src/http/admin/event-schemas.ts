/** The zod schemas (and OpenAPI components) of the event feed and the webhook routes. */
import { z } from 'zod';
import { named, Timestamp } from './schemas.ts';

export const CloudEvent = named(
  'CloudEvent',
  'A CloudEvents 1.0 event (structured JSON). `sequence` is per organization, zero-padded, strictly increasing in commit order; `data` holds the resource (after the change, before it for deletes) and `changed`, the changed attribute names.',
  z.strictObject({
    specversion: z.literal('1.0'),
    id: z.string(),
    source: z.string(),
    type: z.string(),
    subject: z.string().optional(),
    time: Timestamp,
    datacontenttype: z.literal('application/json'),
    sequence: z.string(),
    data: z.unknown(),
  }),
);

export const EventPage = named(
  'EventPage',
  'Events oldest first; pass `next` back as `after` for the following page (it equals `after` when nothing new came).',
  z.strictObject({ data: z.array(CloudEvent), next: z.string() }),
);

export const WebhookEndpoint = named(
  'WebhookEndpoint',
  'A webhook endpoint as listed: never its secret. `types` empty means every event type.',
  z.strictObject({
    id: z.string(),
    url: z.string(),
    description: z.string().nullable(),
    types: z.array(z.string()),
    status: z.enum(['enabled', 'disabled']),
    disabledReason: z.string().nullable(),
    failingSince: Timestamp.nullable(),
    previousSecretExpiresAt: Timestamp.nullable(),
    createdAt: Timestamp,
    updatedAt: Timestamp,
  }),
);

export const WebhookEndpointList = named('WebhookEndpointList', 'Webhook endpoints of the organization.', z.strictObject({ items: z.array(WebhookEndpoint) }));

export const WebhookEndpointWithSecret = named(
  'WebhookEndpointWithSecret',
  'The endpoint and its signing secret (`whsec_…`), shown only in this answer.',
  WebhookEndpoint.extend({ secret: z.string() }),
);

export const NewWebhookEndpoint = named(
  'NewWebhookEndpoint',
  'An endpoint to register: an https URL resolving to a public address, optional event types (default: all) and a description.',
  z.strictObject({ url: z.string(), types: z.array(z.string()).optional(), description: z.string().max(500).optional() }),
);

export const WebhookEndpointChange = named(
  'WebhookEndpointChange',
  'What to change; `enabled: false` disables the endpoint (deliveries wait), `enabled: true` resumes it.',
  z.strictObject({ url: z.string().optional(), types: z.array(z.string()).optional(), description: z.string().max(500).nullable().optional(), enabled: z.boolean().optional() }),
);

export const WebhookReplay = named(
  'WebhookReplay',
  'Exactly one of: `eventId` (one event), `from` with an optional `to` (events in that time range), or `dead: true` (every dead delivery).',
  z.strictObject({ eventId: z.string().optional(), from: z.string().optional(), to: z.string().optional(), dead: z.boolean().optional() }),
);

export const WebhookReplayResult = named('WebhookReplayResult', 'How many deliveries were queued.', z.strictObject({ queued: z.number().int() }));

export const WebhookDelivery = named(
  'WebhookDelivery',
  'One event for one endpoint: `pending` (waiting or retrying), `leased` (being sent), `delivered` or `dead` (retries used up).',
  z.strictObject({
    orgId: z.string(),
    id: z.string(),
    endpointId: z.string(),
    eventId: z.string(),
    sequence: z.number().int(),
    eventType: z.string(),
    resourceKey: z.string(),
    status: z.enum(['pending', 'leased', 'delivered', 'dead']),
    attempts: z.number().int(),
    nextAttemptAt: Timestamp,
    leasedBy: z.string().nullable(),
    leaseExpiresAt: Timestamp.nullable(),
    lastStatus: z.number().int().nullable(),
    lastError: z.string().nullable(),
    lastLatencyMs: z.number().int().nullable().describe('Milliseconds the last attempt took'),
    createdAt: Timestamp,
    updatedAt: Timestamp,
    deliveredAt: Timestamp.nullable(),
  }),
);

export const WebhookDeliveryList = named(
  'WebhookDeliveryList',
  'Deliveries newest first; pass `nextCursor` back as `cursor` for older ones.',
  z.strictObject({ items: z.array(WebhookDelivery), nextCursor: z.string().optional() }),
);

export const WebhookAttempt = named(
  'WebhookAttempt',
  'One HTTP attempt: when, the status (null without a response), latency, the error and the start of the response body.',
  z.strictObject({
    orgId: z.string(),
    id: z.string(),
    deliveryId: z.string(),
    endpointId: z.string(),
    eventId: z.string(),
    attemptedAt: Timestamp,
    statusCode: z.number().int().nullable(),
    latencyMs: z.number().int(),
    error: z.string().nullable(),
    responseExcerpt: z.string().nullable(),
  }),
);

export const WebhookAttemptList = named(
  'WebhookAttemptList',
  'Attempts newest first; pass `nextCursor` back as `cursor` for older ones.',
  z.strictObject({ items: z.array(WebhookAttempt), nextCursor: z.string().optional() }),
);
