/** The scopes an `api` key can hold, as the admin API documents them, with what each allows. */
export const SCOPES: readonly { readonly name: string; readonly label: string }[] = [
  { name: 'org:read', label: 'Read the organization, its policies and notification addresses' },
  { name: 'org:write', label: 'Rename the organization, change policies and addresses' },
  { name: 'org:scim', label: 'Turn SCIM provisioning on or off' },
  { name: 'keys:read', label: 'List API keys' },
  { name: 'keys:write', label: 'Generate and revoke API keys' },
  { name: 'users:read', label: 'Read users and members' },
  { name: 'groups:read', label: 'Read groups and their members' },
  { name: 'roles:read', label: 'Read roles' },
  { name: 'roles:write', label: 'Create, rename and delete roles' },
  { name: 'schemas:read', label: 'Read extension schemas' },
  { name: 'schemas:write', label: 'Register, replace and remove extension schemas' },
  { name: 'audit:read', label: 'Read and export the revision history' },
  { name: 'mail:read', label: 'Read the mail log' },
  { name: 'activity:read', label: 'Read provisioning activity' },
  { name: 'provisioning:read', label: 'Read sync jobs, their status and provisioning logs' },
  { name: 'provisioning:write', label: 'Run provision on demand, approve deletions, start, stop and restart sync jobs' },
];
