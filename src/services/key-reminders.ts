/**
 * Key-expiry reminders. For every unrevoked key with an `expiresAt`, exactly one
 * mail goes out a month (configurable) before it expires and exactly one more once it has expired,
 * to the organization's notification addresses — across restarts and with several instances.
 *
 * Two steps make that hold. `schedule` (the sweep) enqueues one job per key and reminder under the
 * dedupe key `key-expiring:<keyId>` / `key-expired:<keyId>`; the jobs table's unique index turns a
 * second enqueue (another instance, a restart) into a no-op, and the `key.expiring` / `key.expired`
 * outbox event is written in the same transaction as the job, so it too exists exactly once.
 * `deliver` sends the mail of one leased job; the worker (src/workers/) leases, delivers and
 * completes jobs, so two workers never deliver the same job. A key that expired before its
 * "expiring" reminder was swept gets only the "expired" mail: a warning about the past helps no one.
 */
import { ScimError } from '../core/scim-error.ts';
import type { ApiKeyRecord, JobRecord, MailLogRecord, OrganizationRecord } from '../store/records.ts';
import { eventTypeOf } from './record-change.ts';
import type { Store } from '../store/store.ts';
import type { OperationContext } from './context.ts';
import type { MailMessage, MailService } from './mail.ts';

export const KEY_EXPIRING = 'key-expiring';
export const KEY_EXPIRED = 'key-expired';
/** The job kinds the reminder worker leases. */
export const REMINDER_KINDS: readonly string[] = [KEY_EXPIRING, KEY_EXPIRED];
/** The default lead time of the first reminder: 30 days. */
export const DEFAULT_REMINDER_LEAD_MS = 30 * 24 * 60 * 60 * 1000;
/** The organization setting that holds the notification addresses. */
export const NOTIFICATION_SETTING = 'notificationEmails';
const MAX_ADDRESSES = 20;
const EMAIL = /^[^\s@,;<>]+@[^\s@,;<>]+\.[^\s@,;<>]+$/;

type ReminderKind = typeof KEY_EXPIRING | typeof KEY_EXPIRED;

const orgNotFound = (id: string) => new ScimError(404, undefined, `Organization "${id}" not found`);

/** The organization's notification addresses (an organization setting; empty when unset). */
export function notificationAddresses(settings: Readonly<Record<string, unknown>>): string[] {
  const value = settings[NOTIFICATION_SETTING];
  return Array.isArray(value) ? value.filter((v): v is string => typeof v === 'string') : [];
}

/** Validates a list of notification addresses; returns them trimmed and de-duplicated. */
export function parseNotificationAddresses(value: unknown): string[] {
  if (!Array.isArray(value)) throw new ScimError(400, 'invalidValue', `${NOTIFICATION_SETTING} must be a list of e-mail addresses`);
  const addresses = [...new Set(value.map((v) => (typeof v === 'string' ? v.trim() : '')))];
  const bad = addresses.find((a) => !EMAIL.test(a) || a.length > 254);
  if (bad !== undefined) throw new ScimError(400, 'invalidValue', `${NOTIFICATION_SETTING}: "${bad}" is not an e-mail address`);
  if (addresses.length > MAX_ADDRESSES) throw new ScimError(400, 'invalidValue', `${NOTIFICATION_SETTING} holds at most ${MAX_ADDRESSES} addresses`);
  return addresses;
}

const day = (iso: string) => iso.slice(0, 10);
const keyLabel = (key: ApiKeyRecord) => `"${key.description}" (${key.prefix}…, type ${key.type === 'scim' ? 'SCIM' : 'API'})`;

/** The reminder mail for a key of an organization. */
export function reminderMessage(kind: ReminderKind, key: ApiKeyRecord, org: OrganizationRecord, now: Date): Omit<MailMessage, 'to'> {
  const expiresAt = key.expiresAt ?? '';
  const rotate = [
    'To rotate it without an interruption:',
    '  1. generate a new key (API Access → Generate key),',
    '  2. paste it into the identity provider as the Secret Token and test the connection,',
    '  3. revoke the old key.',
  ].join('\n');
  if (kind === KEY_EXPIRING) {
    const days = Math.max(1, Math.ceil((Date.parse(expiresAt) - now.getTime()) / 86_400_000));
    return {
      kind,
      subject: `[scimd] The key "${key.description}" of ${org.name} expires on ${day(expiresAt)}`,
      text: `The API key ${keyLabel(key)} of the organization ${org.name} (${org.id}) expires on ${expiresAt}, in ${days} day(s).\n\n` +
        `Once it has expired, whatever uses it — such as an identity provider's provisioning — is refused.\n\n${rotate}\n`,
    };
  }
  return {
    kind,
    subject: `[scimd] The key "${key.description}" of ${org.name} has expired`,
    text: `The API key ${keyLabel(key)} of the organization ${org.name} (${org.id}) expired on ${expiresAt}.\n\n` +
      `Requests made with it are now refused, so provisioning through it has stopped.\n\n${rotate}\n`,
  };
}

/** What one delivery did: mailed (or logged), or nothing because the key is gone or revoked. */
export type DeliveryResult = { readonly status: 'mailed'; readonly mail: MailLogRecord } | { readonly status: 'obsolete'; readonly reason: string };

export interface KeyReminderServiceDeps {
  readonly store: Store;
  readonly mail: MailService;
  readonly clock?: () => Date;
  /** How long before expiry the first reminder goes out (30 days by default). */
  readonly leadMs?: number;
}

/** Creates the key reminder service. */
export function createKeyReminderService(deps: KeyReminderServiceDeps) {
  const { store, mail } = deps;
  const clock = deps.clock ?? (() => new Date());
  const lead = deps.leadMs ?? DEFAULT_REMINDER_LEAD_MS;

  /** Enqueues one reminder job and its outbox event; false when it already existed. */
  async function enqueue(kind: ReminderKind, key: ApiKeyRecord): Promise<boolean> {
    return store.transaction(async (tx) => {
      const job = await tx.jobs.enqueue(key.orgId, { kind, dedupeKey: `${kind}:${key.id}`, payload: { keyId: key.id } });
      if (!job) return false;
      await tx.outboxEvents.append(key.orgId, {
        type: eventTypeOf(kind === KEY_EXPIRING ? 'key.expiring' : 'key.expired'),
        resourceType: 'ApiKey',
        resourceId: key.id,
        data: { id: key.id, type: key.type, description: key.description, prefix: key.prefix, expiresAt: key.expiresAt },
      });
      return true;
    });
  }

  return {
    /**
     * The sweep: enqueues every reminder that is due now, reading due keys `batch` at a time (each
     * read skips the keys already enqueued) for at most `maxBatches` batches per kind.
     */
    async schedule(batch = 500, maxBatches = 100): Promise<{ readonly expiring: number; readonly expired: number }> {
      const now = clock();
      const nowIso = now.toISOString();
      const windows = {
        [KEY_EXPIRED]: { expiresBefore: nowIso },
        [KEY_EXPIRING]: { expiresFrom: nowIso, expiresBefore: new Date(now.getTime() + lead).toISOString() },
      };
      const counts = { [KEY_EXPIRED]: 0, [KEY_EXPIRING]: 0 };
      for (const kind of [KEY_EXPIRED, KEY_EXPIRING] as const) {
        for (let round = 0; round < maxBatches; round += 1) {
          const keys = await store.keyReminders.due(kind, windows[kind], batch);
          for (const key of keys) if (await enqueue(kind, key)) counts[kind] += 1;
          if (keys.length < batch) break;
        }
      }
      return { expiring: counts[KEY_EXPIRING], expired: counts[KEY_EXPIRED] };
    },

    /** The organization's notification addresses (404 for an unknown organization). */
    async notificationAddresses(orgId: string): Promise<string[]> {
      const org = await store.organizations.get(orgId);
      if (!org) throw orgNotFound(orgId);
      return notificationAddresses(org.settings);
    },

    /** Replaces the notification addresses (validated) and records the change in the history. */
    async setNotificationAddresses(ctx: OperationContext, value: unknown): Promise<string[]> {
      const addresses = parseNotificationAddresses(value);
      return store.transaction(async (tx) => {
        const org = await tx.organizations.get(ctx.orgId);
        if (!org) throw orgNotFound(ctx.orgId);
        await tx.organizations.update(ctx.orgId, { settings: { ...org.settings, [NOTIFICATION_SETTING]: addresses } });
        await tx.auditEvents.append(ctx.orgId, {
          actorType: ctx.actor.type,
          actorId: ctx.actor.id,
          actorName: ctx.actor.name,
          action: 'organization.notifications_updated',
          resourceType: 'Organization',
          resourceId: ctx.orgId,
          requestId: ctx.requestId ?? null,
          sourceIp: ctx.sourceIp ?? null,
          changes: { before: { [NOTIFICATION_SETTING]: notificationAddresses(org.settings) }, after: { [NOTIFICATION_SETTING]: addresses } },
        });
        return addresses;
      });
    },

    /** Sends the mail of one leased reminder job; throws when the mail could not be delivered. */
    async deliver(job: JobRecord): Promise<DeliveryResult> {
      if (job.kind !== KEY_EXPIRING && job.kind !== KEY_EXPIRED) return { status: 'obsolete', reason: `not a reminder job: ${job.kind}` };
      const keyId = (job.payload as { keyId?: unknown } | null)?.keyId;
      const key = typeof keyId === 'string' ? await store.apiKeys.get(job.orgId, keyId) : undefined;
      if (!key || key.expiresAt === null) return { status: 'obsolete', reason: 'the key no longer exists' };
      if (key.revokedAt !== null) return { status: 'obsolete', reason: 'the key has been revoked' };
      const org = await store.organizations.get(job.orgId);
      if (!org) return { status: 'obsolete', reason: 'the organization no longer exists' };
      const message = reminderMessage(job.kind, key, org, clock());
      return { status: 'mailed', mail: await mail.send(org.id, { ...message, to: notificationAddresses(org.settings) }) };
    },
  };
}

export type KeyReminderService = ReturnType<typeof createKeyReminderService>;
