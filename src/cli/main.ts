/**
 * The `scimd` command line (node:util parseArgs). Commands parse their flags, call one thing and
 * print; startup errors (errors with a stable `code`, such as CONFIG_INVALID) are printed as their
 * message and exit 1, usage errors exit 2, and anything unexpected prints its stack and exits 1.
 */
import type { CliIo } from './io.ts';
import { USAGE } from './commands/help.ts';
import { migrateCommand } from './commands/migrate.ts';
import { serveCommand, type StartServer, type WaitForSignal } from './commands/serve.ts';

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

/** parseArgs rejects unknown flags and missing values with ERR_PARSE_ARGS_* TypeErrors. */
const isUsageError = (error: unknown): boolean => codeOf(error)?.startsWith('ERR_PARSE_ARGS') ?? false;

const hasStableCode = (error: unknown): error is Error => codeOf(error) !== undefined;

function report(error: unknown, io: CliIo): number {
  if (isUsageError(error)) {
    io.err(`scimd: ${(error as Error).message}\nRun "scimd --help" for usage.`);
    return 2;
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
      default:
        deps.io.err(`scimd: unknown command "${command}"\nRun "scimd --help" for usage.`);
        return 2;
    }
  } catch (error) {
    return report(error, deps.io);
  }
}
