/**
 * `scimd org …`: create, list, show, rename and delete organizations, turn SCIM on or off, change
 * the policies, and read the provisioning activity — against the server's own database.
 */
import { parseArgs } from 'node:util';
import type { OrganizationView } from '../../services/organizations.ts';
import type { PolicyView } from '../../services/policies.ts';
import type { CliIo } from '../io.ts';
import { renderRecord, renderTable } from '../table.ts';
import { ADMIN_OPTIONS, UsageError, onOff, positional, printJson, required, withAdmin, type AdminSession } from './admin.ts';

/** `scimd org --help`. */
export const ORG_USAGE = `Usage: scimd org <subcommand> [options]

  create --name <name> [--slug <slug>] [--scim on|off] [--preset rfc-open|email-identity] [--quiet]
                                                        Create an organization (SCIM on by default);
                                                        --quiet prints only its id, for scripts
  list                                                  List organizations
  show <orgId>                                          Show one, with its Tenant URL and policies
  rename <orgId> --name <name>                          Rename (id, slug and Tenant URL stay)
  delete <orgId> --yes                                  Delete it with ALL its data
  scim on|off <orgId>                                   Turn SCIM provisioning on or off
  policy <orgId> [--preset rfc-open|email-identity] [--user-name-email on|off]
         [--allowed-domains <d1,d2|none>] [--user-name-immutable on|off]
         [--derive-display-name on|off] [--user-type-must-name-role on|off]
         [--default-role <role>] [--profile lenient|strict]   Show or change the policies
  activity <orgId> [--bucket hour|day] [--from <date>] [--to <date>] [--all]
                                                        Provisioning activity: totals, then the
                                                        hours (days) that had any; --all: every one

Every subcommand takes --json (machine-readable output), --database-url, --data-dir and
--public-url (for the Tenant URL shown). A new organization gets the policies of --preset, else of
SCIMD_DEFAULT_POLICY_PRESET (rfc-open: any userName and userType; email-identity: e-mail userName
that never changes, userType must name a role, displayName from the name).`;

const POLICY_FLAGS = {
  'user-name-email': { type: 'string' },
  'allowed-domains': { type: 'string' },
  'user-name-immutable': { type: 'string' },
  'derive-display-name': { type: 'string' },
  'user-type-must-name-role': { type: 'string' },
  preset: { type: 'string' },
  'default-role': { type: 'string' },
  profile: { type: 'string' },
} as const;

const OPTIONS = {
  ...ADMIN_OPTIONS,
  ...POLICY_FLAGS,
  name: { type: 'string' },
  slug: { type: 'string' },
  scim: { type: 'string' },
  yes: { type: 'boolean', default: false },
  all: { type: 'boolean', default: false },
  quiet: { type: 'boolean', short: 'q', default: false },
  bucket: { type: 'string' },
  from: { type: 'string' },
  to: { type: 'string' },
} as const;

type Values = ReturnType<typeof parse>['values'];

function parse(args: readonly string[]) {
  return parseArgs({ args: [...args], options: OPTIONS, strict: true, allowPositionals: true });
}

const orgJson = (org: OrganizationView, tenantUrl: string) => ({
  id: org.id,
  name: org.name,
  slug: org.slug,
  scimEnabled: org.scimEnabled,
  tenantUrl,
  compatibilityProfile: org.compatibilityProfile,
  createdAt: org.createdAt,
  updatedAt: org.updatedAt,
});

function printOrg(io: CliIo, org: OrganizationView, tenantUrl: string, policies?: PolicyView): void {
  const lines = renderRecord([
    ['Organization ID', org.id],
    ['Name', org.name],
    ['Slug', org.slug],
    ['SCIM', org.scimEnabled ? 'on' : 'off'],
    ['Tenant URL', tenantUrl],
    ['Created', org.createdAt],
    ...(policies === undefined ? [] : policyFields(policies)),
  ]);
  for (const line of lines) io.out(line);
}

function policyFields(p: PolicyView): [string, string][] {
  return [
    ['userName must be e-mail', p.userNameMustBeEmail ? 'on' : 'off'],
    ['Allowed domains', p.allowedDomains.length === 0 ? 'any' : p.allowedDomains.join(', ')],
    ['userName immutable', p.userNameImmutable ? 'on' : 'off'],
    ['Derive displayName', p.deriveDisplayName ? 'on' : 'off'],
    ['userType must name role', p.userTypeMustNameRole ? 'on' : 'off'],
    ['Default role', p.defaultRole],
    ['Compatibility profile', p.compatibilityProfile],
  ];
}

async function listAll(session: AdminSession): Promise<OrganizationView[]> {
  const all: OrganizationView[] = [];
  for (let after: string | undefined; ; ) {
    const page = await session.orgs.list({ limit: 500, ...(after === undefined ? {} : { after }) });
    all.push(...page);
    if (page.length < 500) return all;
    after = page[page.length - 1]!.id;
  }
}

/** The policy change the flags ask for (empty when none was given). */
function policyChange(values: Values): Record<string, unknown> {
  const change: Record<string, unknown> = {};
  if (values.preset !== undefined) change['preset'] = values.preset;
  if (values['user-name-email'] !== undefined) change['userNameMustBeEmail'] = onOff(values['user-name-email'], '--user-name-email');
  if (values['user-name-immutable'] !== undefined) change['userNameImmutable'] = onOff(values['user-name-immutable'], '--user-name-immutable');
  if (values['derive-display-name'] !== undefined) change['deriveDisplayName'] = onOff(values['derive-display-name'], '--derive-display-name');
  if (values['user-type-must-name-role'] !== undefined) change['userTypeMustNameRole'] = onOff(values['user-type-must-name-role'], '--user-type-must-name-role');
  if (values['allowed-domains'] !== undefined) {
    const list = values['allowed-domains'].trim();
    change['allowedDomains'] = list === '' || list === 'none' ? [] : list.split(',').map((d) => d.trim());
  }
  if (values['default-role'] !== undefined) change['defaultRole'] = values['default-role'];
  if (values.profile !== undefined) change['compatibilityProfile'] = values.profile;
  return change;
}

async function policy(io: CliIo, s: AdminSession, orgId: string, values: Values): Promise<number> {
  const change = policyChange(values);
  const view = Object.keys(change).length === 0 ? await s.policies.get(orgId) : await s.policies.update(s.ctx(orgId), change);
  if (values.json) printJson(io, view);
  else for (const line of renderRecord(policyFields(view))) io.out(line);
  return 0;
}

async function activity(io: CliIo, s: AdminSession, orgId: string, values: Values): Promise<number> {
  await s.orgs.get(orgId);
  const bucket = values.bucket ?? 'hour';
  if (bucket !== 'hour' && bucket !== 'day') throw new UsageError(`--bucket must be "hour" or "day", not "${bucket}"`);
  const summary = await s.activity.summary(orgId, { bucket, ...(values.from ? { from: values.from } : {}), ...(values.to ? { to: values.to } : {}) });
  if (values.json) return (printJson(io, summary), 0);
  const kinds = ['creates', 'updates', 'deactivations', 'deletes', 'errors'] as const;
  type Bucket = (typeof summary.buckets)[number];
  const totals = kinds.map((k) => `${summary.buckets.reduce((sum, b) => sum + b[k], 0)} ${k}`);
  const busy = values.all ? summary.buckets : summary.buckets.filter((b) => kinds.some((k) => b[k] > 0));
  io.out(`Activity from ${summary.from} to ${summary.to}: ${totals.join(', ')}`);
  io.out(`Last successful SCIM request: ${summary.lastSuccessAt ?? 'never'}`);
  const columns = kinds.map((k) => ({ header: k, value: (b: Bucket) => b[k] }));
  const empty = `(no activity in these ${summary.buckets.length} ${bucket}s)`;
  for (const line of renderTable(busy, [{ header: bucket, value: (b) => b.start.slice(0, bucket === 'hour' ? 16 : 10) }, ...columns], empty)) io.out(line);
  io.out('Last errors:');
  const errors = renderTable(summary.lastErrors, [
    { header: 'time', value: (e) => e.occurredAt },
    { header: 'status', value: (e) => e.status },
    { header: 'request', value: (e) => `${e.method} ${e.path}` },
    { header: 'detail', value: (e) => `${e.scimType ? `${e.scimType}: ` : ''}${e.detail}` },
  ]);
  for (const line of errors) io.out(line);
  return 0;
}

type Handler = (io: CliIo, s: AdminSession, values: Values, positionals: readonly string[]) => Promise<number>;

/** Prints the organization as JSON or as one line of `message`. */
function done(io: CliIo, s: AdminSession, values: Values, org: OrganizationView, message: string): number {
  if (values.json) printJson(io, orgJson(org, s.tenantUrl));
  else io.out(message);
  return 0;
}

const create: Handler = async (io, s, values) => {
  const scimEnabled = values.scim === undefined ? true : onOff(values.scim, '--scim');
  const input = { name: required(values.name, 'name'), scimEnabled, ...(values.slug ? { slug: values.slug } : {}), ...(values.preset ? { preset: values.preset } : {}) };
  const org = await s.orgs.create(s.actor, input);
  if (values.quiet) {
    io.out(org.id);
    return 0;
  }
  const policies = await s.policies.get(org.id);
  if (values.json) printJson(io, { ...orgJson(org, s.tenantUrl), policies });
  else printOrg(io, org, s.tenantUrl, policies);
  return 0;
};

const list: Handler = async (io, s, values) => {
  const orgs = await listAll(s);
  if (values.json) return (printJson(io, orgs.map((o) => orgJson(o, s.tenantUrl))), 0);
  const lines = renderTable(orgs, [
    { header: 'id', value: (o) => o.id },
    { header: 'name', value: (o) => o.name },
    { header: 'slug', value: (o) => o.slug },
    { header: 'scim', value: (o) => (o.scimEnabled ? 'on' : 'off') },
    { header: 'created', value: (o) => o.createdAt },
  ], '(no organizations)');
  for (const line of lines) io.out(line);
  return 0;
};

const show: Handler = async (io, s, values, positionals) => {
  const id = positional(positionals, 0, '<orgId>');
  const org = await s.orgs.get(id);
  const policies = await s.policies.get(id);
  if (values.json) printJson(io, { ...orgJson(org, s.tenantUrl), policies });
  else printOrg(io, org, s.tenantUrl, policies);
  return 0;
};

const rename: Handler = async (io, s, values, positionals) => {
  const org = await s.orgs.rename(s.ctx(positional(positionals, 0, '<orgId>')), required(values.name, 'name'));
  return done(io, s, values, org, `Renamed ${org.id} to "${org.name}"`);
};

const remove: Handler = async (io, s, values, positionals) => {
  const id = positional(positionals, 0, '<orgId>');
  if (!values.yes) throw new UsageError(`deleting an organization removes all its users, groups, keys and history; add --yes to delete ${id}`);
  await s.orgs.remove(s.ctx(id));
  if (values.json) printJson(io, { id, deleted: true });
  else io.out(`Deleted organization ${id} and all its data`);
  return 0;
};

const scim: Handler = async (io, s, values, positionals) => {
  const enabled = onOff(positional(positionals, 0, 'on|off'), 'scim');
  const org = await s.orgs.setScimEnabled(s.ctx(positional(positionals, 1, '<orgId>')), enabled);
  return done(io, s, values, org, `SCIM provisioning is ${enabled ? 'on' : 'off'} for ${org.id} (${org.name})`);
};

const SUBCOMMANDS = new Map<string, Handler>([
  ['create', create],
  ['list', list],
  ['show', show],
  ['rename', rename],
  ['delete', remove],
  ['scim', scim],
  ['policy', (io, s, values, positionals) => policy(io, s, positional(positionals, 0, '<orgId>'), values)],
  ['activity', (io, s, values, positionals) => activity(io, s, positional(positionals, 0, '<orgId>'), values)],
]);

/** Runs `scimd org <subcommand> …`; returns the exit code. */
export async function orgCommand(args: readonly string[], io: CliIo): Promise<number> {
  const [sub, ...rest] = args;
  const { values, positionals } = parse(rest);
  if (sub === undefined || sub === 'help' || sub === '--help' || sub === '-h' || values.help) {
    io.out(ORG_USAGE);
    return sub === undefined ? 2 : 0;
  }
  const handler = SUBCOMMANDS.get(sub);
  if (handler === undefined) throw new UsageError(`unknown org subcommand "${sub}"`);
  return withAdmin(values, (session) => handler(io, session, values, positionals));
}
