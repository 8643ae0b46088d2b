/**
 * The zod schema of a sync job configuration (docs/sync.md is its reference). The shape follows
 * Entra's provisioning settings: one source, one SCIM target, user and group mappings with
 * matching precedence, scoping filters, a schedule and the target object actions.
 */
import { z } from 'zod';

/** Entra's scoping-filter operators. */
export const SCOPE_OPERATORS = [
  'EQUALS',
  'NOT EQUALS',
  'IS TRUE',
  'IS FALSE',
  'IS NULL',
  'IS NOT NULL',
  'REGEX MATCH',
  'NOT REGEX MATCH',
  'GREATER_THAN',
  'GREATER_THAN_OR_EQUALS',
  'LESS_THAN',
  'LESS_THAN_OR_EQUALS',
  'INCLUDES',
] as const;
export type ScopeOperator = (typeof SCOPE_OPERATORS)[number];

const text = z.string().min(1);
const positive = z.number().int().positive();

/** When a source object counts as soft-deleted: an attribute equal to one of `values`, or with `bit` set. */
const softDeleted = z.strictObject({
  attribute: text,
  values: z.array(z.union([z.string(), z.number(), z.boolean()])).min(1).optional(),
  bit: positive.optional(),
});

const common = {
  key: text,
  /** The attribute holding a group's members (keys, or DNs for LDAP). */
  members: text.optional(),
  softDeleted: softDeleted.optional(),
};

const csvSource = z.strictObject({
  type: z.literal('csv'),
  path: text,
  delimiter: z.string().length(1).default(','),
  memberSeparator: z.string().min(1).default(';'),
  ...common,
});

const jsonSource = z.strictObject({ type: z.literal('json'), path: text, ...common });

const ldapSource = z.strictObject({
  type: z.literal('ldap'),
  url: text.regex(/^ldaps?:\/\//, 'must start with ldap:// or ldaps://'),
  bindDN: text.optional(),
  password: text.optional(),
  baseDN: text,
  filter: text.default('(objectClass=*)'),
  scope: z.enum(['sub', 'one']).default('sub'),
  pageSize: positive.max(10_000).default(500),
  /** How changed entries are found on incremental cycles. */
  incremental: z.enum(['modifyTimestamp', 'uSNChanged', 'none']).default('modifyTimestamp'),
  timeoutMs: positive.default(30_000),
  ...common,
});

const scimSource = z.strictObject({
  type: z.literal('scim'),
  url: z.url(),
  token: text,
  resource: z.enum(['Users', 'Groups']).optional(),
  paging: z.enum(['cursor', 'index']).default('index'),
  pageSize: positive.max(1000).default(100),
  key: text.default('id'),
  members: text.optional(),
  softDeleted: softDeleted.optional(),
});

export const sourceSchema = z.discriminatedUnion('type', [csvSource, jsonSource, ldapSource, scimSource]);

const scopeClause = z.strictObject({
  attribute: text,
  operator: z.enum(SCOPE_OPERATORS),
  value: z.union([z.string(), z.number(), z.boolean()]).optional(),
});

const mapping = z.strictObject({
  target: text,
  expression: text,
  default: z.union([z.string(), z.number(), z.boolean()]).optional(),
  apply: z.enum(['always', 'create']).default('always'),
  matching: positive.optional(),
});

const objectSection = {
  mappings: z.array(mapping).min(1),
  /** OR of AND-groups of clauses; absent or empty: everything is in scope. */
  scope: z.array(z.array(scopeClause).min(1)).default([]),
};

export const configSchema = z.strictObject({
  name: text.regex(/^[A-Za-z0-9][A-Za-z0-9._-]{0,99}$/, 'letters, digits, ".", "_" and "-" (at most 100)'),
  source: sourceSchema,
  target: z.strictObject({
    url: z.url(),
    token: text,
    profile: z.enum(['rfc', 'entra-legacy']).default('rfc'),
    concurrency: positive.max(64).default(4),
    timeoutMs: positive.default(30_000),
    retries: z.number().int().min(0).max(10).default(3),
  }),
  users: z.strictObject({ ...objectSection }),
  groups: z.strictObject({ source: sourceSchema, ...objectSection, enabled: z.boolean().default(true) }).optional(),
  schedule: z.strictObject({ intervalMinutes: positive.default(40) }).default({ intervalMinutes: 40 }),
  actions: z
    .strictObject({ create: z.boolean().default(true), update: z.boolean().default(true), disable: z.boolean().default(true), delete: z.boolean().default(false) })
    .default({ create: true, update: true, disable: true, delete: false }),
  /** Objects leaving scope are left alone instead of deactivated (Entra's SkipOutOfScopeDeletions). */
  skipOutOfScopeDeletions: z.boolean().default(false),
  /** A cycle that would disable or delete more objects than this stops and waits for approval. */
  deletionThreshold: z.number().int().min(0).default(500),
  /** How long provisioning-log entries are kept. */
  logs: z.strictObject({ retentionDays: positive.max(3650).default(30) }).default({ retentionDays: 30 }),
});

export type SyncConfig = z.output<typeof configSchema>;
export type SourceConfig = z.output<typeof sourceSchema>;
export type MappingConfig = z.output<typeof mapping>;
export type ScopeClause = z.output<typeof scopeClause>;
export type SoftDeletedRule = z.output<typeof softDeleted>;
export type ObjectConfig = SyncConfig['users'];
