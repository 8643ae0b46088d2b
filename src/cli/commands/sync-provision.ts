/**
 * `scimd sync provision`: provision on demand — one user, or one group with up to five members,
 * right now, with the step-by-step trace Entra shows (test connection, import, scope, match,
 * action). Exit 0 when every object succeeded or was skipped on purpose, 1 on a failure.
 */
import { parseArgs } from 'node:util';
import { provisionOnDemand, type ProvisionReport, type ProvisionStep } from '../../sync/provision.ts';
import type { CliIo } from '../io.ts';
import { ADMIN_OPTIONS, UsageError, printJson, withAdmin } from './admin.ts';
import { loadJob } from './sync-jobs.ts';

export const SYNC_PROVISION_USAGE = `  provision --config <file> (--user <source key or userName> | --group <source key or displayName>) [--json]
                           Provision on demand: one user, or a group and up to 5 of its members,
                           with each step (test connection, import, scope, match, action) shown`;

const OPTIONS = { ...ADMIN_OPTIONS, config: { type: 'string' }, user: { type: 'string' }, group: { type: 'string' } } as const;

const MARK = { success: '✔', failure: '✘', skipped: '–' } as const;

const show = (value: unknown) => (value === undefined || value === null ? '(none)' : typeof value === 'string' ? value : JSON.stringify(value));

/** The detail lines of one step, indented under it. */
function detailLines(step: ProvisionStep): string[] {
  const d = step.details as Record<string, any>; // eslint-disable-line @typescript-eslint/no-explicit-any
  const lines: string[] = [];
  if (step.name.startsWith('Import') && d['attributes']) for (const [k, v] of Object.entries(d['attributes'] as object)) lines.push(`${k}: ${show(v)}`);
  if (step.name === 'Determine if in scope') {
    for (const group of (d['groups'] ?? []) as { group: number; clauses: { attribute: string; operator: string; value: unknown; actual: unknown; holds: boolean }[] }[]) {
      for (const c of group.clauses) lines.push(`scope group ${group.group}: ${c.attribute} ${c.operator}${c.value === null ? '' : ` ${show(c.value)}`} — value ${show(c.actual)} → ${c.holds}`);
    }
  }
  if (step.name.startsWith('Match')) {
    for (const a of (d['attempts'] ?? []) as { attribute: string; value: unknown; filter?: string; candidates?: { id: unknown; userName?: unknown; displayName?: unknown }[]; note?: string; error?: string }[]) {
      const found = a.candidates === undefined ? (a.note ?? a.error ?? '') : a.candidates.length === 0 ? 'no candidates' : a.candidates.map((c) => `${show(c.id)} (${show(c.userName ?? c.displayName)})`).join(', ');
      lines.push(`${a.attribute} = ${show(a.value)}${a.filter ? ` [filter ${a.filter}]` : ''}: ${found}`);
    }
  }
  if (step.name === 'Perform action') {
    for (const r of (d['requests'] ?? []) as { request: string; body?: unknown; status?: number; response?: string; error?: string }[]) {
      lines.push(`${r.request}${r.body === undefined ? '' : ` ${JSON.stringify(r.body)}`}`);
      lines.push(`  → ${r.status === undefined ? `error: ${r.error}` : `${r.status} ${r.response ?? ''}`}`);
    }
    for (const m of (d['modified'] ?? []) as { name: string; before?: unknown; after?: unknown }[]) lines.push(`${m.name}: ${show(m.before)} → ${show(m.after)}`);
  }
  return lines;
}

/** The report as readable text. */
export function describeProvision(report: ProvisionReport): string {
  const what = 'user' in report.request ? `user "${report.request.user}"` : `group "${report.request.group}"`;
  const out = [`Provision on demand of ${what} (job "${report.job}", run ${report.runId}): ${report.status}`];
  for (const object of report.objects) {
    out.push('', `${object.objectType} ${object.sourceKey ?? '?'}: ${object.status}`);
    object.steps.forEach((step, i) => {
      out.push(`  ${i + 1}. ${MARK[step.status]} ${step.name}: ${step.description}`);
      for (const line of detailLines(step)) out.push(`       ${line}`);
    });
  }
  if (report.membersLeftOut) out.push('', `${report.membersLeftOut} more members were not provisioned (on demand takes at most 5; the next cycle does the rest)`);
  return out.join('\n');
}

/** Runs `scimd sync provision …`. */
export async function syncProvisionCommand(args: readonly string[], io: CliIo): Promise<number> {
  const { values } = parseArgs({ args: [...args], options: OPTIONS, strict: true, allowPositionals: false });
  if ((values.user === undefined) === (values.group === undefined)) throw new UsageError('give exactly one of --user <source key or userName> or --group <source key or displayName>');
  const job = await loadJob(values.config);
  return withAdmin(values, async (session) => {
    const request = values.user !== undefined ? { user: values.user } : { group: values.group! };
    const report = await provisionOnDemand(job, { state: session.store.syncState, logs: session.store.syncLogs }, request);
    if (values.json) printJson(io, report);
    else io.out(describeProvision(report));
    return report.status === 'failure' ? 1 : 0;
  });
}

/** The entry of the `scimd sync` dispatcher. */
export const SYNC_PROVISION_SUBCOMMAND = ['provision', { run: (args: readonly string[], deps: { readonly io: CliIo }) => syncProvisionCommand(args, deps.io), usage: `Usage: scimd sync provision …\n\n${SYNC_PROVISION_USAGE}` }] as const;
