/**
 * Maps canonical SCIM resources (RFC 7643 §4) to what the store indexes: the hot single-valued
 * attributes as columns, and one value row per element of the User's multi-valued complex
 * attributes. `*Lc` values use JavaScript `toLowerCase()`, the same case-folding as the in-memory
 * filter matcher. Dialect-neutral: the SQL layer encodes booleans and JSON.
 */
import { ScimError } from '../core/scim-error.ts';
import type { ScimResource } from '../core/schema/types.ts';

/** Multi-valued complex attributes of the core User schema that get one value row per element. */
export const USER_VALUE_ATTRIBUTES = [
  'emails',
  'phoneNumbers',
  'ims',
  'photos',
  'addresses',
  'entitlements',
  'roles',
  'x509Certificates',
] as const;

/** Attributes never stored in the resource JSON: computed (`groups`, `members`) or secret (`password`). */
const USER_STRIPPED = ['groups', 'password'];
const GROUP_STRIPPED = ['members'];

export interface UserColumns {
  readonly userName: string;
  readonly userNameLc: string;
  readonly externalId: string | null;
  readonly active: boolean;
  readonly displayName: string | null;
  readonly displayNameLc: string | null;
  readonly userType: string | null;
  readonly primaryEmailLc: string | null;
  readonly givenName: string | null;
  readonly familyName: string | null;
}

export interface UserValueRow {
  readonly attr: string;
  readonly pos: number;
  readonly value: string | null;
  readonly valueLc: string | null;
  readonly type: string | null;
  readonly isPrimary: boolean;
  readonly elem: unknown;
}

export interface GroupColumns {
  readonly displayName: string;
  readonly displayNameLc: string;
  readonly externalId: string | null;
}

/** What the store writes into `meta` (RFC 7643 §3.1); `location` is added by the HTTP layer. */
export interface StoredMeta {
  readonly resourceType: 'User' | 'Group';
  readonly created: string;
  readonly lastModified: string;
  readonly version: number;
}

const text = (value: unknown): string | null => (typeof value === 'string' ? value : null);
const lower = (value: string | null): string | null => (value === null ? null : value.toLowerCase());
const isObject = (value: unknown): value is Record<string, unknown> =>
  typeof value === 'object' && value !== null && !Array.isArray(value);

/** The weak ETag of a version number (RFC 7644 §3.14), also stored as `meta.version`. */
export const metaVersionOf = (version: number): string => `W/"${version}"`;

/** The resource as stored: computed and secret attributes removed, `id` and `meta` set. */
export function storedResource(resource: ScimResource, id: string, meta: StoredMeta): ScimResource {
  const stripped = meta.resourceType === 'User' ? USER_STRIPPED : GROUP_STRIPPED;
  const out: ScimResource = {};
  for (const [key, value] of Object.entries(resource)) {
    if (!stripped.includes(key) && key !== 'id' && key !== 'meta') out[key] = value;
  }
  out['id'] = id;
  out['meta'] = {
    resourceType: meta.resourceType,
    created: meta.created,
    lastModified: meta.lastModified,
    version: metaVersionOf(meta.version),
  };
  return out;
}

function primaryEmail(resource: ScimResource): string | null {
  const emails = Array.isArray(resource['emails']) ? resource['emails'].filter(isObject) : [];
  const chosen = emails.find((e) => e['primary'] === true) ?? emails[0];
  return chosen ? text(chosen['value']) : null;
}

/** The indexed columns of a user; `userName` is required (RFC 7643 §4.1.1). */
export function userColumns(resource: ScimResource): UserColumns {
  const userName = text(resource['userName']);
  if (userName === null || userName === '') {
    throw new ScimError(400, 'invalidValue', 'userName is required and must be a non-empty string.');
  }
  const name = isObject(resource['name']) ? resource['name'] : {};
  const displayName = text(resource['displayName']);
  return {
    userName,
    userNameLc: userName.toLowerCase(),
    externalId: text(resource['externalId']),
    active: resource['active'] === true,
    displayName,
    displayNameLc: lower(displayName),
    userType: text(resource['userType']),
    primaryEmailLc: lower(primaryEmail(resource)),
    givenName: text(name['givenName']),
    familyName: text(name['familyName']),
  };
}

/** One row per element of each multi-valued complex User attribute, in array order. */
export function userValueRows(resource: ScimResource): UserValueRow[] {
  const rows: UserValueRow[] = [];
  for (const attr of USER_VALUE_ATTRIBUTES) {
    const values = resource[attr];
    if (!Array.isArray(values)) continue;
    values.forEach((elem: unknown, pos) => {
      const element = isObject(elem) ? elem : { value: elem };
      const value = text(element['value']);
      rows.push({
        attr,
        pos,
        value,
        valueLc: lower(value),
        type: text(element['type']),
        isPrimary: element['primary'] === true,
        elem: element,
      });
    });
  }
  return rows;
}

/** The indexed columns of a group; `displayName` is required (RFC 7643 §4.2). */
export function groupColumns(resource: ScimResource): GroupColumns {
  const displayName = text(resource['displayName']);
  if (displayName === null || displayName === '') {
    throw new ScimError(400, 'invalidValue', 'displayName is required and must be a non-empty string.');
  }
  return { displayName, displayNameLc: displayName.toLowerCase(), externalId: text(resource['externalId']) };
}
