/**
 * `scimd events tail --org <id> [--follow] [--json]`: prints an organization's events from the
 * feed, oldest first (from `--after <cursor>`, or the oldest retained event). With `--follow` it
 * keeps long-polling for new ones until interrupted.
 */
import { parseArgs } from 'node:util';
import { createEventService, parseEventTypes, type CloudEvent } from '../../services/events.ts';
import type { CliIo } from '../io.ts';
import { ADMIN_OPTIONS, UsageError, required, withAdmin } from './admin.ts';

/** `scimd events --help`. */
export const EVENTS_USAGE = `Usage: scimd events tail --org <orgId> [--follow] [--json] [--after <cursor>] [--types <type,type>]

  Prints the organization's events oldest first, one line each (--json: one CloudEvent JSON per
  line). --follow waits for new events until interrupted (Ctrl-C). Takes --database-url and
  --data-dir like the other commands.`;

const OPTIONS = {
  ...ADMIN_OPTIONS,
  org: { type: 'string' },
  follow: { type: 'boolean', short: 'f', default: false },
  after: { type: 'string' },
  types: { type: 'string' },
} as const;

function line(event: CloudEvent): string {
  const data = event.data as { changed?: unknown } | null;
  const changed = Array.isArray(data?.changed) && data.changed.length > 0 ? ` [${data.changed.join(', ')}]` : '';
  return `${event.sequence}  ${event.time}  ${event.type.padEnd(32)} ${event.subject ?? ''}${changed}`;
}

/** Runs `scimd events <subcommand> …`; returns the exit code. */
export async function eventsCommand(args: readonly string[], io: CliIo): Promise<number> {
  const [sub, ...rest] = args;
  const { values } = parseArgs({ args: rest, options: OPTIONS, strict: true, allowPositionals: false });
  if (sub === undefined || sub === 'help' || sub === '--help' || sub === '-h' || values.help) {
    io.out(EVENTS_USAGE);
    return sub === undefined ? 2 : 0;
  }
  if (sub !== 'tail') throw new UsageError(`unknown events subcommand "${sub}"`);
  const orgId = required(values.org, 'org');
  const types = values.types === undefined ? undefined : parseEventTypes(values.types.split(',').map((t) => t.trim()).filter((t) => t !== ''));
  return withAdmin(values, async (s) => {
    await s.orgs.get(orgId);
    const events = createEventService({ store: s.store, pollMs: s.config.events.pollMs });
    const stop = new AbortController();
    const interrupt = () => stop.abort();
    process.once('SIGINT', interrupt);
    process.once('SIGTERM', interrupt);
    try {
      let after = values.after;
      for (;;) {
        const page = await events.feed(orgId, {
          limit: 500,
          ...(after === undefined ? {} : { after }),
          ...(types ? { types } : {}),
          ...(values.follow ? { waitSeconds: 30, signal: stop.signal } : {}),
        });
        for (const event of page.data) io.out(values.json ? JSON.stringify(event) : line(event));
        after = page.next;
        if (stop.signal.aborted || (!values.follow && page.data.length === 0)) return 0;
      }
    } finally {
      process.off('SIGINT', interrupt);
      process.off('SIGTERM', interrupt);
    }
  });
}
