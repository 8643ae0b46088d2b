/**
 * `scimd sync logs`: the provisioning logs of a job from the command line — filtered by status,
 * action, identity, run and time, printed as a table (with `--steps`, each entry's steps under it),
 * JSON or CSV (both always with the steps). `scimd sync approve-deletions`:
 * lets a job held at its deletion threshold proceed on its next cycle.
 */
import { parseArgs } from 'node:util';
import type { SyncLogAction, SyncLogEntry, SyncLogQuery, SyncLogStatus } from '../../store/sync-state.ts';
import { describeModified, logsToCsv } from '../../sync/logs.ts';
import type { CliIo } from '../io.ts';
import { ADMIN_OPTIONS, UsageError, printJson, withAdmin } from './admin.ts';
import { describeSummary, loadJob } from './sync-jobs.ts';
import type { CycleSummary } from '../../sync/outcome.ts';
import { syncStatus } from '../../sync/status.ts';

/** `scimd sync --help` (the part of it about operations). */
export const SYNC_OPS_USAGE = `  logs --config <file> [--status success|failure|skipped|warning] [--action create|update|disable|delete|other]
       [--user <source key or target id>] [--run <cycle id>] [--since <ISO time | 24h | 7d>] [--until <ISO time>]
       [--limit <n>] [--steps] [--json] [--format table|json|csv]
                           The job's provisioning logs, newest first (default limit 100);
                           --steps lists each entry's steps (JSON and CSV always have them)
  status --config <file> [--json]
                           The current cycle (kind, counts so far), the last completed cycle's
                           totals, the next scheduled run, holds and quarantine
  approve-deletions --config <file>
                           Let the next cycle go past the deletion threshold (once)`;

const OPTIONS = {
  ...ADMIN_OPTIONS,
  config: { type: 'string' },
  status: { type: 'string' },
  action: { type: 'string' },
  user: { type: 'string' },
  run: { type: 'string' },
  since: { type: 'string' },
  until: { type: 'string' },
  limit: { type: 'string' },
  format: { type: 'string' },
  steps: { type: 'boolean', default: false },
} as const;

const STATUSES: readonly SyncLogStatus[] = ['Success', 'Failure', 'Skipped', 'Warning'];
const ACTIONS: readonly SyncLogAction[] = ['Create', 'Update', 'Disable', 'Delete', 'Other'];

function oneOf<T extends string>(value: string | undefined, allowed: readonly T[], flag: string): T | undefined {
  if (value === undefined) return undefined;
  const hit = allowed.find((a) => a.toLowerCase() === value.toLowerCase());
  if (hit === undefined) throw new UsageError(`--${flag} must be one of ${allowed.map((a) => a.toLowerCase()).join(', ')}`);
  return hit;
}

/** An ISO timestamp, or a duration back from `now` (`90m`, `24h`, `7d`). */
export function timeFlag(value: string | undefined, flag: string, now: Date): string | undefined {
  if (value === undefined) return undefined;
  const relative = /^(\d+)([mhd])$/.exec(value);
  if (relative !== null) {
    const unit = { m: 60_000, h: 3_600_000, d: 86_400_000 }[relative[2] as 'm' | 'h' | 'd'];
    return new Date(now.getTime() - Number(relative[1]) * unit).toISOString();
  }
  const time = new Date(value);
  if (Number.isNaN(time.getTime())) throw new UsageError(`--${flag}: expected an ISO time or a duration like 24h or 7d`);
  return time.toISOString();
}

function tableLine(e: SyncLogEntry): string {
  const reason = e.reason === null ? '' : `${e.errorCode === null ? '' : `[${e.errorCode}] `}${e.reason}`;
  const modified = describeModified(e.modified);
  return [e.at, e.objectType, e.sourceKey, e.targetId ?? '-', e.action, e.status, reason, modified].join('\t');
}

/** One indented line per step: status, name, description and the details as compact JSON. */
function stepLines(e: SyncLogEntry): string[] {
  if (e.steps.length === 0) return ['    (no steps recorded)'];
  return e.steps.map((s, i) => {
    const details = Object.keys(s.details).length === 0 ? '' : `  ${JSON.stringify(s.details)}`;
    return `    ${i + 1}. ${s.name} [${s.status}]: ${s.description}${details}`;
  });
}

async function logs(values: Values, io: CliIo): Promise<number> {
  const { config } = await loadJob(values.config);
  const format = values.format ?? (values.json ? 'json' : 'table');
  if (!['table', 'json', 'csv'].includes(format)) throw new UsageError('--format must be table, json or csv');
  const limit = Number(values.limit ?? 100);
  if (!Number.isInteger(limit) || limit < 1) throw new UsageError('--limit must be a positive integer');
  const now = new Date();
  const status = oneOf(values.status, STATUSES, 'status');
  const action = oneOf(values.action, ACTIONS, 'action');
  const since = timeFlag(values.since, 'since', now);
  const until = timeFlag(values.until, 'until', now);
  const query: SyncLogQuery = {
    job: config.name,
    limit,
    ...(status === undefined ? {} : { status }),
    ...(action === undefined ? {} : { action }),
    ...(values.user === undefined ? {} : { identity: values.user }),
    ...(values.run === undefined ? {} : { runId: values.run }),
    ...(since === undefined ? {} : { since }),
    ...(until === undefined ? {} : { until }),
  };
  return withAdmin(values, async (session) => {
    const entries = await session.store.syncLogs.query(query);
    if (format === 'json') printJson(io, entries);
    else if (format === 'csv') io.out(logsToCsv(entries).trimEnd());
    else if (entries.length === 0) io.out(`no provisioning log entries for "${config.name}" match`);
    else {
      for (const e of entries) {
        io.out(tableLine(e));
        if (values.steps) for (const line of stepLines(e)) io.out(line);
      }
    }
    return 0;
  });
}

async function status(values: Values, io: CliIo): Promise<number> {
  const { config } = await loadJob(values.config);
  return withAdmin(values, async (session) => {
    const report = await syncStatus({ state: session.store.syncState, logs: session.store.syncLogs }, config.name, config.schedule.intervalMinutes);
    if (values.json) {
      printJson(io, report);
      return 0;
    }
    io.out(`job "${report.job}"`);
    if (report.current === null) io.out('  current cycle: none running');
    else {
      const p = report.current.progress;
      io.out(`  current cycle: ${report.current.kind}, started ${report.current.startedAt}, so far ${Object.entries(report.current.countsSoFar).map(([k, v]) => `${v} ${k}`).join(', ') || 'nothing logged'}`);
      if (p !== null) io.out(`    progress: ${p.objectType === 'User' ? 'users' : 'groups'} ${p.done}/${p.total} (${p.total === 0 ? 100 : Math.floor((p.done / p.total) * 100)} %)`);
    }
    const last = report.lastCompleted;
    if (last === null) io.out('  last completed cycle: none');
    else {
      io.out(`  last completed cycle: ${last.kind} ${last.status}, ${last.startedAt} → ${last.endedAt ?? '?'}`);
      if (last.totals !== null && typeof last.totals === 'object') io.out(`    ${describeSummary(last.totals as CycleSummary).split('\n').slice(1).map((l) => l.trim()).join('\n    ')}`);
    }
    const next = report.nextRun;
    io.out(next.by === 'server' ? `  next run: ${next.enabled ? `${next.at} (scimd serve, every ${next.intervalMinutes} min)` : 'none (the stored job is disabled)'}` : `  next run: ${next.at === null ? 'when "scimd sync run" starts' : `${next.at} if "scimd sync run" keeps running (every ${next.intervalMinutes} min)`}`);
    if (report.held !== null) io.out(`  ON HOLD since ${report.held.since}: ${report.held.reason ?? ''}`);
    if (report.deletionApprovalPending !== null) io.out(`  deletions approved at ${report.deletionApprovalPending}, for the next cycle`);
    const q = report.quarantine;
    io.out(q.active ? `  QUARANTINE since ${q.since} (${q.code}, cycle ${q.step} of it): ${q.reason}` : '  quarantine: no');
    if (report.disabledAt !== null) io.out(`  DISABLED at ${report.disabledAt} after four weeks in quarantine`);
    return 0;
  });
}

async function approveDeletions(values: Values, io: CliIo): Promise<number> {
  const { config } = await loadJob(values.config);
  return withAdmin(values, async (session) => {
    const last = (await session.store.syncState.runs(config.name, 1))[0];
    await session.store.syncState.approveDeletions(config.name);
    const held = last?.status === 'blocked' ? ` (the last cycle, ${last.startedAt}, was held: ${last.error ?? ''})` : ' (the last cycle was not held; the approval waits for the next one that is)';
    io.out(`approved: the next cycle of "${config.name}" may disable or delete past the threshold of ${config.deletionThreshold}${held}`);
    return 0;
  });
}

function parse(args: readonly string[]) {
  return parseArgs({ args: [...args], options: OPTIONS, strict: true, allowPositionals: false });
}
type Values = ReturnType<typeof parse>['values'];

/** Runs one operations subcommand; `args` are the arguments after it. */
export async function syncOpsCommand(sub: string, args: readonly string[], io: CliIo): Promise<number> {
  const { values } = parse(args);
  switch (sub) {
    case 'logs':
      return logs(values, io);
    case 'status':
      return status(values, io);
    case 'approve-deletions':
      return approveDeletions(values, io);
    default:
      throw new UsageError(`unknown sync subcommand "${sub}"`);
  }
}

/** The operations subcommands as entries of the `scimd sync` dispatcher. */
export const SYNC_OPS_SUBCOMMANDS = ['logs', 'status', 'approve-deletions'].map(
  (sub) => [sub, { run: (args: readonly string[], deps: { readonly io: CliIo }) => syncOpsCommand(sub, args, deps.io), usage: `Usage: scimd sync ${sub} …\n\n${SYNC_OPS_USAGE}` }] as const,
);
