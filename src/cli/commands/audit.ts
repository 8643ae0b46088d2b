/**
 * `scimd audit …`: read an organization's revision history, export it as CSV or JSON streamed to
 * stdout (constant memory, however long), and apply the retention period now.
 */
import { parseArgs } from 'node:util';
import type { AuditFilters, ExportFormat } from '../../services/audit.ts';
import type { CliIo } from '../io.ts';
import { renderTable } from '../table.ts';
import { ADMIN_OPTIONS, UsageError, printJson, required, withAdmin, type AdminSession } from './admin.ts';

/** `scimd audit --help`. */
export const AUDIT_USAGE = `Usage: scimd audit <subcommand> [options]

  export --org <orgId> --format csv|json [filters]   Stream the history to stdout, oldest first
  list --org <orgId> [filters] [--limit <n>] [--cursor <c>]   One page, newest first
  prune [--days <n>]                                 Delete events older than n days
                                                     (default SCIMD_AUDIT_RETENTION_DAYS)
Filters: --from <date|date-time> --to <date|date-time> --actor-type scim|admin|system
         --action <action> --resource-id <id> --actor-id <id>
Dates are UTC days (--to 2026-03-31 includes that day). Every subcommand takes --database-url and
--data-dir; list takes --json.`;

const OPTIONS = {
  ...ADMIN_OPTIONS,
  org: { type: 'string' },
  format: { type: 'string' },
  from: { type: 'string' },
  to: { type: 'string' },
  'actor-type': { type: 'string' },
  'actor-id': { type: 'string' },
  action: { type: 'string' },
  'resource-id': { type: 'string' },
  limit: { type: 'string' },
  cursor: { type: 'string' },
  days: { type: 'string' },
} as const;

function parse(args: readonly string[]) {
  return parseArgs({ args: [...args], options: OPTIONS, strict: true, allowPositionals: false });
}

type Values = ReturnType<typeof parse>['values'];

function filtersOf(values: Values): AuditFilters {
  const pairs = [
    ['from', values.from],
    ['to', values.to],
    ['actorType', values['actor-type']],
    ['actorId', values['actor-id']],
    ['action', values.action],
    ['resourceId', values['resource-id']],
  ] as const;
  return Object.fromEntries(pairs.filter(([, v]) => v !== undefined)) as AuditFilters;
}

function wholeNumber(value: string, flag: string): number {
  if (!/^\d+$/.test(value)) throw new UsageError(`--${flag} must be a whole number, not "${value}"`);
  return Number(value);
}

async function exportHistory(io: CliIo, s: AdminSession, values: Values): Promise<number> {
  const orgId = required(values.org, 'org');
  const format = required(values.format, 'format');
  if (format !== 'csv' && format !== 'json') throw new UsageError(`--format must be "csv" or "json", not "${format}"`);
  await s.orgs.get(orgId);
  const chunks = s.audit.export(orgId, filtersOf(values), format as ExportFormat);
  for await (const chunk of chunks) {
    if (io.write) await io.write(chunk);
    else io.out(chunk.replace(/\r?\n$/, ''));
  }
  return 0;
}

async function list(io: CliIo, s: AdminSession, values: Values): Promise<number> {
  const orgId = required(values.org, 'org');
  await s.orgs.get(orgId);
  const page = await s.audit.query(orgId, {
    ...filtersOf(values),
    ...(values.limit === undefined ? {} : { limit: wholeNumber(values.limit, 'limit') }),
    ...(values.cursor === undefined ? {} : { cursor: values.cursor }),
  });
  if (values.json) return (printJson(io, page), 0);
  const lines = renderTable(page.events, [
    { header: 'time', value: (e) => e.occurredAt },
    { header: 'actor', value: (e) => e.actorName },
    { header: 'action', value: (e) => e.action },
    { header: 'resource', value: (e) => `${e.resourceType} ${e.resourceId ?? ''}`.trim() },
    { header: 'request', value: (e) => e.requestId },
    { header: 'source ip', value: (e) => e.sourceIp },
  ], '(no events)');
  for (const line of lines) io.out(line);
  if (page.nextCursor) io.out(`More: --cursor ${page.nextCursor}`);
  return 0;
}

async function prune(io: CliIo, s: AdminSession, values: Values): Promise<number> {
  const days = values.days === undefined ? s.config.retention.auditDays : wholeNumber(values.days, 'days');
  if (days === undefined) throw new UsageError('no retention period: pass --days <n> or set SCIMD_AUDIT_RETENTION_DAYS');
  const result = await s.audit.applyRetention(days);
  if (values.json) printJson(io, result);
  else io.out(`Deleted ${result.deleted} event(s) older than ${result.before}`);
  return 0;
}

const SUBCOMMANDS = new Map([
  ['export', exportHistory],
  ['list', list],
  ['prune', prune],
]);

/** Runs `scimd audit <subcommand> …`; returns the exit code. */
export async function auditCommand(args: readonly string[], io: CliIo): Promise<number> {
  const [sub, ...rest] = args;
  const { values } = parse(rest);
  if (sub === undefined || sub === 'help' || sub === '--help' || sub === '-h' || values.help) {
    io.out(AUDIT_USAGE);
    return sub === undefined ? 2 : 0;
  }
  const run = SUBCOMMANDS.get(sub);
  if (run === undefined) throw new UsageError(`unknown audit subcommand "${sub}"`);
  return withAdmin(values, (s) => run(io, s, values));
}
