/**
 * An organization's extension schemas (RFC 7643 §7): list, read, register or replace (PUT, the
 * definition plus `resourceType` and `required`), and remove — refused with 409 while users or
 * groups hold data under the schema, unless `?force=true` deletes that data in the same transaction.
 */
import { z } from 'zod';
import type { AdminContext } from './deps.ts';
import { defineRoute, type AdminRoute } from './route.ts';
import { SchemaExtension, SchemaExtensionInput, SchemaExtensionList, SchemaRemoval } from './schemas.ts';

const TAG = 'Schemas';
const SCHEMAS = '/organizations/{orgId}/schemas';

/** The extension schema routes. */
export function schemaRoutes(admin: AdminContext): AdminRoute[] {
  return [
    defineRoute({
      method: 'get',
      path: SCHEMAS,
      summary: 'List extension schemas',
      tag: TAG,
      access: { kind: 'org', scope: 'schemas:read' },
      responses: { 200: { description: "The organization's extension schemas, ordered by URN", schema: SchemaExtensionList } },
      handle: async ({ params }) => ({ status: 200, body: { items: await admin.schemaExtensions.list(params['orgId'] ?? '') } }),
    }),
    defineRoute({
      method: 'get',
      path: `${SCHEMAS}/{urn}`,
      summary: 'Read an extension schema',
      tag: TAG,
      access: { kind: 'org', scope: 'schemas:read' },
      responses: { 200: { description: 'The schema (URN matched regardless of case)', schema: SchemaExtension } },
      handle: async ({ params }) => ({ status: 200, body: await admin.schemaExtensions.get(params['orgId'] ?? '', params['urn'] ?? '') }),
    }),
    defineRoute({
      method: 'put',
      path: `${SCHEMAS}/{urn}`,
      summary: 'Register or replace an extension schema',
      tag: TAG,
      access: { kind: 'org', scope: 'schemas:write' },
      body: SchemaExtensionInput,
      responses: {
        200: { description: 'The replaced schema (its version raised)', schema: SchemaExtension },
        201: { description: 'The registered schema (version 1)', schema: SchemaExtension },
      },
      async handle({ params, body, operation }) {
        const { view, created } = await admin.schemaExtensions.put(operation(params['orgId'] ?? ''), params['urn'] ?? '', body);
        return { status: created ? 201 : 200, body: view };
      },
    }),
    defineRoute({
      method: 'delete',
      path: `${SCHEMAS}/{urn}`,
      summary: 'Remove an extension schema',
      tag: TAG,
      access: { kind: 'org', scope: 'schemas:write' },
      query: z.object({ force: z.enum(['true', 'false']).optional() }),
      responses: { 200: { description: 'Removed; with force=true, the data of every user or group that held some was removed too (each change in the history)', schema: SchemaRemoval } },
      handle: async ({ params, query, operation }) => ({
        status: 200,
        body: await admin.schemaExtensions.remove(operation(params['orgId'] ?? ''), params['urn'] ?? '', { force: query.force === 'true' }),
      }),
    }),
  ];
}
