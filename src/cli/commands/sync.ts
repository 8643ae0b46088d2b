/**
 * `scimd sync <subcommand>`: the provisioning client. Each subcommand is one entry of SUBCOMMANDS
 * (name → runner); add new ones there and a line to SYNC_USAGE.
 */
import type { Readable } from 'node:stream';
import type { CliIo } from '../io.ts';
import { UsageError } from './admin.ts';
import { SYNC_EXPR_USAGE, syncExprCommand } from './sync-expr.ts';
import { SYNC_JOB_SUBCOMMANDS, SYNC_JOB_USAGE } from './sync-jobs.ts';
import { SYNC_OPS_SUBCOMMANDS, SYNC_OPS_USAGE } from './sync-ops.ts';
import { SYNC_PROVISION_SUBCOMMAND, SYNC_PROVISION_USAGE } from './sync-provision.ts';

export const SYNC_USAGE = `Usage: scimd sync <subcommand> [options]

Subcommands:
  expr      Evaluate an attribute-mapping expression (Entra's language) against a sample object
${SYNC_JOB_USAGE}
${SYNC_OPS_USAGE}
${SYNC_PROVISION_USAGE}

Run "scimd sync <subcommand> --help" for its options.`;

/** What a subcommand gets: its own arguments, where to print, and stdin for those that read it. */
export interface SyncCommandIo {
  readonly io: CliIo;
  readonly stdin: Readable;
}

type SyncSubcommand = (args: readonly string[], deps: SyncCommandIo) => Promise<number>;

const SUBCOMMANDS = new Map<string, { readonly run: SyncSubcommand; readonly usage: string }>([
  ['expr', { run: syncExprCommand, usage: SYNC_EXPR_USAGE }],
  ...SYNC_JOB_SUBCOMMANDS,
  ...SYNC_OPS_SUBCOMMANDS,
  SYNC_PROVISION_SUBCOMMAND,
]);

/** Runs `scimd sync <subcommand> …`; returns the exit code. */
export async function syncCommand(args: readonly string[], io: CliIo, stdin: Readable = process.stdin): Promise<number> {
  const [sub, ...rest] = args;
  if (sub === undefined || sub === 'help' || sub === '--help' || sub === '-h') {
    io.out(SYNC_USAGE);
    return sub === undefined ? 2 : 0;
  }
  const subcommand = SUBCOMMANDS.get(sub);
  if (subcommand === undefined) throw new UsageError(`unknown sync subcommand "${sub}"`);
  if (rest.includes('--help') || rest.includes('-h')) {
    io.out(subcommand.usage);
    return 0;
  }
  return subcommand.run(rest, { io, stdin });
}
