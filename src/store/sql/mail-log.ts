/** The mail log over Kysely: one append-only row per mail, listed newest first by time-ordered id. */
import type { Selectable } from 'kysely';
import type { MailLogTable } from '../database.ts';
import type { MailLogRecord, MailStatus, MailTransportKind } from '../records.ts';
import type { MailLogStore } from '../store.ts';
import { decodeJson, encodeJson, type SqlContext } from './context.ts';

function toRecord(ctx: SqlContext, row: Selectable<MailLogTable>): MailLogRecord {
  return {
    orgId: row.org_id,
    id: row.id,
    createdAt: row.created_at,
    kind: row.kind,
    recipients: (decodeJson(ctx.caps, row.recipients) ?? []) as string[],
    subject: row.subject,
    body: row.body,
    transport: row.transport as MailTransportKind,
    status: row.status as MailStatus,
    messageId: row.message_id,
    error: row.error,
  };
}

/** The mail log sub-store. */
export function mailLogStore(ctx: SqlContext): MailLogStore {
  return {
    async append(orgId, entry) {
      const row = {
        org_id: orgId,
        id: entry.id ?? ctx.newId(),
        created_at: ctx.now(),
        kind: entry.kind,
        recipients: encodeJson(entry.recipients),
        subject: entry.subject,
        body: entry.body,
        transport: entry.transport,
        status: entry.status,
        message_id: entry.messageId,
        error: entry.error,
      };
      await ctx.db.insertInto('mail_log').values(row).execute();
      return { ...toRecord(ctx, { ...row, recipients: null }), recipients: [...entry.recipients] };
    },
    async list(orgId, page) {
      let query = ctx.db.selectFrom('mail_log').selectAll().where('org_id', '=', orgId);
      if (page.before !== undefined) query = query.where('id', '<', page.before);
      const rows = await query.orderBy('id', 'desc').limit(page.limit).execute();
      return rows.map((row) => toRecord(ctx, row));
    },
  };
}
