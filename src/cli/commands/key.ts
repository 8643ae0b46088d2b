/**
 * `scimd key …`: generate an organization's API keys (the secret is printed once), list them
 * without secrets, and revoke one by its id.
 */
import { parseArgs } from 'node:util';
import type { ApiKeyType, ApiKeyView, CreatedApiKey } from '../../services/api-keys.ts';
import { isScimError } from '../../core/scim-error.ts';
import type { CliIo } from '../io.ts';
import { renderRecord, renderTable } from '../table.ts';
import { ADMIN_OPTIONS, CommandError, UsageError, positional, printJson, required, withAdmin, type AdminSession } from './admin.ts';

/** `scimd key --help`. */
export const KEY_USAGE = `Usage: scimd key <subcommand> [options]

  create --org <orgId> --type scim|api --description <text> [--expires <date>]
         [--ip-allowlist <cidr,cidr>] [--scopes <scope,scope>]   Generate a key; its secret is shown once
  list --org <orgId>                                              List keys (never their secrets)
  revoke <keyId>                                                  Revoke a key

--expires takes a date (2027-06-30, valid through that day, UTC) or an ISO 8601 date-time; it
cannot be changed later. Every subcommand takes --json, --database-url and --data-dir.`;

const OPTIONS = {
  ...ADMIN_OPTIONS,
  org: { type: 'string' },
  type: { type: 'string' },
  description: { type: 'string' },
  expires: { type: 'string' },
  'ip-allowlist': { type: 'string' },
  scopes: { type: 'string' },
} as const;

type Values = ReturnType<typeof parse>['values'];

function parse(args: readonly string[]) {
  return parseArgs({ args: [...args], options: OPTIONS, strict: true, allowPositionals: true });
}

const list = (value: string | undefined): string[] | undefined =>
  value === undefined ? undefined : value.split(',').map((v) => v.trim()).filter((v) => v !== '');

/** A key without its hash, as scripts read it. */
const keyJson = (key: ApiKeyView) => ({
  id: key.id,
  orgId: key.orgId,
  type: key.type,
  description: key.description,
  prefix: key.prefix,
  status: key.status,
  scopes: key.scopes,
  ipAllowlist: key.ipAllowlist,
  expiresAt: key.expiresAt,
  createdAt: key.createdAt,
  createdBy: key.createdBy,
  lastUsedAt: key.lastUsedAt,
  revokedAt: key.revokedAt,
});

function printCreated(io: CliIo, created: CreatedApiKey, tenantUrl: string): void {
  const { key } = created;
  const lines = renderRecord([
    ['Key ID', key.id],
    ['Type', key.type],
    ['Description', key.description],
    ['Expires', key.expiresAt ?? 'never'],
    ...(key.type === 'scim' ? [['Tenant URL', tenantUrl] as const] : []),
    ['Secret', created.secret],
  ]);
  for (const line of lines) io.out(line);
  io.out('The secret is shown only now: copy it into the identity provider (Secret Token) or your vault.');
}

async function create(io: CliIo, s: AdminSession, values: Values): Promise<number> {
  const orgId = required(values.org, 'org');
  const scopes = list(values.scopes);
  const allowlist = list(values['ip-allowlist']);
  const input = {
    type: required(values.type, 'type') as ApiKeyType,
    description: required(values.description, 'description'),
    ...(values.expires === undefined ? {} : { expiresAt: values.expires }),
    ...(scopes === undefined ? {} : { scopes }),
    ...(allowlist === undefined ? {} : { ipAllowlist: allowlist }),
  };
  await s.orgs.get(orgId);
  const created = await s.keys.create(s.ctx(orgId), input).catch((error: unknown) => {
    // The service names its field (expiresAt); here the user typed --expires.
    if (isScimError(error) && error.detail.startsWith('expiresAt ')) throw new CommandError('INVALID_VALUE', `--expires${error.detail.slice('expiresAt'.length)}`);
    throw error;
  });
  if (values.json) printJson(io, { ...keyJson(created.key), secret: created.secret, tenantUrl: s.tenantUrl });
  else printCreated(io, created, s.tenantUrl);
  return 0;
}

async function listKeys(io: CliIo, s: AdminSession, values: Values): Promise<number> {
  const orgId = required(values.org, 'org');
  await s.orgs.get(orgId);
  const keys = await s.keys.list(orgId);
  if (values.json) return (printJson(io, keys.map(keyJson)), 0);
  const lines = renderTable(keys, [
    { header: 'id', value: (k) => k.id },
    { header: 'type', value: (k) => k.type },
    { header: 'prefix', value: (k) => k.prefix },
    { header: 'description', value: (k) => k.description },
    { header: 'status', value: (k) => k.status },
    { header: 'expires', value: (k) => k.expiresAt ?? 'never' },
    { header: 'last used', value: (k) => k.lastUsedAt ?? 'never' },
    { header: 'created by', value: (k) => k.createdBy },
  ], '(no keys)');
  for (const line of lines) io.out(line);
  return 0;
}

async function revoke(io: CliIo, s: AdminSession, keyId: string, json: boolean): Promise<number> {
  const found = await s.store.apiKeys.findById(keyId);
  if (!found) throw new CommandError('NOT_FOUND', `API key "${keyId}" not found`);
  if (found.revokedAt !== null) throw new CommandError('ALREADY_REVOKED', `API key ${found.id} (${found.description}) was already revoked at ${found.revokedAt}; nothing changed`);
  const key = await s.keys.revoke(s.ctx(found.orgId), keyId);
  if (json) printJson(io, keyJson(key));
  else io.out(`Revoked key ${key.id} (${key.description}) of organization ${key.orgId}; it fails from the next request`);
  return 0;
}

/** Runs `scimd key <subcommand> …`; returns the exit code. */
export async function keyCommand(args: readonly string[], io: CliIo): Promise<number> {
  const [sub, ...rest] = args;
  const { values, positionals } = parse(rest);
  if (sub === undefined || sub === 'help' || sub === '--help' || sub === '-h' || values.help) {
    io.out(KEY_USAGE);
    return sub === undefined ? 2 : 0;
  }
  if (!['create', 'list', 'revoke'].includes(sub)) throw new UsageError(`unknown key subcommand "${sub}"`);
  return withAdmin(values, (s) => {
    if (sub === 'create') return create(io, s, values);
    if (sub === 'list') return listKeys(io, s, values);
    return revoke(io, s, positional(positionals, 0, '<keyId>'), values.json);
  });
}
