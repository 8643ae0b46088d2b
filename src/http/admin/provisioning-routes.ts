/**
 * Provisioning jobs of an organization (`scimd sync job put`): list, status, provisioning logs
 * with filters and CSV/JSON download, provision on demand, approving held deletions, and start /
 * stop / restart. Thin handlers over src/services/provisioning.ts.
 */
import { z } from 'zod';
import type { AdminContext } from './deps.ts';
import { defineRoute, type AdminRoute } from './route.ts';
import { named } from './schemas.ts';

const TAG = 'Provisioning';
const JOBS = '/organizations/{orgId}/provisioning/jobs';
const JOB = `${JOBS}/{job}`;

const ProvisioningJob = named(
  'ProvisioningJob',
  'A provisioning job stored in the organization.',
  z.object({ name: z.string(), enabled: z.boolean(), intervalMinutes: z.number(), nextRunAt: z.string().nullable(), targetUrl: z.string().nullable(), lastStatus: z.string().nullable(), quarantined: z.boolean() }),
);
const ProvisioningJobList = named('ProvisioningJobList', 'The organization’s provisioning jobs.', z.object({ items: z.array(ProvisioningJob) }));
const ProvisioningStatus = named(
  'ProvisioningStatus',
  'A job’s status: the running cycle (kind, progress, counts so far), the last completed cycle and its totals, the next run, a hold at the deletion threshold, a pending approval, the quarantine.',
  z.looseObject({ job: z.string(), current: z.unknown(), lastCompleted: z.unknown(), nextRun: z.unknown(), held: z.unknown(), deletionApprovalPending: z.string().nullable(), quarantine: z.unknown(), disabledAt: z.string().nullable() }),
);
const ProvisioningStep = named(
  'ProvisioningStep',
  'One step an object went through (Import, Determine if in scope, Match, Perform action; Test connection in provision on demand): its status, one sentence, and details.',
  z.object({ name: z.string(), status: z.enum(['success', 'failure', 'skipped']), description: z.string(), details: z.looseObject({}) }),
);
const ProvisioningLogEntry = named(
  'ProvisioningLogEntry',
  'One provisioning-log entry: what a cycle did (or failed to do) to one object, with the steps the object went through (empty on entries written before steps were recorded).',
  z.object({
    job: z.string(),
    id: z.string(),
    runId: z.string(),
    at: z.string(),
    objectType: z.enum(['User', 'Group']),
    sourceKey: z.string(),
    targetId: z.string().nullable(),
    action: z.enum(['Create', 'Update', 'Disable', 'Delete', 'Other']),
    status: z.enum(['Success', 'Failure', 'Skipped', 'Warning']),
    reason: z.string().nullable(),
    errorCode: z.string().nullable(),
    modified: z.array(z.looseObject({ name: z.string() })),
    steps: z.array(ProvisioningStep),
  }),
);
const ProvisioningLogList = named('ProvisioningLogList', 'Provisioning-log entries, newest first.', z.object({ items: z.array(ProvisioningLogEntry) }));
const ProvisionRequest = named(
  'ProvisionRequest',
  'Provision on demand: exactly one of `user` (source key or userName) or `group` (source key or displayName; the group and up to 5 members).',
  z.union([z.strictObject({ user: z.string().min(1) }), z.strictObject({ group: z.string().min(1) })]),
);
const ProvisionReport = named(
  'ProvisionReport',
  'The steps of a provision on demand per object (Test connection, Import, Determine if in scope, Match, Perform action), each with status, description and details.',
  z.looseObject({ job: z.string(), runId: z.string(), status: z.enum(['success', 'failure', 'skipped']), objects: z.array(z.looseObject({ objectType: z.string(), sourceKey: z.string().nullable(), status: z.string(), steps: z.array(ProvisioningStep) })) }),
);

const DeletionApproval = named('DeletionApproval', 'An approval to go past the deletion threshold once (spent by the next cycle that completes).', z.object({ approvedAt: z.string() }));

const LogQuery = z.strictObject({
  status: z.enum(['Success', 'Failure', 'Skipped', 'Warning']).optional(),
  action: z.enum(['Create', 'Update', 'Disable', 'Delete', 'Other']).optional(),
  identity: z.string().min(1).optional(),
  runId: z.string().min(1).optional(),
  since: z.iso.datetime().optional(),
  until: z.iso.datetime().optional(),
  count: z.coerce.number().int().min(1).max(1000).optional(),
});

const filtersOf = (q: z.infer<typeof LogQuery>) => Object.fromEntries(Object.entries({ status: q.status, action: q.action, identity: q.identity, runId: q.runId, since: q.since, until: q.until }).filter(([, v]) => v !== undefined));

const control = (admin: AdminContext, verb: 'start' | 'stop' | 'restart', summary: string): AdminRoute =>
  defineRoute({
    method: 'post',
    path: `${JOB}/${verb}`,
    summary,
    tag: TAG,
    access: { kind: 'org', scope: 'provisioning:write' },
    responses: { 200: { description: 'The job’s status afterwards', schema: ProvisioningStatus } },
    async handle({ params }) {
      const orgId = params['orgId'] ?? '';
      const name = params['job'] ?? '';
      await admin.provisioning[verb](orgId, name);
      return { status: 200, body: await admin.provisioning.status(orgId, name) };
    },
  });

/** The provisioning routes. */
export function provisioningRoutes(admin: AdminContext): AdminRoute[] {
  return [
    defineRoute({
      method: 'get',
      path: JOBS,
      summary: 'List provisioning jobs',
      tag: TAG,
      access: { kind: 'org', scope: 'provisioning:read' },
      responses: { 200: { description: 'The organization’s jobs', schema: ProvisioningJobList } },
      handle: async ({ params }) => ({ status: 200, body: { items: await admin.provisioning.list(params['orgId'] ?? '') } }),
    }),
    defineRoute({
      method: 'get',
      path: JOB,
      summary: 'A provisioning job’s status',
      tag: TAG,
      access: { kind: 'org', scope: 'provisioning:read' },
      responses: { 200: { description: 'Current cycle with progress, last cycle, next run, hold, quarantine', schema: ProvisioningStatus } },
      handle: async ({ params }) => ({ status: 200, body: await admin.provisioning.status(params['orgId'] ?? '', params['job'] ?? '') }),
    }),
    defineRoute({
      method: 'get',
      path: `${JOB}/logs`,
      summary: 'Query provisioning logs',
      tag: TAG,
      access: { kind: 'org', scope: 'provisioning:read' },
      query: LogQuery,
      responses: { 200: { description: 'Matching entries, newest first (count: 100 by default)', schema: ProvisioningLogList } },
      handle: async ({ params, query }) => ({ status: 200, body: { items: await admin.provisioning.logs(params['orgId'] ?? '', params['job'] ?? '', filtersOf(query), query.count ?? 100) } }),
    }),
    defineRoute({
      method: 'get',
      path: `${JOB}/logs/export`,
      summary: 'Download provisioning logs',
      tag: TAG,
      access: { kind: 'org', scope: 'provisioning:read' },
      query: LogQuery.extend({ format: z.enum(['csv', 'json']).default('csv'), count: z.coerce.number().int().min(1).max(100_000).optional() }),
      responses: { 200: { description: 'Matching entries, newest first (count: 10,000 by default), as CSV with a header line or a JSON array', contentType: 'text/csv' } },
      async handle({ params, query }) {
        const name = params['job'] ?? '';
        const text = await admin.provisioning.exportLogs(params['orgId'] ?? '', name, filtersOf(query), query.format, query.count ?? 10_000);
        const type = query.format === 'csv' ? 'text/csv; charset=utf-8' : 'application/json; charset=utf-8';
        return new Response(text, { status: 200, headers: { 'Content-Type': type, 'Content-Disposition': `attachment; filename="provisioning-logs-${name}.${query.format}"`, 'Cache-Control': 'no-store' } });
      },
    }),
    defineRoute({
      method: 'post',
      path: `${JOB}/provision`,
      summary: 'Provision on demand',
      tag: TAG,
      access: { kind: 'org', scope: 'provisioning:write' },
      body: ProvisionRequest,
      responses: { 200: { description: 'The steps and their outcome (a failed step is still a 200: the report says what failed)', schema: ProvisionReport } },
      handle: async ({ params, body }) => ({ status: 200, body: await admin.provisioning.provision(params['orgId'] ?? '', params['job'] ?? '', body) }),
    }),
    defineRoute({
      method: 'post',
      path: `${JOB}/approve-deletions`,
      summary: 'Approve held deletions',
      tag: TAG,
      access: { kind: 'org', scope: 'provisioning:write' },
      responses: { 200: { description: 'The approval: the next cycle may go past the deletion threshold once', schema: DeletionApproval } },
      handle: async ({ params }) => ({ status: 200, body: await admin.provisioning.approveDeletions(params['orgId'] ?? '', params['job'] ?? '') }),
    }),
    control(admin, 'start', 'Start a provisioning job (enable it; due now)'),
    control(admin, 'stop', 'Stop a provisioning job (no new cycles)'),
    control(admin, 'restart', 'Restart a provisioning job (clear watermarks, escrow, quarantine; the next cycle, due now, is initial)'),
  ];
}
