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
