/**
 * `scimd sync run | init | test-connection | job | runs`: the provisioning engine from the command
 * line. `run` keeps its state (links, watermarks, run history) in scimd's database (DATABASE_URL /
 * DATA_DIR), under the job's name, so the server's stored job of the same name continues where
 * the CLI stopped and the other way round.
 */
import { existsSync } from 'node:fs';
import { readFile, writeFile } from 'node:fs/promises';
import { parseArgs } from 'node:util';
import { parseSyncConfig, type SyncJob } from '../../sync/config.ts';
import type { CycleSummary } from '../../sync/outcome.ts';
import { createSyncRunner, type SyncNotify } from '../../sync/runner.ts';
import { createSource } from '../../sync/sources/index.ts';
import { starterConfig } from '../../sync/starter.ts';
import { createScimTarget } from '../../sync/target/scim-target.ts';
import { createSmtpTransport } from '../../mail/smtp-transport.ts';
import { createMailService } from '../../services/mail.ts';
import { createSyncNotices } from '../../services/sync-notices.ts';
import type { CliIo } from '../io.ts';
import { waitForShutdownSignal } from '../signals.ts';
import { ADMIN_OPTIONS, CommandError, UsageError, printJson, required, withAdmin } from './admin.ts';

/** `scimd sync --help` (the part of it about jobs). */
export const SYNC_JOB_USAGE = `  run --config <file> [--once] [--dry-run] [--json] [--initial]
                           Initial cycle, then incremental cycles on the schedule (Ctrl-C stops
                           after the objects in flight; the next run resumes). --once: one cycle.
                           --dry-run: read and plan, write nothing. --json: one summary line per
                           cycle on stdout. --initial: ignore watermarks and re-evaluate everything.
  test-connection --config <file>
                           Entra's Test Connection against the target, and a read of the source
  init [--out <file>] [--name <job>] [--force]
                           Write a starter config with Entra's default mappings (JSON with comments)
  job put --config <file> --org <orgId> [--disabled]
                           Store the job for "scimd serve" to run on its schedule
  job list | job remove <name>
  runs <job> [--limit <n>]  The job's cycle history, newest first
Every subcommand that touches the database takes --database-url and --data-dir.`;

const OPTIONS = {
  ...ADMIN_OPTIONS,
  config: { type: 'string' },
  once: { type: 'boolean', default: false },
  'dry-run': { type: 'boolean', default: false },
  initial: { type: 'boolean', default: false },
  out: { type: 'string' },
  name: { type: 'string' },
  force: { type: 'boolean', default: false },
  org: { type: 'string' },
  disabled: { type: 'boolean', default: false },
  limit: { type: 'string' },
} as const;

/** Waits for Ctrl-C / SIGTERM (injected by the CLI; tests pass their own). */
export type SignalWaiter = () => Promise<string>;

export async function loadJob(path: string | undefined): Promise<SyncJob> {
  const file = required(path, 'config');
  let text: string;
  try {
    text = await readFile(file, 'utf8');
  } catch (error) {
    throw new CommandError('SYNC_CONFIG_UNREADABLE', `cannot read ${file}: ${(error as Error).message}`);
  }
  return parseSyncConfig(text, file, process.env);
}

/** A readable summary of one cycle. */
export function describeSummary(s: CycleSummary): string {
  const seconds = (s.durationMs / 1000).toFixed(1);
  const head = `${s.dryRun ? 'Dry run: ' : ''}${s.kind} cycle of "${s.job}" ${s.status} in ${seconds} s`;
  const counts = `${s.created} created, ${s.updated} updated, ${s.disabled} disabled, ${s.deleted} deleted, ${s.linked} linked, ${s.skipped} skipped, ${s.failed} failed, ${s.unchanged} unchanged`;
  const traffic = `${s.users} users and ${s.groups} groups read; ${s.requests} requests sent (${s.retries} retries, ${s.throttled} throttled)`;
  return `${head}\n  ${counts}\n  ${traffic}${s.error === undefined ? '' : `\n  error: ${s.error}`}`;
}

function progressLine(): ((p: { objectType: string; done: number; total: number }) => void) | undefined {
  if (!process.stderr.isTTY) return undefined;
  let last = 0;
  return ({ objectType, done, total }) => {
    const now = Date.now();
    if (done !== total && now - last < 100) return;
    last = now;
    const width = 30;
    const filled = total === 0 ? width : Math.round((done / total) * width);
    process.stderr.write(`\r${objectType === 'User' ? 'users ' : 'groups'} [${'#'.repeat(filled)}${'.'.repeat(width - filled)}] ${done}/${total}${done === total ? '\n' : ''}`);
  };
}

async function run(values: Values, io: CliIo, waitForSignal: SignalWaiter): Promise<number> {
  const job = await loadJob(values.config);
  return withAdmin(values, async (session) => {
    // Every held cycle is noted on stderr (and in the provisioning log); a job also stored in an
    // organization mails its notification addresses too (notify.held, at most once an hour).
    const onBlocked = (summary: CycleSummary) => io.err(`scimd: ${summary.job} held: ${summary.error ?? 'deletion threshold exceeded'}`);
    // Quarantine notices, failure and hold mails, for a job also stored in an organization.
    const mailed = async <T>(send: (notices: ReturnType<typeof createSyncNotices>, orgId: string) => Promise<T>, otherwise: T): Promise<T> => {
      const stored = await session.store.syncState.getJob(job.config.name);
      if (stored === undefined) return otherwise;
      const transport = session.config.smtpUrl === undefined ? undefined : createSmtpTransport(session.config.smtpUrl);
      const mail = createMailService({ store: session.store, from: session.config.mailFrom, transport });
      try {
        return await send(createSyncNotices({ store: session.store, mail }), stored.orgId);
      } catch (error) {
        io.err(`scimd: the notice mail could not be sent: ${(error as Error).message}`);
        return otherwise;
      } finally {
        mail.close();
      }
    };
    const notify: SyncNotify = {
      quarantine: async (decision, summary) => {
        io.err(`scimd: ${summary.job} ${decision.event === 'disabled' ? 'disabled after four weeks in quarantine' : 'in quarantine'}: ${decision.health.quarantineReason ?? ''}`);
        await mailed((n, orgId) => n.quarantine(orgId, decision, summary), undefined);
      },
      failure: (summary, failed) => mailed((n, orgId) => n.failure(orgId, summary, failed), false),
      held: (summary) => mailed((n, orgId) => n.deletionsHeld(orgId, summary), false),
    };
    const runner = createSyncRunner(job, { state: session.store.syncState, logs: session.store.syncLogs, onBlocked, notify });
    const controller = new AbortController();
    void waitForSignal().then(() => {
      if (!values.json) io.err('scimd: stopping after the objects in flight (the next run resumes)…');
      controller.abort();
    });
    const onProgress = values.json ? undefined : progressLine();
    const options = { signal: controller.signal, dryRun: values['dry-run'], initial: values.initial, ...(onProgress ? { onProgress } : {}) };
    const show = (summary: CycleSummary) => (values.json ? io.out(JSON.stringify(summary)) : io.out(describeSummary(summary)));
    try {
      if (values.once || values['dry-run']) {
        const summary = await runner.cycle(options);
        show(summary);
        return summary.status === 'succeeded' ? 0 : summary.status === 'interrupted' ? 130 : 1;
      }
      let failed = false;
      await runner.schedule({
        ...options,
        onCycle: (summary) => {
          show(summary);
          failed = summary.status === 'failed';
          if (!values.json && !controller.signal.aborted) io.out(`next cycle in ${job.config.schedule.intervalMinutes} minutes (Ctrl-C to stop)`);
        },
      });
      return failed ? 1 : 0;
    } finally {
      await runner.close();
    }
  });
}

async function testConnection(values: Values, io: CliIo): Promise<number> {
  const { config } = await loadJob(values.config);
  const target = await createScimTarget({ ...config.target, retries: 0, concurrency: 1 }).testConnection();
  let sourceProblem: string | undefined;
  try {
    await createSource(config.source, 'Users').test();
  } catch (error) {
    sourceProblem = (error as Error).message;
  }
  if (values.json) {
    printJson(io, { target, source: sourceProblem === undefined ? { ok: true } : { ok: false, detail: sourceProblem } });
  } else {
    io.out(target.ok ? `target: OK — ${target.detail}` : `target: FAILED (${target.reason}) — ${target.detail}${target.body ? `\n  response: ${target.body}` : ''}`);
    io.out(sourceProblem === undefined ? 'source: OK' : `source: FAILED — ${sourceProblem}`);
  }
  return target.ok && sourceProblem === undefined ? 0 : 1;
}

async function init(values: Values, io: CliIo): Promise<number> {
  const name = values.name ?? 'hr-to-app';
  const out = values.out ?? `${name}.jsonc`;
  if (existsSync(out) && !values.force) throw new CommandError('FILE_EXISTS', `${out} exists; pass --force to overwrite it`);
  await writeFile(out, starterConfig(name));
  io.out(`wrote ${out}: edit the source, the target URL and token, then run "scimd sync test-connection --config ${out}"`);
  return 0;
}

async function jobCommand(values: Values, positionals: readonly string[], io: CliIo): Promise<number> {
  const action = positionals[1];
  return withAdmin(values, async (session) => {
    const state = session.store.syncState;
    if (action === 'put') {
      const job = await loadJob(values.config);
      const orgId = required(values.org, 'org');
      if ((await session.store.organizations.get(orgId)) === undefined) throw new CommandError('NOT_FOUND', `organization ${orgId} not found`);
      const text = await readFile(values.config!, 'utf8');
      const saved = await state.putJob({ orgId, name: job.config.name, config: { text, path: values.config }, enabled: !values.disabled, intervalMinutes: job.config.schedule.intervalMinutes, nextRunAt: new Date().toISOString() });
      io.out(`stored job "${saved.name}" (${saved.enabled ? `runs every ${saved.intervalMinutes} minutes, next now` : 'disabled'})`);
      return 0;
    }
    if (action === 'list') {
      const jobs = await state.listJobs();
      if (values.json) printJson(io, jobs.map(({ config: _config, ...rest }) => rest));
      else for (const j of jobs) io.out(`${j.name}\torg ${j.orgId}\t${j.enabled ? 'enabled' : 'disabled'}\tevery ${j.intervalMinutes} min\tnext ${j.nextRunAt}`);
      return 0;
    }
    if (action === 'remove') {
      const name = positionals[2];
      if (name === undefined) throw new UsageError('missing the job name');
      if (!(await state.deleteJob(name))) throw new CommandError('NOT_FOUND', `no stored job "${name}"`);
      io.out(`removed job "${name}" (its links and history stay; "scimd sync run" can still use them)`);
      return 0;
    }
    throw new UsageError('sync job: expected put, list or remove');
  });
}

async function runs(values: Values, positionals: readonly string[], io: CliIo): Promise<number> {
  const name = positionals[1];
  if (name === undefined) throw new UsageError('missing the job name');
  return withAdmin(values, async (session) => {
    const list = await session.store.syncState.runs(name, Number(values.limit ?? 20));
    if (values.json) printJson(io, list);
    else for (const r of list) io.out(`${r.startedAt}\t${r.kind}\t${r.status}\t${r.error ?? describeSummary(r.summary as CycleSummary).split('\n')[1]?.trim() ?? ''}`);
    return 0;
  });
}

function parse(args: readonly string[]) {
  return parseArgs({ args: [...args], options: OPTIONS, strict: true, allowPositionals: true });
}
type Values = ReturnType<typeof parse>['values'];

/** The job subcommands; `args` starts with the subcommand. Returns undefined for one it does not know. */
export async function syncJobCommand(args: readonly string[], io: CliIo, waitForSignal: SignalWaiter): Promise<number | undefined> {
  const sub = args[0];
  if (!['run', 'test-connection', 'init', 'job', 'runs'].includes(sub ?? '')) return undefined;
  const { values, positionals } = parse(args);
  switch (sub) {
    case 'run':
      return run(values, io, waitForSignal);
    case 'test-connection':
      return testConnection(values, io);
    case 'init':
      return init(values, io);
    case 'job':
      return jobCommand(values, positionals, io);
    default:
      return runs(values, positionals, io);
  }
}

const usageOf = (sub: string) => `Usage: scimd sync ${sub} …\n\n${SYNC_JOB_USAGE}`;

/** The job subcommands as entries of the `scimd sync` dispatcher (arguments after the subcommand). */
export const SYNC_JOB_SUBCOMMANDS = ['run', 'test-connection', 'init', 'job', 'runs'].map(
  (sub) => [sub, { run: (args: readonly string[], deps: { readonly io: CliIo }) => syncJobCommand([sub, ...args], deps.io, waitForShutdownSignal).then((code) => code ?? 2), usage: usageOf(sub) }] as const,
);
