/**
 * The one place SQLite unique violations become ScimError 409 `uniqueness` (STYLE.md, Errors).
 * better-sqlite3 reports them as `SQLITE_CONSTRAINT_UNIQUE` / `SQLITE_CONSTRAINT_PRIMARYKEY` with
 * the message `UNIQUE constraint failed: users.org_id, users.user_name_lc`.
 */
import type { ScimError } from '../../core/scim-error.ts';
import type { AttemptedValues } from '../sql/context.ts';
import { attributeOfConstraint, uniquenessError } from '../unique-constraints.ts';

const CODES = new Set(['SQLITE_CONSTRAINT_UNIQUE', 'SQLITE_CONSTRAINT_PRIMARYKEY']);

/** Maps a unique violation to 409 naming the attribute and the attempted value; else `undefined`. */
export function sqliteUniqueViolation(error: unknown, attempted: AttemptedValues): ScimError | undefined {
  if (!(error instanceof Error) || !CODES.has((error as { code?: string }).code ?? '')) return undefined;
  const match = /constraint failed: (.+)$/.exec(error.message);
  const qualified = (match?.[1] ?? '').split(',').map((c) => c.trim());
  const table = qualified[0]?.split('.')[0] ?? '';
  const columns = qualified.map((c) => c.split('.')[1] ?? '');
  const attribute = attributeOfConstraint(table, columns) ?? 'value';
  return uniquenessError(attribute, attempted[attribute]);
}
