/** `scimd --help`: what the commands do and which environment variables the flags stand for. */

/** The usage text printed by `scimd --help` (and after a usage error). */
export const USAGE = `Usage: scimd <command> [options]

Commands:
  serve       Start the SCIM server (creates the first organization and SCIM key on first start)
  migrate     Apply pending database migrations and print the result of each
  backup      Copy the SQLite database online: backup --out <file> (PostgreSQL: prints the pg_dump command)
  org         Organizations: create, list, show, rename, delete, scim on|off, policy, activity
  key         API keys: create (secret shown once), list, revoke
  role        Roles named by SCIM userType: list, create, rename, delete, members
  schema      Extension schemas of an organization: add, list, show, remove, index
  audit       Revision history: export (CSV/JSON to stdout), list, prune
  operator    Operators of the admin API (/api/v1): create, list
  setup-link  Time-limited links for a customer admin: create, list, revoke
  webhook     Signed webhooks to the host application: create (secret shown once), list, update,
              delete, rotate, replay, deliver (delivery only, beside a serve without it)
  events      The event feed: tail --org <id> [--follow]
  sync        Provisioning client: run, init, test-connection, job, runs, expr, logs, status, provision
  validate    Check a SCIM endpoint as Entra and Okta do: validate <TenantURL> <token> [--profile] [--json]
              Run "scimd help <command>" (or "scimd <command> --help") for its options;
              add --json for scripts.

Options for serve, migrate and backup:
  --database-url <url>   postgres://… for PostgreSQL, or sqlite:<path>   (env DATABASE_URL)
  --data-dir <dir>       where the embedded SQLite database lives, default ./data   (env DATA_DIR)

Options for serve:
  -p, --port <port>      port to listen on, default 8080; 0 picks a free one   (env PORT)
  --host <host>          address to bind, default 127.0.0.1   (env HOST)
  --public-url <url>     externally visible base URL of the Tenant URL   (env PUBLIC_URL)

  -h, --help             show this help

On first start, serve prints two lines a script can read:
  Tenant URL: <public url>/scim/v2
  SCIM token: <secret>          (shown once; with SCIMD_BOOTSTRAP_TOKEN set, that token is installed instead)
then the Console URL, and on later starts how to create a new key. Logs follow on stdout: readable
lines on a terminal, JSON lines otherwise (LOG_FORMAT=json|pretty). See docs/operations.md.
`;
