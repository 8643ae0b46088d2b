/**
 * Host-application events: the outbox rows as CloudEvents 1.0 (structured JSON, with the
 * `sequence` extension), and the feed that pages through them in sequence order, with long-polling
 * and retention. Sequence numbers are assigned in commit order (store/sql/outbox-events.ts), so a
 * cursor can never move past an event that commits later.
 */
import { ScimError } from '../core/scim-error.ts';
import type { OutboxEventRecord } from '../store/records.ts';
import type { Store } from '../store/store.ts';

/** A CloudEvents 1.0 event in structured JSON mode. */
export interface CloudEvent {
  readonly specversion: '1.0';
  readonly id: string;
  /** `/organizations/{orgId}` */
  readonly source: string;
  readonly type: string;
  /** The SCIM id (user, group), key id or organization id the event is about. */
  readonly subject?: string;
  readonly time: string;
  readonly datacontenttype: 'application/json';
  /** The sequence extension: the per-organization number, zero-padded so strings sort like numbers. */
  readonly sequence: string;
  readonly data: unknown;
}

/** Digits of a zero-padded sequence (enough for 10^16 events per organization). */
const SEQUENCE_DIGITS = 16;

/** The `sequence` attribute and feed cursor of a number. */
export const formatSequence = (n: number): string => String(n).padStart(SEQUENCE_DIGITS, '0');

/** The CloudEvent of an outbox row. */
export function toCloudEvent(event: OutboxEventRecord): CloudEvent {
  return {
    specversion: '1.0',
    id: event.id,
    source: `/organizations/${event.orgId}`,
    type: event.type,
    ...(event.resourceId === null ? {} : { subject: event.resourceId }),
    time: event.occurredAt,
    datacontenttype: 'application/json',
    sequence: formatSequence(event.sequence ?? 0),
    data: event.data,
  };
}

/** Every event type scimd emits. */
export const EVENT_TYPES = [
  'scimd.user.created',
  'scimd.user.updated',
  'scimd.user.deactivated',
  'scimd.user.reactivated',
  'scimd.user.deleted',
  'scimd.group.created',
  'scimd.group.updated',
  'scimd.group.deleted',
  'scimd.group.members.added',
  'scimd.group.members.removed',
  'scimd.organization.scim.enabled',
  'scimd.organization.scim.disabled',
  'scimd.key.created',
  'scimd.key.revoked',
  'scimd.key.expiring',
  'scimd.key.expired',
] as const;

/** 400 unless every name is a known event type. */
export function parseEventTypes(types: readonly string[]): string[] {
  const unknown = types.filter((t) => !(EVENT_TYPES as readonly string[]).includes(t));
  if (unknown.length > 0) throw new ScimError(400, 'invalidValue', `Unknown event type(s) ${unknown.join(', ')}; known types: ${EVENT_TYPES.join(', ')}`);
  return [...new Set(types)];
}

/** The longest a feed request may wait for new events. */
export const MAX_WAIT_SECONDS = 30;

export interface FeedQuery {
  /** The `next` of the previous page; absent: from the oldest retained event. */
  readonly after?: string;
  readonly limit: number;
  readonly types?: readonly string[];
  /** Seconds to wait for an event when none is there yet (0..30). */
  readonly waitSeconds?: number;
  /** Ends a wait early (the client went away). */
  readonly signal?: AbortSignal;
}

export interface FeedPage {
  readonly data: readonly CloudEvent[];
  /** Pass it as `after` for the next page; equal to `after` when nothing new came. */
  readonly next: string;
}

export interface EventServiceDeps {
  readonly store: Store;
  readonly clock?: () => Date;
  /** How long a long-poll waits between looks at the database (250 ms by default). */
  readonly pollMs?: number;
}

function parseCursor(after: string | undefined): number {
  if (after === undefined || after === '') return 0;
  if (!/^\d{1,18}$/.test(after)) throw new ScimError(400, 'invalidValue', `after "${after}" is not a cursor from this feed`);
  return Number(after);
}

const sleep = (ms: number, signal?: AbortSignal): Promise<void> =>
  new Promise((resolve) => {
    const timer = setTimeout(done, ms);
    function done() {
      clearTimeout(timer);
      signal?.removeEventListener('abort', done);
      resolve();
    }
    signal?.addEventListener('abort', done, { once: true });
  });

/** Creates the event service (the feed and its retention). */
export function createEventService(deps: EventServiceDeps) {
  const { store } = deps;
  const clock = deps.clock ?? (() => new Date());
  const pollMs = deps.pollMs ?? 250;

  async function page(orgId: string, afterSequence: number, query: FeedQuery): Promise<FeedPage> {
    const rows = await store.outboxEvents.page(orgId, { afterSequence, limit: query.limit, ...(query.types ? { types: query.types } : {}) });
    const last = rows.at(-1)?.sequence ?? afterSequence;
    return { data: rows.map(toCloudEvent), next: formatSequence(last) };
  }

  return {
    /**
     * One page of the organization's events after the cursor, oldest first. 410 when the cursor
     * points before events retention has already deleted (the consumer must resynchronise).
     */
    async feed(orgId: string, query: FeedQuery): Promise<FeedPage> {
      const afterSequence = parseCursor(query.after);
      const position = await store.outboxEvents.position(orgId);
      if (query.after !== undefined && query.after !== '' && afterSequence < position.prunedThrough) {
        throw new ScimError(
          410,
          undefined,
          `Cursor ${query.after} is older than the event retention: events up to ${formatSequence(position.prunedThrough)} were deleted. Resynchronise from the SCIM API, then read the feed from its oldest event (no cursor).`,
        );
      }
      const wait = Math.min(Math.max(query.waitSeconds ?? 0, 0), MAX_WAIT_SECONDS);
      const deadline = clock().getTime() + wait * 1000;
      for (;;) {
        const result = await page(orgId, afterSequence, query);
        if (result.data.length > 0 || clock().getTime() >= deadline || query.signal?.aborted) return result;
        await sleep(Math.min(pollMs, Math.max(deadline - clock().getTime(), 1)), query.signal);
      }
    },

    /** Deletes events older than `days` in every organization; returns how many. */
    async applyRetention(days: number): Promise<{ readonly deleted: number }> {
      const before = new Date(clock().getTime() - days * 86_400_000).toISOString();
      return { deleted: await store.outboxEvents.deleteBefore(before) };
    },
  };
}

export type EventService = ReturnType<typeof createEventService>;
