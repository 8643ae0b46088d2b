/**
 * The key-expiry sweep's one query: keys of every organization whose expiry falls
 * in a window and that have no reminder job of a kind yet. The NOT EXISTS probe uses the jobs
 * table's unique (org_id, kind, dedupe_key) index, so keys already handled cost one index lookup.
 */
import { sql } from 'kysely';
import type { KeyReminderStore } from '../store.ts';
import { toApiKeyRecord } from './api-keys.ts';
import type { SqlContext } from './context.ts';

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
      return rows.map((row) => toApiKeyRecord(ctx, row));
    },
  };
}
