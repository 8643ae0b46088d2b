/**
 * Organizations: operators list, create and delete them; a caller with the
 * organization's scopes reads it, renames it, flips its SCIM toggle and changes its policies and
 * notification addresses.
 */
import type { Context } from 'hono';
import { z } from 'zod';
import type { OrganizationView } from '../../services/organizations.ts';
import { POLICY_PRESET_DESCRIPTIONS, POLICY_PRESET_NAMES, POLICY_PRESETS } from '../../services/policies.ts';
import { SCIM_PREFIX_PATH } from './paths.ts';
import type { AppEnv } from '../env.ts';
import { pageSize, type AdminContext } from './deps.ts';
import { holds } from './principal.ts';
import { defineRoute, type AdminRoute } from './route.ts';
import { NewOrganization, Notifications, Organization, OrganizationList, OrganizationRename, PolicyChange, Policies, PolicyPresetList, ScimToggle } from './schemas.ts';

const TAG = 'Organizations';
const ORG = '/organizations/{orgId}';

/** Paging of listings that page by cursor. */
export const PageQuery = z.strictObject({
  cursor: z.string().optional(),
  count: z.coerce.number().int().min(1).max(10_000).optional(),
});

/** The organization as the admin API shows it, with the Tenant URL. */
export function presentOrganization(admin: AdminContext, c: Context<AppEnv>, org: OrganizationView) {
  return {
    id: org.id,
    name: org.name,
    slug: org.slug,
    scimEnabled: org.scimEnabled,
    compatibilityProfile: org.compatibilityProfile,
    tenantUrl: `${admin.origin(c)}${SCIM_PREFIX_PATH}`,
    createdAt: org.createdAt,
    updatedAt: org.updatedAt,
  };
}

function lifecycleRoutes(admin: AdminContext): AdminRoute[] {
  const show = (c: Context<AppEnv>, org: OrganizationView) => presentOrganization(admin, c, org);
  return [
    defineRoute({
      method: 'get',
      path: '/organizations',
      summary: 'List organizations',
      tag: TAG,
      access: { kind: 'any' },
      query: PageQuery.extend({ search: z.string().max(200).optional() }),
      responses: { 200: { description: 'Operators see every organization (`search` keeps names or slugs containing it, any case); keys and setup links see their own', schema: OrganizationList } },
      async handle({ c, principal, query }) {
        if (principal?.kind !== 'operator') {
          const own = principal && holds(principal, principal.orgId, 'org:read') ? [show(c, await admin.organizations.get(principal.orgId))] : [];
          return { status: 200, body: { items: own } };
        }
        const limit = pageSize(admin, query.count);
        const rows = await admin.organizations.list({ limit: limit + 1, ...(query.cursor ? { after: query.cursor } : {}), ...(query.search ? { search: query.search } : {}) });
        const items = rows.slice(0, limit).map((org) => show(c, org));
        const last = items[items.length - 1];
        return { status: 200, body: rows.length > limit && last ? { items, nextCursor: last.id } : { items } };
      },
    }),
    defineRoute({
      method: 'post',
      path: '/organizations',
      summary: 'Create an organization',
      tag: TAG,
      access: { kind: 'operator' },
      body: NewOrganization,
      responses: { 201: { description: 'Created, with the predefined roles', schema: Organization } },
      handle: async ({ c, body, operation }) => ({ status: 201, body: show(c, await admin.organizations.create(operation('').actor, body)) }),
    }),
    defineRoute({
      method: 'get',
      path: ORG,
      summary: 'Show an organization',
      tag: TAG,
      access: { kind: 'org', scope: 'org:read' },
      responses: { 200: { description: 'The organization', schema: Organization } },
      handle: async ({ c, params }) => ({ status: 200, body: show(c, await admin.organizations.get(params['orgId'] ?? '')) }),
    }),
    defineRoute({
      method: 'patch',
      path: ORG,
      summary: 'Rename an organization',
      tag: TAG,
      access: { kind: 'org', scope: 'org:write' },
      body: OrganizationRename,
      responses: { 200: { description: 'Renamed', schema: Organization } },
      handle: async ({ c, params, body, operation }) => ({ status: 200, body: show(c, await admin.organizations.rename(operation(params['orgId'] ?? ''), body.name)) }),
    }),
    defineRoute({
      method: 'delete',
      path: ORG,
      summary: 'Delete an organization with all its data',
      tag: TAG,
      access: { kind: 'operator' },
      responses: { 204: { description: 'Deleted: users, groups, keys, roles, history, events' } },
      async handle({ params, operation }) {
        await admin.organizations.remove(operation(params['orgId'] ?? ''));
        return { status: 204 };
      },
    }),
  ];
}

function settingsRoutes(admin: AdminContext): AdminRoute[] {
  return [
    defineRoute({
      method: 'put',
      path: `${ORG}/scim`,
      summary: 'Turn SCIM provisioning on or off',
      tag: TAG,
      access: { kind: 'org', scope: 'org:scim' },
      body: ScimToggle,
      responses: { 200: { description: 'The organization; effective on the next SCIM request', schema: Organization } },
      handle: async ({ c, params, body, operation }) => ({
        status: 200,
        body: presentOrganization(admin, c, await admin.organizations.setScimEnabled(operation(params['orgId'] ?? ''), body.enabled)),
      }),
    }),
    defineRoute({
      method: 'get',
      path: `${ORG}/policies`,
      summary: 'Show the user policies',
      tag: TAG,
      access: { kind: 'org', scope: 'org:read' },
      responses: { 200: { description: 'The policies', schema: Policies } },
      handle: async ({ params }) => ({ status: 200, body: await admin.policies.get(params['orgId'] ?? '') }),
    }),
    defineRoute({
      method: 'patch',
      path: `${ORG}/policies`,
      summary: 'Change user policies',
      tag: TAG,
      access: { kind: 'org', scope: 'org:write' },
      body: PolicyChange,
      responses: { 200: { description: 'The policies after the change', schema: Policies } },
      handle: async ({ params, body, operation }) => ({ status: 200, body: await admin.policies.update(operation(params['orgId'] ?? ''), body) }),
    }),
    defineRoute({
      method: 'get',
      path: '/policy-presets',
      summary: 'List the policy presets',
      tag: TAG,
      access: { kind: 'any' },
      responses: { 200: { description: 'Every preset with the user policies it sets', schema: PolicyPresetList } },
      handle: async () => ({
        status: 200,
        body: { items: POLICY_PRESET_NAMES.map((name) => ({ name, description: POLICY_PRESET_DESCRIPTIONS[name], policies: { ...POLICY_PRESETS[name], allowedDomains: [...POLICY_PRESETS[name].allowedDomains] } })) },
      }),
    }),
    defineRoute({
      method: 'get',
      path: `${ORG}/notifications`,
      summary: 'Show the notification addresses',
      tag: TAG,
      access: { kind: 'org', scope: 'org:read' },
      responses: { 200: { description: 'Where key-expiry reminders go', schema: Notifications } },
      handle: async ({ params }) => ({ status: 200, body: { emails: await admin.reminders.notificationAddresses(params['orgId'] ?? '') } }),
    }),
    defineRoute({
      method: 'put',
      path: `${ORG}/notifications`,
      summary: 'Set the notification addresses',
      tag: TAG,
      access: { kind: 'org', scope: 'org:write' },
      body: Notifications,
      responses: { 200: { description: 'The addresses now set', schema: Notifications } },
      handle: async ({ params, body, operation }) => ({
        status: 200,
        body: { emails: await admin.reminders.setNotificationAddresses(operation(params['orgId'] ?? ''), body.emails) },
      }),
    }),
  ];
}

/** The organization routes. */
export function organizationRoutes(admin: AdminContext): AdminRoute[] {
  return [...lifecycleRoutes(admin), ...settingsRoutes(admin)];
}
