/** Provisioning activity: counts per hour or day, the last success, the last errors. */
import { z } from 'zod';
import type { AdminContext } from './deps.ts';
import { defineRoute, type AdminRoute } from './route.ts';
import { Activity } from './schemas.ts';

const Query = z.strictObject({
  bucket: z.enum(['hour', 'day']).optional(),
  from: z.string().optional(),
  to: z.string().optional(),
  errors: z.coerce.number().int().min(0).max(100).optional(),
});

/** The activity route. */
export function activityRoutes(admin: AdminContext): AdminRoute[] {
  return [
    defineRoute({
      method: 'get',
      path: '/organizations/{orgId}/activity',
      summary: 'Show provisioning activity',
      tag: 'Provisioning activity',
      access: { kind: 'org', scope: 'activity:read' },
      query: Query,
      responses: { 200: { description: 'Creates, updates, deactivations, deletes and errors per bucket (last 24 hours or 30 days by default)', schema: Activity } },
      async handle({ params, query }) {
        const options = Object.fromEntries(Object.entries(query).filter(([, v]) => v !== undefined));
        return { status: 200, body: await admin.activity.summary(params['orgId'] ?? '', options) };
      },
    }),
  ];
}
