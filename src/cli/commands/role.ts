/**
 * `scimd role …`: list an organization's roles (predefined and custom, with how many users hold
 * each), create custom ones, and rename or delete those no user holds. A role is named by SCIM
 * `userType` exactly.
 */
import { parseArgs } from 'node:util';
import type { RoleView } from '../../services/roles.ts';
import type { CliIo } from '../io.ts';
import { renderTable } from '../table.ts';
import { ADMIN_OPTIONS, UsageError, positional, printJson, required, withAdmin, type AdminSession } from './admin.ts';

/** `scimd role --help`. */
export const ROLE_USAGE = `Usage: scimd role <subcommand> --org <orgId> [options]

  list --org <orgId>                                   Roles with the number of users holding each
  create --org <orgId> --name <name> [--description <text>]   Create a custom role
  rename --org <orgId> <role> --name <newName>         Rename a custom role no user holds
  delete --org <orgId> <role>                          Delete a custom role no user holds
  members --org <orgId>                                Users whose role is not Employee

<role> is a role's id or exact name. Every subcommand takes --json, --database-url and --data-dir.`;

const OPTIONS = {
  ...ADMIN_OPTIONS,
  org: { type: 'string' },
  name: { type: 'string' },
  description: { type: 'string' },
} as const;

function parse(args: readonly string[]) {
  return parseArgs({ args: [...args], options: OPTIONS, strict: true, allowPositionals: true });
}

type Values = ReturnType<typeof parse>['values'];

const roleJson = (role: RoleView) => ({ id: role.id, name: role.name, description: role.description, predefined: role.predefined, users: role.users });

function printRoles(io: CliIo, roles: readonly RoleView[]): void {
  const lines = renderTable(roles, [
    { header: 'name', value: (r) => r.name },
    { header: 'kind', value: (r) => (r.predefined ? 'predefined' : 'custom') },
    { header: 'users', value: (r) => r.users },
    { header: 'id', value: (r) => r.id },
    { header: 'description', value: (r) => r.description },
  ]);
  for (const line of lines) io.out(line);
}

async function members(io: CliIo, s: AdminSession, orgId: string, json: boolean): Promise<number> {
  const users = [];
  for (let cursor: string | undefined; ; ) {
    const page = await s.roles.members(orgId, { count: 500, ...(cursor === undefined ? {} : { cursor }) });
    users.push(...page.users.map((u) => ({ id: u.id, userName: u.userName, displayName: u.displayName, userType: u.userType, role: u.role.role, active: u.active })));
    if (page.nextCursor === undefined) break;
    cursor = page.nextCursor;
  }
  if (json) return (printJson(io, users), 0);
  const lines = renderTable(users, [
    { header: 'userName', value: (u) => u.userName },
    { header: 'role', value: (u) => (u.userType === u.role ? u.role : `${u.role} (userType "${u.userType ?? ''}" names no role)`) },
    { header: 'active', value: (u) => u.active },
    { header: 'displayName', value: (u) => u.displayName },
    { header: 'id', value: (u) => u.id },
  ], '(no members)');
  for (const line of lines) io.out(line);
  return 0;
}

async function run(io: CliIo, s: AdminSession, sub: string, values: Values, positionals: readonly string[]): Promise<number> {
  const orgId = required(values.org, 'org');
  await s.orgs.get(orgId);
  const done = (role: RoleView, message: string) => (values.json ? printJson(io, roleJson(role)) : io.out(message), 0);
  switch (sub) {
    case 'list': {
      const roles = await s.roles.list(orgId);
      if (values.json) printJson(io, roles.map(roleJson));
      else printRoles(io, roles);
      return 0;
    }
    case 'create': {
      const role = await s.roles.create(s.ctx(orgId), { name: required(values.name, 'name'), ...(values.description ? { description: values.description } : {}) });
      return done(role, `Created role "${role.name}" (${role.id})`);
    }
    case 'rename': {
      const from = positional(positionals, 0, '<role>');
      const role = await s.roles.rename(s.ctx(orgId), from, required(values.name, 'name'));
      return done(role, `Renamed role "${from}" to "${role.name}"`);
    }
    case 'delete': {
      const role = positional(positionals, 0, '<role>');
      await s.roles.remove(s.ctx(orgId), role);
      if (values.json) printJson(io, { role, deleted: true });
      else io.out(`Deleted role "${role}"`);
      return 0;
    }
    case 'members':
      return members(io, s, orgId, values.json);
    default:
      throw new UsageError(`unknown role subcommand "${sub}"`);
  }
}

/** Runs `scimd role <subcommand> …`; returns the exit code. */
export async function roleCommand(args: readonly string[], io: CliIo): Promise<number> {
  const [sub, ...rest] = args;
  const { values, positionals } = parse(rest);
  if (sub === undefined || sub === 'help' || sub === '--help' || sub === '-h' || values.help) {
    io.out(ROLE_USAGE);
    return sub === undefined ? 2 : 0;
  }
  if (!['list', 'create', 'rename', 'delete', 'members'].includes(sub)) throw new UsageError(`unknown role subcommand "${sub}"`);
  return withAdmin(values, (s) => run(io, s, sub, values, positionals));
}
