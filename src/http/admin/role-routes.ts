/** Roles: the predefined ones and custom ones; a role users hold cannot change. */
import type { AdminContext } from './deps.ts';
import { defineRoute, type AdminRoute } from './route.ts';
import { NewRole, Role, RoleList, RoleRename } from './schemas.ts';

const TAG = 'Roles';
const ROLES = '/organizations/{orgId}/roles';

/** The role routes. */
export function roleRoutes(admin: AdminContext): AdminRoute[] {
  return [
    defineRoute({
      method: 'get',
      path: ROLES,
      summary: 'List roles',
      tag: TAG,
      access: { kind: 'org', scope: 'roles:read' },
      responses: { 200: { description: 'Every role with its number of users', schema: RoleList } },
      handle: async ({ params }) => ({ status: 200, body: { items: await admin.roles.list(params['orgId'] ?? '') } }),
    }),
    defineRoute({
      method: 'post',
      path: ROLES,
      summary: 'Create a role',
      tag: TAG,
      access: { kind: 'org', scope: 'roles:write' },
      body: NewRole,
      responses: { 201: { description: 'The new role', schema: Role } },
      handle: async ({ params, body, operation }) => ({ status: 201, body: await admin.roles.create(operation(params['orgId'] ?? ''), body) }),
    }),
    defineRoute({
      method: 'patch',
      path: `${ROLES}/{roleId}`,
      summary: 'Rename a role',
      tag: TAG,
      access: { kind: 'org', scope: 'roles:write' },
      body: RoleRename,
      responses: { 200: { description: 'The renamed role', schema: Role } },
      handle: async ({ params, body, operation }) => ({ status: 200, body: await admin.roles.rename(operation(params['orgId'] ?? ''), params['roleId'] ?? '', body.name) }),
    }),
    defineRoute({
      method: 'delete',
      path: `${ROLES}/{roleId}`,
      summary: 'Delete a role',
      tag: TAG,
      access: { kind: 'org', scope: 'roles:write' },
      responses: { 204: { description: 'Deleted' } },
      async handle({ params, operation }) {
        await admin.roles.remove(operation(params['orgId'] ?? ''), params['roleId'] ?? '');
        return { status: 204 };
      },
    }),
  ];
}
