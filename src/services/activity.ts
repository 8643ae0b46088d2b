/**
 * Provisioning activity per organization: what an admin needs to see that Entra's
 * cycles are landing — creates, updates, deactivations, deletes and errors per hour or per day, the
 * last successful SCIM request, and the last errors with the SCIM error body the client received.
 *
 * Change counts come from the revision history (exact, written in the change's transaction). The
 * HTTP edge reports every SCIM response here; successes and errors are counted in memory and merged
 * into hourly rows in one upsert per flush (every `flushIntervalMs`, on `close()`, and before a
 * summary is read), so no request pays for a write. Error samples are capped per organization and
 * flush, so a misconfigured client cannot flood the table.
 */
import { ScimError } from '../core/scim-error.ts';
import { toStorableJson, toStorableText } from '../core/text.ts';
import type { ActivityHourRecord, ScimErrorRecord } from '../store/records.ts';
import type { NewScimError, Store } from '../store/store.ts';

/** A failed SCIM request as the HTTP edge saw it. */
export interface ScimErrorReport {
  readonly keyId: string | null;
  readonly requestId: string | null;
  readonly method: string;
  readonly path: string;
  readonly status: number;
  /** The SCIM error body sent to the client (RFC 7644 §3.12). */
  readonly body: { readonly scimType?: string | undefined; readonly detail?: string | undefined } & Readonly<Record<string, unknown>>;
}

/** The counts of one hour or day. */
export interface ActivityBucket {
  /** Start of the bucket, ISO 8601 UTC. */
  readonly start: string;
  readonly creates: number;
  readonly updates: number;
  readonly deactivations: number;
  readonly deletes: number;
  readonly errors: number;
}

/** What `summary` answers. */
export interface ActivitySummary {
  readonly bucket: 'hour' | 'day';
  readonly from: string;
  readonly to: string;
  readonly buckets: readonly ActivityBucket[];
  readonly lastSuccessAt: string | null;
  readonly lastErrors: readonly ScimErrorRecord[];
}

type Counter = 'creates' | 'updates' | 'deactivations' | 'deletes';

/** Which counter each SCIM change of the revision history adds to. */
export const COUNTER_OF_ACTION: Readonly<Record<string, Counter>> = {
  'user.created': 'creates',
  'group.created': 'creates',
  'user.updated': 'updates',
  'user.reactivated': 'updates',
  'group.updated': 'updates',
  'group.member_added': 'updates',
  'group.member_removed': 'updates',
  'user.deactivated': 'deactivations',
  'user.deleted': 'deletes',
  'group.deleted': 'deletes',
};

const HOUR_MS = 60 * 60 * 1000;
const DAY_MS = 24 * HOUR_MS;
/** Longest range per bucket size, so a summary is a bounded number of rows. */
const MAX_BUCKETS = { hour: 24 * 14, day: 400 } as const;
const DEFAULT_BUCKETS = { hour: 24, day: 30 } as const;

const invalid = (detail: string): ScimError => new ScimError(400, 'invalidValue', detail);

/** The first instant of the hour or day containing `ms`. */
function floorTo(ms: number, bucket: 'hour' | 'day'): number {
  const size = bucket === 'hour' ? HOUR_MS : DAY_MS;
  return Math.floor(ms / size) * size;
}

/** The bucket key of an ISO timestamp, as the store groups by it. */
const keyOf = (iso: string, bucket: 'hour' | 'day'): string => iso.slice(0, bucket === 'hour' ? 13 : 10);

function parseInstant(name: string, value: string): number {
  const ms = Date.parse(value);
  if (!/^\d{4}-\d{2}-\d{2}/.test(value) || !Number.isFinite(ms)) throw invalid(`${name} "${value}" is not an ISO 8601 date or date-time`);
  return ms;
}

/** Resolves a summary range: whole buckets, `to` exclusive, defaulting to the last 24 hours / 30 days. */
export function summaryRange(bucket: 'hour' | 'day', now: Date, from?: string, to?: string): { from: number; to: number } {
  if (bucket !== 'hour' && bucket !== 'day') throw invalid(`bucket must be "hour" or "day", not "${String(bucket)}"`);
  const size = bucket === 'hour' ? HOUR_MS : DAY_MS;
  const end = to === undefined ? floorTo(now.getTime(), bucket) + size : floorTo(parseInstant('to', to) - 1, bucket) + size;
  const start = from === undefined ? end - DEFAULT_BUCKETS[bucket] * size : floorTo(parseInstant('from', from), bucket);
  if (start >= end) throw invalid('from must be before to');
  if ((end - start) / size > MAX_BUCKETS[bucket]) throw invalid(`a summary spans at most ${MAX_BUCKETS[bucket]} ${bucket}s`);
  return { from: start, to: end };
}

export interface ActivityServiceDeps {
  readonly store: Store;
  readonly clock?: () => Date;
  /** How often counters and samples are written (default 10 s; 0: only on flush/close/summary). */
  readonly flushIntervalMs?: number;
  /** Error samples kept per organization per flush (default 20); the rest are only counted. */
  readonly maxSamplesPerFlush?: number;
  /** Called when a background flush fails (what was collected is dropped, not retried). */
  readonly onFlushError?: (error: unknown) => void;
}

/** An organization's counts of one hour; the last success is kept in milliseconds until the flush. */
interface Count {
  readonly orgId: string;
  readonly hour: string;
  successes: number;
  errors: number;
  lastSuccessMs: number | null;
  lastErrorAt: string | null;
}

interface Pending {
  counts: Map<string, Count>;
  samples: NewScimError[];
  samplesPerOrg: Map<string, number>;
}

const emptyPending = (): Pending => ({ counts: new Map(), samples: [], samplesPerOrg: new Map() });

/** Creates the activity service; call `close()` on shutdown to write what is pending. */
export function createActivityService(deps: ActivityServiceDeps) {
  const { store } = deps;
  const clock = deps.clock ?? (() => new Date());
  const maxSamples = deps.maxSamplesPerFlush ?? 20;
  let pending = emptyPending();

  // The current hour's `YYYY-MM-DDTHH` text, formatted once per hour rather than per request.
  let hourStart = Number.NaN;
  let hourText = '';
  function hourOf(ms: number): string {
    if (!(ms >= hourStart && ms < hourStart + HOUR_MS)) {
      hourStart = floorTo(ms, 'hour');
      hourText = new Date(hourStart).toISOString().slice(0, 13);
    }
    return hourText;
  }

  function counter(orgId: string, ms: number): Count {
    const hour = hourOf(ms);
    const key = `${orgId} ${hour}`;
    let entry = pending.counts.get(key);
    if (!entry) {
      entry = { orgId, hour, successes: 0, errors: 0, lastSuccessMs: null, lastErrorAt: null };
      pending.counts.set(key, entry);
    }
    return entry;
  }

  /**
   * Writes the error samples in one statement; if that fails, one at a time, so a sample the
   * database refuses loses only itself, never the other organizations' samples of the window.
   */
  async function writeSamples(samples: readonly NewScimError[]): Promise<unknown[]> {
    try {
      await store.activity.recordErrors(samples);
      return [];
    } catch (batchError) {
      const failures: unknown[] = [batchError];
      for (const sample of samples) await store.activity.recordErrors([sample]).catch((error: unknown) => failures.push(error));
      return failures.length > 1 ? failures.slice(1) : [];
    }
  }

  /** Writes counters and samples independently; throws the first failure after trying both. */
  async function flush(): Promise<void> {
    const batch = pending;
    pending = emptyPending();
    const failures: unknown[] = [];
    if (batch.counts.size > 0) {
      const records: ActivityHourRecord[] = [...batch.counts.values()].map(({ lastSuccessMs, ...count }) => ({
        ...count,
        lastSuccessAt: lastSuccessMs === null ? null : new Date(lastSuccessMs).toISOString(),
      }));
      await store.activity.addCounts(records).catch((error: unknown) => failures.push(error));
    }
    if (batch.samples.length > 0) failures.push(...(await writeSamples(batch.samples)));
    if (failures.length > 0) throw failures[0];
  }

  const interval = deps.flushIntervalMs ?? 10_000;
  const timer = interval > 0 ? setInterval(() => flush().catch((error: unknown) => deps.onFlushError?.(error)), interval) : undefined;
  timer?.unref();

  return {
    /** Counts a successful SCIM request of the organization (in memory; no date is formatted per request). */
    recordSuccess(orgId: string): void {
      const ms = clock().getTime();
      const entry = counter(orgId, ms);
      entry.successes += 1;
      entry.lastSuccessMs = ms;
    },

    /** Counts a failed SCIM request and keeps a sample of its error body (in memory). */
    recordError(orgId: string, report: ScimErrorReport): void {
      const now = clock();
      const at = now.toISOString();
      const entry = counter(orgId, now.getTime());
      entry.errors += 1;
      entry.lastErrorAt = at;
      const kept = pending.samplesPerOrg.get(orgId) ?? 0;
      if (kept >= maxSamples) return;
      pending.samplesPerOrg.set(orgId, kept + 1);
      const scimType = typeof report.body.scimType === 'string' ? report.body.scimType : null;
      const detail = typeof report.body.detail === 'string' ? report.body.detail : '';
      // A request may carry text no database stores (a NUL in a rejected id): keep the sample storable.
      pending.samples.push({
        orgId,
        occurredAt: at,
        keyId: report.keyId,
        requestId: report.requestId,
        method: toStorableText(report.method),
        path: toStorableText(report.path),
        status: report.status,
        scimType: scimType === null ? null : toStorableText(scimType),
        detail: toStorableText(detail),
        body: toStorableJson(report.body) as ScimErrorReport['body'],
      });
    },

    /** Writes what has been collected. */
    flush,

    /**
     * Counts per hour (default: the last 24) or per day (default: the last 30), the last successful
     * request time and the last `errors` (default 10) error samples, newest first.
     */
    async summary(orgId: string, options: { readonly bucket?: 'hour' | 'day'; readonly from?: string; readonly to?: string; readonly errors?: number } = {}): Promise<ActivitySummary> {
      const bucket = options.bucket ?? 'hour';
      const range = summaryRange(bucket, clock(), options.from, options.to);
      const errorLimit = options.errors ?? 10;
      if (!Number.isInteger(errorLimit) || errorLimit < 0 || errorLimit > 100) throw invalid('errors must be an integer from 0 to 100');
      await flush();
      const from = new Date(range.from).toISOString();
      const to = new Date(range.to).toISOString();
      const [changes, hours, lastSuccessAt, lastErrors] = await Promise.all([
        store.activity.changeCounts(orgId, { from, to, bucket }),
        store.activity.hours(orgId, { from: from.slice(0, 13), to: to.slice(0, 13) }),
        store.activity.lastSuccessAt(orgId),
        errorLimit === 0 ? [] : store.activity.lastErrors(orgId, errorLimit),
      ]);
      const size = bucket === 'hour' ? HOUR_MS : DAY_MS;
      const buckets = new Map<string, { start: string; creates: number; updates: number; deactivations: number; deletes: number; errors: number }>();
      for (let ms = range.from; ms < range.to; ms += size) {
        const start = new Date(ms).toISOString();
        buckets.set(keyOf(start, bucket), { start, creates: 0, updates: 0, deactivations: 0, deletes: 0, errors: 0 });
      }
      for (const change of changes) {
        const counterName = COUNTER_OF_ACTION[change.action];
        const target = buckets.get(change.bucket);
        if (counterName && target) target[counterName] += change.count;
      }
      for (const hour of hours) {
        const target = buckets.get(bucket === 'hour' ? hour.hour : hour.hour.slice(0, 10));
        if (target) target.errors += hour.errors;
      }
      return { bucket, from, to, buckets: [...buckets.values()], lastSuccessAt: lastSuccessAt ?? null, lastErrors };
    },

    /** Deletes counters and error samples older than `days` days (all organizations). */
    async applyRetention(days: number): Promise<number> {
      if (!Number.isInteger(days) || days < 1) throw invalid(`retention must be a whole number of days (at least 1), not ${days}`);
      return store.activity.deleteBefore(new Date(clock().getTime() - days * DAY_MS).toISOString());
    },

    /** Stops the timer and writes what is pending. */
    async close(): Promise<void> {
      if (timer) clearInterval(timer);
      await flush();
    },
  };
}

export type ActivityService = ReturnType<typeof createActivityService>;
