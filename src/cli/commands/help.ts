/** `scimd --help`: what the commands do and which environment variables the flags stand for. */

/** The usage text printed by `scimd --help` (and after a usage error). */
export const USAGE = `Usage: scimd <command> [options]

Commands:
  serve     Start the SCIM server (creates the first organization and SCIM key on first start)
  migrate   Apply pending database migrations and print the result of each
  org       Organizations: create, list, show, rename, delete, scim on|off, policy, activity
  key       API keys: create (secret shown once), list, revoke
  role      Roles named by SCIM userType: list, create, rename, delete, members
  audit     Revision history: export (CSV/JSON to stdout), list, prune
  operator  Operators of the admin API (/api/v1): create, list
  setup-link Time-limited links for a customer admin: create, list, revoke
  webhook   Signed webhooks to the host application: create (secret shown once), list, update,
            delete, rotate, replay
  events    The event feed: tail --org <id> [--follow]
            Run "scimd <command> --help" for a command's options; add --json for scripts.

Options for serve and migrate:
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
Logs are JSON lines on stdout after those lines. See docs/operations.md for every setting.
`;
