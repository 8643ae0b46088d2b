/**
 * A seeded generator of filters for the differential tests: every operator against every attribute
 * kind (column, `_lc` column, JSON, side-table rows, memberships, JSON arrays, extensions, unknown),
 * literals drawn from the data set in varied case and shape, `and`/`or`/`not` nesting and value paths.
 */
import { resolveAttribute } from '../../src/core/schema/resolve.ts';
import { valuesReader } from '../../src/core/filter/values.ts';
import { splitAttributePath } from '../../src/core/filter/attribute-path.ts';
import type { ResourceSchemas, ScimResource } from '../../src/core/schema/types.ts';
import { URN } from '../../src/core/urns.ts';
import { CUSTOM_URN } from './filter-dataset.ts';
import type { Random } from './filter-dataset.ts';

type Kind = 'string' | 'binary' | 'boolean' | 'number' | 'dateTime';

interface Spec {
  readonly path: string;
  readonly kind: Kind;
}

const ENT = URN.enterpriseUser;

export const USER_SPECS: readonly Spec[] = [
  { path: 'userName', kind: 'string' },
  { path: 'externalId', kind: 'string' },
  { path: 'displayName', kind: 'string' },
  { path: 'userType', kind: 'string' },
  { path: 'title', kind: 'string' },
  { path: 'nickName', kind: 'string' },
  { path: 'name.givenName', kind: 'string' },
  { path: 'name.familyName', kind: 'string' },
  { path: 'name.formatted', kind: 'string' },
  { path: 'emails', kind: 'string' },
  { path: 'emails.value', kind: 'string' },
  { path: 'emails.type', kind: 'string' },
  { path: 'emails.primary', kind: 'boolean' },
  { path: 'phoneNumbers.value', kind: 'string' },
  { path: 'roles.value', kind: 'string' },
  { path: 'roles.primary', kind: 'boolean' },
  { path: 'x509Certificates.value', kind: 'binary' },
  { path: 'active', kind: 'boolean' },
  { path: `${ENT}:employeeNumber`, kind: 'string' },
  { path: 'department', kind: 'string' },
  { path: 'manager', kind: 'string' },
  { path: `${ENT}:manager.displayName`, kind: 'string' },
  { path: `${CUSTOM_URN}:badge`, kind: 'number' },
  { path: 'score', kind: 'number' },
  { path: 'vip', kind: 'boolean' },
  { path: 'hiredAt', kind: 'dateTime' },
  { path: 'nickname', kind: 'string' },
  { path: 'tags', kind: 'string' },
  { path: 'devices.serial', kind: 'string' },
  { path: 'devices.kind', kind: 'string' },
  { path: `${CUSTOM_URN}:nickname`, kind: 'string' },
  { path: `${CUSTOM_URN}:hiredAt`, kind: 'dateTime' },
  { path: `${CUSTOM_URN}:vip`, kind: 'boolean' },
  { path: `${CUSTOM_URN}:tags`, kind: 'string' },
  { path: `${CUSTOM_URN}:devices.serial`, kind: 'string' },
  { path: 'meta.created', kind: 'dateTime' },
  { path: 'meta.lastModified', kind: 'dateTime' },
  { path: 'meta.resourceType', kind: 'string' },
  { path: 'meta.version', kind: 'string' },
  { path: 'id', kind: 'string' },
  { path: 'schemas', kind: 'string' },
  { path: 'groups.value', kind: 'string' },
  { path: 'groups', kind: 'string' },
  { path: 'foo', kind: 'string' },
  { path: 'password', kind: 'string' },
];

export const GROUP_SPECS: readonly Spec[] = [
  { path: 'displayName', kind: 'string' },
  { path: 'externalId', kind: 'string' },
  { path: 'id', kind: 'string' },
  { path: 'members', kind: 'string' },
  { path: 'members.value', kind: 'string' },
  { path: 'members.type', kind: 'string' },
  { path: 'meta.created', kind: 'dateTime' },
  { path: 'meta.lastModified', kind: 'dateTime' },
  { path: 'schemas', kind: 'string' },
  { path: 'bar', kind: 'string' },
];

/** `attr[...]` shapes with the sub-attribute specs used inside the brackets. */
const USER_VALUE_PATHS: readonly { readonly path: string; readonly subs: readonly Spec[] }[] = [
  { path: 'emails', subs: [{ path: 'value', kind: 'string' }, { path: 'type', kind: 'string' }, { path: 'primary', kind: 'boolean' }, { path: 'display', kind: 'string' }] },
  { path: 'roles', subs: [{ path: 'value', kind: 'string' }, { path: 'primary', kind: 'boolean' }] },
  { path: 'devices', subs: [{ path: 'serial', kind: 'string' }, { path: 'kind', kind: 'string' }] },
  { path: 'name', subs: [{ path: 'givenName', kind: 'string' }, { path: 'familyName', kind: 'string' }] },
  { path: `${ENT}:manager`, subs: [{ path: 'value', kind: 'string' }, { path: 'displayName', kind: 'string' }] },
  { path: 'groups', subs: [{ path: 'value', kind: 'string' }] },
];

const GROUP_VALUE_PATHS: readonly { readonly path: string; readonly subs: readonly Spec[] }[] = [
  { path: 'members', subs: [{ path: 'value', kind: 'string' }, { path: 'type', kind: 'string' }] },
];

const OPERATORS: Readonly<Record<Kind, readonly string[]>> = {
  string: ['eq', 'eq', 'ne', 'co', 'sw', 'ew', 'gt', 'ge', 'lt', 'le'],
  binary: ['eq', 'ne'],
  boolean: ['eq', 'ne'],
  number: ['eq', 'ne', 'gt', 'ge', 'lt', 'le'],
  dateTime: ['eq', 'ne', 'gt', 'ge', 'lt', 'le'],
};

/** Every value a path holds across the resources (for literals). */
function samples(resources: readonly ScimResource[], schemas: ResourceSchemas, path: string): unknown[] {
  const split = splitAttributePath(path);
  if (!split.ok) return [];
  const resolved = resolveAttribute(schemas, split.path);
  if (resolved === undefined) return [];
  const sub = resolved.subAttribute?.name ?? (resolved.attribute.type === 'complex' ? 'value' : undefined);
  const read = valuesReader(resolved.attribute.name, sub, resolved.extension ? resolved.schemaId : undefined);
  return resources.flatMap((r) => read(r));
}

function reshapeDateTime(random: Random, text: string): string {
  const ms = Date.parse(/[Zz]|[+-]\d\d:\d\d$/.test(text) ? text : `${text}Z`);
  if (Number.isNaN(ms)) return text;
  const shifted = ms + random.pick([0, 0, 1, -1, 1000, -86_400_000]);
  const iso = new Date(shifted).toISOString();
  if (random.chance(0.3)) return iso.replace('.000Z', 'Z');
  if (random.chance(0.3)) {
    const local = new Date(shifted + 3600_000).toISOString().slice(0, 23);
    return `${local}+01:00`;
  }
  return iso;
}

function stringLiteral(random: Random, op: string, pool: readonly unknown[]): string {
  const texts = pool.filter((v): v is string => typeof v === 'string');
  let text = texts.length > 0 && random.chance(0.85) ? random.pick(texts) : random.pick(['zzz', '%', '_', 'a_b', '', 'é', 'EXAMPLE']);
  if (op === 'co' && text.length > 2) text = text.slice(1, 1 + random.int(text.length - 1));
  if (op === 'sw' && text.length > 1) text = text.slice(0, 1 + random.int(text.length - 1));
  if (op === 'ew' && text.length > 1) text = text.slice(random.int(text.length - 1));
  if (random.chance(0.25)) text = text.toUpperCase();
  else if (random.chance(0.2)) text = text.toLowerCase();
  return JSON.stringify(text);
}

function literal(random: Random, kind: Kind, op: string, pool: readonly unknown[]): string {
  switch (kind) {
    case 'boolean':
      return random.pick(['true', 'false']);
    case 'number': {
      const numbers = pool.filter((v): v is number => typeof v === 'number');
      const base = numbers.length > 0 ? random.pick(numbers) : 3;
      return String(base + random.pick([0, 0, 1, -1, 0.5]));
    }
    case 'dateTime': {
      const texts = pool.filter((v): v is string => typeof v === 'string');
      return JSON.stringify(texts.length > 0 ? reshapeDateTime(random, random.pick(texts)) : '2025-01-01T00:00:00Z');
    }
    case 'binary':
      return JSON.stringify(random.pick(['TUlJQw==', 'tuljqw==', 'x']));
    default:
      return stringLiteral(random, op, pool);
  }
}

function comparison(random: Random, spec: Spec, pool: readonly unknown[]): string {
  const roll = random.next();
  if (roll < 0.12) return `${spec.path} pr`;
  if (roll < 0.18) return `${spec.path} ${random.pick(['eq', 'ne'])} null`;
  const op = random.pick(OPERATORS[spec.kind]);
  return `${spec.path} ${op} ${literal(random, spec.kind, op, pool)}`;
}

export interface FilterGenerator {
  next(): string;
}

/** Generates filters for one target from the resources the matcher sees. */
export function createFilterGenerator(
  random: Random,
  target: 'users' | 'groups',
  resources: readonly ScimResource[],
  schemas: ResourceSchemas,
): FilterGenerator {
  const specs = target === 'users' ? USER_SPECS : GROUP_SPECS;
  const valuePaths = target === 'users' ? USER_VALUE_PATHS : GROUP_VALUE_PATHS;
  const pools = new Map(specs.map((s) => [s.path, samples(resources, schemas, s.path)]));
  const subPool = (parent: string, sub: string): unknown[] => samples(resources, schemas, `${parent}.${sub}`);
  const leaf = (): string => {
    if (random.chance(0.2)) {
      const vp = random.pick(valuePaths);
      const inner = (depth: number): string => {
        if (depth > 0 && random.chance(0.35)) {
          const shape = random.pick(['and', 'or', 'not']);
          if (shape === 'not') return `not (${inner(depth - 1)})`;
          return `(${inner(depth - 1)} ${shape} ${inner(depth - 1)})`;
        }
        const sub = random.pick(vp.subs);
        return comparison(random, sub, subPool(vp.path, sub.path));
      };
      return `${vp.path}[${inner(2)}]`;
    }
    const spec = random.pick(specs);
    return comparison(random, spec, pools.get(spec.path) ?? []);
  };
  const node = (depth: number): string => {
    if (depth === 0 || random.chance(0.45)) return leaf();
    const shape = random.pick(['and', 'or', 'not', 'and', 'or']);
    if (shape === 'not') return `not (${node(depth - 1)})`;
    return `(${node(depth - 1)} ${shape} ${node(depth - 1)})`;
  };
  return { next: () => node(3) };
}
