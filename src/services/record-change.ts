/** Writes a change's revision-history entry and its outbox event (same transaction as the change). */
import type { Store } from '../store/store.ts';
import type { AttributeChanges } from './changes.ts';
import type { OperationContext } from './context.ts';

export interface ChangeRecord {
  /** `user.created`, `group.member_added`, … — the audit action; the event type derives from it. */
  readonly action: string;
  readonly resourceType: string;
  readonly resourceId: string | null;
  readonly changes: AttributeChanges | Readonly<Record<string, unknown>>;
  /** The event's `data` (never secrets). */
  readonly event: Readonly<Record<string, unknown>>;
}

/** The prefix of every event type scimd emits (CloudEvents `type`, reverse-DNS style). */
export const EVENT_TYPE_PREFIX = 'scimd.';

const RENAMED: Readonly<Record<string, string>> = {
  'group.member_added': 'group.members.added',
  'group.member_removed': 'group.members.removed',
  'organization.scim_enabled': 'organization.scim.enabled',
  'organization.scim_disabled': 'organization.scim.disabled',
};

/** The host-application event type of an audit action: `user.created` → `scimd.user.created`. */
export function eventTypeOf(action: string): string {
  return `${EVENT_TYPE_PREFIX}${RENAMED[action] ?? action}`;
}

/** Appends one host-application event through `tx` (inside the change's transaction). */
export async function appendEvent(
  tx: Store,
  orgId: string,
  event: { readonly action: string; readonly resourceType: string; readonly resourceId: string | null; readonly data: Readonly<Record<string, unknown>> },
): Promise<void> {
  await tx.outboxEvents.append(orgId, {
    type: eventTypeOf(event.action),
    resourceType: event.resourceType,
    resourceId: event.resourceId,
    data: event.data,
  });
}

/** Appends the audit event and the outbox event of one change. */
export async function recordChange(tx: Store, ctx: OperationContext, change: ChangeRecord): Promise<void> {
  await tx.auditEvents.append(ctx.orgId, {
    actorType: ctx.actor.type,
    actorId: ctx.actor.id,
    actorName: ctx.actor.name,
    action: change.action,
    resourceType: change.resourceType,
    resourceId: change.resourceId,
    requestId: ctx.requestId ?? null,
    sourceIp: ctx.sourceIp ?? null,
    changes: change.changes,
  });
  await appendEvent(tx, ctx.orgId, { action: change.action, resourceType: change.resourceType, resourceId: change.resourceId, data: change.event });
}
