/**
 * API keys: list without secrets, generate (the secret is in this one response),
 * show, revoke. A caller that is not an operator can only grant scopes it holds itself, so a key or
 * a setup link cannot mint a key more powerful than itself.
 */
import { ScimError } from '../../core/scim-error.ts';
import type { AdminContext } from './deps.ts';
import type { AdminPrincipal } from './principal.ts';
import { defineRoute, type AdminRoute } from './route.ts';
import { ApiKey, ApiKeyList, CreatedApiKey, NewApiKey } from './schemas.ts';
import { parseScopes, type Scope } from './scopes.ts';

const TAG = 'API keys';
const KEYS = '/organizations/{orgId}/keys';

function grantable(principal: AdminPrincipal | undefined, requested: readonly string[]): Scope[] {
  const scopes = parseScopes(requested);
  if (principal === undefined || principal.kind === 'operator') return scopes;
  const missing = scopes.filter((s) => !principal.scopes.has(s));
  if (missing.length > 0) {
    throw new ScimError(403, undefined, `A key cannot be given scopes its creator does not hold: ${missing.join(', ')}`);
  }
  return scopes;
}

/** The API key routes. */
export function keyRoutes(admin: AdminContext): AdminRoute[] {
  return [
    defineRoute({
      method: 'get',
      path: KEYS,
      summary: 'List API keys',
      tag: TAG,
      access: { kind: 'org', scope: 'keys:read' },
      responses: { 200: { description: 'Every key of the organization, without secrets', schema: ApiKeyList } },
      handle: async ({ params }) => ({ status: 200, body: { items: await admin.apiKeys.list(params['orgId'] ?? '') } }),
    }),
    defineRoute({
      method: 'post',
      path: KEYS,
      summary: 'Generate an API key',
      tag: TAG,
      access: { kind: 'org', scope: 'keys:write' },
      body: NewApiKey,
      responses: { 201: { description: 'The key and its secret (shown only now)', schema: CreatedApiKey } },
      async handle({ params, body, principal, operation }) {
        const scopes = grantable(principal, body.scopes ?? []);
        const input = { ...body, scopes, ...(body.expiresAt === undefined ? {} : { expiresAt: body.expiresAt }) };
        return { status: 201, body: await admin.apiKeys.create(operation(params['orgId'] ?? ''), input) };
      },
    }),
    defineRoute({
      method: 'get',
      path: `${KEYS}/{keyId}`,
      summary: 'Show an API key',
      tag: TAG,
      access: { kind: 'org', scope: 'keys:read' },
      responses: { 200: { description: 'The key, without its secret', schema: ApiKey } },
      handle: async ({ params }) => ({ status: 200, body: await admin.apiKeys.get(params['orgId'] ?? '', params['keyId'] ?? '') }),
    }),
    defineRoute({
      method: 'delete',
      path: `${KEYS}/{keyId}`,
      summary: 'Revoke an API key',
      tag: TAG,
      access: { kind: 'org', scope: 'keys:write' },
      responses: { 200: { description: 'The revoked key; it fails from the next request', schema: ApiKey } },
      handle: async ({ params, operation }) => ({ status: 200, body: await admin.apiKeys.revoke(operation(params['orgId'] ?? ''), params['keyId'] ?? '') }),
    }),
  ];
}
