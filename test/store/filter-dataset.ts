/**
 * A seeded data set for the filter differential tests: users with varied case, unicode, missing and
 * empty attributes, several e-mails, the Enterprise extension, a custom extension with numbers,
 * booleans, dateTimes and arrays; groups with user and group members. Deterministic per seed.
 */
import { URN } from '../../src/core/urns.ts';
import { defineAttribute, defineComplex } from '../../src/core/schema/define.ts';
import type { ScimResource, SchemaDefinition } from '../../src/core/schema/types.ts';
import { createIdGenerator } from '../../src/store/ids.ts';

/** A small deterministic PRNG (mulberry32). */
export function createRandom(seed: number): Random {
  let state = seed >>> 0;
  const next = (): number => {
    state = (state + 0x6d2b79f5) >>> 0;
    let t = state;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
  const int = (n: number): number => Math.floor(next() * n);
  return {
    next,
    int,
    chance: (p) => next() < p,
    pick: <T>(items: readonly T[]): T => items[int(items.length)] as T,
  };
}

export interface Random {
  next(): number;
  int(n: number): number;
  chance(p: number): boolean;
  pick<T>(items: readonly T[]): T;
}

export const CUSTOM_URN = 'urn:example:params:scim:schemas:extension:acme:2.0:User';

/** A custom extension with every scalar type and both kinds of multi-valued attribute. */
export const CUSTOM_SCHEMA: SchemaDefinition = Object.freeze({
  id: CUSTOM_URN,
  name: 'AcmeUser',
  attributes: Object.freeze([
    defineAttribute('badge', { type: 'integer' }),
    defineAttribute('score', { type: 'decimal' }),
    defineAttribute('vip', { type: 'boolean' }),
    defineAttribute('hiredAt', { type: 'dateTime' }),
    defineAttribute('nickname', { caseExact: true }),
    defineAttribute('tags', { multiValued: true }),
    defineComplex('devices', [defineAttribute('serial', { caseExact: true }), defineAttribute('kind')], { multiValued: true }),
  ]),
});

// Names whose JavaScript and PostgreSQL lower-casing agree, so JSON-only attributes compare alike;
// the `_lc` columns also get the characters where they differ (İ, final Σ).
const GIVEN = ['Ada', 'ÉMILE', 'zoë', 'Bob', 'bob', 'Łukasz', 'Ñandú', 'O\'Neil', 'Anna_Maria', 'Ωmega', '100%', 'Ярослав', ''];
const FAMILY = ['Lovelace', 'DUPONT', 'müller', 'Smith', 'smith', 'Ørsted', 'de la Cruz', 'Nguyễn', 'Back\\Slash', ''];
const USER_ONLY = ['İlker', 'ΟΔΟΣ', 'straße', 'MiXeD', 'under_score', 'pct%sign'];
const DOMAINS = ['example.com', 'Example.COM', 'contoso.com', 'okta.local', 'bücher.de'];
const TITLES = ['Engineer', 'engineer', 'Senior Engineer', 'Manager', 'CTO', 'Ingénieur', ''];
const TYPES = ['work', 'home', 'Work', 'other'];
const DEPARTMENTS = ['Sales', 'sales', 'R&D', 'Finance', 'Ops_1', ''];
const TAGS = ['alpha', 'Beta', 'gamma', 'ALPHA', 'δέλτα'];
const ZONES = ['Z', '+02:00', '-05:30', ''];

const pad = (n: number, width = 2): string => String(n).padStart(width, '0');

function isoAt(ms: number): string {
  return new Date(ms).toISOString();
}

/** A dateTime as a client might send it: with an offset, Z, or none; sometimes with milliseconds. */
function clientDateTime(random: Random): string {
  const base = Date.UTC(2020 + random.int(6), random.int(12), 1 + random.int(28), random.int(24), random.int(60), random.int(60));
  const zone = random.pick(ZONES);
  const shift = zone === '+02:00' ? 2 * 3600_000 : zone === '-05:30' ? -5.5 * 3600_000 : 0;
  const local = new Date(base + shift);
  const ms = random.chance(0.5) ? `.${pad(random.int(1000), 3)}` : '';
  const text = `${local.getUTCFullYear()}-${pad(local.getUTCMonth() + 1)}-${pad(local.getUTCDate())}T${pad(local.getUTCHours())}:${pad(local.getUTCMinutes())}:${pad(local.getUTCSeconds())}`;
  return `${text}${ms}${zone}`;
}

function emails(random: Random, local: string): Record<string, unknown>[] {
  const count = random.pick([0, 1, 1, 2, 3]);
  const out: Record<string, unknown>[] = [];
  for (let i = 0; i < count; i += 1) {
    const email: Record<string, unknown> = { value: `${i === 0 ? local : `${local}.${i}`}@${random.pick(DOMAINS)}` };
    if (random.chance(0.8)) email['type'] = random.pick(TYPES);
    if (random.chance(0.4)) email['primary'] = random.chance(0.7);
    out.push(email);
  }
  return out;
}

function enterprise(random: Random, ids: readonly string[]): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  if (random.chance(0.6)) out['employeeNumber'] = String(1000 + random.int(50));
  if (random.chance(0.6)) out['department'] = random.pick(DEPARTMENTS);
  if (random.chance(0.4) && ids.length > 0) {
    out['manager'] = random.chance(0.8) ? { value: random.pick(ids), displayName: random.pick(GIVEN) } : { displayName: 'Nobody' };
  }
  return out;
}

function custom(random: Random): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  if (random.chance(0.6)) out['badge'] = random.int(20) - 5;
  if (random.chance(0.5)) out['score'] = Math.round(random.next() * 1000) / 100;
  if (random.chance(0.5)) out['vip'] = random.chance(0.5);
  if (random.chance(0.6)) out['hiredAt'] = clientDateTime(random);
  if (random.chance(0.5)) out['nickname'] = random.pick(['Ace', 'ace', 'ACE', 'Bee', '']);
  if (random.chance(0.5)) out['tags'] = Array.from({ length: random.int(3) }, () => random.pick(TAGS));
  if (random.chance(0.5)) {
    out['devices'] = Array.from({ length: 1 + random.int(2) }, () => ({
      serial: random.pick(['SN-1', 'sn-1', 'SN-22', 'X_9']),
      ...(random.chance(0.7) ? { kind: random.pick(['Laptop', 'phone', 'PHONE']) } : {}),
    }));
  }
  return out;
}

function userName(random: Random, i: number): string {
  const stem = random.chance(0.2) ? random.pick(USER_ONLY) : `${random.pick(GIVEN) || 'user'}.${random.pick(FAMILY) || 'x'}`;
  return `${stem}${i}@${random.pick(DOMAINS)}`;
}

function optional(random: Random, p: number, key: string, value: unknown, into: Record<string, unknown>): void {
  if (random.chance(p)) into[key] = value;
}

/** One user resource as the store would hold it (before `storedResource` sets id and meta). */
function user(random: Random, i: number, ids: readonly string[]): ScimResource {
  const resource: Record<string, unknown> = { userName: userName(random, i) };
  optional(random, 0.5, 'externalId', random.pick(['ext-', 'EXT-', 'Ext_']) + String(random.int(40)), resource);
  optional(random, 0.7, 'displayName', `${random.pick(GIVEN)} ${random.pick(FAMILY)}`.trim(), resource);
  optional(random, 0.5, 'userType', random.pick(['Employee', 'ADMIN', 'editor', 'Contractor']), resource);
  optional(random, 0.8, 'active', random.chance(0.7), resource);
  optional(random, 0.4, 'title', random.pick(TITLES), resource);
  if (random.chance(0.7)) {
    const name: Record<string, unknown> = {};
    optional(random, 0.8, 'givenName', random.pick(GIVEN), name);
    optional(random, 0.8, 'familyName', random.pick(FAMILY), name);
    optional(random, 0.3, 'formatted', `${random.pick(GIVEN)} ${random.pick(FAMILY)}`, name);
    resource['name'] = name;
  }
  const mails = emails(random, `u${i}`);
  if (mails.length > 0) resource['emails'] = mails;
  if (random.chance(0.3)) resource['phoneNumbers'] = [{ value: `+1 555 01${pad(random.int(100))}`, type: random.pick(['mobile', 'work']) }];
  if (random.chance(0.2)) resource['roles'] = [{ value: random.pick(['Admin', 'reader']), primary: random.chance(0.5) }];
  if (random.chance(0.1)) resource['x509Certificates'] = [{ value: random.pick(['TUlJQw==', 'tuljqw==']) }];
  const schemas: string[] = [URN.user];
  const ent = enterprise(random, ids);
  if (Object.keys(ent).length > 0 || random.chance(0.1)) {
    resource[URN.enterpriseUser] = ent;
    schemas.push(URN.enterpriseUser);
  }
  const acme = custom(random);
  if (Object.keys(acme).length > 0) {
    resource[CUSTOM_URN] = acme;
    schemas.push(CUSTOM_URN);
  }
  resource['schemas'] = schemas;
  return resource;
}

export interface GeneratedResource {
  readonly id: string;
  readonly created: string;
  readonly lastModified: string;
  readonly resource: ScimResource;
}

/** Users, groups and memberships for one organization. */
export function generateDataSet(seed: number, userCount: number, groupCount: number): {
  readonly users: GeneratedResource[];
  readonly groups: GeneratedResource[];
  readonly members: Map<string, { value: string; type: 'User' | 'Group' }[]>;
} {
  const random = createRandom(seed);
  let clock = Date.UTC(2024, 0, 1);
  const newId = createIdGenerator(() => clock);
  const users: GeneratedResource[] = [];
  for (let i = 0; i < userCount; i += 1) {
    clock += 3_600_000 * (1 + random.int(48)) + random.int(1000);
    const created = isoAt(clock);
    const lastModified = random.chance(0.5) ? created : isoAt(clock + random.int(90) * 86_400_000);
    users.push({ id: newId(), created, lastModified, resource: user(random, i, users.map((u) => u.id)) });
  }
  const groups: GeneratedResource[] = [];
  const members = new Map<string, { value: string; type: 'User' | 'Group' }[]>();
  for (let i = 0; i < groupCount; i += 1) {
    clock += 60_000;
    const id = newId();
    const resource: Record<string, unknown> = { schemas: [URN.group], displayName: `${random.pick(['Sales', 'Ops', 'Δ-team', 'R&D'])} ${i}` };
    optional(random, 0.5, 'externalId', `G-${random.int(30)}`, resource);
    groups.push({ id, created: isoAt(clock), lastModified: isoAt(clock), resource });
    const list: { value: string; type: 'User' | 'Group' }[] = [];
    const size = random.pick([0, 1, 3, 8, 20]);
    for (let m = 0; m < size; m += 1) {
      const value = random.pick(users).id;
      if (!list.some((x) => x.value === value)) list.push({ value, type: 'User' });
    }
    if (i > 0 && random.chance(0.2)) list.push({ value: (groups[random.int(i)] as GeneratedResource).id, type: 'Group' });
    members.set(id, list);
  }
  return { users, groups, members };
}
