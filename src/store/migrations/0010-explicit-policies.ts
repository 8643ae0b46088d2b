/**
 * Migration 0010: organizations created before policy presets keep the rules they had. Until then
 * an absent policy meant the e-mail rules (userName an e-mail address, displayName derived from the
 * name, userType naming a role); new organizations now store every policy of their preset and an
 * absent policy means the open default. This writes the old meaning into every existing
 * organization's settings, so the change of default never loosens one of them.
 */
import { sql, type Kysely, type Migration } from 'kysely';
import type { DdlDetails } from './ddl.ts';

/** What an absent policy meant before presets existed. */
const POLICIES_BEFORE_PRESETS: Readonly<Record<string, unknown>> = {
  userNameMustBeEmail: true,
  allowedDomains: [],
  userNameImmutable: false,
  deriveDisplayName: true,
  userTypeMustNameRole: true,
  defaultRole: 'Employee',
};

interface OrganizationSettingsRow {
  readonly id: string;
  readonly settings: unknown;
}

export function explicitPoliciesMigration(ddl: DdlDetails): Migration {
  return {
    async up(db: Kysely<unknown>) {
      const { rows } = await sql<OrganizationSettingsRow>`SELECT id, settings FROM organizations`.execute(db);
      for (const row of rows) {
        const settings = (ddl.json === 'text' && typeof row.settings === 'string' ? JSON.parse(row.settings) : row.settings ?? {}) as Record<string, unknown>;
        const stored = (settings['policies'] ?? {}) as Record<string, unknown>;
        const policies = { ...POLICIES_BEFORE_PRESETS, ...stored };
        const json = JSON.stringify({ ...settings, policies });
        await sql`UPDATE organizations SET settings = ${json} WHERE id = ${row.id}`.execute(db);
      }
    },
  };
}
