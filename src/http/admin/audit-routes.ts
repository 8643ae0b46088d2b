/**
 * The revision history: a filtered page with a cursor, and the export as CSV or
 * JSON streamed chunk by chunk (the service reads keyset batches, the response pulls one chunk at
 * a time), so exporting a million events holds only a batch in memory.
 */
import { z } from 'zod';
import type { AdminContext } from './deps.ts';
import { defineRoute, type AdminRoute } from './route.ts';
import { AuditEventList } from './schemas.ts';
import { PageQuery } from './organization-routes.ts';
import { pageSize } from './deps.ts';

const TAG = 'Revision history';
const AUDIT = '/organizations/{orgId}/audit';

const Filters = z.strictObject({
  from: z.string().optional(),
  to: z.string().optional(),
  actorType: z.enum(['scim', 'admin', 'system']).optional(),
  actorId: z.string().optional(),
  action: z.string().optional(),
  resourceId: z.string().optional(),
  order: z.enum(['newest', 'oldest']).optional(),
});

const definedOnly = <T extends object>(value: T): T => Object.fromEntries(Object.entries(value).filter(([, v]) => v !== undefined)) as T;

/** A byte stream that pulls the next text chunk only when the client has taken the last one. */
export function streamOf(chunks: AsyncGenerator<string>): ReadableStream<Uint8Array> {
  const encoder = new TextEncoder();
  return new ReadableStream<Uint8Array>({
    async pull(controller) {
      const next = await chunks.next();
      if (next.done) controller.close();
      else controller.enqueue(encoder.encode(next.value));
    },
    async cancel() {
      await chunks.return(undefined);
    },
  });
}

/** The revision-history routes. */
export function auditRoutes(admin: AdminContext): AdminRoute[] {
  return [
    defineRoute({
      method: 'get',
      path: AUDIT,
      summary: 'Query the revision history',
      tag: TAG,
      access: { kind: 'org', scope: 'audit:read' },
      query: Filters.extend(PageQuery.shape),
      responses: { 200: { description: 'Matching events, newest first unless order=oldest', schema: AuditEventList } },
      async handle({ params, query }) {
        const { count, cursor, ...filters } = query;
        const page = await admin.audit.query(params['orgId'] ?? '', { ...definedOnly(filters), limit: pageSize(admin, count), ...(cursor ? { cursor } : {}) });
        return { status: 200, body: { items: page.events, ...(page.nextCursor ? { nextCursor: page.nextCursor } : {}) } };
      },
    }),
    defineRoute({
      method: 'get',
      path: `${AUDIT}/export`,
      summary: 'Export the revision history',
      tag: TAG,
      access: { kind: 'org', scope: 'audit:read' },
      query: Filters.extend({ format: z.enum(['csv', 'json']).default('csv') }),
      responses: {
        200: { description: 'Every matching event, oldest first, streamed as CSV (with a header line) or as a JSON array', contentType: 'text/csv' },
      },
      async handle({ params, query }) {
        const { format, ...filters } = query;
        const orgId = params['orgId'] ?? '';
        const chunks = admin.audit.export(orgId, definedOnly(filters), format);
        const type = format === 'csv' ? 'text/csv; charset=utf-8' : 'application/json; charset=utf-8';
        return new Response(streamOf(chunks), {
          status: 200,
          headers: { 'Content-Type': type, 'Content-Disposition': `attachment; filename="audit-${orgId}.${format}"`, 'Cache-Control': 'no-store' },
        });
      },
    }),
  ];
}
