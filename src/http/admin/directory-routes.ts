/**
 * Read access to the provisioned directory for the host application: users
 * (with a SCIM filter), groups without their member lists, a group's members page by page, the
 * members view (users whose role is not Employee), and one user's own history. Every listing pages
 * with an opaque cursor (RFC 9865), so the last page of a million users costs what the first does;
 * only the first page counts `totalResults`.
 */
import { z } from 'zod';
import type { OperationContext } from '../../services/context.ts';
import type { DirectoryPage } from '../../services/directory.ts';
import { pageSize, type AdminContext } from './deps.ts';
import { defineRoute, type AdminRoute } from './route.ts';
import { AuditEventList, MemberList, ResourceList, ScimResource } from './schemas.ts';
import { PageQuery } from './organization-routes.ts';

const TAG = 'Directory';
const ORG = '/organizations/{orgId}';

const ListQuery = PageQuery.extend({
  filter: z.string().optional(),
  /** `false` skips counting `totalResults` on the first page (a client can ask for the count separately). */
  total: z.enum(['true', 'false']).optional(),
});

function directoryQuery(admin: AdminContext, query: z.infer<typeof ListQuery>) {
  return {
    count: pageSize(admin, query.count),
    ...(query.cursor ? { cursor: query.cursor } : {}),
    ...(query.filter === undefined ? {} : { filter: query.filter }),
    ...(query.total === 'false' ? { withTotal: false } : {}),
  };
}

function resourcePage(page: DirectoryPage) {
  return {
    items: page.resources,
    ...(page.totalResults === undefined ? {} : { totalResults: page.totalResults }),
    ...(page.nextCursor === undefined ? {} : { nextCursor: page.nextCursor }),
  };
}

function userRoutes(admin: AdminContext): AdminRoute[] {
  const ctx = (operation: (orgId: string) => OperationContext, params: Readonly<Record<string, string>>) => operation(params['orgId'] ?? '');
  return [
    defineRoute({
      method: 'get',
      path: `${ORG}/users`,
      summary: 'List users',
      tag: TAG,
      access: { kind: 'org', scope: 'users:read' },
      query: ListQuery,
      responses: { 200: { description: 'A page of users in id order; `filter` takes SCIM filter syntax; `totalResults` on the first page unless `total=false`', schema: ResourceList } },
      handle: async ({ params, query }) => ({ status: 200, body: resourcePage(await admin.directory.listUsers(params['orgId'] ?? '', directoryQuery(admin, query))) }),
    }),
    defineRoute({
      method: 'get',
      path: `${ORG}/users/{userId}`,
      summary: 'Show a user',
      tag: TAG,
      access: { kind: 'org', scope: 'users:read' },
      responses: { 200: { description: 'The SCIM User with its groups', schema: ScimResource } },
      handle: async ({ params, operation }) => ({ status: 200, body: (await admin.users.get(ctx(operation, params), params['userId'] ?? '', { withGroups: true })).resource }),
    }),
    defineRoute({
      method: 'get',
      path: `${ORG}/users/{userId}/history`,
      summary: 'Show a user\'s history',
      tag: TAG,
      access: { kind: 'org', scope: 'audit:read' },
      query: PageQuery,
      responses: { 200: { description: 'Everything that happened to the user, newest first', schema: AuditEventList } },
      async handle({ params, query }) {
        const page = await admin.audit.userHistory(params['orgId'] ?? '', params['userId'] ?? '', { limit: pageSize(admin, query.count), ...(query.cursor ? { cursor: query.cursor } : {}) });
        return { status: 200, body: { items: page.events, ...(page.nextCursor ? { nextCursor: page.nextCursor } : {}) } };
      },
    }),
    defineRoute({
      method: 'get',
      path: `${ORG}/members`,
      summary: 'List members',
      tag: TAG,
      access: { kind: 'org', scope: 'users:read' },
      query: PageQuery,
      responses: { 200: { description: 'Users whose userType is set and is not Employee, each with `role`: the role held and whether its userType named it (`assignedBy`)', schema: ResourceList } },
      async handle({ params, query }) {
        const page = await admin.roles.members(params['orgId'] ?? '', { count: pageSize(admin, query.count), ...(query.cursor ? { cursor: query.cursor } : {}) });
        return { status: 200, body: { items: page.users.map((u) => ({ ...u.resource, role: u.role })), ...(page.nextCursor ? { nextCursor: page.nextCursor } : {}) } };
      },
    }),
  ];
}

function groupRoutes(admin: AdminContext): AdminRoute[] {
  return [
    defineRoute({
      method: 'get',
      path: `${ORG}/groups`,
      summary: 'List groups',
      tag: TAG,
      access: { kind: 'org', scope: 'groups:read' },
      query: ListQuery,
      responses: { 200: { description: 'A page of groups without their members; `totalResults` on the first page', schema: ResourceList } },
      handle: async ({ params, query }) => ({ status: 200, body: resourcePage(await admin.directory.listGroups(params['orgId'] ?? '', directoryQuery(admin, query))) }),
    }),
    defineRoute({
      method: 'get',
      path: `${ORG}/groups/{groupId}`,
      summary: 'Show a group',
      tag: TAG,
      access: { kind: 'org', scope: 'groups:read' },
      responses: { 200: { description: 'The SCIM Group without its members (page them with /members)', schema: ScimResource } },
      handle: async ({ params, operation }) => ({ status: 200, body: (await admin.groups.get(operation(params['orgId'] ?? ''), params['groupId'] ?? '')).resource }),
    }),
    defineRoute({
      method: 'get',
      path: `${ORG}/groups/{groupId}/members`,
      summary: 'List a group\'s members',
      tag: TAG,
      access: { kind: 'org', scope: 'groups:read' },
      query: PageQuery,
      responses: { 200: { description: 'A page of direct members in id order', schema: MemberList } },
      async handle({ params, query }) {
        const page = await admin.directory.groupMembers(params['orgId'] ?? '', params['groupId'] ?? '', { count: pageSize(admin, query.count), ...(query.cursor ? { cursor: query.cursor } : {}) });
        return { status: 200, body: { items: page.members, ...(page.nextCursor ? { nextCursor: page.nextCursor } : {}) } };
      },
    }),
  ];
}

/** The directory routes. */
export function directoryRoutes(admin: AdminContext): AdminRoute[] {
  return [...userRoutes(admin), ...groupRoutes(admin)];
}
