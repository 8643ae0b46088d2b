/**
 * `scimd webhook …`: register an organization's webhook endpoints (the signing secret is printed
 * once), list them, update, enable or disable, delete, rotate the secret, and replay events.
 */
import { parseArgs } from 'node:util';
import { createWebhookService, type WebhookEndpointView } from '../../services/webhooks.ts';
import type { CliIo } from '../io.ts';
import { renderTable } from '../table.ts';
import { waitForShutdownSignal } from '../signals.ts';
import { ADMIN_OPTIONS, CommandError, UsageError, positional, printJson, required, withAdmin, type AdminSession } from './admin.ts';

/** `scimd webhook --help`. */
export const WEBHOOK_USAGE = `Usage: scimd webhook <subcommand> [options]

  create --org <orgId> --url <url> [--types <type,type>] [--description <text>]
                                          Register an endpoint; its secret (whsec_…) is shown once
  list --org <orgId>                      List endpoints (never their secrets)
  update <webhookId> [--url <url>] [--types <type,type>] [--description <text>] [--enable|--disable]
  delete <webhookId>                      Delete an endpoint with its deliveries and attempt log
  rotate <webhookId>                      New secret (shown once); the old one also signs for 24 hours
  replay <webhookId> --event <eventId> | --from <time> [--to <time>] | --dead
                                          Queue one event, a time range, or every dead delivery again
  deliver                                 Deliver webhooks until SIGINT/SIGTERM, without serving: run it
                                          beside \`scimd serve\` started with SCIMD_WEBHOOK_DELIVERY=false

Event types: scimd.user.created|updated|deactivated|reactivated|deleted, scimd.group.created|updated|
deleted, scimd.group.members.added|removed, scimd.organization.scim.enabled|disabled,
scimd.key.created|revoked|expiring|expired. URLs must be https on public addresses unless
SCIMD_WEBHOOK_ALLOW_PRIVATE=true. Every subcommand takes --json, --database-url and --data-dir.`;

const OPTIONS = {
  ...ADMIN_OPTIONS,
  org: { type: 'string' },
  url: { type: 'string' },
  types: { type: 'string' },
  description: { type: 'string' },
  enable: { type: 'boolean', default: false },
  disable: { type: 'boolean', default: false },
  event: { type: 'string' },
  from: { type: 'string' },
  to: { type: 'string' },
  dead: { type: 'boolean', default: false },
} as const;

type Values = ReturnType<typeof parse>['values'];

function parse(args: readonly string[]) {
  return parseArgs({ args: [...args], options: OPTIONS, strict: true, allowPositionals: true });
}

const list = (value: string | undefined): string[] | undefined =>
  value === undefined ? undefined : value.split(',').map((v) => v.trim()).filter((v) => v !== '');

const SUBCOMMANDS = ['create', 'list', 'update', 'delete', 'rotate', 'replay', 'deliver'];

function service(s: AdminSession) {
  return createWebhookService({ store: s.store, safety: { allowPrivate: s.config.events.allowPrivateWebhooks } });
}

/** The organization of an endpoint given by id alone. */
async function orgOf(s: AdminSession, webhookId: string): Promise<string> {
  const found = await s.store.webhooks.findEndpoint(webhookId);
  if (!found) throw new CommandError('NOT_FOUND', `Webhook endpoint "${webhookId}" not found`);
  return found.orgId;
}

function printEndpoints(io: CliIo, endpoints: readonly WebhookEndpointView[]): void {
  const lines = renderTable(endpoints, [
    { header: 'id', value: (e) => e.id },
    { header: 'url', value: (e) => e.url },
    { header: 'types', value: (e) => (e.types.length === 0 ? '(all)' : e.types.join(',')) },
    { header: 'status', value: (e) => e.status },
    { header: 'failing since', value: (e) => e.failingSince ?? '' },
    { header: 'description', value: (e) => e.description ?? '' },
  ], '(no webhook endpoints)');
  for (const line of lines) io.out(line);
}

async function run(sub: string, io: CliIo, s: AdminSession, values: Values, positionals: readonly string[]): Promise<number> {
  const webhooks = service(s);
  if (sub === 'create') {
    const orgId = required(values.org, 'org');
    await s.orgs.get(orgId);
    const types = list(values.types);
    const created = await webhooks.create(s.ctx(orgId), {
      url: required(values.url, 'url'),
      ...(types ? { types } : {}),
      ...(values.description === undefined ? {} : { description: values.description }),
    });
    if (values.json) printJson(io, { id: created.id, secret: created.secret });
    else {
      io.out(`Webhook endpoint ${created.id} → ${created.url}`);
      io.out(`Secret: ${created.secret}`);
      io.out('The secret is shown only now: store it where the receiving application verifies signatures.');
    }
    return 0;
  }
  if (sub === 'list') {
    const orgId = required(values.org, 'org');
    await s.orgs.get(orgId);
    const endpoints = await webhooks.list(orgId);
    if (values.json) printJson(io, endpoints);
    else printEndpoints(io, endpoints);
    return 0;
  }
  const id = positional(positionals, 0, '<webhookId>');
  const ctx = s.ctx(await orgOf(s, id));
  if (sub === 'update') {
    if (values.enable && values.disable) throw new UsageError('give --enable or --disable, not both');
    const types = list(values.types);
    const updated = await webhooks.update(ctx, id, {
      ...(values.url === undefined ? {} : { url: values.url }),
      ...(types ? { types } : {}),
      ...(values.description === undefined ? {} : { description: values.description }),
      ...(values.enable ? { enabled: true } : values.disable ? { enabled: false } : {}),
    });
    if (values.json) printJson(io, updated);
    else printEndpoints(io, [updated]);
    return 0;
  }
  if (sub === 'delete') {
    await webhooks.delete(ctx, id);
    if (values.json) printJson(io, { id, deleted: true });
    else io.out(`Deleted webhook endpoint ${id}`);
    return 0;
  }
  if (sub === 'rotate') {
    const rotated = await webhooks.rotate(ctx, id);
    if (values.json) printJson(io, { id, secret: rotated.secret, previousSecretExpiresAt: rotated.previousSecretExpiresAt });
    else io.out(`New secret: ${rotated.secret}\nThe previous secret also signs until ${rotated.previousSecretExpiresAt}.`);
    return 0;
  }
  const result = await webhooks.replay(ctx, id, {
    ...(values.event === undefined ? {} : { eventId: values.event }),
    ...(values.from === undefined ? {} : { from: values.from }),
    ...(values.to === undefined ? {} : { to: values.to }),
    ...(values.dead ? { dead: true } : {}),
  });
  if (values.json) printJson(io, result);
  else io.out(`Queued ${result.queued} deliver${result.queued === 1 ? 'y' : 'ies'} to ${id}; a running server sends them`);
  return 0;
}

/**
 * `scimd webhook deliver`: only the delivery worker, on its own process (and core), leased like
 * any other instance's, until SIGINT or SIGTERM; then it finishes the requests in flight.
 */
async function deliver(values: Values, io: CliIo): Promise<number> {
  return withAdmin(values, async (s) => {
    const { buildScimd } = await import('../../build-scimd.ts');
    const { createLogger } = await import('../../http/logger.ts');
    const { webhookDelivery } = buildScimd(s.config, s.store, { logger: createLogger({ level: s.config.logLevel }) });
    webhookDelivery.start();
    io.err('scimd: delivering webhooks (Ctrl-C stops after the requests in flight)');
    const signal = await waitForShutdownSignal();
    io.err(`scimd: ${signal}, stopping delivery`);
    await webhookDelivery.stop();
    return 0;
  });
}

/** Runs `scimd webhook <subcommand> …`; returns the exit code. */
export async function webhookCommand(args: readonly string[], io: CliIo): Promise<number> {
  const [sub, ...rest] = args;
  const { values, positionals } = parse(rest);
  if (sub === undefined || sub === 'help' || sub === '--help' || sub === '-h' || values.help) {
    io.out(WEBHOOK_USAGE);
    return sub === undefined ? 2 : 0;
  }
  if (!SUBCOMMANDS.includes(sub)) throw new UsageError(`unknown webhook subcommand "${sub}"`);
  if (sub === 'deliver') return deliver(values, io);
  return withAdmin(values, (s) => run(sub, io, s, values, positionals));
}
