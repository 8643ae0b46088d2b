/**
 * Operators and their sessions over Kysely. E-mails are unique case-insensitively
 * through the `email_lc` column; sessions are found by the SHA-256 of their bearer token.
 */
import type { Selectable } from 'kysely';
import type { OperatorSessionsTable, OperatorsTable } from '../database.ts';
import type { OperatorRecord, OperatorSessionRecord } from '../records.ts';
import type { OperatorStore } from '../store.ts';
import { withUniqueness, type SqlContext } from './context.ts';

function toOperator(row: Selectable<OperatorsTable>): OperatorRecord {
  return {
    id: row.id,
    email: row.email,
    passwordHash: row.password_hash,
    createdAt: row.created_at,
    updatedAt: row.updated_at,
    lastLoginAt: row.last_login_at,
  };
}

function toSession(row: Selectable<OperatorSessionsTable>): OperatorSessionRecord {
  return { id: row.id, operatorId: row.operator_id, tokenHash: row.token_hash, createdAt: row.created_at, expiresAt: row.expires_at };
}

/** The operator sub-store. */
export function operatorStore(ctx: SqlContext): OperatorStore {
  const operators = () => ctx.db.selectFrom('operators').selectAll();
  return {
    async create(input) {
      const now = ctx.now();
      const row = {
        id: input.id ?? ctx.newId(),
        email: input.email,
        email_lc: input.email.toLowerCase(),
        password_hash: input.passwordHash,
        created_at: now,
        updated_at: now,
        last_login_at: null,
      };
      await withUniqueness(ctx, { email: input.email, id: row.id }, () => ctx.db.insertInto('operators').values(row).execute());
      return toOperator(row);
    },
    async get(id) {
      const row = await operators().where('id', '=', id).executeTakeFirst();
      return row ? toOperator(row) : undefined;
    },
    async findByEmail(email) {
      const row = await operators().where('email_lc', '=', email.toLowerCase()).executeTakeFirst();
      return row ? toOperator(row) : undefined;
    },
    async list() {
      return (await operators().orderBy('id').execute()).map(toOperator);
    },
    async setPasswordHash(id, passwordHash) {
      const result = await ctx.db.updateTable('operators').set({ password_hash: passwordHash, updated_at: ctx.now() }).where('id', '=', id).executeTakeFirst();
      return Number(result.numUpdatedRows) > 0;
    },
    async recordLogin(id, at) {
      await ctx.db.updateTable('operators').set({ last_login_at: at }).where('id', '=', id).execute();
    },
    async createSession(input) {
      const row = { id: input.id ?? ctx.newId(), operator_id: input.operatorId, token_hash: input.tokenHash, created_at: ctx.now(), expires_at: input.expiresAt };
      await ctx.db.insertInto('operator_sessions').values(row).execute();
      return toSession(row);
    },
    async findSession(tokenHash) {
      const row = await ctx.db.selectFrom('operator_sessions').selectAll().where('token_hash', '=', tokenHash).executeTakeFirst();
      return row ? toSession(row) : undefined;
    },
    async deleteSession(id) {
      const result = await ctx.db.deleteFrom('operator_sessions').where('id', '=', id).executeTakeFirst();
      return Number(result.numDeletedRows) > 0;
    },
    async deleteExpiredSessions(before) {
      const result = await ctx.db.deleteFrom('operator_sessions').where('expires_at', '<', before).executeTakeFirst();
      return Number(result.numDeletedRows);
    },
  };
}
