/**
 * What a caller of the admin API may do. Every route names one scope. An `api`
 * key holds the scopes it was created with; `x:write` includes `x:read`, and `org:write` includes
 * `org:scim` (the SCIM toggle). A setup link holds SETUP_LINK_SCOPES — its organization's toggle,
 * keys and history — and an operator holds every scope in every organization.
 */
import { ScimError } from '../../core/scim-error.ts';

/** Every scope an `api` key can be given. */
export const SCOPES = [
  'org:read',
  'org:write',
  'org:scim',
  'keys:read',
  'keys:write',
  'users:read',
  'groups:read',
  'roles:read',
  'roles:write',
  'schemas:read',
  'schemas:write',
  'audit:read',
  'mail:read',
  'activity:read',
  'events:read',
  'webhooks:read',
  'webhooks:write',
  'provisioning:read',
  'provisioning:write',
] as const;

export type Scope = (typeof SCOPES)[number];

/** What a setup link lets a customer admin do in its organization. */
export const SETUP_LINK_SCOPES: readonly Scope[] = ['org:read', 'org:scim', 'keys:read', 'keys:write', 'audit:read'];

const IMPLIED: Readonly<Partial<Record<Scope, readonly Scope[]>>> = {
  'org:write': ['org:read', 'org:scim'],
  'keys:write': ['keys:read'],
  'roles:write': ['roles:read'],
  'schemas:write': ['schemas:read'],
  'webhooks:write': ['webhooks:read'],
  'provisioning:write': ['provisioning:read'],
};

/** True for one of SCOPES. */
export function isScope(value: unknown): value is Scope {
  return typeof value === 'string' && (SCOPES as readonly string[]).includes(value);
}

/** The scopes held, with the ones they imply. */
export function effectiveScopes(held: readonly string[]): ReadonlySet<Scope> {
  const out = new Set<Scope>();
  for (const scope of held) {
    if (!isScope(scope)) continue;
    out.add(scope);
    for (const implied of IMPLIED[scope] ?? []) out.add(implied);
  }
  return out;
}

/** Checks requested key scopes: known names, no duplicates; 400 `invalidValue` otherwise. */
export function parseScopes(requested: readonly string[]): Scope[] {
  const unknown = requested.filter((s) => !isScope(s));
  if (unknown.length > 0) {
    throw new ScimError(400, 'invalidValue', `Unknown scope(s) ${unknown.map((s) => `"${s}"`).join(', ')}; valid scopes: ${SCOPES.join(', ')}`);
  }
  return [...new Set(requested as Scope[])];
}
