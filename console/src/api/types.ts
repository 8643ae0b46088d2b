/** Names for the admin API's response shapes, all taken from the generated OpenAPI types. */
import type { components } from './schema';

type Schemas = components['schemas'];

export type Organization = Schemas['Organization'];
export type OrganizationList = Schemas['OrganizationList'];
export type Caller = Schemas['Caller'];
export type Session = Schemas['Session'];
export type Policies = Schemas['Policies'];
export type PolicyChange = Schemas['PolicyChange'];
export type Notifications = Schemas['Notifications'];
export type ApiKey = Schemas['ApiKey'];
export type ApiKeyList = Schemas['ApiKeyList'];
export type NewApiKey = Schemas['NewApiKey'];
export type CreatedApiKey = Schemas['CreatedApiKey'];
export type ScimResource = Schemas['ScimResource'];
export type ResourceList = Schemas['ResourceList'];
export type MemberList = Schemas['MemberList'];
export type AuditEvent = Schemas['AuditEvent'];
export type AuditEventList = Schemas['AuditEventList'];
export type Role = Schemas['Role'];
export type RoleList = Schemas['RoleList'];
export type Mail = Schemas['Mail'];
export type MailList = Schemas['MailList'];
export type SetupLink = Schemas['SetupLink'];
export type SetupLinkList = Schemas['SetupLinkList'];
export type CreatedSetupLink = Schemas['CreatedSetupLink'];
export type Activity = Schemas['Activity'];
export type ActivityBucket = Schemas['ActivityBucket'];
export type ScimErrorSample = Schemas['ScimErrorSample'];
export type ErrorBody = Schemas['Error'];
export type SchemaExtension = Schemas['SchemaExtension'];
export type SchemaExtensionList = Schemas['SchemaExtensionList'];
export type SchemaExtensionInput = Schemas['SchemaExtensionInput'];
export type SchemaRemoval = Schemas['SchemaRemoval'];
export type PolicyPreset = Schemas['PolicyPreset'];
export type PolicyPresetList = Schemas['PolicyPresetList'];
