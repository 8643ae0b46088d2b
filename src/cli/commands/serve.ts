/**
 * `scimd serve`: starts the server through the composition root (handed in as `start`, because the
 * CLI must not import src/runtime.ts), prints the Tenant URL, — on first start only — the SCIM
 * token, the Console URL and, on later starts, how to create a new key; and shuts down gracefully
 * on SIGINT/SIGTERM.
 */
import { parseArgs } from 'node:util';
import type { Config } from '../../config.ts';
import type { BootstrapResult } from '../../services/organizations.ts';
import type { CliIo } from '../io.ts';
import { SERVE_OPTIONS, configFromFlags } from './options.ts';

/** What a started server tells the CLI before it logs anything. */
export interface ServeInfo {
  /** The base URL clients use (PUBLIC_URL, or the address the server listens on). */
  readonly url: string;
  /** `${url}/scim/v2`: what an admin pastes into Entra or Okta. */
  readonly tenantUrl: string;
  /** `${url}/console`: the admin web console. */
  readonly consoleUrl: string;
  readonly bootstrap: BootstrapResult;
}

/** A running server. */
export interface RunningServer extends ServeInfo {
  /** Stops accepting, finishes in-flight requests, flushes pending writes, closes the database. */
  close(): Promise<void>;
}

/** Starts a server for `config`; calls `announce` once it listens, before its first log line. */
export type StartServer = (config: Config, options: { readonly announce: (info: ServeInfo) => void }) => Promise<RunningServer>;

/** Waits for the first of the signals and resolves with its name; a second signal forces an exit. */
export type WaitForSignal = () => Promise<string>;

/**
 * The lines printed once the server listens. A script reads the first two: `Tenant URL: …`, then
 * `SCIM token: …` when a token was generated now. Then the Console URL, and on later starts how to
 * get a new key, because the first token is never shown again.
 */
export function announcement(info: ServeInfo): string[] {
  const lines = [`Tenant URL: ${info.tenantUrl}`];
  const boot = info.bootstrap;
  if (boot.status === 'created') {
    lines.push(
      boot.secretSource === 'generated'
        ? `SCIM token: ${boot.secret}`
        : 'SCIM token installed from SCIMD_BOOTSTRAP_TOKEN (not shown)',
    );
  }
  lines.push(`Console: ${info.url}/console`);
  if (boot.status === 'existing') {
    const create = `scimd key create --org ${boot.organizationId ?? '<orgId>'} --type scim --description "Entra ID"`;
    lines.push(
      boot.organizationId === undefined
        ? `Lost the SCIM token? Find the organization with "scimd org list", then: ${create}`
        : `Lost the SCIM token? Create a new key (shown once): ${create}`,
    );
  }
  return lines;
}

/** Runs `scimd serve [--port --host --database-url --data-dir --public-url]`; returns the exit code. */
export async function serveCommand(args: readonly string[], io: CliIo, start: StartServer, waitForSignal: WaitForSignal): Promise<number> {
  const { values } = parseArgs({ args: [...args], options: SERVE_OPTIONS, strict: true, allowPositionals: false });
  const config = configFromFlags(values);
  const server = await start(config, {
    announce: (info) => {
      for (const line of announcement(info)) io.out(line);
    },
  });
  await waitForSignal();
  await server.close();
  return 0;
}
