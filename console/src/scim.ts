/** Reading SCIM resources (RFC 7643 §4) for display, and building search filters (RFC 7644 §3.4.2.2). */
import type { ScimResource } from './api/types';

const str = (value: unknown): string | undefined => (typeof value === 'string' && value !== '' ? value : undefined);
const obj = (value: unknown): Record<string, unknown> => (value !== null && typeof value === 'object' ? (value as Record<string, unknown>) : {});

export const userNameOf = (user: ScimResource): string => str(user['userName']) ?? user.id;

/** displayName, else name.formatted, else given + family name. */
export function personNameOf(user: ScimResource): string {
  const name = obj(user['name']);
  return str(user['displayName']) ?? str(name['formatted']) ?? ([str(name['givenName']), str(name['familyName'])].filter(Boolean).join(' ') || '—');
}

export const roleOf = (user: ScimResource): string => str(user['userType']) ?? '—';
export const isActive = (resource: ScimResource): boolean => resource['active'] !== false;
export const updatedOf = (resource: ScimResource): string | undefined => str(obj(resource['meta'])['lastModified']);
export const createdOf = (resource: ScimResource): string | undefined => str(obj(resource['meta'])['created']);
export const groupNameOf = (group: ScimResource): string => str(group['displayName']) ?? group.id;

export function primaryEmailOf(user: ScimResource): string | undefined {
  const emails = Array.isArray(user['emails']) ? (user['emails'] as unknown[]).map(obj) : [];
  return str((emails.find((e) => e['primary'] === true) ?? emails[0])?.['value']);
}

export function groupsOf(user: ScimResource): { value: string; display: string }[] {
  const groups = Array.isArray(user['groups']) ? (user['groups'] as unknown[]).map(obj) : [];
  return groups.map((g) => ({ value: str(g['value']) ?? '', display: str(g['display']) ?? str(g['value']) ?? '' })).filter((g) => g.value !== '');
}

/** A SCIM string literal: quotes and backslashes escaped. */
export const scimString = (value: string): string => `"${value.replace(/\\/g, '\\\\').replace(/"/g, '\\"')}"`;

export type UserSearchField = 'userName' | 'name' | 'email' | 'externalId' | 'filter';

/** The SCIM filter a users search box stands for. */
export function userFilter(field: UserSearchField, text: string): string | undefined {
  const term = text.trim();
  if (term === '') return undefined;
  const q = scimString(term);
  switch (field) {
    case 'userName':
      return `userName co ${q}`;
    case 'name':
      return `displayName co ${q} or name.givenName co ${q} or name.familyName co ${q} or name.formatted co ${q}`;
    case 'email':
      return `emails.value co ${q}`;
    case 'externalId':
      return `externalId eq ${q}`;
    case 'filter':
      return term;
  }
}

export const ENTERPRISE_USER = 'urn:ietf:params:scim:schemas:extension:enterprise:2.0:User';

/** The extension blocks of a resource (RFC 7643 §3.3): each top-level key that is a schema URN holding an object. */
export function extensionsOf(resource: ScimResource): { urn: string; values: Record<string, unknown> }[] {
  return Object.entries(resource)
    .filter(([key, value]) => /^urn:/i.test(key) && value !== null && typeof value === 'object' && !Array.isArray(value))
    .map(([urn, value]) => ({ urn, values: value as Record<string, unknown> }))
    .sort((a, b) => (a.urn === ENTERPRISE_USER ? -1 : b.urn === ENTERPRISE_USER ? 1 : a.urn.localeCompare(b.urn)));
}

/** The value of `attribute` in the resource's `urn` extension block (names compare case-insensitively), written out short. */
export function extensionValueOf(resource: ScimResource, urn: string, attribute: string): string {
  const block = obj(Object.entries(resource).find(([key]) => key.toLowerCase() === urn.toLowerCase())?.[1]);
  const value = Object.entries(block).find(([key]) => key.toLowerCase() === attribute.toLowerCase())?.[1];
  const short = (v: unknown): string =>
    v === undefined || v === null || v === '' ? '' : typeof v === 'object' ? (str(obj(v)['displayName']) ?? str(obj(v)['value']) ?? JSON.stringify(v)) : String(v);
  return (Array.isArray(value) ? value.map(short).filter(Boolean).join(', ') : short(value)) || '—';
}
