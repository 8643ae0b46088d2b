/** Setup links over Kysely: a token hash, an expiry, and a revocation time. */
import type { Selectable } from 'kysely';
import type { SetupLinksTable } from '../database.ts';
import type { SetupLinkRecord } from '../records.ts';
import type { SetupLinkStore } from '../store.ts';
import type { SqlContext } from './context.ts';

function toRecord(row: Selectable<SetupLinksTable>): SetupLinkRecord {
  return {
    orgId: row.org_id,
    id: row.id,
    tokenHash: row.token_hash,
    createdBy: row.created_by,
    createdAt: row.created_at,
    expiresAt: row.expires_at,
    revokedAt: row.revoked_at,
  };
}

/** The setup link sub-store. */
export function setupLinkStore(ctx: SqlContext): SetupLinkStore {
  const links = () => ctx.db.selectFrom('setup_links').selectAll();
  const get = async (orgId: string, id: string) => {
    const row = await links().where('org_id', '=', orgId).where('id', '=', id).executeTakeFirst();
    return row ? toRecord(row) : undefined;
  };
  return {
    async create(orgId, input) {
      const row = {
        org_id: orgId,
        id: input.id ?? ctx.newId(),
        token_hash: input.tokenHash,
        created_by: input.createdBy,
        created_at: ctx.now(),
        expires_at: input.expiresAt,
        revoked_at: null,
      };
      await ctx.db.insertInto('setup_links').values(row).execute();
      return toRecord(row);
    },
    async findByHash(tokenHash) {
      const row = await links().where('token_hash', '=', tokenHash).executeTakeFirst();
      return row ? toRecord(row) : undefined;
    },
    get,
    async list(orgId) {
      return (await links().where('org_id', '=', orgId).orderBy('id', 'desc').execute()).map(toRecord);
    },
    async revoke(orgId, id, at) {
      await ctx.db.updateTable('setup_links').set({ revoked_at: at }).where('org_id', '=', orgId).where('id', '=', id).where('revoked_at', 'is', null).execute();
      return get(orgId, id);
    },
  };
}
