/**
 * `scimd schema …`: an organization's extension schemas (RFC 7643 §7). `add` registers or replaces
 * one from a JSON file holding the definition as `/Schemas` returns it; `list` and `show` print
 * them; `remove` deletes one — refused while users or groups hold data under it, unless `--force`,
 * which removes that data too (each change recorded in the history); `index` creates the
 * expression index for `eq` filters on one attribute. A running server uses a change on its next
 * request.
 */
import { readFileSync } from 'node:fs';
import { parseArgs } from 'node:util';
import type { SchemaExtensionView } from '../../services/schema-extensions.ts';
import type { CliIo } from '../io.ts';
import { renderTable } from '../table.ts';
import { ADMIN_OPTIONS, CommandError, UsageError, positional, printJson, required, withAdmin, type AdminSession } from './admin.ts';

/** `scimd schema --help`. */
export const SCHEMA_USAGE = `Usage: scimd schema <subcommand> --org <orgId> [options]

  add --org <orgId> --file <definition.json> [--resource-type User|Group] [--required]
                                      Register or replace an extension schema (its id is the URN)
  list --org <orgId>                  The organization's extension schemas
  show --org <orgId> <urn>            One schema with every attribute
  remove --org <orgId> <urn> [--force]
                                      Remove a schema; --force also deletes the data users or
                                      groups hold under it (recorded in the history)
  index --org <orgId> <urn>:<attribute>
                                      Create the expression index that answers eq filters on a
                                      string attribute (docs/extensions.md, "Indexing")

The file holds an RFC 7643 §7 definition: {"id": "urn:…", "name": …, "attributes": [...]};
"resourceType" and "required" in the file are used unless the flags say otherwise.
Every subcommand takes --json, --database-url and --data-dir.`;

const OPTIONS = {
  ...ADMIN_OPTIONS,
  org: { type: 'string' },
  file: { type: 'string' },
  'resource-type': { type: 'string' },
  required: { type: 'boolean' },
  force: { type: 'boolean', default: false },
} as const;

function parse(args: readonly string[]) {
  return parseArgs({ args: [...args], options: OPTIONS, strict: true, allowPositionals: true });
}

type Values = ReturnType<typeof parse>['values'];

function readDefinition(path: string): Record<string, unknown> {
  let text: string;
  try {
    text = readFileSync(path, 'utf8');
  } catch (error) {
    throw new CommandError('FILE_UNREADABLE', `cannot read ${path}: ${error instanceof Error ? error.message : String(error)}`);
  }
  let parsed: unknown;
  try {
    parsed = JSON.parse(text);
  } catch (error) {
    throw new CommandError('FILE_INVALID', `${path} is not JSON: ${error instanceof Error ? error.message : String(error)}`);
  }
  if (parsed === null || typeof parsed !== 'object' || Array.isArray(parsed)) throw new CommandError('FILE_INVALID', `${path} must hold one JSON object (a schema definition)`);
  return parsed as Record<string, unknown>;
}

function printSchemas(io: CliIo, schemas: readonly SchemaExtensionView[]): void {
  const lines = renderTable(schemas, [
    { header: 'id', value: (s) => s.id },
    { header: 'resourceType', value: (s) => s.resourceType },
    { header: 'required', value: (s) => s.required },
    { header: 'attributes', value: (s) => s.attributes.length },
    { header: 'version', value: (s) => s.version },
    { header: 'updatedAt', value: (s) => s.updatedAt },
  ], '(no extension schemas)');
  for (const line of lines) io.out(line);
}

function printSchema(io: CliIo, schema: SchemaExtensionView): void {
  io.out(`${schema.id} (${schema.name}) extends ${schema.resourceType}${schema.required ? ', required' : ''}, version ${schema.version}`);
  const rows = schema.attributes.flatMap((a) => [a, ...(a.subAttributes ?? []).map((sub) => ({ ...sub, name: `${a.name}.${sub.name}` }))]);
  const lines = renderTable(rows, [
    { header: 'attribute', value: (a) => a.name },
    { header: 'type', value: (a) => (a.multiValued ? `${a.type}[]` : a.type) },
    { header: 'mutability', value: (a) => a.mutability },
    { header: 'returned', value: (a) => a.returned },
    { header: 'required', value: (a) => a.required },
    { header: 'caseExact', value: (a) => a.caseExact },
  ]);
  for (const line of lines) io.out(line);
}

async function add(io: CliIo, s: AdminSession, orgId: string, values: Values): Promise<number> {
  const file = required(values.file, 'file');
  const body = readDefinition(file);
  const urn = body['id'];
  if (typeof urn !== 'string' || urn === '') throw new CommandError('FILE_INVALID', `${file} has no "id": the schema's URN, e.g. urn:ietf:params:scim:schemas:extension:CustomExtensionName:2.0:User`);
  const resourceType = values['resource-type'];
  if (resourceType !== undefined && resourceType !== 'User' && resourceType !== 'Group') throw new UsageError(`--resource-type must be User or Group, not "${resourceType}"`);
  const input = { ...body, ...(resourceType === undefined ? {} : { resourceType }), ...(values.required === undefined ? {} : { required: values.required }) };
  const { view, created } = await s.schemas.put(s.ctx(orgId), urn, input);
  if (values.json) printJson(io, view);
  else io.out(`${created ? 'Registered' : 'Replaced'} schema ${view.id} for ${view.resourceType} (version ${view.version}, ${view.attributes.length} attributes${view.required ? ', required' : ''})`);
  return 0;
}

async function run(io: CliIo, s: AdminSession, sub: string, values: Values, positionals: readonly string[]): Promise<number> {
  const orgId = required(values.org, 'org');
  await s.orgs.get(orgId);
  switch (sub) {
    case 'add':
      return add(io, s, orgId, values);
    case 'list': {
      const schemas = await s.schemas.list(orgId);
      if (values.json) printJson(io, schemas);
      else printSchemas(io, schemas);
      return 0;
    }
    case 'show': {
      const schema = await s.schemas.get(orgId, positional(positionals, 0, '<urn>'));
      if (values.json) printJson(io, schema);
      else printSchema(io, schema);
      return 0;
    }
    case 'remove': {
      const removal = await s.schemas.remove(s.ctx(orgId), positional(positionals, 0, '<urn>'), { force: values.force });
      if (values.json) printJson(io, removal);
      else io.out(`Removed schema ${removal.id}${removal.resourcesChanged > 0 ? ` and its data from ${removal.resourcesChanged} resource(s)` : ''}`);
      return 0;
    }
    case 'index': {
      const made = await s.schemas.indexAttribute(orgId, positional(positionals, 0, '<urn>:<attribute>'));
      if (values.json) printJson(io, made);
      else io.out(`Index ${made.index} answers eq filters on ${made.attribute}`);
      return 0;
    }
    default:
      throw new UsageError(`unknown schema subcommand "${sub}"`);
  }
}

/** Runs `scimd schema <subcommand> …`; returns the exit code. */
export async function schemaCommand(args: readonly string[], io: CliIo): Promise<number> {
  const [sub, ...rest] = args;
  const { values, positionals } = parse(rest);
  if (sub === undefined || sub === 'help' || sub === '--help' || sub === '-h' || values.help) {
    io.out(SCHEMA_USAGE);
    return sub === undefined ? 2 : 0;
  }
  if (!['add', 'list', 'show', 'remove', 'index'].includes(sub)) throw new UsageError(`unknown schema subcommand "${sub}"`);
  return withAdmin(values, (s) => run(io, s, sub, values, positionals));
}
