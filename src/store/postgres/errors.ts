/**
 * The one place PostgreSQL unique violations become ScimError 409 `uniqueness` (STYLE.md, Errors).
 * node-postgres reports SQLSTATE 23505 with `table` and a `detail` of the form
 * `Key (org_id, user_name_lc)=(…, bob) already exists.`
 */
import type { ScimError } from '../../core/scim-error.ts';
import type { AttemptedValues } from '../sql/context.ts';
import { attributeOfConstraint, uniquenessError } from '../unique-constraints.ts';

interface PgError {
  readonly code?: string;
  readonly table?: string;
  readonly detail?: string;
}

/** Maps a unique violation to 409 naming the attribute and the attempted value; else `undefined`. */
export function postgresUniqueViolation(error: unknown, attempted: AttemptedValues): ScimError | undefined {
  if (!(error instanceof Error) || (error as PgError).code !== '23505') return undefined;
  const { table = '', detail = '' } = error as PgError;
  const columns = (/^Key \(([^)]*)\)=/.exec(detail)?.[1] ?? '').split(',').map((c) => c.trim());
  const attribute = attributeOfConstraint(table, columns) ?? 'value';
  return uniquenessError(attribute, attempted[attribute]);
}
