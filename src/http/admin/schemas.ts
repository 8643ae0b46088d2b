/**
 * The admin API's request and response shapes, defined once with zod: the routes validate request
 * bodies and query strings with them, the OpenAPI document (src/http/openapi/) is generated from
 * them, and the tests check that every response matches the schema its route declares. Objects are
 * strict (JSON Schema `additionalProperties: false`) so an undeclared field fails the tests.
 * Every schema a route uses is registered under a component name in `adminSchemas`.
 */
import { z } from 'zod';
import { POLICY_PRESET_NAMES, type PolicyPresetName } from '../../services/policies.ts';

/** Component name and description of each registered schema. */
export const adminSchemas = z.registry<{ id: string; description?: string }>();

/** The description of each component, by id (zod's generator does not copy registry metadata). */
export const schemaDescriptions = new Map<string, string>();

export function named<T extends z.ZodType>(id: string, description: string, schema: T): T {
  adminSchemas.add(schema, { id, description });
  schemaDescriptions.set(id, description);
  return schema;
}

export const Timestamp = named('Timestamp', 'An ISO 8601 UTC date-time with milliseconds.', z.iso.datetime());

export const ErrorBody = named(
  'Error',
  'The SCIM error message shape (RFC 7644 §3.12), used by the admin API too.',
  z.strictObject({
    schemas: z.array(z.string()),
    status: z.string(),
    scimType: z.string().optional(),
    detail: z.string(),
  }),
);

const page = <T extends z.ZodType>(id: string, what: string, item: T) =>
  named(id, `A page of ${what}; pass \`nextCursor\` back as \`cursor\` for the next one.`, z.strictObject({ items: z.array(item), nextCursor: z.string().optional() }));

export const Organization = named(
  'Organization',
  'A tenant. `id` is the Organization ID; `tenantUrl` is what the identity provider is given.',
  z.strictObject({
    id: z.string(),
    name: z.string(),
    slug: z.string(),
    scimEnabled: z.boolean(),
    compatibilityProfile: z.enum(['lenient', 'strict']),
    tenantUrl: z.string(),
    createdAt: Timestamp,
    updatedAt: Timestamp,
  }),
);
export const OrganizationList = page('OrganizationList', 'organizations', Organization);
const PresetName = z.enum(POLICY_PRESET_NAMES as [PolicyPresetName, ...PolicyPresetName[]]);
export const NewOrganization = named('NewOrganization', 'A new organization; the slug is derived from the name when omitted.', z.strictObject({
  name: z.string(),
  slug: z.string().optional(),
  scimEnabled: z.boolean().optional(),
  preset: PresetName.optional().describe('The policy preset to start from (default: the deployment\'s SCIMD_DEFAULT_POLICY_PRESET)'),
}));
export const OrganizationRename = named('OrganizationRename', 'A new name (the id, slug and Tenant URL stay).', z.strictObject({ name: z.string() }));
export const ScimToggle = named('ScimToggle', 'Settings → Security: SCIM provisioning on or off.', z.strictObject({ enabled: z.boolean() }));

export const Policies = named('Policies', 'The organization\'s user policies and IdP compatibility profile.', z.strictObject({
  userNameMustBeEmail: z.boolean(),
  allowedDomains: z.array(z.string()),
  userNameImmutable: z.boolean(),
  deriveDisplayName: z.boolean(),
  userTypeMustNameRole: z.boolean(),
  defaultRole: z.string(),
  compatibilityProfile: z.enum(['lenient', 'strict']),
}));
export const PolicyChange = named(
  'PolicyChange',
  'The policies to change; the others keep their values. `preset` first sets every user policy to the preset\'s values.',
  Policies.partial().extend({ preset: PresetName.optional() }),
);

export const PolicyPreset = named('PolicyPreset', 'A named set of user policies an organization can start from or be reset to (`PATCH …/policies {"preset": …}`).', z.strictObject({
  name: PresetName,
  description: z.string(),
  policies: Policies.omit({ compatibilityProfile: true }),
}));
export const PolicyPresetList = named('PolicyPresetList', 'Every policy preset.', z.strictObject({ items: z.array(PolicyPreset) }));

export const Notifications = named('Notifications', 'Where key-expiry reminders go.', z.strictObject({ emails: z.array(z.string()) }));

export const ApiKey = named('ApiKey', 'An API key as listed: never its secret.', z.strictObject({
  id: z.string(),
  orgId: z.string(),
  type: z.enum(['scim', 'api']),
  description: z.string(),
  prefix: z.string(),
  scopes: z.array(z.string()),
  ipAllowlist: z.array(z.string()),
  expiresAt: Timestamp.nullable(),
  createdAt: Timestamp,
  createdBy: z.string().nullable(),
  lastUsedAt: Timestamp.nullable(),
  revokedAt: Timestamp.nullable(),
  status: z.enum(['active', 'expiring', 'expired', 'revoked']),
}));
export const ApiKeyList = page('ApiKeyList', 'API keys', ApiKey);
export const NewApiKey = named('NewApiKey', 'A key to generate. `expiresAt` (a date or date-time) cannot be changed later.', z.strictObject({
  type: z.enum(['scim', 'api']),
  description: z.string(),
  expiresAt: z.string().nullable().optional(),
  ipAllowlist: z.array(z.string()).optional(),
  scopes: z.array(z.string()).optional(),
}));
export const CreatedApiKey = named('CreatedApiKey', 'The new key and its secret, which is shown only this once.', z.strictObject({ key: ApiKey, secret: z.string() }));

export const ScimResource = named('ScimResource', 'A SCIM User or Group resource (RFC 7643 §4).', z.looseObject({ id: z.string(), schemas: z.array(z.string()) }));
export const ResourceList = named('ResourceList', 'A page of SCIM resources; pass `nextCursor` back as `cursor` for the next one.', z.strictObject({
  items: z.array(ScimResource),
  totalResults: z.number().int().optional(),
  nextCursor: z.string().optional(),
}));
export const Member = named('Member', 'A direct member of a group.', z.strictObject({ value: z.string(), type: z.enum(['User', 'Group']), display: z.string().nullable() }));
export const MemberList = page('MemberList', 'group members', Member);

export const AuditEvent = named('AuditEvent', 'One revision-history entry.', z.strictObject({
  orgId: z.string(),
  id: z.string(),
  occurredAt: Timestamp,
  actorType: z.enum(['scim', 'admin', 'system']),
  actorId: z.string().nullable(),
  actorName: z.string(),
  action: z.string(),
  resourceType: z.string(),
  resourceId: z.string().nullable(),
  requestId: z.string().nullable(),
  sourceIp: z.string().nullable(),
  changes: z.unknown(),
}));
export const AuditEventList = page('AuditEventList', 'revision-history events', AuditEvent);

export const Role = named('Role', 'A role that SCIM `userType` names exactly, with how many users hold it.', z.strictObject({
  id: z.string(),
  name: z.string(),
  description: z.string().nullable(),
  predefined: z.boolean(),
  createdAt: Timestamp,
  updatedAt: Timestamp,
  users: z.number().int(),
}));
export const RoleList = page('RoleList', 'roles', Role);
export const NewRole = named('NewRole', 'A custom role.', z.strictObject({ name: z.string(), description: z.string().nullable().optional() }));
export const RoleRename = named('RoleRename', 'A role\'s new name (only while no user holds it).', z.strictObject({ name: z.string() }));

const attributeCharacteristics = {
  name: z.string(),
  type: z.enum(['string', 'boolean', 'decimal', 'integer', 'dateTime', 'reference', 'complex', 'binary']),
  multiValued: z.boolean(),
  description: z.string().optional(),
  required: z.boolean(),
  caseExact: z.boolean(),
  mutability: z.enum(['readOnly', 'readWrite', 'immutable', 'writeOnly']),
  returned: z.enum(['always', 'never', 'default', 'request']),
  uniqueness: z.enum(['none', 'server', 'global']),
  canonicalValues: z.array(z.string()).optional(),
  referenceTypes: z.array(z.string()).optional(),
};
export const SchemaSubAttribute = named('SchemaSubAttribute', 'A sub-attribute of a complex extension attribute (RFC 7643 §7).', z.strictObject(attributeCharacteristics));
export const SchemaAttribute = named('SchemaAttribute', 'An attribute of an extension schema with every characteristic (RFC 7643 §2.2, §7).', z.strictObject({
  ...attributeCharacteristics,
  subAttributes: z.array(SchemaSubAttribute).optional(),
}));
export const SchemaExtension = named('SchemaExtension', 'An extension schema of the organization: the RFC 7643 §7 definition `/Schemas` serves, the resource type it extends, whether resources must carry it, and its version.', z.strictObject({
  id: z.string(),
  name: z.string(),
  description: z.string().optional(),
  attributes: z.array(SchemaAttribute),
  resourceType: z.enum(['User', 'Group']),
  required: z.boolean(),
  version: z.number().int(),
  createdAt: Timestamp,
  updatedAt: Timestamp,
}));
export const SchemaExtensionList = page('SchemaExtensionList', 'extension schemas', SchemaExtension);
const attributeInput = {
  name: z.string(),
  type: z.string().optional(),
  multiValued: z.boolean().optional(),
  description: z.string().optional(),
  required: z.boolean().optional(),
  caseExact: z.boolean().optional(),
  mutability: z.string().optional(),
  returned: z.string().optional(),
  uniqueness: z.string().optional(),
  canonicalValues: z.array(z.string()).optional(),
  referenceTypes: z.array(z.string()).optional(),
};
export const SchemaSubAttributeInput = named('SchemaSubAttributeInput', 'A sub-attribute to register; omitted characteristics take the RFC 7643 §2.2 defaults.', z.looseObject(attributeInput));
export const SchemaAttributeInput = named('SchemaAttributeInput', 'An attribute to register; omitted characteristics take the RFC 7643 §2.2 defaults (type string, readWrite, returned default, …).', z.looseObject({
  ...attributeInput,
  subAttributes: z.array(SchemaSubAttributeInput).optional(),
}));
export const SchemaExtensionInput = named('SchemaExtensionInput', 'An RFC 7643 §7 schema definition (as `/Schemas` returns one; `id` may be omitted: the URN in the path) plus the resource type it extends (`User` by default) and whether resources must carry it (`required`, false by default).', z.looseObject({
  id: z.string().optional(),
  name: z.string().optional(),
  description: z.string().optional(),
  attributes: z.array(SchemaAttributeInput),
  resourceType: z.enum(['User', 'Group']).optional(),
  required: z.boolean().optional(),
}));
export const SchemaRemoval = named('SchemaRemoval', 'A removed extension schema and how many users or groups lost their data under it (only with force=true).', z.strictObject({
  id: z.string(),
  resourcesChanged: z.number().int(),
}));

export const Mail = named('Mail', 'One mail scimd sent (`sent`), only recorded (`logged`), could not send (`failed`) or had no recipients for (`skipped`).', z.strictObject({
  orgId: z.string(),
  id: z.string(),
  createdAt: Timestamp,
  kind: z.string(),
  recipients: z.array(z.string()),
  subject: z.string(),
  body: z.string(),
  transport: z.enum(['smtp', 'log']),
  status: z.enum(['sent', 'logged', 'failed', 'skipped']),
  messageId: z.string().nullable(),
  error: z.string().nullable(),
}));
export const MailList = page('MailList', 'the mail log, newest first', Mail);

export const SetupLink = named('SetupLink', 'A setup link as listed: never its token.', z.strictObject({
  id: z.string(),
  orgId: z.string(),
  createdBy: z.string(),
  createdAt: Timestamp,
  expiresAt: Timestamp,
  revokedAt: Timestamp.nullable(),
  status: z.enum(['active', 'expired', 'revoked']),
}));
export const SetupLinkList = page('SetupLinkList', 'setup links', SetupLink);
export const NewSetupLink = named('NewSetupLink', 'How long the link lasts: minutes, hours or days such as `12h` or `7d` (default 7d, at most 30d).', z.strictObject({ expiresIn: z.string().optional() }));
export const CreatedSetupLink = named('CreatedSetupLink', 'The new link; its token and URL are shown only this once.', z.strictObject({ link: SetupLink, token: z.string(), url: z.string() }));

export const Operator = named('Operator', 'An operator of the deployment.', z.strictObject({
  id: z.string(),
  email: z.string(),
  createdAt: Timestamp,
  updatedAt: Timestamp,
  lastLoginAt: Timestamp.nullable(),
}));
export const Login = named('Login', 'An operator\'s credentials.', z.strictObject({ email: z.string(), password: z.string() }));
export const Session = named('Session', 'A new operator session; `token` is also set as the `scimd_session` cookie.', z.strictObject({ token: z.string(), expiresAt: Timestamp, operator: Operator }));
export const Caller = named('Caller', 'Who the caller is and what it may do.', z.strictObject({
  kind: z.enum(['operator', 'apiKey', 'setupLink']),
  id: z.string(),
  name: z.string(),
  orgId: z.string().nullable(),
  scopes: z.array(z.string()),
  expiresAt: Timestamp.nullable(),
}));

export const ActivityBucket = named('ActivityBucket', 'Counts of one hour or day.', z.strictObject({
  start: Timestamp,
  creates: z.number().int(),
  updates: z.number().int(),
  deactivations: z.number().int(),
  deletes: z.number().int(),
  errors: z.number().int(),
}));
export const ScimErrorSample = named('ScimErrorSample', 'A failed SCIM request with the error body the client received.', z.strictObject({
  orgId: z.string(),
  id: z.string(),
  occurredAt: Timestamp,
  keyId: z.string().nullable(),
  requestId: z.string().nullable(),
  method: z.string(),
  path: z.string(),
  status: z.number().int(),
  scimType: z.string().nullable(),
  detail: z.string(),
  body: z.unknown(),
}));
export const Activity = named('Activity', 'Provisioning activity: is the identity provider\'s provisioning landing?', z.strictObject({
  bucket: z.enum(['hour', 'day']),
  from: Timestamp,
  to: Timestamp,
  buckets: z.array(ActivityBucket),
  lastSuccessAt: Timestamp.nullable(),
  lastErrors: z.array(ScimErrorSample),
}));
