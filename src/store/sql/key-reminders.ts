/**
 * The key-expiry sweep's one query (issue 5, item 3): keys of every organization whose expiry falls
 * in a window and that have no reminder job of a kind yet. The NOT EXISTS probe uses the jobs
 * table's unique (org_id, kind, dedupe_key) index, so keys already handled cost one index lookup.
 */
import { sql, type Selectable } from 'kysely';
import type { ApiKeysTable } from '../database.ts';
import type { ApiKeyRecord } from '../rows.ts';
import type { KeyReminderStore } from '../store.ts';
import { decodeJson, type SqlContext } from './context.ts';

function toRecord(ctx: SqlContext, row: Selectable<ApiKeysTable>): ApiKeyRecord {
  return {
    orgId: row.org_id,
    id: row.id,
    type: row.type === 'api' ? 'api' : 'scim',
    description: row.description,
    prefix: row.prefix,
    secretHash: row.secret_hash,
    scopes: (decodeJson(ctx.caps, row.scopes) ?? []) as string[],
    ipAllowlist: (decodeJson(ctx.caps, row.ip_allowlist) ?? []) as string[],
    expiresAt: row.expires_at,
    createdAt: row.created_at,
    createdBy: row.created_by,
    lastUsedAt: row.last_used_at,
    revokedAt: row.revoked_at,
  };
}

/** The key reminder sub-store. */
export function keyReminderStore(ctx: SqlContext): KeyReminderStore {
  return {
    async due(kind, window, limit) {
      let query = ctx.db
        .selectFrom('api_keys as k')
        .selectAll('k')
        .where('k.revoked_at', 'is', null)
        .where('k.expires_at', 'is not', null)
        .where('k.expires_at', '<=', window.expiresBefore);
      if (window.expiresFrom !== undefined) query = query.where('k.expires_at', '>', window.expiresFrom);
      const rows = await query
        .where(({ not, exists, selectFrom }) =>
          not(
            exists(
              selectFrom('jobs as j')
                .select('j.id')
                .whereRef('j.org_id', '=', 'k.org_id')
                .where('j.kind', '=', kind)
                .where('j.dedupe_key', '=', sql<string>`${kind + ':'} || k.id`),
            ),
          ),
        )
        .orderBy('k.expires_at')
        .orderBy('k.id')
        .limit(limit)
        .execute();
      return rows.map((row) => toRecord(ctx, row));
    },
  };
}
