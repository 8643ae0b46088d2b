/**
 * The starter configuration `scimd sync init` writes: a JSONC file (JSON with comments, which
 * `scimd sync` reads) holding Entra ID's default attribute mappings for a SCIM application,
 * adapted to a CSV export whose columns carry Entra's attribute names.
 */
const ENTERPRISE = 'urn:ietf:params:scim:schemas:extension:enterprise:2.0:User';

/** The starter file's text for a job called `name`. */
export function starterConfig(name = 'hr-to-app'): string {
  return `// scimd sync job: reads users and groups from a source and keeps a SCIM app in step.
// Run:   scimd sync test-connection --config ${name}.jsonc
//        scimd sync run --config ${name}.jsonc [--once] [--dry-run] [--json]
// Reference: docs/sync.md. Comments (// and /* */) are allowed in this file.
{
  "name": "${name}",

  // Where identities come from. csv | json | ldap | scim. "key" is the immutable source id.
  // softDeleted: when the source marks an object disabled (IsSoftDeleted = true).
  "source": { "type": "csv", "path": "users.csv", "key": "objectId", "softDeleted": { "attribute": "accountEnabled", "values": ["false"] } },
  // LDAP instead:
  // "source": { "type": "ldap", "url": "ldap://ldap.corp.example:389", "bindDN": "cn=sync,dc=corp,dc=example",
  //             "password": "env:LDAP_PASSWORD", "baseDN": "ou=people,dc=corp,dc=example",
  //             "filter": "(objectClass=inetOrgPerson)", "key": "uid" },

  // The app: its Tenant URL and Secret Token ("env:NAME" reads an environment variable).
  // profile: "rfc" (RFC 7644 PATCH) or "entra-legacy" (Entra's older PATCH shapes).
  "target": { "url": "https://app.example/scim/v2", "token": "env:SCIM_TOKEN", "profile": "rfc" },

  // Entra's default user mappings. "matching" = matching precedence (1 is tried first);
  // "default" is used when the value is null; "apply": "create" writes only on creation.
  "users": {
    "mappings": [
      { "target": "userName", "expression": "[userPrincipalName]", "matching": 1 },
      { "target": "active", "expression": "Switch([IsSoftDeleted], , \\"False\\", \\"True\\", \\"True\\", \\"False\\")" },
      { "target": "displayName", "expression": "[displayName]" },
      { "target": "title", "expression": "[jobTitle]" },
      { "target": "emails[type eq \\"work\\"].value", "expression": "[mail]" },
      { "target": "preferredLanguage", "expression": "[preferredLanguage]" },
      { "target": "name.givenName", "expression": "[givenName]" },
      { "target": "name.familyName", "expression": "[surname]" },
      { "target": "name.formatted", "expression": "Join(\\" \\", [givenName], [surname])" },
      { "target": "addresses[type eq \\"work\\"].formatted", "expression": "[physicalDeliveryOfficeName]" },
      { "target": "addresses[type eq \\"work\\"].streetAddress", "expression": "[streetAddress]" },
      { "target": "addresses[type eq \\"work\\"].locality", "expression": "[city]" },
      { "target": "addresses[type eq \\"work\\"].region", "expression": "[state]" },
      { "target": "addresses[type eq \\"work\\"].postalCode", "expression": "[postalCode]" },
      { "target": "addresses[type eq \\"work\\"].country", "expression": "[country]" },
      { "target": "phoneNumbers[type eq \\"work\\"].value", "expression": "[telephoneNumber]" },
      { "target": "phoneNumbers[type eq \\"mobile\\"].value", "expression": "[mobile]" },
      { "target": "phoneNumbers[type eq \\"fax\\"].value", "expression": "[facsimileTelephoneNumber]" },
      { "target": "externalId", "expression": "[mailNickname]" },
      { "target": "${ENTERPRISE}:employeeNumber", "expression": "[employeeId]" },
      { "target": "${ENTERPRISE}:department", "expression": "[department]" }
    ],
    // Scoping filter: an OR of AND-groups. Objects out of scope are deactivated.
    "scope": [
      // [{ "attribute": "department", "operator": "NOT EQUALS", "value": "External" }]
    ]
  },

  // Groups come after users; members are resolved through the users already linked.
  "groups": {
    "source": { "type": "csv", "path": "groups.csv", "key": "objectId", "members": "members" },
    "mappings": [
      { "target": "displayName", "expression": "[displayName]", "matching": 1 },
      { "target": "externalId", "expression": "[objectId]" }
    ]
  },

  // Entra runs an incremental cycle about every 40 minutes.
  "schedule": { "intervalMinutes": 40 },
  // What the job may do in the app. Deleting is off: removed users are deactivated instead.
  "actions": { "create": true, "update": true, "disable": true, "delete": false },
  "skipOutOfScopeDeletions": false
}
`;
}
