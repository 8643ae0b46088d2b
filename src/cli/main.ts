/**
 * The `scimd` command line (node:util parseArgs). Commands parse their flags, call one thing and
 * print; startup errors (errors with a stable `code`, such as CONFIG_INVALID) are printed as their
 * message and exit 1, usage errors exit 2, and anything unexpected prints its stack and exits 1.
 */
import { isScimError } from '../core/scim-error.ts';
import type { CliIo } from './io.ts';
import { auditCommand } from './commands/audit.ts';
import { USAGE } from './commands/help.ts';
import { keyCommand } from './commands/key.ts';
import { eventsCommand } from './commands/events.ts';
import { webhookCommand } from './commands/webhook.ts';
import { migrateCommand } from './commands/migrate.ts';
import { operatorCommand } from './commands/operator.ts';
import { orgCommand } from './commands/org.ts';
import { roleCommand } from './commands/role.ts';
import { serveCommand, type StartServer, type WaitForSignal } from './commands/serve.ts';
import { setupLinkCommand } from './commands/setup-link.ts';

export interface CliDeps {
  readonly io: CliIo;
  /** Starts the server (the composition root's `startRuntime`). */
  readonly start: StartServer;
  readonly waitForSignal: WaitForSignal;
}

const codeOf = (error: unknown): string | undefined => {
  const code = error instanceof Error ? (error as { code?: unknown }).code : undefined;
  return typeof code === 'string' ? code : undefined;
};

/** parseArgs rejects unknown flags and missing values with ERR_PARSE_ARGS_* TypeErrors; commands throw ERR_USAGE. */
const isUsageError = (error: unknown): boolean => {
  const code = codeOf(error);
  return code === 'ERR_USAGE' || (code?.startsWith('ERR_PARSE_ARGS') ?? false);
};

const hasStableCode = (error: unknown): error is Error => codeOf(error) !== undefined;

function report(error: unknown, io: CliIo): number {
  if (isUsageError(error)) {
    io.err(`scimd: ${(error as Error).message}\nRun "scimd --help" for usage.`);
    return 2;
  }
  // A refused change (404, 409, 400 …): the service's detail says what to do.
  if (isScimError(error)) {
    io.err(`scimd: ${error.detail}`);
    return 1;
  }
  if (hasStableCode(error)) {
    io.err(`scimd: ${error.message}`);
    return 1;
  }
  io.err(`scimd: unexpected error: ${error instanceof Error ? (error.stack ?? error.message) : String(error)}`);
  return 1;
}

/** Runs the command line `argv` (without node and the script); resolves with the exit code. */
export async function runCli(argv: readonly string[], deps: CliDeps): Promise<number> {
  const [command, ...rest] = argv;
  try {
    switch (command) {
      case undefined:
      case '-h':
      case '--help':
      case 'help':
        deps.io.out(USAGE);
        return command === undefined ? 2 : 0;
      case 'serve':
        if (rest.includes('--help') || rest.includes('-h')) return (deps.io.out(USAGE), 0);
        return await serveCommand(rest, deps.io, deps.start, deps.waitForSignal);
      case 'migrate':
        if (rest.includes('--help') || rest.includes('-h')) return (deps.io.out(USAGE), 0);
        return await migrateCommand(rest, deps.io);
      case 'org':
        return await orgCommand(rest, deps.io);
      case 'key':
        return await keyCommand(rest, deps.io);
      case 'role':
        return await roleCommand(rest, deps.io);
      case 'audit':
        return await auditCommand(rest, deps.io);
      case 'operator':
        return await operatorCommand(rest, deps.io);
      case 'setup-link':
        return await setupLinkCommand(rest, deps.io);
      case 'webhook':
        return await webhookCommand(rest, deps.io);
      case 'events':
        return await eventsCommand(rest, deps.io);
      default:
        deps.io.err(`scimd: unknown command "${command}"\nRun "scimd --help" for usage.`);
        return 2;
    }
  } catch (error) {
    return report(error, deps.io);
  }
}
