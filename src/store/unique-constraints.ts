/**
 * Which SCIM (or admin) attribute each unique constraint of the layout protects, keyed by
 * `table.column` of the constraint's distinguishing column. Both dialects' error mappers use it to
 * name the attribute in the 409 detail (RFC 7644 §3.3: "uniqueness").
 */
import { ScimError } from '../core/scim-error.ts';

const ATTRIBUTE_OF_COLUMN: Readonly<Record<string, string>> = {
  'users.user_name_lc': 'userName',
  'users.id': 'id',
  'groups.display_name_lc': 'displayName',
  'groups.id': 'id',
  'organizations.slug': 'slug',
  'organizations.id': 'id',
  'roles.name': 'name',
  'roles.id': 'id',
  'api_keys.secret_hash': 'secretHash',
  'api_keys.id': 'id',
  'audit_events.id': 'id',
  'outbox_events.id': 'id',
  'jobs.id': 'id',
  'operators.email_lc': 'email',
  'operators.id': 'id',
};

/** The attribute a violated constraint over `table(columns…)` protects; the last non-`org_id` column decides. */
export function attributeOfConstraint(table: string, columns: readonly string[]): string | undefined {
  const significant = columns.filter((c) => c !== 'org_id');
  const column = significant[significant.length - 1] ?? columns[columns.length - 1];
  return column === undefined ? undefined : ATTRIBUTE_OF_COLUMN[`${table}.${column}`];
}

/** The 409 for an attribute whose value is already taken in the organization. */
export function uniquenessError(attribute: string, value: string | null | undefined): ScimError {
  const shown = attribute === 'secretHash' ? '' : value === undefined || value === null ? '' : ` "${value}"`;
  return new ScimError(409, 'uniqueness', `${attribute}${shown} is already in use in this organization.`);
}
