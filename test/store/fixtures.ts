/** Small builders for store tests: canonical SCIM resources as an IdP would send them. */
import type { ScimResource } from '../../src/core/schema/types.ts';
import { URN } from '../../src/core/urns.ts';

export function user(userName: string, extra: ScimResource = {}): ScimResource {
  return {
    schemas: [URN.user],
    userName,
    active: true,
    name: { givenName: 'Given', familyName: 'Family' },
    emails: [{ value: userName.includes('@') ? userName : `${userName}@example.com`, type: 'work', primary: true }],
    ...extra,
  };
}

export function group(displayName: string, extra: ScimResource = {}): ScimResource {
  return { schemas: [URN.group], displayName, ...extra };
}

/**
 * A user record as written (create, replace) compared with what a read returns: a written record
 * carries the JSON text it was stored from on both databases, a read only where the database keeps
 * JSON as text (SQLite); PostgreSQL's JSONB comes back parsed.
 */
export function asRead<T extends { readonly resourceJson?: string }>(dialect: string, record: T): T {
  if (dialect === 'sqlite') return record;
  const { resourceJson: _text, ...rest } = record;
  return rest as T;
}
