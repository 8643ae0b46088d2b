/** API keys over Kysely: only the secret's hash and a visible prefix are stored (DESIGN.md §3). */
import type { Selectable } from 'kysely';
import type { ApiKeysTable } from '../database.ts';
import type { ApiKeyRecord } from '../records.ts';
import type { ApiKeyStore } from '../store.ts';
import { decodeJson, encodeJson, withUniqueness, type SqlContext } from './context.ts';

/** An `api_keys` row as the record services see (also used by the reminder store). */
export function toApiKeyRecord(ctx: SqlContext, row: Selectable<ApiKeysTable>): ApiKeyRecord {
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

/** The API key sub-store. */
export function apiKeyStore(ctx: SqlContext): ApiKeyStore {
  const one = async (where: { orgId?: string; id?: string; secretHash?: string }) => {
    let query = ctx.db.selectFrom('api_keys').selectAll();
    if (where.orgId !== undefined) query = query.where('org_id', '=', where.orgId);
    if (where.id !== undefined) query = query.where('id', '=', where.id);
    if (where.secretHash !== undefined) query = query.where('secret_hash', '=', where.secretHash);
    const row = await query.executeTakeFirst();
    return row ? toApiKeyRecord(ctx, row) : undefined;
  };
  return {
    async create(orgId, input) {
      const row = {
        org_id: orgId,
        id: input.id ?? ctx.newId(),
        type: input.type,
        description: input.description,
        prefix: input.prefix,
        secret_hash: input.secretHash,
        scopes: encodeJson(input.scopes ?? []),
        ip_allowlist: encodeJson(input.ipAllowlist ?? []),
        expires_at: input.expiresAt ?? null,
        created_at: ctx.now(),
        created_by: input.createdBy ?? null,
        last_used_at: null,
        revoked_at: null,
      };
      await withUniqueness(ctx, { id: row.id }, () => ctx.db.insertInto('api_keys').values(row).execute());
      return { ...toApiKeyRecord(ctx, { ...row, scopes: null, ip_allowlist: null }), scopes: input.scopes ?? [], ipAllowlist: input.ipAllowlist ?? [] };
    },
    findByHash: (secretHash) => one({ secretHash }),
    get: (orgId, id) => one({ orgId, id }),
    findById: (id) => one({ id }),
    async list(orgId) {
      const rows = await ctx.db.selectFrom('api_keys').selectAll().where('org_id', '=', orgId).orderBy('id').execute();
      return rows.map((row) => toApiKeyRecord(ctx, row));
    },
    async revoke(orgId, id, at) {
      await ctx.db
        .updateTable('api_keys')
        .set({ revoked_at: at })
        .where('org_id', '=', orgId)
        .where('id', '=', id)
        .where('revoked_at', 'is', null)
        .execute();
      return one({ orgId, id });
    },
    async touchLastUsed(uses) {
      for (const use of uses) {
        await ctx.db
          .updateTable('api_keys')
          .set({ last_used_at: use.at })
          .where('id', '=', use.id)
          .where((eb) => eb.or([eb('last_used_at', 'is', null), eb('last_used_at', '<', use.at)]))
          .execute();
      }
    },
  };
}
