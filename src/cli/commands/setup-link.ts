/**
 * `scimd setup-link …`: an operator hands a customer admin a time-limited link to manage one
 * organization's SCIM toggle, keys and history. The URL and token are printed
 * once; list shows the links without tokens; revoke ends one early.
 */
import { parseArgs } from 'node:util';
import { createSetupLinkService, parseDuration, setupLinkUrl, type SetupLinkView } from '../../services/setup-links.ts';
import type { CliIo } from '../io.ts';
import { renderRecord, renderTable } from '../table.ts';
import { ADMIN_OPTIONS, UsageError, positional, printJson, required, tenantUrlOf, withAdmin, type AdminSession } from './admin.ts';

/** `scimd setup-link --help`. */
export const SETUP_LINK_USAGE = `Usage: scimd setup-link <subcommand> [options]

  create --org <orgId> [--expires-in <duration>]   Create a link (default 7d, at most 30d: 30m, 12h, 7d …)
  list --org <orgId>                              List the organization's links (never their tokens)
  revoke --org <orgId> <linkId>                   Revoke a link before it expires

The link opens the console at PUBLIC_URL (or HOST:PORT). Every subcommand takes --json,
--public-url, --database-url and --data-dir.`;

const OPTIONS = { ...ADMIN_OPTIONS, org: { type: 'string' }, 'expires-in': { type: 'string' } } as const;

type Values = ReturnType<typeof parse>['values'];

function parse(args: readonly string[]) {
  return parseArgs({ args: [...args], options: OPTIONS, strict: true, allowPositionals: true });
}

const originOf = (s: AdminSession): string => tenantUrlOf(s.config).replace(/\/scim\/v2$/, '');

async function create(io: CliIo, s: AdminSession, values: Values): Promise<number> {
  const orgId = required(values.org, 'org');
  const expiresIn = values['expires-in'];
  const options = expiresIn === undefined ? {} : { expiresInMs: parseDuration(expiresIn) };
  const created = await createSetupLinkService({ store: s.store }).create(s.ctx(orgId), options);
  const url = setupLinkUrl(originOf(s), created.token);
  if (values.json) return (printJson(io, { ...created.link, token: created.token, url }), 0);
  for (const line of renderRecord([['Link ID', created.link.id], ['Organization', orgId], ['Expires', created.link.expiresAt], ['URL', url], ['Token', created.token]])) io.out(line);
  io.out('The URL and token are shown only now. Whoever holds them can manage this organization\'s SCIM toggle, keys and history until the link expires.');
  return 0;
}

async function list(io: CliIo, s: AdminSession, values: Values): Promise<number> {
  const orgId = required(values.org, 'org');
  await s.orgs.get(orgId);
  const links = await createSetupLinkService({ store: s.store }).list(orgId);
  if (values.json) return (printJson(io, links), 0);
  const columns = [
    { header: 'id', value: (l: SetupLinkView) => l.id },
    { header: 'status', value: (l: SetupLinkView) => l.status },
    { header: 'expires', value: (l: SetupLinkView) => l.expiresAt },
    { header: 'created by', value: (l: SetupLinkView) => l.createdBy },
  ];
  for (const line of renderTable(links, columns, '(no setup links)')) io.out(line);
  return 0;
}

/** Runs `scimd setup-link <subcommand> …`; returns the exit code. */
export async function setupLinkCommand(args: readonly string[], io: CliIo): Promise<number> {
  const [sub, ...rest] = args;
  const { values, positionals } = parse(rest);
  if (sub === undefined || sub === 'help' || sub === '--help' || sub === '-h' || values.help) {
    io.out(SETUP_LINK_USAGE);
    return sub === undefined ? 2 : 0;
  }
  if (!['create', 'list', 'revoke'].includes(sub)) throw new UsageError(`unknown setup-link subcommand "${sub}"`);
  return withAdmin(values, async (s) => {
    if (sub === 'create') return create(io, s, values);
    if (sub === 'list') return list(io, s, values);
    const link = await createSetupLinkService({ store: s.store }).revoke(s.ctx(required(values.org, 'org')), positional(positionals, 0, '<linkId>'));
    if (values.json) printJson(io, link);
    else io.out(`Revoked setup link ${link.id}; it no longer works`);
    return 0;
  });
}
