/** Writes a change's revision-history entry and its outbox event (same transaction as the change). */
import type { Store } from '../store/store.ts';
import type { AttributeChanges } from './changes.ts';
import type { OperationContext } from './context.ts';

export interface ChangeRecord {
  /** `user.created`, `group.member_added`, … — the audit action and the outbox event type. */
  readonly action: string;
  readonly resourceType: string;
  readonly resourceId: string | null;
  readonly changes: AttributeChanges | Readonly<Record<string, unknown>>;
  /** The outbox event's payload besides the resource id (never secrets). */
  readonly event: Readonly<Record<string, unknown>>;
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
  await tx.outboxEvents.append(ctx.orgId, {
    type: change.action,
    resourceType: change.resourceType,
    resourceId: change.resourceId,
    data: { id: change.resourceId, ...change.event },
  });
}
